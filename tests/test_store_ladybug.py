"""Every store operation on a real LadybugDB on disk (the mini contract folder)."""

import subprocess
import sys

import pytest

from graph.core.errors import NotFound, QueryError, ReadOnlyError, SchemaError
from graph.core.store import node_row
from graph.core.stores import open_store
from loaders.load import load_folder
from tests.conftest import MINI, SAMPLE, lbug_url


@pytest.fixture
def mini(empty_lbug, tmp_path):
    load_folder(empty_lbug, MINI, rejects_file=tmp_path / "r.csv", progress=False)
    return empty_lbug


def test_get_by_ref(mini):
    node = mini.get("Container:WHSU5018375")
    assert node.label == "Container" and node.key == "WHSU5018375"
    assert node.properties["operator"] == "Wan Hai Lines"
    with pytest.raises(NotFound):
        mini.get("Container:MSCU0000000")
    with pytest.raises(SchemaError):
        mini.get("Spaceship:1")


@pytest.mark.parametrize("text,expected", [
    ("viet tran", "Company:0312345678"),
    ("VIỆT TRẤN", "Company:0312345678"),
    ("WHSU", "Container:WHSU5018375"),
    ("whsu5018375", "Container:WHSU5018375"),
    ("B1234567", "Person:P1"),
    ("nguyen van an", "Person:P1"),
    ("VN18@2017-03-19", "Flight:VN18@2017-03-19"),
])
def test_search_is_diacritics_blind_over_names_and_keys(mini, text, expected):
    found = [n.id for n in mini.search(text)]
    assert found and found[0] == expected, found


def test_search_ranks_exact_keys_first_and_filters_labels(mini):
    assert mini.search("QX7K2M")[0].id == "Booking:QX7K2M"
    assert all(n.label == "Person" for n in mini.search("n", labels=["Person"]))
    assert mini.search("   ") == []
    assert mini.search("zzzz-nothing") == []


def test_neighbours_with_filters(mini):
    sub = mini.neighbours("Flight:VN18@2017-03-19", hops=1)
    assert {"Person:P1", "Person:P2", "Person:P3", "Airport:CDG", "Airport:HAN"} <= set(sub.nodes)
    only = mini.neighbours("Flight:VN18@2017-03-19", labels=["Person"])
    assert {n.label for n in only.nodes.values()} == {"Flight", "Person"}
    rel = mini.neighbours("Flight:VN18@2017-03-19", rel_types=["DEPARTS_FROM"])
    assert set(rel.nodes) == {"Flight:VN18@2017-03-19", "Airport:CDG"}
    (edge,) = rel.edges.values()
    assert (edge.source, edge.type, edge.target) == ("Flight:VN18@2017-03-19", "DEPARTS_FROM",
                                                     "Airport:CDG")
    two = mini.neighbours("Container:WHSU5018375", hops=2)
    assert "Company:0312345678" in two.nodes


def test_neighbour_cap_reports_what_was_left_out(mini):
    sub = mini.neighbours("Flight:VN18@2017-03-19", cap=2)
    assert len(sub.nodes) == 3  # the flight and two neighbours
    # 7 in all: 3 travellers, 2 airports, the booking, the seizure.
    assert sub.left_out == {"Flight:VN18@2017-03-19": 5}
    most = mini.expand([mini.get("Flight:VN18@2017-03-19")], cap=1, order="most")
    # P1 (flights, booking, phone, email, address, company...) is the best connected.
    assert "Person:P1" in most.nodes


def test_neighbours_refuses_unknown_filters(mini):
    with pytest.raises(SchemaError):
        mini.neighbours("Flight:VN18@2017-03-19", labels=["Person`) DETACH DELETE n //"])
    with pytest.raises(SchemaError):
        mini.neighbours("Flight:VN18@2017-03-19", rel_types=["KNOWS"])
    with pytest.raises(NotFound):
        mini.neighbours("Flight:VN1@2017-03-19")


def test_shortest_paths(mini):
    (path,) = mini.paths("Container:WHSU5018375", "Company:0312345678", max_hops=2,
                         rel_types=["COVERS", "DECLARED"])
    assert [n.id for n in path.nodes] == ["Container:WHSU5018375", "Declaration:500100012345",
                                          "Company:0312345678"]
    both = mini.paths("Container:WHSU5018375", "Company:0312345678", max_hops=3)
    assert {len(p) for p in both} == {2}
    assert len(both) == 2  # through the declaration and through the seizure
    via_decl = mini.paths("Container:WHSU5018375", "Company:0312345678",
                          labels=["Declaration"])
    assert len(via_decl) == 1
    assert mini.paths("Person:P3", "Company:KH-00012345", max_hops=1) == []


def test_paths_avoid_hub_labels_unless_asked(mini):
    # P1 and P3 are linked through Country only via the (untraversed) Country hub
    # and directly through flight VN18.
    paths = mini.paths("Person:P1", "Person:P3", max_hops=2)
    assert all("Country" not in {n.label for n in p.nodes} for p in paths)
    assert paths and all("Flight:VN18@2017-03-19" in [n.id for n in p.nodes] for p in paths)


def test_analyst_queries_are_read_only_and_limited(mini):
    res = mini.query("MATCH (p:Person) RETURN p.person_id ORDER BY p.person_id")
    assert res.rows == [["P1"], ["P2"], ["P3"]] and not res.truncated
    cut = mini.query("MATCH (p:Person) RETURN p.person_id", limit=2)
    assert len(cut.rows) == 2 and cut.truncated
    for write in ("CREATE (:Phone {number: '+1'})", "MATCH (p:Person) SET p.full_name = 'x'",
                  "MATCH (p:Person) DETACH DELETE p", "MERGE (:Brand {brand_key: 'X'})",
                  "CREATE NODE TABLE Evil(id STRING PRIMARY KEY)"):
        with pytest.raises(ReadOnlyError):
            mini.query(write)
    assert mini.counts()["nodes"]["Person"] == 3
    with pytest.raises(QueryError):
        mini.query("MATCH (n:Nope) RETURN n")
    res = mini.query("MATCH (p:Person {person_id: $id}) RETURN p.full_name", {"id": "P1"})
    assert res.rows == [["Nguyễn Văn An"]]


def test_upserts_are_idempotent_and_keep_stored_values(empty_lbug):
    rows = [node_row("Port", "VNCLI", {"name": "Cát Lái", "country": "VN"}, "ports.csv:2")]
    assert empty_lbug.upsert_nodes("Port", rows).created == 1
    assert empty_lbug.upsert_nodes("Port", rows).unchanged == 1
    # A partial row (a port named only by code in a declaration) erases nothing.
    partial = [node_row("Port", "VNCLI", {"country": "VN"}, "declarations.csv:9")]
    empty_lbug.upsert_nodes("Port", partial)
    port = empty_lbug.get("Port:VNCLI")
    assert port.properties["name"] == "Cát Lái" and port.properties["source"] == "ports.csv:2"
    assert empty_lbug.search("cat lai")[0].id == "Port:VNCLI"


def test_load_works_while_a_reader_has_the_store_open(tmp_path):
    url = lbug_url(tmp_path)
    with open_store(url) as reader:
        assert reader.counts()["nodes"]["Person"] == 0
        done = subprocess.run(
            [sys.executable, "-m", "graph.cli", "load", str(MINI), "--store", url,
             "--rejects", str(tmp_path / "r.csv"), "--no-progress"],
            capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        # The reader sees the committed load without being reopened by hand.
        assert reader.counts()["nodes"]["Person"] == 3


def test_sample_folder_is_present():
    assert (SAMPLE / "persons.csv").is_file(), "sample_data/ must hold the generated CSVs"


def test_neighbourhoods_are_read_one_node_at_a_time_within_a_small_buffer_pool(
        sample_lbug_url, sample_lbug):
    # `UNWIND $keys AS k MATCH (a {key: k})-[r]-(b) RETURN a, r, b` is planned as
    # a join against every relationship: at 100,000 persons it filled a 512 MB
    # pool; at the sample's size a 64 MB pool shows the same. Index look-ups (the
    # key's MATCH, then an OPTIONAL MATCH of its own) fit, once the plans the
    # connection keeps give their pages back.
    from graph.core.ladybug_store import LadybugStore

    small = LadybugStore(sample_lbug_url, read_buffer=64 * 1024**2)
    try:
        got = small.neighbours("Flight:VN18@2017-03-19", hops=2, cap=500)
    finally:
        small.close()
    want = sample_lbug.neighbours("Flight:VN18@2017-03-19", hops=2, cap=500)
    assert len(got.nodes) > 1000
    assert set(got.nodes) == set(want.nodes) and set(got.edges) == set(want.edges)
    assert got.left_out == want.left_out
