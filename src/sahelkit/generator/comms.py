"""Calls and mobile-money transfers, vectorised so a million calls take seconds.

Background volume follows the contact graph of the world; on top of it are planted: a SIM swap
(one handset, three SIMs over time), handset changes, two phones that move together, and a
financier who keeps every transfer just under the reporting threshold.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import guarantee, money
from .numbering import serial_ids
from .plan import HandsetChange, Structuring
from .signals import (
    COLOCATION_CALLS_EACH,
    COLOCATION_OCCASIONS,
    COLOCATION_TOWNS,
    COLOCATION_WINDOW_S,
    HANDSET_CHANGE_AT,
    STRUCTURING_BAND,
    STRUCTURING_TRANSFERS,
)
from .world import World

# share of calls per hour of the day (people call little at night)
DIURNAL = np.array([1, 0.5, 0.3, 0.3, 0.5, 1.5, 4, 6, 7, 7, 7, 6.5, 6, 6, 6.5, 7, 7, 7, 7.5, 7.5, 6.5, 5, 3.5, 2])
DIURNAL = DIURNAL / DIURNAL.sum()


def _cell_picker(w: World):
    """Return f(phone_town_codes, operator_codes, u) -> cell index, vectorised over calls."""
    cells = w.cells
    towns = sorted(set(cells.town) | set(w.phones.town))
    ops = sorted(set(cells.operator) | set(w.phones.operator))
    tcode = {t: i for i, t in enumerate(towns)}
    ocode = {o: i for i, o in enumerate(ops)}
    start = np.full((len(towns), len(ops)), -1, dtype=np.int64)
    count = np.zeros((len(towns), len(ops)), dtype=np.int64)
    for i, (t, o) in enumerate(zip(cells.town, cells.operator)):
        ti, oi = tcode[t], ocode[o]
        if start[ti, oi] < 0:
            start[ti, oi] = i
        count[ti, oi] += 1
    # a town without this operator's antenna: use any antenna of the town
    any_start = np.array([start[i][start[i] >= 0].min() if (start[i] >= 0).any() else 0 for i in range(len(towns))])
    any_count = np.array([count[i][start[i] == any_start[i]].max() if (start[i] >= 0).any() else 1
                          for i in range(len(towns))])

    def pick(t: np.ndarray, o: np.ndarray, u: np.ndarray) -> np.ndarray:
        s, c = start[t, o], count[t, o]
        missing = s < 0
        s = np.where(missing, any_start[t], s)
        c = np.where(missing, any_count[t], c)
        return s + np.floor(u * c).astype(np.int64)

    return pick, tcode, ocode


def handset_plan(w: World) -> tuple[np.ndarray, np.ndarray]:
    """Per phone: time (s) it changes handset (or never) and the new IMEI. One planted change in N1."""
    from . import numbering

    rng = w.rng
    n = len(w.phones)
    when = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    new = np.array(w.phones.imei.tolist(), dtype=object)
    swap_lines = set(w.plan.swap.lines)
    bg = [i for i in np.flatnonzero(rng.random(n) < 0.03).tolist() if i not in swap_lines]
    courier = w.cross_border_network.who("courier")[0]
    planted = w.primary[courier]
    lines = sorted(set(bg + [planted]))
    imeis = numbering.imeis(len(lines), rng, w.plan.imei_taken)
    for line, imei in zip(lines, imeis):
        when[line] = int(rng.integers(5, w.days - 5)) * 86400
        new[line] = imei
    when[planted] = w.secs(int(w.days * HANDSET_CHANGE_AT))
    w.plan.handset = HandsetChange(planted, w.phones.imei.iat[planted], new[planted])
    return when, new


def _remap_swap(w: World, line: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Calls of the SIM-swapping leader go out on the SIM active at the time."""
    swap = w.plan.swap
    line = line.copy()
    for old, new, start in zip(swap.lines, swap.lines[1:], swap.starts):
        line[(line == old) & (t >= start)] = new
    return line


def colocated_calls(w: World) -> pd.DataFrame:
    """Two couriers' phones calling from the same antenna within minutes, in several towns."""
    rng = w.rng
    co = w.plan.colocation
    l1, l2 = co.lines
    net = w.swapper_network
    country_of = {t["name"]: t["country"] for t in w.profile["towns"]}
    towns = [t for t in net.route if country_of[t] == w.iso]
    others = [t["name"] for t in w.profile["towns"] if t["country"] == w.iso and t["name"] not in towns]
    while len(set(towns)) < COLOCATION_TOWNS:
        towns.append(others[len(towns) % len(others)])
    op = w.phones.operator.iat[l1]
    leader_line = w.primary[net.who("leader")[0]]
    e = w.edges
    rows = []
    days = np.sort(rng.choice(np.arange(2, w.days - 2), size=COLOCATION_OCCASIONS, replace=False))
    for k, day in enumerate(days):
        town = towns[k % len(towns)]
        cands = w.cells.index[(w.cells.town == town) & (w.cells.operator == op)].tolist() or \
            w.cells.index[w.cells.town == town].tolist()
        cell = int(w.pick(cands))
        t0 = int(day) * 86400 + int(rng.integers(7 * 3600, 19 * 3600))
        for line in (l1, l2):
            nbrs = e.b[e.a == line].tolist() + e.a[e.b == line].tolist() or [leader_line]
            for _ in range(COLOCATION_CALLS_EACH):
                rows.append((line, int(w.pick(nbrs)), t0 + int(rng.integers(0, COLOCATION_WINDOW_S)), cell))
        co.occasions.append((town, int(day)))
    df = pd.DataFrame(rows, columns=["caller", "callee", "t", "cell"])
    df["planted"] = True
    return df


def _by_time_then_caller(t: np.ndarray, caller: np.ndarray, n_phones: int) -> np.ndarray:
    """Row order by time, then caller, ties in row order: np.argsort(t * n_phones + caller, kind="stable").

    A stable argsort of a million keys takes 0.13 s. Appending each row's number to its key makes
    the keys distinct, so a plain sort of the keys (0.02 s) gives the same order, and the row
    numbers come back as key % n.
    """
    n = len(t)
    key = t * n_phones + caller
    if n == 0 or key.min() < 0 or key.max() >= np.iinfo(np.int64).max // n - 1:
        return np.argsort(key, kind="stable")
    return np.sort(key * n + np.arange(n)) % n


def build_calls(w: World, n_calls: int) -> pd.DataFrame:
    """The CDR table: exactly n_calls rows (planted ones included)."""
    rng = w.rng
    planted = colocated_calls(w)
    e = w.edges
    n_bg = max(n_calls - len(planted), 0)
    p = (e.w / e.w.sum()).to_numpy()
    if n_bg >= len(e):
        counts = rng.multinomial(n_bg - len(e), p) + 1
    else:
        counts = rng.multinomial(n_bg, p)
    idx = np.repeat(np.arange(len(e)), counts)
    n = len(idx)
    flip = rng.random(n) < 0.5
    ea, eb = e.a.to_numpy()[idx], e.b.to_numpy()[idx]
    caller = np.where(flip, eb, ea)
    callee = np.where(flip, ea, eb)
    t = rng.integers(0, w.days, n) * 86400 + rng.choice(24, n, p=DIURNAL) * 3600 + rng.integers(0, 3600, n)
    pick, tcode, ocode = _cell_picker(w)
    ph_town = np.array([tcode[x] for x in w.phones.town])
    ph_op = np.array([ocode[x] for x in w.phones.operator])
    foreign = w.persons.foreign_side.to_numpy()[w.phones.user.to_numpy()]
    home_towns = [x["name"] for x in w.profile["towns"] if x["country"] == w.iso]
    hw = np.array([x["weight"] for x in w.profile["towns"] if x["country"] == w.iso], float) + 1
    travel = (rng.random(n) < 0.04) & ~foreign[caller]
    town = ph_town[caller].copy()
    town[travel] = np.array([tcode[x] for x in home_towns])[rng.choice(len(home_towns), travel.sum(), p=hw / hw.sum())]
    u = rng.random(n)
    cell = pick(town, ph_op[caller], u)
    home_cell = pick(ph_town[caller], ph_op[caller], u)  # where a travelling caller would have called at home
    # planted rows appended; everything stays in integer numpy arrays until the final table
    caller = np.concatenate([caller, planted.caller.to_numpy()])
    callee = np.concatenate([callee, planted.callee.to_numpy()])
    t = np.concatenate([t, planted.t.to_numpy()])
    cell = np.concatenate([cell, planted.cell.to_numpy()])
    is_planted = np.concatenate([np.zeros(n, bool), np.ones(len(planted), bool)])
    n = len(t)
    caller = _remap_swap(w, caller, t)
    callee = _remap_swap(w, callee, t)
    cell, callee = _signals_apart(w, caller, callee, t, cell, np.concatenate([home_cell, planted.cell.to_numpy()]),
                                  np.concatenate([travel, np.zeros(len(planted), bool)]), every_link=n_bg >= len(e))
    sms = (rng.random(n) < 0.3) & ~is_planted
    dur = np.clip(rng.lognormal(4.2, 0.9, n), 5, 3600).astype(np.int64)
    duration = np.where(sms, 0, dur)
    when, new = handset_plan(w)
    imeis = np.array(w.phones.imei.tolist() + list(new), dtype=object)
    imei_idx = np.where(t >= when[caller], len(w.phones) + caller, caller)
    order = _by_time_then_caller(t, caller, len(w.phones))
    msisdn = np.array(w.phones.msisdn.tolist(), dtype=object)
    kinds = np.array(["call", "sms"], dtype=object)
    return pd.DataFrame({
        "call_id": serial_ids("C", n, 6),
        "caller": msisdn[caller[order]],
        "callee": msisdn[callee[order]],
        "start": t[order],
        "duration_s": duration[order],
        "type": kinds[sms[order].astype(np.int64)],
        "cell_id": w.cells.cell_id.to_numpy(dtype=object)[cell[order]],
        "imei": imeis[imei_idx[order]],
    })


def _signals_apart(w: World, caller: np.ndarray, callee: np.ndarray, t: np.ndarray, cell: np.ndarray,
                   home_cell: np.ndarray, travel: np.ndarray, every_link: bool) -> tuple[np.ndarray, np.ndarray]:
    """Cells and callees once accidental co-locations are sent home and the broker is kept ahead.

    The broker's rank is a property of the whole contact graph, so it is only guaranteed when
    every contact is called at least once (`every_link`: the workshop size and above).
    """
    cell_town = pd.factorize(w.cells.town)[0]
    cell = guarantee.colocation_apart(caller, t, cell, home_cell, travel, cell_town, w.plan.colocation.lines)
    if every_link:
        callee = _broker_decoy_tie(w, caller, callee)
    return cell, callee


def _broker_decoy_tie(w: World, caller: np.ndarray, callee: np.ndarray, rounds: int = 5) -> np.ndarray:
    """Callees such that the broker stands out, the lines at DEGREE_TIE_RANKS tie and the decoy outranks
    the broker by raw betweenness only. Each step only removes links, and one can undo the other's work
    (the broker's rival may be a tied line), so they take turns until both hold."""
    names = w.phones.msisdn.to_numpy(dtype=str)
    broker = w.primary[w.cross_border_network.who("broker")[0]]
    swap = set(w.plan.swap.lines)
    lines, to, weight = guarantee.compress(caller, callee)  # the contacts, not the million calls
    log: list = []
    for _ in range(rounds):
        to = guarantee.degree_tie(lines, to, names, swap | {broker, w.plan.decoy}, weight=weight, log=log)
        to = guarantee.broker_stands_out(lines, to, names, broker, swap, spare=w.plan.decoy, weight=weight, log=log)
        if guarantee.degree_tied(lines, to, names):
            break
    guarantee.decoy_stands_apart(lines, to, names, broker, w.plan.decoy)
    return guarantee.replay(caller, callee, log)


# --------------------------------------------------------------------------- money
def build_transfers(w: World, n: int = 3000) -> pd.DataFrame:
    """Mobile-money transfers between contacts; one financier structures under the threshold."""
    rng, p = w.rng, w.profile
    thr = p["mobile_money"]["threshold"]
    unit = 500 if thr >= 1_000_000 else 100
    home_towns = [t for t in p["towns"] if t["country"] == w.iso]
    agents = []
    for t in home_towns:
        for _ in range(1 + int(t["weight"] // 4)):
            agents.append(t["name"])
    agent_ids = [f"AG-{i + 1:04d}" for i in range(len(agents))]
    by_town: dict[str, list[int]] = {}
    for i, t in enumerate(agents):
        by_town.setdefault(t, []).append(i)
    foreign = w.persons.foreign_side.to_numpy()[w.phones.user.to_numpy()]
    e = w.edges[~foreign[w.edges.a.to_numpy()] & ~foreign[w.edges.b.to_numpy()]]
    pe = (e.w / e.w.sum()).to_numpy()
    idx = rng.choice(len(e), size=n, p=pe)
    flip = rng.random(n) < 0.5
    s = np.where(flip, e.b.to_numpy()[idx], e.a.to_numpy()[idx])
    r = np.where(flip, e.a.to_numpy()[idx], e.b.to_numpy()[idx])
    t = rng.integers(0, w.days, n) * 86400 + rng.integers(7 * 3600, 21 * 3600, n)
    amount = np.round(rng.lognormal(np.log(thr * 0.02), 1.1, n) / unit) * unit
    big = rng.random(n) < 0.01  # traders paying suppliers: above the threshold, reported, legal
    amount[big] = np.round(thr * rng.uniform(1.0, 3.0, big.sum()) / unit) * unit
    amount = np.clip(amount, unit, None)
    rows = pd.DataFrame({"s": s, "r": r, "t": t, "amount": amount.astype(np.int64)})
    # structuring: one financier, all his transfers within the band just under the threshold
    net = w.transport_network
    fin = w.primary[net.who("financier")[0]]
    receivers = [w.primary[x] for x in net.who("courier") + net.who("supplier")] + [w.primary[net.who("leader")[0]]]
    k = STRUCTURING_TRANSFERS
    st = pd.DataFrame({
        "s": fin, "r": [receivers[i % len(receivers)] for i in range(k)],
        "t": np.sort(rng.choice(np.arange(1, w.days - 1), size=k, replace=False)) * 86400
        + rng.integers(8 * 3600, 19 * 3600, k),
        "amount": guarantee.in_band(thr * rng.uniform(*STRUCTURING_BAND, k), thr, unit),
    })
    rows = rows[rows.s != fin]  # his other payments would blur the pattern
    rows = pd.concat([rows, st], ignore_index=True)
    rows["s"] = _remap_swap(w, rows.s.to_numpy(), rows.t.to_numpy())
    rows["r"] = _remap_swap(w, rows.r.to_numpy(), rows.t.to_numpy())
    rows = money.plant(w, rows, fin, thr, unit)
    rows = rows.sort_values(["t", "s", "r"], kind="stable").reset_index(drop=True)
    # the world's generator draws one number per background row, as without the planted ones
    extra = rows.extra.to_numpy()
    u = np.empty(len(rows))
    u[~extra] = rng.random(int((~extra).sum()))
    u[extra] = w.rng.spawn(1)[0].random(int(extra.sum()))
    keep = ~rows["drop"].to_numpy()
    rows, u = rows[keep].reset_index(drop=True), u[keep]
    s, t = rows.s.to_numpy(), rows.t.to_numpy()
    amount = guarantee.above_apart(s, rows.amount.to_numpy(), t, s == w.plan.decoy, thr, unit)
    rows["amount"] = guarantee.structuring_apart(s, amount, t, s == fin, thr, unit)
    town = w.phones.town.to_numpy()[s]
    for tw in sorted(set(town) - set(by_town)):  # senders abroad: an agent of their town
        by_town[tw] = [len(agents)]
        agents.append(tw)
        agent_ids.append(f"AG-{len(agents):04d}")
    ag = [by_town[tw][int(x * len(by_town[tw]))] for tw, x in zip(town, u)]
    msisdn = w.phones.msisdn.to_numpy()
    out = pd.DataFrame({
        "transfer_id": [f"T{i + 1:05d}" for i in range(len(rows))],
        "sender": msisdn[rows.s.to_numpy()], "receiver": msisdn[rows.r.to_numpy()],
        "amount": rows.amount.to_numpy(), "currency": p["currency"], "time": rows.t.to_numpy(),
        "agent_id": [agent_ids[a] for a in ag], "agent_town": [agents[a] for a in ag],
    })
    w.plan.structuring = Structuring(fin, out.transfer_id[rows.s.to_numpy() == fin].tolist())
    return out
