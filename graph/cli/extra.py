"""Investigation commands for the `customs-graph` command line: analytics,
entity resolution, watchlist screening, risk scores and case packages.

Mounted into the main CLI with `register(app)`; `app` here runs them alone.
Conventions are graph/cli/__init__.py's: `--store URL`, `--json` prints JSON on stdout,
errors are raised as graph.core.errors exceptions (cli.main maps them to exit
status 1, or 2 for bad usage).

    customs-graph analyse REF --hops N [--json]
    customs-graph risk REF [REF ...] [--json]
    customs-graph resolve [--json]              # proposals, best first
    customs-graph resolve accept A B [--by NAME] [--score S]
    customs-graph resolve undo A B
    customs-graph screen WATCHLIST.csv [--json]
    customs-graph screen WATCHLIST.csv --save   # keep it: the app's alerts screen with it
    customs-graph screen [--json]               # screen with the stored watchlist
    customs-graph case REF --hops N -o FILE.zip
    customs-graph case-verify FILE.zip
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from graph import actions
from graph.analysis import resolve
from graph.cli.common import JsonOpt, StoreOpt, uses
from graph.cli.common import out as _out
from graph.core.errors import DataError, SchemaError
from graph.core.store import DEFAULT_CAP

_actor = actions.cli_actor

HopsOpt = Annotated[int, typer.Option(min=1, max=6, help="Hops out from REF.")]
CapOpt = Annotated[int, typer.Option(help="Neighbours shown per node before 'N more'.")]

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Investigation commands: analytics, resolution, screening, cases.")
resolve_app = typer.Typer(help="Entity resolution: proposals, accept, undo.")


# --- analyse --------------------------------------------------------------------
@uses("analyse")
def analyse(ref: str, hops: HopsOpt = 2, store: StoreOpt = None, as_json: JsonOpt = False,
            cap: CapOpt = DEFAULT_CAP,
            top: Annotated[int, typer.Option(min=1, help="Entities listed per score.")] = 10,
            hubs: Annotated[bool, typer.Option(
                "--hubs/--no-hubs", help="Count hub labels (Country, Commodity, customs "
                "offices: the schema's non-traversable labels) in the scores.")] = False):
    """Centrality, communities, bridges and go-betweens in the neighbourhood of REF."""
    result = actions.analyse(_actor(), store, ref, hops=hops, cap=cap, top=top, hubs=hubs)
    lines = [f"{result['nodes']} nodes, {result['edges']} edges around {ref} ({hops} hops)"]
    btw = result["betweenness"]
    for name, rows in (("degree", result["degree"]), ("pagerank", result["pagerank"]),
                       ("betweenness" + (f" (estimated from {btw['sample']} sources)"
                                         if btw["approximate"] else ""), btw["top"])):
        lines.append(f"top by {name}:")
        lines += [f"  {r['score']:>10}  {r['id']}  {r['caption']}" for r in rows]
    lines.append(f"communities: {len(result['communities'])}")
    for c in result["communities"][:top]:
        names = ", ".join(m["id"] for m in c["members"][:5])
        more = f" and {c['size'] - 5} more" if c["size"] > 5 else ""
        lines.append(f"  #{c['id']} ({c['size']}): {names}{more}")
    lines.append(f"articulation points: {', '.join(result['articulation_points']) or 'none'}")
    lines.append(f"bridges: {len(result['bridges'])}")
    _out(result, as_json, "\n".join(lines))


# --- risk ---------------------------------------------------------------------------
@uses("risk")
def risk_cmd(refs: Annotated[list[str], typer.Argument(help="One or more Label:key.")],
             store: StoreOpt = None, as_json: JsonOpt = False,
             weights: Annotated[Path | None, typer.Option(
                 help="Risk weights TOML (default: graph/analysis/risk_weights.toml).")] = None):
    """Transparent risk scores: every contribution with its reason."""
    scores = actions.risk_scores(_actor(), store, refs, weights)
    lines = []
    for r in scores:
        lines.append(f"{r.ref}  {r.score:g} ({r.band})")
        lines += [f"  {c.points:+g}  {c.rule}: {c.reason}" for c in r.contributions]
    _out({"scores": [r.to_json() for r in scores]}, as_json, "\n".join(lines))


# --- resolve -------------------------------------------------------------------------
@resolve_app.callback(invoke_without_command=True)
@uses("resolve.list")
def resolve_list(ctx: typer.Context, store: StoreOpt = None, as_json: JsonOpt = False,
                 label: Annotated[list[str] | None, typer.Option(
                     "--label", "-l", help="Person and/or Company (default both).")] = None,
                 min_score: Annotated[float | None, typer.Option(
                     help="Lowest score listed (default: 70 persons, 80 companies).")] = None):
    """Proposed duplicates (same person / same company), best first, with evidence."""
    if ctx.invoked_subcommand is not None:
        return
    labels = label or list(resolve.RESOLVABLE)
    for name in labels:
        if name not in resolve.RESOLVABLE:
            raise SchemaError(f"--label must be one of {', '.join(resolve.RESOLVABLE)}")
    found = actions.resolve_list(_actor(), store, labels, min_score=min_score)
    lines = []
    for p in found:
        lines.append(f"{p.score:>5g}  {p.a_ref} = {p.b_ref}")
        lines += [f"       {e}" for e in p.evidence]
    _out({"proposals": [p.to_json() for p in found]}, as_json,
         "\n".join(lines) or "no proposals")


@resolve_app.command("accept")
@uses("resolve.accept")
def resolve_accept(a: str, b: str, store: StoreOpt = None, as_json: JsonOpt = False,
                   by: Annotated[str | None, typer.Option(
                       help="Who decides (default: the signed-in user; another name only "
                       "in single-user mode).")] = None,
                   score: Annotated[float | None, typer.Option(
                       help="Score to record (default: computed now).")] = None):
    """Record that A and B are one entity (a SAME_AS link; the records stay as they are)."""
    result = actions.resolve_accept(_actor(), store, a, b, score=score, by=by)
    score, by = result.get("score", score), result.get("decided_by")
    text = (f"linked {a} SAME_AS {b} (score {score:g}, by {by})" if result["created"]
            else f"{a} and {b} were already linked")
    _out(result, as_json, text)


@resolve_app.command("undo")
@uses("resolve.undo")
def resolve_undo(a: str, b: str, store: StoreOpt = None, as_json: JsonOpt = False):
    """Remove the SAME_AS link between A and B."""
    removed = actions.resolve_undo(_actor(), store, a, b)
    _out({"a": a, "b": b, "removed": removed}, as_json,
         f"removed {removed} SAME_AS link(s) between {a} and {b}" if removed
         else f"{a} and {b} were not linked")


# --- screen ---------------------------------------------------------------------------
@uses("screen", "screen.stored", "watchlist.save")
def screen_cmd(watchlist: Annotated[Path | None, typer.Argument(
                   help="CSV: name, date_of_birth, nationality, document_no, company "
                   "(default: the stored watchlist).")] = None,
               store: StoreOpt = None, as_json: JsonOpt = False,
               min_score: Annotated[float | None, typer.Option(
                   help="Lowest score reported (default: 50 persons, 70 companies).")] = None,
               save: Annotated[bool, typer.Option(
                   "--save", help="Keep WATCHLIST as the stored watchlist, replacing the one "
                   "stored (analyst or admin; audited). The app's Overview alerts and "
                   "`screen` without a file use it.")] = False):
    """Screen a watchlist against stored persons and companies."""
    kept = None
    if watchlist is None:
        if save:
            raise typer.BadParameter("--save needs the watchlist CSV file to keep")
        kept, result = actions.screen_stored(_actor(), store, min_score=min_score)
        if kept is None:
            raise typer.BadParameter(
                "no watchlist is stored: give a CSV file, or keep one with "
                "`customs-graph screen WATCHLIST.csv --save`")
    else:
        if save:
            kept = actions.watchlist_save(_actor(), Path(watchlist)).info()
        result = actions.screen_file(_actor(), store, Path(watchlist), min_score=min_score)
    for p in result.problems:
        typer.echo(f"warning: {p}", err=True)
    data = result.to_json()
    lines = []
    if kept is not None:
        data["watchlist"] = {**kept, "saved": save}
        lines.append(f"{'saved' if save else 'stored'} watchlist {kept['source']} "
                     f"(sha256 {kept['sha256'][:12]}..., {kept['saved_at']} by "
                     f"{kept['saved_by']})")
    lines.append(f"{result.entries} watchlist entries, {len(result.hits)} hits")
    for h in result.hits:
        lines.append(f"line {h.line} {h.kind} {h.watch!r} -> {h.ref} {h.name!r}  "
                     f"score {h.score:g}")
        lines += [f"    {e}" for e in h.evidence]
    _out(data, as_json, "\n".join(lines))


# --- case packages ----------------------------------------------------------------------
@uses("case")
def case_cmd(ref: str, hops: HopsOpt = 2,
             output: Annotated[Path | None, typer.Option("-o", "--output",
                                                         help="Zip file to write.")] = None,
             store: StoreOpt = None, as_json: JsonOpt = False, cap: CapOpt = DEFAULT_CAP,
             title: Annotated[str, typer.Option(help="A line describing the case.")] = ""):
    """A case package: REF's neighbourhood in every format, its query, SHA-256 manifest."""
    if output is None:
        raise typer.BadParameter("-o FILE.zip is required")
    manifest = actions.case_package(_actor(), store, ref, hops, output, cap=cap, title=title)
    _out({"file": str(output), **manifest}, as_json,
         f"wrote {output}: {manifest['nodes']} nodes, {manifest['edges']} edges, "
         f"{len(manifest['files'])} files + manifest")


@uses("case.verify")
def case_verify_cmd(package: Path, as_json: JsonOpt = False):
    """Check a case package against its manifest (exit 1 when something differs)."""
    problems = actions.case_verify(_actor(), package)
    _out({"file": str(package), "ok": not problems, "problems": problems}, as_json,
         "\n".join(problems) or f"{package}: every file matches the manifest")
    if problems:
        raise DataError(f"{package}: {len(problems)} problem(s) with the package")


def register(main: typer.Typer) -> None:
    """Mount these commands into the main CLI (graph/cli/__init__.py)."""
    main.command("analyse")(analyse)
    main.command("risk")(risk_cmd)
    main.command("screen")(screen_cmd)
    main.command("case")(case_cmd)
    main.command("case-verify")(case_verify_cmd)
    main.add_typer(resolve_app, name="resolve")


register(app)
