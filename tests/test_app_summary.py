"""Explore's neighbour summary: the selected node's neighbours counted by kind, a
button per kind that adds just that kind, the ones that matter first."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

from graph.core.stores import ENV_STORE, open_store  # noqa: E402
from ui.workspace import SESSION_KEY, Workspace  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
VN18 = "Flight:VN18@2017-03-19"
CIGARS = {f"Person:P00090{i}" for i in range(1, 5)}


def test_a_kind_button_adds_that_kind_with_the_seized_passengers_first(
        sample_lbug_url, monkeypatch):
    monkeypatch.setenv(ENV_STORE, sample_lbug_url)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    ws = Workspace()
    with open_store(sample_lbug_url) as s:
        ws.open(s.neighbours(VN18, hops=1, labels=["Airport"]), focus=VN18)
    at.session_state[SESSION_KEY] = ws
    at.switch_page("ui/pages/explore.py").run()
    assert not at.exception, at.exception
    kinds = {b.label: b for b in at.button if (b.key or "").startswith("explore_kind_")}
    persons = [label for label in kinds if "TRAVELLED" in label and "Person" in label]
    assert persons, list(kinds)
    count = int(persons[0].split()[0].replace(",", ""))
    assert count > 50  # every passenger and crew member of the flight, counted
    at.number_input(key="explore_expand_n").set_value(4).run()
    kinds = {b.label: b for b in at.button if (b.key or "").startswith("explore_kind_")}
    kinds[persons[0]].click().run()
    assert not at.exception, at.exception
    ws = at.session_state[SESSION_KEY]
    added = {i for i in ws.sub.nodes if i.startswith("Person:")}
    assert added == CIGARS  # risk order: the four seized passengers first
    assert ws.sub.left_out_by_type[VN18]["TRAVELLED>Person"] == count - 4
