"""The same questions to both stores, holding the same data, get the same answers.

Runs on the small fixture (tests/data/mini) and on the sample set once
sample_data/*.csv exist. Results are compared order-insensitively (sets of
node and edge ids, sorted JSON), except where the order is defined: search
ranks, and saved queries with ORDER BY.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from graph.core import queries as saved
from graph.core.errors import QueryError
from graph.core.model import to_plain
from graph.core.stores import open_store
from loaders.load import load_folder
from tests.conftest import MINI, SAMPLE, lbug_url

VIET_TRAN = "Company:0312345678"
CONTAINER = "Container:WHSU5018375"
DECLARATION = "Declaration:500100012345"
FLIGHT = "Flight:VN18@2017-03-19"


@dataclass(frozen=True)
class DataSet:
    name: str
    folder: Path
    passport: str
    pair: tuple[str, str]  # two persons who travelled together
    refs: tuple[str, ...]  # refs get() must agree on


DATASETS = {
    "mini": DataSet("mini", MINI, "B1234567", ("Person:P1", "Person:P3"),
                    (VIET_TRAN, CONTAINER, DECLARATION, FLIGHT, "Person:P1", "Person:P2",
                     "Seizure:SZ-2017-0621-CLI", "Port:VNCLI")),
    # Two of the four cigar passengers (sample_data/generate.py, CIGAR_PAX).
    "sample": DataSet("sample", SAMPLE, "B1234567", ("Person:P000901", "Person:P000904"),
                      (VIET_TRAN, CONTAINER, DECLARATION, FLIGHT, "Person:P000901",
                       "Person:P000417", "Airport:HAN", "Country:VN")),
}


@pytest.fixture(scope="module", params=list(DATASETS))
def dataset(request) -> DataSet:
    ds = DATASETS[request.param]
    if not any(ds.folder.glob("*.csv")):
        pytest.skip(f"{ds.folder.name}/ holds no CSV files yet (sample_data/generate.py)")
    return ds


@pytest.fixture(scope="module")
def mini_lbug_url(tmp_path_factory, load_seconds):
    folder = tmp_path_factory.mktemp("mini-lbug")
    url = lbug_url(folder)
    with open_store(url) as s:
        report = load_folder(s, MINI, rejects_file=folder / "rejects.csv", progress=False)
    load_seconds[("ladybug", MINI.name)] = report.seconds
    return url


@pytest.fixture
def stores(dataset, neo4j_url, load_into_neo4j, request, tmp_path):
    """(embedded store, Neo4j store), both holding `dataset`."""
    if dataset.name == "sample":
        yield request.getfixturevalue("sample_lbug"), request.getfixturevalue("sample_neo4j")
        return
    lb_url = request.getfixturevalue("mini_lbug_url")
    nj_url = load_into_neo4j(neo4j_url, MINI, tmp_path / "rejects.csv")
    with open_store(lb_url) as a, open_store(nj_url) as b:
        yield a, b


def test_load_times(stores, dataset, load_seconds, capsys):
    times = {kind: load_seconds.get((kind, dataset.folder.name)) for kind in ("ladybug", "neo4j")}
    with capsys.disabled():
        print(f"\nload {dataset.folder.name}: " + ", ".join(
            f"{k} {v:.2f} s" if v is not None else f"{k} (loaded earlier)"
            for k, v in times.items()))


def test_counts(stores):
    a, b = stores
    assert a.counts() == b.counts()
    assert sum(a.counts()["nodes"].values()) > 0


def test_get(stores, dataset):
    a, b = stores
    for ref in dataset.refs:
        na, nb = a.get(ref), b.get(ref)
        assert (na.id, na.properties) == (nb.id, nb.properties), ref


@pytest.mark.parametrize("text", ["viet tran", "WHSU", "<passport>", "nguyen"])
def test_search(stores, dataset, text):
    a, b = stores
    text = dataset.passport if text == "<passport>" else text
    found_a, found_b = a.search(text), b.search(text)
    assert found_a, text
    # The order is defined (exact key, prefix, caption, then label order and key).
    assert [n.id for n in found_a] == [n.id for n in found_b]
    assert [n.properties for n in found_a] == [n.properties for n in found_b]


@pytest.mark.parametrize("text", ["VN18", "WHSU", "Việt Trấn", "Viet Tram", "nguyen van",
                                  "B1234567", FLIGHT.lower(), "+84", "zzzz"])
def test_ranked_search(stores, text):
    a, b = stores
    for kw in ({"limit": 25}, {"limit": 10, "offset": 10}, {"labels": ["Person", "Company"]}):
        ra, rb = a.search_ranked(text, **kw), b.search_ranked(text, **kw)
        assert ra.to_json() == rb.to_json(), kw


@pytest.mark.parametrize("ref", [FLIGHT, CONTAINER, VIET_TRAN])
def test_summary(stores, ref):
    a, b = stores
    assert a.summary(ref) == b.summary(ref)


@pytest.mark.parametrize("order", ["risk", "most", "least", "newest", "key"])
def test_capped_orders(stores, order):
    a, b = stores
    kw = {"hops": 1, "cap": 5, "order": order, "priority": {"Person:P000006", "Person:P1"}}
    sa, sb = a.neighbours(FLIGHT, **kw), b.neighbours(FLIGHT, **kw)
    assert sa.to_json() == sb.to_json()


NEIGHBOURS = [
    pytest.param(VIET_TRAN, {"hops": 1}, id="company-1hop"),
    pytest.param(CONTAINER, {"hops": 2}, id="container-2hops"),
    pytest.param(VIET_TRAN, {"hops": 2, "labels": ["Person", "Company", "Declaration"]},
                 id="company-2hops-labels"),
    pytest.param(CONTAINER, {"hops": 2, "rel_types": ["COVERS", "DECLARED", "INVOLVES"]},
                 id="container-2hops-rels"),
    pytest.param(VIET_TRAN, {"hops": 1, "cap": 2}, id="company-cap2"),
    pytest.param(FLIGHT, {"hops": 1, "cap": 3}, id="flight-cap3"),
    pytest.param(FLIGHT, {"hops": 2, "labels": ["Person", "Flight", "Booking"], "cap": 3},
                 id="flight-2hops-labels-cap3"),
]


@pytest.mark.parametrize(("ref", "kw"), NEIGHBOURS)
def test_neighbours(stores, ref, kw):
    a, b = stores
    sa, sb = a.neighbours(ref, **kw), b.neighbours(ref, **kw)
    assert set(sa.nodes) == set(sb.nodes)
    assert set(sa.edges) == set(sb.edges)
    assert sa.left_out == sb.left_out
    assert sa.to_json() == sb.to_json()  # properties too
    if kw.get("cap") and ref == FLIGHT:
        assert sa.left_out, "the cap should leave some neighbours out"


def _paths(store, ref_a, ref_b):
    return sorted(json.dumps(p.to_json(), sort_keys=True, ensure_ascii=False)
                  for p in store.paths(ref_a, ref_b))


def test_paths_container_to_company(stores):
    a, b = stores
    pa = _paths(a, CONTAINER, VIET_TRAN)
    assert pa
    assert pa == _paths(b, CONTAINER, VIET_TRAN)


def test_paths_between_travellers(stores, dataset):
    a, b = stores
    pa = _paths(a, *dataset.pair)
    assert pa
    assert pa == _paths(b, *dataset.pair)


# --- saved queries ----------------------------------------------------------------
_SAVED, _ = saved.load_all()
_NO_QUERIES = pytest.param(None, marks=pytest.mark.skip(
    reason=f"{saved.QUERIES_DIR.name}/ holds no .cypher files yet"))


def _canon(v):
    """A comparable form of a result value: JSON-ready, floats to 9 digits."""
    v = to_plain(v)
    if isinstance(v, float):
        return float(f"{v:.9g}") if math.isfinite(v) else str(v)
    if isinstance(v, list):
        out = [_canon(x) for x in v]
        # A collected list of nodes or relationships has no order in Cypher: compare as a set.
        if out and all(isinstance(x, dict) and ("label" in x or "type" in x) for x in out):
            out.sort(key=lambda x: json.dumps(x, sort_keys=True, ensure_ascii=False))
        return out
    if isinstance(v, dict):
        return {k: _canon(x) for k, x in v.items()}
    return v


def _rows(result) -> list[str]:
    return [json.dumps(_canon(r), sort_keys=True, ensure_ascii=False) for r in result.rows]


@pytest.mark.parametrize("name", sorted(_SAVED) or [_NO_QUERIES])
def test_saved_query(stores, name):
    a, b = stores
    q = _SAVED[name]
    try:
        q.bind({})
    except QueryError as e:
        pytest.skip(f"{name} has parameters without defaults: {e}")
    ra, rb = saved.run(a, q, {}), saved.run(b, q, {})
    assert ra.columns == rb.columns
    assert ra.truncated == rb.truncated
    ordered = all("ORDER BY" in q.body(s.kind).upper() for s in (a, b))
    if ordered:
        assert _rows(ra) == _rows(rb)
    else:
        assert Counter(_rows(ra)) == Counter(_rows(rb))
