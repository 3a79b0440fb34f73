"""The generator's fast paths give exactly what the obvious code gave: pandas' to_csv, numpy's
datetime_as_string, a stable argsort. How fast they are is shown by benchmarks/generate.py."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from sahelkit.generator.case import ROWS_PER_WRITE, iso_times, write_csv
from sahelkit.generator.comms import _by_time_then_caller

LONG = 2 * ROWS_PER_WRITE + 17
TABLES = {
    "text and integers": pd.DataFrame({"call_id": ["C001", "C002", "C003"], "duration_s": [0, 3600, 74],
                                       "type": ["sms", "", "call"], "town": ["Ségou", "Kayes", "Tombouctou"]}),
    "negative and wide integers": pd.DataFrame({"amount": [10**12, 0, -5], "id": ["T1", "T2", "T3"]}),
    "a comma, a quote, line breaks": pd.DataFrame({"id": ["R1", "R2", "R3", "R4"],
                                                   "text": ["vu à Gao, 3 motos", 'dit "le Vieux"', "deux\nlignes",
                                                            "retour\rchariot"]}),
    "a missing value": pd.DataFrame({"id": ["P1", "P2"], "alias": ["Moussa", np.nan]}),
    "floats": pd.DataFrame({"id": ["A", "B"], "lat": [12.5, np.nan]}),
    "booleans": pd.DataFrame({"id": ["A", "B"], "planted": [True, False]}),
    "one column with an empty value": pd.DataFrame({"note": ["", "x"]}),
    "no rows": pd.DataFrame({"id": pd.Series([], dtype=str), "n": pd.Series([], dtype="int64")}),
    "a column name with a comma": pd.DataFrame({"a,b": ["1", "2"], "c": ["3", "4"]}),
    "more rows than one write": pd.DataFrame({"id": [f"C{i:06d}" for i in range(LONG)],
                                              "duration_s": np.arange(LONG) % 3601}),
}


@pytest.mark.parametrize("name", TABLES)
def test_write_csv_writes_what_pandas_writes(name, tmp_path):
    df = TABLES[name]
    write_csv(df, tmp_path / "fast.csv")
    df.to_csv(tmp_path / "pandas.csv", index=False, lineterminator="\n", encoding="utf-8")
    assert (tmp_path / "fast.csv").read_bytes() == (tmp_path / "pandas.csv").read_bytes()


def test_iso_times_is_numpy_datetime_text():
    start = dt.date(2025, 12, 30)
    edges = [0, 59, 60, 3599, 3600, 86399, 86400, 2 * 86400 + 3723, 40 * 86400 + 5, -1, -86401]
    seconds = np.concatenate([edges, np.random.default_rng(1).integers(-86400, 60 * 86400, 5000)])
    expected = np.datetime_as_string(np.datetime64(start, "s") + seconds.astype("timedelta64[s]"), unit="s")
    assert iso_times(start, seconds).tolist() == expected.tolist()
    assert iso_times(start, np.array([], dtype=np.int64)).tolist() == []


@pytest.mark.parametrize("t0", [0, 2**50], ids=["row number in the key", "key too large: stable argsort"])
def test_calls_order_is_the_stable_sort_by_time_then_caller(t0):
    rng = np.random.default_rng(7)
    t = t0 + rng.integers(0, 50, 5000)  # many calls in the same second by the same caller
    caller = rng.integers(0, 4, 5000)
    expected = np.argsort(t * 4 + caller, kind="stable")
    assert _by_time_then_caller(t, caller, 4).tolist() == expected.tolist()
