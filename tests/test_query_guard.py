"""Analysts' Cypher cannot leave the graph, and cannot stall other users.

    pytest tests/test_query_guard.py                            # embedded store only
    NEO4J_TEST_URL=bolt://… pytest tests/test_query_guard.py    # both stores

Every analyst query (console, saved queries, the app's own reads) is one
statement, judged whole by the engine before anything runs: LadybugDB prepares
it (several statements are refused) and its EXPLAIN plan must hold only read
operators; Neo4j's EXPLAIN must say a read query whose operators are all on the
read allow-list and run on the store's own database. The attacks here are the
ones that worked before: a second statement after `;` that read /etc/passwd or
wrote a file, and on Neo4j SHOW/TERMINATE TRANSACTIONS, SHOW USERS/SETTINGS,
LOAD CSV and USE system, which a READ transaction allows.
"""

from __future__ import annotations

import http.server
import itertools
import os
import re
import subprocess
import sys
import threading
import time
from types import SimpleNamespace

import neo4j
import pytest

from graph.core import queries
from graph.core.cypher_guard import judge_neo4j, judged_message, ladybug_plan
from graph.core.errors import CustomsGraphError, QueryError, ReadOnlyError
from graph.core.stores import open_store
from tests.conftest import ROOT

PASSWD_MARK = "root:x:0:"  # the first line of /etc/passwd on every Linux
SECRET = "GUARD-CANARY-7f3a9c"  # planted in a host file the queries try to read


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "graph.cli", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def store_url(store) -> str:
    return store.url if store.kind == "ladybug" else os.environ["NEO4J_TEST_URL"]


def fingerprint(store) -> dict:
    """What an attack must not change, read through the trusted path."""
    return store.counts()


@pytest.fixture
def host_files(tmp_path):
    """A host file holding the secret, a folder shaped like a database export whose
    schema file holds it too, and paths nothing may create."""
    tmp_path = tmp_path / "host"
    tmp_path.mkdir()
    secret = tmp_path / "secret.csv"
    # Its lines also hold words the guard reacts to, as if the engine had said them.
    said = "We do not support prepare multiple statements; read-only database"
    secret.write_text(f"{SECRET}:x:0:0:{said}\n\"{SECRET}-2,open quote {said}\n"
                      f"{SECRET}-3;a;b;{said}\n")
    export = tmp_path / "export"
    export.mkdir()
    for name in ("schema.cypher", "copy.cypher", "macro.cypher"):
        (export / name).write_text(f"{SECRET} garbage;\n")
    return {"secret": secret, "export": export, "canary": tmp_path / "canary.csv",
            "canary_dir": tmp_path / "canary-dir", "tmp": tmp_path}


def nothing_created(files: dict) -> None:
    for key in ("canary", "canary_dir"):
        assert not files[key].exists(), f"the query created {files[key]}"
    made = {p.name for p in files["tmp"].iterdir()} - {"secret.csv", "export"}
    assert not made, f"the query created {made}"


# --- 1. the two attacks of the report, through the real command line ----------------
@pytest.mark.parametrize("kind", ["ladybug", "neo4j"])
def test_cli_second_statement_reads_and_writes_no_host_file(kind, request, host_files):
    store = request.getfixturevalue("sample_lbug" if kind == "ladybug" else "sample_neo4j")
    url, before = store_url(store), fingerprint(store)
    target = host_files["canary"]
    attacks = (
        "RETURN 1; LOAD FROM '/etc/passwd' (file_format='csv', header=false, delim=':') "
        "RETURN *",
        f"RETURN 1 AS a; COPY (MATCH (p:Person) RETURN p.full_name, p.passport_no) "
        f"TO '{target}'",
    )
    for q in attacks:
        done = cli("cypher", q, "--store", url)
        assert done.returncode == 1, (q, done.stdout, done.stderr)
        assert PASSWD_MARK not in done.stdout + done.stderr
        assert done.stderr.startswith("error: ") and done.stderr.count("\n") == 1, done.stderr
        # Neo4j's parser already stops at LadybugDB's syntax (LOAD FROM, COPY).
        assert "refused" in done.stderr or kind == "neo4j", done.stderr
        assert not done.stdout.strip(), done.stdout
        nothing_created(host_files)
    assert fingerprint(store) == before


# --- 2. Neo4j: what a READ transaction still allows is refused ------------------------
class _Listener(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 - the standard library's name
        _Listener.hits.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"a,b\n1,2\n")

    def log_message(self, *args):
        pass


@pytest.fixture
def http_listener():
    """A loopback HTTP server that counts requests: LOAD CSV must never reach it."""
    _Listener.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Listener)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/x.csv"
    finally:
        server.shutdown()
        server.server_close()


NEO4J_REFUSED = (
    "SHOW TRANSACTIONS",
    "SHOW TRANSACTIONS YIELD transactionId, currentQuery RETURN transactionId, currentQuery",
    "TERMINATE TRANSACTION 'neo4j-transaction-1'",
    "TERMINATE TRANSACTIONS 'neo4j-transaction-1', 'neo4j-transaction-2'",
    "SHOW USERS", "SHOW CURRENT USER", "SHOW SETTINGS", "SHOW SETTINGS YIELD name, value",
    "SHOW DATABASES", "SHOW DATABASE neo4j", "SHOW INDEXES", "SHOW CONSTRAINTS",
    "SHOW PROCEDURES", "SHOW FUNCTIONS", "SHOW ROLES", "SHOW PRIVILEGES",
    "LOAD CSV FROM 'http://127.0.0.1:1/x' AS row RETURN row",
    "LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row",
    "LOAD CSV WITH HEADERS FROM 'file:///etc/passwd' AS row RETURN row LIMIT 1",
    "USE system SHOW USERS", "USE system MATCH (n) RETURN n", "USE system SHOW TRANSACTIONS",
    "USE system CALL dbms.components()", "USE system CALL db.labels()",
    "USE nosuchdb MATCH (n) RETURN n",
    "MATCH (n:Person) CALL (n) { RETURN n.person_id AS k } IN TRANSACTIONS RETURN k",
    "MATCH (n:Person) CALL { WITH n RETURN n.person_id AS k } IN TRANSACTIONS OF 10 ROWS "
    "RETURN k",
    "CALL dbms.components()", "CALL dbms.listConfig()", "CALL dbms.listConfig('server')",
    "CALL dbms.info()", "CALL dbms.procedures()", "CALL db.ping()", "CALL db.info()",
    "CALL dbms.routing.getRoutingTable({})", "CALL db.awaitIndexes(1)",
    "CALL db.index.fulltext.queryNodes('cg_Person_search', 'x')",
    "CREATE (n:Brand {brand_key: 'evil'})", "MERGE (n:Brand {brand_key: 'evil'}) RETURN n",
    "MATCH (n:Person) SET n.full_name = 'evil'", "MATCH (n:Person) DETACH DELETE n",
    "MATCH (n:Person) WITH n LIMIT 1 DELETE n", "MATCH (n:Person) REMOVE n.full_name",
    "MATCH (n:Person) CALL { WITH n SET n.x = 1 }",
    "FOREACH (i IN [1] | CREATE (:Brand {brand_key: 'evil'}))",
    "CREATE INDEX evil FOR (n:Person) ON (n.full_name)", "DROP INDEX cg_Person_search",
    "CREATE USER evil SET PASSWORD 'evil-password-1'",
    "ALTER CURRENT USER SET PASSWORD FROM 'a' TO 'bbbbbbbbbb'",
    "RETURN 1; RETURN 2", "PROFILE MATCH (n) RETURN count(n)",
)


@pytest.mark.neo4j
def test_neo4j_refuses_admin_commands_files_other_databases_and_writes(sample_neo4j,
                                                                      http_listener):
    s = sample_neo4j
    before = fingerprint(s)
    not_refused, not_read_only = [], []
    for q in (*NEO4J_REFUSED, f"LOAD CSV FROM '{http_listener}' AS row RETURN row",
              "LOAD CSV FROM $url AS row RETURN row"):
        try:
            s.query(q, {"url": http_listener}, limit=5, timeout_s=10)
            not_refused.append(q)
        except ReadOnlyError as e:
            assert str(e).startswith("refused: "), (q, str(e))
        except QueryError as e:
            # Refused by the parser before any plan (e.g. `USE` before an admin command).
            not_read_only.append((q, str(e)[:80]))
    assert not not_refused, not_refused
    assert [q for q, _ in not_read_only] == ["USE system SHOW USERS"], not_read_only
    assert _Listener.hits == [], "LOAD CSV reached the network"
    assert fingerprint(s) == before


@pytest.mark.neo4j
def test_neo4j_viewer_cannot_see_or_kill_another_users_transaction(sample_neo4j, neo4j_url):
    """An admin's open transaction: the analyst can neither list it nor terminate it,
    and it commits afterwards."""
    with neo4j.GraphDatabase.driver(neo4j_url, auth=None) as d, d.session() as admin:
        tx = admin.begin_transaction()
        try:
            tx.run("MATCH (n:Person) RETURN count(n)").consume()
            with d.session() as look:
                ids = [r["transactionId"] for r in look.run(
                    "SHOW TRANSACTIONS YIELD transactionId, currentQuery "
                    "WHERE currentQuery <> '' OR true RETURN transactionId")]
            assert ids
            for victim in ids:
                with pytest.raises(ReadOnlyError, match="TerminateTransactions"):
                    sample_neo4j.query(f"TERMINATE TRANSACTION '{victim}'", {}, limit=5,
                                       timeout_s=10)
            with pytest.raises(ReadOnlyError, match="ShowTransactions"):
                sample_neo4j.query("SHOW TRANSACTIONS", {}, limit=5, timeout_s=10)
            assert tx.run("RETURN 1 AS one").single()["one"] == 1  # still alive
        finally:
            tx.rollback()


# --- 3. a product of wrappers around every forbidden operation -------------------------
def forbidden(files: dict) -> list[str]:
    """Each operation an analyst's query must never perform, in both dialects."""
    return ladybug_forbidden(files) + neo4j_forbidden(files)


def ladybug_forbidden(files: dict) -> list[str]:
    secret, canary, export = files["secret"], files["canary"], files["export"]
    return [
        f"LOAD FROM '{secret}' (file_format='csv', header=false, delim=':') RETURN *",
        f"LOAD FROM '{secret}' (file_format='csv', header=true) RETURN *",
        f"LOAD FROM '{secret}' (file_format='csv', quote='\"') RETURN *",
        f"LOAD WITH HEADERS (a STRING, b STRING) FROM '{secret}' (file_format='csv') RETURN *",
        f"lOaD fRoM '{secret}' (file_format='csv', delim=':') RETURN count(*)",
        "LOAD FROM '/etc/passwd' (file_format='csv', header=false, delim=':') RETURN *",
        f"COPY (MATCH (p:Person) RETURN p.full_name, p.passport_no) TO '{canary}'",
        f"cOpY (RETURN 'x' AS line) tO '{canary}'",
        f"EXPORT DATABASE '{files['canary_dir']}'",
        f"IMPORT DATABASE '{export}'",
        f"ATTACH '{canary}' AS evil (dbtype lbug)", "DETACH evil", "USE evil",
        "INSTALL httpfs", "LOAD EXTENSION httpfs", "LOAD httpfs", "UNINSTALL json",
        "CALL threads=1", "CALL timeout=1", "CALL current_setting('threads') RETURN *",
        "CALL storage_info('Person') RETURN *", "CALL show_attached_databases() RETURN *",
        "CHECKPOINT", "BEGIN TRANSACTION", "BEGIN TRANSACTION READ ONLY", "COMMIT", "ROLLBACK",
        "CREATE MACRO evil(x) AS x + 1",
        "CREATE (:Brand {brand_key: 'evil', name: 'evil'})",
        "MERGE (b:Brand {brand_key: 'evil'}) RETURN b",
        "MATCH (`n`:`Person`) SET `n`.`full_name` = 'evil'",
        "MATCH (n:Person) DETACH DELETE n", "mAtCh (n:Brand) dElEtE n",
    ]


def neo4j_forbidden(files: dict) -> list[str]:
    return [
        f"LOAD CSV FROM 'file://{files['secret']}' AS row RETURN row",
        "LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row",
        "SHOW SETTINGS", "SHOW TRANSACTIONS", "SHOW USERS", "CALL dbms.listConfig()",
        "CALL `dbms`.`listConfig`()", "CALL `dbms.listConfig`()", "USE system SHOW DATABASES",
        "MATCH (n:Person) CALL (n) { RETURN n.ref AS r } IN TRANSACTIONS RETURN r",
        "tErMiNaTe TrAnSaCtIoN 'neo4j-transaction-1'",
    ]


WRAPPERS = (
    "{p}",
    "RETURN 1; {p}",
    "RETURN 1 AS a;\n{p}",
    "{p}; RETURN 1",
    "RETURN ';' AS a; {p}",
    "RETURN 1 AS `a;b`; {p}",
    "// a comment ;\n{p}",
    "/* ; */ {p}",
    "RETURN 1 /* ; */; {p}",
    "RETURN 1 // ;\n; {p}",
    "RETURN 1\uff1b {p}",  # fullwidth semicolon
    "RETURN 1;\u200b{p}",  # zero-width space
    "RETURN 1;\x00{p}",  # NUL
    "RETURN 1\x00; {p}",
    "\u202e{p}",  # right-to-left override
    "\ufeff{p}",  # byte order mark
    "RETURN 1;\r\n{p}",
    "RETURN 1 ;;; {p}",
)
# One statement whose string literal holds the attack: it must run and answer the text.
LITERAL_WRAPPERS = ("RETURN \"{q}\" AS s", "RETURN 'x' + \"; {q}\" AS s")


def test_every_wrapped_forbidden_operation_is_refused_or_harmless(sample_store, host_files):
    s = sample_store
    before = fingerprint(s)
    outcomes: dict[str, int] = {}
    ran_literal = 0
    for p, w in itertools.product(forbidden(host_files), WRAPPERS + LITERAL_WRAPPERS):
        literal = w in LITERAL_WRAPPERS
        q = w.format(p=p, q=p.replace('"', "'"))
        try:
            res = s.query(q, {}, limit=50, timeout_s=20)
            shown, kind = repr(res.rows), "answered"
            if literal:
                assert res.rows == [["x; " + p.replace('"', "'")]] or res.rows == [
                    [p.replace('"', "'")]], (q, res.rows)
                ran_literal += 1
        except CustomsGraphError as e:
            assert not literal, (q, str(e))
            shown, kind = str(e), type(e).__name__
            assert isinstance(e, QueryError), (q, kind)
        outcomes[kind] = outcomes.get(kind, 0) + 1
        assert SECRET not in shown and PASSWD_MARK not in shown, (q, shown[:300])
        nothing_created(host_files)
    assert ran_literal == len(forbidden(host_files)) * len(LITERAL_WRAPPERS)
    # Whatever answered did so without the forbidden part: only RETURN 1-like rows.
    assert fingerprint(s) == before
    print(s.kind, "wrapped cases:", outcomes)


def test_ladybug_plain_forbidden_operations_are_refused_as_read_only(sample_lbug, host_files):
    """Unwrapped, each operation is a ReadOnlyError naming what was refused, in one line
    (Neo4j's are in test_neo4j_refuses_…)."""
    bind_errors = []
    for q in ladybug_forbidden(host_files):
        try:
            sample_lbug.query(q, {}, limit=5, timeout_s=20)
        except ReadOnlyError as e:
            assert str(e).startswith("refused: ") and "\n" not in str(e), (q, str(e))
            continue
        except QueryError as e:
            assert SECRET not in str(e)
            bind_errors.append(q)
            continue
        pytest.fail(f"{q!r} was not refused")
    # The engine cannot bind these two here (an export of this schema, an import of a
    # folder that is no export), so they never reach a plan: a plain QueryError.
    assert bind_errors == [f"EXPORT DATABASE '{host_files['canary_dir']}'",
                           f"IMPORT DATABASE '{host_files['export']}'"], bind_errors


# --- 4. no false refusals ----------------------------------------------------------------
def ordinary_reads(kind: str) -> list[tuple[str, dict]]:
    """What analysts write in the console, in the store's dialect."""
    shortest = ("MATCH p = (a:Container {container_no: 'WHSU5018375'})-[* SHORTEST 1..4]-"
                "(b:Company {company_id: '0312345678'}) RETURN length(p)"
                if kind == "ladybug" else
                "MATCH p = shortestPath((a:Container {container_no: 'WHSU5018375'})-[*..4]-"
                "(b:Company {company_id: '0312345678'})) RETURN length(p)")
    schema_read = "CALL show_tables() RETURN name" if kind == "ladybug" else "CALL db.labels()"
    return [
        ("MATCH (p:Person) OPTIONAL MATCH (p)-[:OFFICER_OF]->(c:Company) "
         "RETURN p.person_id, c.name ORDER BY p.person_id LIMIT 5", {}),
        ("MATCH (p:Person) RETURN p.nationality AS n, count(*) AS c "
         "ORDER BY c DESC, n SKIP 1 LIMIT 3", {}),
        ("MATCH (a:Person) RETURN a.person_id AS k UNION MATCH (c:Company) "
         "RETURN c.company_id AS k", {}),
        ("UNWIND $ids AS k MATCH (p:Person {person_id: k}) RETURN p", {"ids": ["P000901"]}),
        ("MATCH (p:Person)-[:TRAVELLED]->(f:Flight)<-[:TRAVELLED]-(q:Person) "
         "WHERE p.person_id < q.person_id RETURN count(*)", {}),
        ("MATCH (p:Person) WHERE EXISTS { MATCH (p)-[:OFFICER_OF]->() } RETURN count(p)", {}),
        ("MATCH (c:Container {container_no: $c})-[*1..2]-(x) RETURN count(DISTINCT x)",
         {"c": "WHSU5018375"}),
        ("MATCH (p:Person) WHERE p.full_name CONTAINS $t RETURN p.full_name LIMIT 3",
         {"t": "NGUYEN"}),
        (shortest, {}), (schema_read, {}),
        ("RETURN ';' AS semicolon, '/* x */' AS comment, 'COPY TO' AS words", {}),
        ("// a comment first\nMATCH (n:Seizure) RETURN count(n) // and after", {}),
    ]


def test_saved_queries_app_queries_and_ordinary_reads_still_run(sample_store):
    s = sample_store
    saved, errors = queries.load_all()
    assert not errors and len(saved) >= 10
    for q in saved.values():
        queries.run(s, q, {})  # defaults: raises if refused
    from ui import overview, routes
    app = [(routes.TWO_LEGS, {"date_from": "2017-03-01", "date_to": "2017-03-31",
                              "origin_airport": "HAV", "origin_country": "", "via": "CDG",
                              "destination": "HAN"}),
           (routes.DIRECT, {"date_from": "2017-03-01", "date_to": "2017-03-31",
                            "origin_airport": "", "origin_country": "", "destination": "HAN"}),
           (routes.TRIPS, {"persons": ["P000901"], "flights": ["VN18@2017-03-19"]}),
           (routes.ENRICH, {"flights": ["VN18@2017-03-19"]}),
           (routes.BOOKINGS, {"persons": ["P000901"], "flights": ["VN18@2017-03-19"]}),
           (overview.LATEST_SEIZURES, {"n": 10}),
           ("MATCH (a:Airport) WHERE a.iata IN $codes RETURN a.iata, a.name, a.lat, a.lon",
            {"codes": ["HAN", "CDG"]})]
    for cypher, params in app + ordinary_reads(s.kind):
        s.query(cypher, params, limit=100, timeout_s=60)
    assert s.query("RETURN ';' AS s", {}).rows == [[";"]]
    assert s.search("WHSU5018375") and s.neighbours("Container:WHSU5018375").nodes


# --- 5. nobody waits for someone else's slow query -----------------------------------------
SLOW = ("MATCH (a:Person), (b:Person), (c:Person) "
        "WHERE a.full_name < b.full_name AND b.full_name < c.full_name RETURN count(*)")


def test_a_slow_console_query_stalls_no_one_and_stops_at_its_timeout(sample_store):
    s, timeout_s = sample_store, 6.0
    s.search("NGUYEN")  # opened and warm
    slow: dict = {}

    def run_slow():
        t0 = time.monotonic()
        try:
            s.query(SLOW, {}, limit=5, timeout_s=timeout_s)
            slow["error"] = None
        except CustomsGraphError as e:
            slow["error"] = e
        slow["seconds"] = time.monotonic() - t0

    worker = threading.Thread(target=run_slow)
    worker.start()
    time.sleep(1.0)  # the slow query is planned and running
    waits = []  # each measured wholly while the slow query ran
    while worker.is_alive():
        t0 = time.monotonic()
        assert s.search("NGUYEN")
        assert s.neighbours("Container:WHSU5018375").nodes
        if worker.is_alive():
            waits.append(time.monotonic() - t0)
    worker.join(timeout=120)
    print(s.kind, f"slow query {slow['seconds']:.1f} s; search + neighbours meanwhile: "
          f"max {max(waits, default=0):.2f} s over {len(waits)}")
    assert len(waits) >= 2, "the slow query ended before it was measured"
    assert isinstance(slow["error"], QueryError) and "stopped" in str(slow["error"]), slow
    assert timeout_s * 0.9 <= slow["seconds"] < timeout_s + 15, slow["seconds"]
    assert max(waits) < slow["seconds"] / 2, waits


def test_the_timeout_given_is_the_one_enforced(sample_store):
    for timeout_s in (2.0, 4.0):
        t0 = time.monotonic()
        with pytest.raises(QueryError, match="stopped"):
            sample_store.query(SLOW, {}, limit=5, timeout_s=timeout_s)
        took = time.monotonic() - t0
        assert timeout_s * 0.9 <= took < timeout_s + 10, (timeout_s, took)


def test_ladybug_console_full_of_slow_queries_still_leaves_search_an_engine_thread(sample_lbug):
    """Every console slot held by a slow query: one more console query waits at most its
    own timeout and is told the console is busy; search and neighbours still answer."""
    from graph.core import ladybug_store

    s, slots = sample_lbug, ladybug_store._CONSOLE_SLOTS
    s.search("NGUYEN")
    outcomes: list[str] = []
    workers = [threading.Thread(target=lambda: outcomes.append(
        _outcome(lambda: s.query(SLOW, {}, limit=5, timeout_s=8)))) for _ in range(slots)]
    for w in workers:
        w.start()
    time.sleep(1.5)
    t0 = time.monotonic()
    with pytest.raises(QueryError, match="busy"):
        s.query("RETURN 1", {}, limit=5, timeout_s=1)
    assert time.monotonic() - t0 < 4
    waits = []
    while all(w.is_alive() for w in workers):
        t0 = time.monotonic()
        assert s.search("NGUYEN") and s.neighbours("Container:WHSU5018375").nodes
        if all(w.is_alive() for w in workers):
            waits.append(time.monotonic() - t0)
    for w in workers:
        w.join(timeout=60)
    print(f"{slots} slow console queries; search + neighbours meanwhile: "
          f"max {max(waits, default=0):.2f} s over {len(waits)}")
    assert len(waits) >= 2 and max(waits) < 4, waits
    assert outcomes == ["the query was stopped after 8 s: it took too long"] * slots, outcomes


def test_ladybug_reopen_after_a_write_waits_for_running_console_queries(empty_lbug):
    """A write makes the reader reopen; a console query running on the old database
    keeps it open and ends normally (by its timeout); the last one out closes it."""
    s = empty_lbug
    s.upsert_nodes("Person", [{"person_id": f"P{i}", "full_name": f"NGUYEN {i:04d}"}
                              for i in range(1500)])
    s.search("NGUYEN")
    old = s._ro
    out: dict = {}
    worker = threading.Thread(target=lambda: out.update(
        r=_outcome(lambda: s.query(SLOW, {}, limit=5, timeout_s=8))))
    worker.start()
    time.sleep(1.0)
    with open_store(s.url) as writer:  # another store object: a writer of its own
        writer.upsert_nodes("Brand", [{"brand_key": "guard", "name": "Guard"}])
    assert s.search("Guard")  # the reader reopened on the new files
    assert s._ro is not old and old.retired and old.users == 1
    assert not old.db.is_closed, "closed under a running query"
    worker.join(timeout=60)
    assert "stopped after 8 s" in out["r"], out
    assert old.db.is_closed and old.users == 0


def _outcome(fn) -> str:
    try:
        fn()
        return "answered"
    except CustomsGraphError as e:
        return str(e)


# --- 6. the guard's own reading of plans and messages ----------------------------------------
def test_a_plan_that_cannot_be_read_whole_is_refused():
    box = ("┌──────────┐\n│ {name} │\n└──────────┘\n")
    head = "┌──┐\n│┌┐│\n││ Physical Plan ││\n│└┘│\n└──┘\n"
    ok = head + box.format(name="RESULT_COLLECTOR[1]") + box.format(name="PROJECTION[0]")
    assert ladybug_plan(ok) == (["PROJECTION", "RESULT_COLLECTOR"], [])
    # An operator named again inside another box (a semi-mask lists its scans).
    mentioned = (head + box.format(name="RESULT_COLLECTOR[1]")
                 + "┌──────────┐\n│ PROJECTION[0] │\n│ RESULT_COLLECTOR[1] │\n└──────────┘\n")
    assert ladybug_plan(mentioned) == (["PROJECTION", "RESULT_COLLECTOR"], [])
    two_heads = "┌──────────┐\n│ PROJECTION[0] │\n│ COPY_TO[1] │\n└──────────┘\n"
    for bad in (head + box.format(name="RESULT_COLLECTOR[1]") + box.format(name="X Y[0]"),
                head + box.format(name="PROJECTION[0]") + box.format(name="FILTER[0]"),
                head + two_heads + box.format(name="RESULT_COLLECTOR[2]"),
                head + box.format(name="TABLE_FUNCTION_CALL[0]"), head):
        with pytest.raises(ReadOnlyError, match="could not be read"):
            ladybug_plan(bad)


def test_engine_messages_never_show_what_the_analyst_did_not_write():
    q = "MATCH (a:Person) RETRN a"
    own = ('Parser exception: Invalid input <MATCH (a:Person) RETRN>: expected rule '
           'oC_SingleQuery (line: 1, offset: 17)\n"MATCH (a:Person) RETRN a"\n   ^^^^^')
    assert judged_message(own, q, {}) == (False, own)
    foreign = ("Parser exception: extraneous input 'GUARD-CANARY' expecting {ALTER}\n"
               '"GUARD-CANARY garbage;"')
    about_files = ("Copy exception: Error in file /x on line 1: expected 2 values per row, "
                   "but got 1. Line/record containing the error: 'GUARD-CANARY:x:0'")
    for msg, files in ((foreign, False), (about_files, True)):
        got_files, shown = judged_message(msg, "IMPORT DATABASE '/x'", {})
        assert got_files is files and "GUARD-CANARY" not in shown


def _neo4j_summary(*ops: tuple[str, str], database: str = "neo4j", query_type: str = "r"):
    """EXPLAIN's answer as the driver gives it: a plan of nested operators."""
    plan = None
    for op, details in reversed(ops):
        node = {"operatorType": op, "args": {"Details": details}}
        if plan:
            node["children"] = [plan]
        plan = node
    return SimpleNamespace(plan=plan, database=database, query_type=query_type)


def test_neo4j_judge_refuses_plugin_functions_other_databases_and_unknown_operators():
    ok = _neo4j_summary(("ProduceResults@neo4j", "d"), ("Projection@neo4j",
                        "point.distance(point($a), point($b)) AS d, duration.between(x, y)"))
    judge_neo4j(ok, "neo4j")
    # A plugin function runs Cypher of its own that no plan shows (with APOC installed).
    for summary, what in (
            (_neo4j_summary(("ProduceResults@neo4j", "x"), ("Projection@neo4j",
             "apoc.cypher.runFirstColumnSingle($autostring_0, {}) AS x")),
             "apoc.cypher.runFirstColumnSingle()"),
            (_neo4j_summary(("ProduceResults@system", "x"), ("Projection@system", "1 AS x")),
             "'system'"),
            (_neo4j_summary(("ProduceResults@neo4j", ""), ("NewAdminThing@neo4j", "")),
             "NewAdminThing"),
            (_neo4j_summary(("ProduceResults@neo4j", ""), ("ProcedureCall@neo4j",
             "apoc.load.json($url) :: (value :: MAP)")), "CALL apoc.load.json"),
            (_neo4j_summary(("ProduceResults@neo4j", "x"), ("Projection@neo4j", "1 AS x"),
                            query_type="rw"), "query type 'rw'")):
        with pytest.raises(ReadOnlyError, match=re.escape(what)):
            judge_neo4j(summary, "neo4j")
