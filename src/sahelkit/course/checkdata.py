"""Validate a case folder against the schema before anyone builds a workshop on it.

Every problem is reported as "file, row N, column: what was wrong" (row 1 is the header, so
row N is line N of the file, as a spreadsheet shows it). Nothing is written, ever: the check
only reads.
"""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from ..codes import code_list
from ..schema import EXTRACT, TABLES, TRUTH_TABLES, Table

PATTERNS = {"date": (r"\d{4}-\d{2}-\d{2}", "%Y-%m-%d"),
            "datetime": (r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}", "%Y-%m-%dT%H:%M:%S")}
MSISDN = re.compile(r"\+\d{8,15}")
MAX_PER_CHECK = 50  # beyond this, one line says how many more of the same kind


def _read(folder: Path, table: Table, rel: str, problems: list[str]) -> pd.DataFrame | None:
    """Read a CSV as text with the csv module, reporting encoding, shape and header problems."""
    path = folder / rel
    if not path.exists():
        problems.append(f"{rel}, row -, -: file missing")
        return None
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        problems.append(f"{rel}, row {line}, -: not UTF-8 (byte 0x{data[e.start]:02x} at offset {e.start}); "
                        "save the file as UTF-8")
        return None
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as e:
        problems.append(f"{rel}, row -, -: malformed CSV ({e})")
        return None
    if not rows:
        problems.append(f"{rel}, row 1, -: empty file, expected a header")
        return None
    header, body = rows[0], rows[1:]
    expected = [c.name for c in table.columns]
    for c in expected:
        if c not in header:
            problems.append(f"{rel}, row 1, {c}: missing column")
    for c in header:
        if c not in expected:
            problems.append(f"{rel}, row 1, {c}: unknown column (expected {', '.join(expected)})")
    good = []
    for i, r in enumerate(body, start=2):
        if len(r) != len(header):
            problems.append(f"{rel}, row {i}, -: {len(r)} fields, expected {len(header)} (malformed row: a "
                            "stray comma or an unclosed quote?)")
        else:
            good.append([i] + r)
    if any(c not in header for c in expected):
        return None
    df = pd.DataFrame(good, columns=["_row"] + header, dtype=object) if good else pd.DataFrame(columns=["_row"] + header, dtype=object)
    return df


def _report(problems: list[str], rel: str, df: pd.DataFrame, mask: pd.Series, col: str, what) -> None:
    mask = mask.fillna(False).astype(bool)
    if not mask.any():
        return
    bad = df[mask]
    for k, (_, r) in enumerate(bad.iterrows()):
        if k == MAX_PER_CHECK:
            problems.append(f"{rel}, ..., {col}: {len(bad) - MAX_PER_CHECK} more rows with the same problem")
            break
        problems.append(f"{rel}, row {r['_row']}, {col}: {what(r[col])}")


def _check_columns(rel: str, table: Table, df: pd.DataFrame, problems: list[str]) -> None:
    for c in table.columns:
        s = df[c.name]
        empty = s == ""
        if not c.nullable:
            _report(problems, rel, df, empty, c.name, lambda v: "empty, a value is required")
        filled = ~empty
        if c.kind in PATTERNS:
            pattern, fmt = PATTERNS[c.kind]
            ok = s.str.fullmatch(pattern) & pd.to_datetime(s.where(filled, None), format=fmt, errors="coerce").notna()
            _report(problems, rel, df, filled & ~ok, c.name,
                    lambda v, f=fmt: f"{v!r} is not a valid {c.kind} ({f.replace('%', '')})")
        elif c.kind in ("int", "float"):
            num = pd.to_numeric(s.where(filled, None), errors="coerce")
            bad = filled & num.isna()
            if c.kind == "int":
                bad |= filled & ~s.str.fullmatch(r"-?\d+")
            _report(problems, rel, df, bad, c.name, lambda v, k=c.kind: f"{v!r} is not an {k}" if k == "int"
                    else f"{v!r} is not a number")
            if c.lo is not None:
                out = filled & ~bad & ((num < c.lo) | (num > c.hi))
                _report(problems, rel, df, out, c.name, lambda v, c=c: f"{v} out of range [{c.lo:g}, {c.hi:g}]")
        if c.values is not None:
            _report(problems, rel, df, filled & ~s.isin(c.values), c.name,
                    lambda v, c=c: f"{v!r} is not one of {'|'.join(c.values)}")
        if c.codes is not None:
            _report(problems, rel, df, filled & ~s.isin(code_list(c.codes)), c.name,
                    lambda v, c=c: f"{v!r} n'est pas un code {c.codes}")
    if table.key:
        s = df[table.key]
        dup = s.duplicated(keep="first") & (s != "")
        first = df.drop_duplicates(table.key).set_index(table.key)["_row"]
        _report(problems, rel, df, dup, table.key,
                lambda v: f"duplicate id {v!r} (first at row {first.get(v, '?')})")


def _values(df: pd.DataFrame | None, col: str) -> set[str]:
    return set() if df is None or col not in df else set(df[col])


def _check_refs(rel: str, table: Table, df: pd.DataFrame, frames: dict[str, pd.DataFrame | None],
                problems: list[str]) -> None:
    for c in table.columns:
        if not c.ref:
            continue
        targets = [t.split(".") for t in c.ref.split("|")]
        if any(frames.get(t) is None for t, _ in targets):
            continue  # the target file itself was reported
        known = set().union(*(_values(frames[t], col) for t, col in targets))
        s = df[c.name]
        if c.multi:
            parts = s.str.split(";")
            bad = parts.map(lambda xs: any(x and x not in known for x in xs))
            what = lambda v: f"{[x for x in v.split(';') if x and x not in known]} not in {c.ref}"
        else:
            bad = (s != "") & ~s.isin(known)
            what = lambda v: f"{v!r} not in {c.ref}"
        _report(problems, rel, df, bad, c.name, what)


def _extra_rules(frames: dict[str, pd.DataFrame | None], problems: list[str]) -> None:
    """Rules beyond one column: E.164 numbers, track records that add up."""
    ph = frames.get("phones")
    if ph is not None:
        _report(problems, "phones.csv", ph, ~ph.msisdn.str.fullmatch(MSISDN.pattern), "msisdn",
                lambda v: f"{v!r} is not E.164 (+ and 8-15 digits)")
    src = frames.get("sources")
    if src is not None:
        nums = src[["reports_total", "reports_confirmed", "reports_false"]].apply(pd.to_numeric, errors="coerce")
        bad = (nums.reports_confirmed + nums.reports_false) > nums.reports_total
        _report(problems, "sources.csv", src, bad.fillna(False), "reports_total",
                lambda v: f"{v} is less than confirmed + false")
    _verified_rules(frames, problems)


def _verified_rules(frames: dict[str, pd.DataFrame | None], problems: list[str]) -> None:
    """The verified sample names real extract records and, when truth/ is there, agrees with it."""
    ver = frames.get("verified_records")
    if ver is None:
        return
    rel = "verified_records.csv"
    in_extract = {name.split("/", 1)[1]: set(df.record_id) for name, df in frames.items()
                  if name.startswith("extracts/") and df is not None}
    bad = pd.Series([svc in in_extract and rid not in in_extract[svc] for svc, rid in zip(ver.service, ver.record_id)],
                    index=ver.index, dtype=bool)
    _report(problems, rel, ver, bad, "record_id", lambda v: f"{v!r} is not a record of its service's extract")
    truth = frames.get("truth/records")
    if truth is None:
        return
    person = dict(zip(truth.record_id, truth.person_id))
    wrong = pd.Series([rid in person and person[rid] != pid for rid, pid in zip(ver.record_id, ver.person_id)],
                      index=ver.index, dtype=bool)
    _report(problems, rel, ver, wrong, "person_id",
            lambda v: f"{v!r} is not the person truth/records.csv gives for this record")
    listed, verified_people = set(ver.record_id), set(ver.person_id)
    left_out = truth[truth.person_id.isin(verified_people) & ~truth.record_id.isin(listed)]
    _report(problems, "truth/records.csv", left_out, pd.Series(True, index=left_out.index), "record_id",
            lambda v: f"{v!r} is a record of a verified person missing from {rel}")


def check_dataset(folder: str | Path) -> list[str]:
    """Every problem of a case folder, as "file, row, column: what"; empty when the folder is sound."""
    folder = Path(folder)
    problems: list[str] = []
    if not folder.is_dir():
        return [f"{folder}, row -, -: not a folder"]
    frames: dict[str, pd.DataFrame | None] = {}
    tables = list(TABLES) + (list(TRUTH_TABLES) if (folder / "truth").is_dir() else [])
    for table in tables:
        frames[table.name] = _read(folder, table, table.file, problems)
    services = frames.get("services")
    codes = sorted(set(services.code)) if services is not None else sorted(
        p.stem for p in (folder / "extracts").glob("*.csv"))
    for code in codes:
        frames[f"extracts/{code}"] = _read(folder, EXTRACT, f"extracts/{code}.csv", problems)
    for name, df in frames.items():
        if df is None:
            continue
        table = EXTRACT if name.startswith("extracts/") else next(t for t in tables if t.name == name)
        _check_columns(f"{name}.csv", table, df, problems)
        _check_refs(f"{name}.csv", table, df, frames, problems)
    _extra_rules(frames, problems)
    return problems
