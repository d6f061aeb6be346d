"""The store interface, and the explorer operations written once over it.

A store implements a handful of primitives (read, upsert, paths); search,
neighbours, get and counts are written here once in the Cypher both engines
share, with the few dialect differences passed in by the store
(`label_expr`, `type_expr`). Labels, relationship types and property names come
only from the schema; values travel only as parameters.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from graph.core import schema
from graph.core.errors import NotFound, SchemaError
from graph.core.model import Node, Path, QueryResult, Subgraph
from graph.core.schema import REF, SEARCH, SOURCE
from graph.core.search import SearchResult, scan_conditions, seizure_links
from graph.core.search import search as ranked_search
from graph.core.text import search_text

DEFAULT_CAP = 50  # neighbours shown per node before "N more"
ORDERS = ("risk", "most", "least", "newest", "key")
DEFAULT_ORDER = "risk"
# Above this many relationships of one hub, the "risk" order ranks the rest (after
# seized and priority ones) by key instead of reading every neighbour's degree.
RISK_DEGREES = 300
DEFAULT_ROW_LIMIT = 1000
DEFAULT_TIMEOUT_S = 30


@dataclass
class WriteCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # rows whose end nodes are not in the store: (row, which end is missing)
    missing: list[tuple[dict, str]] = field(default_factory=list)

    def add(self, other: WriteCounts) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.missing += other.missing


class Store(ABC):
    """What every store offers. Subclasses implement the abstract primitives."""

    kind = "abstract"

    # --- dialect hooks (defaults: the embedded store's Cypher) --------------
    def label_expr(self, var: str) -> str:
        """Cypher giving the (single) label of node variable `var`."""
        return f"label({var})"

    def type_expr(self, var: str) -> str:
        """Cypher giving the type of relationship variable `var`."""
        return f"label({var})"

    def __init__(self, url: str):
        self.url = url

    # --- primitives -------------------------------------------------------
    @abstractmethod
    def read(self, cypher: str, params: dict | None = None) -> tuple[list[str], list[list]]:
        """Run trusted, schema-built read Cypher; nodes/edges/paths converted."""

    @abstractmethod
    def analyst_query(self, cypher: str, params: dict | None, *, limit: int,
                      timeout_s: float) -> QueryResult:
        """Run an analyst's Cypher where the database itself refuses writes."""

    @abstractmethod
    def upsert_nodes(self, label: str, rows: list[dict]) -> WriteCounts:
        """Idempotent: MERGE on the label's key; `source` kept from creation."""

    @abstractmethod
    def upsert_relationships(self, rel: str, from_label: str, to_label: str,
                             rows: list[dict]) -> WriteCounts:
        """rows: {"from": key, "to": key, **props, "source": ...}; idempotent."""

    def insert_nodes(self, label: str, rows: list[dict]) -> WriteCounts:
        """Rows the caller knows are new and distinct by key: a load into a label
        that was empty when it began, holding back keys it already wrote. A store
        may skip its look-ups (the bulk path); by default this is an upsert."""
        return self.upsert_nodes(label, rows)

    def insert_relationships(self, rel: str, from_label: str, to_label: str,
                             rows: list[dict]) -> WriteCounts:
        """Relationships known new and distinct, whose ends are known to exist."""
        return self.upsert_relationships(rel, from_label, to_label, rows)

    def delete_relationship(self, rel: str, from_label: str, from_key: str, to_label: str,
                            to_key: str) -> None:
        """Remove the `rel` relationships from one node to another (used to undo a
        decision such as an accepted merge; source records are never deleted)."""
        rt, fa, fb = schema.rel_type(rel), schema.label(from_label), schema.label(to_label)
        if (fa.name, fb.name) not in rt.ends:
            raise SchemaError(f"{rt.name} does not join {fa.name} to {fb.name}")
        self.write(f"MATCH (a:{fa.name} {{{fa.key}: $a}})-[r:{rt.name}]->"
                   f"(b:{fb.name} {{{fb.key}: $b}}) DELETE r", {"a": from_key, "b": to_key})

    @abstractmethod
    def write(self, cypher: str, params: dict | None = None) -> None:
        """Run trusted, schema-built write Cypher (never an analyst's text)."""

    @abstractmethod
    def shortest_paths(self, a: Node, b: Node, max_hops: int, labels: list[str],
                       rel_types: list[str], limit: int) -> list[Path]:
        """All shortest paths; intermediates restricted to `labels`."""

    def close(self) -> None:  # noqa: B027 - optional: stores that hold resources override it
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # --- explorer operations ----------------------------------------------
    def get(self, ref: str) -> Node:
        lb, key = schema.parse_ref(ref)
        _, rows = self.read(f"MATCH (n:{lb.name} {{{lb.key}: $key}}) RETURN n", {"key": key})
        if not rows:
            raise NotFound(f"{ref} is not in the store")
        return rows[0][0]

    def existing_keys(self, label_name: str, keys) -> set[str]:
        lb = schema.label(label_name)
        keys = sorted(set(keys))
        found: set[str] = set()
        for i in range(0, len(keys), 20000):
            _, rows = self.read(f"UNWIND $keys AS k MATCH (n:{lb.name} {{{lb.key}: k}}) RETURN k",
                                {"keys": keys[i:i + 20000]})
            found.update(r[0] for r in rows)
        return found

    def exists(self, ref: str) -> bool:
        try:
            self.get(ref)
            return True
        except NotFound:
            return False

    def search(self, text: str, labels=None, limit: int = 20) -> list[Node]:
        """The nodes of `search_ranked`, best first (the older contract)."""
        return self.search_ranked(text, labels, limit).nodes

    def search_ranked(self, text: str, labels=None, limit: int = 20,
                      offset: int = 0) -> SearchResult:
        """Ranked search (graph/core/search.py): a typed REF, exact identifiers, key
        prefixes, names, then typo-tolerant matches; each hit says why it matched."""
        return ranked_search(self, text, labels, limit, offset)

    def find_terms(self, groups, labels, cap: int) -> tuple[list[tuple[str, str]], bool]:
        """(ref, search text) of the first `cap` nodes of `labels` in ref order
        that may match every group of terms (graph/core/search.py checks each), and
        whether more matched. This default scans each label; the stores answer
        from their full-text index and fall back here when it cannot be trusted."""
        cond, params = scan_conditions(groups)
        rows = []
        for name in labels:
            lb = schema.label(name)
            _, got = self.read(f"MATCH (n:{lb.name}) WHERE {cond} RETURN n.{lb.key}, n.{SEARCH}",
                               params)
            rows += [(schema.make_ref(lb.name, k), st or "") for k, st in got]
        rows.sort()
        return rows[:cap], len(rows) > cap

    def seizure_links(self) -> dict[str, set[str]]:
        """Ref of everything a seizure involves -> the seizures' refs (seizures
        are few: reading their label whole is a small scan)."""
        _, rows = self.read(f"MATCH (s:{_SEIZURE}) MATCH (s)-[:{_INVOLVES}]->(n) "
                            f"RETURN n.{REF}, s.{REF}")
        out: dict[str, set[str]] = {}
        for ref, seizure in rows:
            out.setdefault(ref, set()).add(seizure)
        return out

    def rebuild_search_index(self) -> int:
        """Make the search index agree with the stored nodes; how many it holds."""
        return 0

    def summary(self, ref: str) -> list[dict]:
        """How many neighbours of each label `ref` has through each relationship
        type and direction, counted by the database."""
        lb, key = schema.parse_ref(ref)
        self.get(ref)
        out = []
        for direction, pattern in (("out", "-[r]->(b)"), ("in", "<-[r]-(b)")):
            _, rows = self.read(
                f"MATCH (a:{lb.name} {{{lb.key}: $key}}) MATCH (a){pattern} "
                f"RETURN {self.type_expr('r')}, {self.label_expr('b')}, count(*)", {"key": key})
            out += [{"label": far, "type": t, "direction": direction, "count": int(c)}
                    for t, far, c in rows]
        order = {x.name: i for i, x in enumerate(schema.LABELS)}
        out.sort(key=lambda d: (-d["count"], order.get(d["label"], 99), d["type"],
                                d["direction"]))
        return out

    def neighbours(self, ref: str, hops: int = 1, labels=None, rel_types=None,
                   cap: int = DEFAULT_CAP, order: str = DEFAULT_ORDER,
                   priority=(), through_hubs: bool = False) -> Subgraph:
        """The neighbourhood of `ref` to `hops` hops. A node with more than `cap`
        neighbours contributes the `cap` that `order` puts first and records how
        many were left out (`priority`: refs the "risk" order puts first after
        seized ones, e.g. the watchlist's hits). Hubs the schema marks
        `traverse=False` (countries, HS codes, customs offices) met on the way are
        shown but not stepped through unless `through_hubs`: all their neighbours
        count as left out, as in the entity_360 query."""
        if hops < 1:
            raise SchemaError("hops must be at least 1")
        labels, rel_types = schema.check_labels(labels), schema.check_rel_types(rel_types)
        start = self.get(ref)
        sub = Subgraph()
        sub.add_node(start)
        frontier, seen, hubs = [start], {start.id}, []
        for hop in range(hops):
            found = self.expand(frontier, labels, rel_types, cap, order, priority)
            frontier = []
            for n in found.nodes.values():
                if n.id not in seen:
                    seen.add(n.id)
                    frontier.append(n)
            sub.merge(found)
            if not through_hubs and hop + 1 < hops:
                hubs += [n for n in frontier if not schema.label(n.label).traverse]
                frontier = [n for n in frontier if schema.label(n.label).traverse]
        for hub in hubs:
            self._note_unexpanded(sub, hub, labels, rel_types)
        return sub

    def _note_unexpanded(self, sub: Subgraph, hub: Node, labels, rel_types) -> None:
        """Record as left out the neighbours of a hub that was not stepped through."""
        totals = self._type_counts(schema.label(hub.label), hub.key, labels, rel_types)
        shown = [(None, e, sub.nodes[e.target if e.source == hub.id else e.source])
                 for e in sub.edges.values() if hub.id in (e.source, e.target)]
        left = sum(totals.values()) - len(shown)
        if left > 0:
            sub.left_out[hub.id] = left
            sub.left_out_by_type[hub.id] = left_out_by_type(totals, shown)

    def expand(self, nodes: list[Node], labels=(), rel_types=(), cap: int = DEFAULT_CAP,
               order: str = DEFAULT_ORDER, priority=()) -> Subgraph:
        """One hop out of `nodes`: neighbours and the edges to them, capped per node.
        order: "risk" (linked to a seizure, then in `priority`, then most connected),
        "most" / "least" connected first, "newest" first, "key" (stable)."""
        labels, rel_types = schema.check_labels(labels), schema.check_rel_types(rel_types)
        check_order(order)
        sub = Subgraph()
        by_label: dict[str, list[str]] = defaultdict(list)
        for n in nodes:
            by_label[n.label].append(n.key)
        for label_name, keys in by_label.items():
            lb = schema.label(label_name)
            hops = self._hop_variants(label_name, labels, rel_types)
            degree = self.degrees(label_name, keys, labels, rel_types)
            small = [k for k in keys if degree.get(k, 0) <= cap]
            for pattern, where, params, _far in hops if small else ():
                _, rows = self.read(
                    f"UNWIND $keys AS k MATCH (a:{lb.name} {{{lb.key}: k}}){pattern}{where} "
                    f"RETURN a, r, b", {**params, "keys": small})
                self._add_rows(sub, rows)
            for k in keys:
                if degree.get(k, 0) > cap:
                    rows = self._top_neighbours(lb, k, hops, cap, order, priority, degree[k])
                    self._add_rows(sub, rows)
                    ref = schema.make_ref(lb.name, k)
                    sub.left_out[ref] = degree[k] - cap
                    sub.left_out_by_type[ref] = left_out_by_type(
                        self._type_counts(lb, k, labels, rel_types), rows)
        return sub

    def degrees(self, label_name: str, keys: list[str], labels=(), rel_types=()) -> dict[str, int]:
        lb = schema.label(label_name)
        out: dict[str, int] = defaultdict(int)
        for pattern, where, params, _far in self._hop_variants(label_name, labels, rel_types):
            # One query per pattern: a UNION ALL of them exhausted LadybugDB's buffer pool.
            _, rows = self.read(
                f"UNWIND $keys AS k MATCH (a:{lb.name} {{{lb.key}: k}}){pattern}{where} "
                f"RETURN k, count(r)", {**params, "keys": list(keys)})
            for k, c in rows:
                out[k] += c
        return dict(out)

    def _risk_of_many(self, lb, key, hops, cap, priority):
        """The "risk" order on a hub with many neighbours, without reading them all:
        the few refs that rank first (linked to a seizure, a seizure, or in
        `priority`) are looked up by key and joined to the hub in the engine; the
        rest come in key order."""
        links = seizure_links(self)
        hub_ref = schema.make_ref(lb.name, key)
        hub = links.get(hub_ref, set()) | ({hub_ref} if lb.name == _SEIZURE else set())
        wanted = set(priority or ())

        def rank(ref):
            tier = 0 if ref in hub or links.get(ref, set()) & hub else (
                1 if ref in links or ref.startswith(f"{_SEIZURE}:") else 2)
            return tier, ref not in wanted, ref
        seizures = {r for r, in self.read(f"MATCH (s:{_SEIZURE}) RETURN s.{REF}")[1]}
        by_label: dict[str, list[str]] = defaultdict(list)
        for ref in sorted(set(links) | seizures | wanted):
            if ref != hub_ref:
                fb, bkey = schema.parse_ref(ref)
                by_label[fb.name].append(bkey)
        start = f"MATCH (a:{lb.name} {{{lb.key}: $key}}) "
        special = []
        for far_name, bkeys in by_label.items():
            fb = schema.label(far_name)
            for pattern, where, params, far in hops:
                if far not in (None, fb.name):
                    continue
                # Filtered in the engine while it walks the hub's relationships: a
                # key look-up of the few `b` joined to the hub scans (LadybugDB 0.22).
                cond = f"b.{fb.key} IN $bkeys"
                if far is None:
                    cond += f" AND {self.label_expr('b')} = $far"
                cond = f"{where} AND {cond}" if where else f" WHERE {cond}"
                special += self.read(f"{start}MATCH (a){pattern}{cond} RETURN a, r, b",
                                     {**params, "key": key, "bkeys": bkeys, "far": fb.name})[1]
        first = sorted({row[2].id for row in special}, key=rank)[:cap]
        place = {ref: i for i, ref in enumerate(first)}
        rows = sorted((row for row in special if row[2].id in place),
                      key=lambda row: (place[row[2].id], str(row[1].id)))
        rest = []
        if len(first) < cap:
            for pattern, where, params, _far in hops:
                rest += self._first_rows(lb, key, pattern, where, params, f"b.{REF}", cap)
            rest = sorted((row for row in rest if row[2].id not in place),
                          key=lambda row: (row[2].id, str(row[1].id)))
        return (rows + rest)[:cap]

    def _first_rows(self, lb, key, pattern, where, params, sort, cap):
        """(a, r, b) of one node's first `cap` neighbours through one pattern, in
        `sort` order."""
        return self.read(f"MATCH (a:{lb.name} {{{lb.key}: $key}}) MATCH (a){pattern}{where} "
                         f"RETURN a, r, b ORDER BY {sort} LIMIT $cap",
                         {**params, "key": key, "cap": cap})[1]

    def _type_counts(self, lb, key, labels, rel_types) -> dict[str, int]:
        """"TYPE>Label" -> how many relationships join one node to such neighbours."""
        pattern, where, params = self._hop_pattern(labels, rel_types)
        _, rows = self.read(
            f"MATCH (a:{lb.name} {{{lb.key}: $key}}) MATCH (a){pattern}{where} "
            f"RETURN {self.type_expr('r')}, {self.label_expr('b')}, count(*)",
            {**params, "key": key})
        return {f"{t}>{far}": int(c) for t, far, c in rows}

    def _top_neighbours(self, lb, key, hops, cap, order, priority=(), degree=0):
        """The `cap` neighbours of one busy node (`degree` relationships) that
        `order` puts first."""
        rows = []
        if order == "risk" and degree > RISK_DEGREES:
            return self._risk_of_many(lb, key, hops, cap, priority)
        if order in ("most", "least", "risk"):
            # Rank candidates in Python; done in steps so the Cypher stays in
            # the subset both engines share.
            start = f"MATCH (a:{lb.name} {{{lb.key}: $key}}) MATCH (a)"
            found = []
            for pattern, where, params, _far in hops:
                found += self.read(f"{start}{pattern}{where} RETURN a, r, b",
                                   {**params, "key": key})[1]
            nodes = {row[2].id: row[2] for row in found}
            deg: dict[str, int] = {}
            if order != "risk" or len(nodes) <= RISK_DEGREES:
                for lname in {n.label for n in nodes.values()}:
                    ks = [n.key for n in nodes.values() if n.label == lname]
                    for k, c in self.degrees(lname, ks).items():
                        deg[schema.make_ref(lname, k)] = c
            if order == "risk":
                links = seizure_links(self)
                hub = links.get(schema.make_ref(lb.name, key), set())
                wanted = set(priority or ())

                def seized(n) -> int:
                    """0: shares a seizure with the hub (or is one of its seizures);
                    1: linked to another seizure; 2: neither."""
                    if n.id in hub or links.get(n.id, set()) & hub:
                        return 0
                    return 1 if n.id in links or n.label == _SEIZURE else 2

                rank = lambda n: (seized(n), n.id not in wanted,  # noqa: E731
                                  -deg.get(n.id, 0), n.id)
            else:
                sign = -1 if order == "most" else 1
                rank = lambda n: (sign * deg.get(n.id, 0), n.id)  # noqa: E731
            chosen = sorted(nodes.values(), key=rank)[:cap]
            place = {n.id: i for i, n in enumerate(chosen)}
            rows = [row for row in found if row[2].id in place]
            rows.sort(key=lambda row: (place[row[2].id], str(row[1].id)))
            return rows[:cap]
        for pattern, where, params, far in hops:
            sort = "b.ref"
            if order == "newest":
                # A node's date lives in a label-specific property; coalesce covers
                # them (only the far label's own, when the pattern names it).
                dated = [f"b.{x.dated}" for x in _DATED if far in (None, x.name)] + ["''"]
                sort = "coalesce(" + ", ".join(dated) + ") DESC, b.ref"
            rows += self._first_rows(lb, key, pattern, where, params, sort, cap)
        if len(hops) > 1:  # each pattern gave its first `cap`: the same order over all
            rows.sort(key=lambda row: _order_key(row[2], order))
        return rows[:cap]

    def _hop_variants(self, label_name: str, labels, rel_types) -> list[Hop]:
        """The patterns for one hop out of a `label_name` node: one over every type
        here; a store may split it."""
        return [Hop(*self._hop_pattern(labels, rel_types))]

    def _hop_pattern(self, labels, rel_types) -> tuple[str, str, dict]:
        types = ":" + "|".join(rel_types) if rel_types else ""
        where, params = "", {}
        if labels:
            where = f" WHERE {self.label_expr('b')} IN $labels"
            params["labels"] = list(labels)
        return f"-[r{types}]-(b)", where, params

    @staticmethod
    def _add_rows(sub: Subgraph, rows) -> None:
        for _a, r, b in rows:
            sub.add_node(b)
            sub.add_edge(r)

    def paths(self, ref_a: str, ref_b: str, max_hops: int = 4, labels=None, rel_types=None,
              limit: int = 25) -> list[Path]:
        """Shortest paths between two entities, shortest first. Without a label
        filter, hub labels the schema marks `traverse=False` are not stepped through."""
        if not 1 <= max_hops <= 12:
            raise SchemaError("max hops must be between 1 and 12")
        labels = schema.check_labels(labels) or [lb.name for lb in schema.LABELS if lb.traverse]
        rel_types = schema.check_rel_types(rel_types)
        a, b = self.get(ref_a), self.get(ref_b)
        if a.id == b.id:
            return [Path((a,), ())]
        found = self.shortest_paths(a, b, max_hops, labels, rel_types, limit)
        found.sort(key=lambda p: (len(p), [n.id for n in p.nodes]))
        return found[:limit]

    def counts(self) -> dict:
        nodes, rels = {}, {}
        for lb in schema.LABELS:
            _, rows = self.read(f"MATCH (n:{lb.name}) RETURN count(n)")
            nodes[lb.name] = rows[0][0]
        for rt in schema.REL_TYPES:
            _, rows = self.read(f"MATCH ()-[r:{rt.name}]->() RETURN count(r)")
            rels[rt.name] = rows[0][0]
        return {"nodes": nodes, "relationships": rels}

    def query(self, cypher: str, params: dict | None = None, *,
              limit: int = DEFAULT_ROW_LIMIT, timeout_s: float = DEFAULT_TIMEOUT_S) -> QueryResult:
        return self.analyst_query(cypher, params or {}, limit=limit, timeout_s=timeout_s)


_DATED = [x for x in schema.LABELS if x.dated]
_SEIZURE, _INVOLVES = schema.label("Seizure").name, schema.rel_type("INVOLVES").name


def check_order(order: str) -> str:
    if order not in ORDERS:
        raise SchemaError(f"unknown order {order!r}; known: {', '.join(ORDERS)}")
    return order


def left_out_by_type(totals: dict[str, int], rows) -> dict[str, int]:
    """"TYPE>Label" -> how many of those relationships the cap left out."""
    shown: dict[str, int] = defaultdict(int)
    for _a, r, b in rows:
        shown[f"{r.type}>{b.label}"] += 1
    out = {k: n - shown.get(k, 0) for k, n in totals.items()}
    return {k: n for k, n in sorted(out.items()) if n > 0}


class Hop(NamedTuple):
    """One pattern for a hop from `a` to `b`; `far` is the label it gives `b`, if any."""
    pattern: str
    where: str
    params: dict
    far: str | None = None


def _order_key(node: Node, order: str):
    """Python's form of the ORDER BY in `_top_neighbours`."""
    if order == "newest":
        date = next((node.properties[x.dated] for x in _DATED
                     if node.properties.get(x.dated) is not None), "")
        return _Desc(date), node.id
    return node.id


class _Desc(str):
    """A string that sorts in reverse."""

    def __lt__(self, other):
        return str.__gt__(self, other)


def node_row(label_name: str, key: str, props: dict, source: str) -> dict:
    """A node row ready for upsert: properties of the schema only, derived fields set.

    `search_text` is left empty when the row lacks some searchable property
    (a Port named only by its code in a declaration): it must not overwrite
    the fuller text a stored node has. Stores fill it with
    `search_text_for` when they create the node."""
    lb = schema.label(label_name)
    row = {p: props.get(p) for p in lb.props if p != lb.key}
    row[lb.key] = key
    row[SOURCE] = source
    row[REF] = schema.make_ref(lb.name, key)
    full = all(row.get(p) is not None for p in lb.search)
    row[SEARCH] = search_text_for(lb.name, row) if full else None
    return row


def search_text_for(label_name: str, row: dict) -> str:
    lb = schema.label(label_name)
    return search_text([row[lb.key]] + [row.get(p) for p in lb.search if p != lb.key])


# --- write helpers both stores share ---------------------------------------------
def dedupe_rows(rows, ident):
    """One row per identity: later non-empty values win, the first source stays."""
    out: dict = {}
    for r in rows:
        k = ident(r)
        if k in out:
            merged = out[k]
            for p, v in r.items():
                if v is not None and p != SOURCE:
                    merged[p] = v
        else:
            out[k] = dict(r)
    return list(out.values())


def rel_identity(rt):
    """A relationship row's identity: its ends and the type's key properties."""
    return lambda r: (r["from"], r["to"], *(r.get(k) for k in rt.key))


def merge_props(old: dict, new: dict, cols: dict) -> dict | None:
    """The row to write for an existing entity, or None when nothing changes.
    Empty new values never erase what is stored; `source` stays as created."""
    merged, changed = {}, False
    for p in cols:
        v = new.get(p)
        if p == SOURCE or v is None:
            merged[p] = old.get(p)
        else:
            merged[p] = v
            changed |= v != old.get(p)
    return merged if changed else None


def against_stored(rows, stored: dict, ident, cols: dict):
    """The upsert skeleton both stores share: rows split against what is stored
    (identity -> properties) into (new rows, [(row, merged row)] that change
    something, how many change nothing)."""
    new, changed, unchanged = [], [], 0
    for r in rows:
        old = stored.get(ident(r))
        if old is None:
            new.append(r)
            continue
        merged = merge_props(old, r, cols)
        if merged is None:
            unchanged += 1
        else:
            changed.append((r, merged))
    return new, changed, unchanged

