"""The ground truth of a case: who belongs to which network, who uses which line, and every
planted signal with the numbers that make it findable.

Kept for trainers and tests in datasets/<country>/truth/, never shipped to participants.
"""
from __future__ import annotations

import pandas as pd

from . import world
from .signals import (
    BROKER_BETWEENNESS_TOP,
    BROKER_DEGREE_NOT_TOP,
    COLOCATION_WINDOW_S,
    CONVOY_GAP_S,
    INCONSISTENT_REPORTS,
    INCONSISTENT_TOO_LOW,
    STRUCTURING_BAND,
    count_words,
    handset_change_when,
    minutes,
    percent,
)


def straw_holders(w: world.World) -> None:
    """Two more lines registered to someone else than their user."""
    P = w.persons
    women = P.index[(P.sex == "F") & ~P.foreign_side].tolist()
    for person in (w.cross_border_network.who("leader")[0], w.transport_network.who("financier")[0]):
        w.phones.at[w.primary[person], "holder"] = int(w.pick(women))


def phones_table(w: world.World) -> pd.DataFrame:
    ph = w.phones
    return pd.DataFrame({
        "msisdn": ph.msisdn, "imsi": ph.imsi, "imei": ph.imei, "operator": ph.operator,
        "holder_id": w.persons.person_id.to_numpy()[ph.holder.to_numpy()],
        "activated": ph.activated, "deactivated": ph.deactivated,
    }).sort_values("msisdn", kind="stable").reset_index(drop=True)


def truth_tables(w: world.World) -> dict[str, pd.DataFrame]:
    P, p = w.persons, w.profile
    pid = P.person_id.to_numpy()
    msisdn = w.phones.msisdn.to_numpy()
    nets, members, links = [], [], []
    for net in w.networks:
        countries = sorted({w.iso} | ({net.foreign_iso} if net.foreign_iso else set()))
        desc = (f"{world.CRIME_FR.get(net.crime, net.crime).capitalize()} sur l'axe {' - '.join(net.route)}; "
                f"{len(net.members)} membres.")
        nets.append({"network_id": net.network_id, "name": net.name, "crime": net.crime,
                     "countries": ";".join(countries), "description": desc})
        for person, role in net.members:
            members.append({"person_id": pid[person], "network_id": net.network_id, "role": role})
            if P.foreign_side.iat[person]:
                links.append({"network_id": net.network_id, "person_id": pid[person], "country": net.foreign_iso,
                              "link": f"cellule transfrontalière ({P.home_town.iat[person]}): {role}"})
    # who uses which line
    phone_rows = []
    plan = w.plan
    swap = plan.swap
    member_role = {m: (n.network_id, r) for n in w.networks for m, r in n.members}
    for line in range(len(w.phones)):
        user, holder = int(w.phones.user.iat[line]), int(w.phones.holder.iat[line])
        notes = []
        if user in member_role:
            notes.append(f"membre {member_role[user][0]} ({member_role[user][1]})")
        if line in swap.lines:
            notes.append(f"SIM swap {swap.lines.index(line) + 1}/{len(swap.lines)}")
        if holder != user:
            notes.append(f"straw holder {pid[holder]}")
        if notes:
            phone_rows.append({"msisdn": msisdn[line], "user_id": pid[user], "note": "; ".join(notes)})
    # signals
    S = []

    def sig(kind, net, ids, detail):
        S.append({"signal": kind, "network_id": net, "ids": ";".join(ids), "detail": detail})

    cross, swapper, transport = w.cross_border_network, w.swapper_network, w.transport_network
    broker = cross.who("broker")[0]
    sig("broker", cross.network_id, [msisdn[w.primary[broker]], pid[broker]],
        f"betweenness in the top {BROKER_BETWEENNESS_TOP} of the call network while degree is not in the top "
        f"{BROKER_DEGREE_NOT_TOP}; his betweenness per contact is the highest, while a busy trader "
        f"({msisdn[plan.decoy]}) has more raw betweenness over many more contacts")
    cell = [m for m, _ in cross.members if P.foreign_side.iat[m]]
    ftowns = sorted({P.home_town.iat[m] for m in cell})
    sig("cross_border_cell", cross.network_id, [pid[m] for m in cell],
        f"cell in {cross.foreign_iso} ({', '.join(ftowns)}), members cross at post {plan.crossings.post}")
    h = plan.handset
    sig("handset_change", cross.network_id, [msisdn[h.line], h.old_imei, h.new_imei],
        f"same number, new handset {handset_change_when()}")
    sig("sim_swap", swapper.network_id, [w.phones.imei.iat[swap.lines[0]]] + [msisdn[x] for x in swap.lines],
        f"one IMEI seen with {count_words(len(swap.lines))} MSISDNs in turn")
    co = plan.colocation
    sig("co_location", swapper.network_id, [msisdn[x] for x in co.lines],
        f"same cell within {minutes(COLOCATION_WINDOW_S)} on {len(co.occasions)} occasions in "
        f"{', '.join(sorted({t for t, _ in co.occasions}))}")
    st = plan.structuring
    sig("structuring", transport.network_id, [msisdn[st.line]],
        f"{len(st.transfer_ids)} transfers between {percent(STRUCTURING_BAND[0])} and {percent(STRUCTURING_BAND[1])} "
        f"of the {p['mobile_money']['threshold']} {p['currency']} threshold")
    cv = plan.convoy
    sig("convoy", transport.network_id, list(cv.plates), f"same post within {minutes(CONVOY_GAP_S[1])} at "
        f"{len(cv.posts)} passages: {', '.join(cv.posts)}")
    pill_net = next((n.network_id for n in w.networks if n.crime in world.PILL_CRIMES), "")
    sig("falsified_medicine", pill_net, plan.pill_purchases,
        f"pills sold as anti-fatigue at {p['pills']['price']} {p['currency_label']} containing amphetamine or tramadol")
    sig("inconsistent_grading", "", plan.inconsistent_reports,
        f"source grade other than the source's track record allows: {INCONSISTENT_REPORTS} better, "
        f"{INCONSISTENT_TOO_LOW} worse")
    for req, reps in plan.answered.items():
        if reps:
            sig("answered_requirement", "", [req] + reps, f"answered by {len(reps)} report(s)")
        else:
            sig("unanswered_requirement", "", [req], "no report answers it")
    for line in range(len(w.phones)):
        user, holder = int(w.phones.user.iat[line]), int(w.phones.holder.iat[line])
        if holder != user:
            sig("straw_holder", member_role.get(user, ("", ""))[0], [msisdn[line], pid[holder], pid[user]],
                "line registered to someone who does not use it")
    return {
        "truth/networks": pd.DataFrame(nets),
        "truth/members": pd.DataFrame(members),
        "truth/aliases": pd.DataFrame([{"alias": a, "person_id": pid[x]} for a, x in w.aliases]),
        "truth/phones": pd.DataFrame(phone_rows),
        "truth/links": pd.DataFrame(links),
        "truth/signals": pd.DataFrame(S),
    }
