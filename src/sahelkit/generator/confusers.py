"""Different people who share a birth date or a phone in the records that collation compares.

Exercise 03 teaches to block candidate pairs on a birth date or a phone and to confirm each with
the normalised names. Without that confirmation a matcher would still look right if no two
different people ever shared a key. Real files are not like that: relatives give the same
household or shop phone, and many people share a birth date (1 January of a year when the day is
unknown). So, in the narcotics service's extract and between the investigation service's extract
and it, the generator plants such people until matching on a key alone, without the names, stays
at most COLLATION_KEY_ONLY_PRECISION (signals), while the planted people's names stay far apart
(COLLATION_CONFUSER_SCORE_MAX), so the taught method keeps them apart. Homonyms are planted too,
until matching on the normalised name alone stays below COLLATION_NAME_ONLY_PRECISION, their birth
dates and phones apart. Only people with a single record in the two extracts and outside the
planted networks are changed, so no true pair is lost.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd
from rapidfuzz import fuzz

from ..i18n import _
from .names import as_service_writes, full_name
from .signals import COLLATION_CONFUSER_SCORE_MAX, COLLATION_KEY_ONLY_PRECISION, COLLATION_NAME_ONLY_PRECISION

KEYS = {"birth": ("born",), "phone": ("phone8",), "either": ("born", "phone8")}


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().upper()


def name_keys(names: list[str], variants: dict[str, list[str]]) -> list[str]:
    """The normalised names as exercise 03 teaches them: no accents, capitals, variants replaced, words sorted."""
    ref = {_ascii(f): _ascii(r) for r, forms in variants.items() for f in forms}
    return [_name_key(n, ref) for n in names]


def _name_key(name: str, ref: dict[str, str]) -> str:
    return " ".join(sorted(ref.get(w, w) for w in re.sub(r"[^A-Z ]", " ", _ascii(name)).split()))


@dataclass
class Records:
    """One service's extract as collation compares it: who each record is, and its two keys."""

    code: str
    frame: pd.DataFrame  # the extract itself (edited in place)
    people: list[int]  # person index of each record
    numbers: list[str]  # E.164 number written on each record, "" if none

    def keys(self, birth: list[str]) -> pd.DataFrame:
        """person, born (ISO date or "") and phone8 (national digits or "") of each record."""
        born = [birth[p] if text else "" for p, text in zip(self.people, self.frame.birth_date)]
        return pd.DataFrame({"person": self.people, "born": born, "phone8": [n[-8:] for n in self.numbers]})


def key_pairs(left: pd.DataFrame, right: pd.DataFrame, same: bool, key: str) -> pd.DataFrame:
    """Candidate pairs (record rows i, j, their persons) sharing the key(s) named by `key`, each pair once."""
    found_i, found_j = [], []
    for col in KEYS[key]:
        i, j = _equal(left[col].to_numpy(str), right[col].to_numpy(str))
        keep = i < j if same else slice(None)
        found_i.append(i[keep])
        found_j.append(j[keep])
    pair = np.unique(np.concatenate(found_i) * len(right) + np.concatenate(found_j))
    i, j = pair // max(len(right), 1), pair % max(len(right), 1)
    return pd.DataFrame({"index_x": i, "index_y": j, "person_x": left.person.to_numpy()[i],
                         "person_y": right.person.to_numpy()[j]})


def _equal(lv: np.ndarray, rv: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every (i, j) with lv[i] == rv[j] != "": rv sorted once, each lv[i] finds its run of equals
    (a pandas merge per call cost 0.3 s of each `generate`)."""
    order = np.argsort(rv, kind="stable")
    ranked = rv[order]
    lo = np.searchsorted(ranked, lv, "left")
    count = np.where(lv == "", 0, np.searchsorted(ranked, lv, "right") - lo)
    i = np.repeat(np.arange(len(lv)), count)
    return i, order[np.arange(len(i)) - np.repeat(np.cumsum(count) - count - lo, count)]


def name_pairs(left: list[str], right: list[str], lp: list[int], rp: list[int], same: bool) -> pd.DataFrame:
    """Candidate pairs sharing the normalised name (person_x, person_y), each pair once."""
    a = pd.DataFrame({"key": left, "person": lp}).reset_index()
    b = pd.DataFrame({"key": right, "person": rp}).reset_index()
    m = a.merge(b, on="key")
    return m[m.index_x < m.index_y] if same else m


def precision(pairs: pd.DataFrame) -> float:
    """Share of candidate pairs that are one person (1.0 when there is none)."""
    return float((pairs.person_x == pairs.person_y).mean()) if len(pairs) else 1.0


def plant(w, extracts: dict[str, pd.DataFrame], people: dict[str, list[int]], numbers: dict[str, list[str]],
          formats: dict[str, tuple[str, str]], phone_text) -> None:
    """Plant shared keys between different people in the narcotics extract and between it and the
    investigation service's, until a key alone matches with at most COLLATION_KEY_ONLY_PRECISION."""
    kinds = {s["code"]: s["kind"] for s in w.profile["services"] if s["country"] == w.iso}
    dedup = next(c for c, k in kinds.items() if k == "narcotics")
    other = next(c for c, k in kinds.items() if k in ("counter_terrorism", "police"))
    recs = {c: Records(c, extracts[c], people[c], numbers[c]) for c in (dedup, other)}
    members = {m for n in w.networks for m, _ in n.members} | {w.plan.swap.person}
    variants = w.profile["names"]["variants"]
    names = {c: name_keys(r.frame.name.tolist(), variants) for c, r in recs.items()}
    for left, right in ((dedup, dedup), (other, dedup)):
        for key in ("birth", "phone", "either"):
            while True:
                birth = w.persons.birth_date.tolist()
                lk, rk = recs[left].keys(birth), recs[right].keys(birth)
                if precision(key_pairs(lk, rk, left == right, key)) < COLLATION_KEY_ONLY_PRECISION:
                    break
                _plant_one(w, recs, left, right, "phone" if key == "phone" else "birth", members, names,
                           extracts, people, formats, phone_text)
    members |= {p for _, p in w.aliases}
    for left, right in ((dedup, dedup), (other, dedup)):
        while True:
            found = name_pairs(names[left], names[right], recs[left].people, recs[right].people, left == right)
            if precision(found) < COLLATION_NAME_ONLY_PRECISION:
                break
            _homonym(w, recs, left, right, members, names, extracts, people)


def _plant_one(w, recs: dict[str, Records], left: str, right: str, key: str, members: set[int],
               names: dict[str, list[str]], extracts, people, formats, phone_text) -> None:
    """One record of `left` takes the birth date (its person's) or the phone of a record of `right`."""
    birth = w.persons.birth_date.tolist()
    keys = {c: r.keys(birth) for c, r in recs.items()}
    col = "born" if key == "birth" else "phone8"
    count: dict[int, int] = {}
    for r in recs.values():
        for p in r.people:
            count[p] = count.get(p, 0) + 1
    values = {c: k[col].tolist() for c, k in keys.items()}  # plain lists: this loop reads them cell by cell
    owners = keys[right].person.tolist()
    ys = [i for i, v in enumerate(values[right]) if v and owners[i] not in members]
    xs = [i for i, p in enumerate(recs[left].people) if count[p] == 1 and p not in members]
    for y in (ys[int(j)] for j in w.rng.permutation(len(ys))):
        value, target = values[right][y], owners[y]
        sharing = [names[c][i] for c in recs for i, v in enumerate(values[c]) if v == value]
        for x in (xs[int(j)] for j in w.rng.permutation(len(xs))):
            if recs[left].people[x] == target or values[left][x] == value:
                continue
            if max(fuzz.token_sort_ratio(names[left][x], n) for n in sharing) > COLLATION_CONFUSER_SCORE_MAX:
                continue
            if key == "birth":
                _share_birth(w, recs[left].people[x], target, x, left, extracts, people, formats)
            else:
                e164 = recs[right].numbers[y]
                recs[left].numbers[x] = e164
                recs[left].frame.at[x, "phone"] = phone_text(e164, formats[left][1])
            return
    said = (_("no record of {left} can share a birth date with a record of {right}: the extracts are too small; "
              "give these services more records (key records of services in the profile)") if key == "birth" else
            _("no record of {left} can share a phone number with a record of {right}: the extracts are too small; "
              "give these services more records (key records of services in the profile)"))
    raise ValueError(said.format(left=left, right=right))


def _share_birth(w, person: int, target: int, x: int, code: str, extracts, people, formats) -> None:
    """The person is born the same day as the target: every record of theirs says so, and record x shows it."""
    w.persons.at[person, "birth_date"] = w.persons.birth_date.iat[target]
    day = dt.date.fromisoformat(w.persons.birth_date.iat[target])
    for c, df in extracts.items():
        for i, p in enumerate(people[c]):
            if p == person and (df.birth_date.iat[i] or (c == code and i == x)):
                df.at[i, "birth_date"] = day.strftime(formats[c][0])


def _homonym(w, recs: dict[str, Records], left: str, right: str, members: set[int], names: dict[str, list[str]],
             extracts, people) -> None:
    """A person with one record in the two extracts takes the name of a person of `right` (a homonym);
    their birth dates and phones differ, so only a name-only matcher links them."""
    birth = w.persons.birth_date.tolist()
    keys = {c: r.keys(birth) for c, r in recs.items()}
    count: dict[int, int] = {}
    for r in recs.values():
        for p in r.people:
            count[p] = count.get(p, 0) + 1
    xs = [i for i, p in enumerate(recs[left].people) if count[p] == 1 and p not in members]
    ys = [i for i, p in enumerate(recs[right].people) if p not in members]
    services = {s["code"]: s for s in w.profile["services"]}
    P, variants = w.persons, w.profile["names"]["variants"]
    for y in (ys[int(j)] for j in w.rng.permutation(len(ys))):
        target = recs[right].people[y]
        for x in (xs[int(j)] for j in w.rng.permutation(len(xs))[:50]):
            person = recs[left].people[x]
            if person == target or P.sex.iat[person] != P.sex.iat[target]:
                continue
            sharing = [names[c][i] for c in recs for i in range(len(keys[c])) for col in ("born", "phone8")
                       if keys[left][col].iat[x] and keys[c][col].iat[i] == keys[left][col].iat[x]
                       and not (c == left and i == x)]
            if any(fuzz.token_sort_ratio(names[right][y], n) > COLLATION_CONFUSER_SCORE_MAX for n in sharing):
                continue
            given, family = P.given_name.iat[target], P.family_name.iat[target]
            P.at[person, "given_name"], P.at[person, "family_name"] = given, family
            P.at[person, "full_name"] = full_name(given, family, w.profile["names"]["order"])
            for c, df in extracts.items():
                s = services[c]
                for i, p in enumerate(people[c]):
                    if p == person:
                        df.at[i, "name"] = as_service_writes(given, family, s["spelling"], s["name_order"], variants,
                                                             w.rng)
            names[left][x] = names[right][y]
            return
    raise ValueError(_("no record of {left} can take the name of a record of {right}: the extracts are too small; "
                       "give these services more records (key records of services in the profile)").format(
        left=left, right=right))
