"""The wheel is the whole product: built, installed into a fresh virtual
environment and run from another folder, it loads its own sample data, lists its
saved queries and serves its app. Nothing may come from the checkout.

The fresh environment gets the project's dependencies from the test environment's
site-packages (a path, not the checkout: the editable install's import hook is not
run there), so the check needs no network; the wheel itself goes in with --no-deps.
scripts/test builds the wheel first and hands it over in CUSTOMS_GRAPH_WHEEL."""

from __future__ import annotations

import json
import os
import signal
import site
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def _run(cmd, **kw) -> subprocess.CompletedProcess:
    done = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=600,
                          **kw)
    assert done.returncode == 0, f"{cmd}: {done.stdout[-2000:]} {done.stderr[-2000:]}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(the fresh environment's bin folder, an environment for its commands, a folder
    outside the checkout to run them from)."""
    tmp = tmp_path_factory.mktemp("wheel")
    wheel = os.environ.get("CUSTOMS_GRAPH_WHEEL")
    if not wheel:
        _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
              "--disable-pip-version-check", "-w", tmp / "dist", ROOT])
        wheel = next((tmp / "dist").glob("customs_graph-*.whl"))
    venv = tmp / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv])
    py = venv / "bin" / "python"
    own = _run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
    deps = [p for p in site.getsitepackages() if Path(p).is_dir()]
    Path(own.stdout.strip(), "test-deps.pth").write_text("\n".join(deps) + "\n")
    _run([sys.executable, "-m", "pip", "--python", py, "install", "--no-deps", "-q",
          "--disable-pip-version-check", wheel])
    away = tmp / "elsewhere"
    away.mkdir()
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "CUSTOMS_GRAPH_STORE", "VIRTUAL_ENV")}
    env |= {"XDG_DATA_HOME": str(tmp / "state"), "HOME": str(tmp / "home"),
            "PATH": f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"}
    return venv / "bin", env, away


def test_the_installed_package_is_not_the_checkout(installed):
    bin_dir, env, away = installed
    code = ("import graph, queries, sample_data, ui, loaders; "
            "print([m.__file__ for m in (graph, queries, sample_data, ui, loaders)])")
    found = _run([bin_dir / "python", "-c", code], cwd=away, env=env).stdout
    for path in eval(found):  # noqa: S307 - our own list of file names
        assert str(bin_dir.parent) in path and str(ROOT) not in path, path


def test_load_and_the_saved_queries_from_the_wheel(installed, tmp_path):
    bin_dir, env, away = installed
    sample = _run([bin_dir / "python", "-c",
                   "from importlib.resources import files; print(files('sample_data'))"],
                  cwd=away, env=env).stdout.strip()
    store = f"ladybug://{tmp_path / 'x.lbug'}"
    done = _run([bin_dir / "customs-graph", "load", sample, "--store", store, "--json"],
                cwd=away, env=env)
    loaded = json.loads(done.stdout)
    assert sum(loaded["nodes"].values()) > 1000, loaded
    listed = json.loads(_run([bin_dir / "customs-graph", "queries", "list", "--json"],
                             cwd=away, env=env).stdout)
    names = {q["name"] for q in listed["queries"]}
    assert names == {p.stem for p in (ROOT / "queries").glob("*.cypher")}
    # a saved query runs on the store just loaded, from the installed files
    ran = json.loads(_run([bin_dir / "customs-graph", "queries", "run", "seized_passengers",
                           "--store", store, "--json"], cwd=away, env=env).stdout)
    assert ran["rows"], ran


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_app_from_the_wheel_answers_its_health_check(installed, tmp_path):
    bin_dir, env, away = installed
    port = _free_port()
    app = subprocess.Popen([bin_dir / "customs-graph", "app", "--port", str(port),
                            "--store", f"ladybug://{tmp_path / 'app.lbug'}"],
                           cwd=away, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           start_new_session=True)
    try:
        deadline, answer = time.monotonic() + 120, None
        while time.monotonic() < deadline and app.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health",
                                            timeout=2) as r:
                    answer = r.read().decode()
                    break
            except OSError:
                time.sleep(0.5)
        assert answer == "ok", app.stdout.read().decode() if app.poll() is not None else answer
    finally:
        os.killpg(app.pid, signal.SIGTERM)
        app.wait(timeout=30)


def test_the_app_script_from_the_wheel_runs(installed, tmp_path):
    """The health check says the server is up; this runs the installed script itself."""
    bin_dir, env, away = installed
    code = ("from importlib.resources import files; "
            "from streamlit.testing.v1 import AppTest; "
            "at = AppTest.from_file(str(files('ui.script') / 'app.py'), default_timeout=120); "
            "at.run(); print(len(at.exception), [e.message for e in at.exception])")
    env = {**env, "CUSTOMS_GRAPH_STORE": f"ladybug://{tmp_path / 'script.lbug'}"}
    out = _run([bin_dir / "python", "-c", code], cwd=away, env=env).stdout
    assert out.startswith("0 "), out
