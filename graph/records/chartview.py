"""A chart seen through the time slider and with its groups collapsed: the working
graph as it stood on a date (from the schema's dated properties), and an entity's
neighbours of one kind drawn as one node ("112 Booking")."""

from __future__ import annotations

import re

from graph.core import schema
from graph.core.model import Edge, Node, Subgraph

# A relationship's date: the schema's date-like properties of its type ("since", "…date").
EDGE_DATED = {rt.name: p for rt in schema.REL_TYPES for p in rt.props
              if p == "since" or p.endswith("date")}


def node_day(n: Node) -> str | None:
    lb = schema.label(n.label)
    v = str(n.properties.get(lb.dated) or "")[:10] if lb.dated else ""
    return v if re.match(r"^\d{4}-\d{2}-\d{2}$", v) else None


def edge_day(e: Edge) -> str | None:
    p = EDGE_DATED.get(e.type)
    v = str(e.properties.get(p) or "")[:10] if p else ""
    return v if re.match(r"^\d{4}-\d{2}-\d{2}$", v) else None


def days(sub: Subgraph) -> list[str]:
    """Every date on the chart (dated entities and relationships), in order: the time
    slider's stops."""
    found = {node_day(n) for n in sub.nodes.values()} | {edge_day(e) for e in sub.edges.values()}
    return sorted(d for d in found if d)


def as_of(sub: Subgraph, day: str | None, keep=()) -> Subgraph:
    """The chart as it stood on `day`: entities and relationships dated later are
    hidden, and so are undated entities left with no link (unless in `keep`)."""
    if not day:
        return sub
    nodes = {i: n for i, n in sub.nodes.items() if (node_day(n) or "") <= day or i in keep}
    edges = {k: e for k, e in sub.edges.items() if e.source in nodes and e.target in nodes
             and (edge_day(e) or "") <= day}
    linked = {e.source for e in edges.values()} | {e.target for e in edges.values()}
    had = {e.source for e in sub.edges.values()} | {e.target for e in sub.edges.values()}
    nodes = {i: n for i, n in nodes.items()
             if i in linked or i in keep or i not in had or node_day(n)}
    return Subgraph(nodes, edges, {k: v for k, v in sub.left_out.items() if k in nodes},
                    {k: v for k, v in sub.left_out_by_type.items() if k in nodes})


def groupable(sub: Subgraph, anchor: str, keep=(), least: int = 3) -> dict[str, list[str]]:
    """{label: members}: the anchor's neighbours of each label that only it links to
    (collapsing them hides nothing else), when there are at least `least`."""
    degree: dict[str, int] = {}
    for e in sub.edges.values():
        degree[e.source] = degree.get(e.source, 0) + 1
        degree[e.target] = degree.get(e.target, 0) + 1
    out: dict[str, list[str]] = {}
    for e in sub.edges.values():
        other = e.target if e.source == anchor else e.source if e.target == anchor else None
        if other and other != anchor and other not in keep and degree.get(other) == 1:
            out.setdefault(sub.nodes[other].label, []).append(other)
    return {k: sorted(set(v)) for k, v in sorted(out.items()) if len(set(v)) >= least}


def group_node(g) -> Node:
    """How a group is drawn: one node of the members' label ("112 Booking")."""
    lb = schema.label(g.label)
    return Node(g.label, f"[{len(g.members)}] {g.anchor}",
                {lb.key: f"[{len(g.members)}] {g.anchor}", lb.caption: f"{len(g.members)} "
                 f"{g.label}", "members": ", ".join(g.members)})


def drawn(sub: Subgraph, groups) -> Subgraph:
    """`sub` with each group's members replaced by its group node, linked to its anchor."""
    if not groups:
        return sub
    hide = {m for g in groups for m in g.members if g.anchor in sub.nodes}
    nodes = {i: n for i, n in sub.nodes.items() if i not in hide}
    edges = {k: e for k, e in sub.edges.items() if e.source not in hide and e.target not in hide}
    for g in groups:
        if g.anchor in nodes and any(m in sub.nodes for m in g.members):
            n = group_node(g)
            nodes[n.id] = n
            kind = next((e.type for e in sub.edges.values() if {e.source, e.target} & set(
                g.members) and g.anchor in (e.source, e.target)), "GROUPS")
            e = Edge(g.anchor, n.id, kind, {"group": len(g.members)})
            edges[(g.anchor, kind, n.id, ("group",))] = e
    return Subgraph(nodes, edges, {k: v for k, v in sub.left_out.items() if k in nodes},
                    {k: v for k, v in sub.left_out_by_type.items() if k in nodes})
