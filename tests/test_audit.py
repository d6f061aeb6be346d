"""The audit trail on a real SQLite file: records, filters, append-only, CSV."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest

from graph import audit, cli_log, users
from graph.dutylog import DutyLog, LogError

pytestmark = pytest.mark.usefixtures("local_officer")


@pytest.fixture
def path(tmp_path) -> Path:
    return tmp_path / "dutylog.sqlite3"


def _record_some(path: Path) -> None:
    audit.record("search", "lan", {"text": "viet tran", "results": 3}, log=path)
    audit.record("query", "lan", {"name": "transit_chain", "params": {
        "container": "WHSU5018375"}, "rows": 12}, log=path)
    audit.record("query", "minh", {"name": "cypher", "cypher": "MATCH (n) RETURN n",
                                   "params": {}, "rows": 1000}, log=path)
    audit.record("export", "minh", {"format": "graphml", "file": "=cmd|' /C calc'!A0",
                                    "nodes": 14}, log=path)
    audit.record("merge", "minh", {"refs": ["Person:P1", "Person:P2"], "decision": "accepted",
                                   "score": 0.93}, log=path)
    audit.record("load", None, {"folder": "sample_data", "rows": 52000, "rejected": 3},
                 log=path)


def test_record_and_list(path):
    _record_some(path)
    every = audit.list(log=path)
    assert [r.action for r in every] == ["search", "query", "query", "export", "merge", "load"]
    assert [r.id for r in every] == [1, 2, 3, 4, 5, 6]
    assert every[-1].who == "local-officer"  # the local user by default
    assert every[1].details == {"name": "transit_chain", "params": {"container": "WHSU5018375"},
                                "rows": 12}
    assert [r.details["name"] for r in audit.list("query", log=path)] == ["transit_chain",
                                                                           "cypher"]
    assert [r.action for r in audit.list(who="lan", log=path)] == ["search", "query"]
    assert [r.id for r in audit.list(limit=2, log=path)] == [5, 6]
    day = every[0].time[:10]
    assert len(audit.list(since=day, until=day, log=path)) == 6
    assert audit.list(until="2000-01-01", log=path) == ()
    with DutyLog(path) as dl:  # an open log works as well as a path
        audit.record("search", "lan", {"text": "WHSU"}, log=dl)
        assert len(audit.list("search", log=dl)) == 2
    with pytest.raises(LogError, match="unknown audit action"):
        audit.record("coffee", "lan", {}, log=path)
    with pytest.raises(LogError, match="mapping"):
        audit.record("search", "lan", ["not", "a", "dict"], log=path)


def test_default_file_is_the_duty_log(path):
    audit.record("search", "lan", {"text": "x"})
    assert path.exists() and len(audit.list(log=path)) == 1


def test_the_trail_is_append_only(path):
    _record_some(path)
    con = sqlite3.connect(path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        con.execute("UPDATE audit SET who = 'nobody'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        con.execute("DELETE FROM audit WHERE id = 1")
    con.close()
    assert len(audit.list(log=path)) == 6


def test_csv_export(path, tmp_path):
    _record_some(path)
    out = audit.to_csv(tmp_path / "audit.csv", log=path)
    with out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == list(audit.CSV_COLUMNS)
    assert [r["action"] for r in rows] == ["search", "query", "query", "export", "merge", "load"]
    assert json.loads(rows[1]["details"])["rows"] == 12
    # a value a spreadsheet would run as a formula is kept as text
    assert rows[3]["details"].startswith("{")
    evil = audit.record("search", "=HYPERLINK(\"http://x\")", {"text": "x"}, log=path)
    audit.to_csv(tmp_path / "q.csv", log=path, action="search")
    with (tmp_path / "q.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["id"] for r in rows] == ["1", str(evil.id)]
    assert rows[-1]["who"] == "'=HYPERLINK(\"http://x\")"


def cli(capsys, *args) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as ex:
        cli_log.main([str(a) for a in args])
    out = capsys.readouterr()
    return ex.value.code, out.out, out.err


def test_cli_audit(capsys, path, tmp_path, monkeypatch):
    _record_some(path)
    code, out, _ = cli(capsys, "log", "audit", "--action", "query", "--json")
    assert code == 0
    assert [r["details"]["name"] for r in json.loads(out)["records"]] == ["transit_chain",
                                                                          "cypher"]
    code, out, _ = cli(capsys, "log", "audit", "--csv", tmp_path / "a.csv")
    assert code == 0 and out.startswith("wrote 6 records to")
    assert (tmp_path / "a.csv").read_text(encoding="utf-8").count("\n") == 7
    code, out, _ = cli(capsys, "log", "audit")
    assert code == 0 and len(out.strip().splitlines()) == 6
    assert cli(capsys, "log", "audit", "--action", "coffee")[0] == 2
    # with users set up, only an admin reads the trail
    users.UserStore().add("ada", "admin", "admin password 1")
    users.UserStore().add("bao", "analyst", "analyst password")
    monkeypatch.setenv(users.ENV_USER, "bao")
    monkeypatch.setenv(users.ENV_PASSWORD, "analyst password")
    code, _, err = cli(capsys, "log", "audit")
    assert code == 1 and "may not read the audit trail" in err
    monkeypatch.setenv(users.ENV_USER, "ada")
    monkeypatch.setenv(users.ENV_PASSWORD, "admin password 1")
    assert cli(capsys, "log", "audit")[0] == 0
