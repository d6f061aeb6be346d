"""A load's graph gathered per table, foreign keys checked as it comes in, and
written once per table at the end of the load.

Batches arrive checked and mapped (loaders/load.py). Each row's foreign keys
are looked up in the keys this load has accepted so far (and the batch's own),
then, for keys this load did not make, in the store: a hash join against sets,
one store look-up per batch for the rest. Accepted rows are spilled, a batch
at a time, to Parquet files in a private folder next to the store (the user's
cache folder for a server store), so a large load does not hold every
table in memory until its end; the folder is removed after the load, and a
killed load's folder by the next one. At the end each table is read back alone,
de-duplicated (later non-empty values win, the first source stays, as the
merging path does) and written with one bulk call: a table that was empty when
the load began takes `insert_*` (LadybugDB: one COPY FROM), a table that holds
data (a daily increment) takes the new keys through the bulk path and merges
only the rows already stored, writing those that change. Relationships with
an end this load created cannot be stored yet: they skip the merging path.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import weakref
from collections import defaultdict
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from platformdirs import user_cache_dir

from graph.core import schema
from graph.core.schema import FLOAT, INT, SOURCE, STR
from graph.core.store import Store, dedupe_rows, rel_identity
from loaders.columns import MAPPINGS
from loaders.rejects import Reject

ARROW_TYPES = {STR: pa.string(), INT: pa.int64(), FLOAT: pa.float64()}
MERGE_CHUNK = 100_000  # rows per call on the merging path


def node_columns(label: str) -> dict[str, str]:
    return schema.label(label).all_props()


def rel_columns(rtype: str) -> dict[str, str]:
    return {"from": STR, "to": STR, **schema.rel_type(rtype).all_props()}


def to_arrow(rows: list[dict], cols: dict[str, str]) -> pa.Table:
    return pa.table({c: pa.array([r.get(c) for r in rows], type=ARROW_TYPES[k])
                     for c, k in cols.items()})


def dedupe_table(table: pa.Table, ident: list[str], ident_fn, cols) -> pa.Table:
    """One row per identity; rows with a unique identity stay as they are."""
    if table.num_rows < 2:
        return table
    counted = table.group_by(ident, use_threads=False).aggregate([([], "count_all")])
    if counted.num_rows == table.num_rows:
        return table
    dup = counted.filter(pc.greater(counted["count_all"], 1)).drop_columns(["count_all"])
    marked = table.append_column("_row", pa.array(range(table.num_rows), pa.int64()))
    hit = marked.join(dup.append_column("_dup", pa.array([True] * dup.num_rows)), ident,
                      join_type="left outer", use_threads=False)
    hit = hit.sort_by("_row")
    is_dup = pc.fill_null(hit["_dup"], False)
    keep = hit.filter(pc.invert(is_dup)).select(list(cols))
    merged = dedupe_rows(hit.filter(is_dup).select(list(cols)).to_pylist(), ident_fn)
    return pa.concat_tables([keep, to_arrow(merged, cols)])


class _Fresh:
    """Which tables were empty when this load began: their rows go in through the
    store's bulk path (`insert_*`: one COPY FROM per table, or plain batches with
    no look-ups), foreign keys checked here instead of in the store."""

    def __init__(self, store: Store):
        counts = store.counts()
        self.keys = {lb: True for lb, n in counts["nodes"].items() if n == 0}
        self.rels = {rt: True for rt, n in counts["relationships"].items() if n == 0}


class Tables:
    def __init__(self, store: Store):
        self.store = store
        self.fresh = _Fresh(store)
        # Keys this load accepted, kept as sets for the labels rows often need;
        # others (a seizure link's target) are looked for in the gathered tables.
        self.keys: dict[str, set] = {label: set() for label in _OFTEN_NEEDED}
        self.parts: dict[tuple, list[Path]] = defaultdict(list)  # spilled batches
        self.rows: dict[tuple, int] = defaultdict(int)
        self.created: dict[str, pa.Array] = {}  # keys this load stored anew, per label
        self.spill = spill_folder(store)
        # Removed after the write; also if the load fails before it.
        weakref.finalize(self, _remove, self.spill)

    def total(self) -> int:
        return sum(self.rows.values())

    def _keep(self, name: tuple, table: pa.Table) -> None:
        path = self.spill / f"{'-'.join(name)}-{len(self.parts[name])}.parquet"
        pq.write_table(table, path)
        self.parts[name].append(path)
        self.rows[name] += table.num_rows

    def add(self, name: str, prep, rejects: list) -> int:
        """Check a prepared batch's foreign keys and keep its rows; returns the
        rows accepted. Rejects go to `rejects`."""
        nodes = {label: _batch_table(parts) for label, parts in prep.nodes.items()}
        rels = {ident: _batch_table(parts) for ident, parts in prep.rels.items()}
        made: dict[str, set] = defaultdict(set)
        for label, table in nodes.items():
            made[label] = set(table[schema.label(label).key].to_pylist())
        wanted: dict[str, set] = defaultdict(set)
        for _, needs in prep.needs:
            for label, key, _f in needs:
                wanted[label].add(key)
        known = {}
        for label, keys in wanted.items():
            ours = made[label] | self._accepted(label, keys)
            rest = keys - ours
            # Keys this load did not make may be stored (an earlier load, another writer).
            known[label] = ours | self.store.existing_keys(label, rest) if rest else ours
        dropped = []
        for line, needs in prep.needs:
            miss = next(((lb, k, f) for lb, k, f in needs if k not in known[lb]), None)
            if miss:
                lb, k, f = miss
                rejects.append(Reject(name, line, f, k, f"unknown {lb} {k!r}: not in the "
                                      "store nor loaded before this row"))
                dropped.append(line)
        gone = pa.array(dropped, pa.int64())
        for label, table in nodes.items():
            lb = schema.label(label)
            table = _kept(table, gone)
            table = dedupe_table(table, [lb.key], lambda r, k=lb.key: r[k], node_columns(label))
            if label in self.keys:
                self.keys[label].update(table[lb.key].to_pylist())
            if table.num_rows:
                self._keep(("node", label), table)
        for (rtype, la, lb), table in rels.items():
            rt = schema.rel_type(rtype)
            table = _kept(table, gone)
            table = dedupe_table(table, ["from", "to", *rt.key], rel_identity(rt),
                                 rel_columns(rtype))
            if table.num_rows:
                self._keep(("rel", rtype, la, lb), table)
        return prep.rows - len(dropped)

    def _accepted(self, label: str, keys: set) -> set:
        if label in self.keys:
            return keys & self.keys[label]
        wanted = pa.array(sorted(keys), pa.string())
        found: set = set()
        key = schema.label(label).key
        for path in self.parts.get(("node", label), ()):
            col = pq.read_table(path, columns=[key])[key]
            found.update(col.filter(pc.is_in(col, value_set=wanted)).to_pylist())
        return found

    def write(self, advance) -> dict[str, list]:
        """Write every table once, nodes first; returns rejects found only now
        (an end gone from the store meanwhile), per file. The spilled batches
        are removed, whatever happens."""
        try:
            return self._write_all(advance)
        finally:
            _remove(self.spill)

    def _write_all(self, advance) -> dict[str, list]:
        late: dict[str, list] = defaultdict(list)
        node_tables = [k for k in self.parts if k[0] == "node"]
        rel_tables = [k for k in self.parts if k[0] == "rel"]
        for _, label in sorted(node_tables, key=lambda k: _LABEL_ORDER[k[1]]):
            table = self._gathered(("node", label))
            self._write_nodes(label, table)
            advance(table.num_rows)
        for _, rtype, la, lb in sorted(rel_tables, key=lambda k: _REL_ORDER[k[1]]):
            table = self._gathered(("rel", rtype, la, lb))
            for row, end in self._write_rels(rtype, la, lb, table):
                # a safety net: foreign keys were checked as rows came in
                file, line = row[SOURCE].rsplit(":", 1)
                late[file].append(Reject(file, int(line), "", f"{row['from']}->{row['to']}",
                                         f"{rtype}: the {end} end is not in the store"))
            advance(table.num_rows)
        return late

    def _gathered(self, name: tuple) -> pa.Table:
        """One table read back from its spilled batches (and their files removed)."""
        paths = self.parts.pop(name)
        parts = [pq.read_table(p) for p in paths]
        for p in paths:
            p.unlink()
        table = pa.concat_tables(parts) if len(parts) > 1 else parts[0]
        if name[0] == "node":
            lb = schema.label(name[1])
            return dedupe_table(table, [lb.key], lambda r: r[lb.key], node_columns(lb.name))
        rt = schema.rel_type(name[1])
        return dedupe_table(table, ["from", "to", *rt.key], rel_identity(rt),
                            rel_columns(rt.name))

    def _write_nodes(self, label: str, table: pa.Table) -> None:
        store, lb = self.store, schema.label(label)
        if label not in self.fresh.keys:
            # An increment: keys already stored are merged (only changed rows are
            # written); the rest is new and takes the bulk path.
            stored = store.existing_keys(label, table[lb.key].to_pylist())
            if stored:
                old = pc.is_in(table[lb.key], value_set=pa.array(sorted(stored), pa.string()))
                for chunk in _chunks(table.filter(old)):
                    store.upsert_nodes(label, chunk)
                table = table.filter(pc.invert(old))
        self.created[label] = table[lb.key].combine_chunks()
        if table.num_rows:
            _insert(store.insert_nodes, (label,), table)

    def _write_rels(self, rtype, la, lb, table: pa.Table) -> list:
        store = self.store
        if rtype in self.fresh.rels:
            return _insert(store.insert_relationships, (rtype, la, lb), table)
        missing = []
        # A relationship with an end this load created cannot be stored yet:
        # no stored-pair read, straight to the bulk path.
        new = None
        for end, label in (("from", la), ("to", lb)):
            if len(self.created.get(label, ())):
                hit = pc.is_in(table[end], value_set=self.created[label])
                new = hit if new is None else pc.or_(new, hit)
        if new is not None and pc.any(new).as_py():
            missing += _insert(store.insert_relationships, (rtype, la, lb), table.filter(new))
            table = table.filter(pc.invert(new))
        for chunk in _chunks(table):
            missing += store.upsert_relationships(rtype, la, lb, chunk).missing
        return missing


def spill_folder(store: Store) -> Path:
    """A private folder (0700) for this load's spilled batches, next to an
    embedded store's files, else in the user's cache folder (never a shared
    temporary folder: someone else could have made the name first). Folders
    of loads whose process has ended (a killed load) are removed first."""
    path = getattr(store, "path", None)
    root = (Path(str(path) + ".spill") if path is not None
            else Path(user_cache_dir("customs-graph", appauthor=False)) / "spill")
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    for old in root.iterdir():
        pid = old.name.split("-", 1)[0]
        if not (pid.isdigit() and _running(int(pid))):
            shutil.rmtree(old, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=root))


def _remove(folder: Path) -> None:
    """A load's spill folder, and the root above it once no other load uses it."""
    shutil.rmtree(folder, ignore_errors=True)
    try:
        folder.parent.rmdir()
    except OSError:
        pass  # another load's folder is in it, or it is gone already


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _batch_table(parts: list) -> pa.Table:
    """A batch's rows of one table in the order the per-row path makes them."""
    table = pa.concat_tables(parts) if len(parts) > 1 else parts[0]
    return table.sort_by([("_line", "ascending"), ("_order", "ascending")])


def _kept(table: pa.Table, gone: pa.Array) -> pa.Table:
    if len(gone):
        table = table.filter(pc.invert(pc.is_in(table["_line"], value_set=gone)))
    return table.drop_columns(["_line", "_order"])


def _chunks(table: pa.Table):
    for i in range(0, table.num_rows, MERGE_CHUNK):
        yield table.slice(i, MERGE_CHUNK).to_pylist()


def _insert(fn, args, table: pa.Table) -> list:
    """The store's bulk path: the whole Arrow table at once where the store takes
    one (LadybugDB's COPY FROM), else plain rows a chunk at a time."""
    if getattr(fn.__self__, "takes_arrow", False):
        return fn(*args, table).missing
    missing = []
    for chunk in _chunks(table):
        missing += fn(*args, chunk).missing
    return missing


_OFTEN_NEEDED = {nd.label for m in MAPPINGS.values() for nd in m.needs} | {"Seizure"}
_LABEL_ORDER = {lb.name: i for i, lb in enumerate(schema.LABELS)}
_REL_ORDER = {rt.name: i for i, rt in enumerate(schema.REL_TYPES)}
