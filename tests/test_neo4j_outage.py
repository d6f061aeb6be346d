"""Neo4j going away mid-session, and coming back.

    NEO4J_TEST_URL=bolt://… pytest tests/test_neo4j_outage.py

Starts a SEPARATE throwaway server (tools/neo4j-test-server with its own port
and state folder, never the shared test server), opens a Neo4jStore on it,
stops the server: the next call raises StoreUnavailable with one clear line
(and the CLI exits 1 with one stderr line, no traceback); starts it again: the
same store object works again. Runs only where NEO4J_TEST_URL is set (CI),
since starting a server needs the Maven build that `start` does.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from graph.core.errors import StoreUnavailable
from graph.core.store import node_row
from graph.core.stores import open_store
from tests.conftest import ROOT

pytestmark = [
    pytest.mark.neo4j,
    pytest.mark.skipif(not os.environ.get("NEO4J_TEST_URL"),
                       reason="needs NEO4J_TEST_URL (CI): this test starts its own server"),
]

SERVER = ROOT / "tools" / "neo4j-test-server"
PORT = os.environ.get("NEO4J_OUTAGE_PORT", "7701")


def server(cmd: str, state_dir) -> str:
    env = {**os.environ, "NEO4J_TEST_PORT": PORT, "NEO4J_TEST_STATE_DIR": str(state_dir)}
    done = subprocess.run([str(SERVER), cmd], env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, f"neo4j-test-server {cmd}: {done.stderr[-2000:]}"
    lines = done.stdout.strip().splitlines()
    return lines[-1] if lines else ""


@pytest.fixture
def own_server(tmp_path):
    state = tmp_path / "neo4j-state"
    url = server("start", state)
    assert url == f"bolt://127.0.0.1:{PORT}"
    try:
        yield url, state
    finally:
        server("stop", state)


def brand(key: str) -> list[dict]:
    return [node_row("Brand", key, {"name": key}, "outage.csv:1")]


def assert_one_clear_line(err: Exception, url: str) -> None:
    msg = str(err)
    assert "\n" not in msg and len(msg) < 500, msg
    assert url.split("://", 1)[1] in msg, msg  # says which server
    assert "unreachable" in msg or "Neo4j" in msg, msg


def test_store_unavailable_while_the_server_is_down_and_back_after(own_server, tmp_path):
    url, state = own_server
    store = open_store(url)
    try:
        store.upsert_nodes("Brand", brand("before"))
        assert store.get("Brand:before").properties["name"] == "before"

        server("stop", state)
        t0 = time.monotonic()
        with pytest.raises(StoreUnavailable) as read_err:
            store.get("Brand:before")
        read_s = time.monotonic() - t0
        assert_one_clear_line(read_err.value, url)
        with pytest.raises(StoreUnavailable) as query_err:
            store.query("MATCH (n:Person) RETURN count(n)")
        assert_one_clear_line(query_err.value, url)
        with pytest.raises(StoreUnavailable) as search_err:
            store.search("before")
        assert_one_clear_line(search_err.value, url)
        t0 = time.monotonic()
        with pytest.raises(StoreUnavailable) as write_err:
            store.upsert_nodes("Brand", brand("during"))
        write_s = time.monotonic() - t0
        assert_one_clear_line(write_err.value, url)
        # An interactive read gives up within the short retry budget, not minutes.
        assert read_s < 30, read_s

        # The command line: exit 1, one line on stderr, no traceback.
        cli = subprocess.run([sys.executable, "-m", "graph.cli", "search", "before",
                              "--store", url], cwd=ROOT, capture_output=True, text=True,
                             timeout=300)
        assert cli.returncode == 1, cli.stderr
        assert cli.stderr.startswith("error: ") and cli.stderr.count("\n") == 1, cli.stderr
        assert "Traceback" not in cli.stderr

        # Back again (the test server starts empty): the same store object works.
        assert server("start", state) == url
        store.upsert_nodes("Brand", brand("after"))
        assert store.get("Brand:after").properties["name"] == "after"
        assert store.counts()["nodes"]["Brand"] == 1
        assert store.query("MATCH (b:Brand) RETURN b.brand_key").rows == [["after"]]
        print(f"read failed after {read_s:.1f} s, write after {write_s:.1f} s")
    finally:
        store.close()
