"""The Neo4j store against a real server (tools/neo4j-test-server), no mocks.

Write semantics are checked on both stores side by side: the embedded store is
the reference."""

from __future__ import annotations

import pytest

from graph.core import schema
from graph.core.errors import QueryError, ReadOnlyError, StoreUnavailable
from graph.core.model import Edge, Node
from graph.core.neo4j_store import Neo4jStore, parse_url
from graph.core.store import node_row
from graph.core.stores import open_store
from loaders.load import load_folder
from tests.conftest import MINI


# --- URL and connection ---------------------------------------------------------------
def test_url_forms(monkeypatch):
    for var in ("NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE"):
        monkeypatch.delenv(var, raising=False)
    assert parse_url("bolt://localhost:7687") == (
        "bolt://localhost:7687", None, None, None, "bolt://localhost:7687")
    uri, user, pw, db, shown = parse_url("neo4j+s://ana:p%40ss%3Aw@abc.databases.neo4j.io"
                                         "?database=customs")
    assert (uri, user, pw, db) == ("neo4j+s://abc.databases.neo4j.io", "ana", "p@ss:w", "customs")
    assert "p@ss" not in shown and "p%40ss" not in shown
    assert shown == "neo4j+s://ana@abc.databases.neo4j.io?database=customs"
    # Routing context stays for the driver; the database does not.
    assert parse_url("neo4j://h:7687?region=eu&database=x")[0] == "neo4j://h:7687?region=eu"
    monkeypatch.setenv("NEO4J_USER", "env-user")
    monkeypatch.setenv("NEO4J_PASSWORD", "env-pw")
    monkeypatch.setenv("NEO4J_DATABASE", "envdb")
    assert parse_url("bolt://h")[1:4] == ("env-user", "env-pw", "envdb")
    assert parse_url("bolt://u:pw@h?database=d")[1:4] == ("u", "pw", "d")  # the URL wins


def test_unreachable_server_is_one_clear_line():
    with pytest.raises(StoreUnavailable) as e:
        open_store("bolt://127.0.0.1:9")
    msg = str(e.value)
    assert "\n" not in msg and "127.0.0.1:9" in msg and "unreachable" in msg


def _schema_objects(store: Neo4jStore) -> tuple[set, set]:
    # Cypher 25 names a node uniqueness constraint NODE_PROPERTY_UNIQUENESS.
    _, cons = store.read("SHOW CONSTRAINTS YIELD type, labelsOrTypes, properties "
                         "RETURN replace(type, 'NODE_PROPERTY_', ''), labelsOrTypes[0], "
                         "properties[0]")
    _, idx = store.read("SHOW INDEXES YIELD type, entityType, labelsOrTypes, properties "
                        "WHERE entityType = 'NODE' AND properties IS NOT NULL "
                        "RETURN type, labelsOrTypes[0], properties[0]")
    return {tuple(r) for r in cons}, {tuple(r) for r in idx}


def test_connect_creates_constraints_and_indexes_idempotently(neo4j_url):
    with open_store(neo4j_url) as first:
        cons, idx = _schema_objects(first)
    with open_store(neo4j_url) as second:  # opening again changes nothing
        assert _schema_objects(second) == (cons, idx)
    for lb in schema.LABELS:
        assert ("UNIQUENESS", lb.name, lb.key) in cons
        assert ("TEXT", lb.name, schema.SEARCH) in idx
        if lb.dated:
            assert ("RANGE", lb.name, lb.dated) in idx


def test_connect_to_a_complete_schema_writes_nothing(neo4j_url, monkeypatch):
    """Opening a store whose constraints and indexes exist sends no DDL, in Cypher 5
    and in Cypher 25 alike (they name constraint types differently)."""
    import neo4j

    with open_store(neo4j_url):
        pass
    sent = []
    run = neo4j.Session.run

    def recording_run(self, query, *args, **kwargs):
        sent.append(str(query))
        return run(self, query, *args, **kwargs)

    monkeypatch.setattr(neo4j.Session, "run", recording_run)
    with open_store(neo4j_url):
        pass
    assert any(q.startswith("SHOW CONSTRAINTS") for q in sent)  # the check did run
    assert not [q for q in sent if q.startswith(("CREATE", "CALL db.awaitIndexes"))]


# --- writes ---------------------------------------------------------------------------
def test_loading_twice_changes_nothing(empty_neo4j, tmp_path):
    first = load_folder(empty_neo4j, MINI, rejects_file=tmp_path / "r1.csv", progress=False)
    assert sum(first.counts["nodes"].values()) > 20
    second = load_folder(empty_neo4j, MINI, rejects_file=tmp_path / "r2.csv", progress=False)
    assert second.counts == first.counts
    for lb in schema.LABELS:
        _, rows = empty_neo4j.read(
            f"MATCH (n:{lb.name}) RETURN count(n), count(DISTINCT n.{lb.key})")
        assert rows[0][0] == rows[0][1], lb.name
    for rt in schema.REL_TYPES:
        keys = ", ".join(["a", "b"] + [f"r.{k} AS {k}" for k in rt.key])
        _, rows = empty_neo4j.read(
            f"MATCH (a)-[r:{rt.name}]->(b) WITH {keys}, count(*) AS c WHERE c > 1 RETURN count(*)")
        assert rows[0][0] == 0, f"duplicate {rt.name}"


@pytest.fixture(params=["ladybug", "neo4j"])
def empty_store(request):
    return request.getfixturevalue("empty_lbug" if request.param == "ladybug" else "empty_neo4j")


def _counts(c):
    return (c.created, c.updated, c.unchanged)


def test_node_upsert_semantics(empty_store):
    s = empty_store
    row = node_row("Seizure", "SZ-1", {"date": "2017-01-02", "goods": "cigars", "quantity": 5,
                                       "value_usd": 100, "location": "HAN",
                                       "violation": "smuggling"}, "a.csv:2")
    assert _counts(s.upsert_nodes("Seizure", [row, dict(row)])) == (1, 0, 0)
    assert _counts(s.upsert_nodes("Seizure", [dict(row)])) == (0, 0, 1)
    stored = s.get("Seizure:SZ-1").properties
    assert isinstance(stored["value_usd"], float) and isinstance(stored["quantity"], int)
    # A partial row from elsewhere: empty values erase nothing, source stays,
    # a missing search_text keeps the stored one.
    partial = node_row("Seizure", "SZ-1", {"unit": "team 2"}, "b.csv:9")
    assert partial[schema.SEARCH] is None
    assert _counts(s.upsert_nodes("Seizure", [partial])) == (0, 1, 0)
    after = s.get("Seizure:SZ-1").properties
    assert after == {**stored, "unit": "team 2"}
    assert after[schema.SOURCE] == "a.csv:2"
    # A partial row that creates: search_text made from what it has.
    s.upsert_nodes("Port", [node_row("Port", "VNCLI", {}, "c.csv:3")])
    assert "vncli" in s.get("Port:VNCLI").properties[schema.SEARCH]


def test_relationship_upsert_semantics_and_missing_ends(empty_store):
    s = empty_store
    s.upsert_nodes("Person", [node_row("Person", "P1", {"full_name": "An"}, "p.csv:2")])
    s.upsert_nodes("Company", [node_row("Company", "C1", {"name": "Co"}, "c.csv:2")])
    rows = [
        {"from": "P1", "to": "C1", "role": "director", "since": None, "source": "o.csv:2"},
        {"from": "P1", "to": "C1", "role": "owner", "since": "2016", "source": "o.csv:3"},
        {"from": "P1", "to": "C404", "role": "owner", "since": None, "source": "o.csv:4"},
        {"from": "P404", "to": "C1", "role": "owner", "since": None, "source": "o.csv:5"},
    ]
    first = s.upsert_relationships("OFFICER_OF", "Person", "Company", rows)
    assert _counts(first) == (2, 0, 0)
    assert [(r["source"], end) for r, end in first.missing] == [
        ("o.csv:4", "Company"), ("o.csv:5", "Person")]
    again = s.upsert_relationships("OFFICER_OF", "Person", "Company", rows[:2])
    assert _counts(again) == (0, 0, 2)
    change = [{"from": "P1", "to": "C1", "role": "director", "since": "2015",
               "source": "o.csv:9"}]
    assert _counts(s.upsert_relationships("OFFICER_OF", "Person", "Company", change)) == (0, 1, 0)
    sub = s.neighbours("Person:P1")
    edges = {e.properties["role"]: e.properties for e in sub.edges.values()}
    assert edges["director"] == {"role": "director", "since": "2015", "source": "o.csv:2"}
    assert edges["owner"]["since"] == "2016"


# --- reads ----------------------------------------------------------------------------
@pytest.fixture
def mini_neo4j(neo4j_url, load_into_neo4j, tmp_path):
    with open_store(load_into_neo4j(neo4j_url, MINI, tmp_path / "rejects.csv")) as s:
        yield s


def _snapshot(store) -> tuple:
    _, nodes = store.read("MATCH (n) RETURN n")
    _, rels = store.read("MATCH ()-[r]->() RETURN r")
    _, idx = store.read("SHOW INDEXES YIELD name RETURN name")
    return (sorted((n.id, sorted(n.properties.items())) for [n] in nodes),
            sorted((str(r.id), sorted(r.properties.items())) for [r] in rels),
            sorted(idx))


WRITES = [
    "CREATE (n:Person {person_id: 'X1'}) RETURN n",
    "MERGE (n:Person {person_id: 'X2'}) RETURN n",
    "MATCH (n:Person) SET n.full_name = 'changed' RETURN count(n)",
    "MATCH (n:Seizure) DETACH DELETE n",
    "MATCH (n:Person) REMOVE n.passport_no RETURN count(n)",
    "CREATE INDEX sneaky IF NOT EXISTS FOR (n:Person) ON (n.full_name)",
]


def test_analyst_queries_cannot_write(mini_neo4j):
    before = _snapshot(mini_neo4j)
    assert before[0]
    for cypher in WRITES:
        with pytest.raises(ReadOnlyError, match="read-only"):
            mini_neo4j.query(cypher)
    assert _snapshot(mini_neo4j) == before


def test_analyst_query_limit_timeout_and_errors(mini_neo4j):
    res = mini_neo4j.query("UNWIND range(1, 10) AS x RETURN x", limit=3)
    assert res.rows == [[1], [2], [3]] and res.truncated and res.columns == ["x"]
    assert not mini_neo4j.query("UNWIND range(1, 3) AS x RETURN x", limit=3).truncated
    with pytest.raises(QueryError, match="too long"):
        mini_neo4j.query("UNWIND range(1, 1000000000) AS x WITH x WHERE x = -1 RETURN count(*)",
                         timeout_s=0.5)
    with pytest.raises(QueryError) as e:
        mini_neo4j.query("MATCH (n RETURN n")
    assert not isinstance(e.value, ReadOnlyError)


def test_values_convert_to_the_model(mini_neo4j):
    # A relationship alone still gets its ends as Label:key refs.
    [[edge]] = mini_neo4j.query(
        "MATCH (:Declaration)-[r:COVERS]->(:Container {container_no: 'WHSU5018375'}) "
        "RETURN r").rows
    assert edge == Edge("Declaration:500100012345", "Container:WHSU5018375", "COVERS")
    [[node, path, mapped]] = mini_neo4j.query(
        "MATCH p = (c:Container {container_no: 'WHSU5018375'})<-[:COVERS]-(d) "
        "RETURN c, p, {n: d, xs: [d]}").rows
    assert node == Node("Container", "WHSU5018375")
    assert [n.id for n in path.nodes] == ["Container:WHSU5018375", "Declaration:500100012345"]
    assert path.edges[0].source == "Declaration:500100012345"
    assert mapped["n"] == mapped["xs"][0] == Node("Declaration", "500100012345")
