"""`customs-graph investigation list|show|export|close`: saved investigations from the
command line (the app builds and edits them). Same conventions as graph/cli.py."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from graph import actions
from graph.actions.investigations import EXPORT_FORMATS
from graph.cli.common import JsonOpt, StoreOpt, out, uses

app = typer.Typer(no_args_is_help=True, help="Saved investigations: list, show, export, close.")

VersionOpt = Annotated[int | None, typer.Option("--version", "-v", min=1,
                                                help="An earlier version (default: the latest).")]


def register(main: typer.Typer) -> None:
    main.add_typer(app, name="investigation")


def _line(i: dict) -> str:
    shared = f"  shared with {', '.join(i['shared'])}" if i["shared"] else ""
    return (f"{i['id']}  v{i['version']}  {i['status']:<11}  {i['name']}  "
            f"({i['owner']}, {i['nodes']} nodes, {i['notes']} notes, {i['time']}){shared}")


@app.command("list")
@uses("investigation.list")
def list_(store: StoreOpt = None, as_json: JsonOpt = False,
          status: Annotated[str | None, typer.Option(help="open, handed over or closed")] = None):
    """The investigations you may open, latest change first."""
    found = actions.investigation_list(actions.cli_actor(), store, status=status)
    out({"investigations": found}, as_json,
        "\n".join(map(_line, found)) or "no investigations")


@app.command("show")
@uses("investigation.open", "investigation.versions")
def show(inv_id: str, store: StoreOpt = None, as_json: JsonOpt = False,
         version: VersionOpt = None):
    """One investigation: its chart, notes and versions."""
    who = actions.cli_actor()
    inv = actions.investigation_open(who, store, inv_id, version)
    history = actions.investigation_versions(who, store, inv_id)
    data = {**inv.to_json(), "versions": history}
    lines = [_line(inv.summary()), ""]
    lines += [f"  {n.id}  {n.target or '(investigation)'}: {' '.join(n.text.split())}  "
              f"— {n.author}, {n.time}" for n in inv.notes]
    lines += [f"  v{v['version']}  {v['time']}  {v['by']}: {v['change']}" for v in history]
    out(data, as_json, "\n".join(lines))


@app.command("export")
@uses("investigation.export")
def export(inv_id: str,
           fmt: Annotated[str, typer.Option("--format", help="json, anx (i2), html or pdf "
                                            "(the investigator's report), svg (the chart)")],
           output: Annotated[Path, typer.Option("-o", "--output", help="File to write.")],
           store: StoreOpt = None, as_json: JsonOpt = False, version: VersionOpt = None,
           path: Annotated[list[str] | None, typer.Option(
               "--path", help="REF,REF: the report shows the paths between them.")] = None):
    """Write an investigation as JSON, an i2 Analyst's Notebook chart, or the report."""
    if fmt not in EXPORT_FORMATS:
        raise typer.BadParameter(f"--format {fmt!r}: one of {', '.join(EXPORT_FORMATS)}")
    pairs = []
    for p in path or ():
        a, sep, b = p.partition(",")
        if not sep or not a.strip() or not b.strip():
            raise typer.BadParameter(f"--path {p!r}: expected REF,REF")
        pairs.append((a.strip(), b.strip()))
    data = actions.investigation_export(actions.cli_actor(), store, inv_id, fmt, output,
                                        version=version, paths=pairs)
    out({"file": str(output), "format": fmt, "bytes": len(data)}, as_json,
        f"wrote {output} ({len(data):,} bytes)")


@app.command("close")
@uses("investigation.status")
def close(inv_id: str, store: StoreOpt = None, as_json: JsonOpt = False,
          status: Annotated[str, typer.Option(
              help="closed (default), handed over, or open to reopen")] = "closed"):
    """Close an investigation (or hand it over, or reopen it): a new version."""
    inv = actions.investigation_status(actions.cli_actor(), store, inv_id, status)
    out(inv.summary(), as_json, _line(inv.summary()))
