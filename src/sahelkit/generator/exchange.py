"""Names the foreign partner misspells: what exact keyed digests lose and a fuzzy comparison keeps.

Exercise 12 matches the narcotics service's records with the foreign partner's (the first
foreign_police service) on keyed digests of normalised identifiers (`phone:<E.164>`,
`name:<normalised name>|<birth date>`), and measures what this loses against a fuzzy comparison of
the names in clear (same birth date, token_sort_ratio of the normalised names at least
EXCHANGE_TYPO_SCORE_MIN). Every spelling the services use is a variant of the profile's table,
which normalisation undoes, so without typos the loss would always be zero and a measure that
never looks would look right. The partner therefore types one letter twice in the name of
EXCHANGE_TYPOS people it shares with the narcotics service: people outside the planted networks,
with one record in each extract, their birth dates written in both, no phone read alike.
"""
from __future__ import annotations

import re
import unicodedata

import phonenumbers
from rapidfuzz import fuzz

from ..i18n import ngettext
from .signals import EXCHANGE_TYPO_SCORE_MIN, EXCHANGE_TYPOS


def _name_key(name: str, variants: dict[str, list[str]]) -> str:
    """The normalised name as module 03 teaches it: no accents, capitals, letters only, two-word variants
    then one-word variants replaced by their reference, words sorted."""
    ref = {_simple(f): _simple(r) for r, forms in variants.items() for f in forms}
    text = f" {_simple(name)} "
    for form, to in ref.items():
        if " " in form:
            text = text.replace(f" {form} ", f" {to} ")
    return " ".join(sorted(" ".join(ref.get(w, w) for w in text.split()).split()))


def _simple(text: str) -> str:
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^A-Z ]", " ", text.upper()).split())


def _e164(text: str, region: str) -> str:
    if not text:
        return ""
    return phonenumbers.format_number(phonenumbers.parse(text, region), phonenumbers.PhoneNumberFormat.E164)


def plant_typos(w, extracts: dict, people: dict[str, list[int]]) -> None:
    """The partner's record of EXCHANGE_TYPOS shared people gets one letter typed twice (in place)."""
    services = {s["code"]: s for s in w.profile["services"]}
    ours = next(c for c, s in services.items() if s["country"] == w.iso and s["kind"] == "narcotics")
    partner = next(c for c, s in services.items() if s["kind"] == "foreign_police")
    members = {m for n in w.networks for m, _ in n.members} | {w.plan.swap.person} | {p for _, p in w.aliases}
    variants = w.profile["names"]["variants"]
    a, b = extracts[ours], extracts[partner]
    taken = set(a.name.map(lambda n: _name_key(n, variants)))
    planted = 0
    for y, person in enumerate(people[partner]):
        x = _only_record(people[ours], person)
        if x is None or person in members or _only_record(people[partner], person) is None:
            continue
        phones = (_e164(a.phone.iat[x], services[ours]["country"]), _e164(b.phone.iat[y], services[partner]["country"]))
        if not (a.birth_date.iat[x] and b.birth_date.iat[y]) or (phones[0] and phones[0] == phones[1]):
            continue
        typo = misspelt(b.name.iat[y], variants, taken)
        if typo:
            b.at[y, "name"] = typo
            planted += 1
            if planted == EXCHANGE_TYPOS:
                return
    raise ValueError(ngettext(
        "only {count} person shared by {ours} and {partner} can be misspelt: the extracts are too small; give these "
        "services more records (key records of services in the profile)",
        "only {count} people shared by {ours} and {partner} can be misspelt: the extracts are too small; give these "
        "services more records (key records of services in the profile)", planted).format(
        count=planted, ours=ours, partner=partner))


def _only_record(people: list[int], person: int) -> int | None:
    rows = [i for i, p in enumerate(people) if p == person]
    return rows[0] if len(rows) == 1 else None


def misspelt(name: str, variants: dict[str, list[str]], taken: set[str]) -> str:
    """The name with one letter of its longest word typed twice, such that its normalised form changes, stays
    within EXCHANGE_TYPO_SCORE_MIN of the original's and is no one else's; "" if no letter does."""
    key = _name_key(name, variants)
    word = max(name.split(" "), key=len)
    start = name.index(word)
    for i in range(2, len(word)):
        if not word[i].isalpha() or word[i] == word[i - 1]:  # a letter typed twice, never three times
            continue
        typo = name[:start + i] + word[i] + name[start + i:]
        new = _name_key(typo, variants)
        if new != key and new not in taken and fuzz.token_sort_ratio(new, key) >= EXCHANGE_TYPO_SCORE_MIN:
            return typo
    return ""
