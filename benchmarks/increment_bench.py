"""Time a daily increment: a store holding a scale data set but its last days,
then those days loaded into it (the common case), then the same days again
(which must change nothing).

    python benchmarks/increment_bench.py --data DIR --store URL [--days 1]

DIR is a folder written by sample_data/scale.py. The last `days` days of
flights, travel and declarations (with their items and containers) are split
off into a second folder; the rest is loaded first (not timed), then the split
days (timed: rows/s), then the split days again (timed; nothing may change).
A Neo4j store is emptied first.

`--work W` keeps the split in W (made once, reused after). `--loaded`: the
store already holds W's base (a copy of a store loaded once), so before/after
runs of two versions time the same increment without loading the base twice.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.bench.harness import _kind, empty_neo4j  # noqa: E402
from graph.core.stores import open_store  # noqa: E402
from loaders.load import load_folder  # noqa: E402

DATED = {"flights.csv": lambda r: r["departure_time"][:10],
         "travel.csv": lambda r: r["departure_date"],
         "declarations.csv": lambda r: r["registered_date"]}
BY_DECLARATION = ("declaration_items.csv", "declaration_containers.csv")


def split(src: Path, base: Path, day: Path, days: int) -> dict[str, int]:
    """Copy `src` into `base` minus its last `days` days, which go to `day`."""
    with open(src / "travel.csv", encoding="utf-8", newline="") as f:
        dates = sorted({r["departure_date"] for r in csv.DictReader(f)})
    cut = dates[-days]
    new_decls: set[str] = set()
    counts = {}
    # declarations before their items and containers, which follow them
    for path in sorted(src.glob("*.csv"), key=lambda p: p.name != "declarations.csv"):
        with open(path, encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            rows = list(reader)
        if path.name in DATED:
            late = [DATED[path.name](r) >= cut for r in rows]
        elif path.name in BY_DECLARATION:
            late = [r["declaration_no"] in new_decls for r in rows]
        else:
            late = [False] * len(rows)
        if path.name == "declarations.csv":
            new_decls = {r["declaration_no"] for r, x in zip(rows, late, strict=True) if x}
        for folder, want in ((base, False), (day, True)):
            part = [r for r, x in zip(rows, late, strict=True) if x == want]
            if want and not part:
                continue
            with open(folder / path.name, "w", encoding="utf-8", newline="") as f:
                w = csv.DictWriter(f, reader.fieldnames)
                w.writeheader()
                w.writerows(part)
            if want:
                counts[path.name] = len(part)
    return counts


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--store", required=True)
    ap.add_argument("--days", type=int, default=1)
    ap.add_argument("--work", type=Path)
    ap.add_argument("--loaded", action="store_true")
    args = ap.parse_args()
    tmp = args.work or Path(tempfile.mkdtemp(prefix="cg-incr-"))
    base, day = tmp / "base", tmp / "day"
    if not (day / "travel.csv").is_file():
        base.mkdir(parents=True, exist_ok=True)
        day.mkdir(exist_ok=True)
        split(args.data, base, day, args.days)
    counts = {p.name: sum(1 for _ in open(p, encoding="utf-8")) - 1
              for p in sorted(day.glob("*.csv"))}
    if _kind(args.store) == "neo4j" and not args.loaded:
        empty_neo4j(args.store)
    out = {"days": args.days, "rows": counts}
    with open_store(args.store) as s:
        if not args.loaded:
            t = time.perf_counter()
            first = load_folder(s, base, rejects_file=tmp / "r0.csv", progress=False)
            out["base"] = {"rows": first.rows, "seconds": round(time.perf_counter() - t, 2)}
        for step in ("increment", "again"):
            before = s.counts()
            t = time.perf_counter()
            rep = load_folder(s, day, rejects_file=tmp / f"{step}.csv", progress=False)
            secs = time.perf_counter() - t
            out[step] = {"rows": rep.rows, "seconds": round(secs, 2),
                         "rows_per_s": round(rep.rows / secs), "rejected": len(rep.rejects),
                         "changed": rep.counts != before}
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
