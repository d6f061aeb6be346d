"""Investigations through the door: list, open, history, save, duplicate, rename,
share, change status, notes, posting a note to the duty log, and exports.

Who may read one: its owner, the users it is shared with, and admins; a viewer
gets it masked by the door's Masker. Who may change one: its owner, analysts it
is shared with, and admins ("investigate" permission); sharing, renaming and
the status are the owner's (or an admin's).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from graph.actions.core import action
from graph.core.errors import NotFound
from graph.core.model import Subgraph
from graph.records import investigations as inv_mod
from graph.records import users
from graph.records.clock import now_utc
from graph.records.investigations import (
    MAX_NAME,
    MAX_NOTE,
    Chart,
    Investigation,
    InvestigationError,
    Note,
    check_chart,
    check_status,
    clean_text,
    records_for,
)


def _admin(ctx) -> bool:
    return ctx.actor.role == "admin"


def _readable(ctx, inv: Investigation) -> Investigation:
    if not inv.can_read(ctx.actor.name, admin=_admin(ctx)):
        # The same answer as for an id that does not exist: no probing for names.
        raise users.NotAllowed(f"{ctx.actor.name} may not open investigation {inv.id}: "
                              "it is not shared with them")
    return inv


def _writable(ctx, inv: Investigation, *, owner_only: bool = False) -> Investigation:
    me = ctx.actor.name
    if _admin(ctx) or me == inv.owner or (not owner_only and me in inv.shared):
        return inv
    who = "its owner" if owner_only else "its owner and the analysts it is shared with"
    raise users.NotAllowed(f"{me} may not change investigation {inv.id}: only {who} may")


def _note(ctx, inv: Investigation, version: int | None = None):
    ctx.note(id=inv.id, name=inv.name, version=version or inv.version)


def mask(inv: Investigation, m) -> Investigation:
    """The investigation as the masker's role may see it: the chart's nodes and links
    masked, personal keys pseudonymised wherever they appear (marks, notes, groups)."""
    if not m.active:
        return inv
    c = inv.chart

    def ref(r):
        if r and "|" in r:  # a link: source|TYPE|target
            a, t, b = r.split("|", 2)
            return f"{m.ref(a)}|{t}|{m.ref(b)}"
        return m.ref(r) if r else r

    chart = Chart(m.subgraph(c.sub), {ref(k): v for k, v in c.positions.items()},
                  {ref(p) for p in c.pinned}, {ref(p) for p in c.hidden}, ref(c.focus),
                  [inv_mod.Group(ref(g.anchor), g.label, tuple(ref(x) for x in g.members))
                   for g in c.groups], c.window)
    notes = tuple(replace(n, target=ref(n.target), text=m.text(n.text)) for n in inv.notes)
    return replace(inv, chart=chart, notes=notes)


def _load(ctx, recs, inv_id: str, version: int | None = None) -> Investigation:
    return _readable(ctx, recs.get(inv_id, version))


def _commit(ctx, recs, inv: Investigation, change: str, *, expect: int) -> Investigation:
    done = recs.save(replace(inv, by=ctx.actor.name, change=change), expect=expect)
    _note(ctx, done)
    ctx.note(change=change)
    return done


# --- reading -----------------------------------------------------------------------------
@action("investigation.list", "explore", audit="investigation", mask=False)
def investigation_list(ctx, store, *, status: str | None = None) -> list[dict]:
    """The investigations the actor may open (an admin: all), newest change first."""
    ctx.note(what="list")
    with ctx.store(store) as s, records_for(s) as recs:
        found = [i for i in recs.all() if i.can_read(ctx.actor.name, admin=_admin(ctx))]
    if status:
        found = [i for i in found if i.status == check_status(status)]
    ctx.note(found=len(found))
    return [ctx.masker.value(i.summary()) for i in found]


@action("investigation.open", "explore", audit="investigation", mask=False)
def investigation_open(ctx, store, inv_id: str, version: int | None = None) -> Investigation:
    """One investigation (its latest version, or the one asked for), masked for the role."""
    ctx.note(what="open", id=inv_id, version=version)
    with ctx.store(store) as s, records_for(s) as recs:
        inv = _load(ctx, recs, inv_id, version)
    _note(ctx, inv)
    return mask(inv, ctx.masker)


@action("investigation.versions", "explore", audit="investigation", mask=False)
def investigation_versions(ctx, store, inv_id: str) -> list[dict]:
    """The versions of an investigation: when, who, what changed."""
    ctx.note(what="versions", id=inv_id)
    with ctx.store(store) as s, records_for(s) as recs:
        _load(ctx, recs, inv_id)
        return [v.to_json() for v in recs.versions(inv_id)]


# --- changing ----------------------------------------------------------------------------
@action("investigation.save", "investigate", audit="investigation", mask=False)
def investigation_save(ctx, store, chart: Chart, *, name: str | None = None,
                       inv_id: str | None = None, expect: int | None = None) -> Investigation:
    """Save the working graph: a new investigation (no id), or its next version
    (`expect`: the version the chart was opened from; a newer one is a conflict)."""
    chart = check_chart(chart)
    with ctx.store(store) as s, records_for(s) as recs:
        if inv_id is None:
            ctx.note(what="create")
            inv = Investigation(inv_mod.new_id(), 0, clean_text(name, "name", MAX_NAME),
                                ctx.actor.name, (), "open", chart, (), "", ctx.actor.name, "",
                                now_utc())
            return _commit(ctx, recs, inv, "created", expect=0)
        ctx.note(what="save", id=inv_id)
        inv = _writable(ctx, _load(ctx, recs, inv_id))
        if inv.status == "closed":
            raise InvestigationError(f"investigation {inv.id} is closed: duplicate it to go on")
        return _commit(ctx, recs, replace(inv, chart=chart), "chart saved",
                       expect=inv.version if expect is None else int(expect))


@action("investigation.duplicate", "investigate", audit="investigation", mask=False)
def investigation_duplicate(ctx, store, inv_id: str, name: str,
                            version: int | None = None) -> Investigation:
    """A new investigation, owned by the actor, from one the actor may open."""
    ctx.note(what="duplicate", source=inv_id)
    with ctx.store(store) as s, records_for(s) as recs:
        src = _load(ctx, recs, inv_id, version)
        inv = replace(src, id=inv_mod.new_id(), name=clean_text(name, "name", MAX_NAME),
                      owner=ctx.actor.name, shared=(), status="open", created=now_utc())
        return _commit(ctx, recs, inv, f"duplicated from {src.id} v{src.version}", expect=0)


@action("investigation.rename", "investigate", audit="investigation", mask=False)
def investigation_rename(ctx, store, inv_id: str, name: str) -> Investigation:
    """Give an investigation a new name (its owner)."""
    ctx.note(what="rename", id=inv_id)
    with ctx.store(store) as s, records_for(s) as recs:
        inv = _writable(ctx, _load(ctx, recs, inv_id), owner_only=True)
        return _commit(ctx, recs, replace(inv, name=clean_text(name, "name", MAX_NAME)),
                       "renamed", expect=inv.version)


def _known_user(name: str) -> str:
    name = clean_text(name, "user name", 200)
    us = users.UserStore()
    try:
        us.get(name)
    except users.AuthError:
        raise NotFound(f"no user {name!r} to share with") from None
    return name


@action("investigation.share", "investigate", audit="investigation", mask=False)
def investigation_share(ctx, store, inv_id: str, add=(), remove=()) -> Investigation:
    """Share an investigation with users, or stop sharing it (its owner)."""
    ctx.note(what="share", id=inv_id, add=list(add), remove=list(remove))
    with ctx.store(store) as s, records_for(s) as recs:
        inv = _writable(ctx, _load(ctx, recs, inv_id), owner_only=True)
        shared = [u for u in inv.shared if u not in set(remove)]
        shared += [u for u in map(_known_user, add) if u not in shared and u != inv.owner]
        return _commit(ctx, recs, replace(inv, shared=tuple(shared)),
                       "shared with " + (", ".join(shared) or "nobody"), expect=inv.version)


@action("investigation.status", "investigate", audit="investigation", mask=False)
def investigation_status(ctx, store, inv_id: str, status: str) -> Investigation:
    """Open, hand over or close an investigation (its owner)."""
    status = check_status(status)
    ctx.note(what="status", id=inv_id, status=status)
    with ctx.store(store) as s, records_for(s) as recs:
        inv = _writable(ctx, _load(ctx, recs, inv_id), owner_only=True)
        if inv.status == status:
            return inv
        return _commit(ctx, recs, replace(inv, status=status), status, expect=inv.version)


@action("investigation.note", "investigate", audit="investigation", mask=False)
def investigation_note(ctx, store, inv_id: str, text: str, target: str = "",
                       expect: int | None = None) -> Investigation:
    """A note on the investigation, one of its nodes or one of its links."""
    ctx.note(what="note", id=inv_id, target=target)
    text = clean_text(text, "note", MAX_NOTE)
    with ctx.store(store) as s, records_for(s) as recs:
        inv = _writable(ctx, _load(ctx, recs, inv_id))
        if target not in inv.targets():
            raise NotFound(f"{target!r} is not on the chart of investigation {inv.id}")
        note = Note(f"n{len(inv.notes) + 1}", target, text, ctx.actor.name, now_utc())
        return _commit(ctx, recs, replace(inv, notes=(*inv.notes, note)),
                       f"note {note.id}" + (f" on {target}" if target else ""),
                       expect=inv.version if expect is None else int(expect))


def note_refs(target: str) -> list[str]:
    if not target:
        return []
    return target.split("|")[0::2] if "|" in target else [target]


def link_text(inv: Investigation) -> str:
    return (f"investigation \"{inv.name}\" ({inv.id}, version {inv.version}); open it: "
            f"customs-graph investigation show {inv.id}, or the app's Investigations page "
            f"(?id={inv.id})")


@action("investigation.post", "log_write", audit="log_entry", mask=False)
def investigation_post(ctx, store, inv_id: str, note_id: str, *, log=None):
    """Post a note to the duty log, linking back to the investigation and its refs."""
    from graph.records.dutylog import DutyLog

    with ctx.store(store) as s, records_for(s) as recs:
        inv = _load(ctx, recs, inv_id)
    note = next((n for n in inv.notes if n.id == note_id), None)
    if note is None:
        raise NotFound(f"no note {note_id!r} in investigation {inv.id}")
    with DutyLog(log) as dl:
        e = dl.add("finding", f"{note.text}\n\n— note {note.id} of {link_text(inv)}",
                   analyst=ctx.actor.name, refs=note_refs(note.target))
    ctx.note(id=e.id, kind=e.kind, refs=list(e.refs), investigation=inv.id, note=note.id)
    return e


# --- out ---------------------------------------------------------------------------------
EXPORT_FORMATS = ("json", "anx", "html", "pdf", "svg")


def render(inv: Investigation, fmt: str, **kw) -> bytes:
    """An investigation as a file's bytes."""
    import json

    if fmt == "json":
        return (json.dumps(inv.to_json(), ensure_ascii=False, indent=2) + "\n").encode()
    if fmt == "anx":
        from graph.interchange import anx

        return anx.chart_bytes(inv)
    if fmt in ("html", "pdf", "svg"):
        from graph.interchange import report

        if fmt == "svg":
            return report.chart_svg(inv).encode()
        page = report.report_html(inv, **kw)
        return page.encode() if fmt == "html" else report.pdf_bytes(page)
    raise InvestigationError(f"unknown format {fmt!r}: one of {', '.join(EXPORT_FORMATS)}")


@action("investigation.export", "export", audit="export", mask=False)
def investigation_export(ctx, store, inv_id: str, fmt: str, output: Path | None = None, *,
                         version: int | None = None, paths=(), case=None) -> bytes:
    """Write an investigation as JSON, an i2 chart (ANX), the investigator's report
    (HTML, PDF) or its chart (SVG); bytes back, and to `output` when given."""
    import hashlib

    ctx.note(what="investigation", id=inv_id, format=fmt)
    with ctx.store(store) as s, records_for(s) as recs:
        inv = _load(ctx, recs, inv_id, version)
        found = []
        for a, b in paths or ():
            found += s.paths(a, b, max_hops=4, limit=3)
        if fmt in ("html", "pdf") and case is None:
            case = _case_package(inv, s.url, output)
    data = render(inv, fmt, paths=found, case=case)
    if output is not None:
        Path(output).write_bytes(data)
    ctx.note(version=inv.version, nodes=len(inv.chart.sub.nodes), bytes=len(data),
             sha256=hashlib.sha256(data).hexdigest(), **({"file": Path(output).name}
                                                         if output else {}))
    return data


def _case_package(inv: Investigation, store_url: str, output: Path | None) -> dict:
    """The case package of the chart, beside the report (its manifest goes in it)."""
    import tempfile

    from graph.interchange import case

    queries = [{"name": "investigation", "parameters": {"id": inv.id, "version": inv.version}}]
    if output is not None:
        target = Path(output).with_suffix(".case.zip")
        manifest = case.build(inv.chart.sub, target, store_url=store_url, queries=queries,
                              title=inv.name)
        return {**manifest, "file": target.name}
    with tempfile.TemporaryDirectory(prefix="case-") as tmp:
        manifest = case.build(inv.chart.sub, Path(tmp) / "case.zip", store_url=store_url,
                              queries=queries, title=inv.name)
    return {**manifest, "file": f"investigation-{inv.id}-v{inv.version}.case.zip"}


def chart_of(sub: Subgraph, **kw) -> Chart:
    return Chart(Subgraph(dict(sub.nodes), dict(sub.edges), dict(sub.left_out),
                          {k: dict(v) for k, v in sub.left_out_by_type.items()}), **kw)
