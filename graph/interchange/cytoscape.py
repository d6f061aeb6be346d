"""Cytoscape.js elements JSON (also read by Cytoscape desktop). An edge's `source` is
its start node here, so the provenance is called `provenance` (on nodes too)."""

from __future__ import annotations

import json
from pathlib import Path

from graph.core.model import Subgraph
from graph.core.schema import SOURCE
from graph.interchange.props import (
    GENERATOR,
    all_nodes,
    caption,
    flat_props,
    rename,
    sorted_edges,
    style,
)

_CY_NODE_FIELDS = {"id", "label", "key", "caption", "color", "shape", "parent"}
_CY_EDGE_FIELDS = {"id", "source", "target", "type", "interaction", "label"}


def cytoscape(sub: Subgraph) -> dict:
    """Cytoscape.js elements JSON (also imported by Cytoscape desktop)."""
    nodes, edges = [], []
    for n in all_nodes(sub):
        color, shape = style(n.label)
        data = {"id": n.id, "label": n.label, "key": n.key, "caption": caption(n),
                "color": color, "shape": shape}
        data.update(rename(flat_props(n.label, n.properties), _CY_NODE_FIELDS,
                            {SOURCE: "provenance"}))
        nodes.append({"data": data, "classes": n.label})
    for i, e in enumerate(sorted_edges(sub)):
        data = {"id": f"e{i}", "source": e.source, "target": e.target, "type": e.type,
                "interaction": e.type}
        data.update(rename(flat_props(e.type, e.properties, edge=True), _CY_EDGE_FIELDS,
                            {SOURCE: "provenance"}))
        edges.append({"data": data, "classes": e.type})
    return {"format_version": "1.0", "generated_by": GENERATOR,
            "target_cytoscapejs_version": "~3", "data": {"name": GENERATOR},
            "elements": {"nodes": nodes, "edges": edges}}


def write_cytoscape(sub: Subgraph, path: Path) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(cytoscape(sub), f, ensure_ascii=False, indent=1)
