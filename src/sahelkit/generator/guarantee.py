"""Keep every planted signal ahead of the innocent background by its stated margin, whatever the seed.

Background calls, transfers and passages are drawn at random, so now and then innocent rows
happen to look like a planted pattern: two random plates at the same checkpoint within minutes
on three days, a phone whose trips put it beside another in three towns. The stages call these
functions after drawing: each finds the accidental look-alikes and takes them apart, changing
only background rows and only what it must, with no random draw (a seed whose background is
already clear keeps its bytes). The margins are named in `signals`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .signals import (
    BROKER_BETWEENNESS_TOP,
    BROKER_DEGREE_NOT_TOP,
    COLOCATION_RIVAL_TOWNS,
    COLOCATION_WINDOW_S,
    CONVOY_RIVAL_MAX,
    CONVOY_WINDOW_S,
    DEGREE_TIE_RANKS,
    INCONSISTENT_REPORTS,
    MONEY_ABOVE_RIVAL_MAX,
    PILL_PURCHASES_MIN,
    STRUCTURING_BAND,
    STRUCTURING_RIVAL_MAX,
    STRUCTURING_WATCH,
)

DAY_S = 86400
DRUGS = ("amphetamine", "tramadol")  # what the lab finds in the pills sold as 'anti-fatigue'


class SignalError(RuntimeError):
    """The generator could not keep a planted signal ahead of the background: a bug to report."""


def sort_values(key: np.ndarray, t: np.ndarray, window: int) -> np.ndarray:
    """One integer per row that sorts rows by key then time, a key's rows never within `window` of
    another key's: so 'same key, at most `window` apart' is 'values at most `window` apart'."""
    if not len(t):
        return np.zeros(0, np.int64)
    return key.astype(np.int64) * (int(t.max()) - int(t.min()) + window + 1) + (t - t.min())


def close_pairs(key: np.ndarray, t: np.ndarray, who: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Row pairs (i, j), i before j, with the same key, at most `window` seconds apart, `who` different.

    Rows sorted by key then time: a row's partners are the next ones, up to the first too far away;
    each step looks one row further, only from the rows whose previous step still found a partner,
    so the work grows with the number of pairs, not with the table times the busiest key's crowd.
    """
    value = sort_values(key, t, window)
    order = np.argsort(value, kind="stable")
    value = value[order]
    n = len(order)
    found, steps = [], []
    idx = np.arange(max(n - 1, 0))
    step = 1
    while len(idx):
        idx = idx[value[idx + step] - value[idx] <= window]
        found.append(idx)
        steps.append(np.full(len(idx), step))
        step += 1
        idx = idx[idx + step < n]
    near = np.concatenate(found) if found else np.zeros(0, np.int64)
    i, j = order[near], order[near + (np.concatenate(steps) if steps else 0)]
    differ = who[i] != who[j]
    return i[differ], j[differ]


def pairs_of(rows: np.ndarray, value: np.ndarray, order: np.ndarray, who: np.ndarray,
             window: int) -> tuple[np.ndarray, np.ndarray]:
    """Row pairs at most `window` apart in `value` (`sort_values`), `who` different, with one of `rows`
    in them: found from those rows alone, each pair once. `order` sorts `value`."""
    ranked = value[order]
    lo = np.searchsorted(ranked, value[rows] - window, "left")
    count = np.searchsorted(ranked, value[rows] + window, "right") - lo
    owner = np.repeat(rows, count)
    other = order[np.arange(len(owner)) - np.repeat(np.cumsum(count) - count - lo, count)]
    anchor = np.zeros(len(value), bool)
    anchor[rows] = True
    once = ~anchor[other] | (owner < other)  # a pair of two anchors is found from both: keep one
    keep = once & (owner != other) & (who[owner] != who[other])
    return owner[keep], other[keep]


# --------------------------------------------------------------------------- convoy
def convoy_apart(plate: np.ndarray, post: np.ndarray, t: np.ndarray, planted: np.ndarray,
                 window: int = CONVOY_WINDOW_S, rival_max: int = CONVOY_RIVAL_MAX) -> np.ndarray:
    """Which passages to keep so that no pair of plates but the planted one passes together
    (same post, same day, within `window`) on more than `rival_max` days.

    Plates are integer codes; `planted` marks the convoy's own passages. A pair's joint passages
    are kept in time order up to `rival_max`; beyond, the background passage of each is dropped.
    """
    keep = np.ones(len(t), bool)
    convoy = set(plate[planted].tolist())
    while True:
        rows = np.flatnonzero(keep)
        i, j = close_pairs(post[rows], t[rows], plate[rows], window)
        i, j = rows[i], rows[j]
        ev = pd.DataFrame({"x": np.minimum(plate[i], plate[j]), "y": np.maximum(plate[i], plate[j]),
                           "post": post[i], "day": np.minimum(t[i], t[j]) // DAY_S, "t": np.minimum(t[i], t[j]),
                           "i": i, "j": j})
        ev = ev[~(ev.x.isin(convoy) & ev.y.isin(convoy))]
        excess = _beyond(ev, ["x", "y"], ["post", "day"], rival_max)
        if not len(excess):
            return keep
        later_is_free = ~planted[excess.j.to_numpy()]
        drop = np.where(later_is_free, excess.j.to_numpy(), excess.i.to_numpy())
        if planted[drop].any():
            raise SignalError("convoy: two planted passages of different plates within the window")
        keep[drop] = False


def _beyond(ev: pd.DataFrame, pair: list[str], occasion: list[str], allowed: int) -> pd.DataFrame:
    """Rows of `ev` whose occasion comes after the pair's first `allowed` occasions (by earliest time `t`)."""
    if not len(ev):
        return ev
    occ = ev.groupby(pair + occasion, as_index=False, sort=True).t.min()
    occ = occ.sort_values(pair + ["t"] + occasion, kind="stable")
    late = occ[occ.groupby(pair, sort=False).cumcount() >= allowed][pair + occasion]
    return ev.merge(late, on=pair + occasion, how="inner")


# --------------------------------------------------------------------------- co-location
def colocation_apart(caller: np.ndarray, t: np.ndarray, cell: np.ndarray, home_cell: np.ndarray,
                     movable: np.ndarray, cell_town: np.ndarray, pair: tuple[int, int],
                     window: int = COLOCATION_WINDOW_S, rival_towns: int = COLOCATION_RIVAL_TOWNS) -> np.ndarray:
    """Cells of the calls such that no pair of phones but `pair` calls from one antenna within
    `window` in more than `rival_towns` towns.

    A phone's calls are made at home, except its travel calls (`movable`), which could as well
    have been made at home (`home_cell`). So two phones meet without travelling only in a town
    where both call from without travelling (their home, or a planted call's town): such a town
    is counted for the pair whether they met there or not (a bound that needs no scan of the
    millions of meetings at home), then the towns where they meet on travel calls, earliest
    first; a pair beyond `rival_towns` sends its later towns' travel calls home. Calls sent home
    can meet others' travel calls there, so this runs until no pair is left over; each round
    sends at least one call home, so it ends.
    """
    cell, movable = cell.copy(), movable.copy()
    phones = int(caller.max()) + 1 if len(caller) else 1
    planted = min(pair) * phones + max(pair)
    value = sort_values(cell, t, window)
    order = np.argsort(value)  # ties in any order: pairs are found by value ranges
    while True:
        i, j = pairs_of(np.flatnonzero(movable), value, order, caller, window)
        x, y = np.minimum(caller[i], caller[j]), np.maximum(caller[i], caller[j])
        ev = pd.DataFrame({"key": x.astype(np.int64) * phones + y, "town": cell_town[cell[i]],
                           "t": np.minimum(t[i], t[j]), "i": i, "j": j})
        ev = ev[ev.key != planted]
        met = ev.groupby(["key", "town"], as_index=False, sort=True).t.min()
        # a pair within the bound on travel towns alone stays within it with one more town
        near = met.groupby("key").town.transform("size") >= rival_towns
        towns = pd.concat([_home_towns(met.key[near].unique(), phones, caller, cell, movable, cell_town),
                           met[near].assign(home=False)]).sort_values(["key", "home", "t", "town"],
                                                                      ascending=[True, False, True, True])
        towns = towns.drop_duplicates(["key", "town"])
        late = towns[towns.groupby("key").cumcount() >= rival_towns]
        if not len(late):
            return cell
        excess = ev.merge(late[["key", "town"]], on=["key", "town"])
        back = np.concatenate([excess.i.to_numpy(), excess.j.to_numpy()])
        back = np.unique(back[movable[back]])
        if not len(back):
            raise SignalError("co-location: two phones meet in too many towns without travelling")
        cell[back] = home_cell[back]
        movable[back] = False
        value = sort_values(cell, t, window)  # same scale: only the rows sent home change value
        order = _resorted(order, value, back)


def _resorted(order: np.ndarray, value: np.ndarray, moved: np.ndarray) -> np.ndarray:
    """`order` sorting `value` again after the `moved` rows changed value, without sorting it all again."""
    gone = np.zeros(len(value), bool)
    gone[moved] = True
    rest = order[~gone[order]]
    moved = moved[np.argsort(value[moved], kind="stable")]
    return np.insert(rest, np.searchsorted(value[rest], value[moved], "right"), moved)


def _home_towns(keys: np.ndarray, phones: int, caller: np.ndarray, cell: np.ndarray, movable: np.ndarray,
                cell_town: np.ndarray) -> pd.DataFrame:
    """(key, town, home=True, t=-1) for each pair and each town both its phones call from without travelling."""
    x, y = keys // phones, keys % phones
    stay = ~movable & np.isin(caller, np.r_[x, y])
    towns = int(cell_town.max()) + 1
    code = np.unique(caller[stay].astype(np.int64) * towns + cell_town[cell[stay]])  # (phone, town), each once
    calls_from = pd.DataFrame({"p": code // towns, "town": code % towns})
    both = (pd.DataFrame({"key": keys, "p": x}).merge(calls_from, on="p")
            .merge(pd.DataFrame({"key": keys, "p": y}).merge(calls_from, on="p"), on=["key", "town"]))
    return pd.DataFrame({"key": both.key.to_numpy(), "town": both.town.to_numpy(), "home": True, "t": -1})


# --------------------------------------------------------------------------- structuring
def structuring_apart(sender: np.ndarray, amount: np.ndarray, t: np.ndarray, planted: np.ndarray, threshold: int,
                      unit: int, watch: float = STRUCTURING_WATCH,
                      rival_max: int = STRUCTURING_RIVAL_MAX) -> np.ndarray:
    """Amounts such that no sender but the planted one makes more than `rival_max` transfers in the
    watched band just under the threshold: an innocent sender's later ones are halved."""
    amount = amount.copy()
    watched = np.flatnonzero((amount >= watch * threshold) & (amount < threshold) & ~planted)
    watched = watched[np.lexsort((watched, t[watched], sender[watched]))]
    s = sender[watched]
    start = np.r_[0, np.flatnonzero(s[1:] != s[:-1]) + 1]
    rank = np.arange(len(s)) - np.repeat(start, np.diff(np.r_[start, len(s)]))
    late = watched[rank >= rival_max]
    amount[late] = amount[late] // 2 // unit * unit
    return amount


def above_apart(sender: np.ndarray, amount: np.ndarray, t: np.ndarray, planted: np.ndarray, threshold: int,
                unit: int, rival_max: int = MONEY_ABOVE_RIVAL_MAX) -> np.ndarray:
    """Amounts such that no sender but the planted one (the busy trader) makes more than `rival_max`
    transfers at or above the threshold: an innocent sender's later ones are split in four, below the
    band watched for structuring."""
    amount = amount.copy()
    above = np.flatnonzero((amount >= threshold) & ~planted)
    above = above[np.lexsort((above, t[above], sender[above]))]
    s = sender[above]
    start = np.r_[0, np.flatnonzero(s[1:] != s[:-1]) + 1]
    rank = np.arange(len(s)) - np.repeat(start, np.diff(np.r_[start, len(s)]))
    late = above[rank >= rival_max]
    amount[late] = np.maximum(amount[late] // 4 // unit * unit, unit)
    return amount


def in_band(amounts: np.ndarray, threshold: int, unit: int, band: tuple[float, float] = STRUCTURING_BAND) -> np.ndarray:
    """Amounts rounded down to the unit and kept inside the band (shares of the threshold), whatever the
    unit: the ends of the band are rounded inwards to the unit."""
    lo = -(-int(threshold * band[0]) // unit) * unit
    hi = int(threshold * band[1]) // unit * unit
    return np.clip(np.floor(amounts / unit) * unit, lo, hi).astype(np.int64)


# --------------------------------------------------------------------------- small counts
def enough_drug_pills(sold_as_pills: np.ndarray, result: np.ndarray, minimum: int = PILL_PURCHASES_MIN) -> np.ndarray:
    """Lab results such that at least `minimum` of the pills sold as 'anti-fatigue' contain a drug:
    the first ones found clean are found to contain amphetamine instead."""
    result = np.array(result, dtype=object)
    drug = np.isin(result, DRUGS)
    clean = np.flatnonzero(sold_as_pills & ~drug)
    result[clean[:max(0, minimum - int((sold_as_pills & drug).sum()))]] = DRUGS[0]
    return result


def misgradable(grade: np.ndarray, count: int = INCONSISTENT_REPORTS) -> np.ndarray:
    """Positions of the reports that may get a better grade than their source deserves: those of poor (C)
    or untested (X) sources, or, when there are fewer than `count`, every report not graded A."""
    poor = np.flatnonzero(np.isin(grade, ["C", "X"]))
    return poor if len(poor) >= count else np.flatnonzero(np.asarray(grade) != "A")


# --------------------------------------------------------------------------- broker
class Graph:
    """An undirected graph on nodes 0..n-1 as neighbour lists (CSR: node v's neighbours are
    indices[indptr[v]:indptr[v + 1]], sorted), built from its links (lo, hi). `graph @ m` adds up
    m's rows over each node's neighbours: the product with its adjacency matrix, made by
    scipy.sparse (7 times faster than any numpy way, 0.1 s to import); connectivity is counted
    here (`components`), as scipy's csgraph would cost 0.3 s to import on each `generate`."""

    def __init__(self, lo: np.ndarray, hi: np.ndarray, n: int):
        key = np.unique(np.r_[lo, hi].astype(np.int64) * n + np.r_[hi, lo])
        rows, self.indices = key // n, key % n
        self.indptr = np.r_[0, np.cumsum(np.bincount(rows, minlength=n))]
        self.shape = (n, n)
        self._matrix = None

    def __matmul__(self, m: np.ndarray) -> np.ndarray:
        if self._matrix is None:
            from scipy import sparse

            self._matrix = sparse.csr_matrix((np.ones(len(self.indices)), self.indices, self.indptr), shape=self.shape)
        return self._matrix @ m

    def without(self, v: int, u: int) -> Graph:
        """The same graph without the link (v, u)."""
        rows = np.repeat(np.arange(self.shape[0]), np.diff(self.indptr))
        keep = (rows < self.indices) & ~(((rows == v) & (self.indices == u)) | ((rows == u) & (self.indices == v)))
        return Graph(rows[keep], self.indices[keep], self.shape[0])

    def components(self) -> int:
        """The number of connected components (a node without links is one)."""
        return components(np.repeat(np.arange(self.shape[0]), np.diff(self.indptr)), self.indices, self.shape[0])


def components(lo: np.ndarray, hi: np.ndarray, n: int) -> int:
    """The number of connected components of the graph on nodes 0..n-1 with links (lo, hi): each node
    takes the smallest label among its neighbours' and its own, then its label's label, until no
    label changes; a label is always a node of the same component, so the labels left are one per
    component."""
    label = np.arange(n)
    while True:
        low = np.minimum(label[lo], label[hi])
        new = label.copy()
        np.minimum.at(new, lo, low)
        np.minimum.at(new, hi, low)
        new = new[new]
        if (new == label).all():
            return int(np.unique(label).size)
        label = new


def brandes(adj) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Brandes' betweenness from every source at once, one BFS level at a time, with (source x node)
    matrices: distances, numbers of shortest paths and dependencies of an unweighted undirected
    graph given as a `Graph` (or a symmetric scipy sparse matrix). Node v's unnormalised betweenness
    is delta[:, v].sum() / 2 (the same as networkx, checked by a test)."""
    n = adj.shape[0]
    sigma = np.eye(n)
    dist = np.where(np.eye(n) > 0, 0, -1)
    frontier = np.eye(n)
    level = 0
    while frontier.any():
        level += 1
        reach = (adj @ frontier.T).T
        new = (reach > 0) & (dist < 0)
        dist[new] = level
        frontier = np.where(new, reach, 0.0)
        sigma += frontier
    delta = np.zeros((n, n))
    for d in range(level - 1, 0, -1):
        coef = np.where(dist == d + 1, (1 + delta) / np.where(sigma > 0, sigma, 1), 0.0)
        delta += np.where(dist == d, sigma * (adj @ coef.T).T, 0.0)
    return dist, sigma, delta


def _rank(score: np.ndarray, names: np.ndarray, node: int) -> int:
    """1-based rank of `node` when sorted by score, highest first, ties by name."""
    ahead = (score > score[node]) | ((score == score[node]) & (names < names[node]))
    return int(ahead.sum()) + 1


def broker_ranks(lo: np.ndarray, hi: np.ndarray, names: np.ndarray, broker: int):
    """(betweenness rank, degree rank, betweenness, Brandes matrices, adjacency, nodes) of the broker
    in the graph of the distinct pairs (lo, hi) of line indices."""
    nodes = np.unique(np.concatenate([lo, hi]))
    adj = Graph(np.searchsorted(nodes, lo), np.searchsorted(nodes, hi), len(nodes))
    mats = _brandes_of(adj)
    bc = mats[2].sum(axis=0) / 2
    deg = np.diff(adj.indptr)
    me = int(np.searchsorted(nodes, broker))
    return _rank(bc, names[nodes], me), _rank(deg, names[nodes], me), bc, mats, adj, nodes


_last: list = []  # the last graph measured and its matrices


def _brandes_of(adj: Graph) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`brandes(adj)`, kept for the next call: the broker's last round and the decoy's check measure
    the same graph."""
    key = (adj.indptr.tobytes(), adj.indices.tobytes())
    if not _last or _last[0] != key:
        _last[:] = [key, brandes(adj)]
    return _last[1]


def broker_stands_out(caller: np.ndarray, callee: np.ndarray, names: np.ndarray, broker: int, avoid: set[int],
                      top: int = BROKER_BETWEENNESS_TOP, not_top: int = BROKER_DEGREE_NOT_TOP,
                      rounds: int = 40, spare: int = -1, weight: np.ndarray | None = None,
                      log: list | None = None) -> np.ndarray:
    """Callees such that the broker's betweenness in the call graph is in the `top` while his degree
    is not in the `not_top`, and his betweenness per contact is the highest of all, strictly.

    His betweenness comes from being the only way to the cell abroad; a busy innocent phone
    linking towns can still outrank him, and a line with few contacts that bridges two busy ones can
    have more betweenness per contact. Then the rival just above him (or the line highest per
    contact) loses its busiest shortcut: the calls over its link of highest edge betweenness go
    to each caller's busiest other contact instead (callers, times, cells and handsets
    unchanged), one link per round.
    `names` (msisdn per line) breaks ties as a sorted table would; `avoid` are lines never made
    the new callee (the SIM-swap lines, active only part of the time); `spare` (the decoy, meant to
    outrank him) is never the rival cut down. `weight` and `log`: see `_reroute`.
    """
    callee = callee.copy()
    for _ in range(rounds):
        size = int(max(caller.max(), callee.max())) + 1
        pairs = np.unique(np.minimum(caller, callee).astype(np.int64) * size + np.maximum(caller, callee))
        bc_rank, deg_rank, bc, (dist, sigma, delta), adj, nodes = broker_ranks(pairs // size, pairs % size, names,
                                                                               broker)
        if deg_rank <= not_top:
            raise SignalError(f"broker: degree rank {deg_rank}, within the top {not_top}")
        me = int(np.searchsorted(nodes, broker))
        if bc_rank <= top:
            per_contact = bc / np.diff(adj.indptr)
            level = np.flatnonzero((per_contact >= per_contact[me]) & (np.arange(len(nodes)) != me))
            if not len(level):
                return callee
            rival = int(level[np.argmax(per_contact[level])])
        else:
            ahead = np.flatnonzero((bc > bc[me]) & (nodes != spare))
            rival = int(ahead[np.argmin(bc[ahead])])
        link = _busiest_shortcut(rival, me, dist, sigma, delta, adj)
        if link is None:
            raise SignalError("broker: no link of the rival can go without cutting the call graph")
        _reroute(caller, callee, int(nodes[rival]), int(nodes[link]), {int(nodes[me])} | avoid, weight, log)
    raise SignalError(f"broker: not in the top {top} of betweenness after {rounds} rounds")


def _busiest_shortcut(v: int, broker: int, dist, sigma, delta, adj) -> int | None:
    """The neighbour u of v whose link (v, u) carries the most shortest paths and can go: u is not
    the broker, both keep another contact, and the graph stays connected without it."""
    nbrs = adj.indices[adj.indptr[v]:adj.indptr[v + 1]]
    safe_sigma = np.where(sigma > 0, sigma, 1)
    scores = []
    for u in nbrs:
        down = (dist[:, u] == dist[:, v] + 1) * sigma[:, v] * (1 + delta[:, u]) / safe_sigma[:, u]
        up = (dist[:, v] == dist[:, u] + 1) * sigma[:, u] * (1 + delta[:, v]) / safe_sigma[:, v]
        scores.append((down + up).sum())
    deg = np.diff(adj.indptr)
    for k in np.argsort(-np.array(scores), kind="stable"):
        u = int(nbrs[k])
        if u == broker or deg[u] < 2 or deg[v] < 2:
            continue
        if adj.without(v, u).components() == 1:
            return u
    return None


def _reroute(caller: np.ndarray, callee: np.ndarray, v: int, u: int, avoid: set[int],
             weight: np.ndarray | None = None, log: list | None = None) -> None:
    """Calls between v and u go, from the same caller, to the caller's busiest other contact.

    The rows may stand for several calls each (`weight`, see `compress`); each move (caller, old
    callee, new callee) is appended to `log`, to be replayed on every call (`replay`)."""
    w = np.ones(len(caller), np.int64) if weight is None else weight
    for a, b in ((v, u), (u, v)):
        mine, into = caller == a, callee == a
        others, counts = np.r_[callee[mine], caller[into]], np.r_[w[mine], w[into]]
        keep = (others != b) & ~np.isin(others, list(avoid))
        if not keep.any():
            raise SignalError("broker: a caller has no other contact to call instead")
        values, where = np.unique(others[keep], return_inverse=True)
        c = int(values[np.argmax(np.bincount(where, weights=counts[keep]))])
        callee[mine & (callee == b)] = c
        if log is not None:
            log.append((a, b, c))


def compress(caller: np.ndarray, callee: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct (caller, callee) rows and how many calls each stands for: the broker and degree
    guarantees only need the call graph and each contact's number of calls, so they work on these
    few thousand rows and their moves are replayed on the million calls once (`replay`)."""
    size = int(max(caller.max(), callee.max())) + 1 if len(caller) else 1
    key, count = np.unique(caller.astype(np.int64) * size + callee, return_counts=True)
    return key // size, key % size, count


def replay(caller: np.ndarray, callee: np.ndarray, log: list) -> np.ndarray:
    """Callees once the moves logged by `_reroute` (caller, old callee, new callee) are made on every call, in order."""
    callee = callee.copy()
    for a, b, c in log:
        callee[(caller == a) & (callee == b)] = c
    return callee


def _pairs(caller: np.ndarray, callee: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct undirected pairs (lo, hi) of line indices that communicated."""
    size = int(max(caller.max(), callee.max())) + 1
    pairs = np.unique(np.minimum(caller, callee).astype(np.int64) * size + np.maximum(caller, callee))
    return pairs // size, pairs % size


def decoy_stands_apart(caller: np.ndarray, callee: np.ndarray, names: np.ndarray, broker: int, decoy: int) -> None:
    """Check that the decoy's raw betweenness passes the broker's while the broker keeps the highest
    betweenness per contact of all lines (strictly), and that betweenness / closeness does not point at
    the broker: the wrong rankings must give another answer than the taught one."""
    lo, hi = _pairs(caller, callee)
    _, _, bc, (dist, _, _), adj, nodes = broker_ranks(lo, hi, names, broker)
    me, dec = int(np.searchsorted(nodes, broker)), int(np.searchsorted(nodes, decoy))
    deg = np.diff(adj.indptr)
    per_contact = bc / deg
    if not bc[dec] > bc[me]:
        raise SignalError(f"decoy: betweenness {bc[dec]:g}, not above the broker's {bc[me]:g}")
    if int(np.argmax(per_contact)) != me or (per_contact == per_contact[me]).sum() > 1:
        raise SignalError("decoy: the broker does not have the highest betweenness per contact")
    if int(np.argmax(bc / closeness(dist))) == me:
        raise SignalError("decoy: betweenness / closeness still points at the broker")


def closeness(dist: np.ndarray) -> np.ndarray:
    """networkx's closeness centrality from a (source x node) distance matrix (-1: unreachable)."""
    reach = dist >= 0
    total = np.where(reach, dist, 0).sum(axis=1).astype(float)
    found = reach.sum(axis=1) - 1
    n = dist.shape[0]
    return np.where(total > 0, found / np.where(total > 0, total, 1) * found / max(n - 1, 1), 0.0)


def degree_ranked(lo: np.ndarray, hi: np.ndarray, names: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(degree per line index, line indices in degree order: highest first, ties by name)."""
    deg = np.bincount(np.r_[lo, hi], minlength=len(names))
    nodes = np.flatnonzero(deg)
    return deg, nodes[np.lexsort((names[nodes], -deg[nodes]))]


def degree_tied(caller: np.ndarray, callee: np.ndarray, names: np.ndarray,
                ranks: tuple[int, int] = DEGREE_TIE_RANKS) -> bool:
    """Whether the lines at `ranks` of degree have the same degree."""
    deg, order = degree_ranked(*_pairs(caller, callee), names)
    return len(set(deg[order[ranks[0] - 1:ranks[1]]].tolist())) == 1


def degree_tie(caller: np.ndarray, callee: np.ndarray, names: np.ndarray, keep: set[int],
               ranks: tuple[int, int] = DEGREE_TIE_RANKS, rounds: int = 60, weight: np.ndarray | None = None,
               log: list | None = None) -> np.ndarray:
    """Callees such that the lines at `ranks` of degree have the same degree: a line above the last one
    loses a contact, one at a time (the calls over that link go to each caller's busiest other
    contact, as `broker_stands_out` does), until it is level. The contact lost is a line ranked
    below, neither in `keep` nor left without a link, whose link is not a bridge of the graph.
    `weight` and `log`: see `_reroute`."""
    callee = callee.copy()
    first, last = ranks
    for _ in range(rounds):
        lo, hi = _pairs(caller, callee)
        deg, order = degree_ranked(lo, hi, names)
        tied = order[first - 1:last]
        target = deg[tied[-1]]
        above = tied[deg[tied] > target]
        if not len(above):
            return callee
        v = int(above[0])
        top = set(order[:last + 1].tolist()) | keep
        nbrs = np.r_[hi[lo == v], lo[hi == v]]
        nbrs = [int(u) for u in nbrs[np.lexsort((nbrs, -deg[nbrs]))] if int(u) not in top and deg[u] >= 3]
        n = len(names)
        whole = components(lo, hi, n)
        for u in nbrs:
            cut = (lo == min(u, v)) & (hi == max(u, v))
            if components(lo[~cut], hi[~cut], n) == whole:
                _reroute(caller, callee, v, u, keep, weight, log)
                break
        else:
            raise SignalError(f"degree tie: no contact of line {v} can go without cutting the call graph")
    raise SignalError(f"degree tie: ranks {first} to {last} not level after {rounds} rounds")
