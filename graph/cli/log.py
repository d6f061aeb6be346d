"""Command line of the duty log and the audit trail: the typer app that
graph/cli/__init__.py mounts as `log` (the users' commands are graph/cli/users.py).
Runs on its own too, with `users` beside it:

    python -m graph.cli.log log add --kind finding --text "..." --ref Container:WHSU5018375
    python -m graph.cli.log users add alice --role admin

Same conventions as graph/cli/__init__.py: `--json` prints JSON on stdout; exit 0 on
success, 1 when the command ran but failed (a tampered log, a refused role),
2 for bad usage; errors go to stderr in one line.
"""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path
from typing import Annotated

import typer

from graph import actions
from graph.cli.common import JsonOpt, OtherStoreOpt, run, uses
from graph.cli.common import one_line as _one_line
from graph.cli.common import out as _out
from graph.cli.users import users_app
from graph.records import audit, dutylog, handover
from graph.records.dutylog import KINDS, LogError

log_app = typer.Typer(no_args_is_help=True, help="The duty log: findings, instructions and "
                      "results, verified and handed over between shifts.")

LogOpt = Annotated[Path | None, typer.Option(
    "--log", help="Duty log file (default: dutylog.sqlite3 in the installation's state "
    "folder).")]
ShiftOpt = Annotated[str | None, typer.Option(
    "--shift", "-s", help='Shift name, e.g. "2017-06-21 day" (default: the current one).')]


# --- log ------------------------------------------------------------------------------
def _parse_query(text: str) -> dict:
    try:
        parts = shlex.split(text)
    except ValueError as e:
        raise typer.BadParameter(f"--query {text!r}: {e}") from None
    if not parts or "=" in parts[0]:
        raise typer.BadParameter(f"--query {text!r}: expected 'NAME k=v ...'")
    params = {}
    for p in parts[1:]:
        if "=" not in p:
            raise typer.BadParameter(f"--query {text!r}: {p!r} is not k=v")
        k, v = p.split("=", 1)
        params[k.strip()] = v
    return {"name": parts[0], "params": params}


def _entry_text(e: dutylog.Entry, fixes: dict[int, list[int]]) -> str:
    head = f"#{e.id}  {e.time}  {e.kind}  {e.analyst}  [{e.shift}]"
    if e.corrects is not None:
        head += f"  corrects #{e.corrects}"
    if fixes.get(e.id):
        head += "  corrected by " + ", ".join(f"#{i}" for i in fixes[e.id])
    lines = [head] + [f"    {line}" for line in e.text.split("\n")]
    if e.refs:
        lines.append("    refs: " + ", ".join(e.refs))
    for q in e.queries:
        lines.append(f"    query: {handover._query_text(q)}")
    for x in e.exports:
        lines.append(f"    export: {x.get('file')}  sha256 {x.get('sha256')}")
    return "\n".join(lines)


@log_app.command("add")
@uses("log.add")
def log_add(
        text: Annotated[str, typer.Option("--text", "-t", help="What happened; '-' reads "
                                          "standard input.")],
        kind: Annotated[str, typer.Option("--kind", "-k",
                                          help=f"One of {', '.join(KINDS)}.")] = "finding",
        ref: Annotated[list[str] | None, typer.Option(
            "--ref", "-r", help="Label:key of an entity concerned; repeatable.")] = None,
        shift: ShiftOpt = None,
        analyst: Annotated[str | None, typer.Option(
            help="Who writes (default: the signed-in user, in single-user mode the OS "
            "user).")] = None,
        corrects: Annotated[int | None, typer.Option(
            help="The entry this one corrects (kind becomes correction).")] = None,
        query: Annotated[list[str] | None, typer.Option(
            "--query", "-q", help="A query run: 'NAME k=v ...'; repeatable.")] = None,
        export: Annotated[list[Path] | None, typer.Option(
            "--export", "-e", help="A file exported (its sha256 is recorded); repeatable.")
        ] = None,
        log: LogOpt = None, store: OtherStoreOpt = None, as_json: JsonOpt = False):
    """Append an entry to the duty log (analyst or admin)."""
    kind = kind.strip().lower()
    if kind not in KINDS:
        raise typer.BadParameter(f"--kind must be one of {', '.join(KINDS)}")
    if kind == "correction" and corrects is None:
        raise typer.BadParameter("--kind correction needs --corrects ID")
    if text == "-":
        text = sys.stdin.read()
    queries = [_parse_query(q) for q in query or ()]
    for p in export or ():
        if not p.is_file():
            raise typer.BadParameter(f"--export {p}: no such file")
    e = actions.log_add(actions.cli_actor(), kind, text, analyst=analyst, shift=shift,
                        refs=ref, queries=queries, exports=list(export or ()),
                        corrects=corrects, log=log)
    _out(e.to_json(), as_json, f"added entry #{e.id} ({e.kind}, shift {e.shift}, "
                               f"by {e.analyst})")


@log_app.command("show")
@uses("log.show")
def log_show(shift: Annotated[str | None, typer.Option(
                 "--shift", "-s", help="Only this shift (default: every shift).")] = None,
             kind: Annotated[str | None, typer.Option("--kind", "-k")] = None,
             analyst: Annotated[str | None, typer.Option()] = None,
             log: LogOpt = None, store: OtherStoreOpt = None, as_json: JsonOpt = False):
    """The entries, oldest first."""
    if kind and kind not in KINDS:
        raise typer.BadParameter(f"--kind must be one of {', '.join(KINDS)}")
    found, fixes = actions.log_show(actions.cli_actor(), shift=shift, kind=kind,
                                    analyst=analyst, log=log)
    _out({"entries": [e.to_json() for e in found]}, as_json,
         "\n".join(_entry_text(e, fixes) for e in found) or "no entries")


@log_app.command("shifts")
@uses("log.shifts")
def log_shifts(log: LogOpt = None, store: OtherStoreOpt = None, as_json: JsonOpt = False):
    """The shifts in the log, most recent first, with their number of entries."""
    found = actions.log_shifts(actions.cli_actor(), log=log)
    _out({"shifts": [{"shift": s, "entries": n} for s, n in found]}, as_json,
         "\n".join(f"{n:>6}  {s}" for s, n in found) or "no entries")


@log_app.command("verify")
@uses("log.verify")
def log_verify(anchor: Annotated[list[str] | None, typer.Option(
                   "--expect", "--anchor",
                   help="A chain head written down earlier (both are printed on every "
                   "handover report): ID:HASH for the duty log, audit:ID:HASH for the audit "
                   "trail; checks the log still holds it. Repeatable.")] = None,
               log: LogOpt = None, store: OtherStoreOpt = None, as_json: JsonOpt = False):
    """Check both chains, the duty log's and the audit trail's: exit 1 and one line per
    edited, removed or moved entry or audit record, and per chain shorter than its
    anchor (truncated)."""
    mark, audit_mark = _expected(anchor or [])
    res, trail = actions.log_verify(actions.cli_actor(), anchor=mark, audit_expect=audit_mark,
                                    log=log)
    data = {"ok": res.ok and trail.ok, "entries": res.entries,
            "head": {"id": res.head_id, "hash": res.head_hash},
            "problems": [p.to_json() for p in res.problems], "audit": trail.to_json()}
    lines = [_one_line(p.message) for p in res.problems + trail.problems]
    if not lines:
        _out(data, as_json, "\n".join(
            [f"ok: {res.entries} entries, chain head #{res.head_id or 0} {res.head_hash}",
             f"ok: {trail.records} audit records, chain head #{trail.head_id or 0} "
             f"{trail.head_hash}"] + [f"note: {_one_line(n)}" for n in trail.notes]))
        return
    _out(data, as_json, "\n".join(lines))
    # An exception, not typer.Exit: under standalone_mode=False click returns an
    # Exit's code instead of raising it, and the caller's main() may drop it.
    if not res.ok:
        extra = f" (and the audit trail: {len(trail.problems)})" if not trail.ok else ""
        raise LogError(f"the duty log failed verification: {len(res.problems)} problem(s)"
                       + extra)
    raise LogError(f"the audit trail failed verification: {len(trail.problems)} problem(s)")


def _expected(heads: list[str]) -> tuple[tuple[int, str] | None, tuple[int, str] | None]:
    """--expect values: (the duty log's head, the audit trail's head)."""
    found: dict[str, tuple[int, str]] = {}
    for text in heads:
        chain, _, rest = text.strip().partition(":")
        if chain.lower() in ("audit", "log", "entries"):
            key = "audit" if chain.lower() == "audit" else "log"
        else:
            key, rest = "log", text
        if key in found:
            raise typer.BadParameter(f"--expect: two heads for the {key} chain")
        try:
            found[key] = dutylog.parse_anchor(rest)
        except LogError as e:
            raise typer.BadParameter(f"--expect {text!r}: {e}") from None
    return found.get("log"), found.get("audit")


@log_app.command("reanchor")
@uses("log.reanchor")
def log_reanchor(yes: Annotated[bool, typer.Option(
                     "--yes", help="Confirm: anchor the chains as they stand now.")] = False,
                 log: LogOpt = None, store: OtherStoreOpt = None, as_json: JsonOpt = False):
    """Anchor both chains as they stand now, after a reported truncation was looked
    into (admin). The anchor replaced is kept in the audit trail."""
    if not yes:
        raise typer.BadParameter("anchoring the chains as they stand accepts any truncation "
                                 "verify reports: give --yes")
    done = actions.log_reanchor(actions.cli_actor(), log=log)
    new = done["new"]
    _out(done, as_json, f"anchored {new['entries']['count']} entries and "
                        f"{new['audit']['count']} audit records as they stand")


@log_app.command("handover")
@uses("log.handover")
def log_handover(output: Annotated[Path, typer.Option(
                     "-o", "--output", help="Report file: .md for Markdown, .html for HTML.")],
                 shift: ShiftOpt = None, log: LogOpt = None,
                 store: OtherStoreOpt = None, as_json: JsonOpt = False):
    """Write the handover report of a shift, with the chain's verification."""
    fmt = handover.HANDOVER_FORMATS.get(output.suffix.lower())
    if fmt is None:
        raise typer.BadParameter("-o FILE must end in .md or .html")
    shift = shift or dutylog.current_shift()
    done = actions.log_handover(actions.cli_actor(), shift, output, log=log)
    n, res, digest = done["entries"], done["verification"], done
    if not res.ok:
        typer.echo(f"warning: the duty log failed verification ({len(res.problems)} "
                   "problem(s)); the report lists them", err=True)
    _out({"file": str(output), "format": fmt, "shift": shift, "entries": n, "chain_ok": res.ok,
          "sha256": digest["sha256"]}, as_json,
         f"wrote the handover of shift {shift} ({n} entries) to {output}")


@log_app.command("audit")
@uses("log.audit")
def log_audit(action: Annotated[str | None, typer.Option(
                  "--action", "-a", help=f"One of {', '.join(audit.ACTIONS)}.")] = None,
              who: Annotated[str | None, typer.Option()] = None,
              since: Annotated[str | None, typer.Option(help="From this UTC date/time.")] = None,
              until: Annotated[str | None, typer.Option(help="To this UTC date/time.")] = None,
              limit: Annotated[int | None, typer.Option(help="Only the newest N.")] = None,
              csv_file: Annotated[Path | None, typer.Option(
                  "--csv", help="Write the records to this CSV file.")] = None,
              log: LogOpt = None, store: OtherStoreOpt = None, as_json: JsonOpt = False):
    """The audit trail: searches, queries, exports, merges, loads (admin)."""
    if action and action not in audit.ACTIONS:
        raise typer.BadParameter(f"--action must be one of {', '.join(audit.ACTIONS)}")
    found = actions.log_audit(actions.cli_actor(), action=action, who=who, since=since,
                              until=until, limit=limit, log=log)
    if csv_file is not None:
        audit.write_csv(found, csv_file)
    text = "\n".join(f"{r.id:>6}  {r.time}  {r.who:<12} {r.action:<8} "
                     f"{json.dumps(r.details, ensure_ascii=False, sort_keys=True)}"
                     for r in found) or "no audit records"
    if csv_file is not None:
        text = f"wrote {len(found)} records to {csv_file}"
    _out({"records": [r.to_json() for r in found],
          **({"csv": str(csv_file)} if csv_file else {})}, as_json, text)


# --- standalone -----------------------------------------------------------------------
app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="customs-graph duty log, audit trail and users.")
app.add_typer(log_app, name="log")
app.add_typer(users_app, name="users")


def main(argv: list[str] | None = None) -> None:
    run(app, argv)


if __name__ == "__main__":
    main()
