"""The app's sign-in gate, roles and audit trail, driven by AppTest on the sample set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

from graph.core.stores import ENV_STORE  # noqa: E402
from graph.records import audit, users  # noqa: E402
from graph.records.users import UserStore  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
PERSON = "Person:P000901"
PASSPORT = "C3640220"  # P000901's passport number in sample_data/persons.csv
PASSWORDS = {"alice": "admin password 1", "bao": "analyst password 1",
             "chi": "viewer password 1"}


@pytest.fixture
def env(sample_lbug_url, tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_STORE, sample_lbug_url)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))  # the state: tmp_path/customs-graph
    monkeypatch.delenv(users.ENV_USER, raising=False)
    monkeypatch.delenv(users.ENV_PASSWORD, raising=False)
    return tmp_path / "customs-graph"


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
    props = at.table[0].value  # the selected node's properties, indexed by name
    return dict(zip(props.index, props["Value"], strict=True))[name]


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
    # a phone number is a node's key: it reaches the browser only masked
    phones = [i for i in titles if i.startswith("Phone:")]
    assert phones and all(i.startswith(f"Phone:{users.MASK}") for i in phones)
    assert not any("+84" in i or "+84" in title for i, title in titles.items())
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


def _console(at: AppTest, cypher: str) -> AppTest:
    _page(at, "console")
    at.text_area(key="console_cypher").input(cypher)
    at.text_area(key="console_params").input("id=P000901")
    at.button(key="console_run").click().run()
    _clean(at)
    return at


def test_console_is_refused_to_viewers_and_the_refusal_audited(with_users):
    """Ad-hoc Cypher could RETURN p.passport_no under any name: analysts and admins
    only (the actions layer refuses, and records the refusal)."""
    cypher = "MATCH (p:Person) WHERE p.person_id = $id RETURN p, p.passport_no AS doc"
    at = _console(_sign_in(_app(), "chi"), cypher)
    assert any("may not run ad-hoc Cypher" in e.value for e in at.error)
    assert not at.dataframe
    (rec,) = [r for r in audit.list(action="query") if r.details["action"] == "cypher"]
    assert rec.who == "chi" and rec.details["outcome"] == "refused"
    assert rec.details["action"] == "cypher" and rec.details["where"] == "app"


def test_console_query_is_audited(with_users):
    cypher = "MATCH (p:Person) WHERE p.person_id = $id RETURN p, p.passport_no"
    at = _console(_sign_in(_app(), "bao"), cypher)
    table = at.dataframe[0].value
    assert len(table) == 1 and PASSPORT in str(table.iloc[0, 1])
    (rec,) = [r for r in audit.list(action="query") if r.details["action"] == "cypher"]
    assert rec.who == "bao" and rec.details["name"] == "cypher"
    assert rec.details["cypher"] == cypher and rec.details["params"] == {"id": "P000901"}
    assert rec.details["rows"] == 1 and rec.details["outcome"] == "allowed"


def test_an_export_download_is_audited_with_its_digest(env):
    import hashlib

    from ui import auth

    data = b'{"nodes": []}'
    make = auth.download("graph", "json", "case-7.json", lambda: data, nodes=3, edges=2)
    assert not audit.list(action="export")  # built, and recorded, only on the click
    assert make() == data
    (rec,) = audit.list(action="export")
    assert rec.who == users.local_user_name()  # single-user mode: the OS user
    assert rec.details == {"what": "graph", "format": "json", "file": "case-7.json",
                           "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data),
                           "nodes": 3, "edges": 2, "where": "app", "action": "export.download",
                           "outcome": "allowed"}


# --- sign-in through the identity provider (OIDC) ---------------------------------------
AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "a test secret, not a real one",
        "client_id": "customs-graph", "client_secret": "not a real secret",
        "server_metadata_url": "https://sso.customs.example/.well-known/openid-configuration"}


def _oidc_app(user: dict | None = None, auth: dict | None = None, **secrets) -> AppTest:
    """The app with an [auth] section in its secrets and, when given, the identity
    the provider signed in (st.user)."""
    at = AppTest.from_file(str(APP), default_timeout=180)
    at.secrets["auth"] = auth or AUTH
    at.secrets.update(secrets)
    if user is not None:
        at.user = {"is_logged_in": True, **user}
    at.run()
    _clean(at)
    return at


def _oidc_buttons(at: AppTest) -> list[str]:
    """The "Sign in with …" labels, as the browser shows them (the provider's name
    is Markdown-escaped)."""
    return [b.label.replace("\\", "") for b in at.button
            if str(b.key).startswith("auth_oidc_") and b.key != "auth_oidc_logout"]


def test_without_auth_settings_the_local_flow_is_unchanged(with_users):
    at = _app()
    assert _asks_sign_in(at) and not _oidc_buttons(at)
    _sign_in(at, "bao")
    assert any("Signed in as bao (analyst)" in c.value for c in at.sidebar.caption)
    (rec,) = audit.list(action="sign_in")
    assert rec.details == {"ok": True, "method": "password", "where": "app"}


def test_auth_settings_offer_the_provider_beside_passwords(with_users):
    import importlib.util

    at = _oidc_app()
    assert _oidc_buttons(at) == ["Sign in with sso.customs.example"]
    # st.login needs Authlib (the oidc extra): without it the button says so, disabled
    assert at.button(key="auth_oidc_0").disabled == (importlib.util.find_spec("authlib")
                                                     is None)
    assert _asks_sign_in(at)  # password users exist: their form stays
    assert not audit.list(action="sign_in")  # nobody signed in yet
    # named providers, each its own button; the label of the default one can be set
    named = {"redirect_uri": AUTH["redirect_uri"], "cookie_secret": AUTH["cookie_secret"],
             "microsoft": {k: AUTH[k] for k in ("client_id", "client_secret",
                                                "server_metadata_url")}}
    assert _oidc_buttons(_oidc_app(auth=named)) == ["Sign in with Microsoft"]
    at = _oidc_app(customs_graph={"oidc_label": "Agency [SSO](javascript:x)"})
    assert _oidc_buttons(at) == ["Sign in with Agency [SSO](javascript:x)"]  # as text
    assert "\\[SSO\\]" in at.button(key="auth_oidc_0").label


def test_only_the_provider_when_no_user_has_a_password(env):
    UserStore(env / "users.json").add("ada@customs.example", "admin", oidc=True)
    at = _oidc_app()
    assert _oidc_buttons(at) and not _asks_sign_in(at)


def test_a_registered_identity_signs_in_with_its_role(with_users):
    with_users.add("lan@customs.example", "viewer", oidc=True)
    at = _oidc_app({"email": "Lan@Customs.Example", "sub": "00u42", "name": "Lan"})
    assert not _asks_sign_in(at) and not _oidc_buttons(at)
    assert any("Signed in as lan@customs.example (viewer)" in c.value
               for c in at.sidebar.caption)
    assert at.session_state["auth_user"] == users.User("lan@customs.example", "viewer",
                                                       oidc=True)
    _open_explore(at, "P000901")
    assert _property(at, "passport_no") == users.MASK  # the users file's role: a viewer
    (rec,) = audit.list(action="sign_in")
    assert rec.who == "lan@customs.example"
    assert rec.details == {"ok": True, "method": "oidc", "sub": "00u42", "where": "app"}
    # sign-out leaves the provider too (st.logout), so the next run does not sign back in
    at.button(key="auth_sign_out").click().run()
    _clean(at)
    assert at.user == {"is_logged_in": False}
    assert _oidc_buttons(at) and "auth_user" not in at.session_state


def test_an_unknown_identity_is_refused(with_users):
    at = _oidc_app({"email": "mallory@elsewhere.example", "sub": "x1"})
    assert "auth_user" not in at.session_state and not at.metric
    (err,) = at.error
    assert "mallory@elsewhere.example is not registered" in err.value.replace("\\", "")
    assert any(b.key == "auth_oidc_logout" for b in at.button)
    at.switch_page("ui/pages/explore.py").run()
    _clean(at)
    assert not any(b.key == "explore_open" for b in at.button)  # no page behind the gate
    recs = audit.list(action="sign_in")  # refused once, not on every rerun
    assert [(r.who, r.details["ok"], r.details["method"]) for r in recs] == [
        ("mallory@elsewhere.example", False, "oidc")]


def test_a_disabled_identity_is_refused(with_users):
    with_users.add("lan@customs.example", "analyst", oidc=True)
    with_users.set_disabled("lan@customs.example")
    at = _oidc_app({"email": "lan@customs.example"})
    assert "auth_user" not in at.session_state
    assert "disabled" in at.error[0].value


# --- masking on the paths, routes and timeline pages -----------------------------------
# The planted case: the four cigar passengers, their passports, birth dates, the phone
# P000901 and P000902 share (sample_data/persons.csv).
CIGAR = {"P000901": ("C3640220", "1978-05-14"), "P000902": ("C8566657", "1981-09-02"),
         "P000903": ("C9873874", "1985-11-23"), "P000904": ("C1469671", "1983-02-07")}
SHARED_PHONE = "+84943972816"
SECRETS = [v for pair in CIGAR.values() for v in pair] + [SHARED_PHONE, "84943972816",
                                                          "trandung32@gmail.com"]


@pytest.fixture
def downloads(monkeypatch) -> list[bytes]:
    """Every file a page offers for download (kept by Streamlit's media storage)."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    seen: list[bytes] = []
    original = MemoryMediaFileStorage.load_and_get_id

    def keep(self, path_or_data, *args, **kwargs):
        if isinstance(path_or_data, bytes):
            seen.append(path_or_data)
        return original(self, path_or_data, *args, **kwargs)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", keep)
    return seen


def _output(at: AppTest, downloads: list[bytes]) -> bytes:
    """Everything the page sent the browser: each element's message (tables and
    charts as Arrow, the graph as JSON, captions, tooltips) and its downloads."""
    blob = b"\n".join(node.proto.SerializeToString() for node in at._tree
                      if getattr(node, "proto", None) is not None)
    return blob + b"\n" + b"\n".join(downloads)


def _leaks(blob: bytes) -> list[str]:
    return [s for s in SECRETS if s.encode("utf-8") in blob]


def _paths_page(at: AppTest) -> AppTest:
    _page(at, "paths")
    for side, pid in (("a", "P000901"), ("b", "P000902")):
        at.text_input(key=f"paths_{side}_q").input(pid).run()
        at.selectbox(key=f"paths_{side}_pick").set_value(f"Person:{pid}").run()
    at.button(key="paths_find").click().run()
    _clean(at)
    assert at.session_state["paths_result"]["paths"]
    return at


def _routes_page(at: AppTest) -> AppTest:
    _page(at, "routes")
    at.button(key="routes_find").click().run()
    _clean(at)
    assert {f"Person:{p}" for p in CIGAR} <= set(at.session_state["routes_result"].travellers)
    return at


def _timeline_page(at: AppTest) -> AppTest:
    _page(at, "explore")
    at.text_input(key="explore_q").input("VN18@2017-03-19").run()
    at.button(key="explore_open").click().run()
    _clean(at)
    _page(at, "timeline")
    assert len(at.get("vega_lite_chart")) == 2
    return at


def test_viewer_sees_no_personal_data_on_paths_routes_timeline(with_users, downloads):
    at = _sign_in(_app(), "chi")
    blob = _output(_paths_page(at), downloads)
    assert not _leaks(blob), "paths"
    assert users.MASK.encode() in blob  # the people are there, masked
    ids = _graph_titles(at, "paths_graph")
    assert "Person:P000901" in ids and "Phone:[masked] 1" in ids  # the phone under a mask
    assert set(at.dataframe[0].value["ref"]) >= {"Person:P000901", "Phone:[masked] 1"}
    downloads.clear()
    blob = _output(_routes_page(at), downloads)
    assert not at.get("download_button"), "a viewer may not export: no CSV offered"
    assert not _leaks(blob), "routes"
    downloads.clear()
    blob = _output(_timeline_page(at), downloads)
    assert not _leaks(blob), "timeline"
    # the session keeps only what the door gave the viewer: the phone under a pseudonym
    kept = {n.id for p in at.session_state["paths_result"]["paths"] for n in p.nodes}
    assert f"Phone:{SHARED_PHONE}" not in kept
    assert any(k.startswith(f"Phone:{users.MASK}") for k in kept)


def test_analyst_sees_personal_data_on_paths_and_routes(with_users, downloads):
    at = _sign_in(_app(), "bao")
    blob = _output(_paths_page(at), downloads)
    assert {"C3640220", "1978-05-14", "C8566657", SHARED_PHONE} <= set(_leaks(blob))
    assert f"Phone:{SHARED_PHONE}" in _graph_titles(at, "paths_graph")
    downloads.clear()
    blob = _output(_routes_page(at), downloads)
    assert {pp for pp, _ in CIGAR.values()} <= set(_leaks(blob))  # in the graph's tooltips
    downloads.clear()
    blob = _output(_timeline_page(at), downloads)
    assert b"VN18@2017-03-19" in blob  # the page has content; it shows no person's data
