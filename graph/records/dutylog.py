"""The duty log: every finding, instruction and result, recorded fully and
truthfully, and handed over between shifts.

One SQLite file beside the graph (not in it): `dutylog.sqlite3` in the
installation's state folder (graph.records.paths), or a path given by the caller. The audit
trail (graph.records.audit) lives in the same file, in its own table, chained the same
way (`chain_problems` checks both).

Append-only: triggers abort any UPDATE or DELETE of an entry; a mistake is put
right by a new entry of kind "correction" whose `corrects` names the entry.

Tamper-evident: each entry's hash is the sha256 of a canonical JSON of its
fields and the previous entry's hash, so the entries form a chain. Someone who
drops the triggers and edits the file directly is caught by `verify`: an edited
entry no longer matches its hash (or the next entry's link), a removed one
leaves a gap in the chain, and entries moved around link to the wrong
neighbours. Rewriting the whole chain after an edit is only caught against a
hash kept elsewhere: every handover report prints the chain heads, and
`verify(log, anchor=(id, hash))` checks the log still holds it. Entries deleted
from the end are caught by the anchor file beside the log (graph.records.anchor), which
every append moves forward.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from graph.core import schema
from graph.records import anchor as anchor_file
from graph.records import audit, paths
from graph.records.clock import now_utc
from graph.records.logfile import (
    GENESIS,
    KINDS,
    LogError,
    LogFile,
    Problem,
    chain_problems,
    expect_problems,
    last_given,
    move_anchor,
)

FILE_NAME = paths.LOG_FILE
FORMAT = 1
DAY_STARTS, NIGHT_STARTS = 7, 19  # local hours the default shifts start

_HASHED = ("time", "analyst", "shift", "kind", "text", "refs", "queries", "exports",
           "corrects", "prev_hash")


@dataclass(frozen=True)
class Entry:
    id: int
    time: str
    analyst: str
    shift: str
    kind: str
    text: str
    refs: tuple[str, ...] = ()
    queries: tuple[dict, ...] = ()  # {"name": str, "params": dict}
    exports: tuple[dict, ...] = ()  # {"file": str, "sha256": str}
    corrects: int | None = None
    prev_hash: str = GENESIS
    hash: str = ""

    def to_json(self) -> dict:
        return {"id": self.id, "time": self.time, "analyst": self.analyst, "shift": self.shift,
                "kind": self.kind, "text": self.text, "refs": list(self.refs),
                "queries": [dict(q) for q in self.queries],
                "exports": [dict(x) for x in self.exports], "corrects": self.corrects,
                "prev_hash": self.prev_hash, "hash": self.hash}


@dataclass
class Verification:
    entries: int
    head_id: int | None
    head_hash: str
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


# --- paths, times, shifts -------------------------------------------------------------
def default_log_path() -> Path:
    return paths.data_dir() / FILE_NAME


def current_shift(now: datetime | None = None) -> str:
    """The default shift name for a local time: "YYYY-MM-DD day" from 07:00 to
    19:00, else "YYYY-MM-DD night" (a night after midnight keeps the date it began)."""
    now = now or datetime.now().astimezone()
    if DAY_STARTS <= now.hour < NIGHT_STARTS:
        return f"{now.date().isoformat()} day"
    start = now if now.hour >= NIGHT_STARTS else now - timedelta(days=1)
    return f"{start.date().isoformat()} night"


def file_digest(path: str | Path) -> dict:
    """{"file": name, "sha256": hex} of a file, for an entry's `exports`."""
    p = Path(path)
    h = hashlib.sha256()
    try:
        with p.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    except OSError as e:
        raise LogError(f"cannot read export file {p.name!r}: {e.strerror or e}") from None
    return {"file": p.name, "sha256": h.hexdigest()}


# --- hashing --------------------------------------------------------------------------
def canonical(fields: dict) -> bytes:
    """The bytes an entry's hash covers: its fields (not the id, which is only a
    position; order is carried by prev_hash) as sorted, compact UTF-8 JSON."""
    data = {k: fields[k] for k in _HASHED}
    data["format"] = FORMAT
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      allow_nan=False).encode("utf-8")


def entry_hash(fields: dict) -> str:
    return hashlib.sha256(canonical(fields)).hexdigest()


def _hash_fields(e: Entry) -> dict:
    return {"time": e.time, "analyst": e.analyst, "shift": e.shift, "kind": e.kind,
            "text": e.text, "refs": list(e.refs), "queries": [dict(q) for q in e.queries],
            "exports": [dict(x) for x in e.exports], "corrects": e.corrects,
            "prev_hash": e.prev_hash}


# --- validation -----------------------------------------------------------------------
def _clean_text(value, what: str, *, required: bool = True, limit: int = 100_000) -> str:
    text = "" if value is None else str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if required and not text.strip():
        raise LogError(f"{what} is empty")
    if len(text) > limit:
        raise LogError(f"{what} is longer than {limit:,} characters")
    if "\x00" in text:
        raise LogError(f"{what} holds a NUL character")
    return text.strip()


def check_refs(refs: Iterable[str] | None) -> list[str]:
    """Validate "Label:key" references (graph.core.schema.parse_ref); normalised, de-duplicated."""
    out: list[str] = []
    for ref in refs or ():
        lb, key = schema.parse_ref(ref)
        norm = schema.make_ref(lb.name, key)
        if norm not in out:
            out.append(norm)
    return out


def _json_value(value, what: str):
    try:
        return json.loads(json.dumps(value, ensure_ascii=False, allow_nan=False, default=str))
    except ValueError as e:
        raise LogError(f"{what}: {e}") from None


def check_queries(queries) -> list[dict]:
    out = []
    for q in queries or ():
        if isinstance(q, str):
            q = {"name": q, "params": {}}
        if not isinstance(q, dict) or not str(q.get("name") or "").strip():
            raise LogError(f"a query needs a name: {q!r}")
        params = q.get("params") or {}
        if not isinstance(params, dict):
            raise LogError(f"query {q['name']!r}: params must be a mapping")
        out.append({"name": str(q["name"]).strip(),
                    "params": _json_value({str(k): v for k, v in params.items()},
                                          f"query {q['name']!r} params")})
    return out


_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def check_exports(exports) -> list[dict]:
    out = []
    for x in exports or ():
        if isinstance(x, (str, Path)):
            x = file_digest(x)
        name = str((x or {}).get("file") or "").strip()
        digest = str((x or {}).get("sha256") or "").strip().lower()
        if not name:
            raise LogError(f"an export needs a file name: {x!r}")
        if not _SHA256.match(digest):
            raise LogError(f"export {name!r}: sha256 must be 64 hex digits")
        out.append({"file": name, "sha256": digest})
    return out


# --- the log --------------------------------------------------------------------------
class DutyLog(LogFile):
    """The duty log in one SQLite file. Use as a context manager, or close()."""

    def __init__(self, path: str | Path | None = None):
        super().__init__(path, audit.migrate)

    # --- writing ------------------------------------------------------------------------
    def add(self, kind: str, text: str, *, analyst: str | None = None,
            shift: str | None = None, refs: Iterable[str] | None = None, queries=None,
            exports=None, corrects: int | None = None) -> Entry:
        """Append an entry; the chain link and hash are computed here, under the
        write lock, so concurrent writers (app and CLI) keep one chain."""
        if corrects is not None and kind in (None, "", "finding"):
            kind = "correction"
        kind = (kind or "").strip().lower()
        if kind not in KINDS:
            raise LogError(f"unknown kind {kind!r}; one of {', '.join(KINDS)}")
        if kind == "correction" and corrects is None:
            raise LogError("a correction must name the entry it corrects")
        if corrects is not None and kind != "correction":
            raise LogError(f"only a correction may correct an entry, not a {kind}")
        if analyst is None:
            from graph.records.users import local_user_name

            analyst = local_user_name()
        fields = {
            "analyst": _clean_text(analyst, "analyst", limit=200),
            "shift": _clean_text(shift if shift is not None else current_shift(), "shift",
                                 limit=200),
            "kind": kind,
            "text": _clean_text(text, "text"),
            "refs": check_refs(refs),
            "queries": check_queries(queries),
            "exports": check_exports(exports),
            "corrects": int(corrects) if corrects is not None else None,
        }
        cur = self.conn.cursor()
        try:
            cur.execute("BEGIN IMMEDIATE")
            if fields["corrects"] is not None and not cur.execute(
                    "SELECT 1 FROM entries WHERE id = ?", (fields["corrects"],)).fetchone():
                raise LogError(f"entry {fields['corrects']} does not exist")
            last = cur.execute("SELECT time, hash FROM entries ORDER BY id DESC LIMIT 1").fetchone()
            t = now_utc()
            if last and last[0] > t:  # never earlier than the entry before (clock steps back)
                t = last[0]
            fields.update(time=t, prev_hash=last[1] if last else GENESIS)
            fields["hash"] = entry_hash(fields)
            cur.execute(
                "INSERT INTO entries (time, analyst, shift, kind, text, refs, queries, exports, "
                "corrects, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (fields["time"], fields["analyst"], fields["shift"], kind, fields["text"],
                 _dumps(fields["refs"]), _dumps(fields["queries"]), _dumps(fields["exports"]),
                 fields["corrects"], fields["prev_hash"], fields["hash"]))
            new_id = cur.lastrowid
            cur.execute("COMMIT")
        except BaseException:
            if self.conn.in_transaction:
                cur.execute("ROLLBACK")
            raise
        move_anchor(self, "entries")
        return self.get(new_id)

    def correct(self, entry_id: int, text: str, **kw) -> Entry:
        """A correction of entry `entry_id` (the entry itself is never changed)."""
        return self.add("correction", text, corrects=entry_id, **kw)

    # --- reading ------------------------------------------------------------------------
    def get(self, entry_id: int) -> Entry:
        row = self.conn.execute(f"SELECT {_COLS} FROM entries WHERE id = ?",
                                (int(entry_id),)).fetchone()
        if row is None:
            raise LogError(f"entry {entry_id} does not exist")
        return _entry(row)

    def entries(self, *, shift: str | None = None, kind: str | None = None,
                analyst: str | None = None, since_id: int | None = None) -> list[Entry]:
        where, params = [], []
        for col, value in (("shift", shift), ("kind", kind), ("analyst", analyst)):
            if value:
                where.append(f"{col} = ?")
                params.append(value)
        if since_id is not None:
            where.append("id > ?")
            params.append(int(since_id))
        sql = f"SELECT {_COLS} FROM entries"
        if where:
            sql += " WHERE " + " AND ".join(where)
        return [_entry(r) for r in self.conn.execute(sql + " ORDER BY id", params)]

    def shifts(self) -> list[tuple[str, int]]:
        """(shift, number of entries), most recent shift first."""
        rows = self.conn.execute(
            "SELECT shift, count(*), max(id) FROM entries GROUP BY shift ORDER BY 3 DESC")
        return [(r[0], r[1]) for r in rows]

    def corrections(self) -> dict[int, list[int]]:
        """entry id -> ids of the corrections made to it."""
        out: dict[int, list[int]] = {}
        for eid, cid in self.conn.execute(
                "SELECT corrects, id FROM entries WHERE corrects IS NOT NULL ORDER BY id"):
            out.setdefault(eid, []).append(cid)
        return out

    def head(self) -> tuple[int | None, str]:
        row = self.conn.execute("SELECT id, hash FROM entries ORDER BY id DESC LIMIT 1").fetchone()
        return (row[0], row[1]) if row else (None, GENESIS)

    def verify(self, anchor: tuple[int, str] | None = None) -> list[Problem]:
        return verify(self, anchor=anchor)


_COLS = ("id, time, analyst, shift, kind, text, refs, queries, exports, corrects, prev_hash, "
         "hash")


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _loads(text, default):
    try:
        value = json.loads(text)
    except (TypeError, ValueError):
        return default
    return value if isinstance(value, type(default)) else default


def _entry(row) -> Entry:
    refs = _loads(row[6], [])
    queries = _loads(row[7], [])
    exports = _loads(row[8], [])
    return Entry(id=row[0], time=row[1], analyst=row[2], shift=row[3], kind=row[4],
                 text=row[5], refs=tuple(refs),
                 queries=tuple(q for q in queries if isinstance(q, dict)),
                 exports=tuple(x for x in exports if isinstance(x, dict)),
                 corrects=row[9], prev_hash=row[10], hash=row[11])


def open_log(path: str | Path | None = None) -> DutyLog:
    return DutyLog(path)


# --- verification ---------------------------------------------------------------------
def check(log: DutyLog, anchor: tuple[int, str] | None = None) -> Verification:
    """Walk the whole chain; every problem found, each naming the entry concerned."""
    try:
        rows = [_entry(r) for r in log.conn.execute(f"SELECT {_COLS} FROM entries ORDER BY id")]
    except sqlite3.DatabaseError as e:
        raise LogError(f"cannot read the duty log: {e}") from None
    problems: list[Problem] = []
    if "entries" in log.removed_triggers:
        problems.append(Problem(None, "the append-only triggers had been removed from the "
                                      "file (now restored): check the entries below"))
    problems += chain_problems(rows, lambda e: entry_hash(_hash_fields(e)),
                               last_given=last_given(log.conn, "entries"))
    # 5. the anchor file beside the log: entries deleted from the end
    problems += [Problem(None, m) for m in anchor_file.problems(log.conn, log.path, "entries")]
    # 6. a head kept elsewhere (e.g. printed on an earlier handover report)
    if anchor is not None:
        problems += expect_problems(rows, anchor)
    problems.sort(key=lambda p: (p.entry_id is not None, p.entry_id or 0))
    head_id, head_hash = (rows[-1].id, rows[-1].hash) if rows else (None, GENESIS)
    return Verification(len(rows), head_id, head_hash, problems)


def verify(log: DutyLog, anchor: tuple[int, str] | None = None) -> list[Problem]:
    """Every edited, removed, moved or inserted entry, each said in one line."""
    return check(log, anchor=anchor).problems


def parse_anchor(text: str) -> tuple[int, str]:
    """"ID:HASH" (the hash may be shortened to 12+ hex digits)."""
    m = re.fullmatch(r"\s*#?(\d+)\s*[:=]\s*([0-9a-fA-F]{12,64})\s*", text or "")
    if not m:
        raise LogError(f"bad anchor {text!r}: expected ID:HASH, e.g. 12:3f5a…")
    return int(m.group(1)), m.group(2).lower()
