"""The SQLite file the duty log and the audit trail share: opening it (WAL, tables,
append-only triggers, the anchor beside it) and the hash-chain checks both use.
Neither graph.records.dutylog nor graph.records.audit is imported here: both build on it.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from graph.core.errors import CustomsGraphError
from graph.records import anchor, paths

LOG_FORMAT = 1  # the file's format (meta 'format')
KINDS = ("finding", "instruction", "result", "handover", "correction")
GENESIS = "0" * 64  # the prev_hash of the first entry

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    time TEXT NOT NULL,
    analyst TEXT NOT NULL,
    shift TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ({", ".join(repr(k) for k in KINDS)})),
    text TEXT NOT NULL,
    refs TEXT NOT NULL,
    queries TEXT NOT NULL,
    exports TEXT NOT NULL,
    corrects INTEGER,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS entries_shift ON entries (shift);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    time TEXT NOT NULL,
    who TEXT NOT NULL,
    action TEXT NOT NULL,
    details TEXT NOT NULL,
    prev_hash TEXT NOT NULL DEFAULT '',
    hash TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS audit_action ON audit (action, time);
"""

# Append-only tables and the triggers that keep them so.
APPEND_ONLY = ("entries", "audit")


def trigger_sql(table: str) -> list[tuple[str, str]]:
    what = "duty log entries" if table == "entries" else "audit records"
    return [
        (f"{table}_no_update",
         f"CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table} BEGIN "
         f"SELECT RAISE(ABORT, '{what} are append-only: they cannot be changed"
         f"{'; add a correction' if table == 'entries' else ''}'); END"),
        (f"{table}_no_delete",
         f"CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table} BEGIN "
         f"SELECT RAISE(ABORT, '{what} are append-only: they cannot be deleted'); END"),
    ]


class LogError(CustomsGraphError):
    """The duty log or audit trail cannot be opened, or an entry is invalid."""


@dataclass(frozen=True)
class Problem:
    entry_id: int | None  # the entry the problem is about (None: the file as a whole)
    message: str

    def __str__(self) -> str:
        return self.message

    def to_json(self) -> dict:
        return {"entry": self.entry_id, "problem": self.message}


def connect(path: str | Path | None, prepare
            ) -> tuple[sqlite3.Connection, Path, frozenset[str]]:
    """Open (creating if needed) the log file: WAL, tables, append-only triggers,
    then `prepare(conn)` (the audit trail's chain: graph.records.audit.migrate), then
    the anchor. Returns (connection, path, the
    tables whose triggers had been removed from an existing file)."""
    p = Path(path).expanduser() if path else paths.data_dir() / paths.LOG_FILE
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(p, isolation_level=None, timeout=10)
    except (OSError, sqlite3.Error) as e:
        raise LogError(f"cannot open the duty log {p}: {e}") from None
    try:
        conn.execute("PRAGMA busy_timeout = 10000")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA foreign_keys = ON")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        triggers = {r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='trigger'")}
        conn.executescript(_SCHEMA)
        removed = set()
        for table in APPEND_ONLY:
            for name, sql in trigger_sql(table):
                if table in tables and name not in triggers:
                    removed.add(table)
                conn.execute(sql)
        conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('format', ?)",
                     (str(LOG_FORMAT),))
        prepare(conn)
        anchor.update(conn, p)  # a log that never had an anchor gets one; else forward only
    except sqlite3.DatabaseError as e:
        conn.close()
        raise LogError(f"{p} is not a duty log: {e}") from None
    except OSError as e:
        conn.close()
        raise LogError(f"cannot write the anchor of {p}: {e.strerror or e}") from None
    return conn, p, frozenset(removed)


class LogFile:
    """The open file. Use as a context manager, or close(). `prepare(conn)` runs once
    the tables exist (the audit trail's chain)."""

    def __init__(self, path: str | Path | None, prepare):
        self.conn, self.path, self.removed_triggers = connect(path, prepare)

    @property
    def triggers_were_removed(self) -> bool:
        """Whether the append-only triggers of either table had been removed."""
        return bool(self.removed_triggers)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> LogFile:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def move_anchor(log: LogFile, table: str) -> None:
    try:
        anchor.update(log.conn, log.path, table)
    except OSError as e:  # the record is in; its anchor is not: verify will say so
        raise LogError(f"cannot write the anchor of the {table} chain: "
                       f"{e.strerror or e}") from None


def _span(a: int, b: int, one: str = "entry", many: str = "entries") -> str:
    return f"{one} {a}" if a == b else f"{many} {a}–{b}"


def chain_problems(rows, rehash, *, last_given: int, one: str = "entry",
                   many: str = "entries", whole: str = "the log") -> list[Problem]:
    """The problems of a hash chain: `rows` (with id, hash, prev_hash) in id order,
    `rehash(row)` its hash recomputed, `last_given` the highest id SQLite gave out.
    `one`/`many`/`whole` name a row, rows and the chain in the messages. Shared by
    the duty log and the audit trail."""
    def span(a: int, b: int) -> str:
        return _span(a, b, one, many)

    problems: list[Problem] = []
    by_hash: dict = {}
    for e in rows:
        if e.hash in by_hash:
            problems.append(Problem(e.id, f"{one} {e.id} is a copy of {one} "
                                          f"{by_hash[e.hash].id}"))
        else:
            by_hash[e.hash] = e
    # 1. content: each row still matches its own hash
    for e in rows:
        if rehash(e) != e.hash:
            problems.append(Problem(e.id, f"hash mismatch: {one} {e.id} was edited"))
    # 2. the written order, from the links: walk from every row that follows none
    #    present (the first row, or the one after a gap), lowest id first.
    follower: dict = {}
    for e in rows:
        follower.setdefault(e.prev_hash, e)
    starts = [e for e in rows if e.prev_hash == GENESIS or e.prev_hash not in by_hash]
    chain: list = []
    seen: set[int] = set()
    for s in starts:
        e = s
        while e is not None and e.id not in seen:
            seen.add(e.id)
            chain.append(e)
            e = follower.get(e.hash)
    for e in rows:
        if e.id not in seen:
            before = by_hash.get(e.prev_hash)
            other = follower.get(e.prev_hash)
            problems.append(Problem(e.id, f"{one} {e.id} does not fit in the chain: it claims "
                                          f"to follow {one} {before.id if before else '?'}, "
                                          f"as {one} {other.id if other else '?'} does "
                                          f"(inserted or copied)"))
    ids = [e.id for e in chain]
    order = sorted(ids)
    moved = [i for i, (a, b) in enumerate(zip(ids, order, strict=True)) if a != b]
    if moved:
        lo, hi = moved[0], moved[-1]
        written = ", ".join(str(i) for i in ids[max(lo - 1, 0):hi + 2])
        problems.append(Problem(order[lo], f"{many} out of order: {span(order[lo], order[hi])} "
                                           f"were moved; by their links they were written "
                                           f"{written}"))
    # 3. breaks in the chain, in id order, not explained by a move
    prev = None
    for e in rows:
        want = prev.hash if prev else GENESIS
        if e.prev_hash != want and e.prev_hash not in by_hash:
            first = prev.id + 1 if prev else 1
            if e.id > first:
                between = (f"between {prev.id} and {e.id}" if prev
                           else f"before {e.id}")
                problems.append(Problem(first, f"{span(first, e.id - 1)} missing (chain "
                                               f"breaks {between})"))
            elif prev is not None:
                problems.append(Problem(prev.id, f"hash mismatch: {one} {prev.id} was edited "
                                                 f"(its hash was recomputed; {one} {e.id} still "
                                                 f"links to the original)"))
            else:
                problems.append(Problem(e.id, f"{one} {e.id} does not link to the start of "
                                              f"{whole}"))
        prev = e
    # 4. rows removed from the end: SQLite remembers the highest id it gave out
    last = rows[-1].id if rows else 0
    if last_given > last:
        problems.append(Problem(last + 1, f"{span(last + 1, last_given)} missing ({whole} "
                                          f"ends at {last or 'the start'}, but {last_given} "
                                          f"{many} were written)"))
    elif last_given < last:
        problems.append(Problem(None, f"the {one} counter ({last_given}) is behind the last "
                                      f"{one} ({last}): the file was rebuilt"))
    return problems


def last_given(conn: sqlite3.Connection, table: str) -> int:
    """The highest id SQLite's AUTOINCREMENT gave out in `table`."""
    row = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)).fetchone()
    return row[0] if row else 0


def expect_problems(rows, expected: tuple[int, str], one: str = "entry",
                    whole: str = "the log") -> list[Problem]:
    """Whether the chain (`rows`, with id and hash) still holds a head written down
    earlier (ID, HASH or its first 12+ hex digits)."""
    a_id, a_hash = int(expected[0]), str(expected[1]).strip().lower()
    match = [e for e in rows if e.id == a_id]
    if not match:
        return [Problem(a_id, f"expected head: {one} {a_id} is not in {whole} (truncated)")]
    if len(a_hash) < 12 or not match[0].hash.startswith(a_hash):
        return [Problem(a_id, f"expected head: {one} {a_id} no longer has the hash recorded "
                              f"for it ({a_hash[:16]}…): the chain was rewritten")]
    return []
