"""Planted transfers that tell exercise 09's methods from their plausible wrong neighbours.

Background transfers follow the contact graph, so the busiest account is the same whether one
counts transfers or different counterparts, and the structuring financier also sends the most
money. On top of the background this module plants, whatever the seed:

- the busy trader (the calls' decoy) paying his suppliers a few times well above the reporting
  threshold: summing amounts, or counting transfers at or above the threshold, names him, not
  the financier who keeps just under it;
- a fan-out account (the swapper network's financier) paying many different people once each,
  and a fan-in account (the cross-border network's leader) paid once each by many different
  people: each leads every other account by different counterparts, while the busiest account by
  number of transfers has more transfers than either;
- the cross-border network's broker sending money to the cell abroad, and the cell sending some
  back: a total across the border that is not the total sent out.

The draws come from a child generator, so the world's own draws (and every later table) stay what
they were without these cases.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .signals import (
    MONEY_CROSS_BAND,
    MONEY_CROSS_IN,
    MONEY_CROSS_OUT,
    MONEY_FAN_MARGIN,
    MONEY_SMALL_BAND,
    MONEY_TRADER_BAND,
    MONEY_TRADER_TRANSFERS,
)
from .world import World


def _times(w: World, rng: np.random.Generator, k: int) -> np.ndarray:
    """Seconds from the start, in agents' opening hours (7 h to 21 h), as background transfers."""
    return rng.integers(0, w.days, k) * 86400 + rng.integers(7 * 3600, 21 * 3600, k)


def _amounts(rng: np.random.Generator, k: int, thr: int, unit: int, band: tuple[float, float]) -> np.ndarray:
    """Amounts rounded down to the unit, inside the band (shares of the threshold, upper end excluded)."""
    lo, hi = int(thr * band[0]), int(thr * band[1])
    raw = np.floor(thr * rng.uniform(*band, k) / unit) * unit
    return np.clip(raw, -(-lo // unit) * unit, (hi - 1) // unit * unit).astype(np.int64)


def _rows(w: World, rng: np.random.Generator, s, r, thr: int, unit: int, band: tuple[float, float]) -> pd.DataFrame:
    s, r = np.broadcast_arrays(np.asarray(s, dtype=np.int64), np.asarray(r, dtype=np.int64))
    return pd.DataFrame({"s": s, "r": r, "t": _times(w, rng, len(s)),
                         "amount": _amounts(rng, len(s), thr, unit, band), "extra": True})


def _lead(w: World, rng: np.random.Generator, kept: pd.DataFrame, by: str, other: str, fan: int, planted: int,
          thr: int, unit: int) -> pd.DataFrame:
    """Repeat transfers of the busiest account (by number of transfers on side `by`, the planted fan account
    left out) with counterparts it already has, until it leads the fan account's `fan` transfers by the margin."""
    counts = kept.loc[kept[by] != planted, by].value_counts()
    busiest, have = int(counts.index[0]), int(counts.iloc[0])
    need = fan + MONEY_FAN_MARGIN - have
    if need <= 0:
        return kept.iloc[:0]
    partners = np.sort(kept.loc[kept[by] == busiest, other].unique())
    chosen = rng.choice(partners, size=need)
    out = _rows(w, rng, busiest, chosen, thr, unit, MONEY_SMALL_BAND)
    if by == "r":
        out = out.rename(columns={"s": "r", "r": "s"})
    return out


def plant(w: World, rows: pd.DataFrame, financier: int, thr: int, unit: int) -> pd.DataFrame:
    """rows (s, r, t, amount: lines and seconds) with the planted transfers added (`extra` True) and the
    fan accounts' own background transfers marked `drop` (kept until the agents are drawn)."""
    rng = w.rng.spawn(1)[0]
    n1, n2 = w.cross_border_network, w.swapper_network
    foreign = w.persons.foreign_side.to_numpy()
    trader, broker = w.plan.decoy, w.primary[n1.who("broker")[0]]
    collector, distributor = w.primary[n1.who("leader")[0]], w.primary[n2.who("financier")[0]]
    cell = [w.primary[p] for p, _ in n1.members if foreign[p]]
    special = {financier, trader, broker, collector, distributor, *w.plan.swap.lines}
    user = w.phones.user.to_numpy()
    pool = np.array([i for i in range(len(w.phones)) if not foreign[user[i]] and i not in special], dtype=np.int64)

    rows = rows.assign(extra=False, drop=(rows.s == distributor) | (rows.r == collector))
    edges = w.edges[(w.edges.a == trader) | (w.edges.b == trader)]
    suppliers = np.intersect1d(np.where(edges.a == trader, edges.b, edges.a), pool)[:3]
    suppliers = suppliers if len(suppliers) else pool[:3]
    k = MONEY_TRADER_TRANSFERS
    planted = [
        _rows(w, rng, trader, suppliers[np.arange(k) % len(suppliers)], thr, unit, MONEY_TRADER_BAND),
        _rows(w, rng, broker, np.array(cell)[np.arange(MONEY_CROSS_OUT) % len(cell)], thr, unit, MONEY_CROSS_BAND),
        _rows(w, rng, np.array(cell)[np.arange(MONEY_CROSS_IN) % len(cell)], broker, thr, unit, MONEY_CROSS_BAND),
    ]
    kept = pd.concat([rows[~rows["drop"]], *planted], ignore_index=True)
    k_out = int(kept.groupby("s").r.nunique().max()) + MONEY_FAN_MARGIN
    k_in = int(kept.groupby("r").s.nunique().max()) + MONEY_FAN_MARGIN
    receivers = rng.choice(pool, size=k_out, replace=False)
    senders = rng.choice(pool, size=k_in, replace=False)
    fans = [_rows(w, rng, distributor, receivers, thr, unit, MONEY_SMALL_BAND),
            _rows(w, rng, senders, collector, thr, unit, MONEY_SMALL_BAND)]
    kept = pd.concat([kept, *fans], ignore_index=True)
    lead_out = _lead(w, rng, kept, "s", "r", k_out, distributor, thr, unit)
    kept = pd.concat([kept, lead_out], ignore_index=True)
    lead_in = _lead(w, rng, kept, "r", "s", k_in, collector, thr, unit)
    extra = pd.concat([*planted, *fans, lead_out, lead_in], ignore_index=True).assign(drop=False)
    return pd.concat([rows, extra], ignore_index=True)
