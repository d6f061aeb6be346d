"""The Investigations page, driven by AppTest on the sample set: an analyst saves the
Việt Trấn chart, notes the company, shares it; a viewer opens it masked; a note goes
to the duty log in one click."""

from __future__ import annotations

import pytest

pytest.importorskip("streamlit")

from graph import actions  # noqa: E402
from graph.records import audit, users  # noqa: E402
from graph.records.dutylog import DutyLog  # noqa: E402
from tests.test_app_auth import (  # noqa: E402, F401 - fixtures
    _app,
    _clean,
    _page,
    _sign_in,
    env,
    with_users,
)
from tests.test_investigations import COMPANY, HOSTILE  # noqa: E402

PHONE = "+842832461407"  # the company's phone: personal, masked for a viewer


def _open(at, text: str):
    _page(at, "explore")
    at.text_input(key="explore_q").input(text).run()
    at.button(key="explore_open").click().run()
    _clean(at)
    return at


def test_save_note_share_and_open_as_a_viewer(with_users, sample_lbug_url):  # noqa: F811
    at = _sign_in(_app(), "bao")
    _open(at, "0312345678")
    assert at.selectbox(key="explore_sel").value == COMPANY
    _page(at, "investigations")
    at.text_input(key="inv_name").input(HOSTILE).run()
    at.button(key="inv_save_new").click().run()
    _clean(at)
    found = actions.investigation_list(users.User("bao", "analyst"), sample_lbug_url)
    assert [i["name"] for i in found] == [HOSTILE]
    inv_id = found[0]["id"]
    at.selectbox(key="inv_note_on").select(COMPANY).run()
    at.text_area(key="inv_note_text").input("declared WHSU5018375 for transit to Cambodia").run()
    at.button(key="inv_note_add").click().run()
    _clean(at)
    at.text_input(key="inv_share").input("chi").run()
    at.button(key="inv_share_btn").click().run()
    _clean(at)
    at.button(key="inv_post_n1").click().run()
    _clean(at)
    with DutyLog() as dl:
        entry = dl.entries()[-1]
    assert inv_id in entry.text and list(entry.refs) == [COMPANY]
    # the note is on the chart: a marker on the company, the text in its tooltip
    _page(at, "explore")
    import json

    data = json.loads(at.get("bidi_component")[0].proto.json)
    company = next(n for n in data["nodes"] if n["id"] == COMPANY)
    assert company["label"].startswith("✎") and "transit to Cambodia" in company["title"]
    # a viewer it is shared with opens it masked and cannot change it
    at = _sign_in(_app(), "chi")
    _page(at, "investigations")
    at.button(key="inv_open_btn").click().run()
    _clean(at)
    assert not [b for b in at.button if b.key in ("inv_share_btn", "inv_note_add", "inv_save")]
    _page(at, "explore")
    blob = at.get("bidi_component")[0].proto.json
    assert COMPANY in blob and PHONE not in blob
    records = [r for r in audit.list(action="investigation") if r.who == "chi"]
    assert {r.details["what"] for r in records} >= {"list", "open"}
    assert all(r.details["where"] == "app" for r in records)


def test_the_time_slider_and_a_group_on_explore(with_users, sample_lbug_url):  # noqa: F811
    import json

    from tests.test_investigations import CONTAINER, DECLARATION, SEIZURE

    at = _sign_in(_app(), "bao")
    _page(at, "explore")
    at.text_input(key="explore_q").input("WHSU5018375").run()
    at.selectbox(key="explore_hops").select(2).run()
    at.button(key="explore_open").click().run()
    _clean(at)

    def drawn() -> set[str]:
        return {n["id"] for n in json.loads(at.get("bidi_component")[0].proto.json)["nodes"]}

    everything = drawn()
    assert {CONTAINER, DECLARATION, SEIZURE} <= everything
    for day, present, absent in (("2017-06-15", set(), {DECLARATION, SEIZURE}),
                                 ("2017-06-16", {DECLARATION}, {SEIZURE}),
                                 ("2017-06-21", {DECLARATION, SEIZURE}, set())):
        at.select_slider(key="explore_day").set_value(day).run()
        _clean(at)
        now = drawn()
        assert present <= now and not absent & now, day
    at.select_slider(key="explore_day").set_value("2017-06-15").run()
    at.button(key="explore_play").click().run()  # plays forward to the next date
    assert at.select_slider(key="explore_day").value == "2017-06-16"
    at.select_slider(key="explore_day").set_value("").run()
    assert drawn() == everything
    # a group: the seizure's eleven brands in one node, and back
    at.selectbox(key="explore_sel").select(SEIZURE).run()
    group = [b for b in at.button if (b.key or "") == "explore_group_Brand"]
    assert group, "the seizure has brands to group"
    group[0].click().run()
    _clean(at)
    grouped = drawn()
    assert not [i for i in grouped if i.startswith("Brand:") and "[" not in i]
    assert f"Brand:[11] {SEIZURE}" in grouped and len(grouped) == len(everything) - 10
    [b for b in at.button if (b.key or "").startswith("explore_ungroup_")][0].click().run()
    assert drawn() == everything
