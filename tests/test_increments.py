"""A daily increment into a store that holds data, and a load's memory.

Relationships with an end the increment created go in without reading the
stored pairs (they cannot be stored yet) and give the graph the merging path
gives; a new relationship whose end is missing is named, never lost; a load's
gathered tables are spilled to a private folder that is gone after the load.
"""

from __future__ import annotations

import importlib.util
import os
import stat

import pytest

from graph.core import ladybug_write
from graph.core.ladybug_write import LadybugWrites
from graph.core.neo4j_write import Neo4jWrites
from graph.core.stores import open_store
from loaders import tables
from loaders.load import load_folder
from tests.conftest import ROOT, SAMPLE, lbug_url, reset_neo4j
from tests.test_load_paths import dump

_spec = importlib.util.spec_from_file_location("increment_bench",
                                               ROOT / "benchmarks" / "increment_bench.py")
increment_bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(increment_bench)


@pytest.fixture(scope="module")
def split_sample(tmp_path_factory):
    """The sample minus its last 20 days (base), and those days (day)."""
    work = tmp_path_factory.mktemp("split")
    base, day = work / "base", work / "day"
    base.mkdir()
    day.mkdir()
    counts = increment_bench.split(SAMPLE, base, day, 20)
    assert counts["travel.csv"] > 50 and counts["flights.csv"] > 5
    return base, day


def _load(store, folder, tmp_path, name):
    return load_folder(store, folder, rejects_file=tmp_path / f"{name}.csv", progress=False,
                       parallel=False)


def test_an_increment_gives_the_graph_of_the_merging_path_and_a_rerun_changes_nothing(
        split_sample, tmp_path, monkeypatch):
    base, day = split_sample
    (tmp_path / "new").mkdir()
    with open_store(lbug_url(tmp_path / "new")) as s:
        _load(s, base, tmp_path, "b1")
        inc = _load(s, day, tmp_path, "d1")
        new = dump(s)
        again = _load(s, day, tmp_path, "d2")
        assert again.counts == inc.counts and dump(s) == new
    assert inc.rejects == again.rejects  # the sample plants a few bad rows
    # The oracle: the same increment, every relationship through the merging path.
    (tmp_path / "old").mkdir()
    with open_store(lbug_url(tmp_path / "old")) as s:
        _load(s, base, tmp_path, "b2")
        with monkeypatch.context() as m:
            m.setattr(LadybugWrites, "insert_relationships",
                      lambda self, rel, a, b, rows: self.upsert_relationships(
                          rel, a, b, rows if isinstance(rows, list) else rows.to_pylist()))
            _load(s, day, tmp_path, "d3")
        assert dump(s) == new


@pytest.mark.neo4j
def test_neo4j_increment_gives_the_graph_of_the_merging_path(neo4j_url, split_sample, tmp_path,
                                                             monkeypatch):
    base, day = split_sample
    try:
        reset_neo4j(neo4j_url)
        with open_store(neo4j_url) as s:
            _load(s, base, tmp_path, "b1")
            inc = _load(s, day, tmp_path, "d1")
            new = dump(s)
            again = _load(s, day, tmp_path, "d2")
            assert again.counts == inc.counts and dump(s) == new
        reset_neo4j(neo4j_url)
        with open_store(neo4j_url) as s:
            _load(s, base, tmp_path, "b2")
            with monkeypatch.context() as m:
                m.setattr(Neo4jWrites, "insert_relationships",
                          lambda self, rel, a, b, rows: self.upsert_relationships(rel, a, b, rows))
                _load(s, day, tmp_path, "d3")
            assert dump(s) == new
    finally:
        reset_neo4j(neo4j_url)


def test_the_increment_reads_no_stored_pair_of_a_relationship_to_a_new_flight(
        split_sample, tmp_path, monkeypatch):
    base, day = split_sample
    asked: list[tuple[str, list]] = []
    real = ladybug_write._stored_pairs

    def spy(conn, rt, fa, fb, pairs):
        asked.append((rt.name, pairs))
        return real(conn, rt, fa, fb, pairs)

    with open_store(lbug_url(tmp_path)) as s:
        _load(s, base, tmp_path, "b")
        stored = {k for [k] in s.read("MATCH (f:Flight) RETURN f.flight_key")[1]}
        monkeypatch.setattr(ladybug_write, "_stored_pairs", spy)
        _load(s, day, tmp_path, "d")
        made = {k for [k] in s.read("MATCH (f:Flight) RETURN f.flight_key")[1]} - stored
        n_travel = s.read("MATCH (:Person)-[e:TRAVELLED]->(f:Flight) WHERE f.flight_key IN $k "
                          "RETURN count(e)", {"k": sorted(made)})[1][0][0]
    assert made and n_travel > 0
    for rt, pairs in asked:
        assert not any(t in made or f in made for f, t in pairs), rt


def test_a_new_relationship_with_a_missing_end_is_named_not_lost(empty_lbug):
    s = empty_lbug
    s.upsert_nodes("Person", [_person("P1"), _person("P2")])
    s.upsert_nodes("Phone", [_phone("+84900000001"), _phone("+84900000002")])
    s.upsert_relationships("HAS_PHONE", "Person", "Phone",
                           [{"from": "P1", "to": "+84900000001", "source": "t:1"}])
    rows = [{"from": "P2", "to": "+84900000002", "source": "t:2"},
            {"from": "P2", "to": "+84999999999", "source": "t:3"}]  # no such phone
    counts = s.insert_relationships("HAS_PHONE", "Person", "Phone", rows)
    assert counts.created == 1
    assert [(r["to"], end) for r, end in counts.missing] == [("+84999999999", "Phone")]
    pairs = s.read("MATCH (a:Person)-[:HAS_PHONE]->(b:Phone) RETURN a.person_id, b.number "
                   "ORDER BY a.person_id")[1]
    assert pairs == [["P1", "+84900000001"], ["P2", "+84900000002"]]


def test_a_loads_tables_are_spilled_to_a_private_folder_removed_after_it(
        tmp_path, monkeypatch):
    url = lbug_url(tmp_path)
    root = tmp_path / "graph.lbug.spill"
    root.mkdir(mode=0o700)
    dead = root / "999999999-killed"  # a killed load's folder: no such process
    dead.mkdir()
    (dead / "0.parquet").write_bytes(b"x")
    live = root / f"{os.getppid()}-running"  # a load still running elsewhere
    live.mkdir()
    seen = {}
    real = tables.Tables._write_all

    def look(self, advance):
        seen["files"] = sorted(p.name for p in self.spill.iterdir())
        seen["mode"] = stat.S_IMODE(self.spill.stat().st_mode)
        seen["in_memory"] = [n for n, parts in self.parts.items()
                             if not all(p.exists() for p in parts)]
        return real(self, advance)

    monkeypatch.setattr(tables.Tables, "_write_all", look)
    with open_store(url) as s:
        load_folder(s, SAMPLE, rejects_file=tmp_path / "r.csv", progress=False,
                    parallel=False)
    assert len(seen["files"]) > 20 and all(f.endswith(".parquet") for f in seen["files"])
    assert seen["mode"] == 0o700 and seen["in_memory"] == []
    assert sorted(p.name for p in root.iterdir()) == [live.name]  # ours and the dead one gone


def test_a_failed_load_leaves_no_spilled_rows(tmp_path, monkeypatch):
    def broken(self, advance):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(tables.Tables, "_write_all", broken)
    with open_store(lbug_url(tmp_path)) as s, pytest.raises(RuntimeError):
        load_folder(s, SAMPLE, rejects_file=tmp_path / "r.csv", progress=False,
                    parallel=False)
    assert not (tmp_path / "graph.lbug.spill").exists()


def _person(pid):
    return {"person_id": pid, "full_name": f"Name {pid}", "source": "t:0",
            "ref": f"Person:{pid}", "search_text": None}


def _phone(n):
    return {"number": n, "source": "t:0", "ref": f"Phone:{n}", "search_text": None}
