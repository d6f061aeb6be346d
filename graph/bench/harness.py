"""`customs-graph bench`: load a generated data set of any size into each store
given and time the loads and the explorer operations, beside what an expert
would do without this project.

    customs-graph bench --persons 100000 --store ladybug:///path/to/fresh.lbug \
        --store bolt://127.0.0.1:7687 --yes [--json]

The data (sample_data/scale.py) is generated once per size and seed into a
cache folder and reused. Each store must start empty: a LadybugDB path that
does not exist yet; a Neo4j database is emptied first, which needs --yes.

Baselines ("expert" columns), on the very same rows: the graph our loader
made is exported per file and table as Arrow tables (written as Parquet and
CSV in the cache), then loaded into an empty store with no validation, no
merging and no look-ups -- LadybugDB: plain COPY FROM; Neo4j: plain driver
code with UNWIND/CREATE batches, and LOAD CSV when the server is local (it
reads the CSVs from this machine's disk). They show the engine's floor, so
the slowdown is what validation, normalisation and idempotent upserts cost.
"""

from __future__ import annotations

import importlib.util
import json
import os
import platform
import shutil
import tempfile
import time
from pathlib import Path
from random import Random

import neo4j
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from graph.core import queries as saved
from graph.core import schema
from graph.core.errors import CustomsGraphError, SchemaError
from graph.core.model import Subgraph
from graph.core.schema import FLOAT, INT
from graph.core.store import Store
from graph.core.stores import open_store

DEFAULT_SAMPLES = 50
DEFAULT_BUDGET_S = 20.0
UNWIND_BATCH = 10000
ANALYTICS_NODES = 10000


def _scale():
    """The scale generator (sample_data/scale.py)."""
    from sample_data import scale

    return scale


def cache_root() -> Path:
    from platformdirs import user_cache_dir

    return Path(os.environ.get("CUSTOMS_GRAPH_BENCH_CACHE")
                or user_cache_dir("customs-graph", appauthor=False)) / "bench"


def dataset(persons: int, seed: int, folder: Path | None = None) -> tuple[Path, dict, float]:
    """The data set folder, rows per file, and seconds spent generating (0 if cached)."""
    scale = _scale()
    seed = scale.SEED if seed is None else seed
    folder = Path(folder) if folder else cache_root() / f"scale-{persons}-{seed}"
    rows = scale.cached(persons, folder, seed)
    if rows is not None:
        return folder, rows, 0.0
    t0 = time.perf_counter()
    if folder.exists():
        shutil.rmtree(folder)
    rows = scale.generate(persons, folder, seed)
    return folder, rows, time.perf_counter() - t0


# --- timing -----------------------------------------------------------------------------
def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q * (len(s) - 1))))]


def _timed(fn, inputs, budget_s: float, store: Store | None = None) -> dict:
    """Run fn over inputs until done or the budget is spent (3 runs at least)."""
    times, results, errors, error = [], 0, 0, None
    started = time.perf_counter()
    for x in inputs:
        t0 = time.perf_counter()
        try:
            n = fn(x)
            results += n or 0
        except CustomsGraphError as e:
            # One failure is the finding; repeating a failing query against an
            # engine that just ran out of memory only risks the process.
            errors, error = errors + 1, " ".join(str(e).split())[:300]
            if store is not None and store.kind == "ladybug":
                store.close()  # a fresh reader: a failed query can leave its pool full
            break
        times.append(time.perf_counter() - t0)
        if time.perf_counter() - started > budget_s and len(times) >= 3:
            break
    out = {"n": len(times),
           "p50_ms": round(_pct(times, 0.5) * 1000, 2) if times else None,
           "p95_ms": round(_pct(times, 0.95) * 1000, 2) if times else None,
           "mean_results": round(results / max(len(times), 1), 1), "errors": errors}
    if error:
        out["error"] = error
    return out


def latencies(store: Store, persons: int, samples: int, budget_s: float, seed: int) -> dict:
    rng = Random(seed)
    scale = _scale()
    ids = [scale.Scale.person_id(rng.randrange(persons)) for _ in range(samples)]
    pl = schema.L.Person
    _, rows = store.read(f"UNWIND $ks AS k MATCH (p:{pl.name} {{{pl.key}: k}}) "
                         "RETURN k, p.full_name", {"ks": ids})
    names = dict(rows)
    out: dict[str, dict] = {}
    out["search"] = _timed(lambda k: len(store.search(names.get(k, k), limit=20)), ids,
                           budget_s, store)
    if hasattr(store, "summary"):
        out["neighbour summary"] = _timed(lambda k: len(store.summary(f"Person:{k}")), ids,
                                          budget_s, store)
    out["neighbours 2 hops (cap 500)"] = _timed(
        lambda k: len(store.neighbours(f"Person:{k}", hops=2, cap=500).nodes), ids, budget_s, store)
    from graph.analysis import analytics

    out["analyse 2 hops (cap 500)"] = _timed(
        lambda k: analytics.analyse(store.neighbours(f"Person:{k}", hops=2, cap=500),
                                    exclude_labels=analytics.hub_labels())["nodes"],
        ids, budget_s, store)
    pairs = list(zip(ids, ids[1:] + ids[:1], strict=True))
    out["shortest paths <= 6 hops"] = _timed(
        lambda ab: len(store.paths(f"Person:{ab[0]}", f"Person:{ab[1]}", max_hops=6)),
        pairs, budget_s, store)
    route = saved.get("itinerary_route")
    hubs = scale.AIRPORTS[:8]
    route_params = []
    for _ in range(samples):
        via, dest = rng.sample(hubs, 2)
        start = scale.FIRST_DAY.toordinal() + rng.randrange(scale.DAYS - 31)
        d0 = scale.dt.date.fromordinal(start)
        route_params.append({"origin_country": "*", "via": via, "destination": dest,
                             "date_from": d0.isoformat(),
                             "date_to": (d0 + scale.dt.timedelta(days=30)).isoformat()})
    out["route finder (itinerary_route)"] = _timed(
        lambda p: len(saved.run(store, route, p, timeout_s=120).rows), route_params,
        budget_s, store)
    found, _errors = saved.load_all()
    for name, q in sorted(found.items()):
        out[f"query {name}"] = _timed(
            lambda _x, q=q: len(saved.run(store, q, {}, timeout_s=120).rows),
            range(samples), budget_s, store)
    return out


def analytics_run(store: Store, persons: int, target: int = ANALYTICS_NODES) -> dict | None:
    """Analyse a subgraph of about `target` nodes (persons and their neighbours)."""
    if importlib.util.find_spec("graph.analysis.analytics") is None:
        return None
    from graph.analysis import analytics

    scale = _scale()
    sub = Subgraph()
    t0 = time.perf_counter()
    # One relationship type a query: typed hops are what an analyst expands.
    pl = schema.L.Person
    person_types = [rt.name for rt in schema.REL_TYPES if any(pl.name in e for e in rt.ends)]
    try:
        for start in range(0, persons, 500):
            keys = [scale.Scale.person_id(i) for i in range(start, min(start + 500, persons))]
            for t in person_types:
                # A key list with IN: LadybugDB 0.22 masks the relationship scan with
                # the persons it found; after `UNWIND … {person_id: k}` it joins the
                # whole relationship table and its buffer pool fills at 100,000.
                _, rows = store.read(f"MATCH (a:{pl.name}) WHERE a.{pl.key} IN $ks "
                                     f"MATCH (a)-[r:{t}]-(b) RETURN a, r, b", {"ks": keys})
                for a, r, b in rows:
                    sub.add_node(a)
                    sub.add_node(b)
                    sub.add_edge(r)
            if len(sub.nodes) >= target:
                break
    except CustomsGraphError as e:
        return {"error": " ".join(str(e).split())[:300]}
    fetched = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = analytics.analyse(sub, exclude_labels=analytics.hub_labels())
    return {"nodes": result["nodes"], "edges": result["edges"],
            "fetch_s": round(fetched, 3), "analyse_s": round(time.perf_counter() - t0, 3)}


# --- stores -----------------------------------------------------------------------------
def _kind(url: str) -> str:
    return "ladybug" if url.lower().startswith("ladybug://") else "neo4j"


def _lbug_path(url: str) -> Path:
    return Path(os.path.expanduser(url.split("://", 1)[1])).resolve()


def empty_neo4j(url: str) -> None:
    from graph.core.neo4j_store import Neo4jStore

    with Neo4jStore(url) as s, s._session("WRITE") as session:
        # CALL … IN TRANSACTIONS needs an auto-commit transaction: session.run is one.
        # Relationships first: DETACH DELETE of a hub (a country of a million
        # citizens) is one transaction too large for the server's memory pool.
        session.run("MATCH ()-[r]->() CALL (r) { DELETE r } "
                    "IN TRANSACTIONS OF 10000 ROWS").consume()
        session.run("MATCH (n) CALL (n) { DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()


def _neo4j_local(url: str) -> bool:
    from urllib.parse import urlsplit

    return (urlsplit(url).hostname or "") in ("127.0.0.1", "localhost", "::1")


# --- baselines: the same rows, prepared, loaded plainly ----------------------------------
def _tables() -> list[tuple[str, object, str | None, str | None]]:
    """(table, label-or-reltype, from label, to label) in an order that loads ends first."""
    out = [(lb.name, lb, None, None) for lb in schema.LABELS]
    for rt in schema.REL_TYPES:
        out += [(rt.name, rt, a, b) for a, b in rt.ends]
    return out


def prepare(store_url: str, prepared: Path, files: list[str]) -> dict:
    """Export what the loader made, per source file and table, to Parquet and CSV.
    Returns {file: [(table, kind, from, to, parquet path, csv path, rows)]}."""
    import ladybug

    prepared.mkdir(parents=True, exist_ok=True)
    db = ladybug.Database(str(_lbug_path(store_url)), read_only=True)
    conn = ladybug.Connection(db)
    plan: dict[str, list] = {f: [] for f in files}
    try:
        for name, thing, a, b in _tables():
            cols = list(thing.all_props())
            if a is None:
                q = f"MATCH (n:{name}) RETURN " + ", ".join(f"n.{c} AS {c}" for c in cols)
            else:
                la, lb = schema.label(a), schema.label(b)
                q = (f"MATCH (a:{a})-[e:{name}]->(b:{b}) RETURN a.{la.key} AS `from`, "
                     f"b.{lb.key} AS `to`, " + ", ".join(f"e.{c} AS {c}" for c in cols))
            table = conn.execute(q).get_as_arrow(chunk_size=100000)
            if table.num_rows == 0:
                continue
            src_file = pc.list_element(
                pc.split_pattern(table["source"], pattern=":", max_splits=1), 0)
            for f in files:
                part = table.filter(pc.equal(src_file, f))
                if part.num_rows == 0:
                    continue
                stem = f"{f[:-4]}--{name}" + (f"--{a}-{b}" if a else "")
                pq.write_table(part, prepared / f"{stem}.parquet")
                pacsv.write_csv(part, prepared / f"{stem}.csv")
                plan[f].append((name, "rel" if a else "node", a, b, f"{stem}.parquet",
                                f"{stem}.csv", part.num_rows))
    finally:
        conn.close()
        db.close()
    (prepared / "plan.json").write_text(json.dumps(plan, indent=1))
    return plan


def baseline_ladybug(path: Path, prepared: Path, plan: dict) -> dict[str, float]:
    """Seconds per file: plain COPY FROM of the prepared tables into fresh tables."""
    import ladybug

    from graph.core.ladybug_store import node_table_ddl, rel_table_ddl

    if path.exists():
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    db = ladybug.Database(str(path))
    conn = ladybug.Connection(db)
    out = {}
    try:
        for lb in schema.LABELS:
            conn.execute(node_table_ddl(lb))
        for rt in schema.REL_TYPES:
            conn.execute(rel_table_ddl(rt))
        for f, parts in plan.items():
            tables = [(name, a, b, pq.read_table(prepared / pqf)) for name, _k, a, b, pqf, _c, _n
                      in parts]
            t0 = time.perf_counter()
            for name, a, b, t in tables:
                rt_multi = a is not None and len(schema.rel_type(name).ends) > 1
                opts = f" (from='{a}', to='{b}')" if rt_multi else ""
                conn.execute(f"COPY {name} FROM $t{opts}", {"t": t})
            out[f] = time.perf_counter() - t0
    finally:
        conn.close()
        db.close()
        for p in (path, Path(str(path) + ".wal")):
            if p.exists():
                shutil.rmtree(p) if p.is_dir() else p.unlink()
    return out


def _props_map(thing, var: str, cast: bool) -> str:
    parts = []
    for p, k in thing.all_props().items():
        v = f"{var}.{p}"
        if cast and k == INT:
            v = f"toInteger({v})"
        elif cast and k == FLOAT:
            v = f"toFloat({v})"
        parts.append(f"{p}: {v}")
    return "{" + ", ".join(parts) + "}"


def baseline_neo4j_unwind(url: str, prepared: Path, plan: dict) -> dict[str, float]:
    """Seconds per file: plain driver code, UNWIND batches of CREATE into an empty database."""
    from graph.core.neo4j_store import Neo4jStore

    out = {}
    with Neo4jStore(url) as s, s._session("WRITE") as session:
        for f, parts in plan.items():
            tables = [(name, a, b, pq.read_table(prepared / pqf).to_pylist())
                      for name, _k, a, b, pqf, _c, _n in parts]
            t0 = time.perf_counter()
            for name, a, b, rows in tables:
                if a is None:
                    q = f"UNWIND $rows AS r CREATE (n:{name}) SET n = r"
                else:
                    la, lb = schema.label(a), schema.label(b)
                    rows = [{"f": r.pop("from"), "t": r.pop("to"), "p": r} for r in rows]
                    q = (f"UNWIND $rows AS r MATCH (a:{a} {{{la.key}: r.f}}) "
                         f"MATCH (b:{b} {{{lb.key}: r.t}}) CREATE (a)-[e:{name}]->(b) SET e = r.p")
                for i in range(0, len(rows), UNWIND_BATCH):
                    session.execute_write(lambda tx, q=q, chunk=rows[i:i + UNWIND_BATCH]:
                                          tx.run(q, rows=chunk).consume())
            out[f] = time.perf_counter() - t0
    return out


def baseline_neo4j_load_csv(url: str, prepared: Path, plan: dict) -> dict[str, float]:
    """Seconds per file: LOAD CSV from the prepared CSVs (server on this machine)."""
    from graph.core.neo4j_store import Neo4jStore

    out = {}
    with Neo4jStore(url) as s, s._session("WRITE") as session:
        for f, parts in plan.items():
            t0 = time.perf_counter()
            for name, _k, a, b, _pqf, csvf, _n in parts:
                src = (prepared / csvf).resolve().as_uri()
                if a is None:
                    thing = schema.label(name)
                    body = f"CREATE (n:{name}) SET n = {_props_map(thing, 'r', True)}"
                else:
                    thing = schema.rel_type(name)
                    la, lb = schema.label(a), schema.label(b)
                    body = (f"MATCH (a:{a} {{{la.key}: r.from}}) MATCH (b:{b} {{{lb.key}: r.to}}) "
                            f"CREATE (a)-[e:{name}]->(b) SET e = {_props_map(thing, 'r', True)}")
                session.run(f"LOAD CSV WITH HEADERS FROM $src AS r CALL (r) {{ {body} }} "
                            f"IN TRANSACTIONS OF {UNWIND_BATCH} ROWS", src=src).consume()
            out[f] = time.perf_counter() - t0
    return out


# --- the run ----------------------------------------------------------------------------
def machine() -> dict:
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")),
                       "")
    except OSError:
        pass
    ram = 0
    try:
        ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        pass
    from importlib.metadata import version

    def v(pkg):
        try:
            return version(pkg)
        except Exception:
            return None
    return {"cpus": os.cpu_count(), "ram_gb": round(ram / 1024**3, 1), "cpu": cpu,
            "python": platform.python_version(), "ladybug": v("ladybug"),
            "neo4j_driver": v("neo4j"), "platform": platform.platform()}


def run_bench(persons: int, stores: list[str], *, samples: int = DEFAULT_SAMPLES,
              budget_s: float = DEFAULT_BUDGET_S, seed: int | None = None,
              data: Path | None = None, yes: bool = False, baseline: bool = True,
              load_csv: bool = True, existing: bool = False, log=None) -> dict:
    """`existing`: the stores already hold this data set (loaded by an earlier
    run): time the operations only, no load and no baselines."""
    from loaders.load import load_folder

    log = log or (lambda msg: None)
    kinds = [_kind(u) for u in stores]
    if existing:
        return _time_existing(persons, stores, kinds, samples, budget_s, seed, data, log)
    for url, kind in zip(stores, kinds, strict=True):
        if kind == "ladybug" and _lbug_path(url).exists():
            raise SchemaError(f"{url}: the bench needs a fresh LadybugDB path; this one exists")
        if kind == "neo4j" and not yes:
            raise SchemaError(f"{url}: the bench empties this Neo4j database first; "
                              "add --yes to allow it")
    folder, generated, gen_s = dataset(persons, seed, data)
    log(f"data: {folder} ({sum(generated.values()):,} rows"
        + (f", generated in {gen_s:.1f}s)" if gen_s else ", cached)"))
    result = {"persons": persons, "data": str(folder), "generated": generated,
              "generate_s": round(gen_s, 2), "machine": machine(), "stores": []}
    plan, prepared, prep_url, tmp = None, folder / "prepared", None, None
    # Embedded stores first: the first one's graph is exported as the baselines' input.
    order = sorted(range(len(stores)), key=lambda i: kinds[i] != "ladybug")
    for i in order:
        url, kind = stores[i], kinds[i]
        entry: dict = {"url": url, "kind": kind}
        if kind == "neo4j":
            log(f"{url}: emptying")
            empty_neo4j(url)
        log(f"{url}: loading")
        with open_store(url) as store:
            if kind == "neo4j":
                entry["server"] = _neo4j_version(store)
            rej = Path(tempfile.mkdtemp(prefix="cg-bench-")) / "rejects.csv"
            report = load_folder(store, folder, rejects_file=rej, progress=False)
            shutil.rmtree(rej.parent, ignore_errors=True)
            files = []
            for fr in report.files:
                files.append({"file": fr.file, "rows": fr.rows, "loaded": fr.loaded,
                              "rejected": fr.rejected, "generated": generated.get(fr.file),
                              "seconds": fr.seconds,
                              "rows_per_s": round(fr.rows / fr.seconds) if fr.seconds else None})
            entry["load"] = {"files": files, "rows": report.rows,
                             "seconds": round(report.seconds, 2),
                             "rows_per_s": round(report.rows / report.seconds)}
            entry["counts"] = report.counts
            entry["counts_match"] = all(f["loaded"] == f["generated"] and not f["rejected"]
                                        for f in files)
            log(f"{url}: {report.rows:,} rows in {report.seconds:.1f}s; timing operations")
            entry["latency"] = latencies(store, persons, samples, budget_s,
                                         seed if seed is not None else 1)
            entry["analytics"] = analytics_run(store, persons)
        if baseline and plan is None and (prepared / "plan.json").is_file():
            # Exported from an earlier run on this same data set.
            plan = json.loads((prepared / "plan.json").read_text())
        if baseline and plan is None:
            prep_url = url if kind == "ladybug" else None
            if prep_url is None:  # no embedded store in the run: make one to export from
                tmp = Path(tempfile.mkdtemp(prefix="cg-bench-"))
                prep_url = f"ladybug://{tmp / 'prep.lbug'}"
                with open_store(prep_url) as s:
                    load_folder(s, folder, rejects_file=tmp / "rejects.csv", progress=False)
            log("exporting the loaded graph as prepared tables for the baselines")
            plan = prepare(prep_url, prepared, [f["file"] for f in entry["load"]["files"]])
            if tmp:
                shutil.rmtree(tmp, ignore_errors=True)
        if baseline:
            base: dict[str, dict[str, float]] = {}
            if kind == "ladybug":
                log(f"{url}: baseline COPY FROM")
                bpath = _lbug_path(url).with_name(_lbug_path(url).name + ".baseline")
                base["COPY FROM"] = baseline_ladybug(bpath, prepared, plan)
            else:
                log(f"{url}: baseline UNWIND batches")
                empty_neo4j(url)
                base["UNWIND"] = baseline_neo4j_unwind(url, prepared, plan)
                if load_csv and _neo4j_local(url):
                    log(f"{url}: baseline LOAD CSV")
                    empty_neo4j(url)
                    try:
                        base["LOAD CSV"] = baseline_neo4j_load_csv(url, prepared, plan)
                    except (neo4j.exceptions.ClientError, CustomsGraphError) as e:
                        # Servers that refuse file URLs (as they should in production,
                        # and the bundled test server does) cannot run this baseline.
                        entry["load_csv_skipped"] = f"the server refuses file URLs ({e})"
                else:
                    entry["load_csv_skipped"] = (
                        "server not on this machine: it cannot read the prepared CSVs"
                        if load_csv else "--no-load-csv")
                # Leave the database holding what the bench's own loader made? It now
                # holds the baseline's copy of the same graph: say so.
                entry["left_in_store"] = "the last baseline's copy of the graph"
            for method, secs in base.items():
                for f in entry["load"]["files"]:
                    s = secs.get(f["file"])
                    if s:
                        f.setdefault("baseline", {})[method] = {
                            "seconds": round(s, 3), "rows_per_s": round(f["rows"] / s),
                            "slowdown": round(f["seconds"] / s, 2)}
                total = sum(secs.values())
                entry["load"].setdefault("baseline", {})[method] = {
                    "seconds": round(total, 2),
                    "rows_per_s": round(entry["load"]["rows"] / total) if total else None}
        result["stores"].append(entry)
    return result


def _time_existing(persons, stores, kinds, samples, budget_s, seed, data, log) -> dict:
    folder, generated, _ = dataset(persons, seed, data)
    result = {"persons": persons, "data": str(folder), "generated": generated,
              "generate_s": 0, "machine": machine(), "stores": []}
    for url, kind in zip(stores, kinds, strict=True):
        entry: dict = {"url": url, "kind": kind, "load": None}
        with open_store(url) as store:
            if kind == "neo4j":
                entry["server"] = _neo4j_version(store)
            entry["counts"] = store.counts()
            log(f"{url}: timing operations on the stored graph")
            entry["latency"] = latencies(store, persons, samples, budget_s,
                                         seed if seed is not None else 1)
            entry["analytics"] = analytics_run(store, persons)
        result["stores"].append(entry)
    return result


def _neo4j_version(store) -> str | None:
    try:
        _, rows = store.read("CALL dbms.components() YIELD versions, edition "
                             "RETURN versions[0], edition")
        return f"{rows[0][0]} {rows[0][1]}"
    except CustomsGraphError:
        return None


def _ms(v) -> str:
    return "" if v is None else f"{v:.1f}"


def render(result: dict, console) -> None:
    m = result["machine"]
    console.print(f"[bold]customs-graph bench[/bold]: {result['persons']:,} persons, "
                  f"{sum(result['generated'].values()):,} rows; {m['cpus']} CPUs, "
                  f"{m['ram_gb']} GB, {m['cpu']}; Python {m['python']}, LadybugDB {m['ladybug']}")
    for st in result["stores"]:
        if st["load"] is not None:
            _render_load(st, console)
        _render_latency(st, console)


def _render_load(st: dict, console) -> None:
    from rich.table import Table

    methods = list(st["load"].get("baseline", {}))
    t = Table(title=f"load: {st['url']}" + (f" ({st['server']})" if st.get("server") else ""))
    for col in ["file", "rows", "loaded", "rejected", "seconds", "rows/s"]:
        t.add_column(col, justify="left" if col == "file" else "right")
    for meth in methods:
        t.add_column(f"{meth} rows/s", justify="right")
        t.add_column("ours x slower", justify="right")
    for f in st["load"]["files"] + [dict(file="TOTAL", rows=st["load"]["rows"],
                                         loaded="", rejected="",
                                         seconds=st["load"]["seconds"],
                                         rows_per_s=st["load"]["rows_per_s"],
                                         baseline=st["load"].get("baseline", {}))]:
        cells = [f["file"], f"{f['rows']:,}", str(f["loaded"]), str(f["rejected"]),
                 f"{f['seconds']:.2f}", f"{f['rows_per_s'] or 0:,}"]
        for meth in methods:
            b = f.get("baseline", {}).get(meth)
            if b and b.get("rows_per_s"):
                cells += [f"{b['rows_per_s']:,}", f"{f['seconds'] / b['seconds']:.1f}"]
            else:
                cells += ["", ""]
        t.add_row(*cells)
    console.print(t)
    console.print(f"loaded counts match generated rows: {st['counts_match']}")
    if st.get("load_csv_skipped"):
        console.print(f"LOAD CSV baseline skipped: {st['load_csv_skipped']}")


def _render_latency(st: dict, console) -> None:
    from rich.table import Table

    lt = Table(title=f"latency: {st['url']}")
    for col in ["operation", "samples", "p50 ms", "p95 ms", "mean results", "errors"]:
        lt.add_column(col, justify="left" if col == "operation" else "right")
    failures = []
    for op, v in st["latency"].items():
        lt.add_row(op, str(v["n"]), _ms(v["p50_ms"]), _ms(v["p95_ms"]),
                   str(v["mean_results"]), str(v["errors"]))
        if v.get("error"):
            failures.append(f"{op}: {v['error']}")
    a = st.get("analytics")
    if a and a.get("error"):
        failures.append(f"analytics: {a['error']}")
    elif a:
        lt.add_row(f"analytics ({a['nodes']:,} nodes, {a['edges']:,} edges)", "1",
                   f"{a['analyse_s'] * 1000:.1f}", "", "", "")
    console.print(lt)
    for line in failures:
        console.print(f"[red]failed[/red] {line}")
