"""Saved queries whose view is a graph draw a connected graph: they return the
relationships between the entities they list, not a scatter of nodes."""

from __future__ import annotations

import networkx as nx
import pytest

from graph.core import queries as saved

GRAPH_QUERIES = sorted(n for n, q in saved.load_all()[0].items() if q.view == "graph")
# A query over every seizure draws one piece per seizure: focus it on one case.
FOCUS = {"brand_infringement": {"brand": "Nike"}}


def test_there_are_graph_queries():
    assert "transit_chain" in GRAPH_QUERIES


@pytest.mark.parametrize("name", GRAPH_QUERIES)
def test_graph_view_is_connected(sample_store, name):
    q = saved.get(name)
    everything = saved.run(sample_store, q, {}).subgraph()
    g = _graph(everything)
    assert everything.edges, f"{name} returns nodes but no relationships"
    assert not list(nx.isolates(g)), f"{name}: nodes without a link: {list(nx.isolates(g))}"
    res = saved.run(sample_store, q, FOCUS.get(name, {}))
    assert res.rows, f"{name} found nothing on the sample data"
    g = _graph(res.subgraph())
    assert nx.number_connected_components(g) == 1, (
        f"{name}: {nx.number_connected_components(g)} pieces")


def test_transit_chain_draws_the_officers(sample_store):
    sub = saved.run(sample_store, saved.get("transit_chain"), {}).subgraph()
    officers = {(e.source, e.target) for e in sub.edges.values() if e.type == "OFFICER_OF"}
    assert officers == {("Person:P001201", "Company:0312345678"),
                        ("Person:P001202", "Company:0312345678")}
    assert {"Container:WHSU5018375", "Company:KH-00031587"} <= set(sub.nodes)


def _graph(sub) -> nx.Graph:
    g = nx.Graph()
    g.add_nodes_from(sub.nodes)
    g.add_edges_from((e.source, e.target) for e in sub.edges.values())
    return g
