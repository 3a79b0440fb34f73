"""What the services hold: sources and their reports, requirements, test purchases, seizures,
and each service's own extract of records.

Reports are written in French the way services write them, naming people by nickname; their
4x4 grading follows the source's track record (rule in `_expected_grade`) except for a few
planted inconsistencies. Extracts follow each service's habits so collation is real work.
"""
from __future__ import annotations

import datetime as dt
import re
import zlib

import numpy as np
import pandas as pd

from ..i18n import _
from ..profiles import scaled_price
from . import confusers, exchange, guarantee
from .names import as_service_writes, strip_accents
from .numbering import PHONE_STYLES, format_msisdn
from .signals import (
    ACH_LEAD,
    ACH_NON_DIAGNOSTIC,
    ACH_PLANTED_MAX,
    BOUNDARY_SOURCES,
    INCONSISTENT_REPORTS,
    INCONSISTENT_TOO_LOW,
    PILL_REPORTS_UNPROMPTED,
    SOURCE_PLACE_TIME_REPORTS,
    SOURCE_WORDS_REPORTS,
)
from .world import PILL_CRIMES, World, year_start

SOURCE_YEARS = 12  # tested sources were recruited during the years before the period's; untested ones last year
RECORD_YEARS = 2  # extract records date from this many years before the period's year up to its end


def _expected_grade(total: int, confirmed: int, false: int) -> str:
    """Source grade a track record justifies: X untested (<5 reports), A >=90 % confirmed and never
    false, B >=60 % confirmed and <=10 % false, C otherwise."""
    if total < 5:
        return "X"
    if confirmed / total >= 0.9 and false == 0:
        return "A"
    if confirmed / total >= 0.6 and false <= 0.1 * total:
        return "B"
    return "C"


def build_services(w: World) -> pd.DataFrame:
    return pd.DataFrame([{k: s[k] for k in ("code", "name", "kind", "country", "date_format", "phone_format")}
                         for s in w.profile["services"]])


def build_sources(w: World, per_service: int = 5) -> pd.DataFrame:
    rng = w.rng
    rows = []
    for s in w.profile["services"]:
        k = per_service if s["country"] == w.iso else 2
        for _draw in range(k):
            cls = w.pick(["A", "A", "B", "B", "B", "C", "C", "X"])
            kind = "liaison" if s["country"] != w.iso else w.pick(["human"] * 6 + ["technical"] * 2 + ["open"])
            if cls == "X":
                total = int(rng.integers(0, 4))
                conf = int(rng.integers(0, total + 1))
                false = 0
            else:
                total = int(rng.integers(10, 60))
                if cls == "A":
                    conf, false = total - int(rng.integers(0, max(1, total // 15))), 0
                elif cls == "B":
                    conf = int(total * rng.uniform(0.62, 0.85))
                    false = int(rng.integers(0, max(1, int(0.1 * total))))
                else:
                    conf = int(total * rng.uniform(0.2, 0.5))
                    false = int(total * rng.uniform(0.15, 0.35))
            this = w.start.year
            year = this - 1 if cls == "X" else int(rng.integers(this - SOURCE_YEARS, this - 1))
            rows.append({"service": s["code"], "kind": kind,
                         "recruited": dt.date(year, int(rng.integers(1, 13)), int(rng.integers(1, 29))).isoformat(),
                         "reports_total": total, "reports_confirmed": conf, "reports_false": false})
    rows += _boundary_sources(w)
    df = pd.DataFrame(rows)
    df.insert(0, "source_id", [f"SRC-{i + 1:03d}" for i in range(len(df))])
    return df


def _boundary_sources(w: World) -> list[dict]:
    """Human sources of the national services whose track records sit on the edges of the grading rule
    (BOUNDARY_SOURCES), so that each misreading of a bound grades one of them differently; they are
    the last rows of sources.csv, and `build_requirements_reports` gives each a report."""
    home = [s["code"] for s in w.profile["services"] if s["country"] == w.iso]
    return [{"service": home[i % len(home)], "kind": "human",
             "recruited": dt.date(w.start.year - 2 - i % 3, 1 + i, 15).isoformat(),
             "reports_total": total, "reports_confirmed": conf, "reports_false": false}
            for i, (total, conf, false) in enumerate(BOUNDARY_SOURCES)]


# --------------------------------------------------------------------------- texts
NETWORK_TEXTS = [
    "La source rapporte qu'un individu surnommé « {alias} » organise l'acheminement de {commodity} de "
    "{town2} vers {town}. Il serait joignable au {phone}.",
    "Selon la source, « {alias} » a réceptionné un lot de {commodity} à {town} la semaine dernière ; le "
    "chargement aurait été transporté par le véhicule immatriculé {plate}.",
    "La source indique que {name}, domicilié à {town}, sert d'intermédiaire entre « {alias} » et des "
    "fournisseurs installés à {town2}.",
    "D'après la source, « {alias} » change régulièrement de puce téléphonique et éviterait d'appeler "
    "depuis son domicile de {town}.",
    "La source signale des envois d'argent mobile répétés, chacun un peu en dessous de {threshold} "
    "{currency}, au profit de proches de « {alias} ».",
    "Deux véhicules, dont le {plate}, circuleraient ensemble sur l'axe {town}-{town2} tôt le matin, "
    "selon un chauffeur de la gare routière.",
    "La source affirme que « {alias} » rencontre des contacts venus de {town2} au marché de {town} ; ils "
    "communiqueraient par le {phone}.",
]
PILL_TEXTS = [
    "Des vendeuses du {market} écoulent des comprimés « {product} » à {price} {currency} l'unité ; elles "
    "seraient approvisionnées par « {alias} ».",
    "Un client du {market} a fait un malaise après avoir consommé des comprimés « {product} » achetés "
    "{price} {currency} ; le grossiste serait « {alias} ».",
]
BACKGROUND_TEXTS = [
    "La source signale un différend commercial entre {name} et un transporteur de {town}, sans lien "
    "apparent avec un trafic.",
    "Rumeurs de vente de carburant de contrebande au {market} ; aucun nom n'est cité par la source.",
    "La source rapporte que {name} aurait acheté un véhicule d'occasion à {town}. Information non recoupée.",
    "Présence inhabituelle de camions sur le parking de {town} ; la source ne connaît pas les propriétaires.",
    "« {alias} », commerçant connu à {town}, aurait augmenté ses prix ; aucun lien avec une activité "
    "criminelle n'a été établi.",
    "Vol de bétail signalé près de {town} ; les auteurs seraient venus de {town2} selon des éleveurs.",
    "La source indique que {name} cherche à vendre une parcelle à {town} ; rien de suspect à ce stade.",
    "Selon la source, le numéro {phone} appartiendrait à un revendeur de cartes de recharge de {town}.",
]

# what only the source could know, appended to some human sources' reports in these fixed forms (documented in
# the data dictionary) so that a sanitiser can be written and tested exactly: the time is always two digits,
# " h ", two digits; the place never holds a comma; the words never hold a guillemet
PLACE_TIME_FORM = "La source était sur place à {hour:02d} h {minute:02d}, {spot}, à {town}."
WORDS_FORM = "Mots de la source : « {words} »."
SOURCE_SPOTS = [
    "derrière la gare routière",
    "devant la pharmacie du rond-point",
    "dans la cour d'une maison près du château d'eau",
    "sous le hangar d'un garage près de l'abattoir",
    "à la sortie nord du marché de bétail",
    "près de la deuxième mosquée en entrant par l'est",
]
SOURCE_WORDS = [
    "je les ai vus décharger les cartons moi-même",
    "c'est moi qui ai porté le colis jusqu'au camion",
    "il m'a dit de ne rien répéter à personne",
    "j'étais assis à côté quand ils ont compté l'argent",
    "il m'a montré le téléphone qu'il utilise pour ça",
    "ils passent toujours quand le poste change d'équipe",
]


def _service_phone(e164: str, fmt: str, rng: np.random.Generator) -> str:
    style = PHONE_STYLES[int(rng.integers(len(PHONE_STYLES)))] if fmt == "mixed" else fmt
    return format_msisdn(e164, style)


def assign_aliases(w: World) -> None:
    """Nicknames for every leader, broker, supplier and financier, and two innocents."""
    pool = list(w.profile["names"]["nicknames"])
    order = w.rng.permutation(len(pool))
    k = 0
    for net in w.networks:
        for p, role in net.members:
            if role in ("leader", "broker", "supplier", "financier") and k < len(pool):
                w.aliases.append((pool[order[k]], p))
                k += 1
    P = w.persons
    innocent = [i for i in P.index[~P.foreign_side] if i not in {m for n in w.networks for m, _ in n.members}]
    for _alias in range(2):
        if k < len(pool):
            w.aliases.append((pool[order[k]], int(w.pick(innocent))))
            k += 1


def build_requirements_reports(w: World, services: pd.DataFrame, sources: pd.DataFrame,
                               vehicles: pd.DataFrame, n_background: int = 110):
    """Requirements (some answered, some not) and graded reports (a few inconsistently)."""
    rng, p, P = w.rng, w.profile, w.persons
    alias_of = {}
    for a, person in w.aliases:
        alias_of.setdefault(person, a)
    home_services = [s["code"] for s in p["services"] if s["country"] == w.iso]
    country_of = {t["name"]: t["country"] for t in p["towns"]}
    home_towns = [t["name"] for t in p["towns"] if t["country"] == w.iso]
    crime_of = {c["kind"]: c for c in p["crimes"]}
    msisdn = w.phones.msisdn.to_numpy()
    markets = p["markets"]

    def phone_of(person: int) -> str:
        return msisdn[w.primary[person]]

    # requirements: one per network answered, plus unanswered ones
    reqs = []
    cross, swapper, transport = w.cross_border_network, w.swapper_network, w.transport_network
    fi = cross.foreign_iso
    ftown = next(t for t in cross.route if country_of[t] == fi)
    reqs.append((f"Identifier les relais du réseau à {ftown} ({fi}) et évaluer l'opportunité d'une équipe "
                 "commune d'enquête.",
                 [P.person_id.iat[cross.who("leader")[0]]], cross))
    swapped = msisdn[w.plan.swap.lines[0]]
    reqs.append((f"Qui utilise le numéro {swapped} et par quels numéros a-t-il été remplacé ?", [swapped], swapper))
    pl = w.plan.convoy.plates[0]
    reqs.append((f"Établir les itinéraires et les accompagnateurs du véhicule {pl}.", [pl], transport))
    pill_net = next((n for n in w.networks if n.crime in PILL_CRIMES), None)
    reqs.append((f"Identifier les fournisseurs des comprimés « anti-fatigue » vendus au {markets[0]['name']}.", [],
                 pill_net))
    reqs.append(("Identifier les bénéficiaires de transferts d'argent mobile fractionnés sous le seuil de déclaration.",
                 [], transport))
    reqs.append((f"Évaluer la présence d'armes légères sur l'axe {home_towns[0]}-{home_towns[-1]}.", [], None))
    reqs.append((f"Identifier les convoyeurs de migrants opérant à {home_towns[1]}.", [], None))
    reqs.append((f"Recenser les dépôts pharmaceutiques non autorisés de {home_towns[2]}.", [], None))
    answered = {0, 1, 2, 3, 4}
    req_rows = []
    for i, (q, subj, _answer) in enumerate(reqs):
        req_rows.append({"requirement_id": f"IR-{i + 1:03d}",
                         "issued": (w.start + dt.timedelta(days=int(rng.integers(0, 10)))).isoformat(),
                         "issued_by": home_services[i % len(home_services)], "priority": 1 + i % 3,
                         "question": q, "subject_ids": ";".join(subj)})
    requirements = pd.DataFrame(req_rows)

    # reports
    src = sources.copy()
    record = src[["reports_total", "reports_confirmed", "reports_false"]]
    src["grade"] = [_expected_grade(*r) for r in record.itertuples(index=False)]
    rows = []

    def report(service_pool, text, entities, req, day, background=False):
        cand = src[src.service.isin(service_pool)] if service_pool else src
        s = cand.iloc[int(rng.integers(len(cand)))]
        rows.append({"service": s.service, "date_day": day, "source_id": s.source_id, "grade": s.grade,
                     "info_grade": w.pick(["1", "2", "2", "2", "3", "3", "3", "4", "4"]),
                     "handling_code": "H3" if s.kind == "liaison" else w.pick(["H1", "H2", "H2", "H2", "H3"]),
                     "text": text, "entity_ids": ";".join(entities), "requirement_id": req,
                     "background": background})

    for net in w.networks:
        req_idx = next((i for i, r in enumerate(reqs) if r[2] is net and i in answered), None)
        crime = crime_of.get(net.crime, {"commodity": net.crime})
        towns = [t for t in net.route if country_of[t] == w.iso] or home_towns
        others = [t for t in net.route if t not in towns] or home_towns
        named = [m for m, r in net.members if m in alias_of]
        couriers = net.who("courier")
        fmt = {s["code"]: s["phone_format"] for s in p["services"]}
        for k in range(8):
            who = named[k % len(named)]
            courier = couriers[k % len(couriers)]
            tpl = NETWORK_TEXTS[k % len(NETWORK_TEXTS)]
            service = home_services[k % len(home_services)]
            if k % 4 == 3 and any(s["country"] != w.iso for s in p["services"]) and net is cross:
                service = next(s["code"] for s in p["services"] if s["country"] != w.iso)
            ph = phone_of(who if k % 2 else courier)
            plate = w.plan.convoy.plates[k % 2] if net is transport else w.plan.courier_plate
            text = tpl.format(alias=alias_of[who], commodity=crime["commodity"], town=towns[k % len(towns)],
                              town2=others[k % len(others)], phone=_service_phone(ph, fmt[service], rng),
                              plate=plate, name=P.full_name.iat[courier],
                              threshold=f"{p['mobile_money']['threshold']:,}".replace(",", " "),
                              currency=p["currency_label"])
            ents = []
            if "{phone}" in tpl:
                ents.append(ph)
            if "{plate}" in tpl:
                ents.append(plate)
            if "{name}" in tpl:
                ents.append(P.person_id.iat[courier])
            req = f"IR-{req_idx + 1:03d}" if req_idx is not None and k < 3 else ""
            report([service], text, ents, req, int(rng.integers(3, w.days)))
        if net.crime in PILL_CRIMES:
            for k, tpl in enumerate(PILL_TEXTS):
                m = markets[k % len(markets)]
                # the last ones answer nothing: the source spoke unprompted (signals.PILL_REPORTS_UNPROMPTED)
                answers = pill_net is net and k < len(PILL_TEXTS) - PILL_REPORTS_UNPROMPTED
                req = "IR-004" if answers else ""
                report(home_services, tpl.format(market=m["name"], product=p["pills"]["product_names"][0],
                                                 price=p["pills"]["price"], currency=p["currency_label"],
                                                 alias=alias_of[named[0]]), [], req, int(rng.integers(3, w.days)))
    fin = transport.who("financier")[0]
    report(home_services, NETWORK_TEXTS[4].format(threshold=f"{p['mobile_money']['threshold']:,}".replace(",", " "),
                                                  currency=p["currency_label"], alias=alias_of[fin]),
           [], "IR-005", int(rng.integers(10, w.days)))
    innocent_alias = [(a, pp) for a, pp in w.aliases if not any(pp == m for n in w.networks for m, _ in n.members)]
    home = P.index[~P.foreign_side].tolist()
    for k in range(n_background):
        tpl = BACKGROUND_TEXTS[k % len(BACKGROUND_TEXTS)]
        person = int(w.pick(home))
        town = w.pick(home_towns)
        alias = innocent_alias[(k // len(BACKGROUND_TEXTS)) % len(innocent_alias)][0] if innocent_alias else "le Vieux"
        ph = phone_of(person)
        text = tpl.format(name=P.full_name.iat[person], town=town, town2=w.pick(home_towns),
                          market=w.pick(markets)["name"], alias=alias, phone=format_msisdn(ph, "national_spaced"))
        ents = ([P.person_id.iat[person]] if "{name}" in tpl else []) + ([ph] if "{phone}" in tpl else [])
        report([], text, ents, "", int(rng.integers(0, w.days)), background=True)
    rep = _for_discrimination(pd.DataFrame(rows), src, services)
    rep = _month_edges(w, rep, src, services)
    order = np.lexsort((np.arange(len(rep)), rep.date_day.to_numpy()))
    rep = rep.iloc[order].reset_index(drop=True)
    rep.insert(0, "report_id", [f"R{i + 1:04d}" for i in range(len(rep))])
    rep["date"] = [(w.start + dt.timedelta(days=int(d))).isoformat() for d in rep.date_day]
    # planted inconsistencies: a generous grade for a source whose record does not justify it,
    # preferably a poor (C) or untested (X) source; a B source graded A when there are too few
    # and, so that "graded too high" is not the only mistake, a few graded lower than deserved
    boundary = rep.source_id.isin(src.source_id.iloc[len(src) - len(BOUNDARY_SOURCES):]).to_numpy()
    bad = [i for i in rep.index[guarantee.misgradable(rep.grade.to_numpy())].tolist() if not boundary[i]]
    k = min(INCONSISTENT_REPORTS, len(bad))
    picked = sorted(int(i) for i in rng.choice(bad, size=k, replace=False)) if k else []
    rep["source_grade"] = rep.grade
    rep.loc[picked, "source_grade"] = ["A" if rep.grade.iat[i] in ("B", "C") else w.pick(["A", "B"]) for i in picked]
    good = [i for i in rep.index[rep.grade.isin(["A", "B"])].tolist() if not boundary[i] and i not in picked]
    low = sorted(int(i) for i in rng.choice(good, size=min(INCONSISTENT_TOO_LOW, len(good)), replace=False))
    rep.loc[low, "source_grade"] = rep.grade.iloc[low].map({"A": "B", "B": "C"}).to_numpy()
    w.plan.inconsistent_reports = rep.report_id.iloc[sorted(picked + low)].tolist()
    w.plan.answered = {f"IR-{i + 1:03d}": rep.report_id[rep.requirement_id == f"IR-{i + 1:03d}"].tolist()
                       for i in range(len(reqs))}
    rep = _source_details(rep, src, home_towns)
    rep = _plant_ach(w, rep, src)
    cols = ["report_id", "service", "date", "source_id", "source_grade", "info_grade", "handling_code", "text",
            "entity_ids", "requirement_id"]
    return requirements, rep[cols]


# reports on the pills planted for exercise 10 (`_plant_ach`): one or two towns, or none
ACH_ONE_TOWN = ("La source rapporte que des cartons de comprimés « {product} » arrivent à {a} ; elle ne connaît pas "
                "le fournisseur.",
                "Un transporteur aurait livré des comprimés « {product} » à {a} ; la source n'a pas vu le chargement.")
ACH_TWO_TOWNS = ("Selon la source, des comprimés « {product} » passent par {a} avant d'être revendus à {b}.",
                 "La source a entendu parler d'un lot de comprimés « {product} » acheminé entre {a} et {b}.")
ACH_NO_TOWN = ("La source signale que les comprimés « {product} » se vendent de plus en plus, sans pouvoir dire d'où "
               "ils viennent.")


def towns_named(profile: dict):
    """The rule of exercise 10 for the towns a text names: a profile town as a whole word (longest names
    first), or the town of a market it names. Returns a function of the text."""
    names = sorted({t["name"] for t in profile["towns"]}, key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(t) for t in names) + r")(?!\w)")
    markets = {m["name"]: m["town"] for m in profile["markets"]}
    return lambda text: frozenset(pattern.findall(text)) | {t for m, t in markets.items() if m in text}


def about_pills(profile: dict, texts: pd.Series) -> pd.Series:
    """Exercise 10's evidence: texts naming a sales name of the pills or the commodity of a pill trade."""
    words = list(profile["pills"]["product_names"]) + [c["commodity"] for c in profile["crimes"]
                                                       if c["kind"] in PILL_CRIMES]
    return texts.str.contains("|".join(re.escape(x) for x in words), case=False, regex=True)


def _ach_counts(named: list[frozenset], routes: list[frozenset]) -> tuple[np.ndarray, np.ndarray]:
    """Per route, the items consistent with it (C: every town named is on it) and inconsistent (I: none is)."""
    c = np.array([sum(bool(t) and t <= r for t in named) for r in routes])
    i = np.array([sum(bool(t) and not t & r for t in named) for r in routes])
    return c, i


def _ach_deficit(c: np.ndarray, i: np.ndarray, decoy: int, leader: int) -> int:
    """How far the counts are from the decoy leading on C and the leader on fewest I, each by ACH_LEAD."""
    others_c, others_i = np.delete(c, decoy), np.delete(i, leader)
    short_c = np.maximum(0, others_c + ACH_LEAD - c[decoy]).sum()
    return int(short_c + np.maximum(0, i[leader] + ACH_LEAD - others_i).sum())


def _ach_plan(named: list[frozenset], routes: list[frozenset], names: list[str]) -> list[frozenset] | None:
    """The fewest different town sets (one or two towns of the routes, greedily, at most ACH_PLANTED_MAX)
    whose reports make a decoy route lead on confirmations and another route on fewest inconsistencies,
    the route Heuer's rule ranks first on the reports as written if it can (a route whose towns all lie on
    another route can never have fewer inconsistencies than it); None when no pair of routes gets there."""
    c0, i0 = _ach_counts(named, routes)
    towns = sorted(set().union(*routes))
    cands = [frozenset([a]) for a in towns] + [frozenset([a, b]) for k, a in enumerate(towns) for b in towns[k + 1:]]
    dc = np.array([[t <= r for r in routes] for t in cands], dtype=int)
    di = np.array([[not t & r for r in routes] for t in cands], dtype=int)
    best = None
    for leader in sorted(range(len(routes)), key=lambda r: (i0[r], names[r])):
        for decoy in sorted((r for r in range(len(routes)) if r != leader), key=lambda r: names[r]):
            c, i, picked = c0.copy(), i0.copy(), []
            while _ach_deficit(c, i, decoy, leader) and len(picked) < ACH_PLANTED_MAX:
                after = [_ach_deficit(c + dc[k], i + di[k], decoy, leader) if cands[k] not in picked else 1 << 30
                         for k in range(len(cands))]
                k = int(np.argmin(after))
                if after[k] >= _ach_deficit(c, i, decoy, leader):
                    break
                c, i = c + dc[k], i + di[k]
                picked.append(cands[k])
            if not _ach_deficit(c, i, decoy, leader) and (best is None or len(picked) < len(best)):
                best = picked
        if best is not None:
            return best
    return None


def _service_month(service: pd.Series, date_day: pd.Series, start: dt.date) -> tuple[str, str, bool]:
    """Exercise 00's SERVICE (most reports) and MONTH (its busiest), and whether both lead alone."""
    counts = service.value_counts()
    top = counts.idxmax()
    months = (pd.Timestamp(start) + pd.to_timedelta(date_day[service == top], unit="D")).dt.strftime("%Y-%m")
    per = months.value_counts()
    alone = (counts == counts.max()).sum() == 1 and (per == per.max()).sum() == 1
    return top, per.idxmax(), bool(alone)


def _ach_writers(w: World, rep: pd.DataFrame, src: pd.DataFrame, day: int, n: int) -> list[pd.Series]:
    """The sources that write the n planted reports on `day`: of the home services, in turn, each time the one
    with the fewest reports but the busiest; else all the busiest's. Each service's sources are taken in turn,
    best graded first, never a boundary source; the first way that keeps exercise 00's SERVICE and MONTH."""
    home = [x["code"] for x in w.profile["services"] if x["country"] == w.iso]
    boundary = set(src.source_id.iloc[len(src) - len(BOUNDARY_SOURCES):])
    pool = src[src.service.isin(home) & ~src.source_id.isin(boundary)].sort_values(["grade", "source_id"])
    before = _service_month(rep.service, rep.date_day, w.start)
    counts = rep.service.value_counts().to_dict()
    turns = []
    for _turn in range(n):
        turns.append(min((x for x in pool.service.unique() if x != before[0]), key=lambda x: (counts.get(x, 0), x)))
        counts[turns[-1]] = counts.get(turns[-1], 0) + 1
    for services in (turns, [before[0]] * n):
        after = _service_month(pd.concat([rep.service, pd.Series(services)], ignore_index=True),
                               pd.concat([rep.date_day, pd.Series([day] * n)], ignore_index=True), w.start)
        if after == before and after[2]:
            return [pool[pool.service == x].iloc[services[:k].count(x) % int((pool.service == x).sum())]
                    for k, x in enumerate(services)]
    raise ValueError(_("profile {slug}: the reports of exercise 10 cannot be added without changing the service that "
                       "writes the most reports or its busiest month (exercise 00)").format(slug=w.profile["slug"]))


def _plant_ach(w: World, rep: pd.DataFrame, src: pd.DataFrame) -> pd.DataFrame:
    """Reports on the pills added after all others (on the last day with reports, so that no other report
    changes), so that exercise 10's two rankings of the routes disagree: a decoy route gets the most
    confirmations (C) while the route with the fewest inconsistencies (I) on the reports as written keeps
    them (`_ach_plan`); and ACH_NON_DIAGNOSTIC more name no town, neutral for every route. No random draw.
    Their sources (`_ach_writers`) are graded as their record allows."""
    p = w.profile
    named = towns_named(p)
    evidence = [named(t) for t in rep.text[about_pills(p, rep.text)]]
    routes = [frozenset(r["towns"]) for r in p["routes"]]
    plan = _ach_plan(evidence, routes, [r["name"] for r in p["routes"]])
    if plan is None:
        raise ValueError(_("profile {slug}: the routes (key routes) do not allow planting a decoy route for exercise "
                           "10 in at most {count} reports; add a route that does not share all its towns with the "
                           "others").format(slug=p["slug"], count=ACH_PLANTED_MAX))
    product = p["pills"]["product_names"][0]
    texts = [ACH_ONE_TOWN[k % 2].format(product=product, a=min(t)) if len(t) == 1 else
             ACH_TWO_TOWNS[k % 2].format(product=product, a=min(t), b=max(t)) for k, t in enumerate(plan)]
    texts += [ACH_NO_TOWN.format(product=product)] * ACH_NON_DIAGNOSTIC
    assert [named(t) for t in texts] == plan + [frozenset()] * ACH_NON_DIAGNOSTIC, "a planted text names other towns"
    day = int(rep.date_day.max())
    writers = _ach_writers(w, rep, src, day, len(texts))
    rows = [{"service": s.service, "date_day": day, "date": (w.start + dt.timedelta(days=day)).isoformat(),
             "source_id": s.source_id, "grade": s.grade, "source_grade": s.grade, "info_grade": "23"[k % 2],
             "handling_code": "H3" if s.kind == "liaison" else "H2", "text": text, "entity_ids": "",
             "requirement_id": "", "background": False} for k, (text, s) in enumerate(zip(texts, writers))]
    add = pd.DataFrame(rows)
    add.insert(0, "report_id", [f"R{len(rep) + k + 1:04d}" for k in range(len(add))])
    return pd.concat([rep, add], ignore_index=True)


def _source_details(rep: pd.DataFrame, src: pd.DataFrame, home_towns: list[str]) -> pd.DataFrame:
    """Reports of human sources that say what only the source could know (exercise 11's sanitiser).

    Reports not graded H3 and reports graded H3 are each taken in a fixed order, the network's
    reports before the background's, then by the CRC-32 of their report_id: the first ones get the
    exact time and place (SOURCE_PLACE_TIME_REPORTS), every second one of the first ones the source's
    words (SOURCE_WORDS_REPORTS), so some carry both and some one. Time, place and words follow from
    the same CRC and the town is the first home town the text names: no
    random draw, so every other table keeps its bytes."""
    rep = rep.copy()
    human = rep.source_id.map(src.set_index("source_id").kind).eq("human").to_numpy()
    towns = re.compile("|".join(rf"\b{re.escape(t)}\b" for t in sorted(home_towns, key=len, reverse=True)))
    for h3, place_time, words in ((False, SOURCE_PLACE_TIME_REPORTS[0], SOURCE_WORDS_REPORTS[0]),
                                  (True, SOURCE_PLACE_TIME_REPORTS[1], SOURCE_WORDS_REPORTS[1])):
        pool = rep.index[human & (rep.handling_code.eq("H3").to_numpy() == h3)]
        order = sorted(pool, key=lambda i: (bool(rep.background[i]), zlib.crc32(rep.report_id[i].encode()),
                                            rep.report_id[i]))
        for k, i in enumerate(order[:max(place_time, 2 * words)]):
            crc = zlib.crc32(rep.report_id[i].encode())
            text = rep.text[i]
            if k < place_time:
                named = towns.search(text)
                town = named.group(0) if named else home_towns[crc % len(home_towns)]
                text += " " + PLACE_TIME_FORM.format(hour=crc % 24, minute=crc // 24 % 60,
                                                     spot=SOURCE_SPOTS[crc // 1440 % len(SOURCE_SPOTS)], town=town)
            if k % 2 == 0 and k < 2 * words:
                text += " " + WORDS_FORM.format(words=SOURCE_WORDS[crc // 7 % len(SOURCE_WORDS)])
            rep.loc[i, "text"] = text
    return rep


def _take_background(rep: pd.DataFrame, taken: set[int], source: pd.Series) -> int:
    """The first background report not yet moved, now written by `source` (its service, its grade)."""
    i = next(int(j) for j in rep.index[rep.background] if int(j) not in taken)
    taken.add(i)
    rep.loc[i, ["service", "source_id", "grade"]] = [source.service, source.source_id, source.grade]
    return i


def _for_discrimination(rep: pd.DataFrame, src: pd.DataFrame, services: pd.DataFrame) -> pd.DataFrame:
    """Reports moved so that exercise 02's wrong readings give other answers (no random draw):
    each boundary source (the last rows of `src`) writes a report, graded as its record allows; the
    foreign partner (the first foreign_police service) writes an H1 and an H2 report, so that
    forgetting to leave out the partner's own reports, or to keep H2 reports of foreign services from
    the national partner, changes the lists. Background reports are the ones moved."""
    rep = rep.copy()
    taken: set[int] = set()
    for _row, s in src.iloc[len(src) - len(BOUNDARY_SOURCES):].iterrows():
        if not (rep.source_id == s.source_id).any():
            _take_background(rep, taken, s)
    partner = services.code[services.kind == "foreign_police"]
    liaison = src[src.service.isin(partner.iloc[:1])]
    if not len(liaison):
        return rep
    for code in ("H1", "H2"):
        mine = rep.service == liaison.service.iat[0]
        if (mine & (rep.handling_code == code)).any():
            continue
        free = [int(i) for i in rep.index[mine & (rep.handling_code == "H3")] if int(i) not in taken]
        i = free[0] if free else _take_background(rep, taken, liaison.iloc[0])
        taken.add(i)
        rep.loc[i, "handling_code"] = code
    return rep


def _month_edges(w: World, rep: pd.DataFrame, src: pd.DataFrame, services: pd.DataFrame) -> pd.DataFrame:
    """Reports moved (no random draw) so that the service with the most reports has a busiest month that
    lies whole inside the period, and writes one report on its first and one on its last day: exercise 00
    part 3's SERVICE and MONTH, so a month window off by one day at either end loses a report. The month
    is the full month where the service already writes most; background reports of other services move
    into it until it is strictly the busiest (so the service and the month only gain). Reports of the
    foreign partner and of the boundary sources stay where `_for_discrimination` wants them. A period too
    short to hold a whole month keeps the busiest month, cut by the period."""
    rep = rep.copy()
    start = pd.Timestamp(w.start)
    end = start + pd.Timedelta(days=w.days - 1)
    service = rep.service.value_counts().idxmax()
    keep = set(src.source_id.iloc[len(src) - len(BOUNDARY_SOURCES):]) | set(
        src.source_id[src.service.isin(services.code[services.kind == "foreign_police"])])
    movable = [int(i) for i in rep.index[rep.background & (rep.service != service) & ~rep.source_id.isin(keep)]]
    writer = src[(src.service == service) & ~src.source_id.isin(keep)].iloc[0]

    def move(day: int) -> None:
        i = movable.pop(0)
        rep.loc[i, ["service", "source_id", "grade", "date_day"]] = [writer.service, writer.source_id,
                                                                     writer.grade, day]

    def per_month() -> pd.Series:
        dates = start + pd.to_timedelta(rep.date_day[rep.service == service], unit="D")
        return dates.dt.strftime("%Y-%m").value_counts()

    counts = per_month()
    full = [m for m in pd.period_range(start, end, freq="M")
            if m.start_time >= start and m.end_time.normalize() <= end]
    if full:
        month = max(full, key=lambda m: (counts.get(m.strftime("%Y-%m"), 0), -full.index(m)))
        first, last = month.start_time, month.end_time.normalize()
    else:
        month = pd.Period(counts.idxmax(), freq="M")
        first, last = max(month.start_time, start), min(month.end_time.normalize(), end)
    for day in sorted({(first - start).days, (last - start).days}):
        if not ((rep.service == service) & (rep.date_day == day)).any():
            move(day)
    label, middle = month.strftime("%Y-%m"), (first - start).days + (last - first).days // 2
    while True:
        counts = per_month()
        others = counts.drop(label, errors="ignore")
        if not len(others) or others.max() < counts.get(label, 0):
            return rep
        move(middle)


# --------------------------------------------------------------------------- purchases and seizures
def build_purchases(w: World, n: int = 90) -> pd.DataFrame:
    """Market test purchases; 'anti-fatigue' pills at the pill price are mostly amphetamine or tramadol."""
    rng, p = w.rng, w.profile
    rows = []
    products = [("paracétamol 500 mg", (25, 100), ["compliant"] * 4 + ["inert"]),
                ("amoxicilline 500 mg", (100, 300), ["compliant"] * 3 + ["inert"] * 2),
                ("quinine 300 mg", (100, 250), ["compliant"] * 3 + ["inert", "paracetamol"])]
    for i in range(n):
        m = w.pick(p["markets"])
        day = int(rng.integers(0, w.days))
        if i % 3 == 0:
            name = w.pick(p["pills"]["product_names"])
            price = p["pills"]["price"]
            result = w.pick(["amphetamine"] * 5 + ["tramadol"] * 4 + ["paracetamol", "inert"])
        else:
            name, (lo, hi), results = w.pick(products)
            price = int(rng.integers(lo, hi)) // 5 * 5
            price = scaled_price(price, p)
            result = w.pick(results)
        rows.append({"day": day, "town": m["town"], "market": m["name"], "product_as_sold": name, "price": price,
                     "currency": p["currency"], "lab_result": result})
    df = pd.DataFrame(rows).sort_values("day", kind="stable").reset_index(drop=True)
    df.insert(0, "purchase_id", [f"A{i + 1:04d}" for i in range(len(df))])
    df.insert(1, "date", [(w.start + dt.timedelta(days=int(d))).isoformat() for d in df.day])
    df["lab_ref"] = [f"LNS-{w.start.year}-{i + 1:04d}" for i in range(len(df))]
    sold_as_pills = (df.product_as_sold.isin(p["pills"]["product_names"])
                     & (df.price == p["pills"]["price"])).to_numpy()
    df["lab_result"] = guarantee.enough_drug_pills(sold_as_pills, df.lab_result.to_numpy())
    pills = sold_as_pills & df.lab_result.isin(guarantee.DRUGS)
    w.plan.pill_purchases = df.purchase_id[pills].tolist()
    return df.drop(columns="day")


def _quantity(unit: str, rng: np.random.Generator, big: bool) -> float:
    """A plausible seized quantity for the unit (a network's seizure is larger than a street one)."""
    scale = {"comprimés": (500, 60000), "cartons": (2, 150), "personnes": (3, 45), "pièces": (1, 25)}
    lo, hi = scale.get(unit, (200_000, 25_000_000))  # anything else is cash in the local currency
    q = float(np.exp(rng.uniform(np.log(lo), np.log(hi))))
    q = q * 3 if big else q
    return float(round(q, -2)) if q >= 1000 else float(round(q))


def build_seizures(w: World, vehicles: pd.DataFrame, n_background: int = 22) -> pd.DataFrame:
    rng, p, P = w.rng, w.profile, w.persons
    home_towns = [t["name"] for t in p["towns"] if t["country"] == w.iso]
    crimes = {c["kind"]: c for c in p["crimes"]}
    codes = [s["code"] for s in p["services"] if s["country"] == w.iso]
    home = P.index[~P.foreign_side].tolist()
    rows = []
    for net in w.networks:
        c = crimes.get(net.crime, p["crimes"][0])
        courier = net.who("courier")[0]
        plate = w.plan.convoy.plates[0] if net is w.transport_network else (
            w.plan.courier_plate if net is w.cross_border_network else "")
        town = next((t for t in net.route if t in home_towns), home_towns[0])
        rows.append({"day": int(rng.integers(5, w.days)), "town": town, "service": w.pick(codes),
                     "commodity": c["commodity"],
                     "quantity": _quantity(c["unit"], rng, True),
                     "unit": c["unit"], "person_ids": P.person_id.iat[courier], "plates": plate})
    for _event in range(n_background):
        c = w.pick(p["crimes"])
        people = ";".join(sorted(P.person_id.iat[int(w.pick(home))] for _ in range(int(rng.integers(0, 3)))))
        rows.append({"day": int(rng.integers(0, w.days)), "town": w.pick(home_towns), "service": w.pick(codes),
                     "commodity": c["commodity"],
                     "quantity": _quantity(c["unit"], rng, False),
                     "unit": c["unit"], "person_ids": people,
                     "plates": vehicles.plate.iat[int(rng.integers(len(vehicles)))] if rng.random() < 0.3 else ""})
    df = _network_seizure_last(pd.DataFrame(rows), len(w.networks))
    df = df.sort_values("day", kind="stable").reset_index(drop=True)
    df.insert(0, "seizure_id", [f"S{i + 1:04d}" for i in range(len(df))])
    df.insert(1, "date", [(w.start + dt.timedelta(days=int(d))).isoformat() for d in df.day])
    return df.drop(columns="day")[["seizure_id", "date", "town", "service", "commodity", "quantity", "unit",
                                    "person_ids", "plates"]]


def _network_seizure_last(df: pd.DataFrame, planted: int) -> pd.DataFrame:
    """Exercise 07 studies the latest seizure that names both a person and a vehicle: make it a network's
    (its courier and his vehicle), whose 48 hours before hold the network's calls. Background seizures
    from that day on keep their persons but lose their vehicle; the first `planted` rows are the networks'."""
    named = (df.person_ids != "") & (df.plates != "")
    last = df.day[:planted][named[:planted]].max()
    late = named & (df.index >= planted) & (df.day >= last)
    return df.assign(plates=df.plates.where(~late, ""))


# --------------------------------------------------------------------------- extracts
OFFENCES = {
    "narcotics": ["détention de stupéfiants", "vente de comprimés", "trafic de tramadol", "usage de stupéfiants"],
    "customs": ["contrebande", "fausse déclaration", "importation de médicaments sans autorisation"],
    "gendarmerie": ["contrôle routier", "vol de bétail", "port d'arme illégal", "accident de circulation"],
    "counter_terrorism": ["association de malfaiteurs", "financement présumé du terrorisme", "signalement",
                          "contrôle d'identité"],
    "police": ["vol", "escroquerie", "coups et blessures", "contrôle d'identité"],
    "financial_intelligence": ["déclaration de soupçon", "transferts fractionnés"],
    "foreign_police": ["contrôle d'identité", "trafic de migrants", "détention de stupéfiants", "séjour irrégulier"],
}


def build_extracts(w: World) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Each service's records about people, in its own habits, duplicates included, and different
    people sharing a birth date, a phone or a name where exercise 03 collates (`confusers`), and a few names
    the foreign partner misspells (`exchange`, exercise 12)."""
    rng, p, P = w.rng, w.profile, w.persons
    variants = p["names"]["variants"]
    members_home = [m for n in w.networks for m, _ in n.members if not P.foreign_side.iat[m]]
    cell = [m for n in w.networks for m, _ in n.members if P.foreign_side.iat[m]]
    home = P.index[~P.foreign_side].tolist()
    foreign = P.index[P.foreign_side].tolist()
    msisdn = w.phones.msisdn.to_numpy()
    swap = w.plan.swap
    extracts, truth, written = {}, [], {}
    people_of: dict[str, list[int]] = {}
    numbers_of: dict[str, list[str]] = {}
    first_record = year_start(w).replace(year=w.start.year - RECORD_YEARS)
    col = {c: P[c].tolist() for c in ("given_name", "family_name", "birth_date", "home_town", "full_name", "person_id")}
    cell_lines, home_line = _core_lines(w)
    partner = _cell_partner(w)
    home_member = int(w.phones.user.iat[home_line])
    for s in p["services"]:
        if s["country"] == w.iso:
            subjects = [m for m in members_home if rng.random() < 0.5]
            pool = home
        else:
            subjects = list(cell) + [m for m in members_home if rng.random() < 0.2]
            if s["code"] == partner and home_member not in subjects:
                subjects.append(home_member)
            pool = foreign + home
        n_base = max(len(subjects), int(round(s["records"] * (1 - s["duplicate_rate"]))))
        rest = [i for i in rng.choice(pool, size=n_base - len(subjects), replace=True).tolist()]
        people = subjects + rest
        n_dup = int(round(n_base * s["duplicate_rate"]))
        people = people + [people[int(i)] for i in rng.choice(len(people), n_dup, replace=False)]
        people = [people[int(i)] for i in rng.permutation(len(people))]
        rows, numbers = [], []
        for person in people:
            given, family = col['given_name'][person], col['family_name'][person]
            name = as_service_writes(given, family, s["spelling"], s["name_order"], variants, rng)
            line = w.primary[person]
            if person == swap.person:
                line = swap.lines[int(rng.integers(len(swap.lines)))]
            number = msisdn[line] if rng.random() < 0.9 else ""
            phone = _service_phone(number, s["phone_format"], rng) if number else ""
            numbers.append(number)
            born = dt.date.fromisoformat(col['birth_date'][person])
            bd = born.strftime(s["date_format"]) if rng.random() < 0.93 else ""
            town = col['home_town'][person] if rng.random() < 0.9 else ""
            if s["spelling"] == "ascii_upper":
                town = strip_accents(town).upper()
            rec = first_record + dt.timedelta(days=int(rng.integers(0, 760 + w.days)))
            rows.append({"name": name, "birth_date": bd, "phone": phone, "town": town,
                         "recorded": rec.strftime(s["date_format"]), "offence": w.pick(OFFENCES[s["kind"]])})
        df = pd.DataFrame(rows)
        df.insert(0, "record_id", [f"{s['code']}-{i + 1:05d}" for i in range(len(df))])
        extracts[s["code"]] = df
        people_of[s["code"]], numbers_of[s["code"]] = people, numbers
    _partner_holds_core(w, extracts[partner], people_of[partner], numbers_of[partner], cell_lines, home_line)
    formats = {s["code"]: (s["date_format"], s["phone_format"]) for s in p["services"]}
    confusers.plant(w, extracts, people_of, numbers_of, formats, lambda e164, fmt: _service_phone(e164, fmt, rng))
    exchange.plant_typos(w, extracts, people_of)
    full = P.full_name.tolist()  # after `confusers`, which gives a few people a homonym's name
    for code, df in extracts.items():
        truth += [(code, r, col['person_id'][person]) for r, person in zip(df.record_id, people_of[code])]
        for name, person in zip(df.name, people_of[code]):
            if name != full[person] and name not in written.setdefault(person, []):
                written[person].append(name)
    # some variants are already known and noted in the person file
    for person in sorted(written):
        if rng.random() < 0.15:
            P.at[person, "aliases"] = ";".join(written[person][:2])
    return extracts, pd.DataFrame(truth, columns=["service", "record_id", "person_id"])


def _core_lines(w: World) -> tuple[list[int], int]:
    """The broker's contacts in the cross-border network: the cell members' lines, and one home line
    (a home member's, else the broker's own)."""
    net = w.cross_border_network
    broker = w.primary[net.who("broker")[0]]
    e = w.edges
    near = sorted(set(e.b[e.a == broker].tolist()) | set(e.a[e.b == broker].tolist()))
    users = w.phones.user.to_numpy()
    members = {m for m, _ in net.members}
    foreign = w.persons.foreign_side.to_numpy()
    cell = [int(x) for x in near if users[x] in members and foreign[users[x]]]
    home = [int(x) for x in near if users[x] in members and not foreign[users[x]]]
    return cell, (home or [broker])[0]


def _cell_partner(w: World) -> str:
    """The foreign service the joint team reaches the cell through: the police of the cell's country."""
    foreign = [s for s in w.profile["services"] if s["country"] != w.iso]
    return next((s["code"] for s in foreign if s["country"] == w.cross_border_network.foreign_iso), foreign[0]["code"])


def _partner_holds_core(w: World, df: pd.DataFrame, people: list[int], numbers: list[str], cell_lines: list[int],
                        home_line: int) -> None:
    """Every record of the core's cell members (and of one home member) carries their line. The home
    member's and the first cell member's are all written without the calling code, the other cell
    members' first record too: module 13 must read each number with both the service's country and
    the case's, as either reading alone misses a line."""
    msisdn, users = w.phones.msisdn.to_numpy(), w.phones.user.to_numpy()
    for j, line in enumerate([home_line] + cell_lines):
        rows = [i for i, p in enumerate(people) if p == users[line]]
        for k, i in enumerate(rows):
            style = "national" if k == 0 or j <= 1 else "e164_spaced"
            numbers[i] = msisdn[line]
            df.at[i, "phone"] = format_msisdn(msisdn[line], style)
