"""The people of a case, the networks hidden among them, their phones and who talks to whom.

Everything downstream (calls, transfers, reports, extracts) is drawn from the `World` built
here, so the tables tell one coherent story. Only the numpy Generator passed in decides
anything random; lists are walked in a fixed order, never through sets, so one seed gives one
world.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..i18n import _
from ..profiles import PILL_CRIMES, neighbours
from . import numbering
from .names import full_name
from .plan import CoLocation, Plan, SimSwap
from .signals import BROKER_HOME_CONTACTS, DECOY_CONTACTS, SIM_SWAP_SIMS

N_HOME = 560  # people living in the country (the innocent background and the home members)
N_FOREIGN = 70  # people in the neighbouring country around the cross-border cell
MEMBER_AGES = (22, 64)  # network members are chosen among people this old on 1 January of the period's year
ACTIVATION_YEARS = 3  # lines were activated during the years just before the period's


@dataclass
class Network:
    network_id: str
    crime: str
    route: list[str]
    name: str = ""
    members: list[tuple[int, str]] = field(default_factory=list)  # (person index, role)
    foreign_iso: str = ""  # country of the cross-border cell, if any
    cast: tuple[str, ...] = ()  # the roles its home members play, in the order they are picked

    def who(self, role: str) -> list[int]:
        return [p for p, r in self.members if r == role]


@dataclass
class World:
    profile: dict
    rng: np.random.Generator
    start: dt.date
    days: int
    persons: pd.DataFrame = None
    # the three planted networks, named by the part they play in the story (see choose_networks)
    cross_border_network: Network = None
    swapper_network: Network = None
    transport_network: Network = None
    phones: pd.DataFrame = None  # schema columns + user (person index), town, country
    primary: dict[int, int] = field(default_factory=dict)  # person index -> phone index
    second: dict[int, int] = field(default_factory=dict)
    cells: pd.DataFrame = None
    edges: pd.DataFrame = None  # a, b (phone index), w (relative call volume)
    hubs: list[int] = field(default_factory=list)
    plan: Plan = field(default_factory=Plan)  # planted details shared by later stages
    aliases: list[tuple[str, int]] = field(default_factory=list)

    @property
    def iso(self) -> str:
        return self.profile["iso"]

    @property
    def networks(self) -> list[Network]:
        """The planted networks in the order of their ids (N1, N2, N3)."""
        return [self.cross_border_network, self.swapper_network, self.transport_network]

    def pick(self, seq):
        return seq[int(self.rng.integers(len(seq)))]

    def secs(self, day: float, hour: float = 0.0) -> int:
        return int(day * 86400 + hour * 3600)


def year_start(w: World) -> dt.date:
    """1 January of the period's year: ages and the years drawn for past events count from it."""
    return dt.date(w.start.year, 1, 1)


def town_table(profile: dict) -> pd.DataFrame:
    return pd.DataFrame(profile["towns"])


# --------------------------------------------------------------------------- people
def _draw_people(w: World, n: int, towns: list[str], weights: np.ndarray, nationality: str) -> list[dict]:
    names = w.profile["names"]
    rng = w.rng
    home = rng.choice(len(towns), size=n, p=weights / weights.sum())
    sex = np.where(rng.random(n) < 0.55, "M", "F")
    age_days = rng.integers(18 * 365, 68 * 365, size=n)
    ref = year_start(w)
    rows = []
    for i in range(n):
        given = w.pick(names["given_male"] if sex[i] == "M" else names["given_female"])
        if names["particles"] and rng.random() < 0.08:
            family = f"{w.pick(names['particles'])} {w.pick(names['given_male'])}"
        else:
            family = w.pick(names["family"])
        rows.append({
            "full_name": full_name(given, family, names["order"]),
            "given_name": given, "family_name": family, "sex": str(sex[i]),
            "birth_date": (ref - dt.timedelta(days=int(age_days[i]))).isoformat(),
            "nationality": nationality, "home_town": towns[home[i]],
            "occupation": w.pick(w.profile["occupations"]),
        })
    return rows


def build_people(w: World) -> None:
    """Home population, a few neighbours' nationals living here, and the foreign side of the cell."""
    p = w.profile
    tt = town_table(p)
    home = tt[tt.country == w.iso]
    rows = _draw_people(w, N_HOME, home.name.tolist(), home.weight.to_numpy(float) + 0.5, w.iso)
    neighbours = sorted({t["country"] for t in p["towns"]} - {w.iso})
    for r in rows:
        if w.rng.random() < 0.05:
            r["nationality"] = w.pick(neighbours)
    w.persons = pd.DataFrame(rows)
    w.persons["foreign_side"] = False


def add_foreign_people(w: World, towns: list[str], iso: str) -> list[int]:
    """People living in the neighbouring country around the cross-border cell."""
    rows = _draw_people(w, N_FOREIGN, towns, np.ones(len(towns)), iso)
    df = pd.DataFrame(rows)
    df["foreign_side"] = True
    first = len(w.persons)
    w.persons = pd.concat([w.persons, df], ignore_index=True)
    return list(range(first, first + len(df)))


def finish_people(w: World) -> None:
    n = len(w.persons)
    w.persons.insert(0, "person_id", [f"P{i + 1:05d}" for i in range(n)])
    ids = w.rng.choice(9_000_000, size=n, replace=False) + 1_000_000
    w.persons["id_number"] = [f"{nat}-CNI-{v}" for nat, v in zip(w.persons.nationality, ids)]
    w.persons["aliases"] = ""


# --------------------------------------------------------------------------- networks
CROSS_BORDER_CAST = ("leader", "broker", "courier", "courier", "corrupt_official")
SWAPPER_CAST = ("leader", "supplier", "courier", "courier", "financier")
TRANSPORT_CAST = ("leader", "financier", "courier", "courier", "supplier", "corrupt_official")
FOREIGN_CAST = ["supplier", "courier", "courier"]
CRIME_FR = {
    "falsified_medicine": "médicaments falsifiés", "amphetamine_pills": "comprimés anti-fatigue",
    "tramadol": "tramadol", "migrant_smuggling": "passeurs de migrants", "arms": "armes",
    "terrorism_financing": "financement",
}


def _route_for(p: dict, crime: str) -> list[str]:
    return next(r["towns"] for r in p["routes"] if r["crime"] == crime) if any(
        r["crime"] == crime for r in p["routes"]) else [t["name"] for t in p["towns"] if t["country"] == p["iso"]][:3]


def choose_networks(w: World) -> None:
    """Three networks, each with its part in the story, their crimes drawn by weight.

    N1, the cross-border network: a cell in a neighbouring country (`profiles.neighbours`: a
    country whose towns and numbering the profile lists), preferably one whose police is among
    the profile's services (module 13 reaches the cell through it), reached only through its
    broker; its courier changes handset; its leader's line is held by a straw holder.
    N2, the swapper network: its leader swaps SIMs; two of its couriers travel together.
    N3, the transport network: its leader owns a transport firm; two of its vehicles run in
    convoy; its financier structures transfers under the reporting threshold.
    """
    p = w.profile
    country_of = {t["name"]: t["country"] for t in p["towns"]}
    near = set(neighbours(p))
    border_to = {q["leads_to"] for q in p["posts"] if q["kind"] == "border"}
    weight = {c["kind"]: c["weight"] for c in p["crimes"]}
    cross = [r for r in p["routes"] if any(country_of[t] in near and country_of[t] in border_to for t in r["towns"])]
    if not cross:
        cross = [r for r in p["routes"] if any(country_of[t] in near for t in r["towns"])]
    if not cross:
        raise ValueError(_("no route (key routes) reaches a neighbouring country: a cross-border cell needs one; add "
                           "a route through a town of a neighbouring country"))

    def cell_country(route: dict) -> str:
        return next((country_of[t] for t in route["towns"] if country_of[t] in near
                     and (country_of[t] in border_to or not border_to)), "")

    # module 13's joint team reaches the cell through a foreign police service of the cell's country
    police = {s["country"] for s in p["services"] if s["kind"] == "foreign_police"}
    served = [r for r in cross if cell_country(r) in police]
    r1 = max(served or cross, key=lambda r: weight.get(r["crime"], 0))
    n1 = Network("N1", r1["crime"], r1["towns"], cast=CROSS_BORDER_CAST)
    n1.foreign_iso = cell_country(r1)
    rest = [c["kind"] for c in p["crimes"] if c["kind"] != n1.crime and c["weight"] > 0]
    probs = np.array([weight[k] for k in rest], float)
    k = min(2, len(rest))
    chosen = list(w.rng.choice(len(rest), size=k, replace=False, p=probs / probs.sum())) if rest else []
    crimes = [rest[i] for i in chosen]
    while len(crimes) < 2:
        crimes.append(n1.crime)
    if not any(c in PILL_CRIMES for c in [n1.crime] + crimes):
        crimes[1] = max((c for c in PILL_CRIMES if c in weight), key=lambda c: weight[c])
    w.cross_border_network = n1
    w.swapper_network = Network("N2", crimes[0], _route_for(p, crimes[0]), cast=SWAPPER_CAST)
    w.transport_network = Network("N3", crimes[1], _route_for(p, crimes[1]), cast=TRANSPORT_CAST)


def assign_members(w: World) -> None:
    """Pick members among residents of the route towns; the cross-border cell lives abroad."""
    p = w.profile
    country_of = {t["name"]: t["country"] for t in p["towns"]}
    P = w.persons
    taken: set[int] = set()
    ref = year_start(w)
    youngest, oldest = (pd.Timestamp(ref.replace(year=ref.year - age)) for age in MEMBER_AGES)
    adults = (pd.to_datetime(P.birth_date) < youngest) & (pd.to_datetime(P.birth_date) > oldest)
    for net in w.networks:
        home_towns = [t for t in net.route if country_of[t] == w.iso] or [P.home_town.iloc[0]]
        for j, role in enumerate(net.cast):
            town = home_towns[j % len(home_towns)] if role != "leader" else home_towns[0]
            pool = P.index[(P.home_town == town) & adults & ~P.foreign_side & (P.sex == "M")].tolist()
            pool = [i for i in pool if i not in taken] or [
                i for i in P.index[~P.foreign_side & adults] if i not in taken]
            who = int(w.pick(pool))
            taken.add(who)
            net.members.append((who, role))
        crime_words = CRIME_FR.get(net.crime, net.crime)
        net.name = f"Réseau {crime_words} {home_towns[0]}"
    n1 = w.cross_border_network
    ftowns = [t for t in n1.route if country_of[t] == n1.foreign_iso]
    foreign = add_foreign_people(w, ftowns, n1.foreign_iso)
    w.plan.foreign_people = foreign
    for j, role in enumerate(FOREIGN_CAST):
        n1.members.append((foreign[j], role))
    n1.name += f" - {ftowns[0]}"


# --------------------------------------------------------------------------- phones
def build_phones(w: World) -> None:
    """One line per person, a second for some; extra SIMs for the planted SIM swap."""
    p, rng = w.profile, w.rng
    P = w.persons
    numbering_of = {p["iso"]: p["phone"]} | {n["iso"]: n for n in p["neighbour_phones"]}
    taken_num: set[str] = set()
    owner: list[int] = []
    broker = w.cross_border_network.who("broker")[0]
    foreign_side = P.foreign_side.tolist()
    for i in range(len(P)):
        owner.append(i)
        if not foreign_side[i] and rng.random() < 0.08 and i != broker:
            owner.append(i)
    swapper = w.swapper_network.who("leader")[0]
    later = SIM_SWAP_SIMS - 1
    owner += [swapper] * later  # the SIMs the swapper moves to, last in the table
    owner = np.array(owner)
    country = np.where(P.foreign_side.to_numpy()[owner], P.nationality.to_numpy()[owner], w.iso)
    rows = pd.DataFrame({"user": owner, "country": country})
    rows["msisdn"] = ""
    rows["operator"] = ""
    rows["mnc"] = ""
    for iso in sorted(set(country)):
        idx = np.flatnonzero(country == iso)
        nums, ops, mncs = numbering.msisdns(numbering_of[iso], len(idx), rng, taken_num)
        rows.loc[idx, "msisdn"] = nums
        rows.loc[idx, "operator"] = ops
        rows.loc[idx, "mnc"] = mncs
    rows["imsi"] = numbering.imsis(rows.mnc.tolist(), rng)
    taken_imei: set[str] = set()
    rows["imei"] = numbering.imeis(len(rows), rng, taken_imei)
    w.plan.imei_taken = taken_imei
    act = rng.integers(0, ACTIVATION_YEARS * 365, size=len(rows))
    first = year_start(w).replace(year=w.start.year - ACTIVATION_YEARS)
    rows["activated"] = [(first + dt.timedelta(days=int(a))).isoformat() for a in act]
    rows["deactivated"] = ""
    rows["holder"] = rows.user
    rows["town"] = P.home_town.to_numpy()[owner]
    # the person's primary line is its first; the SIM-swap lines are set apart below
    n = len(rows)
    for i in range(n - later):
        u = int(owner[i])
        if u not in w.primary:
            w.primary[u] = i
        elif u not in w.second:
            w.second[u] = i
    w.second.pop(swapper, None)
    w.plan.swap = _swap_sims(w, rows, swapper, tuple(range(n - later, n)))
    _same_operator_couriers(w, rows, taken_num)
    w.phones = rows


def _swap_sims(w: World, rows: pd.DataFrame, swapper: int, later: tuple[int, ...]) -> SimSwap:
    """One handset, SIM_SWAP_SIMS SIMs in turn over the period; the later ones held by straw holders."""
    P = w.persons
    first = w.primary[swapper]
    _not_in_number_order(rows, (first,) + later)
    days = [k * w.days // SIM_SWAP_SIMS for k in range(1, SIM_SWAP_SIMS)]
    rows.loc[list(later), "imei"] = rows.at[first, "imei"]
    rows.loc[list(later), "operator"] = rows.at[first, "operator"]
    for line, day in zip(later, days):
        rows.at[line, "activated"] = (w.start + dt.timedelta(days=day)).isoformat()
    for line, day in zip((first,) + later, days):
        rows.at[line, "deactivated"] = (w.start + dt.timedelta(days=day)).isoformat()
    home_women = P.index[(P.sex == "F") & ~P.foreign_side & (P.home_town == P.home_town.iat[swapper])].tolist() or \
        P.index[(P.sex == "F") & ~P.foreign_side].tolist()
    rows.loc[list(later), "holder"] = [int(w.pick(home_women)) for _ in later]
    return SimSwap(swapper, (first,) + later, tuple(w.secs(day) for day in days))


def _not_in_number_order(rows: pd.DataFrame, lines: tuple[int, ...]) -> None:
    """The swapped SIMs, in the order they are used, are never in increasing number order: listing them
    sorted by msisdn instead of by first use (exercise 06 part 3) must give another order. When they are,
    the first and last later SIMs exchange numbers (no random draw: other seeds keep their bytes)."""
    numbers = rows.loc[list(lines), "msisdn"].tolist()
    if numbers == sorted(numbers) and len(lines) > 2:
        a, b = lines[1], lines[-1]
        rows.loc[[a, b], "msisdn"] = [rows.at[b, "msisdn"], rows.at[a, "msisdn"]]


def _same_operator_couriers(w: World, rows: pd.DataFrame, taken_num: set[str]) -> None:
    """The two couriers who travel together use the same operator, so they share cell sites."""
    p, rng = w.profile, w.rng
    c1, c2 = w.swapper_network.who("courier")[:2]
    l1, l2 = w.primary[c1], w.primary[c2]
    if rows.at[l1, "operator"] != rows.at[l2, "operator"]:
        op = next(o for o in p["phone"]["operators"] if o["name"] == rows.at[l1, "operator"])
        one = dict(p["phone"], operators=[dict(op, share=1.0)])
        num, _, mnc = numbering.msisdns(one, 1, rng, taken_num)
        rows.loc[l2, ["msisdn", "operator", "mnc"]] = [num[0], op["name"], mnc[0]]
        rows.at[l2, "imsi"] = numbering.imsis(mnc, rng)[0]
    w.plan.colocation = CoLocation((l1, l2))


# --------------------------------------------------------------------------- cells
def build_cells(w: World) -> None:
    """Antennas per town and operator, more in bigger towns; towns of numbered neighbours too."""
    p, rng = w.profile, w.rng
    numbering_of = {p["iso"]: p["phone"]} | {n["iso"]: n for n in p["neighbour_phones"]}
    rows = []
    for t in p["towns"]:
        if t["country"] not in numbering_of:
            continue
        k = 1 + int(t["weight"] // 6) if t["country"] == w.iso else 2
        for o in numbering_of[t["country"]]["operators"]:
            for _cell in range(k):
                rows.append({"operator": o["name"], "town": t["name"],
                             "lat": round(t["lat"] + rng.normal(0, 0.02), 5),
                             "lon": round(t["lon"] + rng.normal(0, 0.02), 5)})
    cells = pd.DataFrame(rows)
    cells.insert(0, "cell_id", [f"{w.iso}-C{i + 1:04d}" for i in range(len(cells))])
    w.cells = cells


# --------------------------------------------------------------------------- who talks to whom
def _line(w: World, person: int, rng: np.random.Generator) -> int:
    if person in w.second and rng.random() < 0.3:
        return w.second[person]
    return w.primary[person]


def build_contacts(w: World) -> None:
    """Communities by town, a few bridges, busy innocent hubs, and the networks' own links.

    The cross-border side is reachable only through N1's broker, who otherwise has few
    contacts: so his betweenness is high while his degree stays low, and the busy hubs
    (shopkeepers, transporters) are the ones a degree ranking would wrongly point at.
    """
    rng, P = w.rng, w.persons
    town_of = P.home_town.tolist()
    foreign_side = P.foreign_side.tolist()
    occupation = P.occupation.tolist()
    members = {p for n in w.networks for p, _ in n.members}
    cross_border = w.cross_border_network
    broker = cross_border.who("broker")[0]
    pairs: list[tuple[int, int, float]] = []

    def link(a: int, b: int, weight: float) -> None:
        if a != b:
            pairs.append((a, b, weight))

    home = P.index[~P.foreign_side].tolist()
    for side in (home, w.plan.foreign_people):
        side = [i for i in side if i != broker]
        by_town: dict[str, list[int]] = {}
        for i in side:
            by_town.setdefault(town_of[i], []).append(i)
        for town in sorted(by_town):
            people = by_town[town]
            order = rng.permutation(len(people))
            size = 22
            for s in range(0, len(people), size):
                cl = [people[j] for j in order[s:s + size]]
                for a in cl:
                    for b in rng.choice(cl, size=min(len(cl) - 1, 1 + rng.poisson(1.2)), replace=False):
                        link(a, int(b), float(rng.gamma(1.0, 1.0)))
        for a in side:
            if rng.random() < 0.3:
                link(a, int(w.pick(side)), float(rng.gamma(1.0, 0.6)))
    # innocent hubs: busy people with many contacts in their town and beyond
    busy = [i for i in home if occupation[i] in ("boutiquier", "transporteur", "agent de change", "commerçant")
            and i not in members and i != broker]
    hubs = [busy[int(j)] for j in rng.choice(len(busy), size=min(12, len(busy)), replace=False)]
    home_arr = np.array([i for i in home if i != broker])
    for h in hubs:
        same = home_arr[P.home_town.to_numpy()[home_arr] == P.home_town.iat[h]]
        for b in rng.choice(same, size=min(len(same), int(rng.integers(18, 30))), replace=False):
            link(h, int(b), float(rng.gamma(1.0, 0.5)))
        for b in rng.choice(home_arr, size=int(rng.integers(6, 12)), replace=False):
            link(h, int(b), float(rng.gamma(1.0, 0.5)))
    w.hubs = hubs
    # the broker: a few personal contacts at home
    same = home_arr[P.home_town.to_numpy()[home_arr] == P.home_town.iat[broker]]
    for b in rng.choice(same, size=min(BROKER_HOME_CONTACTS, len(same)), replace=False):
        link(broker, int(b), 1.0)
    # networks
    for net in w.networks:
        role = {r: net.who(r) for r in ("leader", "broker", "courier", "supplier", "financier", "corrupt_official")}
        lead = role["leader"][0]
        for p_, r in net.members:
            if p_ != lead and r not in ("supplier",) and not (net is cross_border and foreign_side[p_]):
                if not (r == "courier" and net is cross_border):
                    link(lead, p_, 4.0)
        if net is cross_border:
            home_couriers = [c for c in role["courier"] if not foreign_side[c]]
            foreign = [c for c in role["courier"] + role["supplier"] if foreign_side[c]]
            b = role["broker"][0]
            link(lead, b, 6.0)
            for c in home_couriers:
                link(b, c, 3.0)
                link(lead, c, 2.0)
            for c in foreign[:2]:
                link(b, c, 5.0)
            for i, c in enumerate(foreign):
                link(c, foreign[(i + 1) % len(foreign)], 3.0)
        else:
            for s in role["supplier"]:
                link(lead, s, 3.0)
            for f in role["financier"]:
                for c in role["courier"]:
                    link(f, c, 1.5)
            cs = role["courier"]
            if len(cs) >= 2:
                link(cs[0], cs[1], 4.0)
    # persons -> lines (a second phone gets 30 % of a person's contacts)
    a = np.array([x for x, _, _ in pairs])
    b = np.array([y for _, y, _ in pairs])
    wt = np.array([z for _, _, z in pairs])
    la = np.array([_line(w, int(x), rng) for x in a])
    lb = np.array([_line(w, int(y), rng) for y in b])
    lo, hi = np.minimum(la, lb), np.maximum(la, lb)
    e = pd.concat([pd.DataFrame({"a": lo, "b": hi, "w": wt}), _decoy(w, hubs, home_arr)])
    e = e.groupby(["a", "b"], as_index=False, sort=True)["w"].sum()
    w.edges = _connect(w, e)


def _decoy(w: World, hubs: list[int], home_arr: np.ndarray) -> pd.DataFrame:
    """Links (a, b, w) of lines: a busy trader (a trader hub if there is one), on his first line, with
    DECOY_CONTACTS more contacts all over the country. His raw betweenness passes the broker's while,
    over so many contacts, his betweenness per contact stays low; `comms` checks both on the calls
    (`guarantee.decoy_stands_apart`). Drawn from a child generator, so every other draw of the world
    stays what it was without him."""
    rng = w.rng.spawn(1)[0]
    occupation = w.persons.occupation.to_numpy()
    decoy = ([h for h in hubs if occupation[h] == "commerçant"] or hubs)[0]
    w.plan.decoy = w.primary[decoy]
    others = home_arr[home_arr != decoy]
    contacts = rng.choice(others, size=min(len(others), int(rng.integers(*DECOY_CONTACTS))), replace=False)
    lines = np.array([_line(w, int(b), rng) for b in contacts], dtype=np.int64)
    return pd.DataFrame({"a": np.minimum(lines, w.plan.decoy), "b": np.maximum(lines, w.plan.decoy),
                         "w": rng.gamma(1.0, 0.5, len(lines))})


def _components(n: int, a: list[int], b: list[int]) -> list[list[int]]:
    """Connected components (union-find), largest first, ties by smallest member."""
    parent = list(range(n))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for x, y in zip(a, b):
        rx, ry = root(x), root(y)
        if rx != ry:
            parent[max(rx, ry)] = min(rx, ry)
    groups: dict[int, list[int]] = {}
    for x in range(n):
        groups.setdefault(root(x), []).append(x)
    return sorted(groups.values(), key=lambda c: (-len(c), c[0]))


def _connect(w: World, e: pd.DataFrame) -> pd.DataFrame:
    """Join stray components to the main one (same side of the border) so the graph is one piece."""
    comps = _components(len(w.phones), e.a.tolist(), e.b.tolist())
    giant = comps[0]
    foreign = w.persons.foreign_side.to_numpy()[w.phones.user.to_numpy()]
    swap_extra = set(w.plan.swap.lines[1:])
    broker_line = w.primary[w.cross_border_network.who("broker")[0]]
    extra = []
    for comp in comps[1:]:
        comp = [c for c in comp if c not in swap_extra]
        if not comp:
            continue
        a = comp[0]
        targets = [x for x in giant if foreign[x] == foreign[a] and x != broker_line]
        b = targets[int(w.rng.integers(len(targets)))]
        extra.append((min(a, b), max(a, b), 1.0))
    if extra:
        e = pd.concat([e, pd.DataFrame(extra, columns=["a", "b", "w"])], ignore_index=True)
        e = e.groupby(["a", "b"], as_index=False, sort=True)["w"].sum()
    return e
