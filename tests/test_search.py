"""Ranked search on both stores, and the embedded store's search index.

The sample set (sample_data/) holds the two stories: flight VN18@2017-03-19
with the four seized passengers, container WHSU5018375 of Viet Tran company.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from graph.analysis import resolve
from graph.core import schema
from graph.core.search_index import SearchIndex, index_path
from graph.core.store import node_row
from graph.core.stores import open_store
from loaders.load import load_folder
from tests.conftest import MINI, ROOT, SAMPLE, lbug_url

FLIGHT, CONTAINER, VIET_TRAN = "Flight:VN18@2017-03-19", "Container:WHSU5018375", \
    "Company:0312345678"


def test_flight_number_lists_its_flights_newest_first(sample_store):
    found = sample_store.search_ranked("VN18", limit=100)
    exact = [h for h in found.results if h.match == "exact flight_no"]
    assert exact and found.results[:len(exact)] == exact, "the VN18 flights come first"
    assert all(h.node.properties["flight_no"] == "VN18" for h in exact)
    dates = [h.node.properties["departure_date"] for h in exact]
    assert dates == sorted(dates, reverse=True)
    assert FLIGHT in [h.node.id for h in exact]
    # then the other flight numbers starting VN18, in natural order
    rest = [h.node.properties["flight_no"] for h in found.results[len(exact):]
            if h.match == "key prefix"]
    assert rest and all(no.startswith("VN18") and no != "VN18" for no in rest)
    nums = [int(no[2:]) for no in dict.fromkeys(rest)]
    assert nums == sorted(nums)


def test_container_prefix_puts_the_seized_container_on_the_first_page(sample_store):
    page = sample_store.search_ranked("WHSU", limit=20)
    ids = [h.node.id for h in page.results]
    assert CONTAINER in ids
    assert all(h.match == "key prefix" for h in page.results)
    want = sample_store.read("MATCH (c:Container) WHERE c.container_no STARTS WITH 'WHSU' "
                             "RETURN count(c)")[1][0][0]
    assert page.total == want > 20
    assert page.truncated
    # pages do not overlap and the last one says it is the last
    last = sample_store.search_ranked("WHSU", limit=20, offset=want - 5)
    assert len(last.results) == 5 and not last.truncated
    again = sample_store.search_ranked("WHSU", limit=40)
    nxt = sample_store.search_ranked("WHSU", limit=20, offset=20)
    assert [h.node.id for h in again.results] == ids + [h.node.id for h in nxt.results]
    # the old contract still answers with nodes, in the same order
    assert [n.id for n in sample_store.search("WHSU")] == ids


@pytest.mark.parametrize("text", [FLIGHT, "flight:VN18@2017-03-19", " FLIGHT: vn18@2017-03-19"])
def test_a_typed_ref_goes_straight_to_the_entity(sample_store, text):
    found = sample_store.search_ranked(text)
    assert [(h.node.id, h.match) for h in found.results] == [(FLIGHT, "ref")]
    assert (found.total, found.truncated) == (1, False)


def test_a_typed_ref_to_nothing_finds_nothing_else(sample_store):
    assert sample_store.search_ranked("Flight:VN18@1999-01-01").results == []
    with pytest.raises(schema.SchemaError):
        sample_store.search_ranked("VN18", labels=["Nope"])


def test_names_are_diacritics_blind_and_closest_first(sample_store):
    a = sample_store.search_ranked("Việt Trấn")
    b = sample_store.search_ranked("VIET TRAN")
    assert [h.node.id for h in a.results] == [h.node.id for h in b.results]
    assert a.results[0].node.id == VIET_TRAN and a.results[0].match == "name"
    assert a.results[0].properties == ("name",)


def test_typo_finds_the_company(sample_store):
    found = sample_store.search_ranked("Viet Tram")
    assert found.results[0].node.id == VIET_TRAN
    assert found.results[0].match == "fuzzy"
    # only when nothing matched exactly
    assert all(h.match != "fuzzy" for h in sample_store.search_ranked("Viet Tran").results)


def test_passport_match_is_marked_personal(sample_store):
    found = sample_store.search_ranked("C3640220")
    hit = found.results[0]
    assert (hit.node.id, hit.match, hit.properties) == ("Person:P000901", "exact passport_no",
                                                        ("passport_no",))
    assert hit.personal_only
    name = sample_store.search_ranked("Trần Văn Dũng").results[0]
    assert name.match == "name" and not name.personal_only
    assert json.loads(json.dumps(found.to_json()))["results"][0]["match"] == "exact passport_no"


def test_hostile_text_is_only_text(sample_store):
    for text in ['" OR 1=1 --', "a* AND b~2", "x}) MATCH (n) DETACH DELETE n //", "*", ":"]:
        found = sample_store.search_ranked(text)
        assert found.total == len(found.results) or found.truncated
    assert sample_store.counts()["nodes"]["Person"] == 2500


# --- the embedded store's index ---------------------------------------------------------
def _index_agrees(store) -> None:
    store.search_ranked("x")  # opening a search checks (and rebuilds) the index
    assert not store._index.dirty()
    assert store._index.counts() == store._node_counts()


def test_index_follows_incremental_loads_and_merges(tmp_path):
    url = lbug_url(tmp_path)
    with open_store(url) as s:
        load_folder(s, MINI, rejects_file=tmp_path / "r.csv", progress=False)
        _index_agrees(s)
        s.upsert_nodes("Person", [node_row("Person", "T1", {"full_name": "Zebedee Quux"},
                                           "t:1")])
        assert s.search_ranked("zebedee").results[0].node.id == "Person:T1"
        # an update changes what the index holds, not how many
        s.upsert_nodes("Person", [node_row("Person", "T1", {"full_name": "Zebedee Xyzzy",
                                                            "passport_no": "Q1"}, "t:2")])
        assert s.search_ranked("xyzzy").results[0].node.id == "Person:T1"
        assert s.search_ranked("quux").results == []
        _index_agrees(s)
        s.upsert_nodes("Person", [node_row("Person", "T2", {"full_name": "Zebedee Xyzzy"},
                                           "t:3")])
        resolve.accept(s, "Person:T1", "Person:T2", 0.99, "tester")
        assert {h.node.id for h in s.search_ranked("zebedee xyzzy").results} == \
            {"Person:T1", "Person:T2"}
        resolve.undo(s, "Person:T1", "Person:T2")
        assert {h.node.id for h in s.search_ranked("zebedee xyzzy").results} == \
            {"Person:T1", "Person:T2"}
        _index_agrees(s)


def test_stale_index_is_detected_and_rebuilt(tmp_path):
    url = lbug_url(tmp_path)
    with open_store(url) as s:
        load_folder(s, MINI, rejects_file=tmp_path / "r.csv", progress=False)
        _index_agrees(s)
        # a write that went around the index (as an older version would have)
        s.write("CREATE (:Person {person_id: 'T9', full_name: 'Hidden Hilda', "
                "search_text: 't9 hidden hilda', ref: 'Person:T9'})")
    with open_store(url) as s:
        assert s.search_ranked("hilda").results[0].node.id == "Person:T9"
        _index_agrees(s)
    # killed between the graph write and the index write: the dirty mark stays
    with open_store(url) as s:
        SearchIndex(index_path(s.path)).mark_dirty()
        s.write("MATCH (p:Person {person_id: 'T9'}) SET p.search_text = 't9 hidden hortense'")
    with open_store(url) as s:
        assert s.search_ranked("hortense").results[0].node.id == "Person:T9"
        assert s.search_ranked("hilda").results == []
    # a missing index file is rebuilt too
    index_path(s.path).unlink()
    with open_store(url) as s:
        assert s.search_ranked("hortense").results[0].node.id == "Person:T9"


def test_index_right_after_a_killed_load_and_rerun(tmp_path):
    from tests.test_reliability import kill_part_way, run_load

    # Killed part way through: how far is timed on this machine, as the reliability
    # suite does (a fixed delay outran a fast load).
    t0 = time.monotonic()
    run_load(lbug_url(tmp_path / "whole"), tmp_path / "r0.csv")
    took = time.monotonic() - t0
    url = lbug_url(tmp_path)
    kill_part_way(url, tmp_path / "r1.csv", after_s=took * 0.45)
    with open_store(url) as s:
        _index_agrees(s)
    run_load(url, tmp_path / "r2.csv")
    with open_store(url) as s:
        _index_agrees(s)
        assert CONTAINER in [h.node.id for h in s.search_ranked("WHSU").results]
        assert s.search_ranked("VN18").results[0].match == "exact flight_no"


def test_index_is_kept_beside_the_store_and_readers_see_it(sample_lbug_url, tmp_path):
    # another process reading the same store uses the same index file
    code = ("import json,sys; from graph.core.stores import open_store; "
            "s = open_store(sys.argv[1]); r = s.search_ranked('WHSU5018375'); "
            "print(json.dumps(r.to_json()))")
    out = subprocess.run([sys.executable, "-c", code, sample_lbug_url], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    assert got["results"][0]["id"] == CONTAINER
    assert got["results"][0]["match"] == "exact container_no"
    assert SAMPLE.exists()


def test_neo4j_index_is_full_text_and_old_text_is_detected(sample_neo4j):
    from graph.core.neo4j_store import SEARCH_ANALYZER, SEARCH_INDEX

    _, rows = sample_neo4j.read("SHOW INDEXES YIELD name, type, state, options "
                                "WHERE name = $n RETURN type, state, options", {"n": SEARCH_INDEX})
    kind, state, options = rows[0]
    assert (kind, state) == ("FULLTEXT", "ONLINE")
    assert options["indexConfig"]["fulltext.analyzer"] == SEARCH_ANALYZER
    assert sample_neo4j._search_online()
    # text written by an older version ("a | b@c"): detected, searched by scan, then fixed
    sample_neo4j.write("MATCH (n:Country) SET n.search_text = n.search_text + ' | old@text'")
    with open_store(sample_neo4j.url) as s:
        assert not s._search_online()
        assert s.search_ranked("Viet Nam").results[0].node.id == "Country:VN"
        assert s.rebuild_search_index() > 15000
        assert s._search_online()
        assert s.search_ranked("Viet Nam").results[0].node.id == "Country:VN"
        assert s.search_ranked("old").results == []


# --- typo tolerance on names that are not in the sample (last: it empties Neo4j) -------
@pytest.fixture(params=["ladybug", "neo4j"])
def typo_store(request, tmp_path):
    """A store holding only the misspelt records."""
    if request.param == "ladybug":
        s = open_store(lbug_url(tmp_path))
    else:
        s = open_store(request.getfixturevalue("empty_neo4j").url)
    with s:
        s.upsert_nodes("Person", [node_row("Person", "T900001", {"full_name": "Nguyen Van Dzung"},
                                           "t:1")])
        s.upsert_nodes("Company", [node_row("Company", "T900002", {"name": "Viet Tram Trading"},
                                            "t:2")])
        yield s


@pytest.mark.parametrize(("query", "want"), [("Nguyễn Văn Dũng", "Person:T900001"),
                                             ("Việt Trấn", "Company:T900002")])
def test_typo_tolerant_names(typo_store, query, want):
    found = typo_store.search_ranked(query)
    assert [(h.node.id, h.match) for h in found.results] == [(want, "fuzzy")]
    assert found.results[0].properties == (schema.label(want.split(":")[0]).caption,)
    # too far off: nothing
    assert typo_store.search_ranked("Nguyễn Văn Xyz").results == []


def test_a_new_seizure_link_counts_at_once_though_the_links_are_cached(sample_store):
    """Search and busy neighbourhoods put seized entities first from a cached
    list of seizure links: a link added after the list was read must count at
    the next read, not when the cache ages out."""
    before = sample_store.seizure_links()
    person = schema.make_ref("Person", "P000777")
    assert person not in before
    seizure = next(iter(next(iter(before.values()))))
    sz, inv = schema.L.Seizure, schema.R.INVOLVES
    ends = (f"MATCH (s:{sz.name} {{{sz.key}: $s}}) MATCH (p:Person {{person_id: $p}}) ",
            {"s": seizure.split(":", 1)[1], "p": "P000777"})
    sample_store.write(ends[0] + f"CREATE (s)-[:{inv.name} {{role: 'suspect', "
                       "source: 'test'}]->(p)", ends[1])
    try:
        assert sample_store.seizure_links()[person] == {seizure}
    finally:  # the sample store is shared by the session's tests
        sample_store.write(ends[0] + f"MATCH (s)-[r:{inv.name}]->(p) DELETE r", ends[1])
    assert person not in sample_store.seizure_links()
