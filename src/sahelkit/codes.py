"""Country (ISO 3166-1) and currency (ISO 4217) codes, read from Babel's copy of the Unicode CLDR.

A profile may name any country (its towns, border posts, services, neighbours' numbering) and
must use one of its own country's currencies. Which codes exist and which currency a country uses
is maintained by the CLDR and shipped with Babel; nothing here is a list written by hand.

Babel is imported on first use only, so that listing countries and `sahelkit --help` stay instant.
"""
from __future__ import annotations

import datetime as dt
from functools import cache

LOCALE = "fr"  # the CLDR locale whose territory list gives the country codes (the codes are the same in every locale)

COUNTRY_CODES = "ISO 3166-1 alpha-2"
CURRENCY_CODES = "ISO 4217"


@cache
def country_codes() -> frozenset[str]:
    """Two-letter CLDR territories where people live: the ISO 3166-1 alpha-2 codes (and the few the
    CLDR adds, such as XK), without groupings (EU, UN), pseudo-regions (XA) or the unknown ZZ."""
    from babel import Locale
    from babel.core import get_global

    spoken = get_global("territory_languages")
    return frozenset(code for code in Locale(LOCALE).territories
                     if len(code) == 2 and code.isalpha() and spoken.get(code))


@cache
def currency_codes() -> frozenset[str]:
    """Every ISO 4217 currency code the CLDR knows (current and withdrawn)."""
    from babel.numbers import list_currencies

    return frozenset(list_currencies())


def code_list(kind: str) -> frozenset[str]:
    """The codes of a kind named in the schema (COUNTRY_CODES or CURRENCY_CODES)."""
    return {COUNTRY_CODES: country_codes, CURRENCY_CODES: currency_codes}[kind]()


def country_name(code: str) -> str:
    """The name of a country code in the workshop's language (SAHELKIT_LANG), or the code itself when the
    CLDR does not know it."""
    from babel import Locale

    from .i18n import language

    return Locale(language()).territories.get(code, code)


def currencies_of(country: str, start: dt.date, end: dt.date) -> list[str]:
    """The legal-tender currencies of a country at some time between start and end (CLDR)."""
    from babel.numbers import get_territory_currencies

    return list(get_territory_currencies(country, start_date=start, end_date=end))
