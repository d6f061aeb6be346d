"""Time and peak memory of analytics and exports on a large synthetic subgraph.

    python benchmarks/analytics_bench.py [--nodes 10000] [--seed 7] [--no-memory]

The subgraph mimics the sample data's shape (travellers, flights, bookings,
phones, e-mails, addresses, companies, declarations, containers, seizures),
built in memory so no store is needed. Each step is timed on its own, then
run again under tracemalloc for its peak Python memory (skip with --no-memory);
the process's peak resident size is printed at the end.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.analysis import analytics
from graph.core.model import Edge, Node, Subgraph  # noqa: E402
from graph.interchange import export  # noqa: E402

# share of nodes per label
MIX = {"Person": 0.40, "Flight": 0.15, "Booking": 0.10, "Phone": 0.12, "Email": 0.06,
       "Address": 0.07, "Company": 0.04, "Declaration": 0.05, "Container": 0.01}


def synthetic(n_nodes: int, seed: int = 7) -> Subgraph:
    r = random.Random(seed)
    sub = Subgraph()
    keys: dict[str, list[str]] = {}
    for label, share in MIX.items():
        keys[label] = [f"{label[:2].upper()}{i:06d}" for i in range(max(1, int(n_nodes * share)))]
    keys["Seizure"] = [f"SZ-{i:04d}" for i in range(max(1, n_nodes - sum(map(len, keys.values()))))]
    for label, ks in keys.items():
        for k in ks:
            props = {"source": f"{label.lower()}s.csv:{r.randint(2, 99999)}"}
            if label == "Person":
                props.update(full_name=f"Nguyễn Văn {k}", date_of_birth="1980-01-01",
                             nationality="VN", passport_no=f"B{k[2:]}")
            elif label == "Company":
                props.update(name=f"Công ty TNHH {k}", country="VN")
            elif label == "Seizure":
                props.update(date="2017-06-21", quantity=r.randint(1, 500), value_usd=1e3)
            sub.add_node(Node(label, k, props))

    def link(a_label, a, rel, b_label, b, **props):
        props.setdefault("source", f"{rel.lower()}.csv:{r.randint(2, 99999)}")
        sub.add_edge(Edge(f"{a_label}:{a}", f"{b_label}:{b}", rel, props))

    P, F, B = keys["Person"], keys["Flight"], keys["Booking"]
    for p in P:
        for f in r.sample(F, r.randint(1, 3)):
            link("Person", p, "TRAVELLED", "Flight", f, role="passenger", seat="12A")
        link("Person", p, "HAS_PHONE", "Phone", r.choice(keys["Phone"]))
        if r.random() < 0.5:
            link("Person", p, "HAS_EMAIL", "Email", r.choice(keys["Email"]))
        link("Person", p, "HAS_ADDRESS", "Address", r.choice(keys["Address"]))
        if r.random() < 0.6:
            link("Person", p, "BOOKED", "Booking", r.choice(B))
    for b in B:
        link("Booking", b, "FOR_FLIGHT", "Flight", r.choice(F))
    for c in keys["Company"]:
        link("Company", c, "HAS_PHONE", "Phone", r.choice(keys["Phone"]))
        link("Company", c, "HAS_ADDRESS", "Address", r.choice(keys["Address"]))
        for p in r.sample(P, 2):
            link("Person", p, "OFFICER_OF", "Company", c, role="director")
    for d in keys["Declaration"]:
        link("Company", r.choice(keys["Company"]), "DECLARED", "Declaration", d)
        link("Declaration", d, "COVERS", "Container", r.choice(keys["Container"]))
    for s in keys["Seizure"]:
        link("Seizure", s, "INVOLVES", "Declaration", r.choice(keys["Declaration"]),
             role="declaration")
        link("Seizure", s, "INVOLVES", "Person", r.choice(P), role="passenger")
    return sub


def measure(fn, memory: bool):
    t0 = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - t0
    peak = None
    if memory:
        tracemalloc.start()
        fn()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return result, seconds, peak


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nodes", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--no-memory", action="store_true", help="skip the tracemalloc pass")
    args = ap.parse_args()
    memory = not args.no_memory

    sub, secs, peak = measure(lambda: synthetic(args.nodes, args.seed), memory)
    print(f"synthetic subgraph: {len(sub.nodes):,} nodes, {len(sub.edges):,} edges")
    rows = [("build subgraph", secs, peak, "")]
    g, secs, peak = measure(lambda: analytics.to_networkx(sub), memory)
    rows.append(("to_networkx", secs, peak, ""))
    h = analytics.simple_undirected(g)
    for name, fn in (("degree", lambda: analytics.degree(h)),
                     ("betweenness", lambda: analytics.betweenness(h)),
                     ("pagerank", lambda: analytics.pagerank(h)),
                     ("components", lambda: analytics.components(h)),
                     ("communities (Louvain)", lambda: analytics.communities(h)),
                     ("bridges", lambda: analytics.bridges(h)),
                     ("articulation points", lambda: analytics.articulation_points(h))):
        res, secs, peak = measure(fn, memory)
        note = ""
        if name == "betweenness":
            note = f"approximate, k={res.sample}" if res.approximate else "exact"
        elif name in ("components", "communities (Louvain)"):
            note = f"{len(res)} groups"
        rows.append((name, secs, peak, note))
    res, secs, peak = measure(lambda: analytics.analyse(sub), memory)
    rows.append(("analyse (all of the above)", secs, peak, ""))
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in export.FORMATS:
            path = Path(tmp) / f"bench{export.FORMATS[fmt].extension}"
            _, secs, peak = measure(lambda fmt=fmt, path=path: export.write(sub, fmt, path),
                                    memory)
            rows.append((f"export {fmt}", secs, peak, f"{path.stat().st_size / 1e6:.1f} MB"))

    print(f"{'step':<28} {'seconds':>8} {'peak MB':>9}  note")
    for name, secs, peak, note in rows:
        mb = f"{peak / 1e6:9.1f}" if peak is not None else f"{'-':>9}"
        print(f"{name:<28} {secs:8.2f} {mb}  {note}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak resident size: {rss:.0f} MB "
          "(peak MB above: Python allocations of that step alone, from tracemalloc)")


if __name__ == "__main__":
    main()
