"""Every export format written from a real store and read back; GEXF validated
against the GEXF 1.3 schema; the HTML page offline and inert; case packages."""

from __future__ import annotations

import base64
import csv
import doctest
import hashlib
import io
import json
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest
from typer.testing import CliRunner

from graph.analysis import analytics
from graph.core.model import Edge, Node, Subgraph
from graph.core.store import node_row
from graph.core.stores import open_store
from graph.interchange import case, csvzip, export, htmlpage
from loaders.load import load_folder
from tests.conftest import MINI, lbug_url

GEXF_XSD = Path(__file__).parent / "data" / "gexf" / "gexf.xsd"
EVIL = "<img src=x onerror=alert(1)>"
EVIL_CO = "Company:EVIL-1"
VIET_TRAN = "Company:0312345678"


@pytest.fixture(scope="module")
def mini(tmp_path_factory):
    """The mini data set plus a company whose name is an HTML injection (this
    module only reads it)."""
    folder = tmp_path_factory.mktemp("export-mini")
    with open_store(lbug_url(folder)) as store:
        _load(store, folder)
        yield store


def _load(empty_lbug, folder):
    load_folder(empty_lbug, MINI, rejects_file=folder / "r.csv", progress=False)
    empty_lbug.upsert_nodes("Company", [node_row("Company", "EVIL-1",
                                                 {"name": EVIL, "country": "VN"},
                                                 "companies.csv:99")])
    empty_lbug.upsert_relationships("DECLARED", "Company", "Declaration", [
        {"from": "EVIL-1", "to": "500100012345", "source": "declarations.csv:99"}])
    # a second line of the same commodity: parallel DECLARES edges, told apart by line_no
    empty_lbug.upsert_relationships("DECLARES", "Declaration", "Commodity", [
        {"from": "500100012345", "to": "61091000", "line_no": 9, "quantity": 10.0,
         "unit": "PCE", "value_usd": 5.0, "unit_value_usd": 0.5,
         "source": "declaration_items.csv:99"}])


@pytest.fixture(scope="module")
def sub(mini) -> Subgraph:
    s = mini.neighbours(VIET_TRAN, hops=2)
    assert EVIL_CO in s.nodes
    # parallel edges of one type (two lines of one declaration) must survive every format
    pairs = [(e.source, e.target) for e in s.edges.values() if e.type == "DECLARES"]
    assert len(pairs) > len(set(pairs))
    return s


# --- what every format must carry ---------------------------------------------------
def _expected(sub: Subgraph):
    nodes = {n.id: (n.label, n.key, n.properties.get("source")) for n in sub.nodes.values()}
    edges = sorted((e.source, e.target, e.type, str(e.properties.get("source")),
                    str(e.properties.get("line_no", ""))) for e in sub.edges.values())
    return nodes, edges


def _check(sub, nodes, edges):
    want_nodes, want_edges = _expected(sub)
    assert nodes == want_nodes
    assert sorted(edges) == want_edges


def _edge_row(u, v, typ, props):
    line = props.get("line_no", "")
    return (u, v, typ, str(props.get("source")), str(line if line is not None else ""))


def test_json_is_the_cli_shape(sub, tmp_path):
    export.write(sub, "json", tmp_path / "g.json")
    assert json.loads((tmp_path / "g.json").read_text("utf-8")) == json.loads(
        json.dumps(sub.to_json()))


def test_graphml_round_trip(sub, tmp_path):
    path = tmp_path / "g.graphml"
    export.write(sub, "graphml", path)
    g = nx.read_graphml(path, force_multigraph=True)
    nodes = {n: (d["node_label"], d["key"], d.get("source")) for n, d in g.nodes(data=True)}
    edges = [_edge_row(u, v, d["type"], d) for u, v, d in g.edges(data=True)]
    _check(sub, nodes, edges)
    viet = g.nodes[VIET_TRAN]
    assert viet["label"] == "Công ty TNHH TM DV XNK Du lịch Việt Trấn"  # Gephi/yEd caption
    assert viet["company_id"] == "0312345678"
    line = next(d for _, _, d in g.edges(data=True) if d["type"] == "DECLARES")
    assert isinstance(line["line_no"], int) and isinstance(line["value_usd"], float)
    _same_subgraph(analytics.from_networkx(g), sub)


def _same_subgraph(back: Subgraph, sub: Subgraph):
    """Read back into a Subgraph: the same nodes and edges (edge identity includes
    the schema key properties, so their types survived too) and the same properties."""
    assert set(back.nodes) == set(sub.nodes)
    assert set(back.edges) == set(sub.edges)
    for nid, n in sub.nodes.items():
        want = {k: v for k, v in n.properties.items() if k not in ("ref", "search_text")}
        assert back.nodes[nid].properties == want, nid


def test_gexf_round_trip_and_schema(sub, tmp_path):
    path = tmp_path / "g.gexf"
    export.write(sub, "gexf", path)
    g = nx.read_gexf(path)
    nodes = {n: (d["node_label"], d["key"], d.get("source")) for n, d in g.nodes(data=True)}
    edges = [_edge_row(u, v, d["label"], d) for u, v, *rest in g.edges(data=True)
             for d in [rest[-1]]]
    _check(sub, nodes, edges)
    assert g.nodes[EVIL_CO]["label"] == EVIL
    _same_subgraph(analytics.from_networkx(g), sub)

    etree = pytest.importorskip("lxml.etree")
    schema = etree.XMLSchema(etree.parse(str(GEXF_XSD)))
    doc = etree.parse(str(path))
    assert schema.validate(doc), schema.error_log
    root = doc.getroot()
    assert root.get("version") == "1.3" and root.tag == "{http://gexf.net/1.3}gexf"
    assert root.nsmap["xsi"] == "http://www.w3.org/2001/XMLSchema-instance"
    kinds = {e.get("kind") for e in root.iter("{http://gexf.net/1.3}edge")}
    assert "DECLARES" in kinds


def test_gexf_schema_rejects_what_networkx_writes(tmp_path):
    """The shipped XSD really checks: networkx 1.3 output (graph name attribute
    not in the 1.3 schema) does not pass it, ours does."""
    etree = pytest.importorskip("lxml.etree")
    schema = etree.XMLSchema(etree.parse(str(GEXF_XSD)))
    g = nx.DiGraph(name="x")
    g.add_edge("a", "b")
    path = tmp_path / "nx.gexf"
    nx.write_gexf(g, path, version="1.3")
    assert not schema.validate(etree.parse(str(path)))


def test_node_link_round_trip(sub, tmp_path):
    path = tmp_path / "g.json"
    export.write(sub, "nodelink", path)
    g = nx.node_link_graph(json.loads(path.read_text("utf-8")), edges="edges")
    assert g.is_multigraph() and g.is_directed()
    nodes = {n: (d["label"], d["key"], d["properties"].get("source"))
             for n, d in g.nodes(data=True)}
    edges = [_edge_row(u, v, d["type"], d["properties"]) for u, v, d in g.edges(data=True)]
    _check(sub, nodes, edges)
    _same_subgraph(analytics.from_networkx(g), sub)


def test_cytoscape_round_trip(sub, tmp_path):
    path = tmp_path / "g.cyjs"
    export.write(sub, "cytoscape", path)
    data = json.loads(path.read_text("utf-8"))
    els = data["elements"]
    nodes = {n["data"]["id"]: (n["data"]["label"], n["data"]["key"], n["data"].get("provenance"))
             for n in els["nodes"]}
    edges = [(d["source"], d["target"], d["type"], str(d.get("provenance")),
              str(d.get("line_no", ""))) for d in (e["data"] for e in els["edges"])]
    _check(sub, nodes, edges)
    ids = [e["data"]["id"] for e in els["edges"]] + list(nodes)
    assert len(ids) == len(set(ids))  # Cytoscape needs unique element ids


def test_csv_zip_round_trip(sub, tmp_path):
    path = tmp_path / "g.zip"
    export.write(sub, "csv", path)
    with zipfile.ZipFile(path) as z:
        assert sorted(z.namelist()) == ["edges.csv", "nodes.csv"]
        read = {n: list(csv.DictReader(io.StringIO(z.read(n).decode("utf-8-sig"))))
                for n in z.namelist()}
    nodes = {r["id"]: (r["label"], r["key"], r["source"]) for r in read["nodes.csv"]}
    edges = [(r["from"], r["to"], r["type"], r["source"], r.get("line_no", ""))
             for r in read["edges.csv"]]
    _check(sub, nodes, edges)
    viet = next(r for r in read["nodes.csv"] if r["id"] == VIET_TRAN)
    assert viet["name"] == "Công ty TNHH TM DV XNK Du lịch Việt Trấn"


def test_csv_cells_never_run_as_formulas():
    s = Subgraph()
    s.add_node(Node("Company", "X1", {"name": "=HYPERLINK(\"http://x\")", "country": "VN"}))
    s.add_node(Node("Phone", "+84912345678", {}))
    s.add_edge(Edge("Company:X1", "Phone:+84912345678", "HAS_PHONE"))
    text = csvzip.csv_tables(s)["nodes.csv"]
    assert "'=HYPERLINK" in text
    assert "Phone:+84912345678,Phone,+84912345678" in text  # a phone number stays as it is


# --- the standalone HTML page ----------------------------------------------------------
class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.scripts, self._in_script, self.csp = [], [], False, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "script":
            self._in_script = True
            self.scripts.append([attrs, ""])
        if tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy":
            self.csp = attrs["content"]

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1][1] += data


def test_html_is_offline_and_names_are_text(sub, tmp_path):
    path = tmp_path / "g.html"
    export.write(sub, "html", path)
    page = path.read_text("utf-8")
    assert EVIL not in page  # never as markup, anywhere
    assert "&lt;img src=x onerror=alert(1)&gt;" in page  # but shown, as text
    p = _Tags()
    p.feed(page)
    # nothing is fetched: no element points anywhere
    for tag, attrs in p.tags:
        assert not ({"src", "href", "srcset", "data"} & set(attrs)), (tag, attrs)
    assert "default-src 'none'" in p.csp and "unsafe-inline" not in p.csp.split("style-src")[0]
    # exactly three scripts: the inert data, vis-network, the page's own code;
    # the CSP allows the two executable ones by their hashes and nothing else
    (data_attrs, data_text), *code = p.scripts
    assert data_attrs == {"id": "graph-data", "type": "application/json"}
    assert len(code) == 2
    for _, text in code:
        digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()
        assert f"'sha256-{digest}'" in p.csp
    assert "vis-network" in code[0][1][:200]
    payload = json.loads(data_text)
    evil = next(n for n in payload["nodes"] if n["id"] == EVIL_CO)
    assert evil["caption"] == EVIL  # the data is intact, only its encoding is inert
    assert {n["id"] for n in payload["nodes"]} == set(sub.nodes)
    assert len(payload["edges"]) == len(sub.edges)
    assert all(n["properties"].get("source") for n in payload["nodes"])


@pytest.mark.browser
def test_html_renders_offline_in_chromium(sub, tmp_path, browser):
    path = tmp_path / "g.html"
    export.write(sub, "html", path)
    requests, dialogs, errors = [], [], []
    page = browser.new_page()
    page.on("request", lambda r: requests.append(r.url))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_function("window.customsGraph && window.customsGraph.ready",
                           timeout=30_000)
    assert page.locator("#graph canvas").count() == 1
    page.locator("details summary").click()
    assert page.get_by_text(EVIL, exact=True).count() >= 1
    assert page.locator("img").count() == 0
    page.close()
    assert not dialogs and not errors
    assert all(u.startswith(("file:", "data:", "about:")) for u in requests), requests


# --- case packages -------------------------------------------------------------------
def test_case_package_lists_every_file_and_verifies(sub, tmp_path):
    path = tmp_path / "case.zip"
    queries = [{"name": "neighbours", "parameters": {"ref": VIET_TRAN, "hops": 2}}]
    manifest = case.build(sub, path, store_url="bolt://neo4j:s3cret@db.local:7687?x=1",
                          queries=queries, title="Viet Tran")
    assert case.verify(path) == []
    assert manifest["store"] == "bolt://db.local:7687"
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        assert "s3cret" not in z.read("manifest.json").decode("utf-8")
        assert json.loads(z.read("queries.json"))["queries"] == queries
        on_disk = json.loads(z.read("manifest.json"))
        assert on_disk == manifest
        for f in manifest["files"]:
            assert hashlib.sha256(z.read(f["name"])).hexdigest() == f["sha256"]
        # every format is in the package and reads back
        g = nx.read_gexf(io.BytesIO(z.read("subgraph.gexf")))
        assert set(g.nodes) == set(sub.nodes)
    assert names == {f["name"] for f in manifest["files"]} | {"manifest.json"}
    assert {f["format"] for f in manifest["files"]} == set(export.FORMATS) | {"queries"}
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", manifest["created_at"])


def test_case_verify_finds_tampering(sub, tmp_path):
    path = tmp_path / "case.zip"
    case.build(sub, path, store_url="ladybug:///x/graph.lbug")
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tampered, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "subgraph.json":
                data = data.replace(b"Viet", b"Vlet")
            if info.filename == "queries.json":
                continue
            dst.writestr(info.filename, data)
        dst.writestr("extra.txt", b"not listed")
    problems = case.verify(tampered)
    assert any("subgraph.json" in p and "SHA-256" in p for p in problems)
    assert any("queries.json" in p and "missing" in p for p in problems)
    assert any("extra.txt" in p for p in problems)
    assert case.verify(tmp_path / "nothing.zip")  # unreadable: a problem, not a crash


def test_case_command(mini, tmp_path):
    from graph.cli.extra import app

    out = tmp_path / "c.zip"
    r = CliRunner().invoke(app, ["case", VIET_TRAN, "--hops", "1", "-o", str(out),
                                 "--store", mini.url, "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["nodes"] > 3 and Path(data["file"]) == out
    r = CliRunner().invoke(app, ["case-verify", str(out), "--json"])
    assert r.exit_code == 0 and json.loads(r.stdout)["ok"] is True
    queries = json.loads(zipfile.ZipFile(out).read("queries.json"))["queries"]
    assert queries == [{"name": "neighbours",
                        "parameters": {"ref": VIET_TRAN, "hops": 1, "cap": 50}}]


def test_docstring_examples_run():
    import graph.interchange.case
    import graph.interchange.export
    import graph.interchange.props

    for module in (graph.interchange.export, graph.interchange.props, graph.interchange.case):
        assert doctest.testmod(module).failed == 0


def test_big_html_export_is_laid_out_on_the_server_and_drawn_without_physics(tmp_path,
                                                                              browser):
    from graph.analysis.layout import LAYOUT_THRESHOLD
    from tests.test_graphview import synthetic_subgraph

    big = synthetic_subgraph(LAYOUT_THRESHOLD + 300)
    path = tmp_path / "big.html"
    export.write(big, "html", path)
    text = path.read_text(encoding="utf-8")
    payload = json.loads(text.split('<script id="graph-data" type="application/json">')[1]
                         .split("</script>")[0])
    assert all("x" in n and "y" in n for n in payload["nodes"])
    errors = []
    page = browser.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_function("window.customsGraph && window.customsGraph.ready", timeout=30_000)
    physics = page.evaluate("window.customsGraph.network.physics.options.enabled")
    drawn = page.evaluate("Object.keys(window.customsGraph.network.body.nodes).length")
    page.close()
    assert not errors
    assert physics is False
    assert drawn == len(big.nodes)
    # a small export keeps the browser's physics
    small_html = htmlpage.html_page(synthetic_subgraph(40))
    assert '"x":' not in small_html.split('type="application/json">')[1].split("</script>")[0]


# --- the registry: one entry per format -------------------------------------------------
def _tsv(sub, path):
    """A format the project does not have, registered by a test."""
    rows = [f"{n.id}\t{n.label}" for n in sorted(sub.nodes.values(), key=lambda n: n.id)]
    Path(path).write_text("\n".join(rows) + "\n", encoding="utf-8")


def test_every_format_entry_is_complete():
    for name, f in export.FORMATS.items():
        assert f.name == name and f.extension.startswith(".") and "/" in f.mime
        assert f.description and callable(f.writer)
    assert len({f.extension for f in export.FORMATS.values()}) == len(export.FORMATS)


def test_a_format_registered_once_is_offered_by_the_cli_and_the_case_package(
        mini, tmp_path, monkeypatch):
    from graph.cli import app

    entry = export.Format("tsv", ".tsv", "text/tab-separated-values", "Nodes, tab-separated",
                          _tsv)
    out = tmp_path / "g.tsv"
    args = ["export", VIET_TRAN, "--format", "tsv", "-o", str(out), "--store", mini.url]
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 2 and not out.exists()  # not registered: a usage error
    monkeypatch.setitem(export.FORMATS, "tsv", entry)
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 0, r.output
    assert f"{VIET_TRAN}\tCompany" in out.read_text("utf-8")
    manifest = case.build(mini.neighbours(VIET_TRAN, hops=1), tmp_path / "c.zip",
                          store_url=mini.url)
    assert {"subgraph.tsv": "tsv"}.items() <= {f["name"]: f["format"]
                                               for f in manifest["files"]}.items()
    assert case.verify(tmp_path / "c.zip") == []
