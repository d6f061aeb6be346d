"""Watchlist alerts in the app, driven by AppTest on the sample set in LadybugDB: the
Overview screens the store against the stored watchlist (sample_data/watchlist.csv)
and shows the planted hits, masked for a viewer; the Resolve page keeps an uploaded
watchlist as the stored one, for analysts only."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

from graph.analysis import screen  # noqa: E402
from graph.core.stores import ENV_STORE  # noqa: E402
from graph.records import audit, users
from graph.records import watchlist as stored  # noqa: E402
from tests.conftest import SAMPLE  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
WATCHLIST = SAMPLE / "watchlist.csv"
CIGAR_PAX = "Person:P000901"  # Trần Văn Dũng, passport C3640220, born 1978-05-14
PLANTED = {CIGAR_PAX, "Person:P000417", "Person:P002211", "Company:0312345678"}
PASSWORD = "a long enough password"


def _clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    unexpected = [e.value for e in at.error]
    assert not unexpected, unexpected


@pytest.fixture
def kept(tmp_path, monkeypatch):
    """A stored-watchlist file of the test's own, empty."""
    path = tmp_path / "customs-graph" / "watchlist.json"
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))  # the state: tmp_path/customs-graph
    return path


def _app(url: str, monkeypatch, user: users.User | None = None) -> AppTest:
    monkeypatch.setenv(ENV_STORE, url)
    at = AppTest.from_file(str(APP), default_timeout=300)
    if user is not None:
        at.session_state["auth_user"] = user
    at.run()
    _clean(at)
    return at


def _signed_in(tmp_path, monkeypatch, name: str, role: str) -> users.User:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))  # the state: tmp_path/customs-graph
    us = users.UserStore()
    us.add("ada", "admin", PASSWORD)
    if name != "ada":
        us.add(name, role, PASSWORD)
    return users.User(name, role)


def _alerts(at: AppTest):
    """The Overview's watchlist hits table (the one with an Evidence column)."""
    frames = [df.value for df in at.dataframe if "Evidence" in df.value.columns]
    assert len(frames) == 1, [list(df.value.columns) for df in at.dataframe]
    return frames[0]


def _texts(at: AppTest) -> str:
    """The page's captions, markdown and notes, data unescaped (names go through md_escape)."""
    return " ".join(str(x.value) for kind in ("caption", "markdown", "info")
                    for x in getattr(at, kind)).replace("\\", "")


def test_overview_without_a_stored_watchlist_says_how_to_keep_one(sample_lbug_url, kept,
                                                                   monkeypatch):
    at = _app(sample_lbug_url, monkeypatch)
    assert any(s.value == "Alerts: watchlist hits" for s in at.subheader)
    assert "No watchlist is stored" in _texts(at)
    assert not [df for df in at.dataframe if "Evidence" in df.value.columns]


def test_overview_shows_the_planted_hits_and_opens_them(sample_lbug_url, kept, monkeypatch):
    stored.save_file(WATCHLIST, "alice")
    calls = []
    real = screen.screen_watchlist

    def counting(*a, **kw):
        calls.append(1)
        return real(*a, **kw)

    monkeypatch.setattr(screen, "screen_watchlist", counting)
    at = _app(sample_lbug_url, monkeypatch)
    hits = _alerts(at)
    assert set(hits["ref"]) == PLANTED
    assert list(hits["Score"]) == sorted(hits["Score"], reverse=True)
    pax = hits[hits["ref"] == CIGAR_PAX].iloc[0]
    assert pax["Score"] == 100 and pax["Watchlist name"] == "Trần Văn Dũng"
    assert "same passport 'C 3640220' / 'C3640220'" in pax["Evidence"]
    assert "same date of birth 1978-05-14" in pax["Evidence"]
    assert "Stored watchlist watchlist.csv: 4 entries" in _texts(at)
    assert "by alice" in _texts(at)
    assert calls == [1]

    # cached: another rerun (a widget, the language) does not screen again
    at.run()
    at.selectbox(key="lang").set_value("vi").run()
    _clean(at)
    at.selectbox(key="lang").set_value("en").run()
    assert calls == [1]
    # a new watchlist (another hash) is screened at once
    other = kept.parent / "other.csv"
    other.write_text("company\nViet Tran Trading Co Ltd\n", "utf-8")
    stored.save_file(other, "alice")
    at.run()
    _clean(at)
    assert len(calls) == 2 and set(_alerts(at)["ref"]) == {"Company:0312345678"}

    # open a hit in Explore, as the latest seizures open
    stored.save_file(WATCHLIST, "alice")
    at.run()
    pick = at.selectbox(key="overview_watch_pick")  # one per entity, best score first
    assert len(pick.options) == 4
    assert pick.options[0] == "Person:P000417 · Nguyễn Văn Hùng (100)"
    assert pick.options[-1].startswith("Company:0312345678 · ")
    at.selectbox(key="overview_watch_pick").set_value(CIGAR_PAX).run()
    at.button(key="overview_watch_open").click().run()
    _clean(at)
    ws = at.session_state["workspace"]
    assert ws.focus == CIGAR_PAX and CIGAR_PAX in ws.sub.nodes and len(ws.sub.nodes) > 1


def test_a_viewer_sees_the_alerts_masked(sample_lbug_url, kept, tmp_path, monkeypatch):
    stored.save_file(WATCHLIST, "alice")
    vera = _signed_in(tmp_path, monkeypatch, "vera", "viewer")
    at = _app(sample_lbug_url, monkeypatch, vera)
    hits = _alerts(at)
    assert set(hits["ref"]) == PLANTED  # the hits themselves are not hidden
    shown = hits.to_string() + " " + " ".join(map(str, hits["Evidence"]))
    for personal in ("3640220", "1978-05-14", "B1234567", "B-1234567", "B 1234567",
                     "1979-04-12"):
        assert personal not in shown, personal
    pax = hits[hits["ref"] == CIGAR_PAX].iloc[0]
    assert "same passport '[masked]' / '[masked]'" in pax["Evidence"]
    assert "same date of birth [masked]" in pax["Evidence"]
    assert "Personal data" in _texts(at) and "masked" in _texts(at)

    # the same page for an analyst shows the values
    users.UserStore().add("binh", "analyst", PASSWORD)  # (one state folder: one users file)
    binh = users.User("binh", "analyst")
    at = _app(sample_lbug_url, monkeypatch, binh)
    assert "3640220" in " ".join(_alerts(at)["Evidence"])


def test_resolve_page_keeps_the_uploaded_watchlist(sample_lbug_url, kept, monkeypatch):
    at = _app(sample_lbug_url, monkeypatch)
    at.switch_page("ui/pages/resolve.py").run()
    _clean(at)
    data = WATCHLIST.read_bytes()
    at.file_uploader(key="resolve_watchlist").upload("watchlist.csv", data, "text/csv").run()
    _clean(at)
    assert "No watchlist is stored yet" in _texts(at)
    save = at.button(key="resolve_watch_save")
    assert save.label == "Keep as the stored watchlist" and not save.disabled
    n_audit = len(audit.list("watchlist"))
    save.click().run()
    _clean(at)
    wl = stored.load()
    assert wl.sha256 == hashlib.sha256(data).hexdigest() and wl.source == "watchlist.csv"
    assert wl.saved_by == users.local_user_name()  # single-user mode
    records = audit.list("watchlist")
    assert len(records) == n_audit + 1
    assert records[-1].details["sha256"] == wl.sha256 and records[-1].details["where"] == "app"
    assert any("Stored watchlist: watchlist.csv, 4 entries" in s.value.replace("\\", "")
               for s in at.success)
    # the same file again: nothing to replace
    assert at.button(key="resolve_watch_save").disabled
    assert "This file is the stored watchlist" in _texts(at)
    # the Overview now alerts on it
    at.switch_page("ui/pages/overview.py").run()
    _clean(at)
    assert set(_alerts(at)["ref"]) == PLANTED


def test_a_viewer_cannot_keep_a_watchlist(sample_lbug_url, kept, tmp_path, monkeypatch):
    vera = _signed_in(tmp_path, monkeypatch, "vera", "viewer")
    at = _app(sample_lbug_url, monkeypatch, vera)
    at.switch_page("ui/pages/resolve.py").run()
    _clean(at)
    assert not at.get("file_uploader")
    assert not [b for b in at.button if b.key == "resolve_watch_save"]
    assert not kept.exists()
