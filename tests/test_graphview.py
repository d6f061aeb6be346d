"""The graph view's payload: the server-side layout of big graphs (ui.graphview)."""

from __future__ import annotations

import html
import json
import math
import random
import re

import pytest

from graph.core import schema
from graph.core.model import Edge, Node, Subgraph
from ui import graphview
from ui.graphview import LAYOUT_THRESHOLD, server_layout, standalone_html, view_data


def synthetic_subgraph(n: int, seed: int = 1) -> Subgraph:
    """A customs-like graph of exactly `n` nodes: companies and the declarations they
    lodge (trees), officers and phones shared between companies (cycles), and a few
    stray pairs (more than one connected component). Deterministic for a seed."""
    rnd = random.Random(seed)
    sub = Subgraph()
    companies: list[str] = []

    def add(label: str, key: str, **props) -> str:
        node = Node(label, key, props)
        sub.add_node(node)
        return node.id

    while len(sub.nodes) < n:
        i = len(sub.nodes)
        roll = rnd.random()
        if not companies or roll < 0.08:
            cid = add("Company", f"C{i:05d}", name=f"Trading company {i}")
            if companies:
                sub.add_edge(Edge(cid, rnd.choice(companies), "CONSIGNED_TO"))
            companies.append(cid)
        elif roll < 0.70:
            did = add("Declaration", f"D{i:05d}")
            sub.add_edge(Edge(rnd.choice(companies[-12:]), did, "DECLARED"))
        elif roll < 0.85:
            pid = add("Person", f"P{i:05d}", full_name=f"Person {i}")
            for cid in rnd.sample(companies, min(len(companies), rnd.choice((1, 1, 2)))):
                sub.add_edge(Edge(pid, cid, "OFFICER_OF", {"role": "director"}))
        elif roll < 0.97:
            phone = add("Phone", f"+8490{i:07d}")
            for cid in rnd.sample(companies, min(len(companies), rnd.choice((1, 2, 3)))):
                sub.add_edge(Edge(cid, phone, "HAS_PHONE"))
        else:  # a stray pair, of its own
            a = add("Person", f"Q{i:05d}", full_name=f"Stray {i}")
            if len(sub.nodes) < n:
                b = add("Phone", f"+8491{i:07d}")
                sub.add_edge(Edge(a, b, "HAS_PHONE"))
    return sub


def _positions(data: dict) -> dict[str, tuple[float, float]]:
    return {n["id"]: (n["x"], n["y"]) for n in data["nodes"]}


def test_small_graphs_keep_the_browser_physics():
    data = view_data(synthetic_subgraph(300), key="g")
    assert data["layout"] == "physics"
    assert not any("x" in n or "y" in n for n in data["nodes"])


def test_threshold_is_respected():
    at = view_data(synthetic_subgraph(LAYOUT_THRESHOLD), key="g")
    above = view_data(synthetic_subgraph(LAYOUT_THRESHOLD + 1), key="g")
    assert at["layout"] == "physics" and above["layout"] == "server"
    assert all("x" in n for n in above["nodes"])


def test_every_node_is_positioned_apart_and_in_a_sensible_frame():
    sub = synthetic_subgraph(1500)
    sub.left_out[sorted(sub.nodes)[0]] = 40  # a "+40 more" node is placed too
    data = view_data(sub, key="g")
    assert data["layout"] == "server"
    pos = _positions(data)
    assert len(pos) == len(sub.nodes) + 1
    assert all(math.isfinite(x) and math.isfinite(y) for x, y in pos.values())
    # no two nodes on top of each other
    cells = {(round(x / 8), round(y / 8)) for x, y in pos.values()}
    assert len(cells) > 0.97 * len(pos)
    xs = [x for x, _ in pos.values()]
    ys = [y for _, y in pos.values()]
    assert max(xs) - min(xs) < 40_000 and max(ys) - min(ys) < 40_000
    assert abs(max(xs) + min(xs)) < 1 and abs(max(ys) + min(ys)) < 1  # centred on 0, 0
    # linked nodes sit near each other
    lengths = sorted(math.dist(pos[e["from"]], pos[e["to"]]) for e in data["edges"])
    assert 40 < lengths[len(lengths) // 2] < 800


def test_layout_is_deterministic_and_independent_of_insertion_order():
    sub = synthetic_subgraph(600, seed=3)
    first = _positions(view_data(sub, key="g"))
    graphview._LAYOUTS.clear()
    again = _positions(view_data(sub, key="g"))
    assert again == first
    shuffled = Subgraph()
    nodes, edges = list(sub.nodes.values()), list(sub.edges.values())
    random.Random(9).shuffle(nodes)
    random.Random(9).shuffle(edges)
    for n in nodes:
        shuffled.add_node(n)
    for e in edges:
        shuffled.add_edge(e)
    graphview._LAYOUTS.clear()
    assert _positions(view_data(shuffled, key="other")) == first


def test_layout_is_cached_by_graph_identity():
    sub = synthetic_subgraph(700, seed=5)
    ids = list(sub.nodes)
    links = [(e.source, e.target) for e in sub.edges.values()]
    assert server_layout(ids, links) is server_layout(list(reversed(ids)), links)
    grown = server_layout([*ids, "Phone:+1"], [*links, (ids[0], "Phone:+1")])
    assert set(grown) == {*ids, "Phone:+1"}


def test_pins_and_selection_do_not_change_the_layout():
    sub = synthetic_subgraph(500, seed=2)
    some = sorted(sub.nodes)[:3]
    plain = view_data(sub, key="g")
    pinned = view_data(sub, key="g", pinned=some, selected=some[0], focus=some[1])
    assert _positions(plain) == _positions(pinned)
    assert [n["pinned"] for n in pinned["nodes"] if n["id"] in some] == [True] * 3


@pytest.mark.parametrize("n", [1, 2, 40])
def test_tiny_graphs_through_the_layout(n):
    sub = synthetic_subgraph(n)
    pos = server_layout(list(sub.nodes), [(e.source, e.target) for e in sub.edges.values()])
    assert set(pos) == set(sub.nodes)
    assert len(set(pos.values())) == len(pos)


def test_big_export_carries_the_server_layout():
    page = standalone_html(synthetic_subgraph(LAYOUT_THRESHOLD + 50))
    data = json.loads(re.search(r'id="graph-data" type="application/json">(.*?)</script>',
                                page, re.S).group(1))
    assert data["layout"] == "server" and all("x" in n and "y" in n for n in data["nodes"])
    small = standalone_html(synthetic_subgraph(50))
    assert '"layout": "physics"' in small


# --- icons and captions -----------------------------------------------------------------
def test_every_label_has_an_icon_that_is_valid_svg():
    from xml.etree import ElementTree as ET

    from graph.core import schema
    from ui import icons

    seen = set()
    for lb in schema.LABELS:
        assert lb.icon in icons.GLYPHS, f"{lb.name}: no glyph {lb.icon!r}"
        ET.fromstring(icons.svg(lb.icon, lb.color))  # well-formed
        assert icons.data_uri(lb.name).startswith("data:image/svg+xml;base64,")
        seen.add((lb.icon, lb.color))
    assert len(seen) == len(schema.LABELS), "two labels look alike"


def test_captions_say_what_a_node_is_and_keep_the_whole_name():
    from ui.graphview import node_caption, node_full_caption

    name = "Công ty TNHH TM DV XNK Du lịch Việt Trấn"
    company = Node("Company", "0312345678", {"name": name, "country": "VN"})
    decl = Node("Declaration", "500100012345",
                {"type": "transit", "registered_date": "2017-06-16"})
    assert "Việt Trấn" in node_caption(company)  # two lines hold the distinctive end
    assert node_caption(decl).splitlines() == ["500100012345", "transit · 2017-06-16"]
    assert node_full_caption(company).replace("\n", " ").startswith(name)
    data = view_data(Subgraph({n.id: n for n in (company, decl)}), key="k")
    assert all(n["image"].startswith("data:image/svg+xml") for n in data["nodes"])
    assert all("image" in item for item in data["legend"])


def test_the_apps_page_and_the_exports_come_from_one_pipeline():
    """Both standalone pages: every script the page runs is allowed by its SHA-256 and
    nothing else runs (no 'unsafe-inline' scripts), the data is inert JSON, no fetch."""
    import base64
    import hashlib

    from graph.interchange import htmlpage

    evil = "</script><script>alert(1)</script>"
    sub = synthetic_subgraph(5)
    node = next(iter(sub.nodes.values()))
    node.properties[schema.label(node.label).caption] = evil
    for page in (standalone_html(sub), htmlpage.html_page(sub)):
        csp = html.unescape(
            re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)[1])
        scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
        assert len(scripts) == 2 and "unsafe-inline" not in csp.split("style-src")[0]
        for text in scripts:
            digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in csp
        assert "default-src 'none'" in csp and evil not in page
        data = re.search(r'<script id="graph-data" type="application/json">(.*?)</script>',
                         page, re.S)[1]
        assert "alert(1)" in json.dumps(json.loads(data)) and "\\u003c/script" in data
        assert "&lt;/script&gt;&lt;script&gt;alert(1)" in page  # the table: as text


def test_a_page_script_that_would_close_its_element_is_refused():
    from graph.interchange import htmlpage

    with pytest.raises(ValueError, match="close its own element"):
        htmlpage.standalone_page(title="t", data={}, css="", scripts=("var a = '</SCRIPT>';",))
    page = htmlpage.standalone_page(title="<b>t</b>", data={"x": "</script>"}, css="",
                                    scripts=("var a = 1;",), lines=("<i>n</i>",),
                                    legend=(("<u>L</u>", "#fff"),),
                                    tables=((("<th>",), [("<td>",)]),))
    assert "<b>t" not in page and "<i>n" not in page and "<u>L" not in page
    assert "<th><th>" not in page and "&lt;td&gt;" in page
