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
import re

from neo4j import READ_ACCESS, WRITE_ACCESS, GraphDatabase
from neo4j import exceptions as nx

from graph.core import schema
from graph.core.errors import SchemaError
from graph.core.neo4j_conn import (  # noqa: F401 - re-exported: callers import them here
    _CONNECT_S,
    ENV_DATABASE,
    ENV_PASSWORD,
    ENV_USER,
    SCHEMES,
    SEARCH_ANALYZER,
    SEARCH_INDEX,
    Connection,
    _fulltext_ddl,
    _one_line,
    parse_url,
)
from graph.core.neo4j_read import Console, _convert_rows
from graph.core.schema import FLOAT, INT, REF, SEARCH, SOURCE
from graph.core.search import lucene
from graph.core.store import (
    Store,
    WriteCounts,
    dedupe_rows,
    merge_props,
    rel_identity,
    search_text_for,
)

log = logging.getLogger(__name__)
# The driver warns about each retry; without a handler configured by the
# application those warnings would land on stderr in the middle of CLI output.
logging.getLogger("neo4j").addHandler(logging.NullHandler())

BATCH = 5000  # rows per write transaction
LOOKUP = 20000  # keys per lookup query
INSERT_BATCH = 20000  # rows per transaction on the look-up-free insert path


_OLD_TEXT = re.compile(r"[^0-9a-z ]")


class Neo4jStore(Connection, Console, Store):
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


    # --- reads --------------------------------------------------------------------
    def read(self, cypher, params=None):
        def work(tx):
            res = tx.run(cypher, params or {})
            cols = list(res.keys())
            return cols, _convert_rows(tx, [rec.values() for rec in res])

        with self._session(READ_ACCESS, params) as s:
            return s.execute_read(work)


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

    # --- writes -------------------------------------------------------------------
    def write(self, cypher, params=None):
        self._write(lambda tx: tx.run(cypher, params or {}).consume())

    def _write(self, work, *args):
        with self._session(WRITE_ACCESS) as s:
            return s.execute_write(work, *args)

    def upsert_nodes(self, label, rows):
        lb = schema.label(label)
        cols = lb.all_props()
        rows = dedupe_rows([_typed(r, cols) for r in rows], lambda r: r[lb.key])
        counts = WriteCounts()
        for i in range(0, len(rows), BATCH):
            created, updated, unchanged = self._write(_upsert_nodes_tx, lb, rows[i:i + BATCH])
            counts.created += created
            counts.updated += updated
            counts.unchanged += unchanged
        return counts

    def upsert_relationships(self, rel, from_label, to_label, rows):
        rt, fa, fb = schema.joining(rel, from_label, to_label)
        cols = {"from": "str", "to": "str", **rt.all_props()}
        rows = dedupe_rows([_typed(r, cols) for r in rows], rel_identity(rt))
        counts = WriteCounts()
        for i in range(0, len(rows), BATCH):
            counts.add(self._write(_upsert_rels_tx, rt, fa, fb, rows[i:i + BATCH]))
        return counts


    def insert_nodes(self, label, rows):
        lb = schema.label(label)
        cols = lb.all_props()
        counts = WriteCounts()
        for i in range(0, len(rows), INSERT_BATCH):
            part = [_typed(r, cols) for r in rows[i:i + INSERT_BATCH]]
            try:
                counts.created += self._write(_insert_nodes_tx, lb, part)
            except nx.ConstraintError:
                # Another writer created some of these keys meanwhile: the
                # uniqueness constraint refused the batch; merge it instead.
                counts.add(self.upsert_nodes(label, part))
        return counts

    def insert_relationships(self, rel, from_label, to_label, rows):
        rt, fa, fb = schema.joining(rel, from_label, to_label)
        cols = {"from": "str", "to": "str", **rt.all_props()}
        counts = WriteCounts()
        for i in range(0, len(rows), INSERT_BATCH):
            part = [_typed(r, cols) for r in rows[i:i + INSERT_BATCH]]
            try:
                counts.created += self._write(_insert_rels_tx, rt, fa, fb, part)
            except _EndsMissing:
                counts.add(self.upsert_relationships(rel, from_label, to_label, part))
        return counts


# --- writes ---------------------------------------------------------------------------
_CASTS = {FLOAT: float, INT: int}


def _typed(row: dict, cols: dict[str, str]) -> dict:
    """The row with FLOAT/INT values cast: Neo4j stores whatever type it is sent,
    and an int where the embedded store holds a DOUBLE would break parity."""
    out = dict(row)
    for p, kind in cols.items():
        v = out.get(p)
        if v is not None and kind in _CASTS and type(v) is not _CASTS[kind]:
            out[p] = _CASTS[kind](v)
    return out


def _values(row: dict, cols, skip=()) -> dict:
    return {p: row[p] for p in cols if p not in skip and row.get(p) is not None}


def _lookup(tx, lb: schema.Label, keys) -> dict[str, dict]:
    """key -> stored properties, for the keys that are stored."""
    out: dict[str, dict] = {}
    keys = sorted(set(keys))
    for i in range(0, len(keys), LOOKUP):
        res = tx.run(f"UNWIND $keys AS k MATCH (n:{lb.name} {{{lb.key}: k}}) "
                     f"RETURN k, properties(n)", keys=keys[i:i + LOOKUP])
        out.update((k, props) for k, props in res)
    return out


def _stored(tx, lb: schema.Label, keys) -> set[str]:
    """The keys that are stored."""
    out: set[str] = set()
    keys = sorted(set(keys))
    for i in range(0, len(keys), LOOKUP):
        res = tx.run(f"UNWIND $keys AS k MATCH (n:{lb.name} {{{lb.key}: k}}) RETURN k",
                     keys=keys[i:i + LOOKUP])
        out.update(k for [k] in res)
    return out


def _upsert_nodes_tx(tx, lb: schema.Label, rows: list[dict]) -> tuple[int, int, int]:
    """One batch in one transaction: look the keys up, then MERGE only the rows
    that create or change something. Counts come from the same transaction."""
    cols = lb.all_props()
    existing = _lookup(tx, lb, [r[lb.key] for r in rows])
    writes, new, unchanged = [], 0, 0
    for r in rows:
        old = existing.get(r[lb.key])
        if old is None:
            new += 1
            text = r.get(SEARCH) or search_text_for(lb.name, r)
            on_create = {SOURCE: r.get(SOURCE), SEARCH: text}
        elif merge_props(old, r, cols) is None:
            unchanged += 1
            continue
        else:
            on_create = {}
        # Only non-empty values are set, so nothing stored is ever erased;
        # `source` is set on creation only.
        writes.append({"k": r[lb.key], "c": on_create, "p": _values(r, cols, (lb.key, SOURCE))})
    created = 0
    if writes:
        summary = tx.run(f"UNWIND $rows AS r MERGE (n:{lb.name} {{{lb.key}: r.k}}) "
                         f"ON CREATE SET n += r.c SET n += r.p", rows=writes).consume()
        created = summary.counters.nodes_created
    # A node another writer created meanwhile was updated, not created, here.
    return created, len(writes) - created, unchanged


class _EndsMissing(Exception):
    """A batch met an end node that is not stored: rolled back, then upserted
    row by row so that each missing end is reported."""


def _insert_nodes_tx(tx, lb: schema.Label, rows: list[dict]) -> int:
    cols = lb.all_props()
    writes = []
    for r in rows:
        props = _values(r, cols)
        props[SEARCH] = r.get(SEARCH) or search_text_for(lb.name, r)
        writes.append(props)
    # CREATE, not MERGE: the rows are known new, and the key's uniqueness
    # constraint still refuses a key someone else stored meanwhile.
    summary = tx.run(f"UNWIND $rows AS r CREATE (n:{lb.name}) SET n = r", rows=writes).consume()
    return summary.counters.nodes_created


def _insert_rels_tx(tx, rt: schema.RelType, fa: schema.Label, fb: schema.Label,
                    rows: list[dict]) -> int:
    """No look-ups: one MERGE per row. MERGE (not CREATE) locks both ends, so two
    loads running at once still never store the same relationship twice."""
    cols = rt.all_props()
    keyed, unkeyed = [], []
    for r in rows:
        row = {"from": r["from"], "to": r["to"], "source": r.get(SOURCE),
               "k": {k: r.get(k) for k in rt.key}, "p": _values(r, cols, (SOURCE,))}
        (keyed if all(v is not None for v in row["k"].values()) else unkeyed).append(row)
    ends = (f"UNWIND $rows AS r MATCH (a:{fa.name} {{{fa.key}: r.from}}) "
            f"MATCH (b:{fb.name} {{{fb.key}: r.to}}) ")
    key_map = " {" + ", ".join(f"{k}: r.k.{k}" for k in rt.key) + "}" if rt.key else ""
    created = 0
    for part, body in ((keyed, f"MERGE (a)-[e:{rt.name}{key_map}]->(b) "
                               f"ON CREATE SET e.{SOURCE} = r.source SET e += r.p"),
                       (unkeyed, f"CREATE (a)-[e:{rt.name}]->(b) SET e += r.p, "
                                 f"e.{SOURCE} = r.source")):
        if not part:
            continue
        res = tx.run(ends + body + " RETURN count(*) AS n", rows=part)
        if res.single()["n"] != len(part):
            raise _EndsMissing()
        created += res.consume().counters.relationships_created
    return created


def _upsert_rels_tx(tx, rt: schema.RelType, fa: schema.Label, fb: schema.Label,
                    rows: list[dict]) -> WriteCounts:
    counts = WriteCounts()
    have_a = _stored(tx, fa, [r["from"] for r in rows])
    have_b = _stored(tx, fb, [r["to"] for r in rows])
    ok = []
    for r in rows:
        if r["from"] not in have_a:
            counts.missing.append((r, fa.name))
        elif r["to"] not in have_b:
            counts.missing.append((r, fb.name))
        else:
            ok.append(r)
    ident = rel_identity(rt)
    existing: dict = {}
    pairs = sorted({(r["from"], r["to"]) for r in ok})
    for i in range(0, len(pairs), LOOKUP):
        res = tx.run(f"UNWIND $pairs AS p MATCH (a:{fa.name} {{{fa.key}: p.f}})-[e:{rt.name}]->"
                     f"(b:{fb.name} {{{fb.key}: p.t}}) RETURN p.f, p.t, properties(e)",
                     pairs=[{"f": f, "t": t} for f, t in pairs[i:i + LOOKUP]])
        for f, t, props in res:
            existing[ident({"from": f, "to": t, **props})] = props
    cols = rt.all_props()
    keyed, unkeyed, changed = [], [], []
    for r in ok:
        old = existing.get(ident(r))
        row = {"from": r["from"], "to": r["to"], "source": r.get(SOURCE),
               "k": {k: r.get(k) for k in rt.key}, "p": _values(r, cols, (SOURCE,))}
        if old is None:
            # MERGE cannot match on a null property: such rows are created.
            (keyed if all(v is not None for v in row["k"].values()) else unkeyed).append(row)
        elif merge_props(old, r, cols) is None:
            counts.unchanged += 1
        else:
            changed.append(row)
    ends = (f"UNWIND $rows AS r MATCH (a:{fa.name} {{{fa.key}: r.from}}) "
            f"MATCH (b:{fb.name} {{{fb.key}: r.to}}) ")
    key_map = " {" + ", ".join(f"{k}: r.k.{k}" for k in rt.key) + "}" if rt.key else ""
    if keyed:
        # Both ends bound: Neo4j locks them, so concurrent loads do not duplicate.
        summary = tx.run(ends + f"MERGE (a)-[e:{rt.name}{key_map}]->(b) "
                         f"ON CREATE SET e.{SOURCE} = r.source SET e += r.p",
                         rows=keyed).consume()
        counts.created += summary.counters.relationships_created
        counts.updated += len(keyed) - summary.counters.relationships_created
    if unkeyed:
        summary = tx.run(ends + f"CREATE (a)-[e:{rt.name}]->(b) SET e += r.p, "
                         f"e.{SOURCE} = r.source", rows=unkeyed).consume()
        counts.created += summary.counters.relationships_created
    if changed:
        same = "".join(f" AND (e.{k} = r.k.{k} OR (e.{k} IS NULL AND r.k.{k} IS NULL))"
                       for k in rt.key)
        tx.run(f"UNWIND $rows AS r MATCH (a:{fa.name} {{{fa.key}: r.from}})-[e:{rt.name}]->"
               f"(b:{fb.name} {{{fb.key}: r.to}}) WHERE true{same} SET e += r.p",
               rows=changed).consume()
        counts.updated += len(changed)
    return counts


