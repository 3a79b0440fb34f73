"""How far each planted signal stands from the innocent background, measured on a case's tables the
way the technique taught finds it.

`measure(tables, profile)` takes one case's tables by name ("calls", "truth/signals", ...), as
`generate_case` returns them (text) or as `sahelkit.load` serves them (`case_tables`), and returns
the margins of every signal: what the planted signal shows, the bound stated in `signals`, and
whether it holds. The tests check the committed data with it, and a sweep checks many seeds
(tests/generator/test_signals.py, benchmarks/signals.py). It reads only the tables, never the
generator's internals, so it checks what a participant will see.
"""
from __future__ import annotations

import operator
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..schema import TABLES, TRUTH_TABLES
from . import signals as S
from .guarantee import Graph, brandes
from .intel import _expected_grade

SIGNALS = ("broker", "sim_swap", "handset_change", "co_location", "structuring", "convoy", "cross_border_cell",
           "falsified_medicine", "inconsistent_grading", "answered_requirement")  # in the order `measure` gives
OPS = {"<=": operator.le, ">=": operator.ge, "==": operator.eq, ">": operator.gt, "<": operator.lt}
DRUGS = ("amphetamine", "tramadol")


@dataclass(frozen=True)
class Margin:
    """One measure of one signal against its stated bound: `value op bound` must hold."""

    signal: str
    measure: str
    value: float
    op: str
    bound: float

    @property
    def ok(self) -> bool:
        return bool(OPS[self.op](self.value, self.bound))

    def __str__(self) -> str:
        return f"{self.signal}: {self.measure} = {self.value:g} (stated {self.op} {self.bound:g})"


def case_tables(case, truth) -> dict[str, pd.DataFrame]:
    """The tables of a loaded case (`sahelkit.load`, `sahelkit.load_truth`) by their schema names."""
    return {t.name: getattr(case, t.name) for t in TABLES} | {
        t.name: getattr(truth, t.name.split("/", 1)[1]) for t in TRUTH_TABLES}


def measure(tables: Mapping[str, pd.DataFrame], profile: dict) -> list[Margin]:
    """Every signal's margins, in the order of the data dictionary."""
    sig = tables["truth/signals"]

    def ids(kind: str) -> list[str]:
        rows = sig[sig.signal == kind]
        if not len(rows):
            raise ValueError(f"truth/signals.csv has no {kind} signal")
        return str(rows["ids"].iat[0]).split(";")

    return [*_broker(tables, ids("broker")[0]), *_sim_swap(tables, ids("sim_swap")),
            *_handset_change(tables, ids("handset_change")), *_co_location(tables, ids("co_location")),
            *_structuring(tables, ids("structuring")[0], profile["mobile_money"]["threshold"]),
            *_convoy(tables, ids("convoy")), *_cross_border(tables, ids("cross_border_cell")),
            *_pills(tables, ids("falsified_medicine"), profile["pills"]),
            *_grading(tables, ids("inconsistent_grading")), *_requirements(tables)]


def broken(margins: list[Margin]) -> list[Margin]:
    return [m for m in margins if not m.ok]


# --------------------------------------------------------------------------- helpers
def seconds(times: pd.Series) -> np.ndarray:
    """Seconds since 1970 of ISO local times, given as text or as datetimes."""
    if not pd.api.types.is_datetime64_any_dtype(times):
        times = pd.to_datetime(times, format="%Y-%m-%dT%H:%M:%S")
    return times.to_numpy().astype("datetime64[s]").astype(np.int64)


def together(key: pd.Series, who: pd.Series, t: np.ndarray, window: int) -> pd.DataFrame:
    """Pairs of different `who` seen at the same `key` within `window` seconds: columns x < y, key, day.

    Time is cut into window-long buckets and each bucket joined with itself and the next one, the
    way a participant joins a table on itself (a plain self-join on the key is too big)."""
    d = pd.DataFrame({"k": key.to_numpy(), "w": who.to_numpy(), "t": t, "b": t // window})
    m = pd.concat([d.merge(d, on=["k", "b"]), d.merge(d.assign(b=d.b + 1), on=["k", "b"])])
    m = m[(m.w_x != m.w_y) & ((m.t_x - m.t_y).abs() <= window)]
    return pd.DataFrame({"x": np.minimum(m.w_x, m.w_y), "y": np.maximum(m.w_x, m.w_y), "key": m.k,
                         "day": m.t_x // 86400})


def _best_other(counts: pd.Series, pair: tuple[str, str]) -> int:
    others = counts.drop(pair, errors="ignore")
    return int(others.max()) if len(others) else 0


# --------------------------------------------------------------------------- signals
def _broker(tables, broker: str) -> list[Margin]:
    """Betweenness and degree ranks in the call network: one undirected link per pair that communicated."""
    calls = tables["calls"]
    names, codes = np.unique(np.r_[calls.caller.to_numpy(str), calls.callee.to_numpy(str)], return_inverse=True)
    a, b = codes[:len(calls)], codes[len(calls):]
    lo, hi = np.unique(np.c_[np.minimum(a, b), np.maximum(a, b)], axis=0).T
    n = len(names)
    adj = Graph(lo, hi, n)
    bc = brandes(adj)[2].sum(axis=0) / 2
    deg = np.diff(adj.indptr)
    me = int(np.searchsorted(names, broker))

    def rank(score: np.ndarray) -> int:  # highest first, ties by msisdn, as a sorted table shows them
        return int(((score > score[me]) | ((score == score[me]) & (np.arange(n) < me))).sum()) + 1

    per_contact = bc / deg
    first, last = S.DEGREE_TIE_RANKS
    by_degree = np.lexsort((np.arange(n), -deg))
    return [Margin("broker", "betweenness rank", rank(bc), "<=", S.BROKER_BETWEENNESS_TOP),
            Margin("broker", "degree rank", rank(deg), ">", S.BROKER_DEGREE_NOT_TOP),
            Margin("broker", "betweenness-per-contact rank", rank(per_contact), "==", 1),
            Margin("broker", "lines with equal betweenness per contact", int((per_contact == per_contact[me]).sum()),
                   "==", 1),
            # the decoy: some line has more raw betweenness than the broker (and less per contact: rank 1 above)
            Margin("broker", "lines with more raw betweenness", int((bc > bc[me]).sum()), ">=", 1),
            Margin("broker", f"distinct degrees at ranks {first}-{last}",
                   len(set(deg[by_degree[first - 1:last]].tolist())), "==", 1)]


def _sim_swap(tables, ids: list[str]) -> list[Margin]:
    calls = tables["calls"]
    imei, *lines = ids
    seen = calls[calls.imei == imei]
    first = seen.assign(t=seconds(seen.start)).groupby("caller").t.min().sort_values()
    in_turn = list(first.index) == lines
    per_imei = calls.groupby("imei").caller.nunique()
    used = seen.caller.value_counts().reindex(lines, fill_value=0)
    return [Margin("sim_swap", "SIMs used in turn in the handset", len(lines) if in_turn else 0, "==", S.SIM_SWAP_SIMS),
            Margin("sim_swap", "fewest calls from one of its SIMs", int(used.min()), ">=", 1),
            Margin("sim_swap", "IMEIs seen with several MSISDNs", int((per_imei > 1).sum()), "==", 1)]


def _handset_change(tables, ids: list[str]) -> list[Margin]:
    calls = tables["calls"]
    msisdn, old, new = ids
    mine = calls[calls.caller == msisdn].assign(t=lambda d: seconds(d.start))
    before, after = mine[mine.imei == old].t, mine[mine.imei == new].t
    clean = set(mine.imei) == {old, new} and len(before) and len(after) and before.max() < after.min()
    return [Margin("handset_change", "calls on the old then the new handset (fewest)",
                   min(len(before), len(after)) if clean else 0, ">=", 1)]


def _co_location(tables, ids: list[str]) -> list[Margin]:
    calls, cells = tables["calls"], tables["cell_sites"]
    pair = tuple(sorted(ids))
    m = together(calls.cell_id, calls.caller, seconds(calls.start), S.COLOCATION_WINDOW_S)
    m["town"] = m.key.map(cells.set_index("cell_id").town)
    towns = m.drop_duplicates(["x", "y", "town"]).groupby(["x", "y"]).size()
    occasions = m.drop_duplicates(["x", "y", "key", "day"]).groupby(["x", "y"]).size()
    return [Margin("co_location", "towns where the planted phones meet", int(towns.get(pair, 0)), ">=",
                   S.COLOCATION_TOWNS),
            Margin("co_location", "occasions (antenna, day) they meet", int(occasions.get(pair, 0)), ">=",
                   S.COLOCATION_OCCASIONS),
            Margin("co_location", "towns where another pair meets (most)", _best_other(towns, pair), "<=",
                   S.COLOCATION_RIVAL_TOWNS)]


def _structuring(tables, sender: str, threshold: int) -> list[Margin]:
    tr = tables["transfers"]
    amount = pd.to_numeric(tr.amount).to_numpy()
    mine = tr.sender.to_numpy() == sender
    lo, hi = S.STRUCTURING_BAND
    in_band = (amount >= lo * threshold) & (amount <= hi * threshold)
    watched = (amount >= S.STRUCTURING_WATCH * threshold) & (amount < threshold)
    others = tr.sender[watched & ~mine].value_counts()
    return [Margin("structuring", "planted sender's transfers in the band", int((mine & in_band).sum()), "==",
                   S.STRUCTURING_TRANSFERS),
            Margin("structuring", "planted sender's transfers outside it", int((mine & ~in_band).sum()), "==", 0),
            Margin("structuring", "another sender's transfers just under the threshold (most)",
                   int(others.max()) if len(others) else 0, "<=", S.STRUCTURING_RIVAL_MAX)]


def _convoy(tables, ids: list[str]) -> list[Margin]:
    p = tables["passages"]
    pair = tuple(sorted(ids))
    m = together(p.post_id, p.plate, seconds(p.time), S.CONVOY_WINDOW_S)
    counts = m.drop_duplicates(["x", "y", "key", "day"]).groupby(["x", "y"]).size()
    return [Margin("convoy", "joint passages of the planted plates", int(counts.get(pair, 0)), ">=", S.CONVOY_PASSAGES),
            Margin("convoy", "joint passages of another pair (most)", _best_other(counts, pair), "<=",
                   S.CONVOY_RIVAL_MAX)]


def _cross_border(tables, ids: list[str]) -> list[Margin]:
    cr, posts, links = tables["crossings"], tables["posts"], tables["truth/links"]
    abroad = set(links.country)
    mine = cr[cr.person_id.isin(ids)]
    leads = mine.post_id.map(posts.set_index("post_id").leads_to)
    per_person = mine.person_id.value_counts().reindex(ids, fill_value=0)
    return [Margin("cross_border_cell", "crossings of the least travelled member", int(per_person.min()), ">=",
                   2 * S.CELL_TRIPS[0]),
            Margin("cross_border_cell", "member crossings at a post not leading to the cell's country",
                   int((~leads.isin(abroad)).sum()) + (len(abroad) != 1), "==", 0)]


def _pills(tables, ids: list[str], pills: dict) -> list[Margin]:
    pu = tables["purchases"].set_index("purchase_id").loc[ids]
    fits = (pu.product_as_sold.isin(pills["product_names"]) & (pd.to_numeric(pu.price) == pills["price"])
            & pu.lab_result.isin(DRUGS))
    return [Margin("falsified_medicine", "purchases of pills found to be drugs", int(fits.sum()), ">=",
                   S.PILL_PURCHASES_MIN),
            Margin("falsified_medicine", "listed purchases that do not fit", int((~fits).sum()), "==", 0)]


def _grading(tables, ids: list[str]) -> list[Margin]:
    src, rep = tables["sources"].set_index("source_id"), tables["reports"]
    cols = ["reports_total", "reports_confirmed", "reports_false"]
    deserved = {s: _expected_grade(*map(int, r)) for s, r in zip(src.index, src[cols].to_numpy())}
    mismatch = set(rep.report_id[rep.source_grade != rep.source_id.map(deserved)])
    planted = set(ids) - {""}
    rank = {"A": 0, "B": 1, "C": 2, "X": 3}
    given = rep.set_index("report_id")
    worse = [r for r in planted if r in given.index and rank.get(given.source_grade[r], -1)
             > rank.get(deserved.get(given.source_id[r]), 9)]
    return [Margin("inconsistent_grading", "planted inconsistent reports", len(planted), "==",
                   S.INCONSISTENT_REPORTS + S.INCONSISTENT_TOO_LOW),
            Margin("inconsistent_grading", "planted reports graded worse than deserved", len(worse), "==",
                   S.INCONSISTENT_TOO_LOW),
            Margin("inconsistent_grading", "reports whose inconsistency is not the planted one",
                   len(mismatch ^ planted), "==", 0),
            Margin("inconsistent_grading", "share of reports graded inconsistently", len(mismatch) / len(rep), "<",
                   S.INCONSISTENT_SHARE_MAX)]


def _requirements(tables) -> list[Margin]:
    sig, rep = tables["truth/signals"], tables["reports"]
    answered = {str(x).split(";")[0] for x in sig.ids[sig.signal == "answered_requirement"]}
    unanswered = set(sig.ids[sig.signal == "unanswered_requirement"].astype(str))
    used = set(rep.requirement_id.dropna()) - {""}
    return [Margin("answered_requirement", "answered and unanswered requirements (fewest)",
                   min(len(answered), len(unanswered)), ">=", 1),
            Margin("answered_requirement", "requirements whose truth disagrees with the reports",
                   len(answered ^ used) + len(unanswered & used), "==", 0)]


def generated(profile: dict, seed: int, calls: int | None = None) -> list[Margin]:
    """The margins of the case `generate_case` makes for this profile and seed (workshop size by default)."""
    from .case import WORKSHOP_CALLS, generate_case

    return measure(generate_case(profile, seed=seed, calls=calls or WORKSHOP_CALLS), profile)
