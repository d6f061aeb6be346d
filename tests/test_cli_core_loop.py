"""The analyst's core loop on the command line, on both stores: type what you have,
open it, see who matters (ranked search, the neighbour summary, risk first), and the
graph of a graph query."""

from __future__ import annotations

import json
import subprocess
import sys

import networkx as nx
import pytest

CIGARS = {f"Person:P00090{i}" for i in range(1, 5)}
VN18 = "Flight:VN18@2017-03-19"


def cli(*args, store: str, check: bool = True):
    done = subprocess.run([sys.executable, "-m", "graph.cli", *args, "--store", store],
                          capture_output=True, text=True, timeout=600)
    if check:
        assert done.returncode == 0, done.stderr
    return done


def as_json(*args, store: str):
    return json.loads(cli(*args, "--json", store=store).stdout)


@pytest.fixture(params=["ladybug", "neo4j"])
def url(request):
    return request.getfixturevalue("sample_lbug_url" if request.param == "ladybug"
                                   else "sample_neo4j_url")


def test_vn18_lists_the_vn18_flights_first_newest_first(url):
    data = as_json("search", "VN18", store=url)
    first = [r for r in data["results"] if r["key"].split("@")[0] == "VN18"]
    assert first and data["results"][:len(first)] == first  # before VN180, VN1821 ...
    dates = [r["key"].split("@")[1] for r in first]
    assert dates == sorted(dates, reverse=True) and VN18 in {r["id"] for r in first}
    assert all(r["match"] == "exact flight_no" for r in first)
    assert data["total"] >= len(data["results"]) and isinstance(data["truncated"], bool)


def test_a_prefix_finds_the_seized_container_and_says_how_many_more(url):
    data = as_json("search", "WHSU", "--limit", "5", store=url)
    assert "Container:WHSU5018375" in {r["id"] for r in data["results"]}
    assert data["total"] > 5 and len(data["results"]) == 5
    page2 = as_json("search", "WHSU", "--limit", "5", "--offset", "5", store=url)
    assert not {r["id"] for r in page2["results"]} & {r["id"] for r in data["results"]}
    text = cli("search", "WHSU", "--limit", "5", store=url).stdout
    assert f"of {data['total']}" in text and "--offset 5" in text


def test_a_typed_ref_goes_straight_to_the_entity(url):
    data = as_json("search", VN18, store=url)
    assert data["results"][0]["id"] == VN18 and data["results"][0]["match"] == "ref"


def test_the_summary_counts_what_the_database_holds(url, request):
    data = as_json("neighbours", VN18, "--summary", store=url)
    assert data["ref"] == VN18
    counts = {(c["label"], c["type"], c["direction"]): c["count"] for c in data["counts"]}
    from graph.core.stores import open_store

    with open_store(url) as s:
        _, rows = s.read("MATCH (p:Person)-[:TRAVELLED]->(f:Flight {flight_key: $k}) "
                         "RETURN count(p)", {"k": VN18.split(":", 1)[1]})
    assert counts[("Person", "TRAVELLED", "in")] == rows[0][0] > 50
    assert counts[("Airport", "DEPARTS_FROM", "out")] == 1
    assert counts[("Airport", "ARRIVES_AT", "out")] == 1


def test_the_persons_of_vn18_show_the_four_seized_passengers_first(url):
    data = as_json("neighbours", VN18, "--label", "Person", "--cap", "4", store=url)
    persons = {n["id"] for n in data["nodes"] if n["label"] == "Person"}
    assert persons == CIGARS
    assert data["left_out"][VN18] > 50
    assert data["left_out_by_type"][VN18]["TRAVELLED>Person"] == data["left_out"][VN18]
    text = cli("neighbours", VN18, "--label", "Person", "--cap", "4", store=url).stdout
    lines = text.splitlines()
    assert lines[0].startswith(f"{VN18}: ") and "TRAVELLED" in text
    assert "more not shown (" in text  # what kind the left-out ones are, near the top


def test_a_graph_query_gives_a_connected_graph(url):
    data = as_json("queries", "run", "transit_chain", "--graph", store=url)
    assert set(data) >= {"nodes", "edges"}
    g = nx.Graph()
    g.add_nodes_from(n["id"] for n in data["nodes"])
    g.add_edges_from((e["source"], e["target"]) for e in data["edges"])
    assert nx.is_connected(g)
    assert ("Person:P001201", "Company:0312345678") in {(e["source"], e["target"])
                                                        for e in data["edges"]}
