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
import time

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
from graph.core.neo4j_write import BATCH, Neo4jWrites
from graph.core.schema import REF, SEARCH
from graph.core.search import lucene
from graph.core.store import (
    Store,
    search_text_for,
)

log = logging.getLogger(__name__)
SEIZURES_TTL_S = 60.0  # the longest a cached list of seizure links is trusted
# The driver warns about each retry; without a handler configured by the
# application those warnings would land on stderr in the middle of CLI output.
logging.getLogger("neo4j").addHandler(logging.NullHandler())



_OLD_TEXT = re.compile(r"[^0-9a-z ]")


class Neo4jStore(Connection, Console, Neo4jWrites, Store):
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

    def seizure_links(self):
        """Read whole again only when the seizures or their links were added or
        removed (Neo4j answers both counts from its count store at once), or
        after a minute: at 1,000,000 persons every search and every busy
        neighbourhood read them all (about 1 s a time on a busy server)."""
        sz, inv = schema.L.Seizure.name, schema.R.INVOLVES.name
        _, rows = self.read(f"MATCH (s:{sz}) WITH count(s) AS n "
                            f"MATCH ()-[r:{inv}]->() RETURN n, count(r)")
        state = tuple(rows[0]) if rows else ()
        cached = getattr(self, "_seizures", None)
        if cached and cached[0] == state and time.monotonic() - cached[1] < SEIZURES_TTL_S:
            return cached[2]
        links = super().seizure_links()
        self._seizures = (state, time.monotonic(), links)
        return links

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
