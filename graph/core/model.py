"""Plain values that every store returns: nodes, edges, subgraphs, paths."""

from __future__ import annotations

from dataclasses import dataclass, field

from graph.core.schema import REF, SEARCH


@dataclass(frozen=True)
class Node:
    label: str
    key: str
    properties: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def id(self) -> str:
        return f"{self.label}:{self.key}"

    def to_json(self) -> dict:
        props = {k: v for k, v in self.properties.items() if k not in (SEARCH, REF)}
        return {"id": self.id, "label": self.label, "key": self.key, "properties": props}


@dataclass(frozen=True)
class Edge:
    source: str  # node id "Label:key"
    target: str
    type: str
    properties: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def id(self) -> tuple:
        # Parallel edges of one type differ by their schema key properties.
        from graph.core.schema import rel_type

        keys = tuple(self.properties.get(k) for k in rel_type(self.type).key)
        return (self.source, self.type, self.target, keys)

    def to_json(self) -> dict:
        return {"source": self.source, "target": self.target, "type": self.type,
                "properties": dict(self.properties)}


@dataclass
class Subgraph:
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: dict[tuple, Edge] = field(default_factory=dict)
    # node id -> how many neighbours were left out by the expansion cap
    left_out: dict[str, int] = field(default_factory=dict)
    # node id -> {"TYPE>Label": how many of those the cap left out}
    left_out_by_type: dict[str, dict[str, int]] = field(default_factory=dict)

    def add_node(self, node: Node) -> None:
        self.nodes.setdefault(node.id, node)

    def add_edge(self, edge: Edge) -> None:
        self.edges.setdefault(edge.id, edge)

    @classmethod
    def from_paths(cls, paths) -> Subgraph:
        """The union of the nodes and edges of some paths."""
        sub = cls()
        for p in paths:
            for n in p.nodes:
                sub.add_node(n)
            for e in p.edges:
                sub.add_edge(e)
        return sub

    def merge(self, other: Subgraph) -> None:
        for n in other.nodes.values():
            self.add_node(n)
        for e in other.edges.values():
            self.add_edge(e)
        self.left_out.update(other.left_out)
        self.left_out_by_type.update(other.left_out_by_type)

    def to_json(self) -> dict:
        nodes = sorted(self.nodes.values(), key=lambda n: n.id)
        edges = sorted(self.edges.values(), key=lambda e: (e.source, e.type, e.target, str(e.id)))
        out = {"nodes": [n.to_json() for n in nodes], "edges": [e.to_json() for e in edges]}
        if self.left_out:
            out["left_out"] = dict(sorted(self.left_out.items()))
        by_type = {k: v for k, v in sorted(self.left_out_by_type.items()) if v}
        if by_type:
            out["left_out_by_type"] = by_type
        return out


@dataclass(frozen=True)
class Path:
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]

    def __len__(self) -> int:
        return len(self.edges)

    def to_json(self) -> dict:
        return {"nodes": [n.to_json() for n in self.nodes],
                "edges": [e.to_json() for e in self.edges]}


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[list]
    truncated: bool = False  # the row limit cut the result

    def to_json(self) -> dict:
        return {"columns": self.columns, "rows": [[to_plain(v) for v in r] for r in self.rows],
                "truncated": self.truncated}

    def subgraph(self) -> Subgraph:
        """Every node, relationship and path in the rows, as one subgraph; a
        relationship whose ends the rows do not hold brings them as bare nodes."""
        from graph.core.errors import SchemaError
        from graph.core.schema import parse_ref

        sub = Subgraph()
        stack = [v for row in self.rows for v in row]
        while stack:
            v = stack.pop()
            if isinstance(v, Node):
                sub.add_node(v)
            elif isinstance(v, Edge):
                sub.add_edge(v)
            elif isinstance(v, Path):
                stack += [*v.nodes, *v.edges]
            elif isinstance(v, list):
                stack += v
            elif isinstance(v, dict):
                stack += list(v.values())
        for e in list(sub.edges.values()):
            for ref in (e.source, e.target):
                if ref not in sub.nodes:
                    try:
                        lb, key = parse_ref(ref)
                    except SchemaError:  # an end the schema cannot name
                        continue
                    sub.add_node(Node(lb.name, key, {}))
        return sub


def to_plain(value):
    """Nodes, edges and paths inside query results, as JSON-ready values."""
    if isinstance(value, (Node, Edge, Path)):
        return value.to_json()
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)
