"""`customs-graph users`: users and roles (viewer, analyst, admin), through the door."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from graph import actions
from graph.cli.common import JsonOpt, uses
from graph.cli.common import out as _out
from graph.records import users

users_app = typer.Typer(no_args_is_help=True, help="Users and roles (viewer, analyst, admin).")


def _new_password(given: str | None) -> str:
    if given:
        return given
    env = os.environ.get(users.ENV_NEW_PASSWORD)
    if env:
        return env
    if not sys.stdin.isatty():  # a script: never hang on a prompt
        raise users.AuthError(f"no password: give --password or set {users.ENV_NEW_PASSWORD}")
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


PasswordOpt = Annotated[str | None, typer.Option(
    help=f"The password (else ${users.ENV_NEW_PASSWORD}, else asked; a password on the "
    "command line may stay in the shell history).")]


@users_app.command("add")
@uses("users.add")
def users_add(name: Annotated[str, typer.Argument(
                  help="User name; with --oidc the e-mail address (or subject id) the "
                  "identity provider signs in.")],
              role: Annotated[str, typer.Option(help=f"One of {', '.join(users.ROLES)}.")],
              password: PasswordOpt = None,
              oidc: Annotated[bool, typer.Option(
                  "--oidc", help="Signs in through the organisation's identity provider "
                  "(the app's [auth] settings); no password.")] = False,
              as_json: JsonOpt = False):
    """Add a user (admin; while there is none, the local user is admin)."""
    if role.strip().lower() not in users.ROLES:
        raise typer.BadParameter(f"--role must be one of {', '.join(users.ROLES)}")
    if oidc and password:
        raise typer.BadParameter("--oidc users have no password: drop --password")
    u = actions.users_add(actions.cli_actor(), name, role,
                          None if oidc else (lambda: _new_password(password)), oidc=oidc)
    _out(u.to_json(), as_json, f"added {u.name} ({u.role}"
                               f"{', identity provider' if oidc else ''})")


@users_app.command("remove")
@uses("users.remove")
def users_remove(name: str, as_json: JsonOpt = False):
    """Remove a user (admin)."""
    actions.users_remove(actions.cli_actor(), name)
    _out({"removed": name}, as_json, f"removed {name}")


@users_app.command("role")
@uses("users.role")
def users_role(name: str, role: str, as_json: JsonOpt = False):
    """Change a user's role (admin)."""
    if role.strip().lower() not in users.ROLES:
        raise typer.BadParameter(f"ROLE must be one of {', '.join(users.ROLES)}")
    u = actions.users_role(actions.cli_actor(), name, role)
    _out(u.to_json(), as_json, f"{u.name} is now {u.role}")


@users_app.command("password")
@uses("users.password")
def users_password(name: str, password: PasswordOpt = None, as_json: JsonOpt = False):
    """Set a user's password (admin)."""
    actions.users_password(actions.cli_actor(), name, lambda: _new_password(password))
    _out({"name": name, "password": "changed"}, as_json, f"changed the password of {name}")


def _set_disabled(name: str, disabled: bool, as_json: bool) -> None:
    door = actions.users_disable if disabled else actions.users_enable
    u = door(actions.cli_actor(), name)
    _out({**u.to_json(), "disabled": disabled}, as_json,
         f"{u.name} is {'disabled' if disabled else 'enabled'}")


@users_app.command("disable")
@uses("users.disable")
def users_disable(name: str, as_json: JsonOpt = False):
    """Refuse a user's sign-in, keeping the user (admin)."""
    _set_disabled(name, True, as_json)


@users_app.command("enable")
@uses("users.enable")
def users_enable(name: str, as_json: JsonOpt = False):
    """Let a disabled user sign in again (admin)."""
    _set_disabled(name, False, as_json)


@users_app.command("single-user")
@uses("users.single_user")
def users_single_user(state: Annotated[str, typer.Argument(help="on or off.")],
                      as_json: JsonOpt = False):
    """Turn single-user mode on or off (admin; in single-user mode the local user is
    one). Recorded in the users file and the audit trail."""
    if state.strip().lower() not in ("on", "off"):
        raise typer.BadParameter("STATE must be on or off")
    done = actions.users_single_user(actions.cli_actor(), state.strip().lower() == "on")
    _out({"single_user_mode": done["on"], "by": done["by"], "time": done["time"]}, as_json,
         f"single-user mode is {'on' if done['on'] else 'off'} (by {done['by']})")


@users_app.command("init")
@uses("users.init")
def users_init(name: str, password: PasswordOpt = None, as_json: JsonOpt = False):
    """The first admin, where the installation forbids single-user mode and no user
    exists yet (run by whoever installed it; recorded as the OS user)."""
    u = actions.users_init(users.local_user(), name, lambda: _new_password(password))
    _out(u.to_json(), as_json, f"added {u.name} (admin), the first user")


@users_app.command("list")
@uses("users.list")
def users_list(as_json: JsonOpt = False):
    """The users, their roles, how they sign in (admin)."""
    found = actions.users_list(actions.cli_actor())

    def how(u: dict) -> str:
        return "oidc" if u.get("oidc") else "password"

    text = "\n".join(f"{n:<32} {u.get('role', 'viewer'):<8} {how(u):<8}"
                     f"{'  disabled' if u.get('disabled') else ''}".rstrip()
                     for n, u in found.items()) or (
        "no users: single-user mode (the local user is admin)")
    _out({"users": [{"name": n, "role": u.get("role", "viewer"), "sign_in": how(u),
                     "disabled": bool(u.get("disabled"))} for n, u in found.items()],
          "single_user_mode": users.single_user()}, as_json, text)


@users_app.command("whoami")
@uses("users.whoami")
def users_whoami(as_json: JsonOpt = False):
    """Who the command line runs as, and what that role may do."""
    me = actions.users_whoami(actions.cli_actor())
    allowed = [a for a in users.PERMISSIONS if me.can(a)]
    _out({**me.to_json(), "may": allowed}, as_json,
         f"{me.name} ({me.role}{', single-user mode' if me.local else ''}): "
         f"{', '.join(allowed)}")
