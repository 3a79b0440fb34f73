"""Load a country's case as typed DataFrames, the one way notebooks get their data.

The data folder is found from $SAHELKIT_DATA or else next to the package (src/sahelkit/../../
datasets, in the repository as in a participant bundle). The country is the one asked for, else
$SAHELKIT_COUNTRY, else the first present (a bundle holds one), in the order of slugs. Dtypes come from `schema`, so
notebooks, the generator and check-data agree; times are parsed with their exact format, which
is both fast and silent (no pandas inference warnings).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .countries import default_country, known, resolve_country
from .i18n import _
from .paths import CASE_PROFILE, data_dir
from .schema import EXTRACT, TABLES, TRUTH_TABLES, Table


class CaseDataError(FileNotFoundError):
    """A country or a file that cannot be found; the message (in the workshop's language) names the folder,
    the countries available there and what to do."""


def _available_here(root: Path) -> str:
    present = [f"{s} ({iso})" for s, iso in known().items() if (root / s).is_dir()]
    return ", ".join(present) if present else _("none")


def _default_country(root: Path) -> str:
    """$SAHELKIT_COUNTRY; else the first country present (a participant bundle holds one); else the first known."""
    if os.environ.get("SAHELKIT_COUNTRY"):
        return os.environ["SAHELKIT_COUNTRY"]
    present = [slug for slug in known() if (root / slug).is_dir()]
    return present[0] if present else default_country()


def _country_dir(country: str | None) -> tuple[str, Path]:
    root = data_dir()
    name = country if country is not None else _default_country(root)
    try:
        slug = resolve_country(name)
    except ValueError:
        said = (_('unknown country "{name}"; cases available in {folder}: {cases}. Give the slug or the ISO code of '
                  "one of them.") if country else
                _('unknown country "{name}" (read from SAHELKIT_COUNTRY); cases available in {folder}: {cases}. Give '
                  "the slug or the ISO code of one of them."))
        raise CaseDataError(said.format(name=name, folder=root, cases=_available_here(root))) from None
    folder = root / slug
    if not folder.is_dir():
        raise CaseDataError(_("no case for {slug} in {folder}; cases available: {cases}. Generate it with `sahelkit "
                              "generate --country {slug}`, or give SAHELKIT_DATA the folder that holds it.").format(
            slug=slug, folder=root, cases=_available_here(root)))
    return slug, folder


def read_table(path: Path, table: Table, raw: bool = False) -> pd.DataFrame:
    """Read one CSV with the schema's dtypes; raw=True keeps every column as text (extracts)."""
    if not path.exists():
        said = _("missing file: {path}; this case is incomplete. Generate it again with `sahelkit generate`, or copy "
                 "the whole folder again. Cases available in {folder}: {cases}.")
        raise CaseDataError(said.format(path=path, folder=data_dir(), cases=_available_here(data_dir())))
    if raw:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    dtypes = {c.name: ("str" if c.kind in ("str", "date", "datetime") else
                       "int64" if c.kind == "int" else "float64") for c in table.columns}
    df = pd.read_csv(path, dtype=dtypes, keep_default_na=False, na_values={
        c.name: [""] for c in table.columns if c.nullable or c.kind in ("date", "datetime", "float")},
        encoding="utf-8")
    for c in table.columns:
        if c.kind == "date":
            df[c.name] = pd.to_datetime(df[c.name], format="%Y-%m-%d")
        elif c.kind == "datetime":
            df[c.name] = pd.to_datetime(df[c.name], format="%Y-%m-%dT%H:%M:%S")
    return df


@dataclass
class Case:
    """One country's case: one attribute per table, plus country, profile and extracts."""

    country: str
    profile: dict
    extracts: dict[str, pd.DataFrame] = field(default_factory=dict)

    def tables(self) -> list[str]:
        return [k for k in vars(self) if k not in ("country", "profile", "extracts")]

    def __repr__(self) -> str:
        sizes = ", ".join(f"{k}={len(getattr(self, k))}" for k in self.tables())
        return f"Case({self.country}: {sizes}; extracts={sorted(self.extracts)})"


_PROFILES: dict[tuple[str, int, int], dict] = {}


def _profile_for(folder: Path, slug: str) -> dict:
    """The profile the data was made from (cached per file version; each case gets its own copy).

    First the copy `generate` leaves in the case folder, so a coordinator's own towns and
    spellings come with their data; else profiles/ beside the data; else the repository's."""
    import copy

    from .profiles import load_profile, profile_path

    candidates = (folder / CASE_PROFILE, folder.parent / "profiles" / f"{slug}.yaml")
    path = next((p for p in candidates if p.exists()), None) or profile_path(slug)
    st = path.stat() if path.exists() else None
    key = (str(path), st.st_mtime_ns if st else 0, st.st_size if st else 0)
    if key not in _PROFILES:
        _PROFILES[key] = load_profile(path, check_numbers=False)
    return copy.deepcopy(_PROFILES[key])


_TABLES: dict[tuple[str, int, int, bool], pd.DataFrame] = {}


def _cached_table(path: Path, table: Table, raw: bool = False) -> pd.DataFrame:
    """A fresh copy of a parsed table, parsed once per file version.

    Hidden tests reload the case to check an answer against untouched data, several times per
    notebook; parsing once keeps grading fast, and the copy keeps each caller's changes its own.
    """
    st = path.stat() if path.exists() else None
    key = (str(path), st.st_mtime_ns if st else 0, st.st_size if st else 0, raw)
    if key not in _TABLES:
        _TABLES[key] = read_table(path, table, raw=raw)
    return _TABLES[key].copy(deep=True)


def load(country: str | None = None) -> Case:
    """The case of `country` (slug or ISO code), else $SAHELKIT_COUNTRY, else the first country present."""
    slug, folder = _country_dir(country)
    case = Case(country=slug, profile=_profile_for(folder, slug))
    for table in TABLES:
        setattr(case, table.name, _cached_table(folder / table.file, table))
    for code in case.services["code"].tolist():
        case.extracts[code] = _cached_table(folder / "extracts" / f"{code}.csv", EXTRACT, raw=True)
    return case


@dataclass
class Truth:
    """Ground truth of a case (trainers and tests only): networks, members, aliases, phones,
    records, links, signals."""

    country: str

    def __repr__(self) -> str:
        sizes = ", ".join(f"{k}={len(v)}" for k, v in vars(self).items() if k != "country")
        return f"Truth({self.country}: {sizes})"


def load_truth(country: str | None = None) -> Truth:
    """The ground truth of a country's case (folder truth/)."""
    slug, folder = _country_dir(country)
    truth = Truth(country=slug)
    for table in TRUTH_TABLES:
        setattr(truth, table.name.split("/", 1)[1], _cached_table(folder / table.file, table))
    return truth
