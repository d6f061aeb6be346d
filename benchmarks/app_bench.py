"""How long the app takes to open a large neighbourhood, end to end.

    python benchmarks/app_bench.py [--store URL] [--ref REF] [--hops 2] [--cap 100]
                                   [--repeat 3] [--browser]

Without --store, sample_data/ is loaded into a temporary LadybugDB first.
Measures, for a 2-hop neighbourhood of 300+ nodes (default: the flight
VN18@2017-03-19 with 100 neighbours per node):

- store:   Store.neighbours alone;
- apptest: the Explore page in AppTest, from the click on "Open" to the end of
           the script run (search, store, view data, component payload);
- browser: (--browser) a real headless Chromium on `streamlit run`, from the
           click on "Open" to vis-network holding every node and its layout
           stabilised.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.store import ENV_STORE, open_store  # noqa: E402

DEFAULT_REF = "Flight:VN18@2017-03-19"


def build_sample(folder: Path) -> str:
    from loaders.load import load_folder

    url = f"ladybug://{folder / 'bench.lbug'}"
    t0 = time.perf_counter()
    with open_store(url) as s:
        load_folder(s, ROOT / "sample_data", rejects_file=folder / "rejects.csv", progress=False)
    print(f"loaded sample_data/ in {time.perf_counter() - t0:.1f} s")
    return url


def bench_store(url: str, ref: str, hops: int, cap: int, repeat: int) -> tuple[list, int, int]:
    times = []
    with open_store(url) as s:
        for _ in range(repeat):
            t0 = time.perf_counter()
            sub = s.neighbours(ref, hops=hops, cap=cap)
            times.append(time.perf_counter() - t0)
    return times, len(sub.nodes), len(sub.edges)


def bench_apptest(url: str, ref: str, hops: int, cap: int, repeat: int) -> tuple[list, int]:
    import logging

    from streamlit.testing.v1 import AppTest

    for name in ("streamlit.runtime.scriptrunner_utils.script_run_context",
                 "streamlit.runtime.state.session_state_proxy"):
        # AppTest's "bare mode" notes (it resets log levels, filters stay).
        logging.getLogger(name).addFilter(lambda record: False)

    os.environ[ENV_STORE] = url
    times, shown = [], 0
    for _ in range(repeat):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
        at.run()
        at.switch_page("ui/pages/explore.py").run()
        at.text_input(key="explore_q").input(ref.split(":", 1)[1]).run()
        at.selectbox(key="explore_pick").set_value(ref).run()
        at.selectbox(key="explore_hops").set_value(hops).run()
        at.number_input(key="explore_cap").set_value(cap).run()
        button = at.button(key="explore_open")
        t0 = time.perf_counter()
        button.click().run()
        times.append(time.perf_counter() - t0)
        assert not at.exception, [e.value for e in at.exception]
        for el in at.get("bidi_component"):
            data = json.loads(el.proto.json)
            if data.get("key") == "explore_graph":
                shown = len([n for n in data["nodes"] if not n.get("more_of")])
    return times, shown


def bench_browser(url: str, ref: str, hops: int, cap: int, repeat: int) -> tuple[list, list]:
    sys.path.insert(0, str(ROOT / "tests"))
    from playwright.sync_api import sync_playwright
    from test_browser import CHROMIUM, CHROMIUM_ARGS, _idle, _nav, _search, _select, serve

    times, drawn = [], []
    with tempfile.TemporaryDirectory() as tmp, serve(url, Path(tmp) / "streamlit.log") as base:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for _ in range(repeat):
                page = b.new_page(viewport={"width": 1500, "height": 1000})
                page.goto(base)
                _idle(page)
                _nav(page, "Explore")
                _search(page, "explore", ref.split(":", 1)[1])
                _select(page, "explore_hops", str(hops))
                page.get_by_text("Filters and limits").first.click()  # opens the expander
                page.locator(".st-key-explore_cap input").first.fill(str(cap))
                page.keyboard.press("Enter")
                _idle(page)
                t0 = time.perf_counter()
                page.locator(".st-key-explore_open button").first.click()
                page.wait_for_function(
                    """() => { const g = (globalThis.__customsGraph || {}).explore_graph;
                        return !!(g && g.nodes.length >= 300); }""",
                    timeout=300_000, polling=20)
                drawn.append(time.perf_counter() - t0)
                page.wait_for_function(
                    "() => globalThis.__customsGraph.explore_graph.laidOut",
                    timeout=300_000, polling=20)
                times.append(time.perf_counter() - t0)
                page.close()
            b.close()
    return drawn, times


def _fmt(times: list) -> str:
    return (f"median {statistics.median(times):.2f} s (min {min(times):.2f}, "
            f"max {max(times):.2f}, n={len(times)})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--store", help="store URL (default: sample_data/ in a temporary LadybugDB)")
    ap.add_argument("--ref", default=DEFAULT_REF)
    ap.add_argument("--hops", type=int, default=2)
    ap.add_argument("--cap", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--browser", action="store_true", help="also time a real headless Chromium")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.store or build_sample(Path(tmp))
        times, n, m = bench_store(url, args.ref, args.hops, args.cap, args.repeat)
        print(f"neighbourhood of {args.ref}, {args.hops} hops, cap {args.cap}: "
              f"{n} nodes, {m} links")
        if n < 300:
            print("warning: fewer than 300 nodes; raise --cap or pick another --ref")
        print(f"store    {_fmt(times)}")
        times, shown = bench_apptest(url, args.ref, args.hops, args.cap, args.repeat)
        print(f"apptest  {_fmt(times)}  ({shown} nodes sent to the graph)")
        if args.browser:
            drawn, times = bench_browser(url, args.ref, args.hops, args.cap, args.repeat)
            print(f"browser  {_fmt(drawn)}  (click to every node in the vis-network DataSet)")
            print(f"browser  {_fmt(times)}  (click to the layout stabilised and fitted)")


if __name__ == "__main__":
    main()
