"""Validate a case folder against the schema before anyone builds a workshop on it.

A coordinator edits these CSV files in a spreadsheet, so the report speaks of what a spreadsheet
shows: one line per problem, in the workshop's language, naming the file, the rows (as the spreadsheet numbers
them: the header is line 1), the column, what is wrong and what to do. A problem found on many
rows is one line giving how many rows and the first few row numbers, e.g.

    calls.csv, 584 lignes (2, 3, 5, 8, 13…), imei : IMEI de 13 chiffres au lieu de 15 : ...

so the count of problems and of rows at fault is the truth, whatever the size of the file.
What a spreadsheet does when it saves is accepted when the loader reads it the same (a UTF-8
byte-order mark, a blank last line) and named when it does not (a `;` separator, IMEIs that
lost their leading zeros). Town names are checked against the case's profile: `profile.yaml`
in the folder, else the profile of the country the folder is named after.
Nothing is written, ever: the check only reads.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd

from ..countries import UnknownCountryError, available, resolve_country
from ..generator.numbering import luhn_digit
from ..i18n import N_, _
from ..paths import CASE_PROFILE
from ..schema import EXTRACT, IMEI_DIGITS, TABLES, TRUTH_TABLES, Column, Table
from ..validation import (
    E164_EXPECTED,
    HEADER,
    MSISDN,
    Problem,
    check_column,
    check_towns,
    flag,
    numbered_frame,
    parse_rows,
    rows_at_fault,
)

__all__ = ["Problem", "check_dataset", "rows_at_fault"]  # Problem and rows_at_fault live in ..validation

SEPARATORS = (";", "\t", "|")  # what a spreadsheet may use instead of the comma

# --------------------------------------------------------------------------- reading
def _decode(rel: str, data: bytes, problems: list[Problem]) -> str | None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        problems.append(Problem(rel, _("not in UTF-8 (byte 0x{byte:02x} at position {position}); save the file as "
                                       "“CSV UTF-8”").format(byte=data[e.start], position=e.start), rows=(line,)))
        return None
    return text.removeprefix("\ufeff")  # the byte-order mark Excel's "CSV UTF-8" writes; pandas skips it too


def _separator(header: list[str], expected: list[str]) -> str | None:
    """The character a header was split on instead of commas, if it was."""
    joined = ",".join(header)
    return next((s for s in SEPARATORS if len(set(joined.split(s)) & set(expected)) >= 2), None)


def _header(rel: str, table: Table, header: list[str], problems: list[Problem]) -> bool:
    """Report a wrong separator or missing and unknown columns; True when every column is there."""
    expected = [c.name for c in table.columns]
    sep = _separator(header, expected)
    if sep and len(header) < len(expected):
        shown = _("tab") if sep == "\t" else sep
        problems.append(Problem(rel, _("separator “{separator}”: the file must be separated by commas (save it as "
                                       "“CSV UTF-8 (Comma delimited)”)").format(separator=shown), rows=(HEADER,)))
        return False
    for c in expected:
        if c not in header:
            problems.append(Problem(rel, _("missing column"), column=c, rows=(HEADER,)))
    for c in header:
        if c not in expected:
            problems.append(Problem(rel, _("unknown column (expected columns: {columns})").format(
                columns=", ".join(expected)), column=c, rows=(HEADER,)))
    return all(c in header for c in expected)


def _read(folder: Path, table: Table, rel: str, problems: list[Problem]) -> pd.DataFrame | None:
    """A CSV as text, one row per record with its spreadsheet number in `_row`; None if unusable."""
    path = folder / rel
    if not path.exists():
        problems.append(Problem(rel, _("missing file")))
        return None
    text = _decode(rel, path.read_bytes(), problems)
    rows = None if text is None else parse_rows(rel, text, problems)
    if rows is None:
        return None
    if not rows:
        problems.append(Problem(rel, _("empty file, a header line is expected"), rows=(HEADER,)))
        return None
    header = rows[0]
    if not _header(rel, table, header, problems):
        return None
    return numbered_frame(rel, header, rows[1:], problems)


# --------------------------------------------------------------------------- one column at a time
def _check_column(rel: str, c: Column, df: pd.DataFrame, problems: list[Problem]) -> None:
    check_column(rel, c, df, problems)
    if c.imei:
        _check_imei(rel, c.name, df, problems)


# What can be wrong with an IMEI (English messages, shown through _() with the number of digits).
IMEI_ZEROS_LOST = N_("IMEI of fewer than {digits} digits: the leading zeros were lost (column read as a number by a "
                     "spreadsheet); take the original values again, into a column in text format")
IMEI_LENGTH = N_("an IMEI has {digits} digits")
IMEI_SCIENTIFIC = N_("IMEI written in scientific notation by a spreadsheet, its digits are lost: take the original "
                     "values again, into a column in text format")
IMEI_NOT_DIGITS = N_("an IMEI is written with {digits} digits, no other character")
IMEI_LUHN = N_("wrong check digit (Luhn): IMEI miscopied")


def _imei_problem(v: str) -> str | None:
    """What is wrong with one IMEI (one of the IMEI_ messages), if anything. A spreadsheet that read the
    column as a number drops the leading zeros (our TACs start with 00) or writes it in scientific notation."""
    if v == "":
        return None
    if re.fullmatch(r"\d([.,]\d+)?[eE]\+?\d+", v):
        return IMEI_SCIENTIFIC
    if not re.fullmatch(r"[0-9]+", v):
        return IMEI_NOT_DIGITS
    if len(v) < IMEI_DIGITS and luhn_digit(v.zfill(IMEI_DIGITS)[:-1]) == v[-1]:
        return IMEI_ZEROS_LOST
    if len(v) != IMEI_DIGITS:
        return IMEI_LENGTH
    if luhn_digit(v[:-1]) != v[-1]:
        return IMEI_LUHN
    return None


def _check_imei(rel: str, col: str, df: pd.DataFrame, problems: list[Problem]) -> None:
    verdicts = {v: _imei_problem(v) for v in df[col].unique()}
    kinds = df[col].map(verdicts)
    for what in sorted({w for w in verdicts.values() if w}, key=lambda w: _(w)):
        counted = what in (IMEI_ZEROS_LOST, IMEI_LENGTH)
        flag(problems, rel, df, kinds == what, col, _(what).format(digits=IMEI_DIGITS),
             show=lambda v, c=counted: _("{value} ({n} digits)").format(value=v, n=len(v)) if c else v)


def _check_key(rel: str, key: str, df: pd.DataFrame, problems: list[Problem]) -> None:
    s = df[key]
    dup = s.duplicated(keep="first") & (s != "")
    first = df.drop_duplicates(key).set_index(key)["_row"]
    flag(problems, rel, df, dup, key, _("duplicate id"),
         show=lambda v: _("{value} (already line {line})").format(value=v, line=first.get(v, "?")))


def _values(df: pd.DataFrame | None, col: str) -> set[str]:
    return set() if df is None or col not in df else set(df[col])


def _check_ref(rel: str, c: Column, df: pd.DataFrame, frames: dict[str, pd.DataFrame | None],
               problems: list[Problem]) -> None:
    targets = [t.split(".") for t in c.ref.split("|")]
    if any(frames.get(t) is None for t, _col in targets):
        return  # the target file itself was reported
    known = set().union(*(_values(frames[t], col) for t, col in targets))
    s = df[c.name]
    if c.multi:
        missing = s.str.split(";").map(lambda xs: [x for x in xs if x and x not in known])
        rows = df.assign(**{c.name: missing.map(";".join)})
        flag(problems, rel, rows, missing.map(bool), c.name, _("not in {reference}").format(reference=c.ref))
    else:
        flag(problems, rel, df, (s != "") & ~s.isin(known), c.name, _("not in {reference}").format(reference=c.ref))


# --------------------------------------------------------------------------- towns of the profile
def _case_profile(folder: Path, problems: list[Problem]) -> tuple[str, dict] | None:
    """(file shown, profile) of the case: `profile.yaml` in the folder, else its country's."""
    from ..profiles import ProfileError, load_profile, profile_path

    path = folder / CASE_PROFILE
    if not path.exists():
        try:
            slug = resolve_country(folder.name)
        except UnknownCountryError:
            problems.append(Problem("profile.yaml", _("profile of the case not found: neither profile.yaml in the "
                                                      "folder, nor a folder named after a country ({countries}); town "
                                                      "names not checked").format(countries=available())))
            return None
        beside = folder.parent / "profiles" / f"{slug}.yaml"  # the loader's rule for $SAHELKIT_DATA
        path = beside if beside.exists() else profile_path(slug)
    shown = path.name if path.parent == folder else os.path.relpath(path)
    try:
        return shown, load_profile(path)
    except ProfileError as e:  # each line is "file: what"
        problems.extend(Problem(shown, line.partition(": ")[2] or line) for line in e.problems)
        return None


def _check_towns(frames: dict[str, pd.DataFrame | None], tables: dict[str, Table], profile: tuple[str, dict],
                 problems: list[Problem]) -> None:
    """Every town column names a town of the profile."""
    shown, data = profile
    towns = [t["name"] for t in data["towns"]]
    for name, df in frames.items():
        for c in (c for c in tables[name].columns if c.town and df is not None):
            check_towns(f"{name}.csv", c, df, towns, shown, problems)


# --------------------------------------------------------------------------- rules across tables
def _extra_rules(frames: dict[str, pd.DataFrame | None], problems: list[Problem]) -> None:
    """Rules beyond one column: E.164 numbers, track records that add up."""
    ph = frames.get("phones")
    if ph is not None:
        flag(problems, "phones.csv", ph, ~ph.msisdn.str.fullmatch(MSISDN.pattern), "msisdn",
             _("is not {expected}").format(expected=_(E164_EXPECTED)))
    src = frames.get("sources")
    if src is not None:
        nums = src[["reports_total", "reports_confirmed", "reports_false"]].apply(pd.to_numeric, errors="coerce")
        bad = (nums.reports_confirmed + nums.reports_false) > nums.reports_total
        flag(problems, "sources.csv", src, bad, "reports_total",
             _("less than {columns}").format(columns="reports_confirmed + reports_false"))
    _verified_rules(frames, problems)


def _verified_rules(frames: dict[str, pd.DataFrame | None], problems: list[Problem]) -> None:
    """The verified sample names real extract records and, when truth/ is there, agrees with it."""
    ver = frames.get("verified_records")
    if ver is None:
        return
    rel = "verified_records.csv"
    in_extract = {name.split("/", 1)[1]: set(df.record_id) for name, df in frames.items()
                  if name.startswith("extracts/") and df is not None}
    bad = pd.Series([svc in in_extract and rid not in in_extract[svc] for svc, rid in zip(ver.service, ver.record_id)],
                    index=ver.index, dtype=bool)
    flag(problems, rel, ver, bad, "record_id", _("is not a record of the extract of its service"))
    truth = frames.get("truth/records")
    if truth is None:
        return
    person = dict(zip(truth.record_id, truth.person_id))
    wrong = pd.Series([rid in person and person[rid] != pid for rid, pid in zip(ver.record_id, ver.person_id)],
                      index=ver.index, dtype=bool)
    flag(problems, rel, ver, wrong, "person_id", _("is not the person that {truth} gives for this record").format(
        truth="truth/records.csv"))
    listed, verified_people = set(ver.record_id), set(ver.person_id)
    left_out = truth[truth.person_id.isin(verified_people) & ~truth.record_id.isin(listed)]
    flag(problems, "truth/records.csv", left_out, pd.Series(True, index=left_out.index), "record_id",
         _("record of a verified person, not in {file}").format(file=rel))


def check_dataset(folder: str | Path) -> list[Problem]:
    """Every problem of a case folder; empty when the folder is sound. `str(problem)` is its line, in the
    workshop's language."""
    folder = Path(folder)
    if not folder.is_dir():
        return [Problem(str(folder), _("is not a folder"))]
    problems: list[Problem] = []
    frames: dict[str, pd.DataFrame | None] = {}
    tables = {t.name: t for t in list(TABLES) + (list(TRUTH_TABLES) if (folder / "truth").is_dir() else [])}
    for table in tables.values():
        frames[table.name] = _read(folder, table, table.file, problems)
    services = frames.get("services")
    codes = sorted(set(services.code)) if services is not None else sorted(
        p.stem for p in (folder / "extracts").glob("*.csv"))
    for code in codes:
        frames[f"extracts/{code}"] = _read(folder, EXTRACT, f"extracts/{code}.csv", problems)
        tables[f"extracts/{code}"] = EXTRACT
    for name, df in frames.items():
        if df is None:
            continue
        table = tables[name]
        for c in table.columns:
            _check_column(f"{name}.csv", c, df, problems)
            if c.ref:
                _check_ref(f"{name}.csv", c, df, frames, problems)
        if table.key:
            _check_key(f"{name}.csv", table.key, df, problems)
    _extra_rules(frames, problems)
    profile = _case_profile(folder, problems)
    if profile:
        _check_towns(frames, tables, profile, problems)
    return problems
