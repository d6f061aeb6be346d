"""The door (graph/actions): every command and every page goes through registered
actions; every action, for every role, is allowed or refused as graph.users.PERMISSIONS
says, masked where it must be, and audited once with its outcome."""

from __future__ import annotations

import ast
import csv
import json
import re
from pathlib import Path

import pytest
import typer

from graph import actions, audit, users
from graph.actions import ACTIONS, Nobody

ROOT = Path(__file__).resolve().parent.parent


# --- structure: nothing escapes the door -------------------------------------------------
def _commands(cmd, path=()):
    """(command path, callback) of every command of the CLI's tree, groups' callbacks too."""
    subs = getattr(cmd, "commands", None)
    if cmd.callback is not None and (subs is None or getattr(cmd, "invoke_without_command",
                                                              False)):
        yield " ".join(path), cmd.callback
    for name, sub in (subs or {}).items():
        yield from _commands(sub, (*path, name))


def cli_commands() -> dict[str, tuple[str, ...]]:
    import graph.cli

    tree = typer.main.get_command(graph.cli.app)
    return {path: getattr(cb, "__actions__", None) for path, cb in _commands(tree)}


def test_every_command_goes_through_registered_actions():
    found = cli_commands()
    assert len(found) >= 30 and "bench" in found and "users add" in found
    unmapped = sorted(p for p, acts in found.items() if not acts)
    assert not unmapped, f"commands not routed through graph/actions: {unmapped}"
    unknown = {p: a for p, acts in found.items() for a in acts if a not in ACTIONS}
    assert not unknown, f"commands naming unregistered actions: {unknown}"


def test_a_new_unmarked_command_is_caught():
    """The check above can fail: a command added without @uses is reported."""
    import graph.cli

    app = typer.Typer()
    app.add_typer(graph.cli.app, name="main")

    @app.command("sneaky")
    def sneaky():
        pass

    tree = typer.main.get_command(app)
    found = {p: getattr(cb, "__actions__", None) for p, cb in _commands(tree)}
    assert found["sneaky"] is None and found["main search"] == ("search",)


def _nav_pages() -> set[str]:
    text = (ROOT / "app.py").read_text(encoding="utf-8")
    return set(re.findall(r'_page\("(\w+)"', text))


def test_every_page_goes_through_registered_actions():
    from ui.pages import PAGE_ACTIONS

    files = {p.stem for p in (ROOT / "ui" / "pages").glob("*.py") if p.stem != "__init__"}
    assert files == _nav_pages(), "every page file is in the navigation and back"
    assert set(PAGE_ACTIONS) == files, f"pages without their actions: {files - set(PAGE_ACTIONS)}"
    unknown = {p: a for p, acts in PAGE_ACTIONS.items() for a in acts if a not in ACTIONS}
    assert not unknown


def _calls(path: Path) -> list[str]:
    """Dotted names of every call in a module (`auth.can`, `users.require`, ...)."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            f = node.func
            parts = []
            while isinstance(f, ast.Attribute):
                parts.append(f.attr)
                f = f.value
            if isinstance(f, ast.Name):
                parts.append(f.id)
            out.append(".".join(reversed(parts)))
    return out


CALL_SITE_CHECKS = {"require", "users.require", "auth.require", "cli_user", "users.cli_user",
                    "audit.record", "auth.record", "_allowed", "_audit", "_audit_user",
                    "_user"}


def test_no_caller_checks_roles_or_writes_the_trail_itself():
    """The CLI and the app are thin callers: no role check and no audit record outside
    the door (the sign-in gate records sign-ins)."""
    callers = [*ROOT.glob("graph/cli*.py"), ROOT / "graph" / "bench.py", *ROOT.glob("ui/*.py"),
               *ROOT.glob("ui/pages/*.py"), ROOT / "app.py"]
    found = {}
    for path in callers:
        bad = [c for c in _calls(path) if c in CALL_SITE_CHECKS]
        if path.name == "auth.py":  # the sign-in gate: who is signed in, and sign-ins
            bad = [c for c in bad if c != "audit.record"]
        if bad:
            found[str(path.relative_to(ROOT))] = bad
    assert not found, f"checks outside the door: {found}"


def test_every_permission_of_an_action_is_in_the_one_table():
    for a in ACTIONS.values():
        assert a.permission in users.PERMISSIONS, a
        assert a.audit in audit.ACTIONS, a


# --- the matrix --------------------------------------------------------------------------
ROLES = ("nobody", "viewer", "analyst", "admin")


def actor(role: str):
    if role == "nobody":
        return Nobody("?", "sign-in required: users are set up, so set CUSTOMS_GRAPH_USER "
                      "and CUSTOMS_GRAPH_PASSWORD")
    return users.User(f"{role}-1", role)


def allowed(role: str, action: str) -> bool:
    return role != "nobody" and users.can(role, ACTIONS[action].permission)


def personal_values(folder: Path) -> set[str]:
    """Every passport number, birth date, phone, e-mail and address of a data set."""
    out = set()
    with open(folder / "persons.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            out.update(row[k] for k in ("date_of_birth", "passport_no", "phone", "email",
                                        "address"))
    with open(folder / "companies.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            out.update(row[k] for k in ("phone", "email", "address"))
    return {v.strip() for v in out if v and len(v.strip()) > 5}


def leaks(value, personal: set[str]) -> list[str]:
    text = json.dumps(value, ensure_ascii=False, default=_plain)
    return sorted(v for v in personal if v in text)


def _plain(v):
    if hasattr(v, "to_json"):
        return v.to_json()
    if hasattr(v, "__dataclass_fields__"):
        return {k: getattr(v, k) for k in v.__dataclass_fields__}
    return str(v)
