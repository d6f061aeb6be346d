"""The embedded store on LadybugDB (the maintained KùzuDB fork).

LadybugDB lets one process write while others read. Readers here open the
database read-only and reopen it when the files on disk change; a writer
holds the write lock only inside `writing()`, so `customs-graph load` works
while the app is open on the same store.

Bulk rows go in through COPY FROM an Arrow table (about 30x faster than
UNWIND/MERGE here), but COPY must never see a key that already exists (it
crashes the process), so each batch is first split into new and existing
rows by primary-key lookups; existing rows are updated only where they differ.
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
from graph.core.errors import QueryError, StoreUnavailable
from graph.core.ladybug_conn import (  # noqa: F401 - _CONSOLE_SLOTS: tests read it here
    _CONSOLE_SLOTS,
    _READ_BUFFER,
    Connections,
    node_table_ddl,
    rel_table_ddl,
)
from graph.core.ladybug_index import IndexKept
from graph.core.ladybug_read import _all, _convert_row, _plain_props, _run_judged
from graph.core.model import Edge
from graph.core.schema import FLOAT, INT, REF, SEARCH, STR
from graph.core.search import get_many
from graph.core.search_index import SearchIndex, index_path
from graph.core.store import (
    Store,
    WriteCounts,
    dedupe_rows,
    merge_props,
    rel_identity,
    search_text_for,
)

SMALL_COPY = 5000  # fewer new relationships than this are created, not copied
_ARROW_TYPES = {STR: pa.string(), INT: pa.int64(), FLOAT: pa.float64()}


class LadybugStore(Connections, IndexKept, Store):
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

    # --- writes -------------------------------------------------------------
    def write(self, cypher, params=None):
        with self.writing() as conn:
            try:
                conn.execute(cypher, params or {})
            except RuntimeError as e:
                raise QueryError(str(e), params=params) from e

    def upsert_nodes(self, label, rows):
        lb = schema.label(label)
        rows = dedupe_rows(rows, lambda r: r[lb.key])
        counts = WriteCounts()
        if not rows:
            return counts
        with self.writing() as conn:
            self._index_begin()
            existing = {}
            for key, node in self._lookup(conn, lb, [r[lb.key] for r in rows]):
                existing[key] = node
            new = [r for r in rows if r[lb.key] not in existing]
            for r in new:
                r[SEARCH] = r.get(SEARCH) or search_text_for(lb.name, r)
            if new:
                before = _count(conn, f"MATCH (n:{lb.name}) RETURN count(n)")
                conn.execute(f"COPY {lb.name} FROM $t", {"t": _arrow(new, lb.all_props())})
                after = _count(conn, f"MATCH (n:{lb.name}) RETURN count(n)")
                _verify(after - before, len(new), lb.name)
            changed = []
            for r in rows:
                old = existing.get(r[lb.key])
                if old is None:
                    continue
                merged = merge_props(old, r, lb.all_props())
                if merged is None:
                    counts.unchanged += 1
                else:
                    changed.append(merged)
            if changed:
                sets = _set_clause("n", changed, lb.all_props(), skip=(lb.key,))
                conn.execute(f"UNWIND $rows AS r MATCH (n:{lb.name} {{{lb.key}: r.{lb.key}}}) "
                             f"SET {sets}", {"rows": changed})
            counts.created, counts.updated = len(new), len(changed)
            self._index.put(lb.name, [(schema.make_ref(lb.name, r[lb.key]), r.get(SEARCH))
                                      for r in new + changed])
        return counts

    takes_arrow = True  # insert_* take a whole Arrow table: one COPY FROM per table

    def insert_nodes(self, label, rows):
        # Only a loader holding the write lock for its whole run calls this, on
        # keys it knows are not stored: COPY must never meet a stored key.
        lb = schema.label(label)
        table = rows if isinstance(rows, pa.Table) else _arrow(rows, lb.all_props())
        if not table.num_rows:
            return WriteCounts()
        with self.writing() as conn:
            self._index_begin()
            table = _fill_search(lb, table)
            count_q = f"MATCH (n:{lb.name}) RETURN count(n)"
            before = _count(conn, count_q)
            conn.execute(f"COPY {lb.name} FROM $t", {"t": table.select(list(lb.all_props()))})
            _verify(_count(conn, count_q) - before, table.num_rows, lb.name)
            self._index.put(lb.name, list(zip(table[REF].to_pylist(),
                                              table[SEARCH].to_pylist(), strict=True)))
        return WriteCounts(created=table.num_rows)

    def insert_relationships(self, rel, from_label, to_label, rows):
        rt, fa, fb = schema.joining(rel, from_label, to_label)
        if not len(rows):
            return WriteCounts()
        with self.writing() as conn:
            try:
                self._copy_rels(conn, rt, fa, fb, rows)
            except RuntimeError as e:
                if "primary key" not in str(e):
                    raise
                # An end is not stored after all: the COPY stored nothing; the
                # merging path names each row whose end is missing.
                if isinstance(rows, pa.Table):
                    rows = rows.to_pylist()
                return self.upsert_relationships(rel, from_label, to_label, rows)
        return WriteCounts(created=len(rows))

    @staticmethod
    def _copy_rels(conn, rt, fa, fb, rows) -> None:
        count_q = f"MATCH (a:{fa.name})-[e:{rt.name}]->(b:{fb.name}) RETURN count(e)"
        before = _count(conn, count_q)
        cols = {"from": STR, "to": STR, **rt.all_props()}
        opts = f" (from='{fa.name}', to='{fb.name}')" if len(rt.ends) > 1 else ""
        table = rows.select(list(cols)) if isinstance(rows, pa.Table) else _arrow(rows, cols)
        conn.execute(f"COPY {rt.name} FROM $t{opts}", {"t": table})
        # A missing end makes COPY fail as a whole; a count short of the rows
        # would mean rows were dropped silently.
        _verify(_count(conn, count_q) - before, table.num_rows, rt.name)

    @staticmethod
    def _create_rels(conn, rt, fa, fb, rows) -> None:
        """A few new relationships (a daily increment): CREATE, not COPY, whose
        checkpoint rewrites the whole table (0.8 s a COPY at 20,000 persons)."""
        props = _set_clause("e", rows, rt.all_props()).replace("e.", "").replace(" = ", ": ")
        for i in range(0, len(rows), 20000):
            conn.execute(f"UNWIND $rows AS r MATCH (a:{fa.name} {{{fa.key}: r.from}}), "
                         f"(b:{fb.name} {{{fb.key}: r.to}}) "
                         f"CREATE (a)-[e:{rt.name} {{{props}}}]->(b)",
                         {"rows": rows[i:i + 20000]})

    def _lookup(self, conn, lb, keys):
        out = []
        for i in range(0, len(keys), 20000):
            res = conn.execute(f"UNWIND $keys AS k MATCH (n:{lb.name} {{{lb.key}: k}}) "
                               f"RETURN k, n", {"keys": keys[i:i + 20000]})
            out += [(k, _plain_props(n)) for k, n in _all(res)]
        return out

    def _keys(self, conn, lb, keys) -> set[str]:
        """The keys that are stored (keys only: no properties to convert)."""
        found: set[str] = set()
        for i in range(0, len(keys), 20000):
            res = conn.execute(f"UNWIND $keys AS k MATCH (n:{lb.name} {{{lb.key}: k}}) RETURN k",
                               {"keys": keys[i:i + 20000]})
            found.update(r[0] for r in _all(res))
        return found

    def _stored_pairs(self, conn, rt, fa, fb, pairs) -> list[tuple[str, str, dict]]:
        """(from key, to key, properties) of the stored `rt` relationships
        between the given (from, to) key pairs.

        Asked one end's keys at a time (`UNWIND $keys … MATCH (a {key: k})-[e]->(b)`),
        then narrowed to the pairs here: a list of plain keys lets the engine
        expand from each bound node, where `UNWIND $pairs AS p … {key: p.t}`
        made it scan and join the whole relationship table (20,000 HAS_PHONE
        pairs: 10.8 s against 0.17 s at 100,000 persons, growing with the table).
        It expands from the end whose label holds more nodes, which has fewer
        relationships each on average (a Person's few flights, not a Flight's
        hundred travellers; a Declaration's one declarant, not a busy
        Company's thousands)."""
        from_side = (_count(conn, f"MATCH (n:{fa.name}) RETURN count(n)")
                     >= _count(conn, f"MATCH (n:{fb.name}) RETURN count(n)"))
        if from_side:
            keys = sorted({f for f, _ in pairs})
            q = (f"UNWIND $keys AS k MATCH (a:{fa.name} {{{fa.key}: k}})-[e:{rt.name}]->"
                 f"(b:{fb.name}) RETURN k, b.{fb.key}, e")
        else:
            keys = sorted({t for _, t in pairs})
            q = (f"UNWIND $keys AS k MATCH (b:{fb.name} {{{fb.key}: k}})<-[e:{rt.name}]-"
                 f"(a:{fa.name}) RETURN a.{fa.key}, k, e")
        wanted = set(pairs)
        out = []
        _replan(conn)
        for i in range(0, len(keys), 20000):
            for f, t, e in _all(conn.execute(q, {"keys": keys[i:i + 20000]})):
                if (f, t) in wanted:
                    out.append((f, t, _plain_props(e)))
        return out

    def upsert_relationships(self, rel, from_label, to_label, rows):
        rt, fa, fb = schema.joining(rel, from_label, to_label)
        ident = rel_identity(rt)
        rows = dedupe_rows(rows, ident)
        counts = WriteCounts()
        if not rows:
            return counts
        with self.writing() as conn:
            have_a = self._keys(conn, fa, sorted({r["from"] for r in rows}))
            have_b = self._keys(conn, fb, sorted({r["to"] for r in rows}))
            ok = []
            for r in rows:
                if r["from"] not in have_a:
                    counts.missing.append((r, from_label))
                elif r["to"] not in have_b:
                    counts.missing.append((r, to_label))
                else:
                    ok.append(r)
            existing = {}
            pairs = sorted({(r["from"], r["to"]) for r in ok})
            for f, t, props in self._stored_pairs(conn, rt, fa, fb, pairs):
                existing[ident({"from": f, "to": t, **props})] = props
            new = [r for r in ok if ident(r) not in existing]
            if new:
                if len(new) < SMALL_COPY:
                    self._create_rels(conn, rt, fa, fb, new)
                else:
                    self._copy_rels(conn, rt, fa, fb, new)
            changed = []
            for r in ok:
                old = existing.get(ident(r))
                if old is None:
                    continue
                merged = merge_props(old, r, rt.all_props())
                if merged is None:
                    counts.unchanged += 1
                else:
                    changed.append({**merged, "from": r["from"], "to": r["to"]})
            if changed:
                match_keys = "".join(f" AND e.{k} = r.{k}" for k in rt.key)
                sets = _set_clause("e", changed, rt.all_props(), skip=rt.key)
                conn.execute(
                    f"UNWIND $rows AS r MATCH (a:{fa.name} {{{fa.key}: r.from}})-[e:{rt.name}]->"
                    f"(b:{fb.name} {{{fb.key}: r.to}}) WHERE true{match_keys} SET {sets}",
                    {"rows": changed})
            counts.created, counts.updated = len(new), len(changed)
        return counts


def _replan(conn) -> None:
    """Forget the plans the connection cached for its statements.

    The Python connection keeps the plan of each statement text it has run
    and reuses it; a plan made when a table was empty (the first batch of a
    load) joins against the whole table forever after, so a load slowed down
    batch after batch. Dropping the cache makes the engine plan for the
    table as it is now. Only a cache is cleared: results cannot change."""
    cache = getattr(conn, "_pybind_implicit_prepared_cache", None)
    lock = getattr(conn, "_prepared_cache_lock", None)
    if isinstance(cache, dict) and lock is not None:
        with lock:
            cache.clear()


def _count(conn, q) -> int:
    return _all(conn.execute(q))[0][0]


def _verify(added: int, expected: int, what: str) -> None:
    # Some engine releases silently dropped rows in bulk paths; never trust, count.
    if added != expected:
        raise StoreUnavailable(f"COPY into {what} added {added} rows, expected {expected}")


def _arrow(rows, cols: dict[str, str]) -> pa.Table:
    return pa.table({c: pa.array([r.get(c) for r in rows], type=_ARROW_TYPES[k])
                     for c, k in cols.items()})


def _fill_search(lb, table: pa.Table) -> pa.Table:
    """search_text for rows that came without one (a node named only by its key)."""
    col = table[SEARCH]
    if not col.null_count:
        return table
    blank = pc.indices_nonzero(pc.is_null(col))
    filled = col.to_pylist()
    for i, r in zip(blank.to_pylist(), table.take(blank).to_pylist(), strict=True):
        filled[i] = search_text_for(lb.name, r)
    i = table.schema.get_field_index(SEARCH)
    return table.set_column(i, SEARCH, pa.array(filled, pa.string()))


def _set_clause(var: str, rows: list[dict], cols, skip=()) -> str:
    """SET only columns some row has a value for: an all-null parameter column
    has no type the engine can cast, and setting null over null changes nothing."""
    return ", ".join(f"{var}.{p} = r.{p}" for p in cols
                     if p not in skip and any(r.get(p) is not None for r in rows))


