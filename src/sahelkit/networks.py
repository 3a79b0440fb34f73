"""Network measures that take seconds on a laptop, computed once per kernel.

`betweenness(graph)` and `closeness(graph)` return exactly `nx.betweenness_centrality(graph)`
and `nx.closeness_centrality(graph)`, but remember the result for a graph with the same nodes and
links: re-running a cell, or a check that rebuilds the same graph from the case tables, does not
pay for the computation again. Each call returns a new dictionary, so changing it changes
nothing for the next caller.
"""
from __future__ import annotations

from collections import OrderedDict

# networkx is imported when a measure is asked for, so that `import sahelkit` stays light.

_MEMORY: OrderedDict = OrderedDict()
_KEEP = 8  # graphs remembered per measure; the oldest is forgotten first


def _fingerprint(graph) -> tuple:
    edges = frozenset(graph.edges) if graph.is_directed() else frozenset(frozenset(e) for e in graph.edges)
    return graph.is_directed(), graph.is_multigraph(), frozenset(graph.nodes), edges


def _remembered(measure: str, compute, graph) -> dict:
    key = (measure, _fingerprint(graph))
    if key in _MEMORY:
        _MEMORY.move_to_end(key)
    else:
        _MEMORY[key] = compute(graph)
        while len(_MEMORY) > _KEEP * 2:
            _MEMORY.popitem(last=False)
    return dict(_MEMORY[key])


def betweenness(graph) -> dict:
    """nx.betweenness_centrality(graph), computed once for the same nodes and links."""
    import networkx as nx
    return _remembered("betweenness", nx.betweenness_centrality, graph)


def closeness(graph) -> dict:
    """nx.closeness_centrality(graph), computed once for the same nodes and links."""
    import networkx as nx
    return _remembered("closeness", nx.closeness_centrality, graph)
