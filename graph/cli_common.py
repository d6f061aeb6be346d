"""What every command-line module shares: output and the mapping of errors to
exit status (0 success, 1 the command ran but failed, 2 bad usage)."""

from __future__ import annotations

import json
import sys

import typer

from graph.errors import CustomsGraphError, SchemaError


def out(data, as_json: bool, text: str | None = None) -> None:
    """JSON on stdout for scripts, else the text (or indented JSON without one)."""
    if as_json:
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        typer.echo(text if text is not None else json.dumps(data, ensure_ascii=False, indent=2))


def one_line(text) -> str:
    return " ".join(str(text).split())


def run(app: typer.Typer, argv: list[str] | None = None) -> None:
    """Run a typer app; errors become one line on stderr and the exit status."""
    try:
        # Without standalone mode the parser returns typer.Exit's code instead of raising.
        rc = app(args=argv, standalone_mode=False, prog_name="customs-graph")
    except typer.Exit as e:
        raise SystemExit(e.exit_code) from None
    except (typer.BadParameter, SchemaError) as e:
        typer.echo(f"error: {one_line(e)}", err=True)
        raise SystemExit(2) from None
    except CustomsGraphError as e:
        typer.echo(f"error: {one_line(e)}", err=True)
        raise SystemExit(1) from None
    except typer.Abort:
        typer.echo("error: aborted", err=True)
        raise SystemExit(1) from None
    except Exception as e:
        # The parser's own errors carry their exit code (2 for usage errors).
        if hasattr(e, "format_message") and isinstance(getattr(e, "exit_code", None), int):
            typer.echo(f"error: {one_line(e.format_message())}", err=True)
            raise SystemExit(e.exit_code) from None
        typer.echo(f"error: {type(e).__name__}: {one_line(e)}", err=True)
        raise SystemExit(1) from None
    raise SystemExit(rc if isinstance(rc, int) else 0)
