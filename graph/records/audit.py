"""The automatic audit trail: who searched, ran which query, exported, decided a
merge or loaded data, and when.

It lives in the duty log's SQLite file (graph.records.dutylog), in its own table that
triggers keep append-only. Callers record; nothing here decides what to record:

    audit.record("query", who, {"name": "transit_chain", "params": {...}, "rows": 12})

Tamper-evident like the duty log: each record's hash is the SHA-256 of a
canonical JSON of its fields and the previous record's hash, computed and
inserted in one IMMEDIATE transaction so that concurrent writers (the app, the
CLI) keep one chain. `check(log)` names every edited, removed, moved or
inserted record; records deleted from the end are caught by the anchor file
beside the log (graph.records.anchor), which every append moves forward. A file written
before the chain existed is chained on its first open, in id order (`migrate`),
and the meta table says when and how far: edits made before then cannot be told.
"""

from __future__ import annotations

import csv
import hashlib
import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from graph.core.text import csv_cell
from graph.records.clock import now_utc
from graph.records.logfile import (
    GENESIS,
    LogError,
    LogFile,
    Problem,
    chain_problems,
    expect_problems,
    last_given,
    move_anchor,
    trigger_sql,
)

# What the trail records, and the details each action is expected to carry.
ACTIONS = {
    "search": "text, labels, results",
    "query": "name (a saved query, or 'cypher' for ad-hoc), cypher (ad-hoc), params, rows",
    "export": "format, file, sha256, nodes, edges (or what was exported)",
    "merge": "refs, decision (accepted/rejected), score",
    "load": "folder, rows, rejected, rejects_file",
    "user": "change (add/remove/role/password/disable/enable), name, role",
    "sign_in": "ok (true/false), method (password/oidc), reason when refused",
    "verify": "ok, problems",
    "watchlist": "change (saved/replaced), file, sha256, entries, problems, replaced",
    "single_user": "on (true/false), reason (first run/command/first user added)",
    "anchor": "old (the anchor replaced), new (the chain heads anchored now), problems",
    "read": "what was read (neighbours, paths, entity, routes, timeline, analysis, risk, "
            "proposals, duty log, audit trail, users), refs, counts",
    "screen": "watchlist (file or stored), entries, hits",
    "bench": "persons, stores",
    "log_entry": "id, kind, refs",
    "investigation": "what (list/open/versions/create/save/...), id, name, version, change",
    "serve": "host, port",
    "command": "a command that failed before reaching an action: command, error",
}
# Every record the actions layer (graph/actions) writes also carries: action (its
# name), outcome (allowed/refused/failed), error (one line, when not allowed), where.
CSV_COLUMNS = ("id", "time", "who", "action", "details")
CHAIN_FORMAT = 1
MIGRATED_KEY = "audit_chain_migrated"  # meta: when records written before the chain got one


@dataclass(frozen=True)
class AuditRecord:
    id: int
    time: str
    who: str
    action: str
    details: dict

    def to_json(self) -> dict:
        return {"id": self.id, "time": self.time, "who": self.who, "action": self.action,
                "details": self.details}


def _open(log: LogFile | str | Path | None) -> tuple[LogFile, bool]:
    """The log file (an open duty log is one too), and whether to close it after."""
    if isinstance(log, LogFile):
        return log, False
    return LogFile(log, migrate), True


# --- the chain ------------------------------------------------------------------------
def canonical(fields: dict) -> bytes:
    """The bytes a record's hash covers: time, who, action, the details exactly as
    stored (text) and the previous hash; not the id, which is only a position."""
    data = {k: fields[k] for k in ("time", "who", "action", "details", "prev_hash")}
    data["format"] = CHAIN_FORMAT
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      allow_nan=False).encode("utf-8")


def record_hash(fields: dict) -> str:
    return hashlib.sha256(canonical(fields)).hexdigest()


@dataclass(frozen=True)
class _Row:
    id: int
    time: str
    who: str
    action: str
    details: str
    prev_hash: str
    hash: str

    def fields(self) -> dict:
        return {"time": self.time, "who": self.who, "action": self.action,
                "details": self.details, "prev_hash": self.prev_hash}


_ROW_COLS = "id, time, who, action, details, prev_hash, hash"


def migrate(conn: sqlite3.Connection) -> int:
    """Give an audit table written before the chain existed its hash columns and
    chain its records in id order; recorded in meta (MIGRATED_KEY). Idempotent:
    checked again under the write lock, so two processes opening the old file at
    once migrate it once. Returns the number of records chained."""
    if _has_chain(conn):
        return 0
    conn.execute("BEGIN IMMEDIATE")
    try:
        if _has_chain(conn):
            conn.execute("ROLLBACK")
            return 0
        conn.execute("ALTER TABLE audit ADD COLUMN prev_hash TEXT NOT NULL DEFAULT ''")
        conn.execute("ALTER TABLE audit ADD COLUMN hash TEXT NOT NULL DEFAULT ''")
        # The one sanctioned UPDATE: the trigger goes only inside this transaction,
        # so no other connection ever sees the table without it.
        conn.execute("DROP TRIGGER IF EXISTS audit_no_update")
        prev, n, last_id = GENESIS, 0, None
        rows = conn.execute("SELECT id, time, who, action, details FROM audit ORDER BY id")
        for rid, t, who, action, details in rows.fetchall():
            h = record_hash({"time": t, "who": who, "action": action, "details": details,
                             "prev_hash": prev})
            conn.execute("UPDATE audit SET prev_hash = ?, hash = ? WHERE id = ?", (prev, h, rid))
            prev, n, last_id = h, n + 1, rid
        for name, sql in trigger_sql("audit"):
            if name == "audit_no_update":
                conn.execute(sql)
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                     (MIGRATED_KEY, json.dumps({"time": now_utc(), "records": n,
                                                "last_id": last_id})))
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return n


def _has_chain(conn: sqlite3.Connection) -> bool:
    return "hash" in {r[1] for r in conn.execute("PRAGMA table_info(audit)")}


def migrated(log: LogFile) -> dict | None:
    """{"time", "records", "last_id"} when the chain was added to an older file."""
    row = log.conn.execute("SELECT value FROM meta WHERE key = ?", (MIGRATED_KEY,)).fetchone()
    if row is None:
        return None
    try:
        value = json.loads(row[0])
    except ValueError:
        return {"time": "?", "records": None, "last_id": None}
    return value if isinstance(value, dict) else None


@dataclass
class AuditVerification:
    records: int
    head_id: int | None
    head_hash: str
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_json(self) -> dict:
        return {"ok": self.ok, "records": self.records,
                "head": {"id": self.head_id, "hash": self.head_hash},
                "problems": [{"record": p.entry_id, "problem": p.message}
                             for p in self.problems],
                "notes": list(self.notes)}


def check(log: LogFile | str | Path | None = None,
          expect: tuple[int, str] | None = None) -> AuditVerification:
    """Walk the audit chain: every edited, removed, moved or inserted record, each
    naming the record concerned (Problem.entry_id is the record id). `expect`: a
    head (ID, HASH) written down earlier, which the trail must still hold."""
    dl, owned = _open(log)
    try:
        rows = [_Row(*r) for r in dl.conn.execute(f"SELECT {_ROW_COLS} FROM audit ORDER BY id")]
        problems: list[Problem] = []
        if "audit" in dl.removed_triggers:
            problems.append(Problem(None, "the audit trail's append-only triggers had been "
                                          "removed from the file (now restored): check the "
                                          "records below"))
        problems += chain_problems(rows, lambda r: record_hash(r.fields()),
                                   last_given=last_given(dl.conn, "audit"),
                                   one="audit record", many="audit records",
                                   whole="the audit trail")
        from graph.records import anchor

        problems += [Problem(None, m) for m in anchor.problems(dl.conn, dl.path, "audit")]
        if expect is not None:
            problems += expect_problems(rows, expect, one="audit record",
                                        whole="the audit trail")
        notes = []
        m = migrated(dl)
        if m is not None:
            upto = f"records up to {m['last_id']}" if m.get("last_id") else "no records"
            notes.append(f"the audit chain was added on {m.get('time')}: {upto} were chained "
                         "then, as they stood; changes made to them before that cannot be "
                         "detected")
    except sqlite3.DatabaseError as e:
        raise LogError(f"cannot read the audit trail: {e}") from None
    finally:
        if owned:
            dl.close()
    problems.sort(key=lambda p: (p.entry_id is not None, p.entry_id or 0))
    head_id, head_hash = (rows[-1].id, rows[-1].hash) if rows else (None, GENESIS)
    return AuditVerification(len(rows), head_id, head_hash, problems, notes)


def verify(log: LogFile | str | Path | None = None) -> list[Problem]:
    return check(log).problems


# --- records --------------------------------------------------------------------------
def check_action(action: str) -> str:
    a = (action or "").strip().lower()
    if a not in ACTIONS:
        raise LogError(f"unknown audit action {action!r}; one of {', '.join(ACTIONS)}")
    return a


def record(action: str, who: str | None = None, details: dict | None = None, *,
           log: LogFile | str | Path | None = None) -> AuditRecord:
    """Append one audit record. `who` defaults to the local user; `details` must
    be JSON-able (other values are written as text). `log`: an open DutyLog or
    the file path (default: the duty log's)."""
    action = check_action(action)
    if who is None:
        from graph.records.paths import os_user_name

        who = os_user_name()
    who = str(who).strip() or "unknown"
    try:
        text = json.dumps(details or {}, ensure_ascii=False, sort_keys=True, default=str)
    except ValueError as e:
        raise LogError(f"audit details: {e}") from None
    if not text.startswith("{"):
        raise LogError("audit details must be a mapping")
    dl, owned = _open(log)
    cur = dl.conn.cursor()
    try:
        # The link and the insert in one write transaction: a second writer waits,
        # then links to this record, so the chain never forks.
        cur.execute("BEGIN IMMEDIATE")
        last = cur.execute("SELECT time, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
        t = now_utc()
        if last and last[0] > t:  # never earlier than the record before (clock steps back)
            t = last[0]
        fields = {"time": t, "who": who, "action": action, "details": text,
                  "prev_hash": last[1] if last else GENESIS}
        cur.execute("INSERT INTO audit (time, who, action, details, prev_hash, hash) "
                    "VALUES (?,?,?,?,?,?)", (t, who, action, text, fields["prev_hash"],
                                             record_hash(fields)))
        new_id = cur.lastrowid
        cur.execute("COMMIT")
        move_anchor(dl, "audit")
        return AuditRecord(new_id, t, who, action, json.loads(text))
    except sqlite3.DatabaseError as e:
        raise LogError(f"cannot write the audit trail: {e}") from None
    finally:
        if dl.conn.in_transaction:
            dl.conn.execute("ROLLBACK")
        if owned:
            dl.close()


def list(action: str | None = None, who: str | None = None, since: str | None = None,
         until: str | None = None, limit: int | None = None, *,
         log: LogFile | str | Path | None = None) -> tuple[AuditRecord, ...]:
    """Audit records, oldest first. `since`/`until`: ISO dates or times (UTC),
    inclusive; `limit`: the newest N."""
    where, params = [], []
    if action:
        where.append("action = ?")
        params.append(check_action(action))
    if who:
        where.append("who = ?")
        params.append(who)
    if since:
        where.append("time >= ?")
        params.append(since)
    if until:
        where.append("time <= ?")
        # a bare date includes that whole day
        params.append(until + "T99" if len(until) == 10 else until)
    sql = "SELECT id, time, who, action, details FROM audit"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY id DESC"
    if limit:
        sql += f" LIMIT {int(limit)}"
    dl, owned = _open(log)
    try:
        rows = dl.conn.execute(sql, params).fetchall()
    finally:
        if owned:
            dl.close()
    return tuple(AuditRecord(r[0], r[1], r[2], r[3], _details(r[4])) for r in reversed(rows))


entries = list  # an alias that does not shadow the builtin where it is imported


def _details(text: str) -> dict:
    try:
        value = json.loads(text)
    except (TypeError, ValueError):
        return {"raw": text}
    return value if isinstance(value, dict) else {"raw": value}


def _cell(value) -> str:
    """A CSV cell a spreadsheet shows as text, never runs as a formula."""
    return csv_cell("" if value is None else str(value))


def write_csv(records, path: str | Path) -> Path:
    p = Path(path)
    try:
        with p.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(CSV_COLUMNS)
            for r in records:
                w.writerow([r.id, r.time, _cell(r.who), r.action,
                            _cell(json.dumps(r.details, ensure_ascii=False, sort_keys=True))])
    except OSError as e:
        raise LogError(f"cannot write {p}: {e.strerror or e}") from None
    return p


def to_csv(path: str | Path, *, log: LogFile | str | Path | None = None, **filters) -> Path:
    """Write the audit trail (optionally filtered, as `list`) to a CSV file."""
    return write_csv(list(log=log, **filters), path)
