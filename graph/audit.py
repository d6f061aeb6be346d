"""The automatic audit trail: who searched, ran which query, exported, decided a
merge or loaded data, and when.

It lives in the duty log's SQLite file (graph.dutylog), in its own table that
triggers keep append-only. Callers record; nothing here decides what to record:

    audit.record("query", who, {"name": "transit_chain", "params": {...}, "rows": 12})
"""

from __future__ import annotations

import csv
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from graph.dutylog import DutyLog, LogError, now_utc

# What the trail records, and the details each action is expected to carry.
ACTIONS = {
    "search": "text, labels, results",
    "query": "name (a saved query, or 'cypher' for ad-hoc), cypher (ad-hoc), params, rows",
    "export": "format, file, sha256, nodes, edges (or what was exported)",
    "merge": "refs, decision (accepted/rejected), score",
    "load": "folder, rows, rejected, rejects_file",
    "user": "change (add/remove/role), name, role",
    "sign_in": "ok (true/false)",
    "verify": "ok, problems",
}
CSV_COLUMNS = ("id", "time", "who", "action", "details")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


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


def _open(log: DutyLog | str | Path | None) -> tuple[DutyLog, bool]:
    if isinstance(log, DutyLog):
        return log, False
    return DutyLog(log), True


def check_action(action: str) -> str:
    a = (action or "").strip().lower()
    if a not in ACTIONS:
        raise LogError(f"unknown audit action {action!r}; one of {', '.join(ACTIONS)}")
    return a


def record(action: str, who: str | None = None, details: dict | None = None, *,
           log: DutyLog | str | Path | None = None) -> AuditRecord:
    """Append one audit record. `who` defaults to the local user; `details` must
    be JSON-able (other values are written as text). `log`: an open DutyLog or
    the file path (default: the duty log's)."""
    action = check_action(action)
    if who is None:
        from graph.users import local_user_name

        who = local_user_name()
    who = str(who).strip() or "unknown"
    try:
        text = json.dumps(details or {}, ensure_ascii=False, sort_keys=True, default=str)
    except ValueError as e:
        raise LogError(f"audit details: {e}") from None
    if not text.startswith("{"):
        raise LogError("audit details must be a mapping")
    dl, owned = _open(log)
    try:
        t = now_utc()
        cur = dl.conn.execute("INSERT INTO audit (time, who, action, details) VALUES (?,?,?,?)",
                              (t, who, action, text))
        return AuditRecord(cur.lastrowid, t, who, action, json.loads(text))
    except sqlite3.DatabaseError as e:
        raise LogError(f"cannot write the audit trail: {e}") from None
    finally:
        if owned:
            dl.close()


def list(action: str | None = None, who: str | None = None, since: str | None = None,
         until: str | None = None, limit: int | None = None, *,
         log: DutyLog | str | Path | None = None) -> tuple[AuditRecord, ...]:
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
    s = "" if value is None else str(value)
    return "'" + s if s.startswith(_FORMULA) else s


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


def to_csv(path: str | Path, *, log: DutyLog | str | Path | None = None, **filters) -> Path:
    """Write the audit trail (optionally filtered, as `list`) to a CSV file."""
    return write_csv(list(log=log, **filters), path)
