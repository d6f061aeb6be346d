"""Time the 2-hop neighbourhood of random persons (capped at 500 per node, the
default order) on a store holding a scale data set.

    python benchmarks/neighbours_bench.py --store URL --persons N [--samples 20]

Prints p50, p95 and the largest time in ms, and the mean number of nodes.
Run it from a frozen copy of the code to compare commits, in an environment
where that copy is the one installed: an editable install of another checkout
answers for any module the copy lacks.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from graph.core.stores import open_store


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--store", required=True)
    ap.add_argument("--persons", type=int, required=True)
    ap.add_argument("--samples", type=int, default=20)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    keys = [f"P{rng.randrange(a.persons):08d}" for _ in range(a.samples)]
    store = open_store(a.store)
    store.neighbours(f"Person:{keys[0]}", hops=1)  # open and warm the store once
    times, sizes = [], []
    for k in keys:
        t0 = time.perf_counter()
        sub = store.neighbours(f"Person:{k}", hops=2, cap=500)
        times.append((time.perf_counter() - t0) * 1000)
        sizes.append(len(sub.nodes))
    times.sort()
    p95 = times[max(0, round(0.95 * len(times)) - 1)]
    print(f"2 hops, cap 500: n={len(times)} p50={statistics.median(times):.0f} ms "
          f"p95={p95:.0f} ms max={times[-1]:.0f} ms mean nodes={statistics.mean(sizes):.0f}")


if __name__ == "__main__":
    main()
