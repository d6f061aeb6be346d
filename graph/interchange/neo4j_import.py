"""Offline import of an empty Neo4j database from the contract CSVs.

`prepare_import` reads a folder with exactly the checks of the online loader
(loaders/load.py: the same row checks, foreign keys, duplicates and reject
lines) and writes the files `neo4j-admin database import full` reads: one node
file per label and one relationship file per (type, from label, to label), in
its header format (`person_id:ID(Person)`, `:LABEL`, `departure_epoch:long`,
`:START_ID(Person)`, `:END_ID(Flight)`, `:TYPE`). Nodes and relationships
come out merged the way the online loader merges repeated entities, so the
imported graph equals a `customs-graph load` into an empty database.

Rows stream through in the loader's batches. Only the key sets of each label
(for the foreign-key checks) and the rows of entities seen more than once stay
in memory; everything else goes through a spool on disk.

After the import, opening the store on the started server
(`finish_import`) creates the constraints and indexes as on every connection.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from graph.core.errors import DataError
from graph.interchange.import_files import _scan, _Spool
from loaders.load import (
    BATCH_ROWS,
    FileReport,
    Reject,
    _batches,
    contract_files,
    write_rejects,
)

ARGS_FILE = "import.args"  # the import options, one per line (tools/neo4j-test-server import)
REPORT_FILE = "import.report"  # where neo4j-admin lists bad entries, if any
_OURS = ("nodes-", "relationships-")  # files a previous prepare left in the folder


@dataclass
class ImportPlan:
    """What prepare_import wrote, and how to import it."""

    out_dir: Path
    nodes: dict[str, int] = field(default_factory=dict)  # label -> nodes
    relationships: dict[str, int] = field(default_factory=dict)  # type -> relationships
    node_files: list[Path] = field(default_factory=list)
    relationship_files: list[Path] = field(default_factory=list)
    multiline: bool = False  # some value holds a line break: the tool must be told
    files: list[FileReport] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    rejects_file: str = ""
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(f.rows for f in self.files)

    @property
    def records(self) -> int:
        return sum(self.nodes.values()) + sum(self.relationships.values())

    def import_args(self) -> list[str]:
        """The options of `neo4j-admin database import full`, without the database."""
        args = ["--id-type=string", f"--report-file={self.out_dir / REPORT_FILE}"]
        if self.multiline:
            args.append("--multiline-fields=true")
        args += [f"--nodes={p}" for p in self.node_files]
        args += [f"--relationships={p}" for p in self.relationship_files]
        return args

    def command(self, database: str = "neo4j", admin: str = "neo4j-admin") -> list[str]:
        # --overwrite-destination: the import replaces the database's files; it
        # is for an empty (or disposable) database and needs it stopped.
        return [admin, "database", "import", "full", *self.import_args(),
                "--overwrite-destination=true", database]

    def to_json(self, database: str = "neo4j", admin: str = "neo4j-admin") -> dict:
        return {
            "out_dir": str(self.out_dir),
            "nodes": self.nodes,
            "relationships": self.relationships,
            "records": self.records,
            "rows": self.rows,
            "rejected": len(self.rejects),
            "rejects_file": self.rejects_file,
            "files": [vars(f) for f in self.files],
            "seconds": round(self.seconds, 3),
            "command": self.command(database, admin),
            "command_line": shlex.join(self.command(database, admin)),
        }


def prepare_import(folder, out_dir, *, rejects_file=None, progress: bool = True,
                   batch_rows: int = BATCH_ROWS) -> ImportPlan:
    """Check `folder` as the loader does and write neo4j-admin import files to
    `out_dir`; rejected rows go to `rejects_file` (default: out_dir/rejects.csv)."""
    folder, out_dir = Path(folder), Path(out_dir).resolve()
    present = contract_files(folder)
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.iterdir():
        if old.name.startswith(_OURS) and old.suffix == ".csv":
            old.unlink()
    started = time.perf_counter()
    plan = ImportPlan(out_dir)
    with tempfile.TemporaryDirectory(prefix=".spool-", dir=out_dir) as spool_dir, \
            Progress(TextColumn("{task.description:<28}"), BarColumn(), MofNCompleteColumn(),
                     TimeElapsedColumn(), console=Console(file=sys.stderr),
                     disable=not progress, transient=False) as bar:
        spool = _Spool(Path(spool_dir))
        for spec in present:
            path = folder / spec.name
            total, check_text = _scan(path)
            task = bar.add_task(spec.name, total=total)
            fr = FileReport(spec.name)
            t0 = time.perf_counter()
            rejects: list[Reject] = []
            for batch in _batches(path, spec, fr, rejects, batch_rows):
                spool.batch(spec, batch, fr, rejects, check_text)
                bar.update(task, completed=fr.rows)
            bar.update(task, completed=total)
            fr.rejected = len(rejects)
            fr.seconds = round(time.perf_counter() - t0, 3)
            plan.files.append(fr)
            plan.rejects.extend(rejects)
        task = bar.add_task("import files", total=len(spool.files))
        spool.finish(plan, lambda: bar.advance(task))
    plan.seconds = time.perf_counter() - started
    plan.rejects_file = str(Path(rejects_file or out_dir / "rejects.csv").resolve())
    write_rejects(plan.rejects, plan.rejects_file)
    (out_dir / ARGS_FILE).write_text("\n".join(plan.import_args()) + "\n", encoding="utf-8")
    return plan


# --- running the import and finishing it ----------------------------------------------
def find_admin(neo4j_home: str | os.PathLike | None = None) -> str | None:
    """neo4j-admin of the installation at `neo4j_home`, else the one on PATH."""
    if neo4j_home:
        candidate = Path(neo4j_home) / "bin" / "neo4j-admin"
        return str(candidate) if candidate.is_file() else None
    return shutil.which("neo4j-admin")


def finish_import(url: str) -> dict:
    """Open the store on the started server: that creates the uniqueness
    constraints and indexes (validated against the imported data) and waits
    for them to come online. Returns the counts and the schema objects."""
    from graph.core.neo4j_store import Neo4jStore

    with Neo4jStore(url) as store:
        counts = store.counts()
        _, rows = store.read("SHOW CONSTRAINTS YIELD name RETURN name ORDER BY name")
        constraints = [r[0] for r in rows]
        _, rows = store.read("SHOW INDEXES YIELD name, state WHERE state <> 'ONLINE' "
                             "RETURN name")
        if rows:
            raise DataError(f"indexes not online: {', '.join(r[0] for r in rows)}")
        _, rows = store.read("SHOW INDEXES YIELD name RETURN count(name)")
        return {"store": store.url, "constraints": constraints, "indexes": rows[0][0], **counts}
