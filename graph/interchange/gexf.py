"""GEXF 1.3 (read back with networkx.read_gexf, Gephi): as GraphML, the node's
caption is its `label`, the schema label `node_label`; an edge's type is its
`label` and `kind`."""

from __future__ import annotations

import time
from pathlib import Path
from xml.etree import ElementTree as ET

from graph.core.model import Subgraph
from graph.interchange.props import (
    GENERATOR,
    all_nodes,
    caption,
    flat_props,
    rename,
    sorted_edges,
    style,
)

# networkx 3.6 writes version="1.3" with a misspelt XML Schema instance namespace
# (http://w3.org/2001/...), a graph `name` attribute the 1.3 schema does not
# allow and multigraph keys as an extra `key` attribute; so this module writes
# the file itself. networkx.read_gexf reads it back.
GEXF_NS = "http://gexf.net/1.3"
GEXF_VIZ_NS = "http://gexf.net/1.3/viz"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
GEXF_SCHEMA_LOCATION = "http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd"
_GEXF_SHAPES = {"dot": "disc", "ellipse": "disc", "square": "square", "box": "square",
                "triangle": "triangle", "diamond": "diamond"}


def _gexf_columns(rows: list[dict]) -> dict[str, str]:
    """Attribute title -> GEXF type, from the values written (already cast to
    their schema kinds): all integers -> long, numbers -> double, else string."""
    seen: dict[str, set] = {}
    for props in rows:
        for p, value in props.items():
            seen.setdefault(p, set()).add(type(value))
    out = {}
    for p, types in seen.items():
        if types == {bool}:
            out[p] = "boolean"
        elif types == {int}:
            out[p] = "long"
        elif types <= {int, float}:
            out[p] = "double"
        else:
            out[p] = "string"
    return out


def _gexf_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v)
    return str(v)


def gexf_tree(sub: Subgraph, *, description: str = "") -> ET.ElementTree:
    ET.register_namespace("", GEXF_NS)
    ET.register_namespace("viz", GEXF_VIZ_NS)
    ET.register_namespace("xsi", XSI_NS)
    q = lambda tag: f"{{{GEXF_NS}}}{tag}"  # noqa: E731
    v = lambda tag: f"{{{GEXF_VIZ_NS}}}{tag}"  # noqa: E731
    root = ET.Element(q("gexf"), {"version": "1.3",
                                  f"{{{XSI_NS}}}schemaLocation": GEXF_SCHEMA_LOCATION})
    meta = ET.SubElement(root, q("meta"), lastmodifieddate=time.strftime("%Y-%m-%d"))
    ET.SubElement(meta, q("creator")).text = GENERATOR
    if description:
        ET.SubElement(meta, q("description")).text = description
    graph = ET.SubElement(root, q("graph"), defaultedgetype="directed", mode="static")

    nodes = [(n, {"node_label": n.label, "key": n.key,
                  **rename(flat_props(n.label, n.properties), {"node_label", "key"})})
             for n in all_nodes(sub)]
    edges = [(e, {"rel_type": e.type,
                  **rename(flat_props(e.type, e.properties, edge=True), {"rel_type"})})
             for e in sorted_edges(sub)]
    columns = {}
    for cls, rows in (("node", [a for _, a in nodes]), ("edge", [a for _, a in edges])):
        cols = _gexf_columns(rows)
        block = ET.SubElement(graph, q("attributes"), {"class": cls, "mode": "static"})
        ids = {}
        for i, (title, typ) in enumerate(sorted(cols.items())):
            ids[title] = str(i)
            ET.SubElement(block, q("attribute"), id=str(i), title=title, type=typ)
        columns[cls] = ids

    nodes_el = ET.SubElement(graph, q("nodes"), count=str(len(nodes)))
    for n, attrs in nodes:
        el = ET.SubElement(nodes_el, q("node"), id=n.id, label=caption(n))
        vals = ET.SubElement(el, q("attvalues"))
        for title, value in sorted(attrs.items()):
            ET.SubElement(vals, q("attvalue"), {"for": columns["node"][title],
                                                "value": _gexf_value(value)})
        color, shape = style(n.label)
        r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
        ET.SubElement(el, v("color"), r=str(r), g=str(g), b=str(b))
        ET.SubElement(el, v("size"), value="10.0")
        ET.SubElement(el, v("shape"), value=_GEXF_SHAPES.get(shape, "disc"))
    edges_el = ET.SubElement(graph, q("edges"), count=str(len(edges)))
    for i, (e, attrs) in enumerate(edges):
        el = ET.SubElement(edges_el, q("edge"), id=f"e{i}", source=e.source, target=e.target,
                           label=e.type, kind=e.type)
        vals = ET.SubElement(el, q("attvalues"))
        for title, value in sorted(attrs.items()):
            ET.SubElement(vals, q("attvalue"), {"for": columns["edge"][title],
                                                "value": _gexf_value(value)})
    ET.indent(root)
    return ET.ElementTree(root)


def write_gexf(sub: Subgraph, path: Path) -> None:
    gexf_tree(sub).write(str(path), encoding="utf-8", xml_declaration=True)
