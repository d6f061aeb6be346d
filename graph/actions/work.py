"""Actions that write, export, load or screen: exports and case packages, loads,
the offline Neo4j import, benchmarks, entity resolution, watchlist screening, and
serving the app."""

from __future__ import annotations

import hashlib
from pathlib import Path

from graph.actions.core import action
from graph.analysis import resolve, screen
from graph.core.errors import DataError
from graph.core.store import DEFAULT_CAP
from graph.interchange import case
from graph.interchange import export as exporter
from graph.records import watchlist as stored


# --- exports ---------------------------------------------------------------------------
@action("export", "export")
def export(ctx, store, ref: str, hops: int, fmt: str, output: Path, cap: int = DEFAULT_CAP):
    """Export the neighbourhood of an entity to a file."""
    from graph.records.dutylog import file_digest

    ctx.note(format=fmt, ref=ref, hops=hops)
    with ctx.store(store) as s:
        sub = s.neighbours(ref, hops=hops, cap=cap)
    exporter.write(sub, fmt, output)
    ctx.note(nodes=len(sub.nodes), edges=len(sub.edges), **file_digest(output))
    return sub


@action("export.download", "export", audit="export")
def export_download(ctx, what: str, fmt: str, file: str, make, **details) -> bytes:
    """A download the app builds (`make()` -> bytes): exports, tables, reports."""
    data = make()
    ctx.note(what=what, format=fmt, file=file, sha256=hashlib.sha256(data).hexdigest(),
             bytes=len(data), **details)
    return data


@action("case", "export", audit="export")
def case_package(ctx, store, ref: str, hops: int, output: Path, cap: int = DEFAULT_CAP,
                 title: str = "") -> dict:
    """A case package: the neighbourhood in every format, its query, a manifest."""
    from graph.records.dutylog import file_digest

    ctx.note(what="case", ref=ref, hops=hops)
    with ctx.store(store) as s:
        sub = s.neighbours(ref, hops=hops, cap=cap)
        url = s.url
    queries = [{"name": "neighbours", "parameters": {"ref": ref, "hops": hops, "cap": cap}}]
    manifest = case.build(sub, output, store_url=url, queries=queries,
                          title=title or f"Neighbourhood of {ref}, {hops} hops")
    ctx.note(nodes=manifest["nodes"], edges=manifest["edges"], **file_digest(output))
    return manifest


@action("case.verify", "use", audit="verify")
def case_verify(ctx, package: Path) -> list[str]:
    """Check a case package against its manifest (a local file: any signed-in user)."""
    problems = case.verify(package)
    ctx.note(what="case", file=str(package), ok=not problems, problems=len(problems))
    return problems


# --- loading ---------------------------------------------------------------------------
@action("load", "load")
def load(ctx, store, folder: Path, rejects=None, progress: bool = True, parallel=None):
    """Load a folder of contract CSV files."""
    from loaders.load import load_folder

    ctx.note(folder=str(folder))
    with ctx.store(store) as s:
        report = load_folder(s, folder, rejects_file=rejects, progress=progress,
                             parallel=parallel)
        ctx.note(store=s.url)
    ctx.note(rows=report.rows, rejected=len(report.rejects),
             rejects_file=str(report.rejects_file))
    return report


@action("index.rebuild", "load", audit="load")
def index_rebuild(ctx, store) -> int:
    """Rebuild the search index from the stored nodes (it is kept right by every
    load and merge; this is for a store changed by other means)."""
    ctx.note(what="search index")
    with ctx.store(store) as s:
        n = s.rebuild_search_index()
        ctx.note(store=s.url, entries=n)
    return n


@action("neo4j-import", "load", audit="load")
def neo4j_import(ctx, work):
    """The offline import of an empty Neo4j database (`work()` runs it)."""
    ctx.note(what="neo4j-import")
    return work(ctx)


@action("bench", "bench")
def bench(ctx, persons: int, stores: list[str], **kw) -> dict:
    """Generate a data set and load it into fresh or emptied stores, timing it."""
    from graph.bench.harness import run_bench

    ctx.note(persons=persons, stores=list(stores), existing=bool(kw.get("existing")))
    return run_bench(persons, list(stores), **kw)


# --- entity resolution -----------------------------------------------------------------
@action("resolve.list", "merge", audit="read")
def resolve_list(ctx, store, labels, min_score=None) -> list:
    """Proposed duplicates, best first, with evidence."""
    ctx.note(what="proposals", labels=list(labels))
    with ctx.store(store) as s:
        found = resolve.propose(s, labels=labels, min_score=min_score)
    ctx.note(proposals=len(found))
    return found


@action("resolve.accept", "merge", audit="merge")
def resolve_accept(ctx, store, a: str, b: str, score: float | None = None,
                   by: str | None = None) -> dict:
    """Record that two entities are one (a SAME_AS link), decided by the actor (in
    single-user mode `by` may name who decided)."""
    from graph.records.users import AuthError

    ctx.note(refs=[a, b], decision="accepted")
    by = (by or "").strip() or ctx.actor.name
    if by != ctx.actor.name and not ctx.actor.local:
        raise AuthError(f"signed in as {ctx.actor.name}: a merge cannot be decided in "
                        f"another's name ({by})")
    with ctx.store(store) as s:
        if score is None:
            score, _ = resolve.score_pair(s, a, b)
        result = resolve.accept(s, a, b, score, by)
    ctx.note(score=score, created=result.get("created"), decided_by=by)
    if result.get("created"):
        result.update(score=score, decided_by=by)
    return result


@action("resolve.reject", "merge", audit="merge")
def resolve_reject(ctx, a: str, b: str, score: float | None = None) -> None:
    """Record that a proposed pair is not one entity (the app forgets the proposal)."""
    ctx.note(refs=[a, b], decision="rejected", score=score)


@action("resolve.undo", "merge", audit="merge")
def resolve_undo(ctx, store, a: str, b: str) -> int:
    """Remove the SAME_AS link between two entities."""
    ctx.note(refs=[a, b], decision="undone")
    with ctx.store(store) as s:
        removed = resolve.undo(s, a, b)
    ctx.note(removed=removed)
    return removed


# --- screening -------------------------------------------------------------------------
@action("screen", "screen")
def screen_file(ctx, store, watchlist: Path | bytes, name: str = "watchlist.csv",
                min_score=None):
    """Screen a watchlist file (a path, or uploaded bytes) against persons and companies."""
    if isinstance(watchlist, bytes):
        entries, problems = screen.read_watchlist_bytes(watchlist, name)
        ctx.note(watchlist=name, sha256=hashlib.sha256(watchlist).hexdigest())
    else:
        entries, problems = screen.read_watchlist(watchlist)
        ctx.note(watchlist=str(watchlist))
    with ctx.store(store) as s:
        result = screen.screen_watchlist(s, entries, problems, min_score=min_score)
    ctx.note(entries=result.entries, hits=len(result.hits))
    return result


def _screen_stored(ctx, store, min_score=None):
    """Returns (what the stored watchlist is, without its entries, or None; the
    result or None)."""
    kept = stored.load()
    if kept is None:
        ctx.note(watchlist=None)
        return None, None
    problems = [DataError(p["reason"], file=kept.source, line=p["line"], field=p["field"])
                for p in kept.problems]
    ctx.note(watchlist=kept.source, sha256=kept.sha256)
    with ctx.store(store) as s:
        result = screen.screen_watchlist(s, list(kept.entries), problems, min_score=min_score)
    ctx.note(entries=result.entries, hits=len(result.hits))
    return kept.info(), result


@action("screen.stored", stored.PERMISSION, audit="screen")
def screen_stored(ctx, store, min_score=None):
    """Screen with the stored watchlist, every hit in full (someone else's list of
    people: analysts and admins)."""
    return _screen_stored(ctx, store, min_score)


@action("alerts", "explore", audit="screen")
def alerts(ctx, store, min_score=None):
    """The stored watchlist's hits as the Overview's alerts: masked for viewers."""
    return _screen_stored(ctx, store, min_score)


@action("watchlist.save", stored.PERMISSION, audit="watchlist", mask=False)
def watchlist_save(ctx, data: bytes | Path, name: str | None = None):
    """Keep a watchlist in place of the stored one (the alerts screen with it)."""
    try:
        old = stored.load()
    except DataError:
        old = None  # an unreadable stored file is replaced like any other
    if isinstance(data, Path):
        new = stored.save_file(data, ctx.actor.name)
    else:
        new = stored.save(data, name or "watchlist.csv", ctx.actor.name)
    ctx.note(**stored.audit_details(new, old))
    return new


# --- the app ---------------------------------------------------------------------------
@action("serve", "serve", mask=False)
def serve(ctx, host: str, port: int, network_single_user: bool = False) -> None:
    """Start the app's server (the caller starts it once allowed: the record is
    written before it serves)."""
    ctx.note(host=host, port=port, network_single_user=network_single_user)
