"""Writes to the embedded store (LadybugDB), mixed into LadybugStore.

New rows go in through COPY FROM an Arrow table (about 30x faster than
UNWIND/MERGE here), but COPY must never see a key that already exists (it
crashes the process), so the merging path first splits rows into new and
stored by primary-key look-ups; stored rows are updated only where they differ.

A COPY into a relationship table that holds rows checkpoints the whole table
(6.5 s at 500,000 travel rows, whatever the rows copied), so a few new
relationships are created instead, both ends looked up by key: one node per
MATCH clause is what the engine plans as a primary-key look-up; two nodes in
one MATCH made it join whole node tables (20,000 rows: 191 s against 2 s).
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from graph.core import schema
from graph.core.errors import QueryError, StoreUnavailable
from graph.core.keyed import by_keys, chunks
from graph.core.ladybug_read import _all
from graph.core.schema import FLOAT, INT, REF, SEARCH, STR
from graph.core.store import (
    WriteCounts,
    against_stored,
    dedupe_rows,
    rel_identity,
    search_text_for,
)

# Fewer new relationships than this, into a table that holds rows, are created
# by key, not copied (20,000 rows: 2 s of CREATE against 6.5 s of COPY).
SMALL_COPY = 30_000
# A relationship table this large is copied from a Parquet file, not from the
# Arrow table in memory: at 1,000,000 persons the COPY of 5,000,000 travel rows
# from Arrow filled the 2 GB write buffer pool; from a file it fits.
FILE_COPY_ROWS = 1_000_000
# COPY takes a file path only as a literal: only plain paths are spelt into it.
_PLAIN_PATH = re.compile(r"[A-Za-z0-9_./-]+")
_ARROW_TYPES = {STR: pa.string(), INT: pa.int64(), FLOAT: pa.float64()}


class LadybugWrites:
    """The write half of LadybugStore; `writing()`, `_index_begin` and `_index`
    are the store's."""

    takes_arrow = True  # insert_* take a whole Arrow table: one COPY FROM per table

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
            existing = dict(_lookup(conn, lb, [r[lb.key] for r in rows]))
            new, pairs, counts.unchanged = against_stored(rows, existing, lambda r: r[lb.key],
                                                          lb.all_props())
            changed = [merged for _, merged in pairs]
            for r in new:
                r[SEARCH] = r.get(SEARCH) or search_text_for(lb.name, r)
            if new:
                before = _count(conn, f"MATCH (n:{lb.name}) RETURN count(n)")
                conn.execute(f"COPY {lb.name} FROM $t", {"t": _arrow(new, lb.all_props())})
                after = _count(conn, f"MATCH (n:{lb.name}) RETURN count(n)")
                _verify(after - before, len(new), lb.name)
            if changed:
                sets = _set_clause("n", changed, lb.all_props(), skip=(lb.key,))
                conn.execute(f"UNWIND $rows AS r MATCH (n:{lb.name} {{{lb.key}: r.{lb.key}}}) "
                             f"SET {sets}", {"rows": changed})
            counts.created, counts.updated = len(new), len(changed)
            self._index.put(lb.name, [(schema.make_ref(lb.name, r[lb.key]), r.get(SEARCH))
                                      for r in new + changed])
        return counts

    def insert_nodes(self, label, rows):
        # Only a loader holding the write lock for its whole run calls this, on
        # keys it knows are not stored: COPY must never meet a stored key.
        lb = schema.label(label)
        table = rows if isinstance(rows, pa.Table) else _arrow(rows, lb.all_props())
        if not table.num_rows:
            return WriteCounts()
        with self.writing() as conn:
            self._index_begin()
            table = self._search_filled(lb, table)
            count_q = f"MATCH (n:{lb.name}) RETURN count(n)"
            before = _count(conn, count_q)
            conn.execute(f"COPY {lb.name} FROM $t", {"t": table.select(list(lb.all_props()))})
            _verify(_count(conn, count_q) - before, table.num_rows, lb.name)
            self._index.put(lb.name, list(zip(table[REF].to_pylist(),
                                              table[SEARCH].to_pylist(), strict=True)))
        return WriteCounts(created=table.num_rows)

    def insert_relationships(self, rel, from_label, to_label, rows):
        """Relationships the caller knows are not stored (both ends are)."""
        rt, fa, fb = schema.joining(rel, from_label, to_label)
        if not len(rows):
            return WriteCounts()
        cols = {"from": STR, "to": STR, **rt.all_props()}
        table = rows.select(list(cols)) if isinstance(rows, pa.Table) else _arrow(rows, cols)
        count_q = f"MATCH (a:{fa.name})-[e:{rt.name}]->(b:{fb.name}) RETURN count(e)"
        with self.writing() as conn:
            if table.num_rows >= FILE_COPY_ROWS:
                conn = self._fresh_writer()
            before = _count(conn, count_q)
            if before and table.num_rows < SMALL_COPY:
                _create_rels(conn, rt, fa, fb, table.to_pylist())
                added = _count(conn, count_q) - before
                if added == table.num_rows:
                    return WriteCounts(created=added)
                # An end is not stored after all: the merging path names each
                # such row, and finds the ones just created unchanged.
                counts = self.upsert_relationships(rel, from_label, to_label, table.to_pylist())
                counts.created, counts.unchanged = counts.created + added, counts.unchanged - added
                return counts
            try:
                _copy_rels(conn, rt, fa, fb, self.path, table)
            except RuntimeError as e:
                if "primary key" not in str(e):
                    raise
                # An end is not stored after all: the COPY stored nothing; the
                # merging path names each row whose end is missing.
                return self.upsert_relationships(rel, from_label, to_label, table.to_pylist())
        return WriteCounts(created=table.num_rows)

    def upsert_relationships(self, rel, from_label, to_label, rows):
        rt, fa, fb = schema.joining(rel, from_label, to_label)
        ident = rel_identity(rt)
        rows = dedupe_rows(rows, ident)
        counts = WriteCounts()
        if not rows:
            return counts
        with self.writing() as conn:
            have_a = _keys(conn, fa, sorted({r["from"] for r in rows}))
            have_b = _keys(conn, fb, sorted({r["to"] for r in rows}))
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
            for f, t, props in _stored_pairs(conn, rt, fa, fb, pairs):
                existing[ident({"from": f, "to": t, **props})] = props
            new, pairs, counts.unchanged = against_stored(ok, existing, ident, rt.all_props())
            if new:
                if len(new) < SMALL_COPY:
                    _create_rels(conn, rt, fa, fb, new)
                else:
                    table = _arrow(new, {"from": STR, "to": STR, **rt.all_props()})
                    _copy_rels(conn, rt, fa, fb, self.path, table)
            changed = [{**merged, "from": r["from"], "to": r["to"]} for r, merged in pairs]
            if changed:
                match_keys = "".join(f" AND e.{k} = r.{k}" for k in rt.key)
                sets = _set_clause("e", changed, rt.all_props(), skip=rt.key)
                conn.execute(
                    f"UNWIND $rows AS r MATCH (a:{fa.name} {{{fa.key}: r.from}})-[e:{rt.name}]->"
                    f"(b:{fb.name} {{{fb.key}: r.to}}) WHERE true{match_keys} SET {sets}",
                    {"rows": changed})
            counts.created, counts.updated = len(new), len(changed)
        return counts


def _copy_rels(conn, rt, fa, fb, store_path: Path, table: pa.Table) -> None:
    count_q = f"MATCH (a:{fa.name})-[e:{rt.name}]->(b:{fb.name}) RETURN count(e)"
    before = _count(conn, count_q)
    opts = f" (from='{fa.name}', to='{fb.name}')" if len(rt.ends) > 1 else ""
    folder = _copy_folder(store_path) if table.num_rows >= FILE_COPY_ROWS else None
    try:
        if folder is None:
            conn.execute(f"COPY {rt.name} FROM $t{opts}", {"t": table})
        else:
            path = folder / "rows.parquet"
            pq.write_table(table, path)
            conn.execute(f"COPY {rt.name} FROM '{path}'{opts}")
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
    # A missing end makes COPY fail as a whole; a count short of the rows
    # would mean rows were dropped silently.
    _verify(_count(conn, count_q) - before, table.num_rows, rt.name)


def _copy_folder(store_path: Path) -> Path | None:
    """A private folder (0700) beside the store for one COPY's file, or None
    (copy from memory) when its path could not be spelt safely as a literal."""
    for parent in (store_path.parent, None):
        folder = Path(tempfile.mkdtemp(prefix=".copy-", dir=parent))
        if _PLAIN_PATH.fullmatch(str(folder)):
            return folder
        shutil.rmtree(folder, ignore_errors=True)
    return None


def _create_rels(conn, rt, fa, fb, rows: list[dict]) -> None:
    """CREATE with each end found by its key, one MATCH clause per end (the
    form the engine plans as two primary-key look-ups). A row whose end is
    not stored is left out silently: callers count."""
    props = _set_clause("e", rows, rt.all_props()).replace("e.", "").replace(" = ", ": ")
    for part in chunks(rows):
        conn.execute(f"UNWIND $rows AS r MATCH (a:{fa.name} {{{fa.key}: r.from}}) "
                     f"MATCH (b:{fb.name} {{{fb.key}: r.to}}) "
                     f"CREATE (a)-[e:{rt.name} {{{props}}}]->(b)", {"rows": part})


def _lookup(conn, lb, keys):
    return [(k, _plain_props(n)) for k, n in by_keys(_runner(conn), lb, keys, "k, n")]


def _keys(conn, lb, keys) -> set[str]:
    """The keys that are stored (keys only: no properties to convert)."""
    return {k for (k,) in by_keys(_runner(conn), lb, keys, "k")}


def _runner(conn):
    return lambda cypher, params: _all(conn.execute(cypher, params))


def _stored_pairs(conn, rt, fa, fb, pairs) -> list[tuple[str, str, dict]]:
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
    for part in chunks(keys):
        for f, t, e in _all(conn.execute(q, {"keys": part})):
            if (f, t) in wanted:
                out.append((f, t, _plain_props(e)))
    return out


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


def _set_clause(var: str, rows: list[dict], cols, skip=()) -> str:
    """SET only columns some row has a value for: an all-null parameter column
    has no type the engine can cast, and setting null over null changes nothing."""
    return ", ".join(f"{var}.{p} = r.{p}" for p in cols
                     if p not in skip and any(r.get(p) is not None for r in rows))


def _plain_props(d: dict) -> dict:
    return {k: v for k, v in d.items() if not k.startswith("_") and v is not None}
