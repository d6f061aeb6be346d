"""Load a folder of contract CSVs into a store.

Rows stream in batches: each row is checked and mapped on its own, rows whose
foreign keys are unknown are rejected with the field that names them, and the
rest is written through the store's idempotent upserts (nodes first). A bad
row never stops the load and never costs a good row; loading again changes
nothing; an interrupted load can be run again to the same result.

Hostile bytes: a value that is not UTF-8 or holds a NUL rejects its row; other
control characters are replaced by a space (graph.core.text.clean); a UTF-16/UTF-32
file is refused whole before any row of it is read. Every reject is shown with
escapes and written formula-neutralised, so the rejects file is always written.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from graph.core import schema
from graph.core.errors import DataError
from graph.core.store import Store, dedupe_rows, node_row, rel_identity
from graph.core.text import CONTROLS, UNDECODED, clean, csv_cell, csv_rows, escape
from loaders.contract import FILES, OPTIONAL_COLUMNS, FileSpec, Row, RowGraph
from loaders.worker import stream_from_child

# Rows per batch. Each COPY into LadybugDB ends with a checkpoint of the tables it
# touched, a cost that grows with the table: 100,000 rows per batch loaded 100,000
# persons in 136 s against 174 s with 20,000 (measured side by side).
BATCH_ROWS = 100_000
PARALLEL_MIN_ROWS = 50_000  # below this a child process costs more than it saves
_SUSPECT = re.compile(f"[{CONTROLS}]")  # NUL, undecodable bytes, other control characters
# Byte-order marks of the encodings a spreadsheet may save "Unicode text" in; UTF-32
# first, as its little-endian mark begins with UTF-16's.
_OTHER_BOMS = ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
               (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16"))
REJECT_COLUMNS = ("file", "line", "field", "value", "reason")


@dataclass
class Reject:
    file: str
    line: int
    field: str
    value: str
    reason: str

    def __post_init__(self):
        # Shown with escapes from the start: a value holding bytes that were not
        # UTF-8 or control characters can then be printed and written anywhere.
        self.file, self.field = escape(self.file), escape(self.field)
        self.value, self.reason = escape(self.value), escape(self.reason)

    def as_row(self) -> list:
        value = self.value if len(self.value) <= 200 else self.value[:200] + "…"
        return [csv_cell(x) for x in (self.file, self.line, self.field, value, self.reason)]


@dataclass
class FileReport:
    file: str
    rows: int = 0
    loaded: int = 0
    rejected: int = 0
    duplicates: int = 0
    seconds: float = 0.0


@dataclass
class LoadReport:
    files: list[FileReport] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    rejects_file: str = ""
    counts: dict = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(f.rows for f in self.files)

    def to_json(self) -> dict:
        return {
            "nodes": self.counts.get("nodes", {}),
            "relationships": self.counts.get("relationships", {}),
            "rejected": len(self.rejects),
            "rejects_file": self.rejects_file,
            "files": [vars(f) for f in self.files],
            "rows": self.rows,
            "seconds": round(self.seconds, 3),
        }


def default_rejects_path(folder) -> Path:
    """Where a load's rejects go unless told: a file of their own per load in the
    state folder (beside the duty log), never whatever folder the analyst stands in."""
    from datetime import UTC, datetime

    from graph.records.paths import state_dir

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = state_dir() / "rejects"
    out.mkdir(parents=True, exist_ok=True)
    return out / f"{stamp}-{Path(folder).resolve().name}.csv"


def load_folder(store: Store, folder, *, rejects_file=None, progress: bool = True,
                batch_rows: int = BATCH_ROWS, parallel: bool | None = None) -> LoadReport:
    """Load every contract file present in `folder`. `parallel`: check rows in a
    child process while this one writes (default: for large loads on 2+ cores)."""
    folder = Path(folder)
    rejects_file = Path(rejects_file or default_rejects_path(folder)).resolve()
    if not rejects_file.parent.is_dir():  # found out now, not after the load is written
        raise DataError(f"cannot write the rejects file {rejects_file}: "
                        f"{rejects_file.parent} is not a folder")
    # Counted once: for the progress bars and the choice of a second process.
    lines = {spec.name: _count_rows(folder / spec.name) for spec in contract_files(folder)}
    if parallel is None:
        parallel = sum(lines.values()) >= PARALLEL_MIN_ROWS and (os.cpu_count() or 1) > 1
    report = LoadReport()
    started = time.perf_counter()
    console = Console(file=sys.stderr)
    with Progress(TextColumn("{task.description:<28}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, disable=not progress,
                  transient=False) as bar:
        writing = getattr(store, "writing", None)
        if writing is not None:  # embedded: hold the write lock for the whole load
            with writing():
                _load_files(store, folder, lines, report, bar, batch_rows, parallel)
        else:
            _load_files(store, folder, lines, report, bar, batch_rows, parallel)
    report.counts = store.counts()
    report.seconds = time.perf_counter() - started
    report.rejects_file = str(rejects_file)
    write_rejects(report.rejects, report.rejects_file)
    return report


def contract_files(folder: Path) -> list[FileSpec]:
    """The contract files present in `folder`, in load order."""
    if not folder.is_dir():
        raise DataError(f"{folder} is not a folder of CSV files")
    present = [spec for spec in FILES if (folder / spec.name).is_file()]
    if not present:
        names = ", ".join(s.name for s in FILES)
        raise DataError(f"{folder} holds none of the contract files ({names})")
    return present


class _Fresh:
    """What this load wrote into tables that were empty when it began.

    Such rows can take the store's bulk path (`insert_*`: COPY FROM, or plain
    batches with no look-ups) and their foreign keys are checked here instead
    of in the store. Node keys are kept exactly; relationships by a hash of
    their identity, since a collision only sends a row down the merging path."""

    def __init__(self, store: Store):
        counts = store.counts()
        self.keys = {lb: set() for lb, n in counts["nodes"].items() if n == 0}
        self.rels = {rt: set() for rt, n in counts["relationships"].items() if n == 0}


def _load_files(store, folder, lines: dict[str, int], report, bar, batch_rows, parallel):
    fresh = _Fresh(store)
    names = list(lines)
    if parallel:
        events = stream_from_child(_checked_files, folder, names, batch_rows)
    else:
        events = _checked_files(folder, names, batch_rows)
    tasks, started = {}, {}
    loaded, fk_rejects = defaultdict(int), defaultdict(list)
    for kind, name, *payload in events:
        if name not in tasks:
            tasks[name] = bar.add_task(name, total=lines[name])
            started[name] = time.perf_counter()
        if kind == "rows":
            rows_seen, prepared = payload
            loaded[name] += _write_batch(store, name, prepared, fk_rejects[name], fresh)
            bar.update(tasks[name], completed=rows_seen)
            continue
        fr, rejects = payload
        rejects = sorted(rejects + fk_rejects[name], key=lambda r: r.line)
        fr.loaded, fr.rejected = loaded[name], len(rejects)
        fr.seconds = round(time.perf_counter() - started[name], 3)
        bar.update(tasks[name], completed=bar.tasks[tasks[name]].total)
        report.files.append(fr)
        report.rejects.extend(rejects)


def _checked_files(folder: Path, names: list[str], batch_rows: int):
    """("rows", file, rows read so far, prepared batch) per batch, then
    ("done", file, FileReport, rejects) per file; runs in the row checker."""
    specs = {spec.name: spec for spec in FILES}
    for name in names:
        spec, fr, rejects = specs[name], FileReport(name), []
        for batch in _batches(Path(folder) / name, spec, fr, rejects, batch_rows):
            yield "rows", name, fr.rows, _prepare(name, batch)
        yield "done", name, fr, rejects


def _prepare(name: str, batch) -> list:
    """Per row: (line, needs, node rows, relationship rows), ready to write."""
    out = []
    for line, g in batch:
        src = f"{name}:{line}"
        nodes = [(label, node_row(label, key, props, src)) for label, key, props in g.nodes]
        rels = [((rtype, la, lb), {"from": ka, "to": kb, **props, "source": src})
                for rtype, la, ka, lb, kb, props in g.rels]
        out.append((line, g.needs, nodes, rels))
    return out


def _count_rows(path: Path) -> int:
    with open(path, "rb") as f:
        return max(sum(1 for _ in f) - 1, 0)


def _batches(path: Path, spec: FileSpec, fr: FileReport, rejects: list, batch_rows: int):
    """Yield lists of (line, RowGraph) for rows that passed their own checks."""
    seen: dict[tuple, tuple[int, int]] = {}  # row identity -> (line, digest)
    with open(path, "rb") as raw:
        start = raw.read(4)
        for bom, encoding in _OTHER_BOMS:
            if start.startswith(bom):
                rejects.append(Reject(spec.name, 1, "", start.hex(" "),
                                      f"the file is {encoding} text (it starts with a {encoding} "
                                      "byte-order mark); save it as UTF-8; nothing loaded"))
                return
        raw.seek(0)
        # Bytes that are not UTF-8 survive as surrogates so that the row, not
        # the file, is rejected (a Windows-1258 export must not lose good rows).
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="surrogateescape", newline="")
        reader = csv.reader(text)
        try:
            header = [h.strip() for h in next(reader)]
        except (StopIteration, csv.Error):
            rejects.append(Reject(spec.name, 1, "", "", "the file has no header row"))
            return
        if "\x00" in "".join(header):
            rejects.append(Reject(spec.name, 1, "", ",".join(header),
                                  "the header holds NUL bytes (UTF-16 text without a "
                                  "byte-order mark?); save it as UTF-8; nothing loaded"))
            return
        optional = OPTIONAL_COLUMNS.get(spec.name, ())
        missing = [c for c in spec.columns if c not in header and c not in optional]
        if missing:
            rejects.append(Reject(spec.name, 1, ",".join(missing), ",".join(header),
                                  f"missing column(s): {', '.join(missing)}; nothing loaded"))
            return
        batch: list[tuple[int, RowGraph]] = []
        for start, values, error in csv_rows(reader):  # blank lines are not rows
            fr.rows += 1
            if error is not None:
                rejects.append(Reject(spec.name, start, "", "", f"unreadable CSV: {error}"))
                continue
            graph = _check_row(spec, header, values, start, rejects, seen, fr)
            if graph is not None:
                batch.append((start, graph))
            if len(batch) >= batch_rows:
                yield batch
                batch = []
        if batch:
            yield batch


def _check_row(spec, header, values, line, rejects, seen, fr) -> RowGraph | None:
    def reject(fld, value, reason):
        rejects.append(Reject(spec.name, line, fld, value, reason))

    if len(values) != len(header):
        reject("", ",".join(values), f"has {len(values)} fields, the header has {len(header)}")
        return None
    joined = "".join(values)
    # One scan of the whole row in C; the field-by-field work only for rows it flags.
    if _SUSPECT.search(joined):
        if "\x00" in joined or UNDECODED.search(joined):
            return _bad_bytes(spec, dict(zip(header, values, strict=True)), line, rejects)
        # Other control characters (a vertical tab pasted from a word processor)
        # are replaced by a space: the row is good, the character is noise that
        # no export format (XML above all) may carry.
        values = [clean(v) for v in values]
    raw = dict(zip(header, values, strict=True))
    try:
        graph = spec.mapper(Row(raw))
    except DataError as e:
        reject(e.field, str(e.value), e.reason)
        return None
    except Exception as e:  # noqa: BLE001 - a check that broke on odd input costs one row
        reject("", ",".join(values), f"cannot be read ({type(e).__name__}: {e})")
        return None
    if spec.key:
        ident = tuple(raw.get(k, "").strip() for k in spec.key)
        # A digest of the row, not the row: a file's worth of rows must not stay
        # in memory. Were two different rows to collide, the second would count
        # as a repeat instead of a conflict; either way the first is what is kept.
        payload = hash(tuple(v.strip() for v in values))
        if ident in seen:
            first_line, first_payload = seen[ident]
            if first_payload == payload:
                fr.duplicates += 1
                return None
            reject(",".join(spec.key), "/".join(ident),
                   f"duplicate of line {first_line} with different values; first kept")
            return None
        seen[ident] = (line, payload)
    return graph


def _bad_bytes(spec, raw, line, rejects) -> None:
    for name, value in raw.items():
        if UNDECODED.search(value):
            rejects.append(Reject(spec.name, line, name, value,
                                  "is not valid UTF-8 (save the file as UTF-8)"))
            return None
        if "\x00" in value:
            rejects.append(Reject(spec.name, line, name, value, "holds a NUL byte"))
            return None
    return None


def _write_batch(store: Store, name: str, prepared: list, rejects: list,
                 fresh: _Fresh) -> int:
    """Write one prepared batch; returns the rows loaded."""
    # Foreign keys: an entity the row needs must exist in the store or be made
    # by this same batch.
    made: dict[str, set] = defaultdict(set)
    wanted: dict[str, set] = defaultdict(set)
    for _, needs, nodes, _rels in prepared:
        for label, row in nodes:
            made[label].add(row[schema.label(label).key])
        for label, key, _f in needs:
            wanted[label].add(key)
    known = {}
    for label, keys in wanted.items():
        ours = made[label] | (keys & fresh.keys.get(label, set()))
        # Keys this load did not write may still be stored (by another writer).
        known[label] = ours | store.existing_keys(label, keys - ours) if keys - ours else ours
    nodes: dict[str, list] = defaultdict(list)
    rels: dict[tuple, list] = defaultdict(list)
    loaded = 0
    for line, needs, node_rows, rel_rows in prepared:
        miss = next(((lb, k, f) for lb, k, f in needs if k not in known[lb]), None)
        if miss:
            lb, k, f = miss
            rejects.append(Reject(name, line, f, k, f"unknown {lb} {k!r}: not in the "
                                  "store nor loaded before this row"))
            continue
        loaded += 1
        for label, row in node_rows:
            nodes[label].append(row)
        for ends, row in rel_rows:
            rels[ends].append(row)
    for label, rows in nodes.items():
        _write_nodes(store, label, rows, fresh.keys.get(label))
    for (rtype, la, lb), rows in rels.items():
        for row, end in _write_rels(store, rtype, la, lb, rows, fresh.rels.get(rtype)):
            # a safety net: foreign keys were checked above
            line = int(row["source"].rsplit(":", 1)[1])
            rejects.append(Reject(name, line, "", f"{row['from']}->{row['to']}",
                                  f"{rtype}: the {end} end is not in the store"))
    return loaded


def _write_nodes(store: Store, label: str, rows: list, seen: set | None) -> None:
    if seen is None:
        store.upsert_nodes(label, rows)
        return
    key = schema.label(label).key
    rows = dedupe_rows(rows, itemgetter(key))
    store.insert_nodes(label, [r for r in rows if r[key] not in seen])
    again = [r for r in rows if r[key] in seen]
    seen.update(r[key] for r in rows)
    if again:  # written by an earlier batch of this load: merged, not inserted
        store.upsert_nodes(label, again)


def _write_rels(store: Store, rtype: str, la: str, lb: str, rows: list,
                seen: set | None) -> list:
    """Write relationship rows; returns (row, missing end) for rows not written."""
    if seen is None:
        return store.upsert_relationships(rtype, la, lb, rows).missing
    ident = rel_identity(schema.rel_type(rtype))
    rows = dedupe_rows(rows, ident)
    marks = [hash((la, lb, ident(r))) for r in rows]
    new = [r for r, m in zip(rows, marks, strict=True) if m not in seen]
    again = [r for r, m in zip(rows, marks, strict=True) if m in seen]
    missing = store.insert_relationships(rtype, la, lb, new).missing
    seen.update(marks)
    if again:
        missing += store.upsert_relationships(rtype, la, lb, again).missing
    return missing


def write_rejects(rejects: list[Reject], path) -> None:
    """The rejects CSV, every cell escaped and formula-neutralised; written beside
    `path` and renamed over it, so it is whole or absent."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with open(fd, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(REJECT_COLUMNS)
            for r in sorted(rejects, key=lambda r: (r.file, r.line)):
                w.writerow(r.as_row())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
