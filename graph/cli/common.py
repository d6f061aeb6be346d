"""What every command-line module shares: output and the mapping of errors to
exit status (0 success, 1 the command ran but failed, 2 bad usage)."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from graph.core.errors import CustomsGraphError, SchemaError

# The options every command takes (DESIGN.md's contract; tests/test_cli.py walks the tree).
StoreOpt = Annotated[str | None, typer.Option(
    "--store", help="Store URL: ladybug:///path or bolt://host:7687 "
    "(default: $CUSTOMS_GRAPH_STORE, else the embedded store in your data folder).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")]


def out(data, as_json: bool, text: str | None = None) -> None:
    """JSON on stdout for scripts, else the text (or indented JSON without one)."""
    if as_json:
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        typer.echo(text if text is not None else json.dumps(data, ensure_ascii=False, indent=2))


def uses(*names: str):
    """Mark a command with the actions (graph/actions) it calls: tests/test_actions.py
    checks that every command is marked and every name is a registered action."""
    def mark(fn):
        fn.__actions__ = names
        return fn
    return mark


def one_line(text) -> str:
    return " ".join(str(text).split())


def _command_path(app: typer.Typer, argv: list[str] | None) -> str:
    """The command's names (`users add`), never its arguments."""
    cmd = typer.main.get_command(app)
    names = []
    for token in list(sys.argv[1:] if argv is None else argv):
        sub = getattr(cmd, "commands", {}).get(token)
        if sub is None:
            break
        names.append(token)
        cmd = sub
    return " ".join(names) or "?"


def _audit_failure(app: typer.Typer, argv: list[str] | None, error) -> None:
    """A failing command that wrote no record through the door writes one here."""
    from graph.actions import core

    if core.RECORDS_WRITTEN[0]:
        return
    try:
        core.record_failed_command(_command_path(app, argv), error)
    except Exception as e:  # noqa: BLE001 - the failure itself is what the user must see
        typer.echo(f"warning: the audit trail could not record this failure: {one_line(e)}",
                   err=True)


def run(app: typer.Typer, argv: list[str] | None = None) -> None:
    """Run a typer app; errors become one line on stderr and the exit status. A
    failure that no action recorded is recorded in the audit trail here."""
    try:
        _run(app, argv)
    except SystemExit as e:
        if e.code not in (0, None):
            _audit_failure(app, argv, (_LAST_ERROR or [f"exit status {e.code}"])[0])
        raise


_LAST_ERROR: list[str] = []


def _error(line: str) -> None:
    _LAST_ERROR[:] = [line]
    typer.echo(line, err=True)


def _run(app: typer.Typer, argv: list[str] | None = None) -> None:
    try:
        # Without standalone mode the parser returns typer.Exit's code instead of raising.
        rc = app(args=argv, standalone_mode=False, prog_name="customs-graph")
    except typer.Exit as e:
        raise SystemExit(e.exit_code) from None
    except (typer.BadParameter, SchemaError) as e:
        _error(f"error: {one_line(e)}")
        raise SystemExit(2) from None
    except CustomsGraphError as e:
        _error(f"error: {one_line(e)}")
        raise SystemExit(1) from None
    except typer.Abort:
        _error("error: aborted")
        raise SystemExit(1) from None
    except Exception as e:
        # The parser's own errors carry their exit code (2 for usage errors).
        if hasattr(e, "format_message") and isinstance(getattr(e, "exit_code", None), int):
            _error(f"error: {one_line(e.format_message())}")
            raise SystemExit(e.exit_code) from None
        _error(f"error: {type(e).__name__}: {one_line(e)}")
        raise SystemExit(1) from None
    raise SystemExit(rc if isinstance(rc, int) else 0)
