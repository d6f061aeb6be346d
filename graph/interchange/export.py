"""Subgraph exports. Each format is one function from a Subgraph to a file,
registered in `FORMATS`; `write(sub, fmt, path)` picks one.

Every format carries each node's label, key, caption and properties, each
edge's type and properties, and the provenance of both (the `source`
property: "file.csv:line"). Derived search fields are left out.

| format      | file                     | read back with                      |
| ----------- | ------------------------ | ----------------------------------- |
| `json`      | the CLI's `--json` shape | `json`                              |
| `graphml`   | GraphML                  | `networkx.read_graphml`, yEd, Gephi |
| `gexf`      | GEXF 1.3                 | `networkx.read_gexf`, Gephi         |
| `nodelink`  | node-link JSON           | `networkx.node_link_graph`, D3      |
| `cytoscape` | Cytoscape.js JSON        | `json`, Cytoscape, Cytoscape.js     |
| `csv`       | zip of nodes.csv + edges.csv | `csv`, spreadsheets             |
| `html`      | one self-contained page  | any browser, offline                |

Names in the XML formats: Gephi and yEd draw the attribute called `label`, so
in GraphML and GEXF `label` is the node's caption (its name) and the schema
label is `node_label`; an edge's `label` is its relationship type (GraphML
also has `type`, GEXF also `kind`). In Cytoscape JSON, where an edge's
`source` is its start node, the provenance is called `provenance` (on nodes
too, for one name per format).
"""

from __future__ import annotations

import base64
import csv
import hashlib
import html
import io
import json
import os
import tempfile
import time
import zipfile
from importlib import resources
from pathlib import Path
from xml.etree import ElementTree as ET

import networkx as nx

from graph.analysis.layout import LAYOUT_THRESHOLD, server_layout
from graph.core import schema
from graph.core.model import Edge, Node, Subgraph
from graph.core.schema import FLOAT, INT, REF, SEARCH, SOURCE, STR
from graph.core.text import clean, csv_cell, has_controls

GENERATOR = "customs-graph"
_DERIVED = (SEARCH, REF)


# --- shared helpers -------------------------------------------------------------
def _kind(owner: str, prop: str, *, edge: bool) -> str | None:
    """The schema kind (str/int/float) of a property; None when the schema has none."""
    try:
        thing = schema.rel_type(owner) if edge else schema.label(owner)
    except schema.SchemaError:
        return None
    return thing.all_props().get(prop)


def _scalar(value, kind: str | None):
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
        v = _scalar(v, _kind(owner, p, edge=edge))
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


def _style(label: str) -> tuple[str, str]:
    try:
        lb = schema.label(label)
        return lb.color, lb.shape
    except schema.SchemaError:
        return "#999999", "dot"


def _sorted_nodes(sub: Subgraph) -> list[Node]:
    return sorted(sub.nodes.values(), key=lambda n: n.id)


def _sorted_edges(sub: Subgraph) -> list[Edge]:
    return sorted(sub.edges.values(), key=lambda e: (e.source, e.type, e.target, str(e.id)))


def _endpoints(sub: Subgraph) -> list[Node]:
    """Nodes named by an edge but missing from the subgraph, so that every
    format stays self-consistent."""
    missing = {}
    for e in sub.edges.values():
        for end in (e.source, e.target):
            if end not in sub.nodes and end not in missing:
                label, key = end.split(":", 1) if ":" in end else ("", end)
                missing[end] = Node(label, key, {})
    return [missing[k] for k in sorted(missing)]


def _all_nodes(sub: Subgraph) -> list[Node]:
    return sorted(_sorted_nodes(sub) + _endpoints(sub), key=lambda n: n.id)


def _rename(props: dict, reserved: set, renames: dict | None = None) -> dict:
    out = {}
    for p, v in props.items():
        name = (renames or {}).get(p, p)
        while name in reserved or name in out:
            name = "prop_" + name
        out[name] = v
    return out


# --- json (the CLI's shape) -------------------------------------------------------
def write_json(sub: Subgraph, path: Path) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(sub.to_json(), f, ensure_ascii=False, indent=2)


# --- GraphML -------------------------------------------------------------------
_XML_NODE_FIELDS = {"label", "node_label", "key"}
_XML_EDGE_FIELDS = {"label", "type", "kind", "id"}


def graphml_graph(sub: Subgraph) -> nx.MultiDiGraph:
    """The flat-attributed graph written as GraphML (every value a scalar)."""
    g = nx.MultiDiGraph()
    for n in _all_nodes(sub):
        attrs = {"label": caption(n), "node_label": n.label, "key": n.key}
        attrs.update(_rename(flat_props(n.label, n.properties), _XML_NODE_FIELDS))
        g.add_node(n.id, **attrs)
    for i, e in enumerate(_sorted_edges(sub)):
        attrs = {"label": e.type, "type": e.type}
        attrs.update(_rename(flat_props(e.type, e.properties, edge=True), _XML_EDGE_FIELDS))
        g.add_edge(e.source, e.target, key=f"e{i}", **attrs)
    return g


def write_graphml(sub: Subgraph, path: Path) -> None:
    nx.write_graphml(graphml_graph(sub), str(path), encoding="utf-8", prettyprint=True)


# --- GEXF 1.3 ------------------------------------------------------------------
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
                  **_rename(flat_props(n.label, n.properties), {"node_label", "key"})})
             for n in _all_nodes(sub)]
    edges = [(e, {"rel_type": e.type,
                  **_rename(flat_props(e.type, e.properties, edge=True), {"rel_type"})})
             for e in _sorted_edges(sub)]
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
        color, shape = _style(n.label)
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


# --- node-link JSON ----------------------------------------------------------------
def node_link(sub: Subgraph) -> dict:
    """networkx's node-link data: nodes with id, label, key, caption and
    properties; edges with source, target, key, type and properties."""
    g = nx.MultiDiGraph(generator=GENERATOR)
    for n in _all_nodes(sub):
        g.add_node(n.id, label=n.label, key=n.key, caption=caption(n),
                   properties=flat_props(n.label, n.properties))
    for i, e in enumerate(_sorted_edges(sub)):
        g.add_edge(e.source, e.target, key=f"e{i}", type=e.type,
                   properties=flat_props(e.type, e.properties, edge=True))
    return nx.node_link_data(g, edges="edges")


def write_node_link(sub: Subgraph, path: Path) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(node_link(sub), f, ensure_ascii=False, indent=1)


# --- Cytoscape.js JSON ----------------------------------------------------------------
_CY_NODE_FIELDS = {"id", "label", "key", "caption", "color", "shape", "parent"}
_CY_EDGE_FIELDS = {"id", "source", "target", "type", "interaction", "label"}


def cytoscape(sub: Subgraph) -> dict:
    """Cytoscape.js elements JSON (also imported by Cytoscape desktop)."""
    nodes, edges = [], []
    for n in _all_nodes(sub):
        color, shape = _style(n.label)
        data = {"id": n.id, "label": n.label, "key": n.key, "caption": caption(n),
                "color": color, "shape": shape}
        data.update(_rename(flat_props(n.label, n.properties), _CY_NODE_FIELDS,
                            {SOURCE: "provenance"}))
        nodes.append({"data": data, "classes": n.label})
    for i, e in enumerate(_sorted_edges(sub)):
        data = {"id": f"e{i}", "source": e.source, "target": e.target, "type": e.type,
                "interaction": e.type}
        data.update(_rename(flat_props(e.type, e.properties, edge=True), _CY_EDGE_FIELDS,
                            {SOURCE: "provenance"}))
        edges.append({"data": data, "classes": e.type})
    return {"format_version": "1.0", "generated_by": GENERATOR,
            "target_cytoscapejs_version": "~3", "data": {"name": GENERATOR},
            "elements": {"nodes": nodes, "edges": edges}}


def write_cytoscape(sub: Subgraph, path: Path) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(cytoscape(sub), f, ensure_ascii=False, indent=1)


# --- CSV (zip of nodes.csv and edges.csv) ----------------------------------------------
def csv_tables(sub: Subgraph) -> dict[str, str]:
    """nodes.csv and edges.csv as text: fixed columns first, then one column per
    property name (sorted)."""
    nodes = [(n, flat_props(n.label, n.properties)) for n in _all_nodes(sub)]
    edges = [(e, flat_props(e.type, e.properties, edge=True)) for e in _sorted_edges(sub)]
    out = {}
    fixed_n = ["id", "label", "key", "caption", SOURCE]
    fixed_e = ["from", "to", "type", SOURCE]
    for name, fixed, rows, first in (("nodes.csv", fixed_n, nodes, True),
                                     ("edges.csv", fixed_e, edges, False)):
        extra = sorted({p for _, props in rows for p in props} - set(fixed))
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(fixed + extra)
        for thing, props in rows:
            if first:
                head = [thing.id, thing.label, thing.key, caption(thing)]
            else:
                head = [thing.source, thing.target, thing.type]
            w.writerow([csv_cell(x) for x in head + [props.get(SOURCE)]
                        + [props.get(p) for p in extra]])
        out[name] = buf.getvalue()
    return out


def write_csv_zip(sub: Subgraph, path: Path) -> None:
    """A zip holding nodes.csv and edges.csv (UTF-8 with a byte-order mark, so
    spreadsheets show Vietnamese names right)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, text in csv_tables(sub).items():
            z.writestr(_zip_info(name), "\ufeff" + text)


def _zip_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


# --- standalone HTML --------------------------------------------------------------
_VIS_JS = ("pyvis", "templates/lib/vis-9.1.2/vis-network.min.js")


def _vis_network_js() -> str:
    return (resources.files(_VIS_JS[0]) / _VIS_JS[1]).read_text(encoding="utf-8")


def _script_json(data) -> str:
    """JSON safe inside a <script type="application/json"> element: no `<`, `>`,
    `&` or line separators survive literally, so no value can close the element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                    ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


_APP_JS = r"""
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("graph-data").textContent);
  function el(tag, text) {
    var e = document.createElement(tag);
    if (text !== undefined) { e.textContent = String(text); }
    return e;
  }
  function table(rows) {
    var t = el("table");
    rows.forEach(function (r) {
      var tr = el("tr"); tr.appendChild(el("th", r[0])); tr.appendChild(el("td", r[1]));
      t.appendChild(tr);
    });
    return t;
  }
  function tip(title, rows) {
    var d = el("div"); d.appendChild(el("strong", title)); d.appendChild(table(rows));
    return d;
  }
  var byId = {};
  var nodes = data.nodes.map(function (n) {
    byId[n.id] = n;
    var rows = [["label", n.label], ["key", n.key]].concat(
      Object.keys(n.properties).sort().map(function (k) { return [k, n.properties[k]]; }));
    return {id: n.id, label: n.caption, group: n.label, shape: n.shape,
            color: n.color, title: tip(n.id, rows)};
  });
  var edges = data.edges.map(function (e, i) {
    var rows = Object.keys(e.properties).sort().map(function (k) {
      return [k, e.properties[k]]; });
    return {id: "e" + i, from: e.source, to: e.target, label: e.type, arrows: "to",
            title: tip(e.type, rows), raw: e};
  });
  var laid = data.nodes.length && data.nodes[0].x !== undefined;
  if (laid) {  // laid out on the server: drawn at once, physics off
    data.nodes.forEach(function (n, i) { nodes[i].x = n.x; nodes[i].y = n.y; });
  }
  var big = nodes.length > 500;
  var network = new vis.Network(document.getElementById("graph"), {
    nodes: new vis.DataSet(nodes), edges: new vis.DataSet(edges)}, {
    layout: {improvedLayout: !big && !laid},
    physics: laid ? false : {stabilization: {iterations: big ? 100 : 300},
              barnesHut: {gravitationalConstant: -8000, springLength: 120}},
    nodes: {font: {size: 12}, size: 14},
    edges: {font: {size: 8, align: "middle"}, color: {inherit: false, color: "#999999"},
            smooth: false},
    interaction: {hover: true, tooltipDelay: 150}
  });
  network.once("stabilizationIterationsDone", function () {
    network.setOptions({physics: false});
  });
  var panel = document.getElementById("details");
  network.on("click", function (params) {
    panel.textContent = "";
    if (params.nodes.length) {
      var n = byId[params.nodes[0]];
      panel.appendChild(el("h2", n.caption));
      panel.appendChild(table([["id", n.id], ["label", n.label], ["key", n.key]].concat(
        Object.keys(n.properties).sort().map(function (k) { return [k, n.properties[k]]; }))));
    } else if (params.edges.length) {
      var e = edges.filter(function (x) { return x.id === params.edges[0]; })[0].raw;
      panel.appendChild(el("h2", e.type));
      panel.appendChild(table([["from", e.source], ["to", e.target]].concat(
        Object.keys(e.properties).sort().map(function (k) { return [k, e.properties[k]]; }))));
    }
  });
  window.customsGraph = {network: network, ready: true};
})();
"""

_CSS = """
body{font-family:system-ui,sans-serif;margin:0;display:flex;flex-direction:column;height:100vh}
header{padding:6px 12px;border-bottom:1px solid #ddd}
header h1{font-size:16px;margin:0}
main{flex:1;display:flex;min-height:0}
#graph{flex:1;min-width:0}
aside{width:320px;overflow:auto;border-left:1px solid #ddd;padding:8px;font-size:12px}
table{border-collapse:collapse}th,td{text-align:left;vertical-align:top;padding:1px 4px}
th{color:#555;font-weight:normal}
.legend span{display:inline-block;margin-right:10px;font-size:12px}
.legend i{display:inline-block;width:10px;height:10px;border-radius:5px;margin-right:3px}
.vis-tooltip{position:absolute;visibility:hidden;padding:5px;white-space:nowrap;
font-size:12px;background:#fffff0;border:1px solid #808074;border-radius:3px;
box-shadow:3px 3px 10px rgba(0,0,0,.2);pointer-events:none;z-index:5}
details{padding:6px 12px;font-size:12px;border-top:1px solid #ddd;max-height:30vh;overflow:auto}
"""


def html_page(sub: Subgraph, title: str = "customs-graph export") -> str:
    """One self-contained page: vis-network inlined, the graph as inert JSON,
    every name and value drawn as text (never parsed as HTML), and a Content
    Security Policy that lets only the page's own two scripts run and forbids
    every network fetch."""
    nodes = []
    for n in _all_nodes(sub):
        color, shape = _style(n.label)
        nodes.append({"id": n.id, "label": n.label, "key": n.key, "caption": caption(n),
                      "color": color, "shape": shape,
                      "properties": flat_props(n.label, n.properties)})
    edges = [{"source": e.source, "target": e.target, "type": e.type,
              "properties": flat_props(e.type, e.properties, edge=True)}
             for e in _sorted_edges(sub)]
    if len(nodes) > LAYOUT_THRESHOLD:  # big graphs open at once, as in the app
        pos = server_layout([n["id"] for n in nodes], [(e["source"], e["target"]) for e in edges])
        for n in nodes:
            n["x"], n["y"] = pos[n["id"]]
    vis_js = _vis_network_js()
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode() + "'"
        for s in (vis_js, _APP_JS))
    csp = (f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; "
           "img-src data:; base-uri 'none'; form-action 'none'")
    payload = _script_json({"nodes": nodes, "edges": edges})
    esc = html.escape
    labels = sorted({n["label"] for n in nodes})
    legend = "".join(f'<span><i style="background:{esc(_style(lb)[0])}"></i>{esc(lb)}</span>'
                     for lb in labels)
    rows_n = "".join(
        f"<tr><td>{esc(n['id'])}</td><td>{esc(n['label'])}</td><td>{esc(n['caption'])}</td>"
        f"<td>{esc(str(n['properties'].get(SOURCE, '')))}</td></tr>" for n in nodes)
    rows_e = "".join(
        f"<tr><td>{esc(e['source'])}</td><td>{esc(e['type'])}</td><td>{esc(e['target'])}</td>"
        f"<td>{esc(str(e['properties'].get(SOURCE, '')))}</td></tr>" for e in edges)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{esc(csp)}">
<meta name="generator" content="{GENERATOR}">
<title>{esc(title)}</title>
<style>{_CSS}</style>
</head>
<body>
<header><h1>{esc(title)}</h1>
<div>{len(nodes)} nodes, {len(edges)} edges. Click a node or an edge for its details.</div>
<div class="legend">{legend}</div></header>
<main><div id="graph"></div><aside id="details"></aside></main>
<details><summary>Tables (nodes and edges, with their sources)</summary>
<table><tr><th>id</th><th>label</th><th>caption</th><th>source</th></tr>{rows_n}</table>
<table><tr><th>from</th><th>type</th><th>to</th><th>source</th></tr>{rows_e}</table>
</details>
<script id="graph-data" type="application/json">{payload}</script>
<script>{vis_js}</script>
<script>{_APP_JS}</script>
</body>
</html>
"""


def write_html(sub: Subgraph, path: Path) -> None:
    Path(path).write_text(html_page(sub), encoding="utf-8")


FORMATS = {
    "json": write_json,
    "graphml": write_graphml,
    "gexf": write_gexf,
    "nodelink": write_node_link,
    "cytoscape": write_cytoscape,
    "csv": write_csv_zip,
    "html": write_html,
}

# The file name suffix each format is written with (in case packages, for instance).
EXTENSIONS = {"json": ".json", "graphml": ".graphml", "gexf": ".gexf",
              "nodelink": ".nodelink.json", "cytoscape": ".cyjs", "csv": ".csv.zip",
              "html": ".html"}


def write(sub: Subgraph, fmt: str, path) -> None:
    """Write `sub` as `fmt` to `path`, all or nothing: the file is written beside
    `path` under a temporary name and renamed over it only when complete."""
    path = Path(path)
    writer = FORMATS[fmt]
    sub = sanitised(sub)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    try:
        writer(sub, Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --- control characters -------------------------------------------------------------
def _clean_value(v):
    if isinstance(v, str):
        return clean(v)
    if isinstance(v, list | tuple):
        return [_clean_value(x) for x in v]
    if isinstance(v, dict):
        return {clean(str(k)): _clean_value(x) for k, x in v.items()}
    return v


def _dirty(v) -> bool:
    if isinstance(v, str):
        return has_controls(v)
    if isinstance(v, list | tuple):
        return any(_dirty(x) for x in v)
    if isinstance(v, dict):
        return any(_dirty(str(k)) or _dirty(x) for k, x in v.items())
    return False


def sanitised(sub: Subgraph) -> Subgraph:
    """`sub` with every control character (graph.core.text.CONTROLS) in labels, keys,
    ids, property names and values replaced by a space, so that every format is
    valid (XML 1.0 cannot carry them at all); `sub` itself when it holds none.
    Stores loaded before the loader cleaned such characters may still hold them."""
    nodes, edges = list(sub.nodes.values()), list(sub.edges.values())
    if not any(_dirty([n.label, n.key, n.properties]) for n in nodes) and not any(
            _dirty([e.source, e.target, e.type, e.properties]) for e in edges):
        return sub
    out = Subgraph(left_out={clean(k): v for k, v in sub.left_out.items()},
                   left_out_by_type={clean(k): dict(v) for k, v in sub.left_out_by_type.items()})
    for n in nodes:
        out.add_node(Node(clean(n.label), clean(n.key), _clean_value(n.properties)))
    for e in edges:
        out.add_edge(Edge(clean(e.source), clean(e.target), clean(e.type),
                          _clean_value(e.properties)))
    return out
