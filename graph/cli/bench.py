"""`customs-graph bench`: the command over the benchmark harness (graph.bench)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from graph.bench.harness import DEFAULT_BUDGET_S, DEFAULT_SAMPLES, render
from graph.cli.common import uses


@uses("bench")
def bench(
    persons: Annotated[int, typer.Option(min=10, help="Persons to generate (about 7 rows "
                                                       "each in all files).")] = 10000,
    store: Annotated[list[str] | None, typer.Option(
        "--store", help="Store URL to load into, repeatable: a fresh ladybug:///path, "
        "or bolt://… (emptied first: needs --yes).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")] = False,
    yes: Annotated[bool, typer.Option("--yes", help="Allow emptying Neo4j databases.")] = False,
    samples: Annotated[int, typer.Option(min=1, help="Samples per operation.")] = DEFAULT_SAMPLES,
    budget: Annotated[float, typer.Option(help="Seconds per operation before sampling "
                                               "stops early (3 samples at least).")
                      ] = DEFAULT_BUDGET_S,
    seed: Annotated[int | None, typer.Option(help="Generator seed.")] = None,
    data: Annotated[Path | None, typer.Option(help="Data set folder (default: a cache "
                                                   "folder per size and seed).")] = None,
    baseline: Annotated[bool, typer.Option("--baseline/--no-baseline",
                                           help="Time the plain-engine baselines.")] = True,
    load_csv: Annotated[bool, typer.Option("--load-csv/--no-load-csv",
                                           help="Neo4j LOAD CSV baseline (local server).")
                        ] = True,
    save: Annotated[Path | None, typer.Option(help="Also write the JSON result here.")] = None,
    existing: Annotated[bool, typer.Option(
        "--existing", help="The stores already hold this data set (an earlier run loaded "
        "it): time the operations only.")] = False,
):
    """Generate a data set of PERSONS persons, load it into each store, time
    loads and explorer operations beside plain-engine baselines."""
    from rich.console import Console

    if not store:
        raise typer.BadParameter("give at least one --store")
    from graph import actions

    err = Console(file=sys.stderr)
    # Through the door: an admin only (it empties the Neo4j databases it is given).
    result = actions.bench(actions.cli_actor(), persons, list(store), samples=samples,
                           budget_s=budget, seed=seed, data=data, yes=yes, baseline=baseline,
                           load_csv=load_csv, existing=existing,
                           log=None if as_json else (lambda m: err.print(f"[dim]{m}[/dim]")))
    if save:
        Path(save).write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str))
    if as_json:
        json.dump(result, sys.stdout, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        out = Console()
        render(result, out if out.is_terminal else Console(width=160))
