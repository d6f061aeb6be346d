"""Writes to the server store (Neo4j), mixed into Neo4jStore.

UNWIND batches, one transaction each. Rows known new (the loader's bulk path)
are created with no look-ups, both ends matched through the key constraints'
indexes; the merging path reads what is stored first and writes only the
rows that create or change something.
"""

from __future__ import annotations

from neo4j import WRITE_ACCESS
from neo4j import exceptions as nx

from graph.core import schema
from graph.core.keyed import by_keys, chunks
from graph.core.schema import FLOAT, INT, SEARCH, SOURCE
from graph.core.store import (
    WriteCounts,
    against_stored,
    dedupe_rows,
    rel_identity,
    search_text_for,
)

BATCH = 5000  # rows per write transaction on the merging path
INSERT_BATCH = 20000  # rows per transaction on the look-up-free insert path


class Neo4jWrites:
    """The write half of Neo4jStore; `_session` is the store's."""

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
    return dict(by_keys(_runner(tx), lb, keys, "k, properties(n)"))


def _stored(tx, lb: schema.Label, keys) -> set[str]:
    """The keys that are stored."""
    return {k for [k] in by_keys(_runner(tx), lb, keys, "k")}


def _runner(tx):
    return lambda cypher, params: [rec.values() for rec in tx.run(cypher, params)]


def _upsert_nodes_tx(tx, lb: schema.Label, rows: list[dict]) -> tuple[int, int, int]:
    """One batch in one transaction: look the keys up, then MERGE only the rows
    that create or change something. Counts come from the same transaction."""
    cols = lb.all_props()
    existing = _lookup(tx, lb, [r[lb.key] for r in rows])
    new, changed, unchanged = against_stored(rows, existing, lambda r: r[lb.key], cols)
    # Only non-empty values are set, so nothing stored is ever erased;
    # `source` and the search text are set on creation only.
    writes = [{"k": r[lb.key], "p": _values(r, cols, (lb.key, SOURCE)),
               "c": {SOURCE: r.get(SOURCE), SEARCH: r.get(SEARCH) or search_text_for(lb.name, r)}}
              for r in new]
    writes += [{"k": r[lb.key], "c": {}, "p": _values(r, cols, (lb.key, SOURCE))}
               for r, _ in changed]
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
    for part in chunks(pairs):
        res = tx.run(f"UNWIND $pairs AS p MATCH (a:{fa.name} {{{fa.key}: p.f}})-[e:{rt.name}]->"
                     f"(b:{fb.name} {{{fb.key}: p.t}}) RETURN p.f, p.t, properties(e)",
                     pairs=[{"f": f, "t": t} for f, t in part])
        for f, t, props in res:
            existing[ident({"from": f, "to": t, **props})] = props
    cols = rt.all_props()
    new, pairs, counts.unchanged = against_stored(ok, existing, ident, cols)

    def row(r):
        return {"from": r["from"], "to": r["to"], "source": r.get(SOURCE),
                "k": {k: r.get(k) for k in rt.key}, "p": _values(r, cols, (SOURCE,))}

    keyed, unkeyed = [], []
    for r in map(row, new):
        # MERGE cannot match on a null property: such rows are created.
        (keyed if all(v is not None for v in r["k"].values()) else unkeyed).append(r)
    changed = [row(r) for r, _ in pairs]
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
