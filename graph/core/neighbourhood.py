"""Neighbourhoods, written once for both stores: one hop out of many nodes, what a
busy node (a hub) shows first under its cap, and what the cap left out.

Every read starts from a key look-up (graph/core/keyed.py) and steps out with an
OPTIONAL MATCH in a clause of its own: both engines then walk the relationships of
the nodes found only (LadybugDB 0.22 masks its scans with the keys' nodes), where
a relationship pattern in the key's MATCH scanned the whole relationship table.
The dialect differences stay in the store classes as small hooks: `label_expr`,
`type_expr`, `far_expr` with `_far_nodes` (how a hub's first rows are read) and
`_small_rows` (how the rows of nodes under the cap are read).
"""

from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

from graph.core import schema
from graph.core.errors import SchemaError
from graph.core.keyed import by_keys
from graph.core.model import Node, Subgraph
from graph.core.schema import REF
from graph.core.search import seizure_links

DEFAULT_CAP = 50  # neighbours shown per node before "N more"
ORDERS = ("risk", "most", "least", "newest", "key")
DEFAULT_ORDER = "risk"
# Above this many relationships of one hub, the "risk" order ranks the rest (after
# seized and priority ones) by key instead of reading every neighbour's degree.
RISK_DEGREES = 300

_DATED = [x for x in schema.LABELS if x.dated]
_SEIZURE = schema.L.Seizure.name


class Neighbourhood:
    """The explorer's neighbourhood reads; a Store supplies `read`, `get`,
    `label_expr`, `type_expr` and `seizure_links`."""

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
        lb = schema.label(hub.label)
        totals = _by_type(self._type_counts(lb, [hub.key], labels, rel_types).get(hub.key, {}))
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
            counts = self._type_counts(lb, keys, labels, rel_types)
            small = [k for k, c in counts.items() if sum(c.values()) <= cap]
            self._add_rows(sub, self._small_rows(lb, {k: counts[k] for k in small}, labels))
            for k in [k for k in dict.fromkeys(keys) if k in counts and k not in small]:
                hops = [Hop(f"-[r:{t}]-(b:{far})", "", {}, far) for t, far in sorted(counts[k])]
                total = sum(counts[k].values())
                rows = self._top_neighbours(lb, k, hops, cap, order, priority, total)
                self._add_rows(sub, rows)
                ref = schema.make_ref(lb.name, k)
                sub.left_out[ref] = total - cap
                sub.left_out_by_type[ref] = left_out_by_type(_by_type(counts[k]), rows)
        return sub

    def degrees(self, label_name: str, keys: list[str], labels=(), rel_types=()) -> dict[str, int]:
        """Key -> how many relationships (to `labels`, of `rel_types`) its node has."""
        labels, rel_types = schema.check_labels(labels), schema.check_rel_types(rel_types)
        rows = self._one_hop(schema.label(label_name), keys, labels, rel_types, "k, count(r)")
        return {k: int(c) for k, c in rows if c}

    def _type_counts(self, lb, keys, labels, rel_types) -> dict[str, dict[tuple, int]]:
        """Key -> {(type, far label): how many relationships} for each stored key."""
        rows = self._one_hop(lb, keys, labels, rel_types,
                             f"k, {self.type_expr('r')}, {self.label_expr('b')}, count(r)")
        out: dict[str, dict[tuple, int]] = {}
        for k, rtype, far, c in rows:
            out.setdefault(k, {})
            if c and rtype in _TYPES and far in _LABELS:
                # Names read back from the store reach Cypher only if the schema has them.
                out[k][(schema.rel_type(rtype).name, schema.label(far).name)] = int(c)
        return out

    def _one_hop(self, lb, keys, labels, rel_types, returns: str) -> list:
        """`returns` over one hop out of each key's node; `r` and `b` are null for a
        node with no such neighbour."""
        pattern, where, params = self._hop_pattern(labels, rel_types)
        return by_keys(lambda q, p: self.read(q, p)[1], lb, keys, returns, var="a",
                       tail=f" OPTIONAL MATCH (a){pattern}{where}", params=params)

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

    def _small_rows(self, lb, counts: dict[str, dict[tuple, int]], labels) -> list:
        """(a, r, b) of every neighbour of nodes under the cap (key -> their counts
        by type and far label). A dialect hook: here one statement per relationship
        type for all the keys; the embedded store reads each node alone."""
        by_type: dict[str, list[str]] = defaultdict(list)
        for k, c in counts.items():
            for t in {t for t, _far in c}:
                by_type[t].append(k)
        out = []
        for t, ks in sorted(by_type.items()):
            rows = self._one_hop(lb, ks, labels, [t], f"a, r, {self.far_expr}")
            out += self._far_nodes([row for row in rows if row[1] is not None])
        return out

    # --- dialect hook: how neighbour rows are read -----------------------------------
    # What a row returns for the far node `b`, and how such rows become (a, r, Node).
    # Neo4j returns `b` whole; the embedded store returns its ref (see LadybugStore).
    far_expr = "b"

    def _far_nodes(self, rows: list) -> list:
        return rows

    def _first_rows(self, lb, key, pattern, where, params, sort, cap):
        """(a, r, b) of one node's first `cap` neighbours through one pattern, in
        `sort` order."""
        rows = self.read(f"MATCH (a:{lb.name} {{{lb.key}: $key}}) MATCH (a){pattern}{where} "
                         f"RETURN a, r, {self.far_expr} ORDER BY {sort} LIMIT $cap",
                         {**params, "key": key, "cap": cap})[1]
        return self._far_nodes(rows)

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
            sort = f"b.{REF}"
            if order == "newest":
                # A node's date lives in a label-specific property; coalesce covers
                # them (only the far label's own, when the pattern names it).
                dated = [f"b.{x.dated}" for x in _DATED if far in (None, x.name)] + ["''"]
                sort = "coalesce(" + ", ".join(dated) + f") DESC, b.{REF}"
            rows += self._first_rows(lb, key, pattern, where, params, sort, cap)
        if len(hops) > 1:  # each pattern gave its first `cap`: the same order over all
            rows.sort(key=lambda row: _order_key(row[2], order))
        return rows[:cap]

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


_TYPES = {rt.name for rt in schema.REL_TYPES}
_LABELS = {lb.name for lb in schema.LABELS}


def check_order(order: str) -> str:
    if order not in ORDERS:
        raise SchemaError(f"unknown order {order!r}; known: {', '.join(ORDERS)}")
    return order


def _by_type(counts: dict[tuple, int]) -> dict[str, int]:
    return {f"{t}>{far}": n for (t, far), n in counts.items()}


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
