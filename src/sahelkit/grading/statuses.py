"""What can happen to a submission, in the trainer's words.

One table, used by the command's summary, the cohort report and the grading guides
(trainers/fr/grading.md, trainers/en/grading.md), so that they always say the same thing.
`attention` statuses make `sahelkit grade` exit with 1. The texts are English messages, read in
the workshop's language (sahelkit.i18n) when shown.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..i18n import N_, _


@dataclass(frozen=True)
class Status:
    code: str
    english_label: str    # short label shown in tables
    english_meaning: str  # what happened
    english_action: str   # what the trainer does about it
    attention: bool       # True: needs the trainer (exit code 1); False: for information

    @property
    def label(self) -> str:
        return _(self.english_label)

    @property
    def meaning(self) -> str:
        return _(self.english_meaning)

    @property
    def action(self) -> str:
        return _(self.english_action)


STATUSES: dict[str, Status] = {s.code: s for s in [
    Status("ok", N_("Graded"), N_("The submission was graded without incident."), N_("Nothing."), False),
    Status("missing", N_("Not handed in"),
           N_("The participant is on the roster but no submission was found for this exercise."),
           N_("Get their work (USB stick) and run the grading again; otherwise the grade stays 0."), True),
    Status("invalid", N_("Unreadable file"),
           N_("The file handed in is not a valid notebook (damaged JSON, broken zip archive, empty file). "
              "It was not graded; the file received is kept as it is."),
           N_("Ask the participant to hand in their notebook again, then run the grading again."), True),
    Status("kernel-died", N_("Python stopped"),
           N_("The participant's code stopped Python (os._exit, memory exhausted...): nbgrader could not finish "
              "and gave 0 to every part, unless an earlier submission had been graded "
              "(see “Earlier grade kept”)."),
           N_("Open their notebook and find the faulty cell with them; grade by hand in Formgrader if needed."),
           True),
    Status("timeout", N_("Time exceeded"),
           N_("A cell ran longer than the limit (endless loop): it was interrupted, "
              "the following cells were graded normally."),
           N_("Show the participant the interrupted cell; the parts that depend on it may have 0."), True),
    Status("kept-earlier", N_("Earlier grade kept"),
           N_("This new submission could not be graded (Python stopped, kernel stuck, unreadable file, error): "
              "the grades of the submission graded earlier stay in the gradebook, with its graded copy "
              "and its feedback, instead of a 0."),
           N_("Have them hand in a notebook that runs to the end, then run the grading again; until then, "
              "the grade shown is that of the earlier submission."), True),
    Status("error", N_("Grading error"), N_("nbgrader could not grade this submission (see the detail)."),
           N_("Read the detail; run the grading of this participant again once the problem is fixed."), True),
    Status("truth-access", N_("Ground truth read"),
           N_("The participant's code reaches for the answers: it calls load_truth, reads a file of truth/ "
              "or imports sahelkit.generator (or grading prevented it). The tests after "
              "this cell gave no points; the parts before it are graded normally."),
           N_("Open their notebook with them (the detail names the cell); if it is an honest mistake, "
              "grade by hand in Formgrader."), True),
    Status("test-deleted", N_("Test deleted"),
           N_("A test cell had been deleted: nbgrader put it back from the gradebook, "
              "the part was graded normally."),
           N_("Nothing for the grade; remind the participant not to delete test cells."), True),
    Status("test-modified", N_("Test modified"),
           N_("A locked test cell had been modified: nbgrader replaced it with the original, "
              "the grade does not depend on the change."),
           N_("Nothing for the grade; talk it over with the participant."), True),
    Status("duplicate", N_("Several submissions"),
           N_("Several files for the same participant and the same exercise: the most recent is graded, "
              "the others are ignored (they stay in the submissions folder)."),
           N_("Check that the graded file is the one the participant meant to hand in."), True),
    Status("unknown-participant", N_("Not on the roster"),
           N_("The file name matches nobody on the roster: graded under this name."),
           N_("Rename the file after the participant (or complete the roster), then run again."), True),
    Status("low-score", N_("Low score"),
           N_("Score below the threshold set (--low-score, 50 % by default), on the points already graded: "
              "a written answer not yet graded in Formgrader does not count."),
           N_("Plan some time with the participant."), True),
    Status("renamed", N_("Notebook renamed"),
           N_("The notebook had another name: it was graded under the expected name."),
           N_("Nothing; remind them of the naming rule."), False),
    Status("stderr", N_("Warnings"),
           N_("The code wrote warnings (Warning) to the error output: they were ignored for the grade."),
           N_("Nothing for the grade."), False),
    Status("long-output", N_("Very long output"),
           N_("A cell printed a very long output: it was cut in the graded copy."),
           N_("Nothing for the grade."), False),
    Status("manual", N_("To grade by hand"),
           N_("A part needs grading by hand (written answer) or a grade to review."),
           N_("Open Formgrader (Manual grading tab) and grade these parts."), False),
    Status("unchanged", N_("Already graded"),
           N_("Same file as at the previous grading: nothing was redone, the manual grades are kept."),
           N_("Nothing."), False),
]}


def label(code: str) -> str:
    return STATUSES[code].label if code in STATUSES else code


def needs_attention(codes) -> bool:
    return any(STATUSES.get(c, STATUSES["error"]).attention for c in codes)


def missing_cell_notification() -> str:
    """What nbgrader writes above a test cell it put back (status test-deleted), for grader_config.py's
    OverwriteCells.missing_cell_notification; nbgrader fills in {cell_id}."""
    return _("This cell (id: {cell_id}) was missing from the work handed in: nbgrader put it back.") + "\n\n"
