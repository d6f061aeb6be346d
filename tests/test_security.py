"""Security: hostile input never becomes Cypher, analysts' queries cannot write,
and hostile names in the data never run as HTML.

    pytest tests/test_security.py                        # embedded store (+ Chromium if present)
    NEO4J_TEST_URL=bolt://… pytest tests/test_security.py     # both stores

1. Injection. Every input that reaches Cypher through the store API and the
   command line (search text, REFs, label and relationship filters, query
   parameters and their names, saved-query parameters, write-API labels and
   property names) gets each HOSTILE string. Each is refused with a clear
   error (SchemaError, NotFound, QueryError; exit 1 or 2 and one stderr line)
   or treated as plain data, and afterwards the graph is unchanged.
2. Read-only. Every kind of write an analyst could type into the console is
   refused or harmless on both stores, and the graph (and its schema) is unchanged.
3. HTML. A company named `<img src=x onerror=alert(1)>` and a person named
   `<script>alert(1)</script>`: the HTML export and the duty-log handover hold
   them only escaped, and in real headless Chromium no dialog fires and the
   names show as text.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from pathlib import Path

import pytest

from graph.core import queries as saved
from graph.core import schema
from graph.core.errors import CustomsGraphError, NotFound, QueryError, SchemaError
from graph.core.store import node_row
from graph.core.stores import open_store
from loaders.load import load_folder
from tests.conftest import MINI, lbug_url

HOSTILE = (
    "'",
    '"',
    "`",
    "\\",
    "' OR '1'='1",
    "'}) DETACH DELETE n //",
    '"}) DETACH DELETE n //',
    "}) DETACH DELETE n //",
    "`}) DETACH DELETE n //",
    "Person`) DETACH DELETE n //",
    "\\u0027}) DETACH DELETE n //",
    "\u0027}) MATCH (n) DETACH DELETE n //",
    "x\nMATCH (n) DETACH DELETE n",
    "x\r\n}) DETACH DELETE n //",
    "nul\x00byte",
    "x; MATCH (n) DETACH DELETE n",
    "$key",
    "{key: 'x'}",
    "/* */ MATCH (n) DETACH DELETE n",
    "Ｐｅｒｓｏｎ",  # fullwidth letters
    "\u202eevil",  # right-to-left override
    "P1",  # an ordinary value, for contrast
)
# A key the mini set holds on each side of a REF, for filters on real entities.
PERSON, COMPANY = "Person:P1", "Company:0312345678"
REFUSED = (SchemaError, NotFound, QueryError)


# --- fixtures --------------------------------------------------------------------------
def _load_mini(store, tmp_path):
    load_folder(store, MINI, rejects_file=tmp_path / "rejects.csv", progress=False)
    return store


@pytest.fixture(params=["ladybug", "neo4j"])
def mini_store(request, tmp_path):
    """The mini data set, in each store in turn."""
    if request.param == "ladybug":
        with open_store(lbug_url(tmp_path)) as s:
            yield _load_mini(s, tmp_path)
    else:
        s = request.getfixturevalue("empty_neo4j")
        yield _load_mini(s, tmp_path)


def state(store) -> dict:
    """What must not change: counts, every node's ref, and a fingerprint of every
    node's and relationship's properties."""
    # The store's own reads: analysts' queries may not scan without a label.
    refs = store.read("MATCH (n) RETURN n.ref ORDER BY n.ref")[1]
    props = store.read("MATCH (a)-[r]->(b) RETURN a.ref, b.ref, r.source "
                       "ORDER BY a.ref, b.ref, r.source")[1]
    nodes = [(n.id, sorted((k, str(v)) for k, v in n.properties.items()))
             for n in (store.get(r[0]) for r in refs)]
    return {"counts": store.counts(), "refs": refs, "rels": props, "nodes": nodes}


def schema_state(store) -> list:
    if store.kind == "ladybug":
        rows = store.query("CALL show_tables() RETURN *", limit=10**4).rows
        return sorted(str(r) for r in rows)
    # SHOW commands are refused to analysts' queries: the trusted read path lists them.
    rows = store.read("SHOW INDEXES YIELD name, type, labelsOrTypes, properties")[1]
    rows += store.read("SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties")[1]
    return sorted(str(r) for r in rows)


def _ok_or_refused(fn, *args, **kw):
    """Run one case: it may answer or be refused with the project's own error."""
    try:
        fn(*args, **kw)
        return "answered"
    except REFUSED as e:
        msg = str(e)
        assert msg and "\n" not in msg.strip() or isinstance(e, QueryError), msg
        return "refused"


def _refused(fn, *args, errors=REFUSED, **kw):
    with pytest.raises(errors) as e:
        fn(*args, **kw)
    return e.value


# --- 1. injection through the store API ------------------------------------------------
CASES_RUN: dict[str, int] = {}


def _count(kind: str, n: int = 1) -> None:
    CASES_RUN[kind] = CASES_RUN.get(kind, 0) + n


def test_hostile_strings_through_the_store_api_change_nothing(mini_store):
    s = mini_store
    before, before_schema = state(s), schema_state(s)
    assert s.exists(PERSON) and s.exists(COMPANY)
    for h in HOSTILE:
        # Search text is data: it only ever becomes parameter values.
        assert isinstance(s.search(h), list)
        assert isinstance(s.search(f"viet {h}"), list)
        # Labels and relationship types are names from the schema or nothing.
        _refused(s.search, "viet", labels=[h], errors=SchemaError)
        _refused(s.neighbours, PERSON, labels=[h], errors=SchemaError)
        _refused(s.neighbours, PERSON, rel_types=[h], errors=SchemaError)
        _refused(s.paths, PERSON, COMPANY, labels=[h], errors=SchemaError)
        _refused(s.paths, PERSON, COMPANY, rel_types=[h], errors=SchemaError)
        _refused(s.existing_keys, h, ["P1"], errors=SchemaError)
        _refused(s.degrees, h, ["P1"], errors=SchemaError)
        _refused(s.expand, [s.get(PERSON)], labels=[h], errors=SchemaError)
        _refused(schema.check_property, "Person", h, errors=SchemaError)
        _refused(s.upsert_nodes, h, [{"x": 1}], errors=SchemaError)
        _refused(s.upsert_relationships, h, "Person", "Company", [], errors=SchemaError)
        _refused(s.upsert_relationships, "OFFICER_OF", h, "Company", [], errors=SchemaError)
        _refused(s.upsert_relationships, "OFFICER_OF", "Person", h, [], errors=SchemaError)
        # REFs: the label part is checked, the key part is a parameter value.
        _refused(s.get, h, errors=(SchemaError, NotFound))
        _refused(s.get, f"{h}:P1", errors=SchemaError)
        if h.strip() != "P1":
            _refused(s.get, f"Person:{h}", errors=(NotFound, SchemaError))
            _refused(s.neighbours, f"Company:{h}", hops=2, errors=(NotFound, SchemaError))
            _refused(s.paths, PERSON, f"Container:{h}", errors=(NotFound, SchemaError))
            assert s.existing_keys("Person", [h]) == set()
        # Query parameters: values are data, names never reach the text.
        res = s.query("MATCH (p:Person) WHERE p.full_name = $v OR p.person_id = $v "
                      "RETURN count(p)", {"v": h})
        assert res.rows[0][0] == (1 if h == "P1" else 0)
        _ok_or_refused(s.query, "RETURN 1 AS one", {h: "x"})
        _count("store api", 27)
    assert state(s) == before
    assert schema_state(s) == before_schema


def test_hostile_values_are_stored_and_read_back_as_plain_data(tmp_path, request):
    """Through the write API a hostile key and name are data: stored verbatim,
    found again by REF, and nothing else is touched."""
    for kind in ("ladybug", "neo4j"):
        if kind == "ladybug":
            store = open_store(lbug_url(tmp_path / "rt"))
        else:
            if not os.environ.get("NEO4J_TEST_URL") and not os.environ.get("CI"):
                continue
            store = request.getfixturevalue("empty_neo4j")
        try:
            _load_mini(store, tmp_path)
            before = store.counts()
            values = [h for h in HOSTILE if "\x00" not in h and h.strip() == h and h != "P1"]
            rows = [node_row("Brand", f"k{i}{h}", {"name": h}, "hostile.csv:1")
                    for i, h in enumerate(values)]
            # An extra, hostile property name in a row is not a schema property: ignored.
            rows[0]["x}) DETACH DELETE n //"] = "ignored"
            store.upsert_nodes("Brand", rows)
            for i, h in enumerate(values):
                n = store.get(f"Brand:k{i}{h}")
                assert n.properties["name"] == h
                assert "x}) DETACH DELETE n //" not in n.properties
            after = store.counts()
            assert after["nodes"]["Brand"] == before["nodes"]["Brand"] + len(values)
            after["nodes"]["Brand"] = before["nodes"]["Brand"]
            assert after == before
            _count("stored as data", len(values))
        finally:
            if kind == "ladybug":
                store.close()


def test_hostile_saved_query_parameters_change_nothing(mini_store):
    s = mini_store
    before = state(s)
    found, errors = saved.load_all()
    assert found and not errors
    for q in found.values():
        for p in q.params:
            for h in HOSTILE:
                outcome = _ok_or_refused(saved.run, s, q, {p.name: h}, limit=50)
                if p.type not in ("str", "list"):
                    assert outcome == "refused", (q.name, p.name, h)
                _count("saved query parameters")
        _refused(saved.run, s, q, {"x}) DETACH DELETE n //": "1"}, errors=QueryError)
        _count("saved query parameters")
    for h in HOSTILE:
        _refused(saved.get, h, errors=QueryError)
        _count("saved query names")
    assert state(s) == before


# --- 1b. injection through the command line --------------------------------------------
def run_cli(monkeypatch, capsys, *args) -> tuple[int, str, str]:
    """`customs-graph ARGS` in this process (argv may hold what a shell cannot pass,
    e.g. NUL): exit status, stdout, stderr."""
    from graph import cli

    monkeypatch.setattr(sys, "argv", ["customs-graph", *args])
    with pytest.raises(SystemExit) as e:
        cli.main()
    out, err = capsys.readouterr()
    return e.value.code or 0, out, err


def test_hostile_strings_through_the_command_line_change_nothing(mini_store, monkeypatch,
                                                                  capsys, tmp_path):
    s = mini_store
    url = s.url if s.kind == "ladybug" else os.environ["NEO4J_TEST_URL"]
    before = state(s)
    cypher = ("MATCH (p:Person) WHERE p.full_name = $v OR p.person_id = $v "
              "RETURN count(p) AS n")
    for i, h in enumerate(HOSTILE):
        plain = h.strip() == "P1"
        cases = [
            (("search", h), {0}),
            (("search", "viet", "--label", h), {2}),
            (("neighbours", h), {1, 2}),
            (("neighbours", f"Person:{h}"), {0} if plain else {1, 2}),
            (("neighbours", PERSON, "--label", h), {2}),
            (("neighbours", PERSON, "--rel", h), {2}),
            (("paths", PERSON, f"Company:{h}"), {1, 2}),
            (("paths", PERSON, COMPANY, "--label", h), {2}),
            (("paths", PERSON, COMPANY, "--rel", h), {2}),
            (("cypher", cypher, "--param", f"v={h}"), {0}),
            (("cypher", "RETURN 1 AS one", "--param", f"{h}=1"), {0, 1, 2}),
            (("queries", "run", "entity_360", "--param", f"ref={h}"), {0, 1}),
            (("queries", "run", "transit_chain", "--param", f"container_no={h}"), {0, 1}),
            (("queries", "run", h), {1}),
            (("export", f"Company:{h}", "--format", "json", "-o",
              str(tmp_path / f"x{i}.json")), {1, 2}),
            (("export", f"Person:{h}", "--format", "html", "-o",
              str(tmp_path / f"x{i}.html")), {0} if plain else {1, 2}),
        ]
        for args, allowed in cases:
            code, out, err = run_cli(monkeypatch, capsys, *args, "--store", url)
            assert code in allowed, (args, code, err)
            if code:
                # One clear line on stderr, never a traceback.
                assert err.startswith("error: ") and err.count("\n") == 1, (args, err)
                assert "Traceback" not in err
            _count("command line")
        code, out, _ = run_cli(monkeypatch, capsys, "cypher", cypher, "--param", f"v={h}",
                               "--json", "--store", url)
        assert '"rows"' in out
    assert state(s) == before


# --- 2. read-only enforcement ----------------------------------------------------------
WRITES = (
    "CREATE (n:Brand {brand_key: 'evil', name: 'evil'})",
    "CREATE (n:Evil {k: 1})",
    "MERGE (n:Brand {brand_key: 'evil'}) RETURN n",
    "MATCH (n:Person) SET n.full_name = 'evil'",
    "MATCH (n:Person) SET n += {full_name: 'evil'}",
    "MATCH (n:Person) SET n:Evil",
    "MATCH (n:Person) DETACH DELETE n",
    "MATCH (n) DETACH DELETE n",
    "MATCH ()-[r]->() DELETE r",
    "MATCH (n:Person) REMOVE n.full_name",
    "MATCH (n:Person) REMOVE n:Person",
    "MATCH (a:Person), (b:Company) CREATE (a)-[:OFFICER_OF {role: 'evil'}]->(b)",
    "MATCH (n) RETURN n; MATCH (n) DETACH DELETE n",
    "MATCH (n) DETACH DELETE n; MATCH (n) RETURN count(n)",
    "MATCH (n) RETURN count(n);\nCREATE (:Brand {brand_key: 'evil'})",
    "MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS",
    "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10 ROWS",
    "CALL { MATCH (n) DETACH DELETE n }",
    "UNWIND range(1, 3) AS i CREATE (:Brand {brand_key: 'evil' + toString(i)})",
    "FOREACH (i IN [1] | CREATE (:Brand {brand_key: 'evil'}))",
    "LOAD CSV FROM 'file:///etc/passwd' AS row CREATE (:Brand {brand_key: row[0]})",
    "LOAD FROM '/etc/passwd' (file_format='csv', header=false, delim=':') "
    "CREATE (:Brand {brand_key: column0})",
    "COPY Brand FROM '/etc/passwd'",
    "COPY (MATCH (n:Person) RETURN n.full_name) TO '{tmp}/evil.csv'",
    "CREATE INDEX evil FOR (n:Person) ON (n.full_name)",
    "CREATE CONSTRAINT evil FOR (n:Evil) REQUIRE n.k IS UNIQUE",
    "DROP CONSTRAINT cg_Person_key",
    "DROP INDEX cg_Person_search",
    "CREATE NODE TABLE Evil(k STRING PRIMARY KEY)",
    "CREATE REL TABLE EVIL(FROM Person TO Person)",
    "DROP TABLE Brand",
    "ALTER TABLE Person ADD evil STRING",
    "ALTER TABLE Person DROP full_name",
    "CALL db.createLabel('Evil')",
    "CALL db.createProperty('evil')",
    "CALL db.createRelationshipType('EVIL')",
    "CALL create_fts_index('Person', 'evil', ['full_name'])",
    "CALL drop_fts_index('Person', 'evil')",
    "CALL dbms.setConfigValue('db.logs.query.enabled', 'OFF')",
    "CREATE DATABASE evil",
    "DROP DATABASE neo4j",
    "CREATE USER evil SET PASSWORD 'evil-password'",
    "ATTACH ':memory:' AS evil (dbtype lbug)",
    "DETACH evil",
    "USE evil MATCH (n) RETURN n",
    "EXPORT DATABASE '{tmp}/evil-export'",
    "IMPORT DATABASE '{tmp}/evil-export'",
    "INSTALL httpfs",
    "LOAD EXTENSION httpfs",
    "LOAD httpfs",
    "BEGIN TRANSACTION",
    "BEGIN TRANSACTION; CREATE (:Brand {brand_key: 'evil'}); COMMIT",
    "COMMIT",
    "ROLLBACK",
    "CALL spill_to_disk=true",
    "CALL threads=1",
)


def test_analysts_queries_cannot_write(mini_store, tmp_path):
    s = mini_store
    before, before_schema = state(s), schema_state(s)
    outcomes: dict[str, str] = {}
    for q in WRITES:
        q = q.replace("{tmp}", str(tmp_path))
        try:
            s.query(q, {})
            outcomes[q] = "answered"
        except CustomsGraphError as e:
            outcomes[q] = type(e).__name__
            assert str(e).strip(), q
        # After each one: nothing changed, and the store still answers.
        assert state(s) == before, f"{q!r} changed the graph"
        assert schema_state(s) == before_schema, f"{q!r} changed the schema"
        _count("read-only")
    # The plain writes are refused as writes, with the read-only message.
    for q in WRITES[:12]:
        assert outcomes[q] in ("ReadOnlyError", "QueryError"), (q, outcomes[q])
    assert outcomes[WRITES[0]] == "ReadOnlyError"
    # (Files written outside the graph: see the xfail test below.)
    print(s.kind, "read-only cases:", Counter(outcomes.values()))


@pytest.mark.parametrize("kind", ["ladybug", "neo4j"])
def test_cli_cypher_write_exits_1_and_changes_nothing(kind, tmp_path, monkeypatch, capsys,
                                                      request):
    s = request.getfixturevalue("empty_lbug" if kind == "ladybug" else "empty_neo4j")
    _load_mini(s, tmp_path)
    url = s.url if kind == "ladybug" else os.environ["NEO4J_TEST_URL"]
    before = state(s)
    for q in ("MATCH (n) DETACH DELETE n", "CREATE (:Brand {brand_key: 'evil'})",
              "MATCH (n) RETURN n; MATCH (n) DETACH DELETE n"):
        code, _, err = run_cli(monkeypatch, capsys, "cypher", q, "--store", url)
        assert code == 1 and err.startswith("error: ") and err.count("\n") == 1, err
        # Neo4j refuses two statements as a syntax error before reading them.
        assert "read-only" in err or (kind == "neo4j" and ";" in q), err
        _count("read-only")
    assert state(s) == before


# --- 2b. the console cannot reach past the graph: files, extensions, checkpoints -----

def test_ladybug_console_cannot_read_local_files(empty_lbug):
    try:
        res = empty_lbug.query("LOAD FROM '/etc/passwd' (file_format='csv', header=false, "
                               "delim=':') RETURN * LIMIT 1", {})
    except CustomsGraphError:
        return
    assert not res.rows, f"read /etc/passwd: {res.rows[0]}"


def test_ladybug_console_cannot_write_local_files(empty_lbug, tmp_path):
    target = tmp_path / "written-by-the-console.csv"
    try:
        empty_lbug.query(f"COPY (RETURN 'echo pwned' AS line) TO '{target}'", {})
    except CustomsGraphError:
        pass
    assert not target.exists(), f"the console wrote {target}: {target.read_text()!r}"


@pytest.mark.neo4j
def test_neo4j_console_cannot_write_local_files(empty_neo4j, tmp_path):
    target = tmp_path / "written-by-the-console.csv"
    for q in (f"COPY (RETURN 'x' AS line) TO '{target}'",
              f"CALL apoc.export.csv.query('RETURN 1', '{target}', {{}})"):
        with pytest.raises(CustomsGraphError):
            empty_neo4j.query(q, {})
    assert not target.exists()


@pytest.mark.neo4j
def test_neo4j_console_cannot_read_local_files(empty_neo4j):
    try:
        res = empty_neo4j.query("LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row LIMIT 1",
                                {})
    except CustomsGraphError as e:
        assert str(e).strip()
        return
    assert not res.rows, f"read /etc/passwd: {res.rows[0]}"


def test_ladybug_console_checkpoint_does_not_break_the_store(empty_lbug, tmp_path):
    s = _load_mini(empty_lbug, tmp_path)
    before = s.counts()
    try:
        s.query("CHECKPOINT", {})
    except CustomsGraphError:
        pass  # refused is fine; what matters is that the store still opens
    with open_store(s.url) as again:
        assert again.counts() == before


# --- 3. hostile names in HTML ------------------------------------------------------------
EVIL_COMPANY = "<img src=x onerror=alert(1)>"
EVIL_PERSON = "<script>alert(1)</script>"
EVIL_COMPANY_ID = "0399999999"
EVIL_PERSON_ID = "P666"


@pytest.fixture
def evil_store(empty_lbug):
    s = empty_lbug
    s.upsert_nodes("Company", [node_row("Company", EVIL_COMPANY_ID,
                                        {"name": EVIL_COMPANY, "country": "VN"}, "evil.csv:2")])
    s.upsert_nodes("Person", [node_row("Person", EVIL_PERSON_ID,
                                       {"full_name": EVIL_PERSON}, "evil.csv:3")])
    s.upsert_relationships("OFFICER_OF", "Person", "Company",
                           [{"from": EVIL_PERSON_ID, "to": EVIL_COMPANY_ID, "role": "director",
                             "since": "2017-01-01", "source": "evil.csv:4"}])
    return s


@pytest.fixture
def html_files(evil_store, tmp_path, monkeypatch, capsys) -> dict[str, Path]:
    """Every HTML file the project writes, made through the command line."""
    url = evil_store.url
    files = {}
    export = tmp_path / "export.html"
    code, _, err = run_cli(monkeypatch, capsys, "export", f"Company:{EVIL_COMPANY_ID}",
                           "--hops", "1", "--format", "html", "-o", str(export), "--store", url)
    assert code == 0, err
    files["export"] = export
    log = tmp_path / "dutylog.sqlite3"
    shift = f"2017-06-21 day {EVIL_COMPANY}"
    code, _, err = run_cli(monkeypatch, capsys, "log", "add", "--log", str(log), "--shift",
                           shift, "--kind", "finding", "--analyst", EVIL_PERSON,
                           "--text", f"{EVIL_COMPANY} is run by {EVIL_PERSON}",
                           "--ref", f"Company:{EVIL_COMPANY_ID}",
                           "--ref", f"Person:{EVIL_PERSON}",
                           "--query", f"entity_360 ref={EVIL_PERSON}",
                           "--export", str(export))
    assert code == 0, err
    code, _, err = run_cli(monkeypatch, capsys, "log", "add", "--log", str(log), "--shift",
                           shift, "--kind", "instruction", "--analyst", EVIL_PERSON,
                           "--text", f"watch {EVIL_COMPANY}")
    assert code == 0, err
    handover = tmp_path / "handover.html"
    code, _, err = run_cli(monkeypatch, capsys, "log", "handover", "--log", str(log),
                           "--shift", shift, "-o", str(handover))
    assert code == 0, err
    files["handover"] = handover
    return files


def test_html_outputs_hold_hostile_names_only_escaped(html_files):
    for what, path in html_files.items():
        text = path.read_text(encoding="utf-8")
        for evil in (EVIL_COMPANY, EVIL_PERSON):
            assert evil not in text, f"{what}: {evil} appears unescaped"
        assert "onerror=alert(1)>" not in text.replace("onerror=alert(1)&gt;", ""), what
        assert "<script>alert" not in text, what
        _count("html files")


def test_html_outputs_show_hostile_names_as_text_in_chromium(html_files, browser):
    for what, path in html_files.items():
        page = browser.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda d, dialogs=dialogs: (dialogs.append(d.message),
                                                       d.dismiss()))
        page.goto(path.as_uri())
        page.wait_for_load_state("load")
        page.wait_for_timeout(1500)  # time for any injected handler to fire
        body = page.text_content("body")
        assert not dialogs, f"{what}: a dialog fired: {dialogs}"
        assert EVIL_COMPANY in body, what
        if what == "export":
            assert EVIL_PERSON in body, what
            assert page.evaluate("window.customsGraph && window.customsGraph.ready")
        else:
            assert EVIL_PERSON in body, what  # the analyst's name
        # No element was made from the data.
        assert page.evaluate("document.querySelectorAll('img').length") == 0, what
        assert page.evaluate("document.querySelectorAll('script').length") == \
            (3 if what == "export" else 0), what
        page.close()
        _count("html in chromium")


def test_zz_report_how_many_cases_ran():
    """Not a check: prints how many hostile cases this run tried (pytest -s)."""
    print("hostile cases run:", CASES_RUN, "total", sum(CASES_RUN.values()))


# --- 4. the command line signs in before it reads ----------------------------------------
def test_cli_reads_need_sign_in_once_users_exist(empty_lbug, tmp_path, monkeypatch, capsys):
    """Once a user exists, every reading command signs in first (before the fix
    `neighbours` and `paths` read the graph with no credentials at all, and `search`
    and `cypher` ran the query before checking them)."""
    from graph.records.users import UserStore

    _load_mini(empty_lbug, tmp_path)
    users = tmp_path / "customs-graph" / "users.json"
    UserStore(users).add("alice", "admin", "another long password 2")
    UserStore(users).add("binh", "viewer", "a long enough password 1")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))  # the state: tmp_path/customs-graph
    url = empty_lbug.url
    reads = [("search", "viet"), ("neighbours", PERSON), ("paths", PERSON, COMPANY),
             ("cypher", "MATCH (n) RETURN count(n)"), ("queries", "run", "entity_360")]
    for user, password in ((None, None), ("binh", "wrong password here"),
                           ("nobody", "a long enough password 1")):
        for var, value in (("CUSTOMS_GRAPH_USER", user), ("CUSTOMS_GRAPH_PASSWORD", password)):
            if value is None:
                monkeypatch.delenv(var, raising=False)
            else:
                monkeypatch.setenv(var, value)
        for args in reads:
            code, out, err = run_cli(monkeypatch, capsys, *args, "--store", url)
            assert code == 1 and not out, (args, user, out)
            assert err.startswith("error: ") and err.count("\n") == 1, err
            _count("sign-in")
    monkeypatch.setenv("CUSTOMS_GRAPH_USER", "binh")
    monkeypatch.setenv("CUSTOMS_GRAPH_PASSWORD", "a long enough password 1")
    # five wrong passwords above: binh is locked out for a while, even with the right one
    code, out, err = run_cli(monkeypatch, capsys, *reads[0], "--store", url)
    assert code == 1 and not out and "too many failed sign-ins" in err
    from graph.records import lockout

    later = lockout.now() + lockout.LONGEST_LOCK
    monkeypatch.setattr(lockout, "now", lambda: later)
    for args in reads:
        code, out, err = run_cli(monkeypatch, capsys, *args, "--store", url)
        if args[0] == "cypher":  # ad-hoc Cypher would escape any masking: analysts only
            assert code == 1 and "may not run ad-hoc Cypher" in err, (args, err)
            continue
        assert code == 0, (args, err)


def test_app_console_needs_sign_in_once_users_exist(empty_lbug, tmp_path, monkeypatch):
    pytest.importorskip("streamlit")
    from streamlit.testing.v1 import AppTest

    from graph.core.stores import ENV_STORE
    from graph.records.users import UserStore
    from tests.conftest import ROOT

    _load_mini(empty_lbug, tmp_path)
    users = tmp_path / "customs-graph" / "users.json"
    UserStore(users).add("alice", "admin", "another long password 2")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))  # the state: tmp_path/customs-graph
    monkeypatch.delenv("CUSTOMS_GRAPH_USER", raising=False)
    monkeypatch.delenv("CUSTOMS_GRAPH_PASSWORD", raising=False)
    monkeypatch.setenv(ENV_STORE, empty_lbug.url)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.run()
    if at.exception:
        raise RuntimeError(f"the app failed: {at.exception}")
    at.switch_page("ui/pages/console.py").run()
    if at.exception:
        raise RuntimeError(f"the console page failed: {at.exception}")
    buttons = [b for b in at.button if b.key == "console_run"]
    if buttons:
        buttons[0].click().run()
    assert not buttons and "console_result" not in at.session_state, \
        "the console ran a query for someone who never signed in"
