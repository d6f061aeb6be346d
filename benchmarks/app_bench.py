"""How long the app takes to open a large neighbourhood, end to end.

    python benchmarks/app_bench.py [--store URL] [--ref REF] [--hops 2] [--cap 100]
                                   [--repeat 3] [--browser]
    python benchmarks/app_bench.py --views [--sizes 300,1500] [--caps 65,1000] [--threshold N]
                                   [--store URL] [--ref REF] [--hops 2] [--repeat 3]

Without --store, sample_data/ is loaded into a temporary LadybugDB first.
Measures, for a 2-hop neighbourhood of 300+ nodes (default: the flight
VN18@2017-03-19 with 100 neighbours per node, 470 nodes in sample_data/):

- store:   Store.neighbours alone;
- apptest: the Explore page in AppTest, from the click on "Open" to the end of
           the script run (search, store, view data, component payload);
- browser: (--browser) a real headless Chromium on `streamlit run`, from the
           click on "Open" to vis-network holding every node and its layout
           done: stabilised by the physics or, above graphview.LAYOUT_THRESHOLD
           nodes, the server's layout fitted.

--views times the graph view alone, in the standalone page (ui/graphview.py's
export, the component's own graph.js) in a real headless Chromium, on customs-like
synthetic graphs of --sizes nodes (tests/test_graphview.py), then on the
neighbourhoods of --ref in the store with each of --caps (sample_data/: 311
nodes at cap 65, 1,505 at cap 1000). For each graph:

- server:  the server-side layout (graphview.server_layout, cache cleared), for
           graphs above graphview.LAYOUT_THRESHOLD nodes;
- layout:  in the page, from the data handed to graph.js to the layout done:
           physics stabilised (small graphs) or positions set and fitted (big);
- drawn:   from the same start to the first frame drawn after that.

--threshold overrides LAYOUT_THRESHOLD (e.g. a huge one times the physics at
every size, which is how the threshold was chosen).
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

from graph.core.stores import ENV_STORE, open_store  # noqa: E402

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
    from conftest import CHROMIUM, CHROMIUM_ARGS
    from playwright.sync_api import sync_playwright
    from test_browser import _idle, _nav, _search, _select, serve

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


def bench_views(graphs: list[tuple[str, object]], repeat: int, threshold: int | None) -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import CHROMIUM, CHROMIUM_ARGS
    from playwright.sync_api import sync_playwright

    from ui import graphview

    if threshold is not None:
        graphview.LAYOUT_THRESHOLD = threshold
    print(f"graph views: standalone page, headless Chromium "
          f"(layout threshold {graphview.LAYOUT_THRESHOLD} nodes)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name, sub in graphs:
            payload, server, layout, drawn, wall = [], [], [], [], []
            for _ in range(repeat):
                graphview._LAYOUTS.clear()
                t0 = time.perf_counter()
                data = graphview.view_data(sub, key="export")
                payload.append(time.perf_counter() - t0)
                graphview._LAYOUTS.clear()
                t0 = time.perf_counter()
                graphview.server_layout([x["id"] for x in data["nodes"]],
                                        [(e["from"], e["to"]) for e in data["edges"]])
                server.append(time.perf_counter() - t0)
                html = graphview.standalone_html(sub)  # the layout comes from the cache
                page = b.new_page(viewport={"width": 1500, "height": 1000})
                t0 = time.perf_counter()
                page.set_content(html)
                page.wait_for_function(
                    """() => { const g = (globalThis.__customsGraph || {}).export;
                        return !!(g && g.laidOut && g.drawnMs !== null); }""",
                    timeout=600_000, polling=10)
                wall.append(time.perf_counter() - t0)
                ms = page.evaluate("() => { const g = globalThis.__customsGraph.export; "
                                   "return [g.layoutMs, g.drawnMs, g.nodes.length]; }")
                assert ms[2] == len(data["nodes"]), ms
                layout.append(ms[0] / 1000)
                drawn.append(ms[1] / 1000)
                page.close()
            mode = data["layout"]
            print(f"{name}: {len(sub.nodes)} nodes, {len(sub.edges)} links "
                  f"({len(data['nodes'])} drawn with the '+N more' ones), {mode}:")
            print(f"  payload {_fmt(payload, 3)}  (view_data, layout cache cleared)")
            if mode == "server":
                print(f"  server  {_fmt(server, 3)}  (server_layout alone)")
                print(f"  drawn   {_fmt(drawn)}  (browser: data to the first frame drawn, "
                      "physics off)")
            else:
                print(f"  layout  {_fmt(layout)}  (browser: data to physics stabilised)")
                print(f"  drawn   {_fmt(drawn)}  (browser: data to the first frame after it)")
            print(f"  page    {_fmt(wall)}  (set_content to drawn: parsing vis-network too)")
        b.close()


def views_graphs(args, tmp: Path) -> list[tuple[str, object]]:
    sys.path.insert(0, str(ROOT / "tests"))
    from test_graphview import synthetic_subgraph

    graphs = [(f"synthetic {n}", synthetic_subgraph(n))
              for n in (int(x) for x in args.sizes.split(",") if x)]
    caps = [int(x) for x in args.caps.split(",") if x]
    if caps:
        url = args.store or build_sample(tmp)
        with open_store(url) as s:
            for cap in caps:
                graphs.append((f"{args.ref}, {args.hops} hops, cap {cap}",
                               s.neighbours(args.ref, hops=args.hops, cap=cap)))
    return graphs


def _fmt(times: list, digits: int = 2) -> str:
    return (f"median {statistics.median(times):.{digits}f} s (min {min(times):.{digits}f}, "
            f"max {max(times):.{digits}f}, n={len(times)})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--store", help="store URL (default: sample_data/ in a temporary LadybugDB)")
    ap.add_argument("--ref", default=DEFAULT_REF)
    ap.add_argument("--hops", type=int, default=2)
    ap.add_argument("--cap", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--browser", action="store_true", help="also time a real headless Chromium")
    ap.add_argument("--views", action="store_true",
                    help="time the graph view alone on synthetic graphs (no store, no app)")
    ap.add_argument("--sizes", default="300,1500",
                    help="--views: synthetic graphs of these node counts")
    ap.add_argument("--caps", default="65,1000",
                    help="--views: neighbourhoods of --ref with these caps (empty: none)")
    ap.add_argument("--threshold", type=int, help="--views: override LAYOUT_THRESHOLD")
    args = ap.parse_args()
    if args.views:
        with tempfile.TemporaryDirectory() as tmp:
            bench_views(views_graphs(args, Path(tmp)), args.repeat, args.threshold)
        return
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
            print(f"browser  {_fmt(times)}  (click to the layout done and fitted: physics "
                  "stabilised, or the server's layout drawn)")


if __name__ == "__main__":
    main()
