"""Load a folder of contract CSVs into a store.

Rows stream in batches: each row is checked and mapped on its own, rows whose
foreign keys are unknown are rejected with the field that names them, and the
rest is written through the store's idempotent upserts (nodes first). A bad
row never stops the load and never costs a good row; loading again changes
nothing; an interrupted load can be run again to the same result.

Hostile bytes: a value that is not UTF-8 or holds a NUL rejects its row; other
control characters are replaced by a space (graph.text.clean); a UTF-16/UTF-32
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

import pyarrow as pa
import pyarrow.compute as pc
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

from graph import schema
from graph.errors import DataError
from graph.schema import REF, SEARCH, SOURCE
from graph.store import Store, node_row
from graph.text import CONTROLS, UNDECODED, clean, csv_cell, csv_rows, escape, search_text
from loaders.columns import MAPPINGS, check_batch, ends
from loaders.contract import FILES, OPTIONAL_COLUMNS, FileSpec, Row, RowGraph
from loaders.tables import ARROW_TYPES, Tables, node_columns, rel_columns, to_arrow
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
_ORDER = {"_line": "int", "_order": "int"}


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


class RowsPerSecond(ProgressColumn):
    """Rows per second of a task, as rich measures it over its last updates."""

    def render(self, task) -> Text:
        return Text(f"{task.speed:,.0f} rows/s" if task.speed else "", style="progress.data.speed")


def default_rejects_path(folder) -> Path:
    """Where a load's rejects go unless told: a file of their own per load in the
    state folder (beside the duty log), never whatever folder the analyst stands in."""
    from datetime import UTC, datetime

    from graph.state import state_dir

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


class _Fresh:
    """Which tables were empty when this load began: their rows go in through the
    store's bulk path (`insert_*`: one COPY FROM per table, or plain batches with
    no look-ups), foreign keys checked here instead of in the store."""

    def __init__(self, store: Store):
        counts = store.counts()
        self.keys = {lb: True for lb, n in counts["nodes"].items() if n == 0}
        self.rels = {rt: True for rt, n in counts["relationships"].items() if n == 0}


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
        for header, batch in _batches(Path(folder) / name, spec, fr, rejects, batch_rows):
            yield "rows", name, fr.rows, _check_batch(spec, header, batch, rejects, seen, fr,
                                                      per_row)
        yield "done", name, fr, rejects


@dataclass
class Prepared:
    """A batch's graph: per table, Arrow tables with each row's line and its
    place in the row (to keep the per-row order), and the entities each line
    needs (foreign keys)."""
    nodes: dict = field(default_factory=lambda: defaultdict(list))  # label -> Arrow tables
    rels: dict = field(default_factory=lambda: defaultdict(list))  # (type, a, b) -> tables
    row_nodes: dict = field(default_factory=lambda: defaultdict(list))  # from the per-row path
    row_rels: dict = field(default_factory=lambda: defaultdict(list))
    needs: list = field(default_factory=list)  # (line, [(label, key, field), ...])
    rows: int = 0  # rows that passed their own checks


def _check_batch(spec: FileSpec, header, batch, rejects, seen, fr,
                 per_row: bool = False) -> Prepared:
    """Rows of one batch, checked column-wise where the file has a mapping; the
    rows it flags (and every row of a file without one) go through the per-row
    mapper, which names the field and reason of each reject."""
    out = Prepared()
    mapping = None if per_row else MAPPINGS.get(spec.name)
    by_row: list[tuple[int, RowGraph]] = []
    if mapping is None:
        for line, values in batch:
            g = _check_row(spec, header, values, line, rejects, seen, fr)
            if g is not None:
                by_row.append((line, g))
    else:
        plain = [(line, values) for line, values in batch
                 if len(values) == len(header) and not _SUSPECT.search("".join(values))]
        cols, bad = check_batch(mapping, header, [v for _, v in plain])
        bad_set = set(bad)
        position = {line: j for j, (line, _) in enumerate(plain)}
        key_idx = [header.index(k) if k in header else None for k in spec.key]
        good = []
        for line, values in batch:  # in line order: duplicates are judged as before
            j = position.get(line)
            if j is None or j in bad_set:
                g = _check_row(spec, header, values, line, rejects, seen, fr)
                if g is not None:
                    by_row.append((line, g))
            elif not spec.key or _first_seen(spec, values, key_idx, line, rejects, seen, fr):
                good.append(j)
        _map_columns(spec.name, mapping, cols, [line for line, _ in plain], good, out)
        out.rows += len(good)
    for line, g in by_row:
        _add_row_graph(spec.name, line, g, out)
    out.rows += len(by_row)
    for label, rows in out.row_nodes.items():
        out.nodes[label].append(to_arrow(rows, {**node_columns(label), **_ORDER}))
    for ident, rows in out.row_rels.items():
        out.rels[ident].append(to_arrow(rows, {**rel_columns(ident[0]), **_ORDER}))
    out.row_nodes, out.row_rels = {}, {}
    out.needs.sort(key=itemgetter(0))
    return out


def _first_seen(spec, values, key_idx, line, rejects, seen, fr) -> bool:
    """Whether a row that passed its checks is the first of its identity (a
    repeat is counted, a conflicting one rejected), as _check_row judges it."""
    ident = tuple((values[i] if i is not None else "").strip() for i in key_idx)
    payload = hash(tuple(v.strip() for v in values))
    if ident in seen:
        first_line, first_payload = seen[ident]
        if first_payload == payload:
            fr.duplicates += 1
            return False
        rejects.append(Reject(spec.name, line, ",".join(spec.key), "/".join(ident),
                              f"duplicate of line {first_line} with different values; "
                              "first kept"))
        return False
    seen[ident] = (line, payload)
    return True


def _map_columns(name: str, mapping, cols: dict, lines: list, good: list, out: Prepared):
    """Node and relationship tables of the good rows, built a column at a time."""
    taken: dict[str, list] = {}

    def col(c):  # a checked column, good rows only
        if c not in taken:
            v = cols[c]
            taken[c] = [v[j] for j in good]
        return taken[c]

    line_col = pa.array(col_of(lines, good), pa.int64())
    src = pc.binary_join_element_wise(pa.scalar(f"{name}:"), pc.cast(line_col, pa.string()), "")
    for order, nm in enumerate(mapping.nodes):
        lb = schema.label(nm.label)
        key = pa.array(col(nm.key), pa.string())
        data = {}
        for p, kind in node_columns(lb.name).items():
            if p == lb.key:
                data[p] = key
            elif p in nm.props:
                data[p] = pa.array(col(nm.props[p]), ARROW_TYPES[kind])
            elif p == SOURCE:
                data[p] = src
            elif p == REF:
                data[p] = pc.binary_join_element_wise(pa.scalar(f"{lb.name}:"), key, "")
            elif p == SEARCH:
                data[p] = pa.array(_search_column(lb, nm, col), pa.string())
            else:
                data[p] = pa.nulls(len(good), ARROW_TYPES[kind])
        _put(out.nodes, nm.label, data, line_col, order, pc.is_valid(key))
    for order, rm in enumerate(mapping.rels):
        a, b = pa.array(col(rm.a[1]), pa.string()), pa.array(col(rm.b[1]), pa.string())
        data = {}
        for p, kind in rel_columns(rm.rtype).items():
            if p == "from":
                data[p] = a
            elif p == "to":
                data[p] = b
            elif p in rm.props:
                data[p] = pa.array(col(rm.props[p]), ARROW_TYPES[kind])
            elif p == SOURCE:
                data[p] = src
            else:
                data[p] = pa.nulls(len(good), ARROW_TYPES[kind])
        _put(out.rels, ends(rm), data, line_col, order, pc.and_(pc.is_valid(a), pc.is_valid(b)))
    if mapping.needs:
        ncols = [(nd.label, col(nd.column), nd.field) for nd in mapping.needs]
        for i, line in enumerate(col_of(lines, good)):
            out.needs.append((line, [(lb, c[i], f) for lb, c, f in ncols if c[i] is not None]))


def col_of(values: list, good: list) -> list:
    return [values[j] for j in good]


def _put(tables: dict, name, data: dict, line_col, order: int, mask) -> None:
    data["_line"] = line_col
    data["_order"] = pa.array([order] * len(line_col), pa.int64())
    table = pa.table(data).filter(mask)
    if table.num_rows:
        tables[name].append(table)


def _search_column(lb, nm, col) -> list:
    """search_text as node_row sets it (None when a searchable property is
    missing), worked out once per distinct set of values."""
    if any(p != lb.key and p not in nm.props for p in lb.search):
        return [None] * len(col(nm.key))  # a property this file does not give
    keys = col(nm.key)
    rest = [col(nm.props[p]) for p in lb.search if p != lb.key]
    full = [col(nm.key if p == lb.key else nm.props[p]) for p in lb.search]
    memo: dict = {}
    out = []
    for i, k in enumerate(keys):
        if any(c[i] is None for c in full):
            out.append(None)
            continue
        vals = (k, *(c[i] for c in rest))
        got = memo.get(vals)
        if got is None:
            got = memo[vals] = search_text(list(vals))
        out.append(got)
    return out


def _add_row_graph(name: str, line: int, g: RowGraph, out: Prepared) -> None:
    src = f"{name}:{line}"
    for order, (label, key, props) in enumerate(g.nodes):
        row = node_row(label, key, props, src)
        out.row_nodes[label].append({**row, "_line": line, "_order": order})
    for order, (rtype, la, ka, lb, kb, props) in enumerate(g.rels):
        out.row_rels[(rtype, la, lb)].append({"from": ka, "to": kb, **props, "source": src,
                                              "_line": line, "_order": order})
    if g.needs:
        out.needs.append((line, list(g.needs)))


def _count_rows(path: Path) -> int:
    with open(path, "rb") as f:
        return max(sum(1 for _ in f) - 1, 0)


def _batches(path: Path, spec: FileSpec, fr: FileReport, rejects: list, batch_rows: int):
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
