"""The anchor: the length and head of the duty log's and the audit trail's hash
chains, kept outside the SQLite file, so that records deleted from the end (the
one change a hash chain alone cannot show, once the triggers are dropped and the
id counter reset) are still caught.

`dutylog.sqlite3` has its anchor beside it, `dutylog.anchor.json` (in the state
folder for the installation's log). It is written after every append, under an
exclusive lock, and only ever forward: to a longer chain that still holds the
anchored head. A chain that no longer holds it (shorter, or another record at
the anchored id) leaves the anchor as it is, so the truncation stays reported by
`customs-graph log verify` however many records are appended after it, until an
admin accepts the chain as it stands (`accept`, which the audit trail records).

The anchor also remembers that a users file was created beside it: a users file
that goes missing afterwards refuses service (graph.records.users), never falls back to
single-user mode.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from graph.records.clock import now_utc
from graph.records.paths import LOG_FILE, USERS_FILE, exclusive, write_json

SUFFIX = ".anchor.json"
CHAINS = ("entries", "audit")
META_KEY = "anchor_created"  # in the log's meta table: the anchor exists since then
FORMAT = 1
_NAMES = {"entries": ("duty log", "entry", "entries"),
          "audit": ("audit trail", "audit record", "audit records")}


def path_for(db: Path) -> Path:
    """dutylog.sqlite3 -> dutylog.anchor.json, beside it."""
    db = Path(db)
    return db.with_name(db.stem + SUFFIX)


def _lock(anchor: Path) -> Path:
    return anchor.with_name(anchor.name + ".lock")


class Unreadable(ValueError):
    pass


def read(anchor: Path) -> dict | None:
    """The anchor file's content; None when there is none; Unreadable when it is
    not an anchor file."""
    try:
        data = json.loads(Path(anchor).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as e:
        raise Unreadable(f"the anchor file {Path(anchor).name} cannot be read: {e}") from None
    if not isinstance(data, dict) or not isinstance(data.get("chains", {}), dict):
        raise Unreadable(f"{Path(anchor).name} is not an anchor file")
    return data


def head(conn: sqlite3.Connection, table: str, after: dict | None = None) -> dict:
    """{"count", "last_id", "hash"} of a chain as the file holds it now. `after`: an
    anchored head the chain still holds, counted on from (a range of the primary
    key, not a scan of the whole table on every append)."""
    row = conn.execute(f"SELECT id, hash FROM {table} ORDER BY id DESC LIMIT 1").fetchone()
    last, h = (row[0], row[1]) if row else (None, None)
    if after is not None and after.get("last_id") is not None:
        more = conn.execute(f"SELECT count(*) FROM {table} WHERE id > ?",
                            (after["last_id"],)).fetchone()[0]
        count = int(after.get("count") or 0) + more
    else:
        count = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    return {"count": count, "last_id": last, "hash": h}


def mismatch(conn: sqlite3.Connection, table: str, want: dict) -> str | None:
    """Why the chain no longer holds its anchored head, or None."""
    what, one, many = _NAMES[table]
    try:
        n, last_id, h = int(want.get("count") or 0), want.get("last_id"), want.get("hash")
    except (TypeError, ValueError, AttributeError):
        return f"the anchor of the {what} is not readable"
    if last_id is None:
        return None
    # (a record deleted before the anchored one breaks the chain: chain_problems says so)
    row = conn.execute(f"SELECT hash FROM {table} WHERE id = ?", (last_id,)).fetchone()
    if row is None:
        count, last = conn.execute(f"SELECT count(*), max(id) FROM {table}").fetchone()
        return (f"the {what} was truncated: it holds {count} {many} (up to {one} "
                f"{last or 0}), but its anchor says {n} were written, up to {one} {last_id} "
                f"({str(h)[:16]}…)")
    if row[0] != h:
        return (f"the {what} was rewritten (or truncated and written again): {one} "
                f"{last_id} no longer has the hash its anchor names ({str(h)[:16]}…)")
    return None


def _anchored(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM meta WHERE key = ?", (META_KEY,)).fetchone() is not None


def problems(conn: sqlite3.Connection, db: Path, table: str) -> list[str]:
    """What the anchor file says is wrong with one chain of the log at `db`."""
    try:
        data = read(path_for(db))
    except Unreadable as e:
        return [str(e)]
    if data is None:
        if _anchored(conn):
            return [f"the anchor file {path_for(db).name} is missing: the length of the "
                    f"{_NAMES[table][0]} cannot be proven"]
        return []
    want = data.get("chains", {}).get(table)
    if want is None:
        if _anchored(conn):
            return [f"the anchor file {path_for(db).name} holds no head for the "
                    f"{_NAMES[table][0]} (it was replaced): its length cannot be proven"]
        return []
    m = mismatch(conn, table, want)
    return [m] if m else []


def update(conn: sqlite3.Connection, db: Path, table: str | None = None) -> None:
    """Move the anchor forward to the chains as they stand (call after a commit).
    A chain that no longer holds its anchored head keeps its anchor; a missing
    anchor file is made only for a log that never had one."""
    target = path_for(db)
    with exclusive(_lock(target)):
        try:
            data = read(target)
        except Unreadable:
            return  # kept as evidence; verify reports it
        anchored = _anchored(conn)
        if data is None:
            if anchored:
                return  # removed: verify reports it; never silently made again
            data = {"format": FORMAT, "chains": {}}
        chains = data.setdefault("chains", {})
        changed = False
        for t in (table,) if table else CHAINS:
            want = chains.get(t)
            if want is None and anchored:
                continue  # the anchor lost this chain: verify reports it
            if want is not None and mismatch(conn, t, want):
                continue  # kept where it was, as evidence
            now = head(conn, t, after=want)
            if want is not None and now["last_id"] == want.get("last_id"):
                continue
            chains[t] = now
            changed = True
        if changed or not target.exists():
            write_json(target, data)
        if not anchored and all(t in chains for t in CHAINS):
            conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)",
                         (META_KEY, _now()))


def accept(conn: sqlite3.Connection, db: Path) -> dict:
    """Anchor the chains as they stand now, whatever the anchor said: an admin's
    decision after a truncation was looked into. Returns the old anchor."""
    target = path_for(db)
    with exclusive(_lock(target)):
        try:
            old = read(target) or {}
        except Unreadable:
            old = {}
        data = {**old, "format": FORMAT, "chains": {t: head(conn, t) for t in CHAINS}}
        write_json(target, data)
        conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)",
                     (META_KEY, _now()))
    return old


def mark_users_file(users_file: Path) -> None:
    """Remember that this users file exists (in the anchor beside it)."""
    target = path_for(Path(users_file).with_name(LOG_FILE))
    with exclusive(_lock(target)):
        try:
            data = read(target)
        except Unreadable:
            return
        data = data if data is not None else {"format": FORMAT, "chains": {}}
        known = data.setdefault("users_files", {})
        if Path(users_file).name not in known:
            known[Path(users_file).name] = {"created": _now()}
            write_json(target, data)


def users_file_known(users_file: Path) -> str | None:
    """Why this users file is known to have existed, or None: the anchor beside it
    says so, or (for the installation's users.json) the audit trail there holds
    user changes or a single-user choice."""
    users_file = Path(users_file)
    db = users_file.with_name(LOG_FILE)
    try:
        data = read(path_for(db))
    except Unreadable as e:
        return str(e)
    known = (data or {}).get("users_files") or {}
    if isinstance(known, dict) and users_file.name in known:
        return ("the anchor file says it was created on "
                f"{(known[users_file.name] or {}).get('created')}")
    if users_file.name == USERS_FILE and db.exists():
        try:
            conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
            try:
                row = None
                if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                                "AND name = 'audit'").fetchone():
                    row = conn.execute("SELECT count(*) FROM audit WHERE action IN "
                                       "('user', 'single_user')").fetchone()
            finally:
                conn.close()
        except sqlite3.DatabaseError as e:
            return f"the audit trail cannot be read to tell ({e})"
        if row and row[0]:
            return f"the audit trail records {row[0]} user change(s)"
    return None


def _now() -> str:
    return now_utc()
