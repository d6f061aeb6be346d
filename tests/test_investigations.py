"""Investigations (graph/records/investigations.py, graph/actions/investigations.py):
saved, versioned, shared and masked per role, on both stores; attacks included."""

from __future__ import annotations

import json
import sqlite3

import pytest

from graph import actions
from graph.core.errors import NotFound
from graph.records import audit, users
from graph.records import chartview as cv
from graph.records import investigations as im
from tests.test_actions import SAMPLE, leaks, personal_values

COMPANY = "Company:0312345678"  # Việt Trấn
HOSTILE = '<script>alert("x")</script> =HYPERLINK("http://evil.invalid","x") & \'quote\''
ROLES = {"root": "admin", "ana": "analyst", "bob": "analyst", "vic": "viewer", "val": "viewer"}


@pytest.fixture(scope="module")
def users_bytes(tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("inv-users") / "users.json"
    us = users.UserStore(path)
    for name, role in ROLES.items():
        us.add(name, role, f"{name} long password 1")
    return path.read_bytes()


@pytest.fixture
def state(tmp_path, monkeypatch, users_bytes):
    """A state folder of the test's own with five users (their duty log, audit
    trail and, on the embedded store, investigations)."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    folder = tmp_path / "xdg" / "customs-graph"
    folder.mkdir(parents=True)
    (folder / "users.json").write_bytes(users_bytes)
    return folder


def who(name: str) -> users.User:
    return users.User(name, ROLES[name])


def chart(store, ref=COMPANY, hops=2) -> im.Chart:
    sub = store.neighbours(ref, hops=hops, cap=30)
    c = im.Chart(sub)
    ids = sorted(sub.nodes)
    c.positions = {i: (float(n * 40), float(-n * 25)) for n, i in enumerate(ids)}
    c.pinned = {ref}
    c.focus = ref
    return c


def test_save_version_reopen_on_both_stores(sample_store, state):
    s = sample_store
    first = actions.investigation_save(who("ana"), s, chart(s, hops=1), name="Việt Trấn transit")
    assert (first.version, first.owner, first.status) == (1, "ana", "open")
    bigger = chart(s, hops=2)
    second = actions.investigation_save(who("ana"), s, bigger, inv_id=first.id)
    noted = actions.investigation_note(who("ana"), s, first.id,
                                       "declared WHSU5018375 for transit to Cambodia", COMPANY)
    renamed = actions.investigation_rename(who("ana"), s, first.id, "Việt Trấn counterfeits")
    closed = actions.investigation_status(who("ana"), s, first.id, "closed")
    assert [second.version, noted.version, renamed.version, closed.version] == [2, 3, 4, 5]
    hist = actions.investigation_versions(who("ana"), s, first.id)
    assert [v["change"] for v in hist] == ["created", "chart saved", f"note n1 on {COMPANY}",
                                           "renamed", "closed"]
    # a fresh connection (a restarted server) reads the same; any version reopens as it was
    from graph.core.stores import open_store

    with open_store(s.url if s.kind == "neo4j" else s.url) as again:
        latest = actions.investigation_open(who("ana"), again, first.id)
        v1 = actions.investigation_open(who("ana"), again, first.id, version=1)
    assert latest.name == "Việt Trấn counterfeits" and latest.status == "closed"
    assert set(latest.chart.sub.nodes) == set(bigger.sub.nodes)
    assert latest.chart.positions == bigger.positions and latest.chart.pinned == {COMPANY}
    assert bigger.sub.left_out and latest.chart.sub.left_out == bigger.sub.left_out  # "+N more"
    assert latest.chart.sub.left_out_by_type == bigger.sub.left_out_by_type
    assert [n.text for n in latest.notes] == ["declared WHSU5018375 for transit to Cambodia"]
    assert v1.name == "Việt Trấn transit" and v1.notes == ()
    assert set(v1.chart.sub.nodes) == set(chart(s, hops=1).sub.nodes) != set(bigger.sub.nodes)
    # a closed investigation takes no more charts; a duplicate goes on
    with pytest.raises(im.InvestigationError):
        actions.investigation_save(who("ana"), s, bigger, inv_id=first.id)
    with pytest.raises(users.AuthError):  # bob may not open it, so not copy it either
        actions.investigation_duplicate(who("bob"), s, first.id, "copy")
    dup = actions.investigation_duplicate(who("ana"), s, first.id, "go on")
    assert (dup.id != first.id, dup.version, dup.status, dup.owner) == (True, 1, "open", "ana")
    assert set(dup.chart.sub.nodes) == set(bigger.sub.nodes) and len(dup.notes) == 1
    # every change was audited through the door
    recs = [r for r in audit.list(action="investigation") if r.details.get("id") == first.id]
    assert {r.details["change"] for r in recs if "change" in r.details} >= {"created", "closed"}


def test_a_lost_update_is_a_conflict(sample_store, state):
    s = sample_store
    inv = actions.investigation_save(who("ana"), s, chart(s, hops=1), name="race")
    actions.investigation_share(who("ana"), s, inv.id, add=["bob"])
    actions.investigation_save(who("bob"), s, chart(s, hops=1), inv_id=inv.id, expect=2)
    with pytest.raises(im.Conflict):  # ana saves over a chart she did not see
        actions.investigation_save(who("ana"), s, chart(s, hops=2), inv_id=inv.id, expect=2)
    assert len(actions.investigation_versions(who("ana"), s, inv.id)) == 3


def test_sharing_and_roles(sample_store, state):
    s = sample_store
    inv = actions.investigation_save(who("ana"), s, chart(s), name="shared case")
    actions.investigation_note(who("ana"), s, inv.id, "phone +842832461407 called twice",
                               "Phone:+842832461407")
    # not shared: neither a viewer nor another analyst opens it, lists it or writes to it
    for name in ("vic", "bob"):
        with pytest.raises(users.AuthError):
            actions.investigation_open(who(name), s, inv.id)
        with pytest.raises(users.AuthError):
            actions.investigation_versions(who(name), s, inv.id)
        assert inv.id not in [i["id"] for i in actions.investigation_list(who(name), s)]
    with pytest.raises(users.AuthError):
        actions.investigation_note(who("bob"), s, inv.id, "mine now", "")
    with pytest.raises(users.AuthError):
        actions.investigation_share(who("bob"), s, inv.id, add=["bob"])
    # shared with a viewer: opened masked, never changed
    actions.investigation_share(who("ana"), s, inv.id, add=["vic", "bob"])
    seen = actions.investigation_open(who("vic"), s, inv.id)
    personal = personal_values(SAMPLE)
    full = actions.investigation_open(who("ana"), s, inv.id)
    assert leaks(full.to_json(), personal), "the analyst's copy holds personal data"
    assert not leaks(seen.to_json(), personal)
    assert "Phone:[masked] 1" in seen.chart.sub.nodes
    assert seen.notes[0].target == "Phone:[masked] 1"
    assert "+842832461407" not in json.dumps(seen.to_json(), ensure_ascii=False)
    assert inv.id in [i["id"] for i in actions.investigation_list(who("vic"), s)]
    for attempt in (lambda: actions.investigation_save(who("vic"), s, chart(s), inv_id=inv.id),
                    lambda: actions.investigation_note(who("vic"), s, inv.id, "x", ""),
                    lambda: actions.investigation_status(who("vic"), s, inv.id, "closed"),
                    lambda: actions.investigation_rename(who("vic"), s, inv.id, "x")):
        with pytest.raises(users.AuthError):
            attempt()
    assert actions.investigation_open(who("ana"), s, inv.id).version == 3  # unchanged
    # a shared analyst edits the chart but does not re-share or close it
    actions.investigation_note(who("bob"), s, inv.id, "seen it", COMPANY)
    with pytest.raises(users.AuthError):
        actions.investigation_status(who("bob"), s, inv.id, "closed")
    # an admin sees all; sharing with nobody known fails
    assert inv.id in [i["id"] for i in actions.investigation_list(who("root"), s)]
    with pytest.raises(NotFound):
        actions.investigation_share(who("ana"), s, inv.id, add=["mallory"])
    # the refusals are on the trail, as refusals
    refused = [r for r in audit.list(action="investigation") if r.who in ("vic", "bob")
               and r.details["outcome"] == "refused"]
    assert len(refused) >= 8


def test_notes_only_on_the_chart_and_hostile_text_kept_as_text(sample_store, state):
    s = sample_store
    inv = actions.investigation_save(who("ana"), s, chart(s, hops=1), name=HOSTILE)
    assert inv.name == HOSTILE  # kept as written: every renderer escapes it
    with pytest.raises(NotFound):
        actions.investigation_note(who("ana"), s, inv.id, "x", "Person:NOT-ON-CHART")
    link = next(iter(inv.chart.sub.edges.values()))
    done = actions.investigation_note(who("ana"), s, inv.id, HOSTILE, im.edge_key(link))
    assert done.notes[-1].text == HOSTILE
    with pytest.raises(im.InvestigationError):
        actions.investigation_note(who("ana"), s, inv.id, " \x00 ", "")
    with pytest.raises(NotFound):
        actions.investigation_open(who("ana"), s, "../../etc/passwd")


def test_a_note_goes_to_the_duty_log_in_one_click(sample_store, state):
    s = sample_store
    inv = actions.investigation_save(who("ana"), s, chart(s, hops=1), name="post")
    inv = actions.investigation_note(who("ana"), s, inv.id, "declared for Cambodia", COMPANY)
    entry = actions.investigation_post(who("ana"), s, inv.id, "n1")
    assert entry.refs == (COMPANY,) or list(entry.refs) == [COMPANY]
    assert inv.id in entry.text and "declared for Cambodia" in entry.text
    with pytest.raises(users.AuthError):  # a viewer writes no duty log
        actions.investigation_post(who("vic"), s, inv.id, "n1")


def test_embedded_versions_are_append_only(state, sample_lbug):
    inv = actions.investigation_save(who("ana"), sample_lbug, chart(sample_lbug, hops=1),
                                     name="kept")
    conn = sqlite3.connect(state / im.FILE_NAME)
    for sql in ("UPDATE versions SET body = '{}'", "DELETE FROM versions"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute(sql)
    conn.close()
    assert actions.investigation_open(who("ana"), sample_lbug, inv.id).name == "kept"


def test_neo4j_investigations_stay_out_of_the_graph(sample_neo4j, state):
    s = sample_neo4j
    before = s.counts()
    inv = actions.investigation_save(who("ana"), s, chart(s, hops=1), name="Việt Trấn secret")
    assert s.counts() == before
    assert "Việt Trấn secret" not in json.dumps(
        actions.search(who("ana"), s, "secret").results, default=str)
    sub = s.neighbours(COMPANY, hops=2, cap=50)
    assert not [n for n in sub.nodes.values() if n.label.startswith("_")]
    assert s.exists(COMPANY)
    # an analyst's Cypher cannot read another's investigation
    from graph.core.errors import ReadOnlyError

    # ... neither by naming the labels nor by naming none (Community edition cannot
    # deny a label, so label-less scans and id seeks are refused for everyone)
    for q in (f"MATCH (v:{im.VERSION_LABEL}) RETURN v.body",
              f"MATCH (i:{im.LABEL})-[:_VERSION]->(v) RETURN v",
              "MATCH (n) RETURN n.body", "MATCH (n) WHERE n.body IS NOT NULL RETURN n",
              "MATCH ()-[r]->(v) RETURN v.body", "MATCH (n) WHERE id(n) = 0 RETURN n.body",
              "MATCH (n) WHERE elementId(n) = $e RETURN n.body"):
        with pytest.raises(ReadOnlyError):
            actions.cypher(who("bob"), s, q, {"e": "4:x:0"} if "$e" in q else {})
    rows = actions.cypher(who("bob"), s, "MATCH (n:Company) RETURN count(n)", {}).rows
    assert rows[0][0] > 0  # starting from a label still answers
    assert inv.version == 1


def test_the_handover_lists_the_shifts_investigations(sample_store, state, tmp_path,
                                                      monkeypatch):
    from graph.records.dutylog import current_shift

    s = sample_store
    inv = actions.investigation_save(who("ana"), s, chart(s, hops=1), name=HOSTILE)
    actions.investigation_note(who("ana"), s, inv.id, "declared for Cambodia", COMPANY)
    actions.investigation_status(who("ana"), s, inv.id, "handed over")
    shift = current_shift()
    md = tmp_path / "h.md"
    actions.log_handover(who("ana"), shift, md, store=s)
    text = md.read_text(encoding="utf-8")
    part = text.split("## Investigations opened, changed or handed over")[1]
    assert inv.id in part and "opened and handed over" in part
    assert "declared for Cambodia" in part and f"investigation show {inv.id}" in part
    assert "<script>" not in text  # the hostile name is escaped for Markdown
    page = tmp_path / "h.html"
    actions.log_handover(who("ana"), shift, page, store=s)
    body = page.read_text(encoding="utf-8")
    assert "<script>" not in body and "&lt;script&gt;" in body and inv.id in body
    # bob may not open it: his handover does not name it
    actions.log_handover(who("bob"), shift, md, store=s)
    assert inv.id not in md.read_text(encoding="utf-8")
    # another shift does not list it
    actions.log_handover(who("ana"), "2017-06-21 day", md, store=s)
    assert inv.id not in md.read_text(encoding="utf-8")
    # without a store (`customs-graph log handover`): the configured one's
    from graph.core.stores import ENV_STORE

    monkeypatch.setenv(ENV_STORE, s.url)
    actions.log_handover(who("ana"), shift, md)
    assert inv.id in md.read_text(encoding="utf-8")


CONTAINER, DECLARATION, SEIZURE = ("Container:WHSU5018375", "Declaration:500100012345",
                                   "Seizure:SZ-2017-0621-CLI")


def test_the_time_slider_on_three_dates(sample_lbug):
    sub = sample_lbug.neighbours(CONTAINER, hops=2, cap=50)
    stops = cv.days(sub)
    assert stops == sorted(stops) and "2017-06-16" in stops and "2017-06-21" in stops
    keep = {CONTAINER}
    seen = {day: set(cv.as_of(sub, day, keep).nodes) for day in
            ("2017-06-15", "2017-06-16", "2017-06-21")}
    assert CONTAINER in seen["2017-06-15"]
    assert DECLARATION not in seen["2017-06-15"] and SEIZURE not in seen["2017-06-15"]
    assert DECLARATION in seen["2017-06-16"] and SEIZURE not in seen["2017-06-16"]
    assert {DECLARATION, SEIZURE} <= seen["2017-06-21"]
    assert seen["2017-06-15"] < seen["2017-06-16"] < seen["2017-06-21"] <= set(sub.nodes)
    # nothing dated after the day is left, nodes or links
    late = cv.as_of(sub, "2017-06-16", keep)
    assert all((cv.node_day(n) or "") <= "2017-06-16" for n in late.nodes.values())
    assert all((cv.edge_day(e) or "") <= "2017-06-16" for e in late.edges.values())
    assert cv.as_of(sub, None) is sub


def test_a_group_survives_save_and_export(sample_store, state):
    from lxml import etree

    s = sample_store
    c = im.Chart(s.neighbours("Airport:HAN", hops=1, cap=200))
    found = cv.groupable(c.sub, "Airport:HAN")
    label, members = max(found.items(), key=lambda kv: len(kv[1]))
    assert len(members) >= 3
    c.groups = [im.Group("Airport:HAN", label, tuple(members))]
    shown = cv.drawn(c.sub, c.groups)
    assert not set(members) & set(shown.nodes)
    (group,) = [n for n in shown.nodes.values() if n.key.startswith("[")]
    assert group.properties[im.schema.label(label).caption] == f"{len(members)} {label}"
    inv = actions.investigation_save(who("ana"), s, c, name="grouped")
    again = actions.investigation_open(who("ana"), s, inv.id)
    assert again.chart.groups == c.groups  # kept with the chart
    root = etree.fromstring(actions.investigation_export(who("ana"), s, inv.id, "anx"))
    labels = [i.get("Label") for i in root.iter("ChartItem")]
    assert f"{len(members)} {label}" in labels
    idents = {e.get("Identity") for e in root.iter("Entity")}
    assert not set(members) & idents and "Airport:HAN" in idents
    # expanded back: the members are drawn again
    assert set(members) <= set(cv.drawn(c.sub, []).nodes)
