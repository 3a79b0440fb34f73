"""Organisations, vehicles, posts, passages at posts and border crossings.

Planted here: a convoy (two plates of one network passing checkpoints minutes apart, again and
again) and the cross-border cell's members crossing the border post that leads to their country.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import guarantee, numbering
from .plan import CellCrossings, Convoy
from .signals import CELL_TRIPS, CONVOY_GAP_S, CONVOY_PASSAGES, SHUTTLE_LEAD, SHUTTLE_VEHICLES
from .world import PILL_CRIMES, World

COMPANY_YEARS = 18  # companies were registered during the years before the period's

ORG_NAMES = {
    "transport": ["Transports {family} et Frères", "{family} Transport", "Société de Transport {town}"],
    "pharmacy": ["Pharmacie du Progrès", "Pharmacie de la Paix", "Pharmacie Centrale", "Pharmacie du Marché",
                 "Pharmacie Espoir", "Pharmacie Al Amine", "Pharmacie de l'Avenir", "Pharmacie du Fleuve"],
    "depot": ["Dépôt pharmaceutique {family}", "Grossiste {family} Médical", "Dépôt {town} Santé"],
    "exchange": ["Bureau de change {given}", "{family} Change"],
    "shop": ["Boutique {given}", "Quincaillerie {family}", "Alimentation {given}"],
    "other": ["{family} Import-Export", "GIE {town} Services"],
}
ORG_COUNTS = {"transport": 10, "pharmacy": 8, "depot": 6, "exchange": 6, "shop": 8, "other": 4}


def build_orgs(w: World) -> pd.DataFrame:
    """Businesses of the towns; each pill or medicine network runs a depot, the transport network a transport firm."""
    rng, P = w.rng, w.persons
    home = P.index[~P.foreign_side].tolist()
    rows, names = [], set()
    fronts: dict[str, list[int]] = {}
    for net in w.networks:
        if net.crime in PILL_CRIMES:
            fronts.setdefault("depot", []).append((net.who("supplier") or net.who("leader"))[0])
    fronts.setdefault("transport", []).append(w.transport_network.who("leader")[0])
    for kind in ORG_COUNTS:
        owners = fronts.get(kind, []) + [int(w.pick(home)) for _ in range(ORG_COUNTS[kind])]
        for owner in owners[:ORG_COUNTS[kind]]:
            tpl = w.pick(ORG_NAMES[kind])
            name = tpl.format(family=P.family_name.iat[owner], given=P.given_name.iat[owner],
                              town=P.home_town.iat[owner])
            if name in names:
                name = f"{name} ({P.home_town.iat[owner]})"
            if name in names:
                name = f"{name} {len(rows) + 1}"
            names.add(name)
            year = int(rng.integers(w.start.year - COMPANY_YEARS, w.start.year - 1))
            rows.append({"name": name, "kind": kind, "town": P.home_town.iat[owner], "owner": owner,
                         "registration_number": f"RCCM-{w.iso}-{year}-B-{int(rng.integers(1000, 9999))}"})
    orgs = pd.DataFrame(rows)
    orgs.insert(0, "org_id", [f"O{i + 1:04d}" for i in range(len(orgs))])
    orgs["owner_id"] = P.person_id.to_numpy()[orgs.owner.to_numpy()]
    w.plan.front_transport = orgs.org_id[(orgs.kind == "transport") & (orgs.owner == fronts["transport"][0])].iat[0]
    return orgs


def build_vehicles(w: World, orgs: pd.DataFrame, n: int = 320) -> pd.DataFrame:
    rng, P, p = w.rng, w.persons, w.profile
    home = P.person_id[~P.foreign_side].to_numpy()
    transport = orgs.org_id[orgs.kind == "transport"].to_numpy()
    owner = np.where(rng.random(n) < 0.15, rng.choice(transport, n), rng.choice(home, n))
    owner[0] = w.plan.front_transport
    owner[1] = P.person_id.iat[w.transport_network.who("courier")[0]]
    owner[2] = P.person_id.iat[w.cross_border_network.who("courier")[0]]
    mk = rng.integers(0, len(p["vehicles"]["makes"]), n)
    plates = numbering.plates(p["vehicles"]["plate_pattern"], n, rng, set())
    v = pd.DataFrame({
        "plate": plates,
        "make": [p["vehicles"]["makes"][i]["make"] for i in mk],
        "model": [p["vehicles"]["makes"][i]["model"] for i in mk],
        "colour": rng.choice(p["vehicles"]["colours"], n),
        "owner_id": owner,
    })
    w.plan.convoy = Convoy((plates[0], plates[1]))
    w.plan.courier_plate = plates[2]
    return v.sort_values("plate", kind="stable").reset_index(drop=True)


def build_posts(w: World) -> pd.DataFrame:
    rng = w.rng
    town = {t["name"]: t for t in w.profile["towns"]}
    rows = []
    for i, q in enumerate(w.profile["posts"]):
        t = town[q["town"]]
        rows.append({"post_id": f"PO{i + 1:02d}", "name": q["name"], "town": q["town"], "kind": q["kind"],
                     "lat": round(t["lat"] + rng.normal(0, 0.01), 5), "lon": round(t["lon"] + rng.normal(0, 0.01), 5),
                     "leads_to": q["leads_to"] or ""})
    return pd.DataFrame(rows)


def build_passages(w: World, vehicles: pd.DataFrame, posts: pd.DataFrame, n: int = 4500) -> pd.DataFrame:
    """Plates seen at posts; two network plates pass checkpoints together, minutes apart."""
    rng = w.rng
    activity = rng.gamma(1.5, 1.0, len(vehicles))
    tw = {t["name"]: t["weight"] for t in w.profile["towns"]}
    pw = np.array([tw[t] + 2 for t in posts.town], float)
    v = rng.choice(len(vehicles), n, p=activity / activity.sum())
    po = rng.choice(len(posts), n, p=pw / pw.sum())
    t = rng.integers(0, w.days, n) * 86400 + rng.integers(5 * 3600, 21 * 3600, n)
    df = pd.DataFrame({"plate": vehicles.plate.to_numpy()[v], "post_id": posts.post_id.to_numpy()[po], "t": t,
                       "direction": rng.choice(["in", "out"], n)})
    convoy = w.plan.convoy
    p1, p2 = convoy.plates
    route = w.transport_network.route
    on_route = posts.post_id[(posts.kind == "checkpoint") & posts.town.isin(route)].tolist()
    others = posts.post_id[(posts.kind == "checkpoint") & ~posts.town.isin(route)].tolist()
    chosen = (on_route + others)[:CONVOY_PASSAGES]
    while len(chosen) < CONVOY_PASSAGES:
        chosen.append(chosen[len(chosen) % max(1, len(on_route + others))])
    days = np.sort(rng.choice(np.arange(1, w.days - 1), size=CONVOY_PASSAGES, replace=False))
    rows = []
    for post, day in zip(chosen, days):
        t0 = int(day) * 86400 + int(rng.integers(5 * 3600, 10 * 3600))
        d = w.pick(["in", "out"])
        rows.append((p1, post, t0, d))
        rows.append((p2, post, t0 + int(rng.integers(*CONVOY_GAP_S)), d))
        convoy.posts.append(post)
    apart = _busiest_apart(w, df, set(convoy.plates) | {w.plan.courier_plate})
    df = pd.concat([df, pd.DataFrame(rows, columns=df.columns), apart], ignore_index=True)
    planted = np.r_[np.zeros(n, bool), np.ones(len(rows) + len(apart), bool)]
    df = df[guarantee.convoy_apart(pd.factorize(df.plate)[0], pd.factorize(df.post_id)[0], df.t.to_numpy(), planted)]
    if df.post_id.value_counts().idxmax() == df.groupby("post_id").plate.nunique().idxmax():
        raise guarantee.SignalError("busiest post: the most passages and the most vehicles at the same post")
    df = df.sort_values(["t", "plate"], kind="stable").reset_index(drop=True)
    df.insert(0, "passage_id", [f"V{i + 1:06d}" for i in range(len(df))])
    return df.rename(columns={"t": "time"})


def _busiest_apart(w: World, df: pd.DataFrame, avoid: set[str]) -> pd.DataFrame:
    """Planted passages (no random draw) after which the post with the most passages is not the post with the
    most different vehicles, whichever costs fewer passages:

    a shuttle: SHUTTLE_VEHICLES vehicles going back and forth through the busiest post among those fewer
    plates pass, until it leads every post by SHUTTLE_LEAD passages; or a crowd: vehicles that never
    passed there each pass once at the post most plates pass after the busiest one, until it leads it
    by SHUTTLE_LEAD plates. Vehicles of the networks (`avoid`) are left out."""
    rows_at = df.groupby("post_id").size().sort_index()
    plates_at = df.groupby("post_id").plate.nunique().sort_index()
    top_rows = rows_at.idxmax()
    fewer = plates_at.index[plates_at < plates_at.max()]
    post = rows_at[fewer].idxmax()
    shuttle_cost = int(rows_at.drop(post).max() - rows_at[post]) + SHUTTLE_LEAD + 1
    rival = plates_at.drop(top_rows).idxmax()
    crowd_cost = int(plates_at[top_rows] - plates_at[rival]) + SHUTTLE_LEAD + 1
    if shuttle_cost <= crowd_cost or rows_at[rival] + crowd_cost >= rows_at[top_rows] - SHUTTLE_LEAD:
        seen = df[(df.post_id == post) & ~df.plate.isin(avoid)].plate.value_counts()
        plates = sorted(seen.index, key=lambda p: (-seen[p], p))[:SHUTTLE_VEHICLES]
        plates = [plates[i % len(plates)] for i in range(shuttle_cost)]
    else:
        post = rival
        activity = df.plate.value_counts()
        there = set(df.plate[df.post_id == post]) | avoid
        plates = sorted((p for p in activity.index if p not in there), key=lambda p: (-activity[p], p))[:crowd_cost]
    k = np.arange(len(plates))
    slot = k // w.days  # the k-th passage of a day, an hour apart from 6 h
    return pd.DataFrame({"plate": plates, "post_id": post,
                         "t": (k % w.days) * 86400 + 6 * 3600 + (slot % 15) * 3600 + 1200 * (slot // 15),
                         "direction": np.where(slot % 2 == 0, "out", "in")})


def build_crossings(w: World, posts: pd.DataFrame, n_travellers: int = 90) -> pd.DataFrame:
    """Traders crossing borders now and then; the cell's members crossing often at one post."""
    rng, P = w.rng, w.persons
    border = posts[posts.kind == "border"]
    home = P.index[~P.foreign_side].tolist()
    travellers = [home[int(i)] for i in rng.choice(len(home), n_travellers, replace=False)]
    passport = {i: f"PA{w.iso}{int(rng.integers(10**6, 10**7))}" for i in range(len(P))}
    rows = []

    def trips(person: int, post: str, k: int) -> None:
        days = np.sort(rng.choice(np.arange(0, w.days - 4), size=k, replace=False))
        foreign = bool(P.foreign_side.iat[person])
        doc = P.id_number.iat[person] if rng.random() < 0.7 else passport[person]
        for d in days:
            t0 = int(d) * 86400 + int(rng.integers(6 * 3600, 18 * 3600))
            back = t0 + int(rng.integers(1, 4)) * 86400 + int(rng.integers(0, 6 * 3600))
            first, second = ("entry", "exit") if foreign else ("exit", "entry")
            rows.append((person, post, t0, first, doc))
            rows.append((person, post, back, second, doc))

    for person in travellers:
        trips(person, border.post_id.iat[int(rng.integers(len(border)))], int(rng.integers(1, 5)))
    n1 = w.cross_border_network
    post = border.post_id[border.leads_to == n1.foreign_iso]
    post = post.iat[0] if len(post) else border.post_id.iat[0]
    cell = [p for p, _ in n1.members if P.foreign_side.iat[p]] + n1.who("courier")[:1]
    for person in cell:
        trips(person, post, int(rng.integers(*CELL_TRIPS)))
    df = pd.DataFrame(rows, columns=["person", "post_id", "time", "direction", "document_number"])
    df = df.sort_values(["time", "person"], kind="stable").reset_index(drop=True)
    df.insert(0, "crossing_id", [f"X{i + 1:05d}" for i in range(len(df))])
    df.insert(1, "person_id", P.person_id.to_numpy()[df.person.to_numpy()])
    w.plan.crossings = CellCrossings(post, cell)
    return df.drop(columns="person")
