"""An investigation out of the app: the i2 chart (ANX), the investigator's report (HTML
in a real Chromium, PDF), the command line; hostile names escaped everywhere."""

from __future__ import annotations

import html
import io
import json
import subprocess
import sys

import pytest
from lxml import etree

from graph import actions
from graph.core.model import Node
from graph.records import investigations as im
from graph.records import users
from tests.test_investigations import (  # noqa: F401 - fixtures
    COMPANY,
    HOSTILE,
    chart,
    state,
    users_bytes,
    who,
)

EVIL = "Person:EVIL1"


def hostile_chart(store) -> im.Chart:
    """The Việt Trấn chart plus a person whose name is hostile (a loaded record could be)."""
    c = chart(store, hops=2)
    c.sub.add_node(Node("Person", "EVIL1", {"person_id": "EVIL1", "full_name": HOSTILE + "\x01",
                                            "source": "persons.csv:99"}))
    c.positions[EVIL] = (500.0, 500.0)
    return c


@pytest.fixture
def case(sample_lbug, state):  # noqa: F811 - the fixture imported above
    s = sample_lbug
    inv = actions.investigation_save(who("ana"), s, hostile_chart(s), name=HOSTILE)
    inv = actions.investigation_note(who("ana"), s, inv.id,
                                     "declared WHSU5018375 for transit to Cambodia", COMPANY)
    inv = actions.investigation_note(who("ana"), s, inv.id, HOSTILE, EVIL)
    return s, inv


def test_anx_holds_every_node_and_link_and_escapes_names(case):
    s, inv = case
    data = actions.investigation_export(who("ana"), s, inv.id, "anx")
    assert b"<script>" not in data and b"\x01" not in data
    root = etree.fromstring(data)  # well-formed, or this raises
    assert root.tag == "Chart"
    types = {t.get("Name"): t.get("IconFile") for t in root.iter("EntityType")}
    assert types["Company"] == "Organisation" and types["Container"] == "Container"
    assert all(types.values())
    ents = {e.get("Identity"): e for e in root.iter("Entity")}
    assert set(ents) == set(inv.chart.sub.nodes)
    ids = {e.get("EntityId") for e in ents.values()}
    assert len(ids) == len(ents) and all(ids)
    for e in ents.values():  # every entity: an icon of a declared type
        assert e.find("Icon/IconStyle").get("Type") in types
    links = list(root.iter("Link"))
    assert len(links) == len(inv.chart.sub.edges)
    got = set()
    by_id = {e.get("EntityId"): ref for ref, e in ents.items()}
    for ln in links:
        assert ln.get("End1Id") in ids and ln.get("End2Id") in ids
        got.add((by_id[ln.get("End1Id")], ln.find("LinkStyle").get("Type"),
                 by_id[ln.get("End2Id")]))
    assert got == {(e.source, e.type, e.target) for e in inv.chart.sub.edges.values()}
    evil = ents[EVIL].getparent().getparent()
    assert evil.get("Label") == HOSTILE  # the parser gives back the text as written
    cards = [c.get("Text") for c in evil.iter("Card")]
    assert HOSTILE in cards and "persons.csv:99" in cards
    company = ents[COMPANY].getparent().getparent()
    assert "declared WHSU5018375 for transit to Cambodia" in [c.get("Text")
                                                              for c in company.iter("Card")]
    assert [f.get("Field") for f in root.iter("Field")][0] == HOSTILE
    x, y = inv.chart.positions[COMPANY]
    assert (company.get("XPosition"), company.find("End").get("Y")) == (str(round(x)),
                                                                        str(round(y)))
    dated = [i for i in root.iter("ChartItem") if i.get("DateSet") == "true"]
    assert dated and all(i.get("DateTime", "").endswith("T00:00:00.000") for i in dated)


def test_report_escapes_and_holds_the_chart(case, tmp_path):
    s, inv = case
    page = actions.investigation_export(who("ana"), s, inv.id, "html", tmp_path / "r.html",
                                        paths=[(COMPANY, "Container:WHSU5018375")]).decode()
    assert "<script" not in page and html.escape(HOSTILE, quote=True) in page
    assert page.count('<g class="node"') == len(inv.chart.sub.nodes)
    assert "persons.csv:99" in page and "Case package manifest" in page
    assert (tmp_path / "r.case.zip").exists()
    from graph.interchange import case as case_pkg

    manifest = case_pkg.read_manifest(tmp_path / "r.case.zip")
    assert all(f["sha256"] in page for f in manifest["files"])
    assert "WHSU5018375" in page.split("Paths between chosen entities")[1]
    with pytest.raises(users.AuthError):  # a viewer exports nothing, shared or not
        actions.investigation_share(who("ana"), s, inv.id, add=["vic"])
        actions.investigation_export(who("vic"), s, inv.id, "html")


def test_report_opens_in_chromium_with_no_request_leaving(case, tmp_path, browser):
    s, inv = case
    path = tmp_path / "report.html"
    actions.investigation_export(who("ana"), s, inv.id, "html", path)
    requests = []
    page = browser.new_page()
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    assert requests == [path.as_uri()]  # nothing else: no CDN, no font, no image
    assert page.locator("svg circle").count() >= len(inv.chart.sub.nodes)
    box = page.locator(".chart svg").bounding_box()
    assert box["width"] > 300 and box["height"] > 150
    assert page.evaluate("document.scripts.length") == 0
    assert page.locator("text=declared WHSU5018375 for transit to Cambodia").count() == 1
    page.close()


def test_pdf_holds_the_entities_of_the_chart(case, browser):
    from pypdf import PdfReader

    s, inv = case
    data = actions.investigation_export(who("ana"), s, inv.id, "pdf")
    assert data.startswith(b"%PDF")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    flat = " ".join(text.split())
    for n in inv.chart.sub.nodes.values():
        assert n.key in flat.replace(" ", "") or n.key in flat, n.id


def test_pdf_without_chromium_says_so(case, monkeypatch):
    s, inv = case
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.delenv("CUSTOMS_GRAPH_CHROMIUM", raising=False)
    with pytest.raises(im.InvestigationError, match="PDF needs Chromium"):
        actions.investigation_export(who("ana"), s, inv.id, "pdf")


def _cli(*args, env):
    import os

    e = {k: v for k, v in os.environ.items() if k not in (users.ENV_USER, users.ENV_PASSWORD)}
    e.update(env)
    return subprocess.run([sys.executable, "-m", "graph.cli", *map(str, args)], env=e,
                          capture_output=True, text=True, timeout=300)


def test_cli_list_show_export_close(case, tmp_path, sample_lbug_url):
    s, inv = case
    ana = {"XDG_DATA_HOME": str(tmp_path / "xdg"), users.ENV_USER: "ana",
           users.ENV_PASSWORD: "ana long password 1"}
    bob = {**ana, users.ENV_USER: "bob", users.ENV_PASSWORD: "bob long password 1"}
    st = ["--store", sample_lbug_url]
    done = _cli("investigation", "list", "--json", *st, env=ana)
    assert done.returncode == 0, done.stderr
    assert [i["id"] for i in json.loads(done.stdout)["investigations"]] == [inv.id]
    done = _cli("investigation", "show", inv.id, "--json", *st, env=ana)
    shown = json.loads(done.stdout)
    assert shown["name"] == HOSTILE and len(shown["versions"]) == 3
    assert _cli("investigation", "list", "--json", *st, env=bob).stdout.count(inv.id) == 0
    done = _cli("investigation", "show", inv.id, *st, env=bob)  # not shared with bob
    assert done.returncode == 1 and "not shared" in done.stderr and HOSTILE not in done.stdout
    done = _cli("investigation", "show", "nonsense", *st, env=ana)
    assert done.returncode == 1 and "no investigation" in done.stderr
    done = _cli("investigation", "export", inv.id, "--format", "xls", "-o", tmp_path / "x", *st,
                env=ana)
    assert done.returncode == 2
    done = _cli("investigation", "export", inv.id, "--format", "anx", "-o", tmp_path / "c.anx",
                "--json", *st, env=ana)
    assert done.returncode == 0 and etree.parse(str(tmp_path / "c.anx")).getroot().tag == "Chart"
    done = _cli("investigation", "close", inv.id, *st, env=bob)
    assert done.returncode == 1
    done = _cli("investigation", "close", inv.id, "--json", *st, env=ana)
    assert done.returncode == 0 and json.loads(done.stdout)["status"] == "closed"
    assert actions.investigation_open(who("ana"), s, inv.id).status == "closed"
