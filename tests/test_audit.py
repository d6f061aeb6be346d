"""The audit trail on a real SQLite file: records, filters, append-only, CSV."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest

from graph.cli import log as cli_log
from graph.records import audit, users
from graph.records.dutylog import DutyLog, LogError
from tests.test_dutylog import _attack as dutylog_attack

pytestmark = pytest.mark.usefixtures("local_officer")


@pytest.fixture
def path(local_officer) -> Path:
    from graph.records.dutylog import default_log_path

    return default_log_path()


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
    assert every[-1].who == users.local_user_name()  # the OS user by default
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
    # reading the trail is itself recorded (after the listing): one record a read;
    # the state's first run (single-user mode) is one record too
    code, out, _ = cli(capsys, "log", "audit", "--csv", tmp_path / "a.csv")
    assert code == 0 and out.startswith("wrote 8 records to")
    assert (tmp_path / "a.csv").read_text(encoding="utf-8").count("\n") == 9
    code, out, _ = cli(capsys, "log", "audit")
    assert code == 0 and len(out.strip().splitlines()) == 9
    assert json.loads(cli(capsys, "log", "audit", "--json", "--limit", "1")[1])["records"][0][
        "details"]["action"] == "log.audit"
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


# --- the hash chain -------------------------------------------------------------------
def _attack(path: Path, *statements, params=()) -> None:
    """What someone with the file would do: drop the audit triggers, change rows."""
    dutylog_attack(path, *statements, params=params,
                   triggers=("audit_no_update", "audit_no_delete"))


def _chain(path: Path) -> list[str]:
    """The problems about records (not the note that the triggers were dropped)."""
    return [p.message for p in audit.verify(path) if p.entry_id is not None]


def test_records_are_chained(path):
    _record_some(path)
    with DutyLog(path) as dl:
        rows = dl.conn.execute("SELECT id, prev_hash, hash FROM audit ORDER BY id").fetchall()
    assert rows[0][1] == "0" * 64
    assert all(b[1] == a[2] for a, b in zip(rows, rows[1:], strict=False))
    assert len({r[2] for r in rows}) == 6
    res = audit.check(path)
    assert res.ok and res.records == 6 and res.head_id == 6 and res.head_hash == rows[-1][2]
    assert res.notes == []  # a trail chained from its first record


def test_verify_names_an_edited_record(path):
    _record_some(path)
    _attack(path, "UPDATE audit SET details = '{\"text\": \"nothing\"}' WHERE id = 2")
    problems = audit.verify(path)
    assert _chain(path) == ["hash mismatch: audit record 2 was edited"]
    assert [p.entry_id for p in problems] == [None, 2]  # and the dropped triggers


def test_verify_names_a_record_rewritten_with_its_hash(path):
    _record_some(path)
    with DutyLog(path) as dl:
        r = dl.conn.execute("SELECT time, who, action, details, prev_hash FROM audit "
                            "WHERE id = 3").fetchone()
    forged = dict(zip(("time", "who", "action", "details", "prev_hash"), r, strict=True))
    forged["who"] = "someone else"
    _attack(path, "UPDATE audit SET who = ?, hash = ? WHERE id = 3",
            params=[("someone else", audit.record_hash(forged))])
    msgs = _chain(path)
    assert len(msgs) == 1 and msgs[0].startswith("hash mismatch: audit record 3 was edited")


def test_verify_names_removed_records(path):
    _record_some(path)
    _attack(path, "DELETE FROM audit WHERE id IN (1, 4)", "DELETE FROM audit WHERE id = 6")
    msgs = _chain(path)
    assert "audit record 1 missing (chain breaks before 2)" in msgs
    assert "audit record 4 missing (chain breaks between 3 and 5)" in msgs
    assert ("audit record 6 missing (the audit trail ends at 5, but 6 audit records were "
            "written)") in msgs
    assert len(msgs) == 3


def test_verify_names_reordered_records(path):
    _record_some(path)
    _attack(path, "UPDATE audit SET id = -3 WHERE id = 3", "UPDATE audit SET id = 3 WHERE id = 4",
            "UPDATE audit SET id = 4 WHERE id = -3")
    msgs = _chain(path)
    assert len(msgs) == 1
    assert msgs[0] == ("audit records out of order: audit records 3–4 were moved; by their "
                       "links they were written 2, 4, 3, 5")


def test_verify_names_an_inserted_record(path):
    _record_some(path)
    _attack(path, "INSERT INTO audit (time, who, action, details, prev_hash, hash) "
                  "SELECT time, 'mallory', action, details, prev_hash, hash FROM audit "
                  "WHERE id = 2")
    msgs = _chain(path)
    assert "audit record 7 is a copy of audit record 2" in msgs
    assert "hash mismatch: audit record 7 was edited" in msgs


_OLD_AUDIT = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE audit (id INTEGER PRIMARY KEY AUTOINCREMENT, time TEXT NOT NULL,
                    who TEXT NOT NULL, action TEXT NOT NULL, details TEXT NOT NULL);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN
    SELECT RAISE(ABORT, 'audit records are append-only: they cannot be changed'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN
    SELECT RAISE(ABORT, 'audit records are append-only: they cannot be deleted'); END;
"""


def _old_file(path: Path, n: int) -> None:
    """An audit trail as written before the chain: no hash columns."""
    con = sqlite3.connect(path)
    con.executescript(_OLD_AUDIT)
    for i in range(1, n + 1):
        con.execute("INSERT INTO audit (time, who, action, details) VALUES (?,?,?,?)",
                    (f"2017-03-1{i}T08:00:00.000000Z", "lan", "search",
                     json.dumps({"text": f"search {i}"})))
    con.commit()
    con.close()


def test_an_old_trail_is_chained_on_first_open(path):
    _old_file(path, 4)
    with DutyLog(path) as dl:  # opening migrates
        rows = dl.conn.execute("SELECT id, who, prev_hash, hash FROM audit ORDER BY id").fetchall()
        assert not dl.triggers_were_removed  # the migration puts its trigger back
    assert [r[0] for r in rows] == [1, 2, 3, 4] and all(r[3] for r in rows)
    assert rows[0][2] == "0" * 64 and rows[1][2] == rows[0][3]
    with DutyLog(path) as dl:  # recorded as such
        assert audit.migrated(dl) | {"time": "t"} == {"time": "t", "records": 4, "last_id": 4}
    audit.record("search", "minh", {"text": "after"}, log=path)
    res = audit.check(path)
    assert res.ok and res.records == 5
    assert res.notes and "records up to 4 were chained then" in res.notes[0]
    # still append-only, and a later edit of a migrated record is caught
    con = sqlite3.connect(path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        con.execute("UPDATE audit SET who = 'x' WHERE id = 1")
    con.close()
    _attack(path, "UPDATE audit SET who = 'nobody' WHERE id = 2")
    assert _chain(path) == ["hash mismatch: audit record 2 was edited"]
    # opening again does not chain anew
    with DutyLog(path) as dl:
        assert audit.migrate(dl.conn) == 0


_APPENDER = """
import sys, time
from graph.records import audit
from graph.records.dutylog import DutyLog

path, who, n, start = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
while time.time() < start:  # both processes start at once
    time.sleep(0.001)
with DutyLog(path) as dl:
    for i in range(n):
        audit.record("search", who, {"text": f"{who} {i}"}, log=dl)
        time.sleep(0.0005)  # a writer's pause between records lets the other in
"""


def test_processes_appending_at_once_keep_one_chain(path):
    import os
    import subprocess
    import sys
    import time

    DutyLog(path).close()
    n = 200
    start = time.time() + 1.5
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    writers = ("app", "cli", "cli-2")
    procs = [subprocess.Popen([sys.executable, "-c", _APPENDER, str(path), who, str(n),
                               str(start)], env=env, stderr=subprocess.PIPE, text=True)
             for who in writers]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    every = audit.list(log=path)
    assert len(every) == len(writers) * n
    switches = sum(a.who != b.who for a, b in zip(every, every[1:], strict=False))
    assert switches >= 2, "the two writers did not overlap: the test proves nothing"
    res = audit.check(path)
    assert res.ok, [p.message for p in res.problems]


def test_cli_verify_checks_the_audit_chain(capsys, path):
    _record_some(path)
    code, out, _ = cli(capsys, "log", "verify")
    lines = out.strip().splitlines()
    assert code == 0 and lines[0].startswith("ok: 0 entries")
    # 6, and the first run's single-user record
    assert lines[1].startswith("ok: 7 audit records, chain head #7 ")
    _attack(path, "UPDATE audit SET who = 'nobody' WHERE id = 2",
            "DELETE FROM audit WHERE id = 4")
    code, out, err = cli(capsys, "log", "verify")
    assert code == 1
    lines = out.strip().splitlines()
    assert "hash mismatch: audit record 2 was edited" in lines
    assert "audit record 4 missing (chain breaks between 3 and 5)" in lines
    assert err.startswith("error: the audit trail failed verification: 3 problem(s)")
    code, out, _ = cli(capsys, "log", "verify", "--json")
    data = json.loads(out)
    assert code == 1 and data["ok"] is False and data["problems"] == []  # the duty log is fine
    assert {p["record"] for p in data["audit"]["problems"]} == {2, 4}
    # each verification is itself in the trail, with what it found
    last = audit.list(action="verify", log=path)[-1]
    assert last.details["ok"] is False and len(last.details["problems"]) == 2


# --- the anchor: records deleted from the end -------------------------------------------
def _truncate(path: Path, table: str, n: int) -> None:
    """The attack a hash chain alone cannot show: drop the append-only triggers,
    delete the last `n` records, set SQLite's id counter back, put the triggers back."""
    from graph.records.logfile import trigger_sql

    con = sqlite3.connect(path)
    for name, _ in trigger_sql(table):
        con.execute(f"DROP TRIGGER {name}")
    last = con.execute(f"SELECT max(id) FROM {table}").fetchone()[0]
    con.execute(f"DELETE FROM {table} WHERE id > ?", (last - n,))
    con.execute("UPDATE sqlite_sequence SET seq = ? WHERE name = ?", (last - n, table))
    for _, sql in trigger_sql(table):
        con.execute(sql)
    con.commit()
    con.close()


def _fill_both(path: Path) -> None:
    _record_some(path)
    with DutyLog(path) as dl:
        for i in range(5):
            dl.add("finding", f"entry {i}", analyst="lan", shift="2017-06-21 day")


@pytest.mark.parametrize("table", ["entries", "audit"])
def test_truncation_is_caught_by_the_anchor(capsys, path, table):
    from graph.records import anchor

    assert cli(capsys, "users", "whoami")[0] == 0  # the first run, recorded
    _fill_both(path)
    assert cli(capsys, "log", "verify")[0] == 0
    before = anchor.path_for(path).read_bytes()
    _truncate(path, table, 3)
    # without the anchor, the chain alone says nothing: a prefix of a chain is a chain
    with DutyLog(path) as dl:
        rows = dl.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        assert dutylog_chain_ok(dl, table)
    what = "duty log" if table == "entries" else "audit trail"
    code, out, err = cli(capsys, "log", "verify")
    assert code == 1, out
    assert f"the {what} was truncated: it holds {rows} " in out
    assert err.startswith("error: the ")
    # appending onto the truncated chain neither hides it nor moves the anchor
    with DutyLog(path) as dl:
        for i in range(4):
            dl.add("finding", f"after {i}", analyst="lan", shift="2017-06-21 day")
            audit.record("search", "lan", {"text": f"after {i}"}, log=dl)
    code, out, _ = cli(capsys, "log", "verify", "--json")
    data = json.loads(out)
    problems = [p["problem"] for p in data["problems"] + data["audit"]["problems"]]
    assert code == 1 and any(f"the {what} was rewritten (or truncated and written again)" in p
                             for p in problems), problems
    chains = json.loads(anchor.path_for(path).read_text(encoding="utf-8"))["chains"]
    assert chains[table] == json.loads(before)["chains"][table]  # frozen where it was
    # an admin who looked into it anchors the chains as they stand; the trail keeps the old
    code, out, _ = cli(capsys, "log", "reanchor")
    assert code == 2
    code, out, _ = cli(capsys, "log", "reanchor", "--yes", "--json")
    assert code == 0 and json.loads(out)["old"][table] == json.loads(before)["chains"][table]
    assert cli(capsys, "log", "verify")[0] == 0
    (rec,) = audit.list(action="anchor", log=path)
    assert rec.details["problems"]


def dutylog_chain_ok(dl: DutyLog, table: str) -> bool:
    from graph.records import dutylog

    if table == "entries":
        rows = [dutylog._entry(r) for r in dl.conn.execute(
            f"SELECT {dutylog._COLS} FROM entries ORDER BY id")]
        return not dutylog.chain_problems(rows, lambda e: dutylog.entry_hash(
            dutylog._hash_fields(e)), last_given=dutylog.last_given(dl.conn, "entries"))
    rows = [audit._Row(*r) for r in dl.conn.execute(
        f"SELECT {audit._ROW_COLS} FROM audit ORDER BY id")]
    return not dutylog.chain_problems(rows, lambda r: audit.record_hash(r.fields()),
                                      last_given=dutylog.last_given(dl.conn, "audit"))


def test_a_missing_anchor_file_is_reported(capsys, path):
    from graph.records import anchor

    _fill_both(path)
    anchor.path_for(path).unlink()
    code, out, _ = cli(capsys, "log", "verify")
    assert code == 1 and "cannot be proven" in out
    # appends never make the heads again: the loss stays reported
    audit.record("search", "lan", {"text": "x"}, log=path)
    assert cli(capsys, "log", "verify")[0] == 1


def test_verify_expects_heads_written_down(capsys, path, tmp_path):
    _fill_both(path)
    report = tmp_path / "handover.md"
    assert cli(capsys, "log", "handover", "-o", report, "--shift", "2017-06-21 day")[0] == 0
    text = report.read_text(encoding="utf-8")
    hint = text.split("`customs-graph log verify ", 1)[1].split("`", 1)[0]
    expects = hint.split()
    assert expects[0] == "--expect" and expects[2] == "--expect"
    assert expects[3].startswith("audit:")
    assert cli(capsys, "log", "verify", *expects)[0] == 0
    # someone with the folder rewrites both the file and its anchor: the heads kept say so
    from graph.records import anchor

    _truncate(path, "audit", 3)  # the verify, the handover's export, the head the report names
    with DutyLog(path) as dl:
        anchor.accept(dl.conn, dl.path)
    assert cli(capsys, "log", "verify")[0] == 0
    code, out, _ = cli(capsys, "log", "verify", *expects)
    assert code == 1 and "expected head: audit record" in out
    # the old option still works for the duty log's head
    assert cli(capsys, "log", "verify", "--anchor", expects[1])[0] == 0
    assert cli(capsys, "log", "verify", "--expect", "audit:nonsense")[0] == 2
