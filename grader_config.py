"""Every nbgrader setting of the kit, in one place.

nbgrader reads nbgrader_config.py from the folder it runs in; that file only loads this one,
so plain `nbgrader generate_assignment 01-intelligence-cycle`, `nbgrader autograde ...` and
`nbgrader generate_feedback ...` work from the repository root, and `sahelkit grade` and the
tests load the same settings.
"""
import os

c = get_config()  # noqa: F821 -- provided by traitlets when it runs a config file

here = os.path.dirname(os.path.abspath(__file__))

# --- the course -------------------------------------------------------------------------
from sahelkit.workspace import COURSE_ID  # noqa: E402 -- the participant's exchange uses the same

c.CourseDirectory.course_id = COURSE_ID
# Trainers' versions (solutions and hidden tests) live in solutions/, participants' in exercises/;
# in an English workshop (SAHELKIT_LANG=en) those built from them in en/ (sahelkit.course.translate),
# with the same assignment names, grade ids and points: one gradebook serves both languages.
from sahelkit.i18n import language  # noqa: E402

_language_folder = "" if language() == "fr" else language()
c.CourseDirectory.source_directory = os.path.join(_language_folder, "solutions")
c.CourseDirectory.release_directory = os.path.join(_language_folder, "exercises")
# Case data and figures that an assignment folder may hold are copied along with it.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"]

# The exchange is a folder inside the course: the workshop runs on one laptop, offline, and
# JupyterLab's assignment list must not warn that the exchange directory does not exist.
# On the classroom server (`make hub`), the trainer's server is given the exchange every account
# shares instead (sahelkit/hub/config.py).
from sahelkit.hub.config import EXCHANGE_ENV  # noqa: E402

c.Exchange.root = os.environ.get(EXCHANGE_ENV) or os.path.join(here, ".exchange")
# There, several trainers may release and collect: what nbgrader writes is shared with their group.
c.CourseDirectory.groupshared = bool(os.environ.get(EXCHANGE_ENV))
os.makedirs(c.Exchange.root, exist_ok=True)

# --- what participants receive ----------------------------------------------------------
# The stub says where to write, and fails until they do: in the workshop's language
# (SAHELKIT_LANG; `make exercises` releases en/exercises/ from en/solutions/ in English).
STUBS = {
    "fr": ("# ÉCRIVEZ VOTRE CODE ICI, puis supprimez la ligne suivante\n"
           "raise NotImplementedError(\"réponse pas encore écrite\")", "ÉCRIVEZ VOTRE RÉPONSE ICI"),
    "en": ("# WRITE YOUR CODE HERE, then delete the next line\n"
           "raise NotImplementedError(\"answer not written yet\")", "WRITE YOUR ANSWER HERE"),
}
c.ClearSolutions.code_stub = {"python": STUBS[language()][0]}
c.ClearSolutions.text_stub = STUBS[language()][1]

# --- grading ----------------------------------------------------------------------------
# A participant's endless loop is cut after this many seconds per cell; the kernel is
# interrupted and the following cells still run, so the other parts are graded.
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True
# Kernel start on a modest laptop can be slow.
c.Execute.startup_timeout = 120

# A test cell whose answer triggers a Python warning (pandas FutureWarning, say) writes to
# stderr, and nbgrader scores any stderr output as a failure: drop warning text before scoring.
# The kernel may flush a warning's line end as a stderr output of its own: drop blank ones too.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"Warning|\A\s*\Z"

# A participant who deleted a test cell gets it back from the gradebook, so the part is graded
# (and counted) instead of silently vanishing from the total.
c.OverwriteCells.add_missing_cells = True
from sahelkit.grading.statuses import missing_cell_notification  # noqa: E402  (in the workshop's language)

c.OverwriteCells.missing_cell_notification = missing_cell_notification()

# The answers stay out of the participants' reach while their notebooks run: the kernel cannot
# read the ground truth (truth/), the generator, the solutions or the gradebook, nor start
# another program (sahelkit/grading/seal.py); hidden tests that need the truth receive it in
# their own source; a participant's cell that reaches for it costs the marks of the tests that
# follow it (sahelkit/grading/truthguard.py).
from sahelkit.grading.truthguard import autograde_preprocessors  # noqa: E402

c.Autograde.autograde_preprocessors = autograde_preprocessors()
c.Execute.extra_arguments = ["--IPKernelApp.extensions=sahelkit.grading.seal"]
c.SealAnswers.course_roots = [here]

# Very long outputs (printing a whole table in a loop) are cut in the graded copy.
c.LimitOutput.max_lines = 200
c.LimitOutput.max_traceback = 30

# --- feedback ---------------------------------------------------------------------------
# Feedback shows each participant their score per part and the message of a failed test, but
# never the hidden test code (which would give the answers away for the next cohort).
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "sahelkit.grading.feedback.HideHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
# The same HTML page as nbgrader's, with its compiled templates kept between participants.
c.GenerateFeedback.exporter_class = "sahelkit.grading.feedback.FeedbackExporter"
