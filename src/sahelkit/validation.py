"""The row and column checks behind `sahelkit check-data`, shared with a service's own extract.

A case folder (course/checkdata.py) and the extract a service brings in week 2 (extracts.py) are
checked by the same rules, so an analyst and a coordinator read the same messages: one Problem
per kind of fault and column, with every row it is on, numbered as a spreadsheet numbers them
(the header is line 1). This module is top-level because participants' notebooks use it and the
bundle ships only top-level modules; it reads, it never writes.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from .codes import code_list
from .i18n import N_, _, ngettext
from .schema import TOWN_ANY_SPELLING, Column

PATTERNS = {"date": (r"\d{4}-\d{2}-\d{2}", "%Y-%m-%d", N_("a valid date (YYYY-MM-DD)")),
            "datetime": (r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}", "%Y-%m-%dT%H:%M:%S",
                         N_("a valid date and time (YYYY-MM-DDTHH:MM:SS)"))}
MSISDN = re.compile(r"\+\d{8,15}")
E164_EXPECTED = N_("in E.164 form (+ followed by 8 to 15 digits)")  # shown as _(E164_EXPECTED)
ROWS_SHOWN = 5  # row numbers listed in a problem's line; the count gives the rest
EXAMPLES_SHOWN = 3  # distinct offending values quoted in a problem's line
HEADER = 1  # the spreadsheet's number of the header line; data rows start after it
ROW = "_row"  # the column of a checked frame that holds each record's spreadsheet row number


@dataclass(frozen=True)
class Problem:
    """One kind of problem in one column of one file, with every row (spreadsheet numbering) it is on."""

    file: str
    what: str
    column: str | None = None
    rows: tuple[int, ...] = ()
    examples: tuple[str, ...] = ()

    def __str__(self) -> str:
        """`file, line 3, column : what : « value »`, in the workshop's language."""
        where = [self.file]
        if len(self.rows) == 1:
            where.append(_("line {line}").format(line=self.rows[0]))
        elif self.rows:
            more = "…" if len(self.rows) > ROWS_SHOWN else ""
            where.append(_("{count} lines ({rows})").format(
                count=len(self.rows), rows=", ".join(map(str, self.rows[:ROWS_SHOWN])) + more))
        if self.column:
            where.append(self.column)
        said = _("{where}: {what}").format(where=", ".join(where), what=self.what)
        if not self.examples:
            return said
        shown = ", ".join(_('"{text}"').format(text=v) for v in self.examples)
        return _("{where}: {what}").format(where=said, what=shown)


def rows_at_fault(problems: list[Problem]) -> int:
    """How many data rows (not header lines, not printed lines) have at least one problem."""
    return len({(p.file, r) for p in problems for r in p.rows if r > HEADER})


# --------------------------------------------------------------------------- rows of a CSV text
def parse_rows(rel: str, text: str, problems: list[Problem], delimiter: str = ",") -> list[list[str]] | None:
    """Every row of a CSV text, or None (and a Problem naming the line) if the quoting is broken."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        return list(reader)
    except csv.Error as e:
        problems.append(Problem(rel, _("unreadable CSV ({error}): a quote not closed?").format(error=e),
                                rows=(reader.line_num,)))
        return None


def numbered_frame(rel: str, header: list[str], rows: list[list[str]], problems: list[Problem],
                   separator: str | None = None) -> pd.DataFrame:
    """The data rows as text, each with its spreadsheet number in ROW; a row whose number of fields
    differs from the header's is left out and reported. Blank lines are skipped, as pandas does.
    `separator` is the separator's name in the workshop's language (a comma when not given)."""
    numbered = [(n, r) for n, r in enumerate(rows, start=HEADER + 1) if r]
    good = [[n] + r for n, r in numbered if len(r) == len(header)]
    bad = [(n, len(r)) for n, r in numbered if len(r) != len(header)]
    if bad:
        what = _("number of fields different from the header's ({count}): one {separator} too many in a value, or "
                 "a quote not closed?").format(count=len(header), separator=separator or _("comma"))
        problems.append(Problem(rel, what, rows=tuple(n for n, _k in bad),
                                examples=firsts(ngettext("{count} field", "{count} fields", k).format(count=k)
                                                for _n, k in bad)))
    return pd.DataFrame(good, columns=[ROW] + header, dtype=object)


def firsts(values: Iterable[str]) -> tuple[str, ...]:
    """The first EXAMPLES_SHOWN distinct values, in order."""
    out: list[str] = []
    for v in values:
        if v not in out:
            out.append(v)
            if len(out) == EXAMPLES_SHOWN:
                break
    return tuple(out)


def flag(problems: list[Problem], rel: str, df: pd.DataFrame, mask: pd.Series, col: str, what: str,
         show=str) -> None:
    """One Problem for every row of `df` where `mask` holds, quoting the first offending values."""
    mask = mask.fillna(False).astype(bool)
    if not mask.any():
        return
    bad = df[mask]
    problems.append(Problem(rel, what, column=col, rows=tuple(int(r) for r in bad[ROW]),
                            examples=firsts(show(v) for v in bad[col])))


# --------------------------------------------------------------------------- one column at a time
def check_column(rel: str, c: Column, df: pd.DataFrame, problems: list[Problem]) -> None:
    """Emptiness, kind, range, allowed values, code list and E.164 form of one text column."""
    s = df[c.name]
    filled = s != ""
    if not c.nullable:
        flag(problems, rel, df, ~filled, c.name, _("empty, a value is required"))
    if c.kind in PATTERNS:
        pattern, fmt, label = PATTERNS[c.kind]
        ok = s.str.fullmatch(pattern) & pd.to_datetime(s.where(filled, None), format=fmt, errors="coerce").notna()
        flag(problems, rel, df, filled & ~ok, c.name, _("is not {expected}").format(expected=_(c.accepted or label)))
    elif c.kind in ("int", "float"):
        num = pd.to_numeric(s.where(filled, None), errors="coerce")
        bad = filled & num.isna()
        if c.kind == "int":
            bad |= filled & ~s.str.fullmatch(r"-?\d+")
        flag(problems, rel, df, bad, c.name, _("is not an integer") if c.kind == "int" else
             _("is not a number (decimal point, not a comma)"))
        if c.lo is not None:
            out = filled & ~bad & ((num < c.lo) | (num > c.hi))
            flag(problems, rel, df, out, c.name, _("outside the range [{low}, {high}]").format(
                low=f"{c.lo:g}", high=f"{c.hi:g}"))
    if c.values is not None:
        flag(problems, rel, df, filled & ~s.isin(c.values), c.name,
             _("is not an allowed value ({values})").format(values=" | ".join(c.values)))
    if c.codes is not None:
        flag(problems, rel, df, filled & ~s.isin(code_list(c.codes)), c.name,
             _("is not a {codes} code").format(codes=c.codes))
    if c.e164:
        flag(problems, rel, df, filled & ~s.str.fullmatch(MSISDN.pattern), c.name,
             _("is not {expected}").format(expected=_(c.accepted or E164_EXPECTED)))


# --------------------------------------------------------------------------- towns of the profile
def check_towns(rel: str, c: Column, df: pd.DataFrame, towns: list[str], shown: str,
                problems: list[Problem]) -> None:
    """A town column names a town of the profile; a near miss is shown with the profile's spelling."""
    from .profiles import closest, plain

    def near(v: str) -> str:
        best = closest(v, towns)  # the same near-miss rule as the profile's own checks
        return _("{value} (did you mean {near}?)").format(value=v, near=best) if best else v

    s = df[c.name]
    ok = s.isin(towns) | (s == "")
    if c.town == TOWN_ANY_SPELLING:
        ok |= s.map(plain).isin({plain(t) for t in towns})
    flag(problems, rel, df, ~ok, c.name, _("is not a town of the profile {profile}").format(profile=shown), show=near)
