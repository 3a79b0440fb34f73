"""The trainer's grading workflow: `sahelkit grade` (collect, autograde in parallel, report).

    from sahelkit.grading import grade_arguments, run_grade
"""
from .command import grade_arguments, run_grade

__all__ = ["grade_arguments", "run_grade"]
