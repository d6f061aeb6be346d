"""The load's fast paths give the graph the merging path gives.

A load into tables that were empty when it began writes through the stores'
bulk path (COPY FROM on LadybugDB, look-up-free batches on Neo4j) and checks
rows in a second process; any other load merges row by row. Both must give
the same nodes, relationships, properties and rejects, on both stores.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graph.core.stores import open_store
from loaders import load as loader
from loaders.load import load_folder
from loaders.worker import stream_from_child
from tests.conftest import ROOT, SAMPLE, lbug_url, reset_neo4j


def dump(store) -> dict:
    """Every node and relationship with all its properties."""
    # The store's own reads (analysts' queries may not scan without a label).
    nodes = store.read("MATCH (n) RETURN n")[1]
    rels = store.read(f"MATCH (a)-[r]->(b) RETURN a.ref, {store.type_expr('r')}, b.ref, r")[1]
    return {
        "nodes": sorted(json.dumps([n.label, n.key, n.properties], sort_keys=True, default=str)
                        for [n] in nodes),
        "rels": sorted(json.dumps([a, t, b, r.properties], sort_keys=True, default=str)
                       for a, t, b, r in rels),
    }


def rejects(report) -> list:
    return [(r.file, r.line, r.field, r.reason) for r in report.rejects]


def load_both_ways(open_fresh, tmp_path, monkeypatch):
    with open_fresh() as s:
        # Small batches: keys met again in a later batch take the merging path.
        fast = load_folder(s, SAMPLE, rejects_file=tmp_path / "a.csv", progress=False,
                           batch_rows=2500, parallel=True)
        fast_dump = dump(s)
    with monkeypatch.context() as m:
        m.setattr(loader._Fresh, "__init__", _nothing_fresh)
        with open_fresh() as s:
            slow = load_folder(s, SAMPLE, rejects_file=tmp_path / "b.csv", progress=False,
                               parallel=False)
            slow_dump = dump(s)
    return fast, fast_dump, slow, slow_dump


def _nothing_fresh(self, store) -> None:
    self.keys, self.rels = {}, {}


def assert_same(fast, fast_dump, slow, slow_dump) -> None:
    assert fast.counts == slow.counts
    assert len(fast_dump["nodes"]) == sum(fast.counts["nodes"].values())
    assert fast_dump["nodes"] == slow_dump["nodes"]
    assert fast_dump["rels"] == slow_dump["rels"]
    assert rejects(fast) == rejects(slow)
    assert len(rejects(fast)) == 11  # the planted bad rows
    assert [(f.file, f.rows, f.loaded, f.rejected, f.duplicates) for f in fast.files] == \
        [(f.file, f.rows, f.loaded, f.rejected, f.duplicates) for f in slow.files]


def test_ladybug_bulk_path_equals_merging_path(tmp_path, monkeypatch):
    made = iter(range(2))

    def open_fresh():
        folder = tmp_path / f"db{next(made)}"
        folder.mkdir()
        return open_store(lbug_url(folder))

    assert_same(*load_both_ways(open_fresh, tmp_path, monkeypatch))


@pytest.mark.neo4j
def test_neo4j_bulk_path_equals_merging_path(neo4j_url, tmp_path, monkeypatch):
    def open_fresh():
        reset_neo4j(neo4j_url)
        return open_store(neo4j_url)

    try:
        assert_same(*load_both_ways(open_fresh, tmp_path, monkeypatch))
    finally:
        reset_neo4j(neo4j_url)


def test_a_second_load_merges_into_what_the_bulk_path_wrote(tmp_path):
    with open_store(lbug_url(tmp_path)) as s:
        first = load_folder(s, SAMPLE, rejects_file=tmp_path / "a.csv", progress=False,
                            parallel=True)
        before = dump(s)
        again = load_folder(s, SAMPLE, rejects_file=tmp_path / "b.csv", progress=False,
                            parallel=True)
        assert again.counts == first.counts
        assert dump(s) == before


# --- the row checker process ---------------------------------------------------------
def numbers(n):
    yield from range(n)


def numbers_then_fail(n):
    yield from range(n)
    raise ValueError("row 3 broke the checker")


def forever():
    while True:
        yield "x" * 10_000


def test_child_stream_gives_every_item_in_order():
    assert list(stream_from_child(numbers, 50_000)) == list(range(50_000))


def test_child_failure_is_raised_in_the_parent():
    got = []
    with pytest.raises(RuntimeError, match="row 3 broke the checker"):
        for x in stream_from_child(numbers_then_fail, 3):
            got.append(x)
    assert got == [0, 1, 2]


def test_child_exits_when_its_parent_is_killed():
    script = ("import sys, time\n"
              "from loaders.worker import stream_from_child\n"
              "from tests.test_load_paths import forever\n"
              "items = stream_from_child(forever)\n"
              "next(items)\n"
              "print('ready', flush=True)\n"
              "time.sleep(120)\n")
    parent = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE,
                              text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert parent.stdout.readline().strip() == "ready"
        with open(f"/proc/{parent.pid}/task/{parent.pid}/children") as f:
            children = [int(p) for p in f.read().split()]
        assert len(children) == 1
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 15
        while Path(f"/proc/{children[0]}").exists() and _state(children[0]) != "Z":
            assert time.monotonic() < deadline, "the row checker outlived its parent"
            time.sleep(0.1)
    finally:
        if parent.poll() is None:
            parent.kill()
        parent.stdout.close()


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return "gone"
