"""How much memory the app's server holds while an analyst works through it.

    python benchmarks/app_memory.py [--store URL] [--chromium PATH]

Without --store, sample_data/ is loaded into a temporary LadybugDB first (the
quick start's demo). Starts `streamlit run app.py` on a free localhost port,
drives a real headless Chromium through every page (Explore with a 2-hop
neighbourhood of the container, Paths, Route finder, Timeline, Analysis,
saved queries, console, duty log, export), and prints the server process's
resident memory (VmRSS) after each page and its peak (VmHWM).
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.core.stores import ENV_STORE, open_store  # noqa: E402

PAGES = ("Paths", "Route finder", "Timeline & map", "Analysis", "Saved queries",
         "Cypher console", "Duty log", "Export")


def memory(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of a process, in MB."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            out[name] = int(value.split()[0]) // 1024
    return out


def idle(page) -> None:
    page.wait_for_timeout(300)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=120_000)
    page.wait_for_timeout(300)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store")
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="cg-app-memory-"))
    url = args.store
    if url is None:
        from loaders.load import load_folder

        url = f"ladybug://{tmp / 'demo.lbug'}"
        with open_store(url) as s:
            load_folder(s, ROOT / "sample_data", rejects_file=tmp / "rejects.csv", progress=False)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, ENV_STORE: url, "XDG_DATA_HOME": str(tmp)}  # a state folder of its own
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port",
         str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
         "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                with urllib.request.urlopen(base + "/_stcore/health", timeout=2):
                    break
            except OSError:
                time.sleep(0.3)
        print(f"started: {memory(server.pid)}")
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=args.chromium,
                                        args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1500, "height": 1200})
            page.goto(base)
            idle(page)
            page.get_by_text("Nodes per label").wait_for(timeout=120_000)
            print(f"Overview: {memory(server.pid)}")
            nav = page.locator('[data-testid="stSidebarNav"]')
            nav.get_by_text("Explore", exact=True).click()
            idle(page)
            box = page.locator(".st-key-explore_q input").first
            box.fill("WHSU5018375")
            box.press("Enter")
            idle(page)
            page.locator(".st-key-explore_hops").first.click()
            page.get_by_role("option", name="2", exact=True).first.click()
            idle(page)
            page.locator(".st-key-explore_open button").first.click()
            idle(page)
            print(f"Explore (2 hops): {memory(server.pid)}")
            for title in PAGES:
                nav.get_by_text(title, exact=True).click()
                idle(page)
                print(f"{title}: {memory(server.pid)}")
            browser.close()
        print(f"peak resident memory of the app server: {memory(server.pid)['VmHWM']} MB")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
