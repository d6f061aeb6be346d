"""`customs-graph bench` at a tiny size, end to end: the scale generator, the
loads, the latency table and the baselines. No timed assertions: figures
are printed, counts are checked."""

from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from graph.bench.harness import _scale as scale_module
from graph.cli.bench import bench
from tests.conftest import lbug_url

PERSONS = 300
OPERATIONS = ("search", "neighbours 2 hops (cap 500)", "shortest paths <= 6 hops",
              "route finder (itinerary_route)")


@pytest.fixture(scope="module")
def cli():
    app = typer.Typer()
    app.command()(bench)
    app.command("noop")(lambda: None)  # two commands: `bench` stays a subcommand
    return app


@pytest.fixture
def cache(tmp_path_factory, monkeypatch):
    folder = tmp_path_factory.getbasetemp() / "bench-cache"
    monkeypatch.setenv("CUSTOMS_GRAPH_BENCH_CACHE", str(folder))
    return folder


def _run(cli, *args):
    result = CliRunner().invoke(cli, ["bench", "--persons", str(PERSONS), "--samples", "3",
                                      "--budget", "2", *args])
    print(result.output)
    assert result.exit_code == 0, result.output
    return result.output


def _check_store(entry: dict, generated: dict) -> None:
    files = {f["file"]: f for f in entry["load"]["files"]}
    assert set(files) == set(generated)
    for name, n in generated.items():
        assert files[name]["rows"] == n, name
        assert files[name]["loaded"] == n, name
        assert files[name]["rejected"] == 0, name
    assert entry["counts_match"] is True
    counts = entry["counts"]
    assert counts["nodes"]["Person"] == generated["persons.csv"]
    assert counts["nodes"]["Flight"] == generated["flights.csv"]
    assert counts["relationships"]["TRAVELLED"] == generated["travel.csv"]
    assert counts["relationships"]["DECLARES"] == generated["declaration_items.csv"]
    for op in OPERATIONS:
        assert entry["latency"][op]["n"] >= 1, op
        assert entry["latency"][op]["errors"] == 0, op
    assert any(op.startswith("query ") for op in entry["latency"])


def test_scale_generator_is_deterministic_and_valid(tmp_path):
    scale = scale_module()
    a = scale.generate(200, tmp_path / "a")
    b = scale.generate(200, tmp_path / "b")
    assert a == b
    for name in a:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert a["persons.csv"] == 200
    assert 3 * 200 <= a["travel.csv"] <= 7 * 200


def test_bench_ladybug_json(cli, cache, tmp_path):
    url = lbug_url(tmp_path)
    out = _run(cli, "--store", url, "--json")
    result = json.loads(out[out.index("{"):])
    assert result["persons"] == PERSONS
    [entry] = result["stores"]
    assert entry["kind"] == "ladybug"
    _check_store(entry, result["generated"])
    for f in entry["load"]["files"]:
        assert f["baseline"]["COPY FROM"]["seconds"] > 0, f["file"]


def test_bench_ladybug_table(cli, cache, tmp_path):
    out = _run(cli, "--store", lbug_url(tmp_path), "--no-baseline")
    for word in ("persons.csv", "travel.csv", "TOTAL", *OPERATIONS, "query itinerary_route",
                 "loaded counts match generated rows: True"):
        assert word in out, word


def test_bench_existing_times_a_loaded_store_without_loading(cli, cache, tmp_path):
    url = lbug_url(tmp_path)
    _run(cli, "--store", url, "--no-baseline")
    out = _run(cli, "--store", url, "--existing", "--json")
    [entry] = json.loads(out[out.index("{"):])["stores"]
    assert entry["load"] is None
    assert entry["counts"]["nodes"]["Person"] == PERSONS
    for op in OPERATIONS:
        assert entry["latency"][op]["n"] >= 1 and entry["latency"][op]["errors"] == 0, op
    table = _run(cli, "--store", url, "--existing")
    assert "latency: " + url in table and "TOTAL" not in table


def test_bench_refuses_an_existing_store(cli, cache, tmp_path):
    url = lbug_url(tmp_path)
    (tmp_path / "graph.lbug").write_text("")
    result = CliRunner().invoke(cli, ["bench", "--persons", "50", "--store", url])
    assert result.exit_code != 0


def test_bench_neo4j(cli, cache, empty_neo4j, neo4j_url, tmp_path):
    refused = CliRunner().invoke(cli, ["bench", "--persons", "50", "--store", neo4j_url])
    assert refused.exit_code != 0  # emptying a database needs --yes
    out = _run(cli, "--store", neo4j_url, "--store", lbug_url(tmp_path), "--yes", "--json")
    result = json.loads(out[out.index("{"):])
    by_kind = {e["kind"]: e for e in result["stores"]}
    assert set(by_kind) == {"ladybug", "neo4j"}
    for entry in by_kind.values():
        _check_store(entry, result["generated"])
    for f in by_kind["neo4j"]["load"]["files"]:
        assert "UNWIND" in f["baseline"], f["file"]
