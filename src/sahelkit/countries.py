"""Which countries the kit knows, and how a user may name them: one profile file each.

A country exists because its profile exists: datasets/profiles/<slug>.yaml in the repository and,
when $SAHELKIT_DATA points elsewhere, the profiles found there (profiles/*.yaml) and the profile
copy a generated case folder carries (<slug>/profile.yaml). Every command accepts the slug or the
ISO code (any case) of any profile present; an unknown name fails the same way everywhere,
listing what exists instead of falling back to another country.

Only the top-level `slug:` and `iso:` lines of each file are read here (not the whole YAML, not
its checks), so that listing countries costs a few file reads: `sahelkit --help` and every
`load()` ask for it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .i18n import _
from .paths import CASE_PROFILE, DATASETS, data_dir

# a top-level `slug: mali` or `iso: "ML"` line, with optional quotes and comment
_TOP_LEVEL = re.compile(r"""^(slug|iso):[ \t]*(["']?)([^"'#\s]+)\2[ \t]*(?:#.*)?$""", re.M)


@dataclass(frozen=True)
class CountryFile:
    """A profile file as the country list sees it: its slug, its ISO code and where it is."""

    slug: str
    iso: str
    path: Path


class UnknownCountryError(ValueError):
    """A country name that is neither the slug nor the ISO code of a profile present."""


_SEEN: dict[Path, tuple[int, int, CountryFile | None]] = {}


def read_identity(path: Path) -> CountryFile | None:
    """The slug and ISO code written at the top level of a profile; None when it has no slug.

    Cached per file version. A file that cannot be read is left out here: loading it by its path
    gives the full error."""
    path = Path(path)
    try:
        st = path.stat()
    except OSError:
        return None
    cached = _SEEN.get(path)
    if cached and cached[:2] == (st.st_mtime_ns, st.st_size):
        return cached[2]
    try:
        found: dict[str, str] = {}
        for key, _, value in _TOP_LEVEL.findall(path.read_text(encoding="utf-8")):
            found.setdefault(key, value)
    except (OSError, UnicodeDecodeError):
        found = {}
    entry = CountryFile(found["slug"], found.get("iso", "").upper(), path) if "slug" in found else None
    _SEEN[path] = (st.st_mtime_ns, st.st_size, entry)
    return entry


def profile_files(root: Path) -> list[Path]:
    """The profiles under a data folder: profiles/*.yaml, then each case folder's profile.yaml."""
    root = Path(root)
    return sorted((root / "profiles").glob("*.yaml")) + sorted(root.glob(f"*/{CASE_PROFILE}"))


def country_files(root: Path) -> list[CountryFile]:
    """The countries of a data folder, one per slug (a profile in profiles/ before a case's copy)."""
    seen: dict[str, CountryFile] = {}
    for path in profile_files(root):
        entry = read_identity(path)
        if entry is not None:
            seen.setdefault(entry.slug, entry)
    return [seen[slug] for slug in sorted(seen)]


def countries_in(root: Path) -> dict[str, str]:
    """slug -> ISO code of the profiles under a data folder, sorted by slug."""
    return {c.slug: c.iso for c in country_files(root)}


def known_files() -> list[CountryFile]:
    """Every country present: those of $SAHELKIT_DATA first (its files win), then the repository's."""
    roots = [data_dir(), DATASETS] if data_dir().resolve() != DATASETS.resolve() else [DATASETS]
    seen: dict[str, CountryFile] = {}
    for root in roots:
        for entry in country_files(root):
            seen.setdefault(entry.slug, entry)
    return [seen[slug] for slug in sorted(seen)]


def known() -> dict[str, str]:
    """slug -> ISO 3166-1 alpha-2 code of every country present, sorted by slug."""
    return {c.slug: c.iso for c in known_files()}


COUNTRIES: dict[str, str] = known()
"""slug -> ISO code of the countries present when the package was imported (notebooks, tests).
Commands call `known()`, which sees profiles added since."""


def available() -> str:
    """The accepted names, for error messages and help texts."""
    return ", ".join(f"{slug} ({iso})" for slug, iso in known().items()) or _("none")


def country_help() -> str:
    """The help text of a --country option: the countries present, read from their profiles."""
    return _("country: the slug or the ISO code of a country profile ({countries})").format(countries=available())


def default_country() -> str:
    """The country used when none is asked for: the first present, in the order of slugs."""
    present = known()
    if not present:
        raise UnknownCountryError(_("no country profile in {folder}; add a country's YAML profile there, or give "
                                    "SAHELKIT_DATA a folder that holds some (profiles/*.yaml)").format(
            folder=DATASETS / "profiles"))
    return next(iter(present))


def find(name: str) -> CountryFile:
    """The profile file of a slug or ISO code (any case); UnknownCountryError otherwise."""
    key = str(name).strip()
    files = known_files()
    for entry in files:
        if entry.slug == key.lower():
            return entry
    for entry in files:
        if entry.iso == key.upper():
            return entry
    raise UnknownCountryError(_('unknown country "{name}"; countries available: {countries}; give the slug or the ISO '
                                "code of one of them").format(name=name, countries=available()))


def resolve_country(name: str | None) -> str:
    """Return the slug for a slug or ISO code (any case); None gives the default country."""
    if name is None:
        return default_country()
    return find(name).slug
