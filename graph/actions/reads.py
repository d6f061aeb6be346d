"""Reading the graph: search, neighbourhoods, paths, entities, counts, queries,
analytics, risk. Results are masked for the role at the door."""

from __future__ import annotations

from graph.actions.core import action
from graph.analysis import analytics, risk
from graph.core import queries as saved
from graph.core import schema
from graph.core.search import SearchResult
from graph.core.store import DEFAULT_CAP, DEFAULT_ORDER
from graph.records import users


@action("search", "explore")
def search(ctx, store, text: str, labels=None, limit: int = 20,
           offset: int = 0) -> SearchResult:
    """Entities by REF, identifier, key prefix, name or (when nothing else matched)
    a typo-tolerant match, diacritics-blind; each result says why it matched."""
    limit, offset = max(1, int(limit)), max(0, int(offset))
    if ctx.masks:  # no phones, e-mails or addresses: their key is personal data
        labels = [lb.name for lb in schema.LABELS if not users._key_personal(lb)
                  and (not labels or lb.name in labels)]
    with ctx.store(store) as s:
        if not ctx.masks:
            res = s.search_ranked(text, labels=labels, limit=limit, offset=offset)
        else:
            # A hit found only through a personal property (a passport number) is not
            # a viewer's: page over the hits that remain once those are dropped.
            wanted = offset + limit
            got = s.search_ranked(text, labels=labels, limit=wanted * 3 + 20)
            seen = [h for h in got.results if not h.personal_only]
            res = SearchResult(seen[offset:wanted], len(seen),
                               got.truncated or len(seen) > wanted)
    ctx.note(text=text, labels=list(labels or []) if not ctx.masks else "non-personal",
             results=len(res.results), total=res.total)
    return res


@action("neighbours", "explore", audit="read")
def neighbours(ctx, store, ref: str, hops: int = 1, labels=None, rel_types=None,
               cap: int = DEFAULT_CAP, order: str = DEFAULT_ORDER, through_hubs: bool = False):
    """The neighbourhood of an entity; a busy node gives the `cap` neighbours that
    `order` puts first ("risk": linked to a seizure, on the stored watchlist, then the
    most connected); countries, HS codes and customs offices are not stepped through
    unless `through_hubs`."""
    ctx.note(ref=ref, hops=hops, order=order)
    with ctx.store(store) as s:
        sub = s.neighbours(ref, hops=hops, labels=labels, rel_types=rel_types, cap=cap,
                           order=order, priority=_priority(s, order),
                           through_hubs=through_hubs)
    ctx.note(nodes=len(sub.nodes), edges=len(sub.edges))
    return sub


@action("summary", "explore", audit="read")
def summary(ctx, store, ref: str) -> list[dict]:
    """How many neighbours of each label an entity has through each relationship type,
    counted by the database."""
    ctx.note(ref=ref)
    with ctx.store(store) as s:
        return s.summary(ref)


def _priority(store, order: str) -> set[str]:
    """The refs the "risk" order puts first after seized ones: the stored watchlist's
    hits (none without a stored watchlist)."""
    if order != "risk":
        return set()
    from graph.analysis import screen
    from graph.records import watchlist as stored

    wl = stored.load()
    if wl is None:
        return set()
    return {h.ref for h in screen.screen_watchlist(store, list(wl.entries)).hits}


@action("expand", "explore", audit="read")
def expand(ctx, store, nodes: list, labels=(), rel_types=(), cap: int = DEFAULT_CAP,
           order: str = DEFAULT_ORDER):
    """The neighbours of some nodes (the app's working graph)."""
    refs = [ctx.masker.unref(n.id) for n in nodes]
    ctx.note(refs=refs, order=order)
    with ctx.store(store) as s:
        real = [s.get(r) for r in refs]
        sub = s.expand(real, labels=labels, rel_types=rel_types, cap=cap, order=order,
                       priority=_priority(s, order))
    ctx.note(nodes=len(sub.nodes), edges=len(sub.edges))
    return sub


@action("paths", "explore", audit="read")
def paths(ctx, store, ref_a: str, ref_b: str, max_hops: int = 4, labels=None, rel_types=None,
          limit: int = 25) -> list:
    """Shortest paths between two entities."""
    ctx.note(refs=[ref_a, ref_b], max_hops=max_hops)
    with ctx.store(store) as s:
        found = s.paths(ref_a, ref_b, max_hops=max_hops, labels=labels, rel_types=rel_types,
                        limit=limit)
    ctx.note(paths=len(found))
    return found


@action("entity", "explore", audit="read")
def entity(ctx, store, ref: str):
    """One entity by its ref."""
    ctx.note(ref=ref)
    with ctx.store(store) as s:
        return s.get(ref)


@action("counts", "explore", audit="read")
def counts(ctx, store) -> dict:
    """Nodes per label and relationships per type."""
    with ctx.store(store) as s:
        return s.counts()


def _reader(name: str, summary: str, permission: str = "explore"):
    """An action for one of the app's fixed reads: `door(actor, store, fn, ...)` runs
    `fn(store, ...)` (project code, never the user's text) and masks what it returns."""

    @action(name, permission, audit="read", summary=summary)
    def read(ctx, store, fn, *args, **kw):
        ctx.note(what=name, fn=getattr(fn, "__name__", "?"))
        with ctx.store(store) as s:
            return fn(s, *args, **kw)

    return read


routes = _reader("routes", "The route finder: travellers on a route within a connection window.")
timeline = _reader("timeline", "The timeline and map of the working graph's flights.")
overview = _reader("overview", "The overview: latest seizures, places, alert counts.")
merges = _reader("resolve.merges", "The merges decided (SAME_AS links): who, when, score.",
                 "merge")


@action("queries.list", "query", audit="query")
def queries_list(ctx) -> tuple[dict, list]:
    """The saved queries."""
    found, errors = saved.load_all()
    ctx.note(name="list", queries=len(found))
    return found, errors


@action("query", "query")
def query(ctx, store, name: str, params: dict, limit: int | None = None,
          timeout_s: float | None = None):
    """Run a saved query, read-only."""
    limit, timeout_s = ctx.limits(limit, timeout_s)
    ctx.note(name=name, params=params, limit=limit)
    q = saved.get(name) if isinstance(name, str) else name
    if not isinstance(name, str):
        ctx.note(name=q.name)
    with ctx.store(store) as s:
        result = saved.run(s, q, params, limit=limit, timeout_s=timeout_s)
    ctx.note(rows=len(result.rows))
    return result


@action("cypher", "cypher", audit="query")
def cypher(ctx, store, text: str, params: dict, limit: int | None = None,
           timeout_s: float | None = None):
    """Ad-hoc read-only Cypher."""
    limit, timeout_s = ctx.limits(limit, timeout_s)
    ctx.note(name="cypher", cypher=text, params=params, limit=limit)
    with ctx.store(store) as s:
        result = s.query(text, params, limit=limit, timeout_s=timeout_s)
    ctx.note(rows=len(result.rows))
    return result


@action("analyse", "explore", audit="read")
def analyse(ctx, store, ref: str, hops: int = 2, cap: int = DEFAULT_CAP, top: int = 10,
            hubs: bool = False, max_members: int | None = None) -> dict:
    """Centrality, communities, bridges and go-betweens around an entity."""
    ctx.note(ref=ref, hops=hops)
    with ctx.store(store) as s:
        sub = s.neighbours(ref, hops=hops, cap=cap)
    excluded = [] if hubs else analytics.hub_labels()
    # Computed on the masked graph: ids and captions come out as the role may see them.
    result = {"ref": ctx.masker.ref(ref), "hops": hops, "excluded_labels": excluded,
              **analytics.analyse(ctx.mask(sub), top=top, max_members=max_members,
                                  exclude_labels=excluded)}
    ctx.note(nodes=result["nodes"], edges=result["edges"])
    return result


@action("risk", "explore", audit="read")
def risk_scores(ctx, store, refs: list, weights=None) -> list:
    """Transparent risk scores, every contribution with its reason."""
    ctx.note(refs=list(refs))
    w = weights if isinstance(weights, dict) else risk.load_weights(weights)
    with ctx.store(store) as s:
        scores = risk.score_many(s, refs, w)
    # The reasons name the entities contributing: pseudonymise them before the texts.
    for r in scores:
        for c in r.contributions:
            for ref in c.refs:
                ctx.masker.ref(ref)
    return scores
