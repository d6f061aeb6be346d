"""Fixtures shared by the suite. Stores are real: LadybugDB on disk under a
temporary folder, Neo4j over Bolt at NEO4J_TEST_URL (tools/neo4j-test-server)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from graph.core.stores import open_store
from loaders.load import load_folder

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"
MINI = Path(__file__).resolve().parent / "data" / "mini"
NEO4J_HINT = ("no Neo4j: run `tools/neo4j-test-server start` and export "
              "NEO4J_TEST_URL=<the bolt URL it prints>")


@pytest.fixture(scope="session", autouse=True)
def _private_log_and_users(tmp_path_factory):
    """The duty log, audit trail, users file and stored watchlist of the suite live in
    a temporary folder (inherited by the CLI subprocesses), never in the user's data
    folder."""
    folder = tmp_path_factory.mktemp("state")
    saved = {k: os.environ.get(k) for k in ("XDG_DATA_HOME",)}
    # The state folder is the platform's data folder (no installation config in a
    # test environment): $XDG_DATA_HOME/customs-graph.
    os.environ["XDG_DATA_HOME"] = str(folder)
    yield folder / "customs-graph"
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


CHROMIUM = "/usr/bin/chromium"  # Debian's; Playwright drives it, it downloads no browser
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    """A real headless Chromium; skips without it locally, fails in CI."""
    if not Path(CHROMIUM).exists():
        msg = (f"{CHROMIUM} is missing: install it with "
               "`apt-get install -y chromium chromium-driver`")
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def local_officer(tmp_path, monkeypatch):
    """A state folder of the test's own (duty log, users file), used as the OS
    user, with no user name or password in the environment."""
    from graph.records import users

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))  # the state: tmp_path/customs-graph
    monkeypatch.delenv(users.ENV_USER, raising=False)
    monkeypatch.delenv(users.ENV_PASSWORD, raising=False)
    monkeypatch.delenv(users.ENV_NEW_PASSWORD, raising=False)


def lbug_url(folder: Path) -> str:
    return f"ladybug://{folder / 'graph.lbug'}"


@pytest.fixture
def empty_lbug(tmp_path):
    with open_store(lbug_url(tmp_path)) as s:
        yield s


@pytest.fixture(scope="session")
def sample_lbug_url(tmp_path_factory):
    url = lbug_url(tmp_path_factory.mktemp("sample-lbug"))
    with open_store(url) as s:
        report = load_folder(s, SAMPLE, rejects_file=Path(url[len("ladybug://"):]).parent
                             / "rejects.csv", progress=False)
    LOAD_SECONDS[("ladybug", SAMPLE.name)] = report.seconds
    assert report.rows > 10000
    return url


@pytest.fixture
def sample_lbug(sample_lbug_url):
    with open_store(sample_lbug_url) as s:
        yield s


@pytest.fixture(scope="session")
def neo4j_url():
    url = os.environ.get("NEO4J_TEST_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("NEO4J_TEST_URL is not set in CI: " + NEO4J_HINT)
        pytest.skip(NEO4J_HINT)
    return url


_NEO4J: dict = {"holds": None}  # the folder the server holds exactly, if any
LOAD_SECONDS: dict[tuple[str, str], float] = {}  # (store kind, data set) -> seconds, this run


def reset_neo4j(url: str) -> None:
    """Empty the test server's database (schema objects stay)."""
    import neo4j

    _NEO4J["holds"] = None
    with neo4j.GraphDatabase.driver(url, auth=None) as d, d.session() as s:
        # CALL … IN TRANSACTIONS needs an auto-commit transaction: session.run is one.
        s.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()


def neo4j_holding(url: str, folder: Path, rejects: Path) -> str:
    """The server holding exactly `folder`, loaded again only after a test changed it."""
    if _NEO4J["holds"] != folder:
        reset_neo4j(url)
        with open_store(url) as s:
            report = load_folder(s, folder, rejects_file=rejects, progress=False)
        LOAD_SECONDS[("neo4j", folder.name)] = report.seconds
        _NEO4J["holds"] = folder
    return url


@pytest.fixture(scope="session")
def load_into_neo4j():
    """neo4j_holding, for test modules (importing conftest would give them another copy
    of its state)."""
    return neo4j_holding


@pytest.fixture(scope="session")
def load_seconds() -> dict:
    """Load times measured in this run, to print: (store kind, data set) -> seconds."""
    return LOAD_SECONDS


@pytest.fixture
def empty_neo4j(neo4j_url):
    reset_neo4j(neo4j_url)
    with open_store(neo4j_url) as s:
        yield s


@pytest.fixture
def sample_neo4j_url(neo4j_url, tmp_path):
    """The sample set in Neo4j, loaded once and again only after a test emptied it."""
    return neo4j_holding(neo4j_url, SAMPLE, tmp_path / "rejects.csv")


@pytest.fixture
def sample_neo4j(sample_neo4j_url):
    with open_store(sample_neo4j_url) as s:
        yield s


@pytest.fixture(params=["ladybug", "neo4j"])
def sample_store(request):
    """The sample set in each store in turn: the same test proves both."""
    name = "sample_lbug" if request.param == "ladybug" else "sample_neo4j"
    return request.getfixturevalue(name)
