"""`customs-graph neo4j-import`: the offline import of an empty Neo4j database.

    customs-graph neo4j-import sample_data --out import/           # files + the command
    customs-graph neo4j-import sample_data --out import/ --run --neo4j-home /opt/neo4j
    customs-graph neo4j-import --finish --store bolt://localhost:7687   # after starting

Same conventions as graph/cli/__init__.py (--json, exit 0/1/2, one-line errors).
"""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path
from typing import Annotated

import typer

from graph.cli.common import out as _out
from graph.cli.common import uses
from graph.core.errors import CustomsGraphError


@uses("neo4j-import")
def neo4j_import(
    folder: Annotated[Path | None, typer.Argument(
        help="Folder of contract CSV files.", show_default=False)] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Folder for the import files (replaced files of an earlier run).")] = None,
    run: Annotated[bool, typer.Option(
        "--run", help="Run neo4j-admin afterwards (the database must be stopped).")] = False,
    neo4j_home: Annotated[Path | None, typer.Option(
        "--neo4j-home", help="Neo4j installation whose bin/neo4j-admin to run "
        "(default: neo4j-admin on PATH).")] = None,
    database: Annotated[str, typer.Option("--database", help="Database to import into.")]
    = "neo4j",
    rejects: Annotated[Path | None, typer.Option(
        help="Where to write rejected rows (default: OUT/rejects.csv).")] = None,
    finish: Annotated[bool, typer.Option(
        "--finish", help="After the import, with the server started: create the "
        "constraints and indexes and print the counts (needs --store).")] = False,
    store: Annotated[str | None, typer.Option(
        "--store", help="With --finish: the bolt:// or neo4j:// URL of the server.")] = None,
    progress: Annotated[bool, typer.Option(help="Show progress bars on stderr.")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")] = False,
):
    """Prepare neo4j-admin import files for an EMPTY Neo4j database, checked as `load` checks."""
    from graph import actions

    actions.neo4j_import(actions.cli_actor(), lambda ctx: _work(
        ctx, folder, out, run, neo4j_home, database, rejects, finish, store, progress, as_json))


def _work(ctx, folder, out, run, neo4j_home, database, rejects, finish, store, progress,
          as_json) -> None:
    if finish:
        ctx.note(what="neo4j-import --finish", store=store)
        _finish(folder, store, as_json)
        return
    if folder is None or out is None:
        raise typer.BadParameter("give FOLDER and --out DIR (or --finish --store URL)")
    from graph.interchange.neo4j_import import find_admin, prepare_import

    admin = "neo4j-admin"
    if run:
        admin = find_admin(neo4j_home)
        if admin is None:
            where = f"{neo4j_home}/bin" if neo4j_home else "PATH"
            raise CustomsGraphError(f"neo4j-admin not found in {where} (use --neo4j-home)")
    elif neo4j_home:
        admin = str(Path(neo4j_home) / "bin" / "neo4j-admin")
    plan = prepare_import(folder, out, rejects_file=rejects, progress=progress and not as_json)
    data = plan.to_json(database, admin)
    command = plan.command(database, admin)
    lines = [f"prepared {plan.rows} rows from {len(plan.files)} files in {plan.seconds:.1f} s: "
             f"{sum(plan.nodes.values())} nodes, {sum(plan.relationships.values())} "
             f"relationships -> {plan.out_dir}"]
    lines += [f"  {f.file:<28} {f.rows:>8} rows  {f.loaded:>8} loaded  {f.rejected:>5} rejected"
              for f in plan.files]
    lines.append(f"rejected {len(plan.rejects)} rows -> {plan.rejects_file}")
    for r in plan.rejects[:20]:
        lines.append(f"  {r.file}:{r.line} {r.field}: {r.reason}")
    if run:
        env = {**os.environ, **({"NEO4J_HOME": str(neo4j_home)} if neo4j_home else {})}
        # The tool's progress goes to stderr so that --json stays parseable.
        done = subprocess.run(command, env=env, stdout=2)
        data["import_exit_status"] = done.returncode
        if done.returncode != 0:
            raise CustomsGraphError(f"neo4j-admin failed with exit status {done.returncode}: "
                                    f"{shlex.join(command)}")
        lines.append(f"imported into database {database!r} with: {shlex.join(command)}")
    ctx.note(folder=str(folder), rows=plan.rows, rejected=len(plan.rejects),
             rejects_file=str(plan.rejects_file), ran=run,
             store=f"neo4j-admin import, database {database}")
    if not run:
        lines.append("import (Neo4j stopped; the database's files are replaced):")
        lines.append("  " + shlex.join(command))
    lines.append("then start Neo4j and create the constraints and indexes:")
    lines.append("  customs-graph neo4j-import --finish --store bolt://localhost:7687"
                 + (f"?database={database}" if database != "neo4j" else ""))
    _out(data, as_json, "\n".join(lines))


def _finish(folder: Path | None, store: str | None, as_json: bool) -> None:
    if folder is not None or not store:
        raise typer.BadParameter("--finish takes --store URL and no FOLDER")
    from graph.interchange.neo4j_import import finish_import

    data = finish_import(store)
    nodes, rels = sum(data["nodes"].values()), sum(data["relationships"].values())
    text = (f"{data['store']}: {nodes} nodes, {rels} relationships; "
            f"{len(data['constraints'])} key constraints and {data['indexes']} indexes online")
    _out(data, as_json, text)
