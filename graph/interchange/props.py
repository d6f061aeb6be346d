"""What every export format shares: properties as scalars of their schema kinds, the
caption and style of a node, nodes and edges in a stable order, and renaming
properties that collide with a format's own fields."""

from __future__ import annotations

import json

from graph.core import schema
from graph.core.model import Edge, Node, Subgraph
from graph.core.schema import FLOAT, INT, REF, SEARCH, STR

GENERATOR = "customs-graph"
_DERIVED = (SEARCH, REF)


def prop_kind(owner: str, prop: str, *, edge: bool) -> str | None:
    """The schema kind (str/int/float) of a property; None when the schema has none."""
    try:
        thing = schema.rel_type(owner) if edge else schema.label(owner)
    except schema.SchemaError:
        return None
    return thing.all_props().get(prop)


def scalar(value, kind: str | None):
    """A property value as a scalar of its schema kind (None stays None); values
    of properties the schema does not know stay as they are if scalar, else JSON."""
    if value is None:
        return None
    if kind in (INT, FLOAT) and not isinstance(value, bool):
        try:
            return int(value) if kind == INT else float(value)
        except (TypeError, ValueError):
            pass
    if kind == STR and not isinstance(value, (list, dict)):
        return str(value)
    if isinstance(value, (str, int, float, bool)):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def flat_props(owner: str, props: dict, *, edge: bool = False) -> dict:
    """Properties as scalars of their schema kinds; derived fields and empty
    values dropped, nested values as JSON text.

    >>> flat_props("Seizure", {"quantity": "35", "ref": "Seizure:S1", "brands": None,
    ...                        "source": "seizures.csv:2"})
    {'quantity': 35, 'source': 'seizures.csv:2'}
    """
    out = {}
    for p, v in props.items():
        if p in _DERIVED:
            continue
        v = scalar(v, prop_kind(owner, p, edge=edge))
        if v is not None:
            out[p] = v
    return out


def caption(node: Node) -> str:
    """The text a node is shown with: its label's caption property, else its key."""
    try:
        prop = schema.label(node.label).caption
    except schema.SchemaError:
        return node.key
    value = node.properties.get(prop)
    return str(value) if value not in (None, "") else node.key


def style(label: str) -> tuple[str, str]:
    try:
        lb = schema.label(label)
        return lb.color, lb.shape
    except schema.SchemaError:
        return "#999999", "dot"


def sorted_nodes(sub: Subgraph) -> list[Node]:
    return sorted(sub.nodes.values(), key=lambda n: n.id)


def sorted_edges(sub: Subgraph) -> list[Edge]:
    return sorted(sub.edges.values(), key=lambda e: (e.source, e.type, e.target, str(e.id)))


def endpoints(sub: Subgraph) -> list[Node]:
    """Nodes named by an edge but missing from the subgraph, so that every
    format stays self-consistent."""
    missing = {}
    for e in sub.edges.values():
        for end in (e.source, e.target):
            if end not in sub.nodes and end not in missing:
                label, key = end.split(":", 1) if ":" in end else ("", end)
                missing[end] = Node(label, key, {})
    return [missing[k] for k in sorted(missing)]


def all_nodes(sub: Subgraph) -> list[Node]:
    return sorted(sorted_nodes(sub) + endpoints(sub), key=lambda n: n.id)


def rename(props: dict, reserved: set, renames: dict | None = None) -> dict:
    out = {}
    for p, v in props.items():
        name = (renames or {}).get(p, p)
        while name in reserved or name in out:
            name = "prop_" + name
        out[name] = v
    return out
