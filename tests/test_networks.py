"""sahelkit.betweenness / closeness: nx's exact values, computed once per graph, never shared."""
import networkx as nx

import sahelkit
from sahelkit import networks


def test_same_values_as_networkx():
    g = nx.karate_club_graph()
    assert sahelkit.betweenness(g) == nx.betweenness_centrality(g)
    assert sahelkit.closeness(g) == nx.closeness_centrality(g)


def test_computed_once_for_the_same_nodes_and_links(monkeypatch):
    calls, exact = [], nx.betweenness_centrality

    def counting(graph):
        calls.append(graph)
        return exact(graph)

    monkeypatch.setattr(nx, "betweenness_centrality", counting)
    networks._MEMORY.clear()
    first = sahelkit.betweenness(nx.path_graph(["a", "b", "c"]))
    again = sahelkit.betweenness(nx.Graph([("c", "b"), ("b", "a")]))  # rebuilt, links the other way
    assert first == again and len(calls) == 1
    sahelkit.betweenness(nx.Graph([("a", "b"), ("b", "c"), ("a", "c")]))  # one more link: recomputed
    assert len(calls) == 2


def test_callers_get_their_own_copy():
    g = nx.path_graph(["a", "b", "c"])
    mine = sahelkit.betweenness(g)
    mine["b"] = 99.0
    mine.clear()
    assert sahelkit.betweenness(g)["b"] == 1.0


def test_memory_is_bounded():
    networks._MEMORY.clear()
    for n in range(3, 40):
        sahelkit.closeness(nx.path_graph(n))
    assert len(networks._MEMORY) <= 2 * networks._KEEP
