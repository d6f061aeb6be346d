"""The Analysis and Resolve pages driven by AppTest on the sample set in LadybugDB."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

from graph.core.stores import ENV_STORE, open_store  # noqa: E402
from graph.records import audit  # noqa: E402
from loaders.load import load_folder  # noqa: E402
from tests.conftest import SAMPLE, lbug_url  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
CONTAINER = "Container:WHSU5018375"
PAIR = ("Person:P000417", "Person:P002211")


def _clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    unexpected = [e.value for e in at.error]
    assert not unexpected, unexpected


def _start(url: str, monkeypatch, page: str) -> AppTest:
    monkeypatch.setenv(ENV_STORE, url)
    at = AppTest.from_file(str(APP), default_timeout=300)
    at.run()
    _clean(at)
    at.switch_page(f"ui/pages/{page}.py").run()
    _clean(at)
    return at


@pytest.fixture(scope="module")
def own_lbug_url(tmp_path_factory):
    """A private copy of the sample store: the resolve tests write into it."""
    folder = tmp_path_factory.mktemp("resolve-lbug")
    url = lbug_url(folder)
    with open_store(url) as s:
        load_folder(s, SAMPLE, rejects_file=folder / "rejects.csv", progress=False)
    return url


def _graph(at: AppTest, key: str) -> dict:
    for el in at.get("bidi_component"):
        data = json.loads(el.proto.json)
        if data.get("key") == key:
            return data
    raise AssertionError(f"no graph {key!r} on the page")


def _frame_with(at: AppTest, column: str):
    for df in at.dataframe:
        if column in df.value.columns:
            yield df.value


# --- analysis -------------------------------------------------------------------------
def test_analysis_on_a_neighbourhood(sample_lbug_url, monkeypatch):
    at = _start(sample_lbug_url, monkeypatch, "analysis")
    at.text_input(key="analysis_q").input("WHSU5018375").run()
    _clean(at)
    assert at.selectbox(key="analysis_pick").value == CONTAINER
    sub = at.session_state["analysis_sub"][1]
    assert CONTAINER in sub.nodes and len(sub.nodes) > 5

    # The top entities per score: three tables of refs from the neighbourhood.
    tops = list(_frame_with(at, "Score"))
    assert len(tops) == 3
    for df in tops:
        assert 0 < len(df) <= 10 and set(df["ref"]) <= set(sub.nodes)
    # Communities, with sizes adding up to the nodes scored.
    comms = next(_frame_with(at, "Community"))
    assert len(comms) >= 1 and comms["Size"].sum() > 0

    # Nodes sized by the score and coloured by community, the legend naming communities.
    data = _graph(at, "analysis_graph")
    sizes = {n["size"] for n in data["nodes"] if "size" in n and not n.get("more_of")}
    assert len(sizes) > 1
    assert data["legend"] and data["legend"][0]["text"].startswith("Community 1")
    at.radio(key="analysis_size_by").set_value("pagerank").run()
    _clean(at)
    at.toggle(key="analysis_colour").set_value(False).run()
    _clean(at)
    assert not any(x["text"].startswith("Community") for x in _graph(at, "analysis_graph")[
        "legend"])

    # The risk score of the container, with its contributions and reasons.
    assert at.selectbox(key="analysis_risk_ref").value == CONTAINER
    at.button(key="analysis_risk_go").click().run()
    _clean(at)
    assert any(m.label == "Risk score" for m in at.metric)
    contributions = list(_frame_with(at, "Reason"))
    assert contributions and (contributions[0]["Reason"].str.len() > 0).all()


def test_analysis_uses_the_working_graph(sample_lbug_url, monkeypatch):
    at = _start(sample_lbug_url, monkeypatch, "explore")
    at.text_input(key="explore_q").input("WHSU5018375").run()
    at.button(key="explore_open").click().run()
    _clean(at)
    at.switch_page("ui/pages/analysis.py").run()
    _clean(at)
    assert "analysis_q" not in at.session_state
    assert len(list(_frame_with(at, "Score"))) == 3


# --- resolve --------------------------------------------------------------------------
def test_resolve_accept_and_undo(own_lbug_url, monkeypatch):
    at = _start(own_lbug_url, monkeypatch, "resolve")
    props = next(_frame_with(at, "Evidence"))
    pairs = set(zip(props["Record A"], props["Record B"], strict=True))
    assert PAIR in pairs
    row = props[(props["Record A"] == PAIR[0]) & (props["Record B"] == PAIR[1])].iloc[0]
    assert row["Score"] >= 90 and "passport" in row["Evidence"]

    at.selectbox(key="resolve_pick").set_value(f"{PAIR[0]} ↔ {PAIR[1]}").run()
    at.button(key="resolve_accept").click().run()
    _clean(at)
    with open_store(own_lbug_url) as s:
        linked = s.neighbours(PAIR[0], rel_types=["SAME_AS"])
        assert PAIR[1] in linked.nodes
        edge = next(e for e in linked.edges.values() if e.type == "SAME_AS")
        assert edge.properties["decided_by"]
    # No longer proposed; listed among the accepted merges.
    assert PAIR not in set(zip(*(next(_frame_with(at, "Evidence"))[c]
                                 for c in ("Record A", "Record B")), strict=True))
    merges = next(_frame_with(at, "Decided by"))
    assert PAIR in set(zip(merges["Record A"], merges["Record B"], strict=True))
    last = audit.list("merge")[-1]
    assert last.details["refs"] == list(PAIR) and last.details["decision"] == "accepted"

    at.selectbox(key="resolve_undo_pick").set_value(f"{PAIR[0]} ↔ {PAIR[1]}").run()
    at.button(key="resolve_undo").click().run()
    _clean(at)
    with open_store(own_lbug_url) as s:
        assert PAIR[1] not in s.neighbours(PAIR[0], rel_types=["SAME_AS"]).nodes


def test_resolve_reject_is_audited(own_lbug_url, monkeypatch):
    at = _start(own_lbug_url, monkeypatch, "resolve")
    choice = at.selectbox(key="resolve_pick").value
    at.button(key="resolve_reject").click().run()
    _clean(at)
    assert choice not in at.selectbox(key="resolve_pick").options
    last = audit.list("merge")[-1]
    assert last.details["decision"] == "rejected"
    assert " ↔ ".join(last.details["refs"]) == choice


def test_screening_finds_a_planted_person(sample_lbug_url, monkeypatch, tmp_path):
    watchlist = tmp_path / "watchlist.csv"
    watchlist.write_text("name,date_of_birth,nationality,document_no,company\n"
                         "Nguyen Van Hung,,VN,B 1234567,\n", encoding="utf-8")
    at = _start(sample_lbug_url, monkeypatch, "resolve")
    at.file_uploader(key="resolve_watchlist").upload(
        "watchlist.csv", watchlist.read_bytes(), "text/csv").run()
    _clean(at)
    hits = next(_frame_with(at, "Watchlist name"))
    assert {"Person:P000417", "Person:P002211"} <= set(hits["ref"])
    assert (hits["Evidence"].str.contains("passport")).any()


def test_a_viewer_neither_decides_nor_sees_evidence(sample_lbug_url, monkeypatch, tmp_path):
    from graph.records import users

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))  # the state: tmp_path/customs-graph
    users.UserStore().add("ada", "admin", "a long enough password")
    users.UserStore().add("vera", "viewer", "a long enough password")
    monkeypatch.setenv(ENV_STORE, sample_lbug_url)
    at = AppTest.from_file(str(APP), default_timeout=300)
    at.session_state["auth_user"] = users.User("vera", "viewer")
    at.run()
    _clean(at)
    at.switch_page("ui/pages/resolve.py").run()
    _clean(at)
    assert not list(_frame_with(at, "Evidence"))
    assert not at.get("file_uploader") and len(at.info) == 2
    at.switch_page("ui/pages/analysis.py").run()
    at.text_input(key="analysis_q").input("WHSU5018375").run()
    _clean(at)
    assert any("masked" in c.value for c in at.caption)
    shown = " ".join(" ".join(map(str, df["ref"])) for df in _frame_with(at, "Score"))
    assert "Phone:+" not in shown and "Email:" not in shown.replace("Email:[masked]", "")
