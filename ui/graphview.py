"""Graph rendering with vis-network: the interactive component and the
standalone HTML export.

vis-network comes from the copy the pyvis package ships (templates/lib), read
at first use and served inline: the app and its exports fetch nothing from
a CDN. Colours, shapes and captions come from graph.core.schema. Names from the
data reach the browser only as JSON data, which ui/static/graph.js places as
text (textContent / canvas), never as HTML.
"""

from __future__ import annotations

import json
import textwrap
from datetime import UTC, datetime
from functools import cache
from importlib import resources

from graph.analysis.layout import _LAYOUTS, LAYOUT_THRESHOLD, server_layout  # noqa: F401 - re-exported
from graph.core import schema
from graph.core.model import Edge, Node, Subgraph
from graph.interchange.htmlpage import DATA_ID, standalone_page, vis_network_js
from ui import auth
from ui.common import caption, ordered_properties
from ui.i18n import label_name, lang, t
from ui.icons import data_uri

COMPONENT_NAME = "customs_graph_network"
MAX_TITLE_PROPS = 14
CAPTION_WIDTH = 24  # characters a caption line holds
BIG_GRAPH_EDGES = 250  # beyond this, straight unlabelled edges (readable, and faster)

# --- assets ---------------------------------------------------------------------
def _static(name: str) -> str:
    return resources.files("ui").joinpath("static", name).read_text(encoding="utf-8")


@cache
def component_js() -> str:
    return vis_network_js() + "\n;\n" + _static("graph.js")


@cache
def graph_css() -> str:
    return _static("graph.css")


@cache
def _component():
    import streamlit as st

    return st.components.v2.component(COMPONENT_NAME, js=component_js(), css=graph_css())


# --- data for the browser -----------------------------------------------------------
def _short(value, width: int = 80) -> str:
    s = "" if value is None else str(value)
    return s if len(s) <= width else s[: width - 1] + "…"


def node_title(node: Node) -> str:
    """Plain-text tooltip: label, key, then the properties."""
    lines = [f"{label_name(node.label)}: {auth.mask_key(node)}"]  # a phone is personal
    shown = 0
    for k, v in ordered_properties(node):
        if k == schema.label(node.label).key:
            continue
        if shown == MAX_TITLE_PROPS:
            lines.append("…")
            break
        lines.append(f"{k}: {_short(v)}")
        shown += 1
    return "\n".join(lines)


def edge_title(edge: Edge) -> str:
    lines = [edge.type]
    lines += [f"{k}: {_short(v)}" for k, v in edge.properties.items() if v not in (None, "")]
    return "\n".join(lines)


def edge_id(edge: Edge) -> str:
    return json.dumps([str(x) for x in edge.id], ensure_ascii=False)


def _lines(text: str, width: int, most: int) -> list[str]:
    """`text` wrapped at `width`, at most `most` lines, the last cut with "…"."""
    lines = textwrap.wrap(text, width, break_long_words=True) or [""]
    if len(lines) > most:
        lines = lines[:most]
        lines[-1] = lines[-1][: width - 1].rstrip() + "…"
    return lines


def _subtitle(node: Node) -> str:
    values = [str(node.properties[p]) for p in schema.label(node.label).subtitle
              if node.properties.get(p) not in (None, "")]
    return " · ".join(values)


def node_caption(node: Node) -> str:
    """What the chart writes under a node: its caption on up to two lines, then the
    properties that say what it is (a declaration's type and date)."""
    lb = schema.label(node.label)
    text = str(node.properties.get(lb.caption) or node.key)
    lines = _lines(text, CAPTION_WIDTH, 2)
    if sub := _subtitle(node):
        lines += _lines(sub, CAPTION_WIDTH + 6, 1)
    return "\n".join(lines)


def node_full_caption(node: Node) -> str:
    """The whole caption, shown while the node is selected."""
    lb = schema.label(node.label)
    text = str(node.properties.get(lb.caption) or node.key)
    lines = textwrap.wrap(text, CAPTION_WIDTH + 8) or [text]
    if sub := _subtitle(node):
        lines += textwrap.wrap(sub, CAPTION_WIDTH + 8)
    return "\n".join(lines)


def view_data(sub: Subgraph, *, key: str, selected: str | None = None, focus: str | None = None,
              pinned=(), expandable: bool = False, height: int = 620,
              filename: str = "customs-graph.png", fit_window: bool = False,
              positions: dict | None = None, notes: dict | None = None) -> dict:
    """The JSON the component draws: nodes, edges, legend and UI text. `positions`
    ({id: (x, y)}, a saved chart's) places the nodes as they were; `notes` ({node id or
    link key: [text]}) marks the noted ones and adds the notes to their tooltips."""
    pinned = set(pinned or ())
    notes = notes or {}
    nodes, edges = [], []
    # Icons up to the size the browser lays out itself; beyond, plain shapes draw faster.
    icons = len(sub.nodes) <= LAYOUT_THRESHOLD
    for n in sorted(sub.nodes.values(), key=lambda x: x.id):
        lb = schema.label(n.label)
        noted = notes.get(n.id)
        nodes.append({"id": n.id, "label": (NOTE_MARK if noted else "") + node_caption(n),
                      "full": (NOTE_MARK if noted else "") + node_full_caption(n),
                      "title": node_title(n) + _note_lines(noted), "color": lb.color,
                      "shape": lb.shape, "pinned": n.id in pinned, "focus": n.id == focus})
        if icons:
            nodes[-1]["image"] = data_uri(lb.name)
        more = sub.left_out.get(n.id)
        if more:
            ghost = f"more::{n.id}"
            nodes.append({"id": ghost, "label": t("common.more", n=more),
                          "title": t("explore.left_out", n=more), "color": "#ffffff",
                          "shape": "box", "more_of": n.id, "size": 10})
            edges.append({"id": ghost, "from": n.id, "to": ghost, "label": "", "title": "",
                          "dashes": True})
    big = len(sub.edges) > BIG_GRAPH_EDGES
    for e in sorted(sub.edges.values(), key=lambda x: (x.source, x.type, x.target, str(x.id))):
        # On a big graph the types go to the tooltips only: labels would hide the picture.
        noted = notes.get(f"{e.source}|{e.type}|{e.target}")
        edges.append({"id": edge_id(e), "from": e.source, "to": e.target,
                      "label": "" if big else (NOTE_MARK if noted else "") + e.type,
                      "title": edge_title(e) + _note_lines(noted)})
    layout = "physics"
    placed = positions or {}
    if sub.nodes and all(i in placed for i in sub.nodes):
        # A saved chart: drawn where the analyst left it (new "+N more" boxes beside).
        layout = "server"
        for n in nodes:
            ref = n.get("more_of") or n["id"]
            x, y = placed[ref]
            n["x"], n["y"] = (x + 60, y + 60) if n.get("more_of") else (x, y)
    elif len(sub.nodes) > LAYOUT_THRESHOLD:
        # Too big for the browser's physics to settle quickly: positions from here,
        # drawn at once with physics off (the toolbar can still turn it on).
        layout = "server"
        pos = server_layout([n["id"] for n in nodes], [(e["from"], e["to"]) for e in edges])
        for n in nodes:
            n["x"], n["y"] = pos[n["id"]]
    present = {n.label for n in sub.nodes.values()}
    legend = [{"text": label_name(lb.name), "color": lb.color, "shape": lb.shape,
               **({"image": data_uri(lb.name)} if icons else {})}
              for lb in schema.LABELS if lb.name in present]
    text = {"fit": t("graph.fit"), "png": t("graph.png"), "freeze": t("graph.freeze"),
            "unfreeze": t("graph.unfreeze"), "pinned": t("graph.pinned") if pinned else "",
            "info": t("common.nodes_edges", n=len(sub.nodes), m=len(sub.edges)),
            "hint": t("graph.hint") if expandable else t("graph.hint_static")}
    return {"key": key, "nodes": nodes, "edges": edges, "legend": legend, "height": height,
            "fit_window": fit_window,
            "big": big, "layout": layout,
            "selected": selected, "expandable": expandable, "text": text, "filename": filename}


NOTE_MARK = "✎ "


def _note_lines(texts) -> str:
    if not texts:
        return ""
    return "\n\n" + "\n".join(f"✎ {_short(x, 200)}" for x in texts)


# --- in the app -------------------------------------------------------------------
def show(sub: Subgraph, *, key: str, selected: str | None = None, focus: str | None = None,
         pinned=(), expandable: bool = False, height: int = 620, on_select=None,
         on_expand=None, fit_window: bool = False, positions: dict | None = None,
         notes: dict | None = None, on_positions=None):
    """Draw `sub`; clicks come back through the callbacks (node id in
    st.session_state[key]["select"] / ["expand"]). With `fit_window` the drawing
    is as tall as the browser window allows (`height` at least)."""
    data = view_data(sub, key=key, selected=selected, focus=focus, pinned=pinned,
                     expandable=expandable, height=height, filename=f"{key}.png",
                     fit_window=fit_window, positions=positions, notes=notes)
    kw = {}
    if on_positions is not None:  # the browser then reports where the nodes are
        data["report_positions"] = True
        kw["on_positions_change"] = on_positions
    mount = _component()
    return mount(key=key, data=data, height=height + 40,
                 on_select_change=on_select or _noop, on_expand_change=on_expand or _noop, **kw)


def _noop() -> None:
    pass


def event(key: str, name: str):
    """A trigger value the component sent (inside its callback)."""
    import streamlit as st

    value = st.session_state.get(key)
    try:
        return value.get(name) if value is not None else None
    except AttributeError:
        return getattr(value, name, None)


# --- standalone export --------------------------------------------------------------
def standalone_html(sub: Subgraph, title: str | None = None) -> str:
    """The app's offline page of `sub`: the export's page (graph.interchange.htmlpage,
    one pipeline) drawn by the app's own graph.js, in the app's language."""
    title = title or t("export.report_title")
    data = view_data(sub, key="export", height=760, filename="customs-graph.png")
    data["text"]["hint"] = t("graph.hint_static")
    module = _static("graph.js")
    marker = "export default function (component)"
    if marker not in module:
        raise RuntimeError("ui/static/graph.js: default export not found")
    mount = module.replace(marker, "globalThis.__customsGraphMount = function (component)") + (
        f'\n__customsGraphMount({{data: JSON.parse(document.getElementById("{DATA_ID}")'
        '.textContent),\n  parentElement: document.getElementById("graph"),\n'
        "  setStateValue: function () {}, setTriggerValue: function () {}});\n")
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    rows = [(label_name(n.label), n.key, caption(n))
            for n in sorted(sub.nodes.values(), key=lambda x: x.id)]
    return standalone_page(
        title=title, data=data, scripts=(vis_network_js(), mount), css=_PAGE_CSS + graph_css(),
        lines=(t("common.nodes_edges", n=len(sub.nodes), m=len(sub.edges)) + " · " + stamp,),
        tables=(((t("common.labels"), "key", t("paths.entity")), rows),),
        tables_caption=t("common.table"), tables_open=True, lang=lang(),
        img_src="data: blob:")


_PAGE_CSS = """
body { margin: 0; padding: 16px 24px; font-family: "Segoe UI", Arial, sans-serif;
       color: #1b2631; background: #f3f5f7; }
h1 { font-size: 20px; margin: 0 0 4px; }
header div { color: #56636f; font-size: 13px; margin-bottom: 12px; }
table { border-collapse: collapse; margin-top: 16px; font-size: 13px; background: #fff; }
td, th { border: 1px solid #d5dce3; padding: 3px 8px; text-align: left; }
"""
