"""The app's sign-in gate, roles and audit trail, driven by AppTest on the sample set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

from graph import audit, users  # noqa: E402
from graph.store import ENV_STORE  # noqa: E402
from graph.users import UserStore  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
PERSON = "Person:P000901"
PASSPORT = "C3640220"  # P000901's passport number in sample_data/persons.csv
PASSWORDS = {"alice": "admin password 1", "bao": "analyst password 1",
             "chi": "viewer password 1"}


@pytest.fixture
def env(sample_lbug_url, tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_STORE, sample_lbug_url)
    monkeypatch.setenv("CUSTOMS_GRAPH_LOG", str(tmp_path / "dutylog.sqlite3"))
    monkeypatch.setenv(users.ENV_USERS, str(tmp_path / "users.json"))
    monkeypatch.setenv(users.ENV_USER, "local-officer")
    monkeypatch.delenv(users.ENV_PASSWORD, raising=False)
    return tmp_path


@pytest.fixture
def with_users(env):
    store = UserStore(env / "users.json")
    store.add("alice", "admin", PASSWORDS["alice"])
    store.add("bao", "analyst", PASSWORDS["bao"])
    store.add("chi", "viewer", PASSWORDS["chi"])
    return store


def _app() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=180)
    at.run()
    _clean(at)
    return at


def _clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _asks_sign_in(at: AppTest) -> bool:
    return any(w.key == "auth_name" for w in at.text_input)


def _sign_in(at: AppTest, name: str, password: str | None = None) -> AppTest:
    at.text_input(key="auth_name").input(name)
    at.text_input(key="auth_password").input(password or PASSWORDS[name])
    at.button(key="auth_submit").click().run()
    _clean(at)
    return at


def _page(at: AppTest, name: str) -> AppTest:
    at.switch_page(f"ui/pages/{name}.py").run()
    _clean(at)
    assert not at.error, [e.value for e in at.error]
    return at


def _open_explore(at: AppTest, text: str) -> AppTest:
    _page(at, "explore")
    at.text_input(key="explore_q").input(text).run()
    at.button(key="explore_open").click().run()
    _clean(at)
    assert at.selectbox(key="explore_sel").value == PERSON
    return at


def _graph_titles(at: AppTest, key: str) -> dict[str, str]:
    for el in at.get("bidi_component"):
        data = json.loads(el.proto.json)
        if data.get("key") == key:
            return {n["id"]: n.get("title", "") for n in data["nodes"]}
    raise AssertionError(f"no graph {key!r} on the page")


def _property(at: AppTest, name: str) -> str:
    props = at.dataframe[0].value
    return dict(zip(props["Property"], props["Value"], strict=True))[name]


# --- the gate -------------------------------------------------------------------------
def test_single_user_mode_needs_no_sign_in(env):
    at = _app()
    assert not _asks_sign_in(at)
    assert "Nodes" in [m.label for m in at.metric]
    assert any("single-user mode" in c.value for c in at.sidebar.caption)
    _open_explore(at, "P000901")
    assert _property(at, "passport_no") == PASSPORT  # the local user is an admin


def test_every_page_asks_for_sign_in_once_users_exist(with_users):
    at = _app()
    assert _asks_sign_in(at) and not at.metric  # the overview shows nothing else
    for name in ("explore", "console", "export", "duty_log"):
        at.switch_page(f"ui/pages/{name}.py").run()
        _clean(at)
        assert _asks_sign_in(at), name
        assert not any(b.key in ("console_run", "explore_open") for b in at.button), name
    _sign_in(at, "chi", "not chi's password")
    assert _asks_sign_in(at) and at.error[0].value == "Wrong user name or password."
    _sign_in(at, "chi")
    assert not _asks_sign_in(at)
    assert any("Signed in as chi (viewer)" in c.value for c in at.sidebar.caption)
    signs = audit.list(action="sign_in")
    assert [(r.who, r.details["ok"]) for r in signs] == [("chi", False), ("chi", True)]
    at.button(key="auth_sign_out").click().run()
    _clean(at)
    assert _asks_sign_in(at) and "auth_user" not in at.session_state


# --- roles ----------------------------------------------------------------------------
def test_viewer_sees_personal_data_masked(with_users):
    at = _sign_in(_app(), "chi")
    _open_explore(at, "P000901")
    assert _property(at, "passport_no") == users.MASK
    assert _property(at, "date_of_birth") == users.MASK
    assert _property(at, "full_name") == "Trần Văn Dũng"
    titles = _graph_titles(at, "explore_graph")
    assert PASSPORT not in titles[PERSON] and users.MASK in titles[PERSON]
    assert not any(PASSPORT in title for title in titles.values())
    # the search is in the audit trail, by the viewer
    (rec,) = audit.list(action="search")
    assert rec.who == "chi" and rec.details["text"] == "P000901" and rec.details["results"] >= 1


def test_viewer_is_refused_on_export(with_users):
    at = _sign_in(_app(), "chi")
    _open_explore(at, "P000901")  # a working graph to export
    _page(at, "export")
    assert any("may not export data" in w.value for w in at.warning)
    assert not at.get("download_button")


def test_analyst_sees_personal_data_and_may_export(with_users):
    at = _sign_in(_app(), "bao")
    _open_explore(at, "P000901")
    assert _property(at, "passport_no") == PASSPORT
    assert PASSPORT in _graph_titles(at, "explore_graph")[PERSON]
    _page(at, "export")
    assert not any("may not export" in w.value for w in at.warning)
    assert at.get("download_button")


def test_console_query_is_masked_for_viewers_and_audited(with_users):
    at = _sign_in(_app(), "chi")
    _page(at, "console")
    cypher = "MATCH (p:Person) WHERE p.person_id = $id RETURN p, p.passport_no"
    at.text_area(key="console_cypher").input(cypher)
    at.text_area(key="console_params").input("id=P000901")
    at.button(key="console_run").click().run()
    _clean(at)
    table = at.dataframe[0].value
    assert len(table) == 1 and not any(PASSPORT in str(v) for v in table.iloc[0])
    assert users.MASK in str(table.iloc[0, 1])
    (rec,) = audit.list(action="query")
    assert rec.who == "chi" and rec.details["name"] == "cypher"
    assert rec.details["cypher"] == cypher and rec.details["params"] == {"id": "P000901"}
    assert rec.details["rows"] == 1


def test_an_export_download_is_audited_with_its_digest(env):
    import hashlib

    from ui import export_page

    data = b'{"nodes": []}'
    export_page._record("json", "case-7.json", data, 3, 2)
    (rec,) = audit.list(action="export")
    assert rec.who == "local-officer"  # single-user mode: the local user
    assert rec.details == {"format": "json", "file": "case-7.json",
                           "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data),
                           "nodes": 3, "edges": 2, "where": "app"}
