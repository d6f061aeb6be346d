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
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from graph.core.errors import DataError
from graph.core.store import Store
from graph.core.text import CsvReader, csv_rows
from loaders.batch import check_batch_rows, check_row
from loaders.contract import FILES, OPTIONAL_COLUMNS, FileSpec
from loaders.rejects import Reject
from loaders.tables import Tables, _Fresh  # noqa: F401 - tests patch _Fresh here
from loaders.worker import stream_from_child

# Rows per batch. Each COPY into LadybugDB ends with a checkpoint of the tables it
# touched, a cost that grows with the table: 100,000 rows per batch loaded 100,000
# persons in 136 s against 174 s with 20,000 (measured side by side).
BATCH_ROWS = 100_000
PARALLEL_MIN_ROWS = 50_000  # below this a child process costs more than it saves
# Byte-order marks of the encodings a spreadsheet may save "Unicode text" in; UTF-32
# first, as its little-endian mark begins with UTF-16's.
_OTHER_BOMS = ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
               (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16"))
REJECT_COLUMNS = ("file", "line", "field", "value", "reason")


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


class RowsPerSecond(ProgressColumn):
    """Rows per second of a task, as rich measures it over its last updates."""

    def render(self, task) -> Text:
        return Text(f"{task.speed:,.0f} rows/s" if task.speed else "", style="progress.data.speed")


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
                batch_rows: int = BATCH_ROWS, parallel: bool | None = None,
                per_row: bool = False) -> LoadReport:
    """Load every contract file present in `folder`. `parallel`: check rows in a
    child process while this one writes (default: for large loads on 2+ cores).
    `per_row`: check every row with the per-row mapper (the column-wise path's
    oracle in the tests)."""
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
                  RowsPerSecond(), TimeElapsedColumn(), TimeRemainingColumn(),
                  console=console, disable=not progress,
                  transient=False) as bar:
        writing = getattr(store, "writing", None)
        if writing is not None:  # embedded: hold the write lock for the whole load
            with writing():
                _load_files(store, folder, lines, report, bar, batch_rows, parallel, per_row)
        else:
            _load_files(store, folder, lines, report, bar, batch_rows, parallel, per_row)
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


def _load_files(store, folder, lines: dict[str, int], report, bar, batch_rows, parallel,
                per_row):
    tables = Tables(store)
    names = list(lines)
    if parallel:
        events = stream_from_child(_checked_files, folder, names, batch_rows, per_row)
    else:
        events = _checked_files(folder, names, batch_rows, per_row)
    tasks, started = {}, {}
    loaded, fk_rejects = defaultdict(int), defaultdict(list)
    done = []
    for kind, name, *payload in events:
        if name not in tasks:
            tasks[name] = bar.add_task(name, total=lines[name])
            started[name] = time.perf_counter()
        if kind == "rows":
            rows_seen, prepared = payload
            loaded[name] += tables.add(name, prepared, fk_rejects[name])
            bar.update(tasks[name], completed=rows_seen)
            continue
        fr, rejects = payload
        fr.loaded = loaded[name]
        fr.seconds = round(time.perf_counter() - started[name], 3)
        bar.update(tasks[name], completed=bar.tasks[tasks[name]].total)
        done.append((fr, rejects))
    # One write per table for the whole load, nodes first.
    t0 = time.perf_counter()
    task = bar.add_task("writing", total=tables.total())
    late = tables.write(lambda n: bar.advance(task, n))
    spent = time.perf_counter() - t0
    total_rows = sum(fr.rows for fr, _ in done) or 1
    for fr, rejects in done:
        rejects = sorted(rejects + fk_rejects[fr.file] + late.get(fr.file, []),
                         key=lambda r: r.line)
        fr.rejected = len(rejects)
        fr.seconds = round(fr.seconds + spent * fr.rows / total_rows, 3)  # its share of the write
        report.files.append(fr)
        report.rejects.extend(rejects)


def _checked_files(folder: Path, names: list[str], batch_rows: int, per_row: bool = False):
    """("rows", file, rows read so far, Prepared) per batch, then ("done", file,
    FileReport, rejects) per file; runs in the row checker."""
    specs = {spec.name: spec for spec in FILES}
    for name in names:
        spec, fr, rejects = specs[name], FileReport(name), []
        seen: dict[tuple, tuple[int, int]] = {}  # row identity -> (line, digest)
        for header, batch in _raw_batches(Path(folder) / name, spec, fr, rejects, batch_rows):
            yield "rows", name, fr.rows, check_batch_rows(spec, header, batch, rejects, seen, fr,
                                                          per_row)
        yield "done", name, fr, rejects


def _count_rows(path: Path) -> int:
    with open(path, "rb") as f:
        return max(sum(1 for _ in f) - 1, 0)


def _raw_batches(path: Path, spec: FileSpec, fr: FileReport, rejects: list, batch_rows: int):
    """Yield (header, [(line, values), ...]) for the readable rows of a file."""
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
        reader = CsvReader(text)
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
        batch: list[tuple[int, list]] = []
        for start, values, error in csv_rows(reader):  # blank lines are not rows
            fr.rows += 1
            if error is not None:
                rejects.append(Reject(spec.name, start, "", "", f"unreadable CSV: {error}"))
                continue
            batch.append((start, values))
            if len(batch) >= batch_rows:
                yield header, batch
                batch = []
        if batch:
            yield header, batch


def _batches(path: Path, spec: FileSpec, fr: FileReport, rejects: list, batch_rows: int):
    """Lists of (line, RowGraph) for the rows that pass the per-row checks (the
    offline import's reader)."""
    seen: dict[tuple, tuple[int, int]] = {}
    for header, batch in _raw_batches(path, spec, fr, rejects, batch_rows):
        out = []
        for line, values in batch:
            g = check_row(spec, header, values, line, rejects, seen, fr)
            if g is not None:
                out.append((line, g))
        if out:
            yield out


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
