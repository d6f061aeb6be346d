"""GraphML (read back with networkx.read_graphml, yEd, Gephi). Gephi and yEd draw the
attribute called `label`: here it is the node's caption, the schema label is
`node_label`; an edge's `label` is its relationship type (also `type`)."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from graph.core.model import Subgraph
from graph.interchange.props import all_nodes, caption, flat_props, rename, sorted_edges

_XML_NODE_FIELDS = {"label", "node_label", "key"}
_XML_EDGE_FIELDS = {"label", "type", "kind", "id"}


def graphml_graph(sub: Subgraph) -> nx.MultiDiGraph:
    """The flat-attributed graph written as GraphML (every value a scalar)."""
    g = nx.MultiDiGraph()
    for n in all_nodes(sub):
        attrs = {"label": caption(n), "node_label": n.label, "key": n.key}
        attrs.update(rename(flat_props(n.label, n.properties), _XML_NODE_FIELDS))
        g.add_node(n.id, **attrs)
    for i, e in enumerate(sorted_edges(sub)):
        attrs = {"label": e.type, "type": e.type}
        attrs.update(rename(flat_props(e.type, e.properties, edge=True), _XML_EDGE_FIELDS))
        g.add_edge(e.source, e.target, key=f"e{i}", **attrs)
    return g


def write_graphml(sub: Subgraph, path: Path) -> None:
    nx.write_graphml(graphml_graph(sub), str(path), encoding="utf-8", prettyprint=True)
