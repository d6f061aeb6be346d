"""Neighbour summaries, what a capped hub shows first, and hot reads that use
the engines' indexes (both stores, sample set)."""

from __future__ import annotations

import re

import pytest

from graph.core import schema
from graph.core.errors import NotFound
from graph.core.store import ORDERS, node_row

FLIGHT, CONTAINER, VIET_TRAN = "Flight:VN18@2017-03-19", "Container:WHSU5018375", \
    "Company:0312345678"
SEIZED = {f"Person:P00090{i}" for i in range(1, 5)}


@pytest.mark.parametrize("ref", [FLIGHT, CONTAINER, VIET_TRAN, "Person:P000901"])
def test_summary_counts_what_a_direct_count_counts(sample_store, ref):
    lb, key = schema.parse_ref(ref)
    got = sample_store.summary(ref)
    for d in got:
        rt, far = schema.rel_type(d["type"]), schema.label(d["label"])
        arrow = ("-[r:{t}]->(b:{b})" if d["direction"] == "out" else "<-[r:{t}]-(b:{b})")
        n = sample_store.read(f"MATCH (a:{lb.name} {{{lb.key}: $k}})"
                              + arrow.format(t=rt.name, b=far.name) + " RETURN count(r)",
                              {"k": key})[1][0][0]
        assert n == d["count"], d
    total = sample_store.read(f"MATCH (a:{lb.name} {{{lb.key}: $k}})-[r]-() RETURN count(r)",
                              {"k": key})[1][0][0]
    assert sum(d["count"] for d in got) == total


def test_flight_summary(sample_store):
    got = {(d["label"], d["type"], d["direction"]): d["count"]
           for d in sample_store.summary(FLIGHT)}
    assert got[("Person", "TRAVELLED", "in")] == 155
    assert got[("Seizure", "INVOLVES", "in")] == 1
    assert got[("Airport", "DEPARTS_FROM", "out")] == got[("Airport", "ARRIVES_AT", "out")] == 1
    assert ("Booking", "FOR_FLIGHT", "in") in got
    with pytest.raises(NotFound):
        sample_store.summary("Flight:VN18@1999-01-01")


@pytest.fixture(params=["few", "many"])
def hub_size(request, monkeypatch):
    """"many": the hub counts as one with many neighbours (no degrees read)."""
    if request.param == "many":
        monkeypatch.setattr("graph.core.neighbourhood.RISK_DEGREES", 10)
    return request.param


def test_risk_order_shows_the_seized_passengers_first(sample_store, hub_size):
    sub = sample_store.neighbours(FLIGHT, labels=["Person"], cap=50)
    assert SEIZED <= set(sub.nodes)
    assert sub.left_out == {FLIGHT: 105}
    assert sub.left_out_by_type == {FLIGHT: {"TRAVELLED>Person": 105}}
    four = sample_store.neighbours(FLIGHT, labels=["Person"], cap=4)
    assert set(four.nodes) - {FLIGHT} == SEIZED
    # then those linked to another seizure (P002049: a 2016 seizure at SGN)
    five = sample_store.neighbours(FLIGHT, labels=["Person"], cap=5)
    assert set(five.nodes) - {FLIGHT} == SEIZED | {"Person:P002049"}
    # then the caller's priority refs (e.g. watchlist hits)
    six = sample_store.neighbours(FLIGHT, labels=["Person"], cap=6, priority={"Person:P000006"})
    assert set(six.nodes) - {FLIGHT} == SEIZED | {"Person:P002049", "Person:P000006"}
    # the key order, kept for stability, does not
    keyed = sample_store.neighbours(FLIGHT, labels=["Person"], cap=4, order="key")
    assert not SEIZED & set(keyed.nodes)


def test_a_capped_hub_shows_its_seizure_and_says_what_it_left_out(sample_store):
    sub = sample_store.neighbours(FLIGHT, cap=50)
    assert "Seizure:SZ-2017-0319-HAN" in sub.nodes
    assert SEIZED <= set(sub.nodes)
    by_type = sub.left_out_by_type[FLIGHT]
    assert sum(by_type.values()) == sub.left_out[FLIGHT]
    summary = {f"{d['type']}>{d['label']}": d["count"] for d in sample_store.summary(FLIGHT)}
    shown: dict[str, int] = {}
    for e in sub.edges.values():
        far = e.source if e.target == FLIGHT else e.target
        k = f"{e.type}>{far.split(':')[0]}"
        shown[k] = shown.get(k, 0) + 1
    for k, n in by_type.items():
        assert n == summary[k] - shown.get(k, 0), k
    js = sub.to_json()
    assert js["left_out_by_type"] == {FLIGHT: by_type}
    assert "left_out_by_type" not in sample_store.neighbours(CONTAINER).to_json()


@pytest.mark.parametrize("order", ORDERS)
def test_every_order_keeps_the_cap(sample_store, order):
    sub = sample_store.neighbours(FLIGHT, labels=["Person"], cap=7, order=order)
    assert len(sub.nodes) == 8
    with pytest.raises(schema.SchemaError):
        sample_store.neighbours(FLIGHT, cap=7, order="random; DROP")


# --- hot reads use the engines' indexes ---------------------------------------------------
# Seizures are few: listing them may read their label whole (statements allowed to).
_SMALL_SCANS = ("MATCH (s:Seizure) RETURN", "MATCH (s:Seizure) MATCH (s)-[:INVOLVES]->(n) RETURN")
_SMALL = {"Seizure"}
_HEADER = re.compile(r"│\s*SCAN_NODE_TABLE\[(\d+)\]\s*│")
_MASKED = re.compile(r"Operators: ((?:SCAN_NODE_TABLE\[\d+\](?:, )?)+)")


class Recorder:
    """Wraps a store's read() to keep every statement a call runs."""

    def __init__(self, store):
        self.store, self.seen = store, []
        self._read = store.read

    def __enter__(self):
        def read(cypher, params=None):
            self.seen.append((cypher, dict(params or {})))
            return self._read(cypher, params)
        self.store.read = read
        return self

    def __exit__(self, *exc):
        del self.store.read


def _ladybug_scans(store, cypher, params) -> list[str]:
    """Node-table scans no semi-join mask narrows (LadybugDB names, in a
    SEMI_MASKER, the scans it restricts to the nodes a key look-up reached)."""
    if cypher.startswith(_SMALL_SCANS):
        return []
    _, conn = store._reader()
    plan = conn.execute("EXPLAIN " + cypher, params).get_as_df().iloc[0, 0]
    scans = set(_HEADER.findall(plan))
    masked = {i for group in _MASKED.findall(plan) for i in re.findall(r"\[(\d+)\]", group)}
    return [f"SCAN_NODE_TABLE[{i}]" for i in sorted(scans - masked)]


def _neo4j_scans(store, cypher, params) -> list[str]:
    with store._driver.session(database=store.database) as s:
        plan = s.run("EXPLAIN " + cypher, params).consume().plan
    bad = []

    def walk(p):
        op = p["operatorType"].split("@")[0]
        if op in ("AllNodesScan", "NodeByLabelScan"):
            label = str(p.get("args", {}).get("Details", ""))
            if not any(f":{x}" in label for x in _SMALL):
                bad.append(f"{op} {label}")
        for c in p.get("children", []):
            walk(c)
    walk(plan)
    return bad


HOT = [
    ("search", lambda s: s.search_ranked("VN18")),
    ("search name", lambda s: s.search_ranked("Trần Văn Dũng")),
    ("search ref", lambda s: s.search_ranked(FLIGHT)),
    ("search typo", lambda s: s.search_ranked("Viet Tram")),
    ("get", lambda s: s.get(CONTAINER)),
    ("summary", lambda s: s.summary(FLIGHT)),
    ("neighbours capped", lambda s: s.neighbours(FLIGHT, cap=20)),
    ("neighbours 2 hops", lambda s: s.neighbours(CONTAINER, hops=2)),
    ("neighbours most", lambda s: s.neighbours(FLIGHT, labels=["Person"], cap=5, order="most")),
    ("neighbours newest", lambda s: s.neighbours(VIET_TRAN, cap=5, order="newest")),
    ("neighbours risk", lambda s: s.neighbours(FLIGHT, cap=6, priority={"Person:P000006"})),
]


@pytest.mark.parametrize(("name", "call"), HOT, ids=[h[0] for h in HOT])
def test_hot_reads_use_indexes(sample_store, hub_size, name, call):
    check = _ladybug_scans if sample_store.kind == "ladybug" else _neo4j_scans
    sample_store.search_ranked("warm up")  # opening checks the index once (counts labels)
    with Recorder(sample_store) as rec:
        call(sample_store)
    assert rec.seen, name
    for cypher, params in rec.seen:
        assert check(sample_store, cypher, params) == [], cypher


def test_the_plan_check_sees_a_scan(sample_store):
    """The check above can fail: a label scan is reported."""
    check = _ladybug_scans if sample_store.kind == "ladybug" else _neo4j_scans
    assert check(sample_store, "MATCH (n:Person) WHERE n.full_name = $x RETURN n", {"x": "a"})
    assert check(sample_store, "MATCH (n:Flight) WHERE n.flight_key IN $k RETURN n",
                 {"k": ["a"]}) or sample_store.kind == "neo4j"
    if sample_store.kind == "ladybug":  # a key list and a relationship in one MATCH
        assert check(sample_store, "UNWIND $k AS k MATCH (a:Flight {flight_key: k})-[r]-(b) "
                     "RETURN a, r, b", {"k": ["a"]})


def test_hubs_are_shown_not_stepped_through(sample_store):
    """A person's country is a hop-1 neighbour; its thousands of citizens are not
    hop 2 unless asked for, and the country says how many it holds back."""
    person = "Person:P000901"
    country = next(e.target for e in sample_store.neighbours(person).edges.values()
                   if e.type == "CITIZEN_OF")
    two = sample_store.neighbours(person, hops=2, cap=50)
    assert country in two.nodes
    citizens = {e.source for e in two.edges.values()
                if e.type == "CITIZEN_OF" and e.target == country}
    assert citizens <= {person} | {n for n in two.nodes if n.startswith("Person:")}
    counts = sample_store.summary(country)
    shown = sum(1 for e in two.edges.values() if country in (e.source, e.target))
    assert two.left_out[country] == sum(d["count"] for d in counts) - shown
    assert sum(two.left_out_by_type[country].values()) == two.left_out[country]
    through = sample_store.neighbours(person, hops=2, cap=50, through_hubs=True)
    stepped = {e.source for e in through.edges.values()
               if e.type == "CITIZEN_OF" and e.target == country}
    assert len(stepped) > len(citizens)
    assert sum(1 for e in through.edges.values() if country in (e.source, e.target)) >= 50


# --- one neighbourhood algorithm for both stores ------------------------------------------
SHARED = ("neighbours", "expand", "degrees", "_type_counts", "_one_hop", "_top_neighbours",
          "_risk_of_many", "_note_unexpanded")


def test_both_stores_run_the_one_neighbourhood_algorithm():
    """The base's reads are the ones that run: no store overrides them (the embedded
    store once had its own expand and degrees, so the base's ran on Neo4j only)."""
    from graph.core.ladybug_store import LadybugStore
    from graph.core.neo4j_store import Neo4jStore
    from graph.core.store import Store

    for cls in (LadybugStore, Neo4jStore):
        overridden = [m for m in SHARED if getattr(cls, m) is not getattr(Store, m)]
        assert overridden == [], cls.__name__


def test_the_base_counts_many_nodes_in_one_statement(sample_store):
    """The degrees of a whole frontier are one statement; on Neo4j its rows too, one
    statement per relationship type (the embedded store reads each node alone)."""
    persons = [sample_store.get(r) for r in sorted(SEIZED)]
    types = {d["type"] for r in SEIZED for d in sample_store.summary(r)}
    with Recorder(sample_store) as rec:
        sub = sample_store.expand(persons, cap=500)
    assert rec.seen[0][0].startswith("UNWIND $keys")
    assert set(rec.seen[0][1]["keys"]) == {r.split(":")[1] for r in SEIZED}
    if sample_store.kind == "neo4j":
        assert len(rec.seen) == 1 + len(types), rec.seen
        assert all(c.startswith("UNWIND $keys") for c, _ in rec.seen)
    for ref in SEIZED:  # the same edges as each node read alone
        alone = sample_store.expand([sample_store.get(ref)], cap=500)
        assert set(alone.edges) <= set(sub.edges)


def test_names_read_back_from_the_store_never_reach_cypher(empty_neo4j):
    """Neo4j can hold labels and types the schema does not have; a neighbourhood
    counts relationships by the names the database returns, and only names in the
    schema are put into the next statement. A hostile label or type is left out."""
    store = empty_neo4j
    store.upsert_nodes("Person", [node_row("Person", "P1", {"full_name": "An"}, "t:1")])
    evil_label = "Phone {key: 'x'}) DETACH DELETE a //"
    evil_type = "HAS_PHONE]-(x) DETACH DELETE a //"
    store.write(f"MATCH (a:Person {{person_id: 'P1'}}) "
                f"CREATE (a)-[:`{evil_type}`]->(:`{evil_label}` {{ref: 'E:1'}})")
    with Recorder(store) as rec:
        sub = store.neighbours("Person:P1", hops=2)
    assert set(sub.nodes) == {"Person:P1"} and not sub.edges
    assert not any("DETACH" in c for c, _ in rec.seen), rec.seen
    assert store.exists("Person:P1")
    assert store.read("MATCH (n) RETURN count(n)")[1] == [[2]]
