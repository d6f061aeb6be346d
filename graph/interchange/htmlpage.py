"""The standalone HTML page: one self-contained file that opens with no network.

`standalone_page` is the one pipeline: the export's page (`html_page`, here) and the
app's page (ui.graphview.standalone_html, the app's own graph.js) both come from it.
Every name and value is escaped here or travels as inert JSON (graph.core.text.
script_json) that the page's code places as text; the Content Security Policy lets
only the page's own scripts run, by their SHA-256, and forbids every fetch.
"""

from __future__ import annotations

import base64
import hashlib
import html
from functools import cache
from importlib import resources
from pathlib import Path

from graph.analysis.layout import LAYOUT_THRESHOLD, server_layout
from graph.core.model import Subgraph
from graph.core.schema import SOURCE
from graph.core.text import script_json
from graph.interchange.props import GENERATOR, all_nodes, caption, flat_props, sorted_edges, style

VIS_VERSION = "9.1.2"
DATA_ID = "graph-data"  # the element holding the page's data as JSON


@cache
def vis_network_js() -> str:
    """vis-network's standalone build, from the copy the pyvis package ships, without
    its source-map comment (a browser must not go looking for the .map file)."""
    path = resources.files("pyvis") / "templates" / "lib" / f"vis-{VIS_VERSION}" / \
        "vis-network.min.js"
    text = path.read_text(encoding="utf-8")
    # split("\n"), not splitlines(): the bundle holds U+2028 and friends in strings.
    return "\n".join(ln for ln in text.split("\n")
                     if not ln.startswith("//# sourceMappingURL"))


def _sha256(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode() + "'"


def _table(headings, rows) -> str:
    esc = html.escape
    head = "".join(f"<th>{esc(str(h))}</th>" for h in headings)
    body = "".join("<tr>" + "".join(f"<td>{esc(str(c))}</td>" for c in row) + "</tr>"
                   for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def standalone_page(*, title: str, data, scripts, css: str, lines=(), legend=(), tables=(),
                    tables_caption: str = "Tables", tables_open: bool = False,
                    aside: bool = False, lang: str = "en", img_src: str = "data:") -> str:
    """The page: `title`, `lines` of text under it, a `legend` of (text, colour), the
    graph drawn by `scripts` from `data` (JSON in the element with id DATA_ID),
    `tables` of (headings, rows) under a `tables_caption`. Every text is escaped;
    `scripts` and `css` are the project's own code."""
    esc = html.escape
    for script in scripts:
        if "</script" in script.lower():
            raise ValueError("a page script would close its own element")
    csp = (f"default-src 'none'; script-src {' '.join(_sha256(s) for s in scripts)}; "
           f"style-src 'unsafe-inline'; img-src {img_src}; base-uri 'none'; "
           "form-action 'none'")
    meta = "".join(f"\n<div>{esc(x)}</div>" for x in lines)
    keys = "".join(f'<span><i style="background:{esc(color)}"></i>{esc(text)}</span>'
                   for text, color in legend)
    listed = "\n".join(_table(h, rows) for h, rows in tables)
    code = "\n".join(f"<script>{s}</script>" for s in scripts)
    return f"""<!DOCTYPE html>
<html lang="{esc(lang)}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{esc(csp)}">
<meta name="generator" content="{GENERATOR}">
<title>{esc(title)}</title>
<style>{css}</style>
</head>
<body>
<header><h1>{esc(title)}</h1>{meta}
<div class="legend">{keys}</div></header>
<main><div id="graph"></div>{'<aside id="details"></aside>' if aside else ''}</main>
<details{' open' if tables_open else ''}><summary>{esc(tables_caption)}</summary>
{listed}
</details>
<script id="{DATA_ID}" type="application/json">{script_json(data)}</script>
{code}
</body>
</html>
"""


# --- the export's page ------------------------------------------------------------------
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
    """The export's page: vis-network and a small viewer of its own (click a node or
    an edge for its details), the nodes and edges also as tables with their sources."""
    nodes = []
    for n in all_nodes(sub):
        color, shape = style(n.label)
        nodes.append({"id": n.id, "label": n.label, "key": n.key, "caption": caption(n),
                      "color": color, "shape": shape,
                      "properties": flat_props(n.label, n.properties)})
    edges = [{"source": e.source, "target": e.target, "type": e.type,
              "properties": flat_props(e.type, e.properties, edge=True)}
             for e in sorted_edges(sub)]
    if len(nodes) > LAYOUT_THRESHOLD:  # big graphs open at once, as in the app
        pos = server_layout([n["id"] for n in nodes], [(e["source"], e["target"]) for e in edges])
        for n in nodes:
            n["x"], n["y"] = pos[n["id"]]
    return standalone_page(
        title=title, data={"nodes": nodes, "edges": edges},
        scripts=(vis_network_js(), _APP_JS), css=_CSS, aside=True,
        lines=(f"{len(nodes)} nodes, {len(edges)} edges. "
               "Click a node or an edge for its details.",),
        legend=[(lb, style(lb)[0]) for lb in sorted({n["label"] for n in nodes})],
        tables_caption="Tables (nodes and edges, with their sources)",
        tables=((("id", "label", "caption", "source"),
                 [(n["id"], n["label"], n["caption"], n["properties"].get(SOURCE, ""))
                  for n in nodes]),
                (("from", "type", "to", "source"),
                 [(e["source"], e["type"], e["target"], e["properties"].get(SOURCE, ""))
                  for e in edges])))


def write_html(sub: Subgraph, path: Path) -> None:
    Path(path).write_text(html_page(sub), encoding="utf-8")
