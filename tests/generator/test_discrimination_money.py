"""Exercise 09's planted money cases separate each method taught from its plausible wrong neighbours, on
every country and on other seeds, computed as solutions/09-mobile-money and tests/wrong_answers/09-mobile-money.yaml
compute them (the data dictionary's rows « money: ... » and « 09 part ... »)."""
from __future__ import annotations

import functools

import pandas as pd
import pytest

import sahelkit
from sahelkit.generator import signals as S
from sahelkit.generator.case import generate_case
from sahelkit.profiles import load_profile
from tests.helpers import COUNTRIES

CASES = [(c, None) for c in COUNTRIES] + [("mali", 7), ("chad", 36), ("mauritania", 123)]


def case_id(case: tuple[str, int | None]) -> str:
    country, seed = case
    return country if seed is None else f"{country}-seed{seed}"


@functools.cache
def transfers(country: str, seed: int | None) -> pd.DataFrame:
    if seed is None:
        return sahelkit.load(country).transfers
    return generate_case(load_profile(country), seed=seed)["transfers"]


def threshold(country: str) -> int:
    return load_profile(country)["mobile_money"]["threshold"]


def top(counts: pd.Series) -> str:
    """The account with the highest value, ties to the smallest msisdn (as the exercise asks)."""
    table = counts.rename("n").rename_axis("msisdn").reset_index()
    return table.sort_values(["n", "msisdn"], ascending=[False, True])["msisdn"].iloc[0]


def just_under(tr: pd.DataFrame, seuil: int) -> pd.DataFrame:
    return tr[(tr["amount"] >= S.STRUCTURING_WATCH * seuil) & (tr["amount"] < seuil)]


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_09_structuring_sender_differs_from_every_wrong_count(case):
    tr, thr = transfers(*case), threshold(case[0])
    right = top(just_under(tr, thr)["sender"].value_counts())
    wrong = {
        "sum of amounts": top(tr.groupby("sender")["amount"].sum()),
        "at or above the threshold": top(tr.loc[tr["amount"] >= thr, "sender"].value_counts()),
        "all transfers": top(tr["sender"].value_counts()),
        "receivers": top(just_under(tr, thr)["receiver"].value_counts()),
    }
    assert all(w != right for w in wrong.values()), wrong
    # the sum leads by the planted margin: the trader's least exceeds the financier's most
    assert S.MONEY_TRADER_TRANSFERS * S.MONEY_TRADER_BAND[0] > S.STRUCTURING_TRANSFERS * S.STRUCTURING_BAND[1]


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_09_another_countrys_threshold_names_someone_else_or_nobody(case):
    tr, thr = transfers(*case), threshold(case[0])
    right = top(just_under(tr, thr)["sender"].value_counts())
    for other in {threshold(c) for c in COUNTRIES} - {thr}:
        counts = just_under(tr, other)["sender"].value_counts()
        assert counts.empty or top(counts) != right, other


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_09_fan_accounts_are_not_the_busiest(case):
    tr = transfers(*case)
    fan_out = tr.groupby("sender")["receiver"].nunique().sort_values(ascending=False)
    fan_in = tr.groupby("receiver")["sender"].nunique().sort_values(ascending=False)
    assert fan_out.iloc[0] - fan_out.iloc[1] >= S.MONEY_FAN_MARGIN - 1
    assert fan_in.iloc[0] - fan_in.iloc[1] >= S.MONEY_FAN_MARGIN - 1
    assert top(tr["sender"].value_counts()) != top(fan_out)
    assert top(tr["receiver"].value_counts()) != top(fan_in)
    assert top(fan_out) != top(fan_in)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_09_cross_border_total_differs_from_its_neighbours(case):
    tr = transfers(*case)
    home = f"+{load_profile(case[0])['phone']['calling_code']}"
    out = ~tr["receiver"].str.startswith(home)
    inc = ~tr["sender"].str.startswith(home)
    right = int(tr.loc[out | inc, "amount"].sum())
    assert out.sum() >= S.MONEY_CROSS_OUT and inc.sum() >= S.MONEY_CROSS_IN
    assert right != int(tr.loc[out, "amount"].sum())
    assert right != int((out | inc).sum())
    looks_home = tr["sender"].str.startswith("+22") & tr["receiver"].str.startswith("+22")
    assert right != int(tr.loc[~looks_home, "amount"].sum())
