"""networkx node-link JSON (read back with networkx.node_link_graph, D3)."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx

from graph.core.model import Subgraph
from graph.interchange.props import GENERATOR, all_nodes, caption, flat_props, sorted_edges


def node_link(sub: Subgraph) -> dict:
    """networkx's node-link data: nodes with id, label, key, caption and
    properties; edges with source, target, key, type and properties."""
    g = nx.MultiDiGraph(generator=GENERATOR)
    for n in all_nodes(sub):
        g.add_node(n.id, label=n.label, key=n.key, caption=caption(n),
                   properties=flat_props(n.label, n.properties))
    for i, e in enumerate(sorted_edges(sub)):
        g.add_edge(e.source, e.target, key=f"e{i}", type=e.type,
                   properties=flat_props(e.type, e.properties, edge=True))
    return nx.node_link_data(g, edges="edges")


def write_node_link(sub: Subgraph, path: Path) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(node_link(sub), f, ensure_ascii=False, indent=1)
