"""The app in a real headless Chromium (Debian's /usr/bin/chromium) through Playwright.

    pytest -m browser tests/test_browser.py

Starts `streamlit run app.py` on a free localhost port against the sample store,
searches, opens and expands the graph by clicking, checks that nothing is
fetched from outside localhost and that names from the data never run as
HTML. Screenshots go to tests/artifacts/ (git-ignored). Skipped when Chromium
is missing, except under CI (env CI set), where that is a failure.
"""

from __future__ import annotations

import csv
import math
import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import pytest

from graph.core.model import Edge, Node
from graph.core.stores import ENV_STORE, open_store

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
ARTIFACTS = ROOT / "tests" / "artifacts"
EVIL = "<img src=x onerror=alert(1)>"
VIET_TRAN = "Company:0312345678"
WAIT_MS = 60_000


# --- fixtures ---------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(store_url: str, log: Path, duty_log: Path | None = None):
    """`streamlit run app.py` on a free port; its base URL while the block runs."""
    port = _free_port()
    env = {**os.environ, ENV_STORE: store_url, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    if duty_log is not None:
        env["XDG_DATA_HOME"] = str(duty_log.parent)  # the app's state folder of its own
    cmd = [sys.executable, "-m", "streamlit", "run", str(APP), "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true",
           "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"]
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"streamlit exited: {log.read_text()[-2000:]}")
                try:
                    with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                        if r.read().strip() == b"ok":
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("streamlit did not start within 60 s")
                time.sleep(0.3)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture(scope="module")
def sample_app(sample_lbug_url, tmp_path_factory):
    duty = tmp_path_factory.mktemp("dutylog") / "dutylog.sqlite3"
    with serve(sample_lbug_url, ARTIFACTS / "streamlit-sample.log", duty) as url:
        yield url


@pytest.fixture(scope="module")
def evil_store(tmp_path_factory):
    """A store of its own holding a company whose name is HTML."""
    from loaders.load import load_folder

    folder = tmp_path_factory.mktemp("evil-csv")
    with open(folder / "companies.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["company_id", "name", "country", "address", "phone", "email"])
        w.writerow(["KH-00066601", EVIL, "KH", "7 Street <b>bold</b>, Phnom Penh",
                    "+855 23 666 601", ""])
        w.writerow(["KH-00066602", "Plain Trading Co", "KH", "7 Street <b>bold</b>, Phnom Penh",
                    "+855 23 666 601", ""])
    db = tmp_path_factory.mktemp("evil-lbug") / "graph.lbug"
    url = f"ladybug://{db}"
    with open_store(url) as s:
        load_folder(s, folder, rejects_file=db.parent / "rejects.csv", progress=False)
        assert s.exists("Company:KH-00066601")
    return url


def evil_store_dir(url: str) -> Path:
    return Path(url[len("ladybug://"):]).parent


class Watch:
    """Every request a page makes, and every dialog it tries to open."""

    def __init__(self, page):
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))

        def on_dialog(d):
            self.dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", on_dialog)

    def outside(self) -> list[str]:
        bad = []
        for u in self.requests:
            p = urlparse(u)
            if p.scheme in ("data", "blob", "about"):
                continue
            if p.hostname not in ("127.0.0.1", "localhost"):
                bad.append(u)
        return bad


# --- helpers ------------------------------------------------------------------------------
def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(600)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _idle(page) -> None:
    """Wait until the script run the last action started has finished."""
    page.wait_for_timeout(250)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=WAIT_MS)
    page.wait_for_timeout(250)


def _nav(page, title: str) -> None:
    page.locator('[data-testid="stSidebarNav"]').get_by_text(title, exact=True).click()
    _idle(page)


def _select(page, key: str, option: str) -> None:
    page.locator(f".st-key-{key}").first.click()
    page.get_by_role("option", name=option, exact=True).first.click()
    _idle(page)


def _search(page, key: str, text: str) -> None:
    box = page.locator(f".st-key-{key}_q input").first
    box.fill(text)
    box.press("Enter")
    _idle(page)


def _click(page, key: str) -> None:
    page.locator(f".st-key-{key} button").first.click()
    _idle(page)


def _graph_ids(page, key: str) -> list[str]:
    return page.evaluate(
        "(k) => { const g = (globalThis.__customsGraph || {})[k]; "
        "return g ? g.nodes.getIds() : []; }", key)


def _wait_node(page, key: str, node_id: str) -> None:
    page.wait_for_function(
        "([k, id]) => { const g = (globalThis.__customsGraph || {})[k]; "
        "return !!(g && g.nodes.get(id)); }", arg=[key, node_id], timeout=WAIT_MS)


def _node_xy(page, key: str, node_id: str) -> tuple[float, float]:
    """Where a node is on screen, once the first layout is done and stopped."""
    page.wait_for_function("(k) => globalThis.__customsGraph[k].laidOut", arg=key,
                           timeout=WAIT_MS)
    return tuple(page.evaluate(
        """([k, id]) => {
            const g = globalThis.__customsGraph[k];
            g.network.stopSimulation();
            g.network.focus(id, {scale: 1.2, animation: false});
            const p = g.network.canvasToDOM(g.network.getPosition(id));
            const r = g.network.body.container.getBoundingClientRect();
            return [r.left + p.x, r.top + p.y];
        }""", [key, node_id]))


def _land_pixels(locator) -> int:
    """How many pixels of a chart have the map's land fill (#dfe7d8)."""
    from io import BytesIO

    from PIL import Image

    locator.page.wait_for_timeout(800)  # Vega draws after the element appears
    img = Image.open(BytesIO(locator.screenshot())).convert("RGB")
    return sum(1 for r, g, b in img.getdata()
               if abs(r - 0xDF) <= 6 and abs(g - 0xE7) <= 6 and abs(b - 0xD8) <= 6)


# --- tests ---------------------------------------------------------------------------------
def test_explore_expand_and_every_page_offline(browser, sample_app):
    page = browser.new_page(viewport={"width": 1500, "height": 1300})
    watch = Watch(page)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(sample_app)
    _idle(page)
    page.get_by_text("Nodes per label").wait_for(timeout=WAIT_MS)
    _shot(page, "01-overview")

    _nav(page, "Explore")
    _search(page, "explore", "WHSU5018375")
    _select(page, "explore_hops", "2")
    _click(page, "explore_open")
    _wait_node(page, "explore_graph", VIET_TRAN)
    ids = _graph_ids(page, "explore_graph")
    assert "Container:WHSU5018375" in ids and VIET_TRAN in ids
    label = page.evaluate("(id) => globalThis.__customsGraph.explore_graph.nodes.get(id).label",
                          VIET_TRAN)
    assert label.startswith("Công ty TNHH")

    # A click selects the node (the panel follows), a double-click expands it in place.
    before = len(ids)
    x, y = _node_xy(page, "explore_graph", VIET_TRAN)
    page.mouse.click(x, y)
    _idle(page)
    page.wait_for_function(
        "() => document.querySelector('.st-key-explore_sel input').value.includes('0312345678')",
        timeout=WAIT_MS)
    x, y = _node_xy(page, "explore_graph", VIET_TRAN)
    page.mouse.dblclick(x, y)
    _idle(page)
    _wait_node(page, "explore_graph", "Person:P001201")  # the director, one hop further
    assert len(_graph_ids(page, "explore_graph")) > before
    with page.expect_download() as dl:
        page.locator(".st-key-explore_graph button.cg-btn[data-action=png]").first.click()
    assert dl.value.suggested_filename.endswith(".png")
    _shot(page, "02-explore")

    _nav(page, "Paths")
    _search(page, "paths_a", "WHSU5018375")
    _search(page, "paths_b", "viet tran")
    _click(page, "paths_find")
    _wait_node(page, "paths_graph", VIET_TRAN)
    _shot(page, "03-paths")

    _nav(page, "Route finder")
    _click(page, "routes_find")
    page.get_by_text("4 traveller(s).").wait_for(timeout=WAIT_MS)
    _wait_node(page, "routes_graph", "Person:P000901")
    _shot(page, "04-routes")
    _click(page, "routes_add")  # the travellers, flights and airports join the working graph

    _nav(page, "Timeline & map")
    chart = page.locator('[data-testid="stVegaLiteChart"]').nth(1)
    chart.wait_for(timeout=WAIT_MS)
    _shot(page, "05-timeline")
    assert _land_pixels(chart) > 2000  # country outlines drawn under the routes

    _nav(page, "Saved queries")
    _shot(page, "06-saved")

    _nav(page, "Cypher console")
    _click(page, "console_run")
    page.get_by_text("row(s)").first.wait_for(timeout=WAIT_MS)
    _shot(page, "07-console")

    _nav(page, "Duty log")
    page.get_by_role("heading", name="Duty log").wait_for(timeout=WAIT_MS)
    _shot(page, "08-duty-log")

    _nav(page, "Export")
    page.get_by_text("Interactive HTML (offline)").wait_for(timeout=WAIT_MS)
    _shot(page, "09-export")

    page.locator(".st-key-lang").first.click()
    page.get_by_role("option", name="Tiếng Việt").click()
    _idle(page)
    page.get_by_role("heading", name="Xuất dữ liệu").wait_for(timeout=WAIT_MS)
    _shot(page, "10-export-vi")

    assert not watch.outside(), watch.outside()
    assert not watch.dialogs
    assert not errors, errors
    page.close()


def test_vn18_to_its_seized_passengers(browser, sample_app):
    """The core loop of the search issue: type VN18, open the 2017-03-19 flight,
    see the four seized passengers among its persons, then add just its persons
    from the neighbour summary."""
    page = browser.new_page(viewport={"width": 1500, "height": 1300})
    page.goto(sample_app)
    _idle(page)
    _nav(page, "Explore")
    _search(page, "explore", "VN18")
    page.locator(".st-key-explore_pick").first.click()
    page.get_by_role("option").filter(has_text="2017-03-19").first.click()
    _idle(page)
    _click(page, "explore_open")
    flight = "Flight:VN18@2017-03-19"
    _wait_node(page, "explore_graph", flight)
    seized = [f"Person:P00090{i}" for i in range(1, 5)]
    ids = set(_graph_ids(page, "explore_graph"))
    assert set(seized) <= ids, "the risk order puts the seized passengers in the capped view"
    persons_before = {i for i in ids if i.startswith("Person:")}
    kind = page.locator("[class*='st-key-explore_kind_'] button").filter(has_text="TRAVELLED")
    assert "155" in kind.first.inner_text()
    kind.first.click()
    _idle(page)
    page.wait_for_function(
        "([k, n]) => globalThis.__customsGraph[k].nodes.getIds()"
        ".filter(i => i.startsWith('Person:')).length > n",
        arg=["explore_graph", len(persons_before)], timeout=WAIT_MS)
    after = set(_graph_ids(page, "explore_graph"))
    assert {i for i in after - ids if not i.startswith("Person:")} == set()
    assert len({i for i in after if i.startswith("Person:")} - persons_before) == 25  # the next 25
    _shot(page, "11-vn18-persons")


def test_html_in_names_stays_text(browser, evil_store):
    with serve(evil_store, ARTIFACTS / "streamlit-evil.log",
               evil_store_dir(evil_store) / "dutylog.sqlite3") as url:
        page = browser.new_page(viewport={"width": 1500, "height": 1300})
        watch = Watch(page)
        page.goto(url)
        _idle(page)
        _nav(page, "Explore")
        _search(page, "explore", "onerror")
        page.wait_for_function(  # the match reads as the name, as text
            "(evil) => document.querySelector('.st-key-explore_pick input').value.includes(evil)",
            arg=EVIL, timeout=WAIT_MS)
        _select(page, "explore_hops", "2")
        _click(page, "explore_open")
        _wait_node(page, "explore_graph", "Company:KH-00066601")
        node = page.evaluate(
            "() => { const n = globalThis.__customsGraph.explore_graph.nodes.get("
            "'Company:KH-00066601'); return [n.label, n.title.textContent, "
            "n.title.children.length]; }")
        # the caption, wrapped on lines, then the country: the name is text on the canvas
        assert " ".join(node[0].split("\n")[:-1]) == EVIL and node[0].endswith("\nKH")
        assert EVIL in node[1] and node[2] == 0  # the tooltip is text, no child elements
        # Hover to show the tooltip, then look for an <img> anywhere (shadow roots too).
        x, y = _node_xy(page, "explore_graph", "Company:KH-00066601")
        page.mouse.move(x, y)
        page.wait_for_timeout(800)
        imgs = page.evaluate(
            """() => { let n = 0; const walk = (root) => {
                   n += root.querySelectorAll('img[src="x"], [onerror]').length;
                   root.querySelectorAll('*').forEach(e => e.shadowRoot && walk(e.shadowRoot)); };
               walk(document); return n; }""")
        assert imgs == 0
        _shot(page, "11-escaped-graph")

        _nav(page, "Cypher console")
        page.locator(".st-key-console_cypher textarea").fill(
            "MATCH (c:Company) RETURN c.name AS name, c.company_id AS id ORDER BY id")
        page.locator(".st-key-console_params textarea").fill("")
        _click(page, "console_run")
        page.get_by_text("2 row(s)").wait_for(timeout=WAIT_MS)
        _shot(page, "12-escaped-table")

        _nav(page, "Export")
        page.get_by_text("Interactive HTML (offline)").wait_for(timeout=WAIT_MS)
        with page.expect_download() as dl:
            page.locator(".st-key-export_html button").first.click()
        exported = Path(dl.value.path()).read_text(encoding="utf-8")
        assert "<img src=x" not in exported

        # The export opens offline, and the name stays text there too.
        offline = browser.new_page()
        seen = Watch(offline)
        offline.set_content(exported)
        offline.wait_for_timeout(1500)
        assert offline.evaluate(
            "() => document.querySelectorAll('img[src=\"x\"], [onerror]').length") == 0
        offline.screenshot(path=str(ARTIFACTS / "13-export-offline.png"), full_page=True)
        assert not [u for u in seen.requests if not u.startswith(("data:", "about:", "blob:"))]
        offline.close()

        assert not watch.dialogs and not seen.dialogs
        assert not [u for u in watch.requests if u.rstrip("/").endswith("/x")]
        assert not watch.outside(), watch.outside()
        page.close()


# --- big graphs: the server's layout, physics off; small ones: the physics --------------
def _graph_page(browser, sub):
    """The standalone page of `sub` (the component's own graph.js, offline), opened."""
    from ui.graphview import standalone_html

    page = browser.new_page(viewport={"width": 1500, "height": 1000})
    watch = Watch(page)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_content(standalone_html(sub))
    page.wait_for_function(
        "() => { const g = (globalThis.__customsGraph || {}).export; "
        "return !!(g && g.laidOut && g.drawnMs !== null); }", timeout=WAIT_MS)
    return page, watch, errors


# Every node's centre inside the canvas, and every node drawn by vis-network itself
# on a fresh frame (its draw() wrapped to count).
_DRAWN = """() => {
    const g = globalThis.__customsGraph.export, net = g.network;
    const w = net.canvas.frame.canvas.clientWidth, h = net.canvas.frame.canvas.clientHeight;
    const outside = g.nodes.getIds().filter((id) => {
        const p = net.canvasToDOM(net.getPosition(id));
        return !(p.x >= 0 && p.x <= w && p.y >= 0 && p.y <= h); });
    const drawn = new Set();
    for (const [id, n] of Object.entries(net.body.nodes)) {
        const draw = n.draw.bind(n);
        n.draw = (ctx) => { drawn.add(id); return draw(ctx); };
    }
    net.redraw();
    return {ids: g.nodes.getIds().length, drawn: drawn.size, outside: outside.length,
            physics: g.physics, engine: net.physics.physicsEnabled,
            option: net.physics.options.enabled, server: g.serverLayout};
}"""


def test_big_graph_is_drawn_with_the_server_layout_and_physics_off(browser):
    from tests.test_graphview import synthetic_subgraph
    from ui.graphview import view_data

    sub = synthetic_subgraph(1500)
    page, watch, errors = _graph_page(browser, sub)
    got = page.evaluate(_DRAWN)
    assert got == {"ids": 1500, "drawn": 1500, "outside": 0, "physics": False,
                   "engine": False, "option": False, "server": True}, got
    # the positions are the server's, as sent (getPositions truncates them)
    sent = {n["id"]: (n["x"], n["y"]) for n in view_data(sub, key="export")["nodes"]}
    shown = page.evaluate("() => globalThis.__customsGraph.export.network.getPositions()")
    assert all(abs(shown[i]["x"] - x) < 1 and abs(shown[i]["y"] - y) < 1
               for i, (x, y) in sent.items())
    page.screenshot(path=str(ARTIFACTS / "14-big-graph-server-layout.png"))

    # An expansion: the nodes shown stay put, the new ones land next to their node.
    grown = synthetic_subgraph(1500)
    hub = "Company:C00000"
    for i in range(60):
        node = Node("Declaration", f"NEW{i:03d}", {})
        grown.add_node(node)
        grown.add_edge(Edge(hub, node.id, "DECLARED"))
    data = view_data(grown, key="export")
    after = page.evaluate(
        """(data) => {
            const g = globalThis.__customsGraph.export;
            globalThis.__customsGraphMount({data, parentElement: document.getElementById("graph"),
                setStateValue() {}, setTriggerValue() {}});
            return g.network.getPositions();
        }""", data)
    assert all(after[i] == shown[i] for i in shown)
    hub_xy = (after[hub]["x"], after[hub]["y"])
    far = [i for i in after if i.startswith("Declaration:NEW")
           and math.dist((after[i]["x"], after[i]["y"]), hub_xy) > 600]
    assert len([i for i in after if i.startswith("Declaration:NEW")]) == 60 and not far, far
    assert page.evaluate("() => globalThis.__customsGraph.export.network.physics.physicsEnabled"
                         ) is False

    # The toolbar still turns the physics on.
    page.locator("button.cg-btn[data-action=physics]").click()
    assert page.evaluate("() => { const g = globalThis.__customsGraph.export; "
                         "return [g.physics, g.network.physics.physicsEnabled]; }") == [True, True]
    assert not errors, errors
    assert not [u for u in watch.requests if not u.startswith(("data:", "about:", "blob:"))]
    page.close()


def test_300_node_graph_stabilises_with_physics(browser):
    from tests.test_graphview import synthetic_subgraph

    page, watch, errors = _graph_page(browser, synthetic_subgraph(300))
    assert page.evaluate("() => globalThis.__customsGraph.export.layoutMs") > 0
    # Stabilised and fitted; the physics keeps settling it live: stop it to count.
    page.evaluate("() => { const n = globalThis.__customsGraph.export.network; "
                  "n.stopSimulation(); n.fit({animation: false}); }")
    got = page.evaluate(_DRAWN)
    assert got == {"ids": 300, "drawn": 300, "outside": 0, "physics": True, "engine": True,
                   "option": True, "server": False}, got
    page.screenshot(path=str(ARTIFACTS / "15-300-nodes-physics.png"))
    assert not errors, errors
    assert not [u for u in watch.requests if not u.startswith(("data:", "about:", "blob:"))]
    page.close()
