"""The door every action goes through (DESIGN.md, "One door").

    @action("search", "explore", audit="search")
    def search(ctx, store, text, ...): ...

    actions.search(actor, store, text, ...)

The call refuses when there is no actor (users exist and nobody signed in) or
the actor's role lacks the permission (a key of graph.records.users.PERMISSIONS), runs
the body, masks the returned value for the role (graph.actions.masking) and
writes ONE audit record with the outcome (allowed, refused or failed, with the
error's one line) and whatever the body noted with `ctx.note(...)`. Refusals and
failures are recorded, then raised again. Callers (the CLI, the app) check
nothing themselves.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from graph.actions.masking import Masker
from graph.core.store import DEFAULT_ROW_LIMIT, DEFAULT_TIMEOUT_S, Store
from graph.core.stores import open_store
from graph.records import audit, users

MAX_TIMEOUT_S = 120.0
MAX_ROWS = 100_000


@dataclass(frozen=True)
class Action:
    name: str
    permission: str  # a key of graph.records.users.PERMISSIONS
    summary: str
    audit: str  # the graph.records.audit.ACTIONS key its records carry
    mask: bool = True  # whether the result is masked for the role


ACTIONS: dict[str, Action] = {}


@dataclass(frozen=True)
class Nobody:
    """No valid sign-in: why it failed, and the name the environment claimed (kept
    in the record's details, never as who: nobody was signed in)."""

    name: str
    reason: str
    claimed: str = ""


def cli_actor() -> users.User | Nobody:
    """Who runs this command (graph.records.users.cli_user), or Nobody with the reason."""
    try:
        return users.cli_user()
    except users.AuthError as e:
        import os

        return Nobody("?", str(e), (os.environ.get(users.ENV_USER) or "").strip())


def query_limits(role: str, limit: int | None, timeout_s: float | None) -> tuple[int, float]:
    """The row limit and timeout an analyst's query runs with: never above the
    ceiling, and a viewer never above the defaults. The one place to read an
    admin-set ceiling from later."""
    limit = DEFAULT_ROW_LIMIT if limit is None else int(limit)
    timeout_s = DEFAULT_TIMEOUT_S if timeout_s is None else float(timeout_s)
    most_rows, most_s = MAX_ROWS, MAX_TIMEOUT_S
    if role not in ("analyst", "admin"):
        most_rows, most_s = DEFAULT_ROW_LIMIT, DEFAULT_TIMEOUT_S
    return max(1, min(limit, most_rows)), max(0.1, min(timeout_s, most_s))


@dataclass
class Ctx:
    """What an action's body gets: who, the masker, and a place for its audit details."""

    actor: users.User
    action: Action
    masker: Masker
    where: str = "cli"
    details: dict = field(default_factory=dict)
    audit_action: str | None = None  # the body may record under another audit action

    @property
    def role(self) -> str:
        return self.actor.role

    @property
    def masks(self) -> bool:
        return self.masker.active

    def note(self, **details) -> None:
        self.details.update(details)

    def mask(self, value):
        return self.masker.value(value)

    def limits(self, limit: int | None, timeout_s: float | None) -> tuple[int, float]:
        return query_limits(self.role, limit, timeout_s)

    @contextlib.contextmanager
    def store(self, store: Store | str | None) -> Iterator[Store]:
        """An open store: the caller's (kept open) or opened from a URL (closed after)."""
        if isinstance(store, Store):
            yield store
            return
        with open_store(store) as s:
            yield s


def _one_line(e: BaseException) -> str:
    text = " ".join(str(e).split()) or type(e).__name__
    return text if isinstance(e, Exception) and str(e) else f"{type(e).__name__}: {text}"


RECORDS_WRITTEN = [0]  # records this process wrote through the door (the CLI's safety net)


def _record(act: Action, who: str, where: str, details: dict, outcome: str,
            error: BaseException | None = None, ctx: Ctx | None = None) -> None:
    data = {**details, "action": act.name, "outcome": outcome, "where": where}
    if error is not None:
        data["error"] = _one_line(error)
    # Always the installation's own trail: no option of a command moves it.
    audit.record((ctx and ctx.audit_action) or act.audit, who, data)
    RECORDS_WRITTEN[0] += 1


def record_failed_command(command: str, error: BaseException | str) -> None:
    """A command that failed before it reached the door (bad usage, a bad argument):
    one record, so that no failing command goes unrecorded. Names the command only,
    never its arguments (a password may be one)."""
    import os

    claimed = (os.environ.get(users.ENV_USER) or "").strip()
    text = error if isinstance(error, str) else _one_line(error)
    # Who ran it is the OS account; a name from the environment is only what it claimed.
    audit.record("command", users.local_user_name(), {
        "command": command, "outcome": "failed", "error": " ".join(str(text).split()),
        "where": "cli", **({"claimed": claimed} if claimed else {})})


def _check(actor, act: Action) -> users.User:
    if isinstance(actor, Nobody):
        raise users.AuthError(actor.reason)
    if not isinstance(actor, users.User):
        raise users.AuthError("sign-in required: users are set up")
    return users.require(actor, act.permission)


def action(name: str, permission: str, *, audit: str | None = None, mask: bool = True,
           summary: str | None = None) -> Callable:
    """Register `fn(ctx, ...)` as the action `name`; returns the door to it,
    `door(actor, ...)`, which takes `masker=` and `where=` besides fn's own arguments."""
    if permission not in users.PERMISSIONS:
        raise ValueError(f"{name}: unknown permission {permission!r}")
    audit_name = audit or name
    if audit_name not in _audit_actions():
        raise ValueError(f"{name}: unknown audit action {audit_name!r}")

    def deco(fn: Callable) -> Callable:
        doc = (summary or inspect.getdoc(fn) or name).splitlines()[0]
        act = Action(name, permission, doc, audit_name, mask)
        if name in ACTIONS:
            raise ValueError(f"action {name!r} registered twice")
        ACTIONS[name] = act

        @functools.wraps(fn)
        def door(actor, *args, masker: Masker | None = None, where: str = "cli", **kw):
            who = getattr(actor, "name", None) or "?"
            try:
                user = _check(actor, act)
            except users.AuthError as e:
                claimed = getattr(actor, "claimed", "")
                _record(act, who, where, {"claimed": claimed} if claimed else {}, "refused", e)
                raise
            m = masker if masker is not None else Masker(user.role)
            m.role = user.role
            ctx = Ctx(user, act, m, where)
            args = tuple(m.unref(a) for a in args)
            kw = {k: m.unref(v) for k, v in kw.items()}
            try:
                result = fn(ctx, *args, **kw)
                if act.mask:
                    result = m.value(result)
            except users.NotAllowed as e:  # the action's own access rule (not shared …)
                _record(act, user.name, where, ctx.details, "refused", e, ctx)
                raise
            except BaseException as e:
                _record(act, user.name, where, ctx.details, "failed", e, ctx)
                raise
            _record(act, user.name, where, ctx.details, "allowed", None, ctx)
            return result

        door.action = act
        return door

    return deco


def _audit_actions() -> dict:
    return audit.ACTIONS
