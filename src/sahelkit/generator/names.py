"""Names as services write them: transliteration variants, name order, accents and capitals.

Collation is the exercise, so every service must spell the same person its own way, exactly as
its profile says; the functions here are deterministic given the rng they receive.
"""
from __future__ import annotations

import unicodedata

import numpy as np


def strip_accents(text: str) -> str:
    """'Traoré' -> 'Traore' (what a keyboard without accents or an old database produces)."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def full_name(given: str, family: str, order: str) -> str:
    return f"{family} {given}" if order == "family_first" else f"{given} {family}"


def variant_of(name: str, variants: dict[str, list[str]], rng: np.random.Generator, p: float = 0.7) -> str:
    """Replace each word (or multi-word key) that has known variants by one of them, with probability p."""
    if name in variants and rng.random() < p:
        return variants[name][int(rng.integers(len(variants[name])))]
    words = name.split(" ")
    out = []
    for w in words:
        if w in variants and rng.random() < p:
            out.append(variants[w][int(rng.integers(len(variants[w])))])
        else:
            out.append(w)
    return " ".join(out)


def as_service_writes(given: str, family: str, spelling: str, order: str,
                      variants: dict[str, list[str]], rng: np.random.Generator) -> str:
    """The name of one record as a service with these habits would type it."""
    if spelling == "mixed":
        spelling = ("canonical", "variant", "ascii_upper")[int(rng.integers(3))]
    if spelling == "variant":
        given, family = variant_of(given, variants, rng), variant_of(family, variants, rng)
    elif spelling == "ascii_upper":
        given, family = strip_accents(given), strip_accents(family).upper()
    return full_name(given, family, order)
