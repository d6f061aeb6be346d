"""Neo4j's read side: analysts' Cypher judged whole before it runs, and driver
values as graph.core.model values."""

from __future__ import annotations

from neo4j import READ_ACCESS, unit_of_work
from neo4j import exceptions as nx
from neo4j import graph as ng
from neo4j import time as nt

from graph.core import schema
from graph.core.cypher_guard import judge_neo4j
from graph.core.errors import ReadOnlyError
from graph.core.model import Edge, Node, Path, QueryResult
from graph.core.neo4j_conn import _one_line


class Console:
    """Analysts' queries (a mixin of Neo4jStore, which gives `_session`)."""

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

