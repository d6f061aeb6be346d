"""The embedded store's read side: analysts' Cypher judged whole before it runs,
and the engine's values converted to graph.core.model values."""

from __future__ import annotations

from decimal import Decimal

from ladybug.prepared_statement import PreparedStatement

from graph.core import schema
from graph.core.cypher_guard import judge_ladybug_plan, judged_message
from graph.core.errors import QueryError, ReadOnlyError
from graph.core.model import Edge, Node, Path, QueryResult


# Read-only mode stops writes to the graph, but LadybugDB still lets a read-only
# connection read and write files of the host (LOAD FROM, COPY TO), install
# extensions, change settings or checkpoint, and it runs every statement of
# "A; B". So the engine prepares the text (one statement only: it refuses to
# prepare several), the plan of that one statement is judged against the
# allow-list of read operators, and then the prepared statement itself runs.
def _run_judged(conn, cypher: str, params: dict, limit: int) -> QueryResult:
    stmt = _prepare(conn, cypher, cypher, params)
    try:
        plan = _prepare(conn, "EXPLAIN " + cypher, cypher, params)
        try:
            judge_ladybug_plan(_plan_text(_execute(conn, plan, cypher, params)))
        finally:
            plan.close()
        res = _execute(conn, stmt, cypher, params)
        if isinstance(res, list):
            raise ReadOnlyError("refused: analysts' queries are read-only, one statement at a "
                                "time", params=params)
        rows = []
        while res.has_next() and len(rows) <= limit:
            rows.append(_convert_row(res.get_next()))
        return QueryResult(res.get_column_names(), rows[:limit], len(rows) > limit)
    except RuntimeError as e:
        raise QueryError(str(e), params=params) from e
    finally:
        stmt.close()


def _prepare(conn, text: str, cypher: str, params: dict) -> PreparedStatement:
    stmt = PreparedStatement(conn, text, params)
    if stmt.is_success():
        return stmt
    msg = stmt.get_error_message()
    stmt.close()
    # First what may be shown: the message can quote a host file's lines.
    files, shown = judged_message(msg, cypher, params)
    if files:
        raise ReadOnlyError(shown, params=params)
    if "multiple statements" in msg:
        raise ReadOnlyError("refused: analysts' queries are read-only, one statement at a time "
                            "(the text holds several)", params=params)
    if "read-only database" in msg:
        raise ReadOnlyError(f"refused: analysts' queries are read-only and this one writes "
                            f"({shown})", params=params)
    raise QueryError(shown, params=params)


def _execute(conn, stmt: PreparedStatement, cypher: str, params: dict):
    try:
        return conn.execute(stmt, params)
    except RuntimeError as e:
        # Only a plan already judged runs, so the engine's words are about the graph.
        raise QueryError(str(e), params=params) from e


def _plan_text(res) -> str:
    rows = _all(res)
    if len(rows) != 1 or len(rows[0]) != 1:
        raise ReadOnlyError("refused: the query's plan could not be read, so it is not run")
    return str(rows[0][0])


def _all(res):
    if isinstance(res, list):
        res = res[-1]
    out = []
    while res.has_next():
        out.append(res.get_next())
    return out


def _plain_props(d: dict) -> dict:
    return {k: v for k, v in d.items() if not k.startswith("_") and v is not None}


def _convert_row(row):
    ids: dict = {}
    for v in row:
        _collect_nodes(v, ids)
    return [_convert(v, ids) for v in row]


def _collect_nodes(v, ids):
    if isinstance(v, dict):
        if "_NODES" in v:
            for n in v["_NODES"]:
                _collect_nodes(n, ids)
        elif "_LABEL" in v and "_SRC" not in v and "_ID" in v:
            ids[_id(v["_ID"])] = _node(v)
    elif isinstance(v, list):
        for x in v:
            _collect_nodes(x, ids)


def _id(d) -> tuple:
    return (d["table"], d["offset"])


def _node(d) -> Node:
    lb = schema.label(d["_LABEL"])
    return Node(lb.name, d[lb.key], _plain_props(d))


def _convert(v, ids):
    if isinstance(v, dict):
        if "_NODES" in v:
            nodes = tuple(ids[_id(n["_ID"])] for n in v["_NODES"])
            edges = tuple(_convert(r, ids) for r in v["_RELS"])
            return Path(*_orient(nodes, edges))
        if "_SRC" in v and "_LABEL" in v:
            src, dst = ids.get(_id(v["_SRC"])), ids.get(_id(v["_DST"]))
            return Edge(src.id if src else "?", dst.id if dst else "?", v["_LABEL"],
                        _plain_props(v))
        if "_LABEL" in v and "_ID" in v:
            return ids.get(_id(v["_ID"])) or _node(v)
        return {k: _convert(x, ids) for k, x in v.items()}
    if isinstance(v, list):
        return [_convert(x, ids) for x in v]
    if isinstance(v, Decimal):
        # sum() over INT64 is INT128 here, which arrives as a Decimal; Neo4j
        # and JSON want a plain number.
        return int(v) if v == v.to_integral_value() else float(v)
    return v


def _orient(nodes, edges):
    """Path nodes in walking order from the first node (the engine may list them
    in storage order for undirected patterns)."""
    if not edges or len(nodes) != len(edges) + 1:
        return nodes, edges
    by_id = {n.id: n for n in nodes}
    walk = [nodes[0]]
    for e in edges:
        cur = walk[-1].id
        nxt = e.target if e.source == cur else e.source
        walk.append(by_id.get(nxt, walk[-1]))
    return tuple(walk), edges

