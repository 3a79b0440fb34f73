"""The five G5 Sahel countries and how a user may name them.

Kept apart from the profiles so that every command can accept a slug or an ISO code
(case-insensitive) without reading YAML, and so that an unknown name fails the same way
everywhere, listing what exists instead of falling back to another country.
"""
from __future__ import annotations

COUNTRIES: dict[str, str] = {
    "mali": "ML",
    "burkina-faso": "BF",
    "niger": "NE",
    "chad": "TD",
    "mauritania": "MR",
}
"""slug -> ISO 3166-1 alpha-2 code, in the order the kit lists them."""

ISO_TO_SLUG: dict[str, str] = {iso: slug for slug, iso in COUNTRIES.items()}

DEFAULT_COUNTRY = "mali"


class UnknownCountryError(ValueError):
    """A country name that is neither a known slug nor a known ISO code."""


def available() -> str:
    """The accepted names, for error messages."""
    return ", ".join(f"{slug} ({iso})" for slug, iso in COUNTRIES.items())


def resolve_country(name: str | None) -> str:
    """Return the slug for a slug or ISO code (any case); raise UnknownCountryError otherwise."""
    if name is None:
        return DEFAULT_COUNTRY
    key = str(name).strip()
    if key.lower() in COUNTRIES:
        return key.lower()
    if key.upper() in ISO_TO_SLUG:
        return ISO_TO_SLUG[key.upper()]
    raise UnknownCountryError(f"unknown country {name!r}; available: {available()}")
