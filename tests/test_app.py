"""The Streamlit app driven by AppTest: every page, on the sample set in LadybugDB."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

from graph.core.model import Node, Subgraph  # noqa: E402
from graph.core.stores import ENV_STORE, open_store  # noqa: E402
from ui import i18n  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
CIGAR_PAX = {"Person:P000901", "Person:P000902", "Person:P000903", "Person:P000904"}
VIET_TRAN = "Company:0312345678"
CONTAINER = "Container:WHSU5018375"


@pytest.fixture
def app(sample_lbug_url, monkeypatch):
    monkeypatch.setenv(ENV_STORE, sample_lbug_url)
    at = AppTest.from_file(str(APP), default_timeout=180)
    at.run()
    assert not at.exception, at.exception
    return at


def _page(at: AppTest, name: str) -> AppTest:
    at.switch_page(f"ui/pages/{name}.py").run()
    _clean(at)
    return at


def _clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    unexpected = [e.value for e in at.error]
    assert not unexpected, unexpected


def _graph_nodes(at: AppTest, key: str) -> list[str]:
    for el in at.get("bidi_component"):
        data = json.loads(el.proto.json)
        if data.get("key") == key:
            return [n["id"] for n in data["nodes"]]
    raise AssertionError(f"no graph {key!r} on the page")


def _open_explore(at: AppTest, text: str, hops: int = 1) -> AppTest:
    _page(at, "explore")
    at.text_input(key="explore_q").input(text).run()
    at.selectbox(key="explore_hops").set_value(hops).run()
    at.button(key="explore_open").click().run()
    _clean(at)
    return at


# --- overview -----------------------------------------------------------------------
def test_overview_counts_seizures_and_alerts(app):
    _clean(app)
    labels = [m.label for m in app.metric]
    assert "Nodes" in labels and "Relationships" in labels
    assert len(app.get("vega_lite_chart")) == 2  # nodes per label, rels per type
    seizures = app.dataframe[0].value
    assert list(seizures["date"]) == sorted(seizures["date"], reverse=True)
    assert any(str(s).startswith("SZ-") for s in seizures["seizure"])


def test_overview_alert_errors_stay_per_query(app, monkeypatch, tmp_path):
    (tmp_path / "broken_alert.cypher").write_text(
        "// name: broken_alert\n// title: Broken\n// alert: true\nMATCH (n:Nope) RETURN n\n",
        encoding="utf-8")
    (tmp_path / "seizure_count.cypher").write_text(
        "// name: seizure_count\n// title: Seizures\n// alert: true\n"
        "MATCH (s:Seizure) RETURN s.seizure_id\n", encoding="utf-8")
    monkeypatch.setattr("graph.core.queries.QUERIES_DIR", tmp_path)
    app.run()
    assert not app.exception
    table = app.dataframe[1].value
    hits = dict(zip(table["name"], table["Hits"], strict=True))
    assert hits["seizure_count"] == "25" or int(hits["seizure_count"]) > 0
    assert hits["broken_alert"] == "—"
    assert any("broken_alert" in e.value for e in app.error)


# --- explore ------------------------------------------------------------------------
def test_search_is_diacritics_blind(app, sample_lbug_url):
    _page(app, "explore")
    app.text_input(key="explore_q").input("viet tran").run()
    options = app.selectbox(key="explore_pick").options
    assert any("0312345678" in o for o in options), options
    app.text_input(key="explore_q").input("WHSU").run()
    options = app.selectbox(key="explore_pick").options
    assert options and all("WHSU" in o for o in options)
    with open_store(sample_lbug_url) as s:
        passport = s.get("Person:P000901").properties["passport_no"]
    app.text_input(key="explore_q").input(passport.lower()).run()
    assert app.selectbox(key="explore_pick").value == "Person:P000901"


def test_search_choose_open_shows_graph(app):
    _open_explore(app, "WHSU5018375", hops=2)
    ids = _graph_nodes(app, "explore_graph")
    assert CONTAINER in ids and VIET_TRAN in ids
    ws = app.session_state["workspace"]
    assert ws.focus == CONTAINER
    # The selected node's properties are listed, whole (a table that wraps).
    props = app.table[0].value
    assert "WHSU5018375" in set(props["Value"])


def test_expand_remove_pin_undo_redo_reset(app):
    _open_explore(app, "WHSU5018375", hops=1)
    ws = app.session_state["workspace"]
    before = set(ws.sub.nodes)
    decl = next(i for i in before if i.startswith("Declaration:"))
    app.selectbox(key="explore_sel").set_value(decl).run()
    app.number_input(key="explore_expand_n").set_value(50).run()
    app.button(key="explore_expand").click().run()
    _clean(app)
    grown = set(app.session_state["workspace"].sub.nodes)
    assert grown > before and VIET_TRAN in grown
    assert VIET_TRAN in _graph_nodes(app, "explore_graph")

    app.selectbox(key="explore_sel").set_value(VIET_TRAN).run()
    app.button(key="explore_pin").click().run()
    assert VIET_TRAN in app.session_state["workspace"].pinned
    app.button(key="explore_remove").click().run()
    assert VIET_TRAN not in app.session_state["workspace"].sub.nodes
    assert VIET_TRAN not in _graph_nodes(app, "explore_graph")

    app.button(key="explore_undo").click().run()  # the removal
    assert VIET_TRAN in app.session_state["workspace"].sub.nodes
    app.button(key="explore_undo").click().run()  # the pin
    app.button(key="explore_undo").click().run()  # the expansion
    assert set(app.session_state["workspace"].sub.nodes) == before
    app.button(key="explore_redo").click().run()
    assert set(app.session_state["workspace"].sub.nodes) == grown
    app.button(key="explore_reset").click().run()
    _clean(app)
    assert not app.session_state["workspace"].sub.nodes
    app.button(key="explore_undo").click().run()
    assert set(app.session_state["workspace"].sub.nodes) == grown


def test_hub_shows_more_and_expands_selectively(app):
    _page(app, "explore")
    app.text_input(key="explore_q").input("VN18@2017-03-19").run()
    app.number_input(key="explore_cap").set_value(10).run()
    app.button(key="explore_open").click().run()
    _clean(app)
    ws = app.session_state["workspace"]
    flight = "Flight:VN18@2017-03-19"
    assert ws.sub.left_out.get(flight, 0) > 100  # ~140 passengers, 10 shown
    ids = _graph_nodes(app, "explore_graph")
    assert f"more::{flight}" in ids
    shown = len(ws.sub.nodes)
    app.selectbox(key="explore_sel").set_value(flight).run()
    app.number_input(key="explore_expand_n").set_value(30).run()
    app.selectbox(key="explore_order").set_value("most").run()
    app.button(key="explore_expand").click().run()
    _clean(app)
    ws = app.session_state["workspace"]
    assert shown < len(ws.sub.nodes) <= shown + 30
    # The most connected neighbours first: the cigar passengers travel a lot.
    assert CIGAR_PAX & set(ws.sub.nodes)


def _graph_data(at: AppTest, key: str) -> dict:
    for el in at.get("bidi_component"):
        data = json.loads(el.proto.json)
        if data.get("key") == key:
            return data
    raise AssertionError(f"no graph {key!r} on the page")


def test_big_neighbourhood_comes_laid_out_by_the_server(app):
    from ui.graphview import LAYOUT_THRESHOLD

    _page(app, "explore")
    app.text_input(key="explore_q").input("VN18@2017-03-19").run()
    app.selectbox(key="explore_hops").set_value(2).run()
    app.number_input(key="explore_cap").set_value(1000).run()
    app.button(key="explore_open").click().run()
    _clean(app)
    assert len(app.session_state["workspace"].sub.nodes) > LAYOUT_THRESHOLD
    data = _graph_data(app, "explore_graph")
    assert data["layout"] == "server"
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in data["nodes"])
    # a small one: the browser's physics, as before
    _open_explore(app, "WHSU5018375", hops=1)
    data = _graph_data(app, "explore_graph")
    assert data["layout"] == "physics" and not any("x" in n for n in data["nodes"])


def test_filters_hide_labels_and_dates(app):
    _open_explore(app, "WHSU5018375", hops=2)
    everything = _graph_nodes(app, "explore_graph")
    app.multiselect(key="explore_labels").set_value(["Container", "Declaration", "Company"]).run()
    _clean(app)
    shown = _graph_nodes(app, "explore_graph")
    assert set(shown) < set(everything)
    assert {i.split(":")[0] for i in shown if not i.startswith("more::")} <= {
        "Container", "Declaration", "Company"}
    app.multiselect(key="explore_labels").set_value([]).run()
    app.toggle(key="explore_window_on").set_value(True).run()
    from datetime import date

    app.date_input(key="explore_window").set_value((date(2017, 6, 1), date(2017, 6, 18))).run()
    _clean(app)
    shown = _graph_nodes(app, "explore_graph")
    assert "Declaration:500100012345" in shown  # registered 16/06/2017
    assert not any(i.startswith("Seizure:") for i in shown)  # seized 21/06/2017


# --- paths --------------------------------------------------------------------------
def test_paths_between_container_and_company(app):
    _page(app, "paths")
    app.text_input(key="paths_a_q").input("WHSU5018375").run()
    app.text_input(key="paths_b_q").input("viet tran").run()
    app.selectbox(key="paths_b_pick").set_value(VIET_TRAN).run()
    app.button(key="paths_find").click().run()
    _clean(app)
    res = app.session_state["paths_result"]
    assert res["paths"] and len(res["paths"][0]) == 2
    assert VIET_TRAN in _graph_nodes(app, "paths_graph")
    steps = app.dataframe[0].value
    assert "ref" in steps.columns and VIET_TRAN in set(steps["ref"])
    app.toggle(key="paths_time").set_value(True).run()
    app.button(key="paths_find").click().run()
    _clean(app)
    assert all("Time-respecting" not in e.value for e in app.error)


def test_time_respecting_filter():
    from graph.core.model import Edge, Path
    from ui.paths import time_respecting

    def flight(key, day):
        return Node("Flight", key, {"departure_date": day})

    p = Node("Person", "P1", {})
    f1, f2 = flight("A@2017-03-17", "2017-03-17"), flight("B@2017-03-19", "2017-03-19")
    e1 = Edge(p.id, f1.id, "TRAVELLED")
    e2 = Edge(p.id, f2.id, "TRAVELLED")
    assert time_respecting(Path((f1, p, f2), (e1, e2)))
    assert not time_respecting(Path((f2, p, f1), (e2, e1)))
    assert time_respecting(Path((p,), ()))


# --- route finder ---------------------------------------------------------------------
def _find_route(app) -> set[str]:
    _page(app, "routes")
    assert app.selectbox(key="routes_country").value == "CU"
    assert app.selectbox(key="routes_via").value == "CDG"
    assert app.selectbox(key="routes_dest").value == "HAN"
    app.button(key="routes_find").click().run()
    _clean(app)
    return set(app.session_state["routes_result"].travellers)


def test_route_finder_finds_the_four(app):
    assert _find_route(app) == CIGAR_PAX
    assert any("4 traveller" in s.value for s in app.success)
    assert CIGAR_PAX <= set(_graph_nodes(app, "routes_graph"))


def test_route_finder_builtin_search_agrees(app, monkeypatch, tmp_path):
    monkeypatch.setattr("graph.core.queries.QUERIES_DIR", tmp_path)  # no itinerary_route
    assert _find_route(app) == CIGAR_PAX
    assert app.session_state["routes_result"].source == "builtin"
    graph_ids = set(_graph_nodes(app, "routes_graph"))
    assert {"Booking:QX7K2M", "Airport:HAV", "Airport:CDG", "Airport:HAN"} <= graph_ids


def test_route_finder_connection_window_excludes_long_stays(sample_lbug):
    from ui.routes import RouteSearch, builtin

    q = RouteSearch(origin_country="CU", via="CDG", destination="HAN", date_from="2017-03-01",
                    date_to="2017-03-31", max_connection_hours=24 * 12)
    wide = set(builtin(sample_lbug, q).travellers)
    assert CIGAR_PAX < wide  # the ten-day stay shows up with a twelve-day window
    q.max_connection_hours = 48
    assert set(builtin(sample_lbug, q).travellers) == CIGAR_PAX


# --- saved queries ----------------------------------------------------------------------
TYPED_QUERY = """// name: typed_form
// title: Typed form
// description: Every parameter type, to test the generated form.
// param: container str = "WHSU5018375" -- a container
// param: max_rows int = 5 -- rows
// param: min_value float = 0.5 -- a float
// param: with_company bool = true -- a bool
// param: since date = "2017-01-01" -- a date
// param: kinds list = "transit, import" -- a list
// view: graph
// tags: test, containers
MATCH (co:Company)-[r:DECLARED]->(d:Declaration)-[c:COVERS]->(x:Container)
WHERE x.container_no = $container AND d.registered_date >= $since AND d.type IN $kinds
  AND $min_value > 0 AND $with_company
RETURN co, r, d, c, x LIMIT $max_rows
"""


def test_saved_query_form_runs(app, monkeypatch, tmp_path):
    (tmp_path / "typed_form.cypher").write_text(TYPED_QUERY, encoding="utf-8")
    monkeypatch.setattr("graph.core.queries.QUERIES_DIR", tmp_path)
    _page(app, "saved")
    assert app.radio(key="saved_pick").value == "typed_form"
    assert app.text_input(key="sq_typed_form_container").value == "WHSU5018375"
    assert app.number_input(key="sq_typed_form_max_rows").value == 5
    assert app.checkbox(key="sq_typed_form_with_company").value is True
    _submit(app)
    _clean(app)
    name, res = app.session_state["saved_result"]
    assert name == "typed_form" and res.rows
    assert VIET_TRAN in _graph_nodes(app, "sq_res_typed_form_graph")
    table = app.dataframe[0].value
    assert any("0312345678" in str(v) for v in table.iloc[:, 0])


def test_saved_query_missing_value_is_a_message(app, monkeypatch, tmp_path):
    (tmp_path / "needs_value.cypher").write_text(
        "// name: needs_value\n// title: Needs a value\n// param: container str -- required\n"
        "MATCH (x:Container) WHERE x.container_no = $container RETURN x\n", encoding="utf-8")
    monkeypatch.setattr("graph.core.queries.QUERIES_DIR", tmp_path)
    _page(app, "saved")
    _submit(app)
    assert not app.exception
    assert any("container" in e.value for e in app.error)


def _submit(at: AppTest) -> None:
    """Click the query form's submit button ("Run")."""
    next(b for b in at.button if b.label == "Run").click().run()


def test_library_lists_the_repository_queries(app):
    from graph.core import queries

    found, _ = queries.load_all()
    _page(app, "saved")
    if found:
        options = app.radio(key="saved_pick").options
        assert len(options) == len(found)
        assert sum("notifications_active" in o for o in options) == sum(
            q.alert for q in found.values())


# --- cypher console ------------------------------------------------------------------------
def test_console_runs_with_parameters(app):
    _page(app, "console")
    app.button(key="console_run").click().run()  # the example query with its k=v parameter
    _clean(app)
    res = app.session_state["console_result"]
    assert res.rows
    assert VIET_TRAN in _graph_nodes(app, "console_res_graph")
    app.text_area(key="console_cypher").input(
        "MATCH (c:Company) WHERE c.company_id = $id RETURN c.name AS name").run()
    app.text_area(key="console_params").input('{"id": "0312345678"}').run()
    app.button(key="console_run").click().run()
    _clean(app)
    assert "Việt Trấn" in app.session_state["console_result"].rows[0][0]


def test_console_refuses_a_write(app, sample_lbug_url):
    _page(app, "console")
    app.text_area(key="console_cypher").input("CREATE (p:Person {person_id: 'X1'}) RETURN p").run()
    app.text_area(key="console_params").input("").run()
    app.button(key="console_run").click().run()
    assert not app.exception
    assert any("read-only" in e.value.lower() for e in app.error), [e.value for e in app.error]
    with open_store(sample_lbug_url) as s:
        assert not s.exists("Person:X1")


def test_console_bad_parameters(app):
    _page(app, "console")
    app.text_area(key="console_params").input("no equals sign").run()
    app.button(key="console_run").click().run()
    assert not app.exception
    assert any("k=v" in e.value for e in app.error)


# --- export, timeline ------------------------------------------------------------------------
def test_export_offers_every_format(app):
    from graph.interchange import export

    _open_explore(app, "WHSU5018375", hops=2)
    _page(app, "export")
    keys = {b.proto.id for b in app.get("download_button")}
    assert any("export_html" in k for k in keys), keys
    for fmt in export.FORMATS:
        assert any(f"export_{fmt}" in k for k in keys), (fmt, keys)


def test_timeline_and_map(app):
    _open_explore(app, "VN18@2017-03-19", hops=1)
    _page(app, "timeline")
    charts = app.get("vega_lite_chart")
    assert len(charts) == 2  # timeline and map
    spec = json.loads(charts[1].proto.spec)
    assert "projection" in json.dumps(spec)
    assert "tiles" not in json.dumps(spec).lower()


def test_duty_log_page_is_in_the_navigation(app, monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))  # a state folder of its own
    _page(app, "duty_log")
    assert app.title


def test_empty_working_graph_pages(app):
    for name in ("export", "timeline"):
        _page(app, name)
        assert any("empty" in i.value for i in app.info)


# --- language, errors --------------------------------------------------------------------------
def test_language_switch(app):
    app.selectbox(key="lang").set_value("vi").run()
    _clean(app)
    assert any(m.label == "Nút" for m in app.metric)
    _page(app, "explore")
    assert app.title[0].value == "Khám phá"
    app.selectbox(key="lang").set_value("en").run()
    assert app.title[0].value == "Explore"


def test_catalogue_is_complete():
    for key, pair in i18n.MESSAGES.items():
        assert len(pair) == 2 and all(isinstance(x, str) and x for x in pair), key
        fields = [set(re.findall(r"{(\w+)}", x)) for x in pair]
        assert fields[0] == fields[1], key
    used = set()
    for path in [APP, *sorted((ROOT / "ui").rglob("*.py"))]:
        used |= set(re.findall(r"""\bt\(\s*f?["']([a-z_.]+)["']""", path.read_text("utf-8")))
    missing = {k for k in used if k not in i18n.MESSAGES and not k.endswith(".")}
    assert not missing, missing


def test_unreachable_store_is_a_message_with_retry(monkeypatch):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    monkeypatch.setenv(ENV_STORE, f"bolt://127.0.0.1:{port}")
    at = AppTest.from_file(str(APP), default_timeout=180)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("cannot be reached" in e.value for e in at.error), [e.value for e in at.error]
    assert any(b.key == "retry_store" for b in at.button)
    at.button(key="retry_store").click().run()
    assert not at.exception


def test_names_are_escaped_in_html_export():
    from ui.graphview import standalone_html

    evil = "<img src=x onerror=alert(1)></script><script>alert(2)</script>"
    sub = Subgraph()
    sub.add_node(Node("Company", "EVIL1", {"company_id": "EVIL1", "name": evil}))
    page = standalone_html(sub)
    assert "<img src=x" not in page and "<script>alert(2)" not in page
    assert "&lt;img src=x" in page  # the table shows it as text
    assert not re.search(r"<(script|link)[^>]+(src|href)=", page)  # everything inline
