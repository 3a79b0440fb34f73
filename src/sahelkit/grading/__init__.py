"""The trainer's grading workflow: `sahelkit grade` (collect, autograde in parallel, report).

    from sahelkit.grading import add_grade_parser, run_grade
"""
from .command import add_grade_parser, grade_arguments, run_grade

__all__ = ["add_grade_parser", "grade_arguments", "run_grade"]
