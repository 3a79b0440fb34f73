"""Exercise 14's case data: a report on the pills that answers no requirement.

Exercise 14 (solutions/14-capstone, part 2) lists the reports that answer the requirement whose
question names the 'anti-fatigue' pills. The plausible mistake takes every report that mentions the
pills. The generator makes the last PILL_REPORTS_UNPROMPTED of the pill network's market reports
answer nothing (intel.build_requirements_reports), so the two lists always differ, while the
requirement keeps answers of its own.
"""
from __future__ import annotations

import pandas as pd
import pytest

import sahelkit
from sahelkit.generator.case import generate_case
from sahelkit.generator.signals import PILL_REPORTS_UNPROMPTED
from sahelkit.profiles import load_profile
from tests.helpers import COUNTRIES

OTHER_SEEDS = (5, 7, 11)


def _check(requirements: pd.DataFrame, reports: pd.DataFrame, where: str) -> None:
    asked = requirements.loc[requirements["question"].str.contains("anti-fatigue"), "requirement_id"]
    answers = set(reports.loc[reports["requirement_id"].isin(asked), "report_id"])
    mention = reports["text"].str.contains("anti-fatigue")
    assert len(asked) == 1 and answers, f"{where}: the pill requirement has no answer"
    unprompted = reports[mention & reports["requirement_id"].fillna("").eq("")]
    assert len(unprompted) >= PILL_REPORTS_UNPROMPTED, f"{where}: every report on the pills answers a requirement"
    assert set(reports.loc[mention, "report_id"]) != answers, \
        f"{where}: the reports that mention the pills are exactly the answers to the pill requirement"


@pytest.mark.parametrize("country", COUNTRIES)
def test_committed_pill_reports_are_not_all_answers(country):
    case = sahelkit.load(country)
    _check(case.requirements, case.reports, country)


@pytest.mark.parametrize("seed", OTHER_SEEDS)
@pytest.mark.parametrize("country", COUNTRIES)
def test_any_seed_pill_reports_are_not_all_answers(country, seed):
    t = generate_case(load_profile(country), seed=seed)
    _check(t["requirements"], t["reports"], f"{country} seed {seed}")
