# Two commands: `make lab` (set up and open JupyterLab), `make test` (set up and run every test).
# Only Python (3.11, 3.12 or 3.13) is needed on the machine; everything else is installed here.
# Another Python: PYTHON=python3.12 make lab

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8888
# JupyterLab refuses to run as root unless told to.
ROOTFLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
# nbgrader runs `alembic` and `jupyter` as subprocesses: the venv must be on PATH.
export PATH := $(CURDIR)/$(BIN):$(PATH)
# Pass extra arguments to pytest: make test PYTEST_ARGS="-k module01"
PYTEST_ARGS ?=
# The workshop's language, chosen once like the country: make lab LANG=en (French by default).
# It reaches every command as SAHELKIT_LANG (sahelkit/i18n.py). LANG given on make's command line
# is taken for the workshop's language and never reaches the programs as their system locale.
ifeq ($(origin LANG),command line)
export SAHELKIT_LANG := $(LANG)
override LANG := C.UTF-8
export LANG
endif
ifneq ($(filter-out fr en,$(or $(SAHELKIT_LANG),fr)),)
$(error LANG=$(SAHELKIT_LANG) : langue inconnue, choisissez fr ou en / unknown language, choose fr or en)
endif

# SAHELKIT_DATA names the folder that holds the country folders, as for `sahelkit generate` and
# sahelkit.load(): SAHELKIT_DATA=~/atelier/donnees make lab copies ~/atelier/donnees/<country>
# (without truth/) into the participant's workspace, where the notebooks read it.
# Made absolute here, because each notebook runs in its own folder (modules/, exercises/...).
ifneq ($(SAHELKIT_DATA),)
override SAHELKIT_DATA := $(abspath $(patsubst ~%,$(HOME)%,$(SAHELKIT_DATA)))
export SAHELKIT_DATA
endif

.PHONY: messages setup lab lab-trainer hub hub-remove-accounts proxy handin test browser exercises data check-data bench bench-hub clean-venv

setup: $(STAMP)

$(STAMP): pyproject.toml requirements.lock $(wildcard jupyter-config/*.json jupyter-config/*/*.json)
	$(CHECK_PYTHON)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[test,hub]"
	# rfc3987-syntax (an optional IRI checker of jsonschema, pulled in by Jupyter) compiles 35
	# parsers when imported: 2-3 s added to every start of jupyter lab, nbgrader and sahelkit grade.
	# No Jupyter or nbgrader schema checks IRIs, and jsonschema works without it.
	$(BIN)/python -m pip uninstall --quiet --yes rfc3987-syntax
	# The workshop is offline: no news pop-up asking to fetch Jupyter news.
	$(BIN)/jupyter labextension disable --level=sys_prefix "@jupyterlab/apputils-extension:announcements" >/dev/null
	# The kit's Jupyter settings (jupyter-config/): Validate answers in French from the cell that went
	# wrong (sahelkit.lab.validate, in place of nbgrader's validate_assignment), and kernels
	# print only an error's last line (sahelkit.lab.errors; `%xmode Context` shows the whole path).
	cp jupyter-config/jupyter_server_config.d/sahelkit.json $(VENV)/etc/jupyter/jupyter_server_config.d/
	cp jupyter-config/jupyter_lab_config.json $(VENV)/etc/jupyter/
	mkdir -p $(VENV)/etc/ipython
	cp jupyter-config/ipython_kernel_config.json $(VENV)/etc/ipython/
	mkdir -p .exchange
	touch $(STAMP)

# The Pythons pyproject.toml accepts (requires-python), checked before the venv is made, in French.
define CHECK_PYTHON
@$(PYTHON) -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] < (3, 14) else 1)' 2>/dev/null || { \
	echo "Le kit demande Python 3.11, 3.12 ou 3.13, et « $(PYTHON) » est : $$($(PYTHON) --version 2>/dev/null || echo introuvable)." >&2; \
	echo "Installez une de ces versions (Ubuntu 24.04 : sudo apt install python3.12-venv ;" >&2; \
	echo "Debian 12 : sudo apt install python3.11-venv ; Windows ou macOS : python.org ; sinon pyenv)," >&2; \
	echo "puis relancez en la nommant, par exemple : PYTHON=python3.12 make lab" >&2; \
	exit 1; }
endef

.PHONY: check-python
check-python:
	$(CHECK_PYTHON)

# The participant's JupyterLab: a workspace of its own (atelier/, git-ignored) with the modules, the
# exercises (fetched through nbgrader's exchange) and the case data without truth/; no solutions/,
# no tests, no instructor panels (src/sahelkit/workspace.py says why). Refreshed at each start, it
# keeps whatever the participant wrote. The first start asks for the participant's name, or:
# make lab PARTICIPANT="Aminata Traoré"
WORKSPACE   ?= atelier
PARTICIPANT ?=
lab: setup
	@echo "Opening JupyterLab on http://$(HOST):$(PORT)/lab (the URL with its token is printed below)."
	$(BIN)/python -m sahelkit.workspace lab --workspace "$(WORKSPACE)" --source "$(CURDIR)" \
		$(if $(PARTICIPANT),--participant "$(PARTICIPANT)") $(if $(SAHELKIT_LANG),--lang $(SAHELKIT_LANG)) \
		--ip=$(HOST) --port=$(PORT)

# The trainer's JupyterLab: the whole kit (solutions, truth, Formgrader, Create Assignment).
# In the workshop's language: its menus (JupyterLab settings of the kit's own, in the venv) and its
# landing notebook (en/modules/index.ipynb in English).
TRAINER_SETTINGS := $(abspath $(VENV))/lab-settings
lab-trainer: export JUPYTERLAB_SETTINGS_DIR = $(TRAINER_SETTINGS)
lab-trainer: setup
	@echo "Opening the trainer's JupyterLab on http://$(HOST):$(PORT)/lab (the URL with its token is printed below)."
	@echo "Données des cas : $(or $(SAHELKIT_DATA),$(CURDIR)/datasets) (variable SAHELKIT_DATA)."
	@$(BIN)/python -c 'import pathlib, sys; from sahelkit.workspace import set_lab_language; \
		set_lab_language(pathlib.Path(sys.argv[1]))' "$(TRAINER_SETTINGS)"
	$(BIN)/jupyter lab --ip=$(HOST) --port=$(PORT) --no-browser $(ROOTFLAG) --ServerApp.root_dir="$(CURDIR)" \
		--LabApp.default_url=/lab/tree/$(if $(filter en,$(SAHELKIT_LANG)),en/)modules/index.ipynb

# The classroom server: JupyterHub on this machine, one account per person of the roster (ROSTER,
# the same file `sahelkit grade --roster` reads, trainers marked in its role column), each
# participant's JupyterLab under their own system user, nbgrader's exchange shared by the class
# (src/sahelkit/hub/). As root: sudo make hub ; for the classroom network: sudo make hub HUB_IP=0.0.0.0
HUB_IP   ?= 127.0.0.1
HUB_PORT ?= 8000
ROSTER   ?= participants.csv
HUB_EXCHANGE ?= /srv/nbgrader/exchange
# JupyterHub's proxy, from npm, in the venv (git-ignored); Node.js from the system's packages.
PROXY_VERSION := 5.3.0
PROXY := $(VENV)/proxy/node_modules/.bin/configurable-http-proxy
hub: setup proxy
	$(BIN)/python -m sahelkit.hub start --kit "$(CURDIR)" --roster "$(ROSTER)" --ip $(HUB_IP) --port $(HUB_PORT) \
		--proxy "$(PROXY)" --exchange "$(HUB_EXCHANGE)" $(if $(SAHELKIT_LANG),--lang $(SAHELKIT_LANG))

# After the workshop: remove the accounts `make hub` created (and their homes), and no other.
hub-remove-accounts:
	$(BIN)/python -m sahelkit.hub remove-accounts --kit "$(CURDIR)"

proxy: $(PROXY)

$(PROXY):
	@command -v npm >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; \
		else \
			echo "Node.js (npm) manque pour le serveur de la classe : sudo apt-get install nodejs npm" >&2; exit 1; \
		fi; }
	mkdir -p $(VENV)/proxy
	npm install --prefix $(VENV)/proxy --no-audit --no-fund --loglevel=error configurable-http-proxy@$(PROXY_VERSION)

# What the participant handed in (Assignments panel > Submit), as one zip named after them, on the
# trainer's USB stick: make handin TO=/media/CLE
TO ?=
handin:
	$(BIN)/python -m sahelkit.workspace handin --workspace "$(WORKSPACE)" --to "$(TO)"

# Debian's chromium drives the browser tests; install it when missing and we are root.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else \
			echo "chromium is missing: run 'sudo apt-get install chromium' (browser tests will be skipped)"; \
		fi; }

test: setup browser proxy
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n 2 --dist worksteal $(PYTEST_ARGS)

clean-venv:
	rm -rf $(VENV)

# Regenerate the participants' notebooks: exercises/ from solutions/, then the English ones,
# en/ from the French and translations/en/ (sahelkit translate build), en/exercises/ from
# en/solutions/ (commit the result).
exercises: setup
	for dir in solutions/[0-9][0-9]-*/; do \
		SAHELKIT_LANG=fr $(BIN)/nbgrader generate_assignment "$$(basename $$dir)" --force --log-level=WARN || exit 1; \
	done
	$(BIN)/sahelkit translate build
	for dir in en/solutions/[0-9][0-9]-*/; do \
		SAHELKIT_LANG=en $(BIN)/nbgrader generate_assignment "$$(basename $$dir)" --force --log-level=WARN || exit 1; \
	done

# A country is a profile file: every datasets/profiles/<slug>.yaml has its case in datasets/<slug>/.
PROFILES := $(sort $(wildcard datasets/profiles/*.yaml))

# Regenerate every country's case data and the data dictionary (commit the result).
data: setup
	for p in $(PROFILES); do $(BIN)/sahelkit generate --profile $$p || exit 1; done
	$(BIN)/sahelkit data-readme

check-data: setup
	for p in $(PROFILES); do $(BIN)/sahelkit check-data datasets/$$(basename $$p .yaml) || exit 1; done

# The kit's messages in French: extract every _() of src/sahelkit and update the French catalogue
# (a new message comes empty, a changed one fuzzy with its old text: translate, then drop the fuzzy flag).
messages: setup
	$(BIN)/pybabel -q extract --no-location --sort-output -o $(VENV)/sahelkit.pot src/sahelkit
	$(BIN)/pybabel -q update --previous --ignore-obsolete -i $(VENV)/sahelkit.pot \
		-d src/sahelkit/locale -D sahelkit -l fr

# Speed, side by side with a baseline in the same run (figures and ratios are printed).
bench: setup
	$(BIN)/python benchmarks/generate.py
	$(BIN)/python benchmarks/notebooks.py
	$(BIN)/python benchmarks/grading.py
	$(BIN)/python benchmarks/seal.py
	$(BIN)/python benchmarks/signals.py   # every planted signal's margin, seeds 1-50 of every country

# The classroom server's capacity: 16 participants sign in and run exercise 00 at once (as root).
bench-hub: setup proxy
	PYTHONPATH=src:. $(BIN)/python benchmarks/hub_capacity.py
