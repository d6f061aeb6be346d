"""Opening the embedded store: its tables made from the schema, the read-only
database readers share (reopened when the files on disk change), and the write
lock a writer holds only inside `writing()`, so `customs-graph load` works while
the app is open on the same store."""

from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path as FsPath

import ladybug

from graph.core import schema
from graph.core.errors import StoreUnavailable
from graph.core.ladybug_read import _all
from graph.core.schema import FLOAT, INT, STR

_LOCK_WAIT_S = 60


# Readers' buffer pool: 512 MB keeps the demo app small; a store of a million
# persons (1.8 GB on disk) needs more for paths and the larger saved queries.
_READ_BUFFER = int(os.environ.get("CUSTOMS_GRAPH_LBUG_BUFFER_MB", "512")) * 1024**2


def _write_buffer() -> int:
    """The writer's buffer pool: a third of the machine's memory, between 2 and
    8 GB. One COPY of 5,000,000 travel rows (1,000,000 persons) did not fit in
    2 GB; a fixed large pool would take what a small machine does not have."""
    mb = os.environ.get("CUSTOMS_GRAPH_LBUG_WRITE_BUFFER_MB")
    if mb:
        return int(mb) * 1024**2
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        total = 0
    return min(max(2 * 1024**3, total // 3), 8 * 1024**3)


_WRITE_BUFFER = _write_buffer()


# Analysts' queries run at once, each on its own connection with one engine
# thread. The read database has that many engine threads more than the
# machine's cores: the engine hands its threads to queries in arrival order,
# so without spare ones a slow console query made every search wait for it.
_CONSOLE_SLOTS = 4
_READ_THREADS = _CONSOLE_SLOTS + max(2, os.cpu_count() or 2)


_DDL_TYPES = {STR: "STRING", INT: "INT64", FLOAT: "DOUBLE"}


def node_table_ddl(lb: schema.Label) -> str:
    cols = [f"{lb.key} STRING PRIMARY KEY"]
    cols += [f"{p} {_DDL_TYPES[k]}" for p, k in lb.all_props().items() if p != lb.key]
    return f"CREATE NODE TABLE IF NOT EXISTS {lb.name}({', '.join(cols)})"


def rel_table_ddl(rt: schema.RelType) -> str:
    parts = [f"FROM {a} TO {b}" for a, b in rt.ends]
    parts += [f"{p} {_DDL_TYPES[k]}" for p, k in rt.all_props().items()]
    return f"CREATE REL TABLE IF NOT EXISTS {rt.name}({', '.join(parts)})"


class Connections:
    """The store's databases and connections (a mixin of LadybugStore, which sets
    `path`, `_lock`, `_ro`, `_rw`, `_rw_depth`, `_probe` and `_read_buffer`)."""

    path: FsPath

    def _ensure_schema(self) -> None:
        """Create missing tables, and add properties the schema gained since the
        store was made (the contract is extended, never broken)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.path.exists() and not self._schema_changes(self._reader()[1]):
            return
        with self.writing() as conn:
            for stmt in self._schema_changes(conn):
                conn.execute(stmt)

    @staticmethod
    def _schema_changes(conn) -> list[str]:
        have = {r[1] for r in _all(conn.execute("CALL show_tables() RETURN *"))}
        out = []
        for thing, ddl in [(lb, node_table_ddl) for lb in schema.LABELS] + [
                (rt, rel_table_ddl) for rt in schema.REL_TYPES]:
            if thing.name not in have:
                out.append(ddl(thing))
                continue
            cols = {r[1] for r in _all(conn.execute(f"CALL table_info('{thing.name}') RETURN *"))}
            out += [f"ALTER TABLE {thing.name} ADD {p} {_DDL_TYPES[k]}"
                    for p, k in thing.all_props().items() if p not in cols]
        return out

    # --- opening ------------------------------------------------------------
    def _signature(self):
        sig = []
        for p in (self.path, FsPath(str(self.path) + ".wal")):
            try:
                st = p.stat()
                sig.append((st.st_mtime_ns, st.st_size))
            except FileNotFoundError:
                sig.append(None)
        return tuple(sig)

    def _open(self, read_only: bool):
        deadline = time.monotonic() + _LOCK_WAIT_S
        while True:
            try:
                db = ladybug.Database(
                    str(self.path), read_only=read_only,
                    buffer_pool_size=self._read_buffer if read_only else _WRITE_BUFFER,
                    max_num_threads=_READ_THREADS if read_only else 0)
                return db, ladybug.Connection(db)
            except RuntimeError as e:
                msg = str(e).lower()
                if time.monotonic() >= deadline:
                    raise StoreUnavailable(f"cannot open {self.path}: {e}") from e
                if "recovery" in msg and read_only:
                    # A writer is checkpointing, or one was killed mid-checkpoint:
                    # one read-write open replays the log (it fails on the lock
                    # while a writer is alive, and then we simply wait).
                    _replay_log(self.path)
                elif "lock" not in msg and not read_only:
                    raise StoreUnavailable(f"cannot open {self.path}: {e}") from e
                # A reader opening while a writer commits can also see a catalog
                # half-written ("table … doesn't exist in catalog"): wait and retry.
                time.sleep(0.2)

    def _reader(self):
        with self._lock:
            sig = self._signature()
            if self._ro is not None and self._ro.sig != sig and self._writer_active():
                # Another process is loading: keep serving the last committed
                # snapshot until it ends. Opening the database while a writer
                # checkpoints has crashed the engine (a segfault in
                # Database(read_only=True)), so readers reopen only between writes.
                return self._ro.db, self._ro.conn
            if self._ro is None or self._ro.sig != sig:
                self._close_reader()
                db, conn = self._open(read_only=True)
                self._ro = _Reader(sig, db, conn)
            return self._ro.db, self._ro.conn

    def _borrow_reader(self) -> _Reader:
        """The current read-only database, counted as in use until given back."""
        with self._lock:
            self._reader()
            self._ro.users += 1
            return self._ro

    def _give_back(self, reader: _Reader) -> None:
        with self._lock:
            reader.users -= 1
            if reader.retired and reader.users == 0:
                reader.db.close()

    def _writer_active(self) -> bool:
        """Whether another process holds the write lock (the engine takes a POSIX
        lock on the database file; a shared probe fails while it is held)."""
        if self._rw is not None:
            return False
        try:
            if self._probe is None:
                self._probe = os.open(self.path, os.O_RDONLY)
            fcntl.lockf(self._probe, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            return True
        fcntl.lockf(self._probe, fcntl.LOCK_UN)
        return False

    def _close_reader(self):
        """Close the read-only database, or, while analysts' queries still run on
        it, leave it to the last of them to close."""
        if self._ro is not None:
            reader, self._ro = self._ro, None
            reader.conn.close()  # the explorer's: only used under the lock
            reader.retired = True
            if reader.users == 0:
                reader.db.close()

    @contextmanager
    def writing(self):
        """Hold the write lock for the block (re-entrant); released at its end."""
        with self._lock:
            if self._rw is None:
                db, conn = self._open(read_only=False)
                self._rw = (db, conn)
            self._rw_depth += 1
            try:
                yield self._rw[1]
            finally:
                self._rw_depth -= 1
                if self._rw_depth == 0:
                    db, conn = self._rw
                    self._rw = None
                    conn.close()
                    db.close()

    def _fresh_writer(self):
        """Inside `writing()`: close the writer's database (a checkpoint) and open
        it again, for a COPY that needs the whole write buffer pool: at 1,000,000
        persons the 5,000,000 travel rows did not fit beside the pages the
        earlier COPYs of the same load still held."""
        with self._lock:
            assert self._rw is not None, "only inside writing()"
            db, conn = self._rw
            conn.close()
            db.close()
            self._rw = self._open(read_only=False)
            return self._rw[1]


class _Reader:
    """One read-only open of the database: the explorer's connection (used under
    the store's lock) and how many analysts' queries run on it outside the lock."""

    def __init__(self, sig, db, conn):
        self.sig, self.db, self.conn = sig, db, conn
        self.users = 0
        self.retired = False  # replaced: closed when its last query ends


def _replay_log(path) -> None:
    try:
        db = ladybug.Database(str(path), read_only=False, buffer_pool_size=_WRITE_BUFFER)
        db.close()
    except RuntimeError:
        pass  # a live writer holds the lock: it will finish its own checkpoint

