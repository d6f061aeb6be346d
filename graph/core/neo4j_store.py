"""The server store: Neo4j 5 over Bolt, through the official driver.

Dialect differences from the embedded store (LadybugDB), all handled here:

* a node's label is `labels(n)[0]` (nodes carry exactly one schema label), a
  relationship's type is `type(r)`; LadybugDB says `label(…)` for both
  (hooks `label_expr` / `type_expr`);
* shortest paths: `allShortestPaths((a)-[:T*1..n]-(b))` with an
  `all(x IN nodes(p) WHERE …)` filter, which Neo4j evaluates during the
  search; LadybugDB writes `-[* ALL SHORTEST 1..n (r, x | WHERE …)]-`;
* no table schema: node keys are uniqueness constraints, `search_text` gets a
  text index (for CONTAINS) and dated properties a range index, all created
  from graph/core/schema.py on connect; absent properties are simply not stored
  (LadybugDB has every column, NULL when empty);
* writes are UNWIND/MERGE batches (no COPY FROM); property kinds are not
  enforced by the database, so FLOAT/INT values are cast before writing;
* one statement per query (LadybugDB runs `A; B` and answers with B);
* the database refuses writes in a READ transaction
  (Neo.ClientError.Statement.AccessMode), which is what analysts' queries use;
* a relationship returned without its end nodes carries no labels for them:
  the ends are looked up by elementId so edges always get "Label:key" refs.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

import neo4j
from neo4j import READ_ACCESS, WRITE_ACCESS, GraphDatabase, unit_of_work
from neo4j import exceptions as nx
from neo4j import graph as ng
from neo4j import time as nt

from graph.core import schema
from graph.core.cypher_guard import judge_neo4j
from graph.core.errors import QueryError, ReadOnlyError, SchemaError, StoreUnavailable
from graph.core.model import Edge, Node, Path, QueryResult
from graph.core.neo4j_write import BATCH, Neo4jWrites
from graph.core.schema import REF, SEARCH
from graph.core.search import lucene
from graph.core.store import (
    Store,
    search_text_for,
)

log = logging.getLogger(__name__)
# The driver warns about each retry; without a handler configured by the
# application those warnings would land on stderr in the middle of CLI output.
logging.getLogger("neo4j").addHandler(logging.NullHandler())

SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
ENV_USER, ENV_PASSWORD, ENV_DATABASE = "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE"
# How long managed transactions retry transient failures (leader switch, lost
# connection, deadlock) before the error surfaces: short for interactive reads.
_READ_RETRY_S, _WRITE_RETRY_S = 5, 30
_CONNECT_S = 10
_NAME_PREFIX = "cg"  # schema objects this store creates: cg_<Label>_<purpose>
SEARCH_INDEX = f"{_NAME_PREFIX}_search"
# search_text is folded by graph/core/text.py into plain [a-z0-9] words, as the
# embedded index reads it; this analyzer splits it into exactly those words.
# ("standard-folding" would also drop English stop words: "An" in "Nguyễn Văn An".)
SEARCH_ANALYZER = "standard-no-stop-words"


_OLD_TEXT = re.compile(r"[^0-9a-z ]")


def _fulltext_ddl() -> str:
    labels = "|".join(lb.name for lb in schema.LABELS)
    return (f"CREATE FULLTEXT INDEX {SEARCH_INDEX} IF NOT EXISTS FOR (n:{labels}) "
            f"ON EACH [n.{SEARCH}] OPTIONS {{indexConfig: {{`fulltext.analyzer`: "
            f"'{SEARCH_ANALYZER}', `fulltext.eventually_consistent`: false}}}}")


# SHOW CONSTRAINTS' type of a node key's uniqueness: Cypher 5 says UNIQUENESS,
# Cypher 25 (the default of new databases from Neo4j 2026.02) NODE_PROPERTY_UNIQUENESS.
_UNIQUE_TYPES = ("UNIQUENESS", "NODE_PROPERTY_UNIQUENESS", "NODE_KEY")


class Neo4jStore(Neo4jWrites, Store):
    """A Neo4j 5 database (server, cluster or Aura) as the store.

    URL: ``scheme://[user[:password]@]host[:port][?database=name]`` with scheme
    bolt, bolt+s, bolt+ssc (one server) or neo4j, neo4j+s, neo4j+ssc (routing:
    clusters, Aura). User, password and database percent-encoded in the URL
    win over $NEO4J_USER, $NEO4J_PASSWORD and $NEO4J_DATABASE; without a user
    the driver connects without authentication; without a database, the
    user's home database is used. Other query parameters of neo4j:// URLs go
    to the driver as routing context. `self.url` never shows the password.
    """

    kind = "neo4j"

    def __init__(self, url: str, *, ensure_schema: bool = True):
        uri, user, password, database, shown = parse_url(url)
        super().__init__(shown)
        self.database = database
        auth = (user, password or "") if user else None
        try:
            self._driver = GraphDatabase.driver(
                uri, auth=auth, user_agent="customs-graph",
                connection_timeout=_CONNECT_S,
                notifications_min_severity="OFF",
                connection_acquisition_timeout=_CONNECT_S * 3)
        except (nx.ConfigurationError, ValueError) as e:
            raise SchemaError(f"bad Neo4j URL {shown!r}: {_one_line(e)}") from e
        try:
            with self._errors():
                self._driver.verify_connectivity()
            if ensure_schema:
                self._ensure_schema()
        except BaseException:
            self._driver.close()
            raise

    # --- dialect hooks ------------------------------------------------------------
    def label_expr(self, var: str) -> str:
        return f"labels({var})[0]"

    def type_expr(self, var: str) -> str:
        return f"type({var})"

    # --- connection ---------------------------------------------------------------
    @contextmanager
    def _session(self, mode: str, params: dict | None = None,
                 timeout_s: float | None = None) -> Iterator[neo4j.Session]:
        # A fresh session per call: the driver's pool reconnects after an outage.
        retry = _READ_RETRY_S if mode == READ_ACCESS else _WRITE_RETRY_S
        with self._errors(params, timeout_s), self._driver.session(
                database=self.database, default_access_mode=mode,
                max_transaction_retry_time=retry) as s:
            yield s

    @contextmanager
    def _errors(self, params: dict | None = None, timeout_s: float | None = None):
        """Driver and server errors as the project's errors, in one line."""
        try:
            yield
        except (nx.ServiceUnavailable, nx.SessionExpired) as e:
            raise StoreUnavailable(f"Neo4j at {self.url} is unreachable: {_one_line(e)}") from e
        except nx.AuthError as e:
            raise StoreUnavailable(
                f"Neo4j at {self.url} refused the credentials (set the user and password "
                f"in the URL or ${ENV_USER} / ${ENV_PASSWORD}): {_one_line(e)}",
                retryable=False) from e
        except nx.Neo4jError as e:
            code, msg = e.code or "", _one_line(e.message or e)
            if code.endswith(".AccessMode") or (isinstance(e, nx.Forbidden)
                                                and "write" in msg.lower()):
                raise ReadOnlyError(
                    f"refused: analysts' queries are read-only and this one writes ({msg})",
                    params=params) from e
            if "TransactionTimedOut" in code or code.endswith(".Terminated"):
                limit = f" after {timeout_s:g} s" if timeout_s else ""
                raise QueryError(f"the query was stopped{limit}: it took too long ({code})",
                                 params=params) from e
            if code.endswith("DatabaseNotFound") or isinstance(e, nx.TransientError):
                raise StoreUnavailable(f"Neo4j at {self.url}: {msg} ({code})",
                                       retryable=isinstance(e, nx.TransientError)) from e
            raise QueryError(f"{msg} ({code})", params=params) from e
        except (nx.ConnectionPoolError, nx.ConfigurationError) as e:
            raise StoreUnavailable(f"Neo4j at {self.url}: {_one_line(e)}",
                                   retryable=isinstance(e, nx.ConnectionPoolError)) from e
        except nx.DriverError as e:
            raise QueryError(_one_line(e), params=params) from e

    def close(self) -> None:
        self._driver.close()

    def _ensure_schema(self) -> None:
        """A uniqueness constraint per label key, a text index on search_text,
        a range index on dated properties and on the relationship properties
        the schema marks `indexed`; created only when missing (an
        equivalent object under another name counts)."""
        wanted = []
        for lb in schema.LABELS:
            base = f"{_NAME_PREFIX}_{lb.name}"
            wanted.append((("UNIQUENESS", lb.name, lb.key),
                           f"CREATE CONSTRAINT {base}_key IF NOT EXISTS FOR (n:{lb.name}) "
                           f"REQUIRE n.{lb.key} IS UNIQUE"))
            wanted.append((("TEXT", lb.name, SEARCH),
                           f"CREATE TEXT INDEX {base}_search IF NOT EXISTS FOR (n:{lb.name}) "
                           f"ON (n.{SEARCH})"))
            if lb.dated:
                wanted.append((("RANGE", lb.name, lb.dated),
                               f"CREATE INDEX {base}_{lb.dated} IF NOT EXISTS "
                               f"FOR (n:{lb.name}) ON (n.{lb.dated})"))
        for rt in schema.REL_TYPES:
            for prop in rt.indexed:
                wanted.append((("RANGE", rt.name, prop),
                               f"CREATE INDEX {_NAME_PREFIX}_{rt.name}_{prop} IF NOT EXISTS "
                               f"FOR ()-[r:{rt.name}]-() ON (r.{prop})"))
        with self._session(WRITE_ACCESS) as s:
            have = set()
            for rec in s.run("SHOW CONSTRAINTS YIELD type, labelsOrTypes, properties"):
                if rec["type"] in _UNIQUE_TYPES and len(rec["properties"]) == 1:
                    have.add(("UNIQUENESS", rec["labelsOrTypes"][0], rec["properties"][0]))
            for rec in s.run("SHOW INDEXES YIELD type, entityType, labelsOrTypes, properties"):
                if rec["properties"]:
                    have.add((rec["type"], rec["labelsOrTypes"][0], rec["properties"][0]))
            missing = [ddl for ident, ddl in wanted if ident not in have]
            names = {rec["name"] for rec in s.run("SHOW INDEXES YIELD name")}
            if SEARCH_INDEX not in names:
                missing.append(_fulltext_ddl())
            if not missing:
                return
            try:
                for ddl in missing:
                    s.run(ddl).consume()
                s.run("CALL db.awaitIndexes(300)").consume()
            except nx.Forbidden as e:
                log.warning("Neo4j at %s: cannot create constraints/indexes (%s); reads work, "
                            "loads will be slow or refused", self.url, _one_line(e))
            except nx.Neo4jError as e:
                raise StoreUnavailable(
                    f"Neo4j at {self.url}: cannot create the schema ({_one_line(e)})") from e

    # --- reads --------------------------------------------------------------------
    def read(self, cypher, params=None):
        def work(tx):
            res = tx.run(cypher, params or {})
            cols = list(res.keys())
            return cols, _convert_rows(tx, [rec.values() for rec in res])

        with self._session(READ_ACCESS, params) as s:
            return s.execute_read(work)

    def analyst_query(self, cypher, params, *, limit, timeout_s):
        params = dict(params or {})
        database = self._own_database()

        @unit_of_work(timeout=timeout_s or None)
        def work(tx):
            # Judged first, in the same READ transaction: the server's EXPLAIN
            # parses the whole text (one statement only) and plans it without
            # running it; nothing runs unless that plan only reads this database.
            try:
                summary = tx.run("EXPLAIN " + cypher, params).consume()
            except nx.ClientError as e:
                if e.code and e.code.endswith(".SyntaxError") and "one statement" not in str(e):
                    raise
                raise ReadOnlyError(f"refused: {_one_line(e.message or e)} ({e.code}); analysts' "
                                    "queries are one read-only statement on this database",
                                    params=params) from e
            judge_neo4j(summary, database)
            res = tx.run(cypher, params)
            cols = list(res.keys())
            rows = []
            for rec in res:
                rows.append(rec.values())
                if len(rows) > limit:
                    break
            res.consume()  # discards the rest on the server
            return cols, _convert_rows(tx, rows[:limit]), len(rows) > limit

        # A READ transaction: the database itself refuses any write.
        with self._session(READ_ACCESS, params, timeout_s) as s:
            cols, rows, truncated = s.execute_read(work)
        return QueryResult(cols, rows, truncated)

    def _own_database(self) -> str:
        """The database this store reads: the one in the URL, else the user's home
        database as the server names it."""
        if self.database:
            return self.database
        if getattr(self, "_home", None) is None:
            with self._session(READ_ACCESS) as s:
                self._home = s.run("EXPLAIN RETURN 1").consume().database
        return self._home

    def shortest_paths(self, a, b, max_hops, labels, rel_types, limit):
        la, lb = schema.label(a.label), schema.label(b.label)
        types = ":" + "|".join(rel_types) if rel_types else ""
        # The filter covers every node of the path: let the two ends through.
        cypher = (
            f"MATCH (a:{la.name} {{{la.key}: $a}}) MATCH (b:{lb.name} {{{lb.key}: $b}}) "
            f"MATCH p = allShortestPaths((a)-[{types}*1..{int(max_hops)}]-(b)) "
            f"WHERE all(n IN nodes(p) WHERE n = a OR n = b OR {self.label_expr('n')} IN $labels) "
            f"RETURN p LIMIT $limit")
        _, rows = self.read(cypher, {"a": a.key, "b": b.key, "labels": list(labels),
                                     "limit": limit * 4})
        return [row[0] for row in rows]

    # --- search index ----------------------------------------------------------------
    def find_terms(self, groups, labels, cap):
        """From the full-text index, which Neo4j keeps in step with every write;
        a scan while the index is missing or still being populated."""
        if not self._search_online():
            return super().find_terms(groups, labels, cap)
        everything = set(labels) >= {lb.name for lb in schema.LABELS}
        where = "" if everything else f" WHERE {self.label_expr('node')} IN $labels"
        _, rows = self.read(
            f"CALL db.index.fulltext.queryNodes('{SEARCH_INDEX}', $q) YIELD node "
            f"WITH node{where} RETURN node.{REF}, node.{SEARCH} ORDER BY node.{REF} "
            f"LIMIT $lim", {"q": lucene(groups), "labels": list(labels), "lim": cap + 1})
        rows = [(ref, st or "") for ref, st in rows]
        return rows[:cap], len(rows) > cap

    def _search_online(self) -> bool:
        """Whether the index can answer: it exists, is populated, and the search
        text it indexes is in the current format (one node per label sampled;
        older versions wrote "a | b@c" text: `rebuild_search_index` rewrites it)."""
        if getattr(self, "_online", False):
            return True
        _, rows = self.read("SHOW INDEXES YIELD name, state WHERE name = $n RETURN state",
                            {"n": SEARCH_INDEX})
        online = bool(rows) and rows[0][0] == "ONLINE"
        for lb in schema.LABELS if online else ():
            _, got = self.read(f"MATCH (n:{lb.name}) RETURN n.{SEARCH} LIMIT 1")
            if got and got[0][0] and _OLD_TEXT.search(got[0][0]):
                log.warning("Neo4j at %s: search text in an older format; searching by "
                            "scan until the search index is rebuilt", self.url)
                online = False
                break
        self._online = online
        return online

    def rebuild_search_index(self) -> int:
        """Rewrite each node's search text from its properties (stores loaded by
        older versions hold another format), then wait for the index."""
        total = 0
        for lb in schema.LABELS:
            _, rows = self.read(f"MATCH (n:{lb.name}) RETURN n")
            fix = []
            for (n,) in rows:
                text = search_text_for(lb.name, {lb.key: n.key, **n.properties})
                if text != n.properties.get(SEARCH):
                    fix.append({"k": n.key, "t": text})
            for i in range(0, len(fix), BATCH):
                self.write(f"UNWIND $rows AS r MATCH (n:{lb.name} {{{lb.key}: r.k}}) "
                           f"SET n.{SEARCH} = r.t", {"rows": fix[i:i + BATCH]})
            total += len(rows)
        with self._session(WRITE_ACCESS) as s:
            if SEARCH_INDEX not in {r["name"] for r in s.run("SHOW INDEXES YIELD name")}:
                s.run(_fulltext_ddl()).consume()
            s.run("CALL db.awaitIndexes(300)").consume()
        self._online = False
        return total

# --- URL ------------------------------------------------------------------------------
def parse_url(url: str) -> tuple[str, str | None, str | None, str | None, str]:
    """(driver URI, user, password, database, URL to show) from a store URL."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise SchemaError(f"bad Neo4j URL {url!r}: the scheme must be one of {', '.join(SCHEMES)}")
    host = parts.netloc.rsplit("@", 1)[-1]
    if not host:
        raise SchemaError(f"bad Neo4j URL {url!r}: no host, e.g. bolt://localhost:7687")
    if parts.path not in ("", "/"):
        raise SchemaError(f"bad Neo4j URL {url!r}: name the database as ?database=name")
    query = parse_qsl(parts.query, keep_blank_values=True)
    database = next((v for k, v in query if k == "database"), None)
    rest = [(k, v) for k, v in query if k != "database"]
    user = unquote(parts.username) if parts.username else os.environ.get(ENV_USER) or None
    password = (unquote(parts.password) if parts.password is not None
                else os.environ.get(ENV_PASSWORD))
    database = database or os.environ.get(ENV_DATABASE) or None
    uri = f"{scheme}://{host}" + (f"?{urlencode(rest)}" if rest else "")
    shown = f"{scheme}://" + (f"{user}@" if user else "") + host
    if database:
        shown += f"?database={database}"
    return uri, user, password, database, shown


def _one_line(e) -> str:
    text = " ".join(str(e).split())
    return text if len(text) <= 300 else text[:297] + "..."


# --- conversion -----------------------------------------------------------------------
_ORDER = {lb.name: i for i, lb in enumerate(schema.LABELS)}


def _convert_rows(tx, rows: list[list]) -> list[list]:
    """Driver values as graph.core.model values. Relationship ends the result did not
    carry (`RETURN r` alone) are looked up by elementId in the same transaction."""
    bare: set[str] = set()
    for row in rows:
        for v in row:
            _bare_ends(v, bare)
    nodes: dict[str, Node] = {}
    if bare:
        res = tx.run("MATCH (n) WHERE elementId(n) IN $ids RETURN n", ids=sorted(bare))
        nodes = {rec[0].element_id: _node(rec[0]) for rec in res}
    return [[_convert(v, nodes) for v in row] for row in rows]


def _bare_ends(v, out: set) -> None:
    if isinstance(v, ng.Relationship):
        for end in (v.start_node, v.end_node):
            if end is not None and not end.labels:
                out.add(end.element_id)
    elif isinstance(v, (list, tuple)):
        for x in v:
            _bare_ends(x, out)
    elif isinstance(v, dict):
        for x in v.values():
            _bare_ends(x, out)


def _node(n: ng.Node) -> Node:
    known = sorted((x for x in n.labels if x in _ORDER), key=_ORDER.get)
    props = dict(n)
    if known:
        lb = schema.label(known[0])
        key = props.get(lb.key)
        return Node(lb.name, str(key) if key is not None else n.element_id, props)
    # A node outside the schema (an existing database may hold others).
    return Node(min(n.labels) if n.labels else "", n.element_id, props)


def _ref(n: ng.Node | None, nodes: dict[str, Node]) -> str:
    if n is None:
        return "?"
    if n.labels:
        return _node(n).id
    found = nodes.get(n.element_id)
    return found.id if found else "?"


def _edge(r: ng.Relationship, nodes) -> Edge:
    return Edge(_ref(r.start_node, nodes), _ref(r.end_node, nodes), r.type, dict(r))


def _convert(v, nodes):
    if isinstance(v, ng.Node):
        return _node(v)
    if isinstance(v, ng.Relationship):
        return _edge(v, nodes)
    if isinstance(v, ng.Path):
        # The driver lists a path's nodes in walking order from its start.
        return Path(tuple(_node(n) for n in v.nodes),
                    tuple(_edge(r, nodes) for r in v.relationships))
    if isinstance(v, list):
        return [_convert(x, nodes) for x in v]
    if isinstance(v, dict):
        return {k: _convert(x, nodes) for k, x in v.items()}
    if isinstance(v, (nt.Date, nt.DateTime, nt.Time)):
        return v.to_native()  # Python date/datetime/time, as the embedded store returns
    return v
