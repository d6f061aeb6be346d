"""The `customs-graph` command line. Scriptable: `--json` prints JSON on stdout.

Exit status: 0 success, 1 the command ran but failed, 2 bad usage. Errors go
to stderr in one line.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from importlib.resources import files
from pathlib import Path
from typing import Annotated

import typer
from typer.core import TyperGroup

from graph import actions
from graph.cli import extra as cli_extra
from graph.cli import import_ as cli_import
from graph.cli import investigation as cli_investigation
from graph.cli.bench import bench
from graph.cli.common import JsonOpt, OtherStoreOpt, StoreOpt, run, uses
from graph.cli.common import out as _out
from graph.cli.log import log_app
from graph.cli.users import users_app
from graph.core.model import Subgraph
from graph.core.store import DEFAULT_CAP, DEFAULT_ORDER, ORDERS
from graph.interchange import export as exporter

# --help lists the commands in the order an analyst meets them; admin's last.
ORDER = ("load", "search", "neighbours", "paths", "investigation", "queries", "cypher",
         "analyse", "risk", "resolve", "screen", "export", "case", "case-verify", "log",
         "app", "demo", "users", "index", "neo4j-import", "bench")


class _AnalystOrder(TyperGroup):
    def list_commands(self, ctx) -> list[str]:
        names = super().list_commands(ctx)
        return sorted(names, key=lambda n: ORDER.index(n) if n in ORDER else len(ORDER))


app = typer.Typer(add_completion=False, no_args_is_help=True, cls=_AnalystOrder,
                  help="Link-analysis workbench for customs intelligence analysts.")
queries_app = typer.Typer(no_args_is_help=True, help="Saved queries in queries/.")
index_app = typer.Typer(no_args_is_help=True, help="The search index.")
app.add_typer(queries_app, name="queries")
app.add_typer(index_app, name="index")
app.add_typer(log_app, name="log")
app.add_typer(users_app, name="users")
app.command("bench")(bench)
cli_extra.register(app)
cli_investigation.register(app)
app.command("neo4j-import")(cli_import.neo4j_import)

ParamOpt = Annotated[list[str] | None, typer.Option("--param", "-p", help="k=v, repeatable.")]
LabelOpt = Annotated[list[str] | None, typer.Option("--label", "-l", help="Only these labels.")]
TypeOpt = Annotated[list[str] | None, typer.Option("--rel", "-r",
                                                   help="Only these relationship types.")]


def _params(items: list[str] | None) -> dict:
    out = {}
    for item in items or []:
        if "=" not in item:
            raise typer.BadParameter(f"--param {item!r}: expected k=v")
        k, v = item.split("=", 1)
        out[k.strip()] = v
    return out


def _actor():
    return actions.cli_actor()


def _node_line(n) -> str:
    from graph.core import schema

    caption = n.properties.get(schema.label(n.label).caption, n.key)
    return f"{n.id}  {caption}" if caption != n.key else n.id


def _subgraph_text(sub: Subgraph) -> str:
    lines = [f"{len(sub.nodes)} nodes, {len(sub.edges)} edges"]
    for ref, n in sorted(sub.left_out.items()):  # said first: a capped hub hides people
        kinds = ", ".join(f"{c} {k}" for k, c in sorted(
            sub.left_out_by_type.get(ref, {}).items(), key=lambda x: -x[1]))
        lines.append(f"  {ref}: {n} more not shown" + (f" ({kinds})" if kinds else ""))
    lines += [f"  {_node_line(n)}" for n in sorted(sub.nodes.values(), key=lambda n: n.id)]
    lines += [f"  {e.source} -[{e.type}]-> {e.target}"
              for e in sorted(sub.edges.values(), key=lambda e: (e.source, e.type, e.target))]
    return "\n".join(lines)


def _summary_text(ref: str, counts: list[dict]) -> str:
    lines = [f"{ref}: {sum(c['count'] for c in counts)} neighbours"]
    for c in counts:
        arrow = f"-[{c['type']}]->" if c["direction"] == "out" else f"<-[{c['type']}]-"
        lines.append(f"  {c['count']:>7}  {arrow} {c['label']}")
    return "\n".join(lines)


@app.command()
@uses("load")
def load(folder: Annotated[Path, typer.Argument(help="Folder of contract CSV files.")],
         store: StoreOpt = None, as_json: JsonOpt = False,
         rejects: Annotated[Path | None, typer.Option(help="Where to write rejected rows.")] = None,
         progress: Annotated[bool, typer.Option(help="Show progress bars on stderr.")] = True,
         parallel: Annotated[bool | None, typer.Option(
             help="Check rows in a second process while writing "
                  "[default: for 50,000 rows or more, on 2+ cores].",
             show_default=False)] = None):
    """Load a folder of contract CSVs; prints counts and rejects."""
    report = actions.load(_actor(), store, folder, rejects=rejects,
                          progress=progress and not as_json, parallel=parallel)
    data = report.to_json()
    lines = [f"loaded {report.rows} rows from {len(report.files)} files in {report.seconds:.1f} s "
             f"({report.rows / max(report.seconds, 1e-9):,.0f} rows/s)"]
    lines += [f"  {f.file:<28} {f.rows:>8} rows  {f.loaded:>8} loaded  {f.rejected:>5} rejected"
              for f in report.files]
    lines.append(f"rejected {len(report.rejects)} rows -> {report.rejects_file}")
    for r in report.rejects[:20]:
        lines.append(f"  {r.file}:{r.line} {r.field}: {r.reason}")
    _out(data, as_json, "\n".join(lines))


@app.command()
@uses("search")
def search(text: str, store: StoreOpt = None, as_json: JsonOpt = False,
           label: LabelOpt = None,
           limit: Annotated[int, typer.Option(min=1, max=1000, help="Results per page.")] = 20,
           offset: Annotated[int, typer.Option(min=0, help="Skip this many results.")] = 0):
    """Entities by name or key, diacritics-blind."""
    res = actions.search(_actor(), store, text, labels=label, limit=limit, offset=offset)
    lines = [f"{_node_line(h.node)}  [{h.match}]" for h in res.results]
    shown = f"{offset + 1}-{offset + len(res.results)}" if res.results else "none"
    more = f", more with --offset {offset + len(res.results)}" if res.truncated or (
        offset + len(res.results) < res.total) else ""
    lines.append(f"({shown} of {res.total}{'+' if res.truncated else ''}{more})"
                 if res.results or res.total else "no match")
    _out(res.to_json(), as_json, "\n".join(lines))


@app.command()
@uses("summary", "neighbours")
def neighbours(ref: str, hops: Annotated[int, typer.Option(min=1, max=6)] = 1,
               store: StoreOpt = None, as_json: JsonOpt = False, label: LabelOpt = None,
               rel: TypeOpt = None, cap: int = DEFAULT_CAP,
               order: Annotated[str, typer.Option(
                   help="Which neighbours of a busy node come first: risk (linked to a "
                   "seizure, on the stored watchlist, then most connected), most, least, "
                   "newest, key.")] = DEFAULT_ORDER,
               summary: Annotated[bool, typer.Option(
                   "--summary", help="Only the counts of neighbours per label and "
                   "relationship type.")] = False,
               through_hubs: Annotated[bool, typer.Option(
                   "--through-hubs", help="Step through countries, HS codes and customs "
                   "offices too (by default they are shown, not expanded).")] = False):
    """The neighbourhood of REF (Label:key, e.g. Container:WHSU5018375), with how many
    neighbours it has of each kind first."""
    if order not in ORDERS:
        raise typer.BadParameter(f"--order must be one of {', '.join(ORDERS)}")
    counts = actions.summary(_actor(), store, ref)
    if summary:
        _out({"ref": ref, "counts": counts}, as_json, _summary_text(ref, counts))
        return
    sub = actions.neighbours(_actor(), store, ref, hops=hops, labels=label, rel_types=rel,
                             cap=cap, order=order, through_hubs=through_hubs)
    _out(sub.to_json(), as_json, _summary_text(ref, counts) + "\n" + _subgraph_text(sub))


@app.command()
@uses("paths")
def paths(ref_a: str, ref_b: str, max_hops: Annotated[int, typer.Option(min=1, max=12)] = 4,
          store: StoreOpt = None, as_json: JsonOpt = False, label: LabelOpt = None,
          rel: TypeOpt = None, limit: int = 25):
    """Shortest paths between two entities, shortest first."""
    found = actions.paths(_actor(), store, ref_a, ref_b, max_hops=max_hops, labels=label,
                          rel_types=rel, limit=limit)
    text = []
    for p in found:
        steps = [p.nodes[0].id]
        for e, n in zip(p.edges, p.nodes[1:], strict=True):
            arrow = f"-[{e.type}]->" if e.source != n.id else f"<-[{e.type}]-"
            steps.append(f"{arrow} {n.id}")
        text.append(" ".join(steps))
    _out({"paths": [p.to_json() for p in found]}, as_json,
         "\n".join(text) or f"no path within {max_hops} hops")


def _print_result(result, as_json: bool) -> None:
    data = result.to_json()
    if as_json:
        _out(data, True)
        return
    typer.echo("\t".join(data["columns"]))
    for row in data["rows"]:
        typer.echo("\t".join(json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list))
                             else "" if v is None else str(v) for v in row))
    if result.truncated:
        typer.echo(f"(cut at {len(data['rows'])} rows)", err=True)


@queries_app.command("list")
@uses("queries.list")
def queries_list(store: OtherStoreOpt = None, as_json: JsonOpt = False):
    """The saved queries."""
    found, errors = actions.queries_list(_actor())
    for e in errors:
        typer.echo(f"warning: {e}", err=True)
    data = {"queries": [q.to_json() for q in found.values()]}
    _out(data, as_json, "\n".join(f"{q.name:<28} {q.title}" for q in found.values()))


@queries_app.command("run")
@uses("query")
def queries_run(name: str, param: ParamOpt = None, store: StoreOpt = None,
                as_json: JsonOpt = False, limit: int = 1000,
                timeout: Annotated[float | None, typer.Option(
                    help="Seconds before the query is stopped (capped).")] = None,
                graph: Annotated[bool, typer.Option(
                    "--graph", help="The nodes and relationships of the result, as a "
                    "graph (the view of a graph query).")] = False):
    """Run a saved query, read-only."""
    result = actions.query(_actor(), store, name, _params(param), limit=limit,
                           timeout_s=timeout)
    if graph:
        sub = result.subgraph()
        _out(sub.to_json(), as_json, _subgraph_text(sub))
        if result.truncated:
            typer.echo(f"(cut at {len(result.rows)} rows)", err=True)
        return
    _print_result(result, as_json)


@app.command()
@uses("cypher")
def cypher(query: str, param: ParamOpt = None, store: StoreOpt = None, as_json: JsonOpt = False,
           limit: int = 1000,
           timeout: Annotated[float | None, typer.Option(
               help="Seconds before the query is stopped (capped).")] = None):
    """Ad-hoc read-only Cypher; the database refuses writes (analyst or admin)."""
    result = actions.cypher(_actor(), store, query, _params(param), limit=limit,
                            timeout_s=timeout)
    _print_result(result, as_json)


@app.command()
@uses("export")
def export(ref: str, hops: Annotated[int, typer.Option(min=1, max=6)] = 1,
           fmt: Annotated[str, typer.Option(
               "--format", help="Export format: " + ", ".join(exporter.FORMATS))] = "json",
           output: Annotated[Path, typer.Option("-o", "--output", help="File to write.")] = None,
           store: StoreOpt = None, as_json: JsonOpt = False, cap: int = DEFAULT_CAP):
    """Export the neighbourhood of REF to a file."""
    if fmt not in exporter.FORMATS:
        raise typer.BadParameter(f"--format must be one of {', '.join(exporter.FORMATS)}")
    if output is None:
        raise typer.BadParameter("-o FILE is required")
    sub = actions.export(_actor(), store, ref, hops, fmt, output, cap=cap)
    _out({"file": str(output), "format": fmt, "nodes": len(sub.nodes), "edges": len(sub.edges)},
         as_json, f"wrote {len(sub.nodes)} nodes, {len(sub.edges)} edges to {output}")


@index_app.command("rebuild")
@uses("index.rebuild")
def index_rebuild(store: StoreOpt = None, as_json: JsonOpt = False):
    """Rebuild the search index from the stored nodes (admin). Loads and merges keep it
    right, and a stale index is found and rebuilt by itself; this is the manual way."""
    n = actions.index_rebuild(_actor(), store)
    _out({"entries": n}, as_json, f"search index rebuilt: {n} entries")


LOOPBACK = ("127.0.0.1", "localhost", "::1")
HostOpt = Annotated[str, typer.Option(
    help="Address to listen on (default: this machine only). Serving beyond it needs "
    "sign-in set up, or --allow-single-user-network.")]
PortOpt = Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")]
OpenNetOpt = Annotated[bool, typer.Option(
    "--allow-single-user-network",
    help="Serve beyond this machine with no users set up: everyone who reaches the port "
    "is admin.")]


def _serve(store: str | None, host: str, port: int, allow_open: bool,
           as_json: bool = False) -> None:
    """Start the app once the door allows it: on loopback unless told otherwise, and
    beyond it in single-user mode only when asked by name."""
    from graph.records.users import single_user

    host = host.strip()
    beyond = host not in LOOPBACK
    if beyond and single_user():
        if not allow_open:
            raise typer.BadParameter(
                f"--host {host}: no users are set up (single-user mode), so everyone who "
                "reaches the port would be admin; add users first (customs-graph users add), "
                "or pass --allow-single-user-network")
        typer.echo(f"warning: serving on {host}:{port} in single-user mode: everyone who "
                   "reaches this port is admin", err=True)
    actions.serve(_actor(), host, port, network_single_user=beyond and allow_open)
    env = dict(os.environ)
    if store:
        env["CUSTOMS_GRAPH_STORE"] = store
    if as_json:  # where the app will be, for a script that starts it
        from graph.core.stores import default_store_url

        _out({"url": f"http://{'localhost' if not beyond else host}:{port}",
              "store": store or default_store_url()}, True)
        sys.stdout.flush()
    # The app and its Streamlit settings ship in the package: the settings go as
    # flags, so they hold wherever the command is started (installed or not).
    flags = {**streamlit_settings(), "browser.serverAddress": "localhost" if not beyond else host,
             "server.address": host, "server.port": port}
    cmd = [sys.executable, "-m", "streamlit", "run", str(files("ui.script") / "app.py"),
           *(a for k, v in flags.items() for a in (f"--{k}", _flag(v))),
           *(a for f in secrets_files() for a in ("--secrets.files", str(f)))]
    raise SystemExit(subprocess.call(cmd, env=env))


def secrets_files() -> list[Path]:
    """Where the app's secrets (the sign-in provider) may be: the user's
    ~/.streamlit/secrets.toml, and a checkout's .streamlit/secrets.toml when run from
    one; never the folder the command happens to be started in."""
    found = [Path.home() / ".streamlit" / "secrets.toml"]
    checkout = Path(str(files("ui"))).parent
    if (checkout / "pyproject.toml").exists() and (checkout / ".streamlit").is_dir():
        found.append(checkout / ".streamlit" / "secrets.toml")
    return found


def streamlit_settings() -> dict[str, object]:
    """ui/streamlit.toml (the same as the checkout's .streamlit/config.toml) as
    {"section.option": value}."""
    data = tomllib.loads((files("ui") / "streamlit.toml").read_text(encoding="utf-8"))
    return {f"{section}.{k}": v for section, opts in data.items() for k, v in opts.items()}


def _flag(value) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


@app.command("app")
@uses("serve")
def run_app(store: StoreOpt = None, as_json: JsonOpt = False, host: HostOpt = "127.0.0.1",
            port: PortOpt = 8501, allow_single_user_network: OpenNetOpt = False):
    """Open the app on the configured store (--json: its address, as JSON, first)."""
    _serve(store, host, port, allow_single_user_network, as_json)


@app.command()
@uses("load", "serve")
def demo(store: StoreOpt = None,
         open_app: Annotated[bool, typer.Option("--app/--no-app",
                                                help="Open the app after.")] = True,
         as_json: JsonOpt = False, host: HostOpt = "127.0.0.1", port: PortOpt = 8501,
         allow_single_user_network: OpenNetOpt = False):
    """Build the sample set into the store, then open the app."""
    sample = Path(str(files("sample_data")))  # the sample set ships in the package
    load(sample, store=store, as_json=as_json, rejects=None, progress=not as_json)
    if not as_json:
        typer.echo("(the sample's rejected rows are planted on purpose, to show what the "
                   "rejects file says of bad input)")
    if open_app:
        _serve(store, host, port, allow_single_user_network)


def main() -> None:
    run(app)

