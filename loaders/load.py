"""Load a folder of contract CSVs into a store.

Rows stream in batches: each row is checked and mapped on its own, rows whose
foreign keys are unknown are rejected with the field that names them, and the
rest is written through the store's idempotent upserts (nodes first). A bad
row never stops the load and never costs a good row; loading again changes
nothing; an interrupted load can be run again to the same result.
"""

from __future__ import annotations

import csv
import io
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from graph.errors import DataError
from graph.store import Store, node_row
from loaders.contract import FILES, OPTIONAL_COLUMNS, FileSpec, Row, RowGraph

BATCH_ROWS = 20000
_UNDECODED = re.compile("[\udc80-\udcff]")  # bytes that were not UTF-8 (surrogateescape)
REJECT_COLUMNS = ("file", "line", "field", "value", "reason")


@dataclass
class Reject:
    file: str
    line: int
    field: str
    value: str
    reason: str

    def as_row(self) -> list:
        value = self.value if len(self.value) <= 200 else self.value[:200] + "…"
        return [self.file, self.line, self.field, value, self.reason]


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


def load_folder(store: Store, folder, *, rejects_file=None, progress: bool = True,
                batch_rows: int = BATCH_ROWS) -> LoadReport:
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError(f"{folder} is not a folder of CSV files")
    present = [spec for spec in FILES if (folder / spec.name).is_file()]
    if not present:
        names = ", ".join(s.name for s in FILES)
        raise DataError(f"{folder} holds none of the contract files ({names})")
    report = LoadReport()
    started = time.perf_counter()
    console = Console(file=sys.stderr)
    with Progress(TextColumn("{task.description:<28}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, disable=not progress,
                  transient=False) as bar:
        writing = getattr(store, "writing", None)
        if writing is not None:  # embedded: hold the write lock for the whole load
            with writing():
                _load_files(store, folder, present, report, bar, batch_rows)
        else:
            _load_files(store, folder, present, report, bar, batch_rows)
    report.counts = store.counts()
    report.seconds = time.perf_counter() - started
    report.rejects_file = str(Path(rejects_file or Path.cwd() / "rejects.csv").resolve())
    write_rejects(report.rejects, report.rejects_file)
    return report


def _load_files(store, folder, specs, report, bar, batch_rows):
    for spec in specs:
        path = folder / spec.name
        total = _count_rows(path)
        task = bar.add_task(spec.name, total=total)
        fr = FileReport(spec.name)
        t0 = time.perf_counter()
        rejects: list[Reject] = []
        for batch in _batches(path, spec, fr, rejects, batch_rows):
            _write_batch(store, spec, batch, fr, rejects)
            bar.update(task, completed=fr.rows)
        bar.update(task, completed=total)
        fr.rejected = len(rejects)
        fr.seconds = round(time.perf_counter() - t0, 3)
        report.files.append(fr)
        report.rejects.extend(rejects)


def _count_rows(path: Path) -> int:
    with open(path, "rb") as f:
        return max(sum(1 for _ in f) - 1, 0)


def _batches(path: Path, spec: FileSpec, fr: FileReport, rejects: list, batch_rows: int):
    """Yield lists of (line, RowGraph) for rows that passed their own checks."""
    seen: dict[tuple, tuple[int, tuple]] = {}
    with open(path, "rb") as raw:
        # Bytes that are not UTF-8 survive as surrogates so that the row, not
        # the file, is rejected (a Windows-1258 export must not lose good rows).
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="surrogateescape", newline="")
        reader = csv.reader(text)
        try:
            header = [h.strip() for h in next(reader)]
        except (StopIteration, csv.Error):
            rejects.append(Reject(spec.name, 1, "", "", "the file has no header row"))
            return
        optional = OPTIONAL_COLUMNS.get(spec.name, ())
        missing = [c for c in spec.columns if c not in header and c not in optional]
        if missing:
            rejects.append(Reject(spec.name, 1, ",".join(missing), ",".join(header),
                                  f"missing column(s): {', '.join(missing)}; nothing loaded"))
            return
        batch: list[tuple[int, RowGraph]] = []
        line = reader.line_num
        while True:
            start = line + 1
            try:
                values = next(reader)
            except StopIteration:
                break
            except csv.Error as e:
                line = reader.line_num
                fr.rows += 1
                rejects.append(Reject(spec.name, start, "", "", f"unreadable CSV: {e}"))
                continue
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue  # blank lines are not rows
            fr.rows += 1
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
    raw = dict(zip(header, values, strict=True))
    joined = "".join(values)
    # One scan of the whole row in C; the field-by-field search only for bad rows.
    if "\x00" in joined or (not joined.isascii() and _UNDECODED.search(joined)):
        return _bad_bytes(spec, raw, line, rejects)
    try:
        graph = spec.mapper(Row(raw))
    except DataError as e:
        reject(e.field, str(e.value), e.reason)
        return None
    if spec.key:
        ident = tuple(raw.get(k, "").strip() for k in spec.key)
        payload = tuple(v.strip() for v in values)
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
        if _UNDECODED.search(value):
            rejects.append(Reject(spec.name, line, name,
                                  value.encode("utf-8", "surrogateescape").decode("latin-1"),
                                  "is not valid UTF-8 (save the file as UTF-8)"))
            return None
        if "\x00" in value:
            rejects.append(Reject(spec.name, line, name, value.replace("\x00", "\\0"),
                                  "holds a NUL byte"))
            return None
    return None


def _write_batch(store: Store, spec: FileSpec, batch, fr: FileReport, rejects: list) -> None:
    # Foreign keys: an entity the row needs must exist in the store or be made
    # by this same batch.
    made: dict[str, set] = defaultdict(set)
    wanted: dict[str, set] = defaultdict(set)
    for _, g in batch:
        for label, key, _props in g.nodes:
            made[label].add(key)
        for label, key, _f in g.needs:
            wanted[label].add(key)
    known = {label: store.existing_keys(label, keys - made[label]) | made[label]
             for label, keys in wanted.items()}
    good = []
    for line, g in batch:
        miss = next(((lb, k, f) for lb, k, f in g.needs if k not in known[lb]), None)
        if miss:
            lb, k, f = miss
            rejects.append(Reject(spec.name, line, f, k, f"unknown {lb} {k!r}: not in the "
                                  "store nor loaded before this row"))
        else:
            good.append((line, g))
    nodes: dict[str, list] = defaultdict(list)
    rels: dict[tuple, list] = defaultdict(list)
    for line, g in good:
        src = f"{spec.name}:{line}"
        for label, key, props in g.nodes:
            nodes[label].append(node_row(label, key, props, src))
        for rtype, la, ka, lb, kb, props in g.rels:
            rels[(rtype, la, lb)].append({"from": ka, "to": kb, **props, "source": src})
    for label, rows in nodes.items():
        store.upsert_nodes(label, rows)
    for (rtype, la, lb), rows in rels.items():
        result = store.upsert_relationships(rtype, la, lb, rows)
        for row, end in result.missing:  # a safety net: foreign keys were checked above
            line = int(row["source"].rsplit(":", 1)[1])
            rejects.append(Reject(spec.name, line, "", f"{row['from']}->{row['to']}",
                                  f"{rtype}: the {end} end is not in the store"))
    fr.loaded += len(good)


def write_rejects(rejects: list[Reject], path) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(REJECT_COLUMNS)
        for r in sorted(rejects, key=lambda r: (r.file, r.line)):
            w.writerow(r.as_row())
