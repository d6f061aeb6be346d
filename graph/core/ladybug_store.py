"""The embedded store on LadybugDB (the maintained KùzuDB fork).

LadybugDB lets one process write while others read. Readers here open the
database read-only and reopen it when the files on disk change; a writer
holds the write lock only inside `writing()`, so `customs-graph load` works
while the app is open on the same store.

The writes are in graph/core/ladybug_write.py.
"""

from __future__ import annotations

import gc
import os
import threading
from pathlib import Path as FsPath

import ladybug
import pyarrow as pa
import pyarrow.compute as pc

from graph.core import schema
from graph.core.errors import QueryError
from graph.core.ladybug_conn import (  # noqa: F401 - _CONSOLE_SLOTS: tests read it here
    _CONSOLE_SLOTS,
    _READ_BUFFER,
    Connections,
    node_table_ddl,
    rel_table_ddl,
)
from graph.core.ladybug_index import IndexKept
from graph.core.ladybug_read import _all, _convert_row, _run_judged
from graph.core.ladybug_write import LadybugWrites, _replan
from graph.core.model import Edge
from graph.core.schema import REF, SEARCH
from graph.core.search import get_many
from graph.core.search_index import SearchIndex, index_path
from graph.core.store import Store
from graph.core.text import search_column


class LadybugStore(Connections, IndexKept, LadybugWrites, Store):
    kind = "ladybug"

    def __init__(self, url: str, *, read_buffer: int = _READ_BUFFER):
        super().__init__(url)
        raw = url.split("://", 1)[1] if "://" in url else url
        self.path = FsPath(os.path.expanduser(raw)).resolve()
        self._read_buffer = read_buffer
        self._lock = threading.RLock()
        self._ro = None  # the read-only database (ladybug_conn._Reader)
        self._console = threading.BoundedSemaphore(_CONSOLE_SLOTS)
        self._rw = None  # Connection while inside writing()
        self._rw_depth = 0
        self._probe = None  # fd kept open: closing one drops this process's POSIX locks
        self._index = SearchIndex(index_path(self.path))
        self._index_sig = None  # the database signature the index was last checked at
        self._seizures = None  # (signature, seizure links) read at that state
        self._ensure_schema()

    def close(self) -> None:
        with self._lock:
            self._close_reader()
            self._index.close()
            if self._probe is not None:
                os.close(self._probe)
                self._probe = None

    # --- reads --------------------------------------------------------------
    def read(self, cypher, params=None):
        with self._lock:
            conn = self._rw[1] if self._rw else self._reader()[1]
            try:
                res = conn.execute(cypher, params or {})
            except RuntimeError as e:
                if "buffer pool is full" not in str(e):
                    raise QueryError(str(e), params=params) from e
                # The plans the connection keeps hold buffer-pool pages (a
                # neighbourhood's dozen statements filled 64 MB): forget them, retry.
                _replan(conn)
                gc.collect()
                try:
                    res = conn.execute(cypher, params or {})
                except RuntimeError as e2:
                    raise QueryError(str(e2), params=params) from e2
            return res.get_column_names(), [_convert_row(r) for r in _all(res)]

    def analyst_query(self, cypher, params, *, limit, timeout_s):
        """Judge the query whole, then run exactly the statement that was judged.

        It runs on a connection of its own (the engine runs connections of one
        database side by side) with its own timeout, outside the store's lock,
        so it never holds up another user's search or a write."""
        params = dict(params or {})
        if not self._console.acquire(timeout=timeout_s or None):
            raise QueryError(f"the console is busy ({_CONSOLE_SLOTS} queries are running); "
                             "try again shortly", params=params)
        try:
            reader = self._borrow_reader()
            try:
                conn = ladybug.Connection(reader.db, num_threads=1)
                try:
                    conn.set_query_timeout(int(timeout_s * 1000) if timeout_s else 0)
                    return _run_judged(conn, cypher, params, limit)
                except QueryError as e:
                    if timeout_s and str(e).startswith("Interrupted"):
                        raise QueryError(f"the query was stopped after {timeout_s:g} s: it took "
                                         "too long", params=params) from e
                    raise
                finally:
                    conn.close()
            finally:
                self._give_back(reader)
        finally:
            self._console.release()

    def shortest_paths(self, a, b, max_hops, labels, rel_types, limit):
        la, lb = schema.label(a.label), schema.label(b.label)
        types = ":" + "|".join(rel_types) if rel_types else ""
        # The recursive predicate applies to the end nodes too, so let them through.
        cypher = (
            f"MATCH p = (a:{la.name} {{{la.key}: $a}})-[r{types}* ALL SHORTEST 1..{int(max_hops)} "
            f"(r, n | WHERE n.{REF} = $ra OR n.{REF} = $rb OR label(n) IN $labels)]-"
            f"(b:{lb.name} {{{lb.key}: $b}}) RETURN p LIMIT $limit")
        _, rows = self.read(cypher, {"a": a.key, "b": b.key, "ra": a.id, "rb": b.id,
                                     "labels": labels, "limit": limit * 4})
        return [row[0] for row in rows]

    # Returning whole neighbour nodes made the engine read every column of every
    # table the far end may be in (3x slower for a flight's travellers) and sort
    # whole rows before a LIMIT (0.9 s on a 70,000-person country): rows return
    # the far node's ref, and the nodes are then read by key.
    far_expr = f"b.{REF}"

    def _far_nodes(self, rows):
        nodes = get_many(self, [ref for _a, _r, ref in rows])
        out = []
        for a, r, ref in rows:
            if ref in nodes:
                far = nodes[ref].id
                edge = Edge(r.source if r.source != "?" else far,
                            r.target if r.target != "?" else far, r.type, r.properties)
                out.append((a, edge, nodes[ref]))
        return out

    def _small_rows(self, lb, counts, labels):
        # One node and one (type, far label) a statement, both named: the cached
        # plan is a key look-up and a walk of that node's relationships, where a
        # statement over many keys read the far nodes again by key (35 % slower).
        out = []
        for k, c in counts.items():
            for t, far in sorted(c):
                out += self.read(f"MATCH (a:{lb.name} {{{lb.key}: $key}}) "
                                 f"MATCH (a)-[r:{t}]-(b:{far}) RETURN a, r, b", {"key": k})[1]
        return out

    def seizure_links(self):
        # One query over all seizures makes LadybugDB scan every label a seizure
        # may involve (a hash join): read each seizure's links from its key
        # instead, once per state of the database files.
        with self._lock:
            sig = self._signature()
            if self._seizures is not None and self._seizures[0] == sig:
                return self._seizures[1]
            sz = schema.L.Seizure
            out: dict[str, set[str]] = {}
            for (key,) in self.read(f"MATCH (s:{sz.name}) RETURN s.{sz.key}")[1]:
                for (ref,) in self.read(
                        f"MATCH (s:{sz.name} {{{sz.key}: $k}}) "
                        f"MATCH (s)-[:{schema.R.INVOLVES.name}]->(n) RETURN n.{REF}",
                        {"k": key})[1]:
                    out.setdefault(ref, set()).add(schema.make_ref(sz.name, key))
            self._seizures = (sig, out)
            return out

    def _search_filled(self, lb, table: pa.Table) -> pa.Table:
        return _fill_search(lb, table)


def _fill_search(lb, table: pa.Table) -> pa.Table:
    """search_text for rows that came without one (a node named only by its key)."""
    col = table[SEARCH]
    if not col.null_count:
        return table
    cols = [table[p] if p in table.column_names else pa.nulls(table.num_rows, pa.string())
            for p in [lb.key] + [p for p in lb.search if p != lb.key]]
    filled = pc.coalesce(col, search_column(cols, null_is_empty=True))
    i = table.schema.get_field_index(SEARCH)
    return table.set_column(i, SEARCH, filled)
