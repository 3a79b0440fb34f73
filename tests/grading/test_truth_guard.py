"""Grading keeps the ground truth out of the participants' code and flags the code that reaches for it.

Three layers, each tested here: the static check of a participant's cells (the obvious ways to
name the truth, and none of the kit's own notebooks), the kernel's seal (the truth, the generator,
the course's answers and other programs are out of reach while a notebook is graded, however the
code gets there), and a cohort graded by `sahelkit grade` on an exercise whose hidden tests read
the truth: the honest solution still earns every point, a cell that reaches for the truth costs
the parts tested after it, and a disguised attempt gains nothing.
"""
from __future__ import annotations

import copy
import csv
import json
import os
import re

import nbformat
import pytest
from nbgrader.api import Gradebook

from sahelkit.grading import simulate
from sahelkit.grading.seal import SEALED_ENV
from sahelkit.grading.statuses import STATUSES
from sahelkit.grading.truthguard import TRUTH_CALL, trusted, truth_reasons
from tests.helpers import ASSIGNMENTS, MODULES, REPO, make_course, run_grade

FLAGGED = STATUSES["truth-access"].label

REACHING = {
    "plain": "t = sahelkit.load_truth()",
    "getattr": 'loader = getattr(sahelkit, "load_" + "truth")\nt = loader()',
    "imported": "from sahelkit import load_truth as lt",
    "module": "t = sahelkit.load.load_truth()",
    "path": 'pd.read_csv("../datasets/mali/truth/members.csv")',
    "pathlib": 'pd.read_csv(Path(sahelkit.__file__).parents[2] / "datasets" / "mali" / "truth" / "records.csv")',
    "shell": "!cat datasets/mali/truth/members.csv",
    "generator": "import sahelkit.generator.case as g",
    "from-generator": "from sahelkit.generator.intel import _expected_grade",
    "attribute": "sahelkit.generator.generate_case",
    "importlib": 'importlib.import_module("sahelkit.generator")',
}
INNOCENT = [
    "truth = verified_records  # the verified sample, a participant's own name",
    "case = sahelkit.load()\ncase.calls.head()",
    "rng = np.random.default_rng(7)",
    "precision = len(found & truth_pairs) / len(found)",
]


@pytest.mark.parametrize("name", sorted(REACHING))
def test_static_check_sees_the_obvious_ways_to_the_truth(name):
    assert truth_reasons(REACHING[name]), REACHING[name]


@pytest.mark.parametrize("source", INNOCENT)
def test_static_check_leaves_ordinary_code_alone(source):
    assert truth_reasons(source) == []


def test_the_kit_s_own_notebooks_do_not_trip_it():
    """Teaching notebooks, and every cell of the solutions a participant writes or adds: nothing
    in them reaches for the truth (only the trainer's locked hidden tests do)."""
    tripped = []
    for path in MODULES + sorted((REPO / "solutions").rglob("*.ipynb")) + sorted((REPO / "exercises").rglob("*.ipynb")):
        for i, cell in enumerate(nbformat.read(path, as_version=4).cells):
            if cell.cell_type == "code" and not trusted(cell) and truth_reasons(cell.source):
                tripped.append(f"{path.relative_to(REPO)} cell {i + 1}: {truth_reasons(cell.source)}")
    assert not tripped


def test_hidden_tests_read_the_truth_only_in_the_form_grading_replaces():
    """Grading hands the truth to a locked test cell by replacing `sahelkit.load_truth()`; any
    other spelling would hit the kernel's seal and fail the honest participants."""
    seen = 0
    for name in ASSIGNMENTS:
        for cell in nbformat.read(REPO / "solutions" / name / f"{name}.ipynb", as_version=4).cells:
            if "load_truth" in cell.source:
                assert trusted(cell), f"{name}: only locked test cells may read the truth"
                assert cell.source.count("load_truth") == len(TRUTH_CALL.findall(cell.source)), \
                    f"{name}: write exactly `sahelkit.load_truth()` in hidden tests"
                seen += 1
    assert seen, "no hidden test reads the truth any more: this test and truthguard.SealAnswers can go"


# --------------------------------------------------------------------------- the kernel's seal
KERNEL_CELLS = {
    "load": "sahelkit.load().calls.shape[0] > 0",
    "truth-by-getattr": 'getattr(sahelkit, "lo" + "ad_tr" + "uth")()',
    "truth-by-open": 'open(os.path.join(str(sahelkit.paths.DATASETS), "mali", "tr" + "uth", "members.csv")).read()',
    "truth-by-symlink": 'os.symlink(os.path.join(str(sahelkit.paths.DATASETS), "mali", "tr" + "uth"), "t")\n'
                        'open(os.path.join("t", "members.csv")).read()',
    "truth-by-listdir": 'os.listdir(os.path.join(str(sahelkit.paths.DATASETS), "mali", "tr" + "uth"))',
    "generator": 'importlib.import_module("sahelkit.gen" + "erator")',
    "solutions": 'open(os.path.join(os.environ["SEALED_SOLUTIONS"], "answer.txt")).read()',
    "shell": 'subprocess.run(["cat", "/etc/hostname"])',
    "own-folder": 'open("mine.txt", "w").write("ok")\nopen("mine.txt").read()',
}


@pytest.fixture(scope="module")
def sealed_kernel(tmp_path_factory):
    from nbclient import NotebookClient
    root = tmp_path_factory.mktemp("seal")
    (root / "solutions").mkdir()
    (root / "solutions" / "answer.txt").write_text("42", encoding="utf-8")
    (root / "work").mkdir()
    cells = ["import importlib, os, subprocess\nimport sahelkit\nimport sahelkit.paths"] + list(KERNEL_CELLS.values())
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"), SEALED_SOLUTIONS=str(root / "solutions"))
    env[SEALED_ENV] = str(root / "solutions")
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        NotebookClient(nb, timeout=120, allow_errors=True, kernel_name="python3",
                       extra_arguments=["--IPKernelApp.extensions=sahelkit.grading.seal"],
                       resources={"metadata": {"path": str(root / "work")}}).execute()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    outcome = {}
    for key, cell in zip(KERNEL_CELLS, nb.cells[1:]):
        errors = [o for o in cell.outputs if o.output_type == "error"]
        outcome[key] = errors[0].ename if errors else "ok"
    return outcome


@pytest.mark.parametrize("key", ["truth-by-getattr", "truth-by-open", "truth-by-symlink", "truth-by-listdir",
                                 "generator", "solutions", "shell"])
def test_sealed_kernel_cannot_reach_the_answers(sealed_kernel, key):
    assert sealed_kernel[key] == "SealedError", sealed_kernel


@pytest.mark.parametrize("key", ["load", "own-folder"])
def test_sealed_kernel_still_does_the_exercises(sealed_kernel, key):
    assert sealed_kernel[key] == "ok", sealed_kernel


# --------------------------------------------------------------------------- a cohort
ASSIGNMENT = "03-collate-records"
DUPLICATES_FROM = """_t = {loader}.records
_t = _t[_t["service"] == DEDUP_SERVICE]
_m = _t.merge(_t, on="person_id")
_m = _m[_m["record_id_x"] < _m["record_id_y"]]
duplicate_pairs = pd.DataFrame({{"record_id_1": _m["record_id_x"], "record_id_2": _m["record_id_y"]}})
"""
MATCHES_FROM_FILE = """import os
_t = pd.read_csv(os.path.join(os.path.dirname(sahelkit.__file__), "..", "..", "datasets", case.country,
                              "truth", "records.csv"), dtype=str)
_m = _t[_t["service"] == SERVICE_A].merge(_t[_t["service"] == SERVICE_B], on="person_id")
match_pairs = pd.DataFrame({"record_id_a": _m["record_id_x"], "record_id_b": _m["record_id_y"]})
"""
DISGUISED = """try:
    _t = getattr(sahelkit, "lo" + "ad_tr" + "uth")().records
except Exception:
    _t = None
duplicate_pairs = pd.DataFrame({"record_id_1": [], "record_id_2": []})
if _t is not None:
    _t = _t[_t["service"] == DEDUP_SERVICE]
    _m = _t.merge(_t, on="person_id")
    _m = _m[_m["record_id_x"] < _m["record_id_y"]]
    duplicate_pairs = pd.DataFrame({"record_id_1": _m["record_id_x"], "record_id_2": _m["record_id_y"]})
"""
PARTS = ["03-to-e164-test", "03-normalise-name-test", "03-duplicate-pairs-test", "03-match-pairs-test"]


def _cell(nb, gid):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == gid)


def _scores(course, pid) -> dict[str, bool]:
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        nb = gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, pid)
        return {g.name: (g.auto_score or 0) == g.max_score for g in nb.grades if g.name in PARTS}


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    root = tmp_path_factory.mktemp("truthguard")
    course = make_course(root / "course", [ASSIGNMENT])
    good = simulate.participant_notebook(course, ASSIGNMENT, ASSIGNMENT)
    people = {"honest": good}
    nb = copy.deepcopy(good)
    _cell(nb, "03-duplicate-pairs").source = DUPLICATES_FROM.format(loader="sahelkit.load_truth()")
    people["plain"] = nb
    nb = copy.deepcopy(good)
    added = nbformat.v4.new_code_cell('truth = getattr(sahelkit, "load_" + "truth")()')
    nb.cells.insert(nb.cells.index(_cell(nb, "03-duplicate-pairs")), added)
    _cell(nb, "03-duplicate-pairs").source = DUPLICATES_FROM.format(loader="truth")
    people["added"] = nb
    nb = copy.deepcopy(good)
    _cell(nb, "03-match-pairs").source = MATCHES_FROM_FILE
    people["byfile"] = nb
    nb = copy.deepcopy(good)
    _cell(nb, "03-duplicate-pairs").source = DISGUISED
    people["disguised"] = nb
    subs = root / "rendus"
    for pid, notebook in people.items():
        (subs / pid).mkdir(parents=True)
        nbformat.write(notebook, subs / pid / f"{ASSIGNMENT}.ipynb")
    proc = run_grade(course, ASSIGNMENT, "--submissions", str(subs), "--jobs", "2")
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    notes = {r["participant"]: r for r in csv.DictReader(
        (course / "grading" / "rapport" / "notes.csv").read_text(encoding="utf-8-sig").splitlines(), delimiter=";")}
    return {"course": course, "proc": proc, "notes": notes, "scores": {p: _scores(course, p) for p in people}}


def test_honest_solution_earns_every_point_with_the_truth_sealed(cohort):
    assert all(cohort["scores"]["honest"].values()), cohort["scores"]["honest"]
    assert FLAGGED not in cohort["notes"]["honest"]["statuts"]


@pytest.mark.parametrize("pid, lost", [
    ("plain", {"03-duplicate-pairs-test", "03-match-pairs-test"}),
    ("added", {"03-duplicate-pairs-test", "03-match-pairs-test"}),
    ("byfile", {"03-match-pairs-test"}),
])
def test_reaching_for_the_truth_costs_the_parts_tested_after_it(cohort, pid, lost):
    got = cohort["scores"][pid]
    assert {gid for gid, full in got.items() if not full} == lost, got
    assert FLAGGED in cohort["notes"][pid]["statuts"]
    assert any(line.strip().startswith(f"- {pid} /") and FLAGGED in line for line in cohort["proc"].stdout.splitlines())
    autograded = nbformat.read(cohort["course"] / "autograded" / pid / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    for gid in lost:
        assert "LectureInterdite" in json.dumps(_cell(autograded, gid).outputs)


def test_the_flag_names_the_cell(cohort):
    assert "03-duplicate-pairs" in cohort["notes"]["plain"]["details"]
    assert re.search(r"cellule n° \d+", cohort["notes"]["added"]["details"])
    html = (cohort["course"] / "grading" / "rapport" / "rapport-cohorte.html").read_text(encoding="utf-8")
    assert FLAGGED in html.split("id='attention'", 1)[1].split("</table>", 1)[0]


def test_a_disguised_attempt_gains_nothing(cohort):
    got = cohort["scores"]["disguised"]
    assert {gid for gid, full in got.items() if not full} == {"03-duplicate-pairs-test"}, got


def test_the_autograded_copy_keeps_the_tests_as_written(cohort):
    """The truth handed to the hidden tests is in the run only, not in the trainer's copy."""
    autograded = nbformat.read(cohort["course"] / "autograded" / "honest" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                               as_version=4)
    source = nbformat.read(REPO / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    for gid in PARTS:
        assert _cell(autograded, gid).source == _cell(source, gid).source
    assert "unpack_truth" not in json.dumps(autograded)
