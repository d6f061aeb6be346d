"""The command line end to end on the sample data, as a user would run it."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import MINI, lbug_url

VIET_TRAN = "Company:0312345678"


def cli(*args, store=None, check=True):
    cmd = [sys.executable, "-m", "graph.cli", *args]
    if store:
        cmd += ["--store", store]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if check:
        assert done.returncode == 0, done.stderr
    return done


def as_json(*args, store=None):
    return json.loads(cli(*args, "--json", store=store).stdout)


def test_neighbours_of_vn18_hold_the_four_cigar_passengers(sample_lbug_url, sample_lbug):
    seized = sample_lbug.query(
        "MATCH (s:Seizure {seizure_id: 'SZ-2017-0319-HAN'})-[:INVOLVES]->(p:Person) "
        "RETURN p.person_id ORDER BY p.person_id")
    four = {f"Person:{r[0]}" for r in seized.rows}
    assert len(four) == 4
    data = as_json("neighbours", "Flight:VN18@2017-03-19", "--hops", "1", "--cap", "1000",
                   store=sample_lbug_url)
    ids = {n["id"] for n in data["nodes"]}
    assert four <= ids
    assert set(data) >= {"nodes", "edges"}
    node = data["nodes"][0]
    assert set(node) == {"id", "label", "key", "properties"}
    edge = data["edges"][0]
    assert set(edge) == {"source", "target", "type", "properties"}


def test_path_from_the_container_to_viet_tran_is_two_hops_through_the_declaration(
        sample_lbug_url):
    data = as_json("paths", "Container:WHSU5018375", VIET_TRAN, "--max-hops", "4",
                   store=sample_lbug_url)
    shortest = data["paths"][0]
    assert len(shortest["edges"]) == 2
    labels = [n["label"] for n in shortest["nodes"]]
    assert labels[0] == "Container" and labels[-1] == "Company"
    assert any(p["nodes"][1]["label"] == "Declaration" for p in data["paths"]
               if len(p["edges"]) == 2)


def test_search_finds_viet_tran_diacritics_blind(sample_lbug_url):
    data = as_json("search", "viet tran", store=sample_lbug_url)
    assert data["results"][0]["id"] == VIET_TRAN
    data = as_json("search", "WHSU5018375", store=sample_lbug_url)
    assert data["results"][0]["id"] == "Container:WHSU5018375"


def test_a_write_through_cypher_is_refused_and_changes_nothing(sample_lbug_url):
    count = "MATCH (c:Company) RETURN count(c)"
    before = as_json("cypher", count, store=sample_lbug_url)["rows"]
    done = cli("cypher", "MATCH (c:Company) DETACH DELETE c", store=sample_lbug_url,
               check=False)
    assert done.returncode == 1
    assert "read-only" in done.stderr and done.stderr.count("\n") == 1
    assert as_json("cypher", count, store=sample_lbug_url)["rows"] == before


def test_cypher_takes_parameters(sample_lbug_url):
    data = as_json("cypher", "MATCH (c:Container {container_no: $no}) RETURN c.operator",
                   "--param", "no=WHSU5018375", store=sample_lbug_url)
    assert data["columns"] == ["c.operator"] and len(data["rows"]) == 1


def test_exit_codes(sample_lbug_url):
    assert cli("neighbours", "Container:NOPE0000000", store=sample_lbug_url,
               check=False).returncode == 1
    bad = cli("neighbours", "Spaceship:1", store=sample_lbug_url, check=False)
    assert bad.returncode == 2 and bad.stderr.startswith("error:")
    assert cli("neighbours", check=False).returncode == 2
    assert cli("frobnicate", check=False).returncode == 2


def test_export_json(sample_lbug_url, tmp_path):
    out = tmp_path / "sub.json"
    cli("export", "Container:WHSU5018375", "--hops", "2", "--format", "json", "-o", str(out),
        store=sample_lbug_url)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert VIET_TRAN in {n["id"] for n in data["nodes"]}


def test_load_prints_counts_and_rejects(tmp_path):
    url = lbug_url(tmp_path)
    data = as_json("load", str(MINI), "--rejects", str(tmp_path / "rej.csv"), store=url)
    assert data["nodes"]["Person"] == 3 and data["relationships"]["TRAVELLED"] == 4
    assert data["rejected"] == 24 and data["rejects_file"].endswith("rej.csv")
    assert (tmp_path / "rej.csv").read_text(encoding="utf-8").count("\n") == 25


def test_sample_rejects_are_the_planted_bad_rows(sample_lbug_url):
    from pathlib import Path

    rejects = Path(sample_lbug_url[len("ladybug://"):]).parent / "rejects.csv"
    text = rejects.read_text(encoding="utf-8")
    assert "WHSU5018376" in text and "XXQ" in text and "99999999" in text
    assert 5 <= text.count("\n") - 1 <= 20


@pytest.mark.parametrize("args", [["queries", "list"]])
def test_queries_list(args):
    data = as_json(*args)
    assert "queries" in data


def test_commands_leave_an_audit_trail(sample_lbug_url):
    cli("search", "WHSU5018375", store=sample_lbug_url)
    cli("cypher", "MATCH (c:Container) RETURN count(c)", store=sample_lbug_url)
    records = as_json("log", "audit")["records"]
    searches = [r for r in records if r["action"] == "search"]
    # (refused searches of other tests are in the trail too, without their text)
    assert any(r["details"].get("text") == "WHSU5018375" for r in searches)
    # (refused and failed queries of other tests are there too, without rows)
    assert any(r["action"] == "query" and r["details"].get("rows") == 1 for r in records)


# --- the contract: every command takes --store and --json, listed in the analyst's order --
def _leaves(cmd, path=()):
    subs = getattr(cmd, "commands", None)
    if subs is None or getattr(cmd, "invoke_without_command", False):  # `resolve` lists
        yield " ".join(path), cmd
    for name, sub in (subs or {}).items():
        yield from _leaves(sub, (*path, name))


def test_every_command_takes_store_and_json():
    import typer

    from graph.cli import app

    leaves = dict(_leaves(typer.main.get_command(app)))
    assert len(leaves) >= 35
    assert {"resolve", "log add", "queries list"} <= set(leaves)
    missing = {path: [o for o in ("--store", "--json")
                      if o not in {d for p in cmd.params for d in getattr(p, "opts", ())}]
               for path, cmd in leaves.items()}
    assert not {p: m for p, m in missing.items() if m}, "DESIGN.md promises both on every command"


def test_help_lists_commands_in_the_order_an_analyst_meets_them():
    import typer

    from graph.cli import ORDER, app

    group = typer.main.get_command(app)
    listed = group.list_commands(None)
    assert set(listed) == set(ORDER), "every command has its place in ORDER"
    assert listed[:4] == ["load", "search", "neighbours", "paths"] and listed[-1] == "bench"
    shown = cli("--help").stdout
    assert shown.index(" load ") < shown.index(" search ") < shown.index(" bench ")


@pytest.mark.parametrize("args", [("queries", "list"), ("log", "shifts"), ("users", "whoami")])
def test_commands_that_do_not_read_the_graph_accept_store_and_still_check_it(args, tmp_path):
    ok = cli(*args, "--json", "--store", lbug_url(tmp_path))
    assert json.loads(ok.stdout) is not None
    bad = cli(*args, "--json", "--store", "ftp://nowhere", check=False)
    assert bad.returncode == 2 and "unknown store URL" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1


def test_the_app_reads_secrets_only_from_fixed_places(tmp_path, monkeypatch):
    """A .streamlit/secrets.toml in whatever folder the command starts in (planted: a
    sign-in provider of someone else's) is never among the app's secrets."""
    from graph.cli import secrets_files

    planted = tmp_path / ".streamlit"
    planted.mkdir()
    (planted / "secrets.toml").write_text("[auth]\n")
    monkeypatch.chdir(tmp_path)
    found = secrets_files()
    assert found and all(tmp_path not in f.parents for f in found)
    assert found[0] == Path.home() / ".streamlit" / "secrets.toml"


def test_each_error_says_its_exit_status_and_whether_to_retry():
    """The command line exits with the error's own status; the app offers a retry only
    for errors that say trying again may help."""
    from graph.core import errors

    assert errors.UsageError("x").exit_code == errors.SchemaError("x").exit_code == 2
    assert errors.NotFound("x").exit_code == errors.QueryError("x").exit_code == 1
    assert errors.StoreUnavailable("down").retryable
    assert not errors.StoreUnavailable("bad password", retryable=False).retryable
    assert not errors.QueryError("x").retryable and not errors.UsageError("x").retryable
    # a store that cannot be reached is exit 1, said in one line
    down = cli("search", "x", "--store", "bolt://127.0.0.1:9", check=False)
    assert down.returncode == 1 and len(down.stderr.strip().splitlines()) == 1, down.stderr
