"""The duty log, the audit trail and the users, through the door. Records of
these actions go into the duty log file the action works on (the audit trail
lives there)."""

from __future__ import annotations

from pathlib import Path

from graph.actions.core import action
from graph.records import audit, dutylog, handover, users
from graph.records.dutylog import DutyLog


# --- duty log ---------------------------------------------------------------------------
@action("log.add", "log_write", audit="log_entry", mask=False)
def log_add(ctx, kind: str, text: str, *, analyst: str | None = None, shift=None, refs=None,
            queries=(), exports=(), corrects=None, log=None) -> dutylog.Entry:
    """Append an entry to the duty log."""
    if analyst and not ctx.actor.local and analyst.strip() != ctx.actor.name:
        raise users.AuthError(f"signed in as {ctx.actor.name}: entries cannot be written in "
                              f"another analyst's name ({analyst.strip()})")
    with DutyLog(log) as dl:
        e = dl.add(kind if corrects is None else "correction", text,
                   analyst=(analyst or "").strip() or ctx.actor.name, shift=shift, refs=refs,
                   queries=list(queries),
                   exports=[dutylog.file_digest(p) if isinstance(p, (str, Path)) else p
                            for p in exports], corrects=corrects)
    ctx.note(id=e.id, kind=e.kind, refs=list(e.refs), shift=e.shift)
    return e


@action("log.show", "log_read", audit="read", mask=False)
def log_show(ctx, *, shift=None, kind=None, analyst=None, log=None):
    """The duty log's entries and their corrections."""
    ctx.note(what="duty log", shift=shift, kind=kind)
    with DutyLog(log) as dl:
        found = dl.entries(shift=shift, kind=kind, analyst=analyst)
        fixes = dl.corrections()
    ctx.note(entries=len(found))
    return found, fixes


@action("log.shifts", "log_read", audit="read", mask=False)
def log_shifts(ctx, *, log=None) -> list:
    """The shifts in the duty log with their number of entries."""
    ctx.note(what="shifts")
    with DutyLog(log) as dl:
        return dl.shifts()


@action("log.verify", "log_read", audit="verify", mask=False)
def log_verify(ctx, *, anchor=None, audit_expect=None, log=None):
    """Check both chains, the duty log's and the audit trail's (against heads written
    down earlier, when given)."""
    with DutyLog(log) as dl:
        res = dutylog.check(dl, anchor=anchor)
        trail = audit.check(dl, expect=audit_expect)
    # Problems name record ids and what was done to them, never their contents.
    ctx.note(ok=res.ok and trail.ok, entries=res.entries, audit_records=trail.records,
             problems=[p.message for p in res.problems + trail.problems])
    return res, trail


@action("log.handover", "log_read", audit="export", mask=False)
def log_handover(ctx, shift: str, output: Path, *, log=None, store=None) -> dict:
    """Write the handover report of a shift, with the investigations the actor may
    open that were opened, changed or handed over during it (`store`: a Neo4j keeps
    its own)."""
    fmt = handover.HANDOVER_FORMATS.get(Path(output).suffix.lower())
    invs = shift_investigations(ctx, shift, store)
    with DutyLog(log) as dl:
        n = len(dl.entries(shift=shift))
        res = dutylog.check(dl)
        handover.write_handover(dl, shift, output, by=ctx.actor.name, investigations=invs)
    ctx.note(investigations=[i["id"] for i in invs])
    digest = dutylog.file_digest(output)
    ctx.note(what="handover", shift=shift, format=fmt, entries=n, **digest)
    return {"format": fmt, "entries": n, "verification": res, **digest}


def shift_investigations(ctx, shift: str, store=None) -> list[dict]:
    """The investigations of the shift, from where the store keeps them (no store: the
    configured one when it is a Neo4j, else beside the duty log)."""
    from graph.core.stores import default_store_url
    from graph.records.investigations import SqliteRecords, in_shift, records_for

    admin = ctx.actor.role == "admin"
    if store is None and not default_store_url().startswith(("bolt", "neo4j")):
        with SqliteRecords() as recs:
            return in_shift(recs, shift, ctx.actor.name, admin=admin)
    store = store or default_store_url()
    with ctx.store(store) as s, records_for(s) as recs:
        return in_shift(recs, shift, ctx.actor.name, admin=admin)


@action("log.audit", "audit_read", audit="read", mask=False)
def log_audit(ctx, *, action=None, who=None, since=None, until=None, limit=None, log=None):
    """The audit trail's records."""
    ctx.note(what="audit trail", filter_action=action, who=who)
    with DutyLog(log) as dl:
        found = audit.list(action=action, who=who, since=since, until=until, limit=limit,
                           log=dl)
    ctx.note(records=len(found))
    return found


@action("log.reanchor", "audit_read", audit="anchor", mask=False)
def log_reanchor(ctx, *, log=None) -> dict:
    """Anchor both chains as they stand (after a reported truncation was looked into)."""
    from graph.records import anchor

    with DutyLog(log) as dl:
        found = [p.message for p in dutylog.check(dl).problems + audit.check(dl).problems]
        old = anchor.accept(dl.conn, dl.path)
        new = {t: anchor.head(dl.conn, t) for t in anchor.CHAINS}
    ctx.note(old=old.get("chains"), new=new, problems=found)
    return {"old": old.get("chains"), "new": new, "problems": found}


# --- users -------------------------------------------------------------------------------
@action("users.add", "manage_users", audit="user", mask=False)
def users_add(ctx, name: str, role: str, password: str | None = None, *, oidc: bool = False):
    """Add a user (`password`: the text, or a function asking for it once allowed)."""
    ctx.note(change="add", name=name, role=role, **({"oidc": True} if oidc else {}))
    return users.UserStore().add(name, role, password() if callable(password) else password,
                                 oidc=oidc)


@action("users.remove", "manage_users", audit="user", mask=False)
def users_remove(ctx, name: str) -> None:
    """Remove a user."""
    ctx.note(change="remove", name=name)
    users.UserStore().remove(name)


@action("users.role", "manage_users", audit="user", mask=False)
def users_role(ctx, name: str, role: str):
    """Change a user's role."""
    ctx.note(change="role", name=name, role=role)
    return users.UserStore().set_role(name, role)


@action("users.password", "manage_users", audit="user", mask=False)
def users_password(ctx, name: str, password) -> None:
    """Set a user's password (`password`: the text, or a function asking for it)."""
    ctx.note(change="password", name=name)
    if users.UserStore().entries().get(name, {}).get("oidc"):  # refuse before any prompt
        raise users.AuthError(f"{name!r} signs in through the identity provider: it has no "
                              "password here")
    users.UserStore().set_password(name, password() if callable(password) else password)


@action("users.disable", "manage_users", audit="user", mask=False)
def users_disable(ctx, name: str):
    """Refuse a user's sign-in, keeping the user."""
    ctx.note(change="disable", name=name)
    return users.UserStore().set_disabled(name, True)


@action("users.enable", "manage_users", audit="user", mask=False)
def users_enable(ctx, name: str):
    """Let a disabled user sign in again."""
    ctx.note(change="enable", name=name)
    return users.UserStore().set_disabled(name, False)


@action("users.single_user", "manage_users", audit="single_user", mask=False)
def users_single_user(ctx, on: bool) -> dict:
    """Turn single-user mode on or off."""
    ctx.note(on=bool(on), reason="command")
    return users.UserStore().set_single_user(on, ctx.actor.name, record=False)


@action("users.init", "use", audit="user", mask=False)
def users_init(ctx, name: str, password) -> users.User:
    """The first admin where the installation forbids single-user mode (run as the OS
    account: `users.init_admin` refuses once any user exists)."""
    ctx.note(change="add", name=name, role="admin", first_admin=True)
    return users.init_admin(name, password() if callable(password) else password,
                            record=False)


@action("users.list", "manage_users", audit="read", mask=False)
def users_list(ctx) -> dict:
    """The users, their roles and how they sign in."""
    ctx.note(what="users")
    return users.UserStore().entries()


@action("users.whoami", "use", audit="read", mask=False)
def users_whoami(ctx):
    """Who the caller is."""
    ctx.note(what="whoami")
    return ctx.actor
