"""Investigations: named working graphs that outlive the browser session.

An investigation is a chain of immutable versions. Every change (save, rename,
share, close, a note) appends the whole new state as the next version; nothing
is ever updated or deleted, so any earlier version can be reopened.

Where the versions live follows the graph store:

* the embedded store: `investigations.sqlite3` in the state folder, beside the
  duty log (triggers keep it append-only);
* Neo4j: the database itself, as `_Investigation` / `_InvestigationVersion`
  nodes (labels outside graph.schema, so that schema-driven reads, search,
  counts and exports never meet them), so a team on one Neo4j shares them.

Both speak `Records`; `records_for(store)` picks one. Who may read or change an
investigation is decided by the door (graph/actions/investigations.py).
"""

from __future__ import annotations

import json
import re
import sqlite3
import uuid
from abc import ABC, abstractmethod
from dataclasses import dataclass, field, replace
from pathlib import Path

from graph.core import schema
from graph.core.errors import CustomsGraphError, NotFound
from graph.core.model import Edge, Node, Subgraph

FILE_NAME = "investigations.sqlite3"
STATUSES = ("open", "handed over", "closed")
LABEL, VERSION_LABEL = "_Investigation", "_InvestigationVersion"  # outside graph.schema
MAX_NAME, MAX_NOTE = 200, 10_000
_ID = re.compile(r"^[0-9a-f]{12}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class InvestigationError(CustomsGraphError):
    """An investigation that cannot be read, saved or changed as asked."""


class Conflict(InvestigationError):
    """Someone saved a newer version meanwhile."""


# --- the model ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Note:
    id: str
    target: str  # "" (the investigation), a node ref, or a link id (edge_key)
    text: str
    author: str
    time: str

    def to_json(self) -> dict:
        return {"id": self.id, "target": self.target, "text": self.text,
                "author": self.author, "time": self.time}


@dataclass(frozen=True)
class Group:
    """Nodes of one label around an anchor, drawn as one node ("112 bookings")."""

    anchor: str
    label: str
    members: tuple[str, ...]

    @property
    def id(self) -> str:
        return f"group::{self.anchor}::{self.label}"

    def to_json(self) -> dict:
        return {"anchor": self.anchor, "label": self.label, "members": list(self.members)}


@dataclass
class Chart:
    """The working graph as the analyst left it."""

    sub: Subgraph = field(default_factory=Subgraph)
    positions: dict[str, tuple[float, float]] = field(default_factory=dict)
    pinned: set[str] = field(default_factory=set)
    hidden: set[str] = field(default_factory=set)
    focus: str | None = None
    groups: list[Group] = field(default_factory=list)
    window: tuple[str | None, str | None] | None = None  # the time slider's range

    def to_json(self) -> dict:
        out = self.sub.to_json()
        out.update(positions={k: [round(float(x), 2), round(float(y), 2)]
                              for k, (x, y) in sorted(self.positions.items())},
                   pinned=sorted(self.pinned), hidden=sorted(self.hidden), focus=self.focus,
                   groups=[g.to_json() for g in self.groups],
                   window=list(self.window) if self.window else None)
        return out

    @classmethod
    def from_json(cls, d: dict) -> Chart:
        sub = Subgraph()
        for n in d.get("nodes") or ():
            sub.add_node(Node(str(n["label"]), str(n["key"]), dict(n.get("properties") or {})))
        for e in d.get("edges") or ():
            sub.add_edge(Edge(str(e["source"]), str(e["target"]), str(e["type"]),
                              dict(e.get("properties") or {})))
        sub.left_out = {str(k): int(v) for k, v in (d.get("left_out") or {}).items()}
        sub.left_out_by_type = {str(k): {str(a): int(b) for a, b in v.items()}
                                for k, v in (d.get("left_out_by_type") or {}).items()}
        pos = {str(k): (float(v[0]), float(v[1])) for k, v in (d.get("positions") or {}).items()}
        groups = [Group(str(g["anchor"]), str(g["label"]), tuple(map(str, g["members"])))
                  for g in d.get("groups") or ()]
        w = d.get("window")
        return cls(sub, pos, set(d.get("pinned") or ()), set(d.get("hidden") or ()),
                   d.get("focus"), groups, (w[0], w[1]) if w else None)


def edge_key(e: Edge) -> str:
    """A link's id in notes and exports: "source|TYPE|target"."""
    return f"{e.source}|{e.type}|{e.target}"


@dataclass(frozen=True)
class Investigation:
    id: str
    version: int
    name: str
    owner: str
    shared: tuple[str, ...]
    status: str
    chart: Chart
    notes: tuple[Note, ...]
    time: str  # of this version
    by: str  # who made this version
    change: str  # what this version changed
    created: str = ""

    def body(self) -> dict:
        return {"name": self.name, "owner": self.owner, "shared": list(self.shared),
                "status": self.status, "chart": self.chart.to_json(),
                "notes": [n.to_json() for n in self.notes], "created": self.created}

    def to_json(self) -> dict:
        return {"id": self.id, "version": self.version, "time": self.time, "by": self.by,
                "change": self.change, **self.body()}

    def summary(self) -> dict:
        return {"id": self.id, "version": self.version, "name": self.name, "owner": self.owner,
                "shared": list(self.shared), "status": self.status, "time": self.time,
                "by": self.by, "change": self.change, "nodes": len(self.chart.sub.nodes),
                "edges": len(self.chart.sub.edges), "notes": len(self.notes)}

    def can_read(self, name: str, *, admin: bool = False) -> bool:
        return admin or name == self.owner or name in self.shared

    def targets(self) -> set[str]:
        sub = self.chart.sub
        return {"", *sub.nodes, *(edge_key(e) for e in sub.edges.values())}


def _from_row(inv_id: str, version: int, time: str, by: str, change: str,
              body: str | dict) -> Investigation:
    d = json.loads(body) if isinstance(body, str) else body
    notes = tuple(Note(str(n["id"]), str(n.get("target") or ""), str(n["text"]),
                       str(n["author"]), str(n["time"])) for n in d.get("notes") or ())
    return Investigation(inv_id, int(version), d["name"], d["owner"], tuple(d.get("shared") or ()),
                         d["status"], Chart.from_json(d.get("chart") or {}), notes, time, by,
                         change, d.get("created", ""))


# --- checks ------------------------------------------------------------------------------
def clean_text(value, what: str, limit: int) -> str:
    s = _CONTROL.sub("", str(value or "")).strip()
    if not s:
        raise InvestigationError(f"the {what} is empty")
    if len(s) > limit:
        raise InvestigationError(f"the {what} is longer than {limit} characters")
    return s


def check_id(inv_id: str) -> str:
    s = str(inv_id or "").strip().lower()
    if not _ID.match(s):
        raise NotFound(f"no investigation {inv_id!r} (an id is 12 hexadecimal digits)")
    return s


def check_status(status: str) -> str:
    s = str(status or "").strip().lower().replace("_", " ").replace("-", " ")
    if s not in STATUSES:
        raise InvestigationError(f"unknown status {status!r}: one of {', '.join(STATUSES)}")
    return s


def check_chart(chart: Chart) -> Chart:
    """Labels and types only from the schema; marks only on nodes the chart holds."""
    for n in chart.sub.nodes.values():
        schema.label(n.label)
    for e in chart.sub.edges.values():
        schema.rel_type(e.type)
    ids = set(chart.sub.nodes)
    chart.pinned &= ids
    chart.hidden &= ids
    chart.positions = {k: v for k, v in chart.positions.items() if k in ids}
    if chart.focus not in ids:
        chart.focus = None
    chart.groups = [g for g in chart.groups if g.anchor in ids and g.label in schema.label_names()]
    return chart


def new_id() -> str:
    return uuid.uuid4().hex[:12]


# --- storage -----------------------------------------------------------------------------
@dataclass(frozen=True)
class VersionInfo:
    version: int
    time: str
    by: str
    change: str

    def to_json(self) -> dict:
        return {"version": self.version, "time": self.time, "by": self.by, "change": self.change}


class Records(ABC):
    """Append-only versions of investigations."""

    kind = ""

    @abstractmethod
    def _append(self, inv_id: str, version: int, time: str, by: str, change: str,
                body: str) -> None:
        """Write version `version`; Conflict if it exists already."""

    @abstractmethod
    def _rows(self, inv_id: str | None = None, version: int | None = None,
              latest: bool = False) -> list[tuple]:
        """(id, version, time, by, change, body) rows, by id then version."""

    def close(self) -> None:  # noqa: B027 - optional
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def save(self, inv: Investigation, *, expect: int) -> Investigation:
        """Append `inv` as the version after `expect` (0: a new investigation)."""
        from graph.records.clock import now_utc

        done = replace(inv, version=expect + 1, time=now_utc())
        self._append(done.id, done.version, done.time, done.by, done.change,
                     json.dumps(done.body(), ensure_ascii=False, sort_keys=True))
        return done

    def get(self, inv_id: str, version: int | None = None) -> Investigation:
        inv_id = check_id(inv_id)
        rows = self._rows(inv_id, version, latest=version is None)
        if not rows:
            what = f"version {version} of investigation" if version else "investigation"
            raise NotFound(f"no {what} {inv_id}")
        return _from_row(*rows[-1])

    def all(self) -> list[Investigation]:
        """The latest version of every investigation, newest change first."""
        found = [_from_row(*r) for r in self._rows(latest=True)]
        return sorted(found, key=lambda i: i.time, reverse=True)

    def versions(self, inv_id: str) -> list[VersionInfo]:
        return [VersionInfo(int(r[1]), r[2], r[3], r[4]) for r in self._rows(check_id(inv_id))]


_SCHEMA = """
CREATE TABLE IF NOT EXISTS versions (
    id TEXT NOT NULL, version INTEGER NOT NULL, time TEXT NOT NULL, who TEXT NOT NULL,
    change TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (id, version));
CREATE TRIGGER IF NOT EXISTS versions_no_update BEFORE UPDATE ON versions BEGIN
    SELECT RAISE(ABORT, 'investigation versions are append-only'); END;
CREATE TRIGGER IF NOT EXISTS versions_no_delete BEFORE DELETE ON versions BEGIN
    SELECT RAISE(ABORT, 'investigation versions are append-only'); END;
"""


class SqliteRecords(Records):
    """Beside the duty log, in the state folder (the embedded store's case)."""

    kind = "sqlite"

    def __init__(self, path: str | Path | None = None):
        if path is None:
            from graph.records.paths import state_dir

            path = state_dir() / FILE_NAME
        self.path = Path(path)
        try:
            self.conn = sqlite3.connect(self.path, isolation_level=None, timeout=10)
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.executescript(_SCHEMA)
        except sqlite3.Error as e:
            raise InvestigationError(f"cannot open {self.path}: {e}") from None
        self.path.chmod(0o600)

    def close(self) -> None:
        self.conn.close()

    def _append(self, inv_id, version, time, by, change, body):
        try:
            self.conn.execute("INSERT INTO versions VALUES (?,?,?,?,?,?)",
                              (inv_id, version, time, by, change, body))
        except sqlite3.IntegrityError:
            raise Conflict(f"investigation {inv_id} has a newer version than {version - 1}: "
                           "reopen it and apply the change again") from None

    def _rows(self, inv_id=None, version=None, latest=False):
        where, params = [], []
        if inv_id:
            where.append("v.id = ?")
            params.append(inv_id)
        if version is not None:
            where.append("v.version = ?")
            params.append(int(version))
        if latest:
            where.append("v.version = (SELECT max(version) FROM versions w WHERE w.id = v.id)")
        sql = "SELECT id, version, time, who, change, body FROM versions v"
        if where:
            sql += " WHERE " + " AND ".join(where)
        return [tuple(r) for r in self.conn.execute(sql + " ORDER BY id, version", params)]


class Neo4jRecords(Records):
    """In the Neo4j database itself: one team, one set of investigations."""

    kind = "neo4j"

    def __init__(self, store):
        self.store = store
        # `uid` ("id:version") is unique: two saves of the same next version cannot both win.
        store.write(f"CREATE CONSTRAINT investigation_version IF NOT EXISTS "
                    f"FOR (v:{VERSION_LABEL}) REQUIRE v.uid IS UNIQUE")

    def _append(self, inv_id, version, time, by, change, body):
        from graph.core.errors import QueryError

        try:
            self.store.write(
                f"MERGE (i:{LABEL} {{id: $id}}) "
                f"CREATE (v:{VERSION_LABEL} {{uid: $uid, id: $id, version: $version, time: $time, "
                f"who: $who, change: $change, body: $body}}) "
                f"CREATE (i)-[:_VERSION]->(v)",
                {"id": inv_id, "uid": f"{inv_id}:{version}", "version": version, "time": time,
                 "who": by, "change": change, "body": body})
        except QueryError as e:
            if "ConstraintValidationFailed" in str(e) or "already exists" in str(e):
                raise Conflict(f"investigation {inv_id} has a newer version than "
                               f"{version - 1}: reopen it and apply the change again") from None
            raise

    def _rows(self, inv_id=None, version=None, latest=False):
        where, params = [], {}
        if inv_id:
            where.append("v.id = $id")
            params["id"] = inv_id
        if version is not None:
            where.append("v.version = $version")
            params["version"] = int(version)
        cypher = f"MATCH (v:{VERSION_LABEL})"
        if where:
            cypher += " WHERE " + " AND ".join(where)
        if latest:
            cypher += (" WITH v.id AS id, max(v.version) AS last "
                       f"MATCH (v:{VERSION_LABEL} {{id: id, version: last}})")
        _, rows = self.store.read(cypher + " RETURN v.id, v.version, v.time, v.who, v.change, "
                                  "v.body ORDER BY v.id, v.version", params)
        return [tuple(r) for r in rows]


def records_for(store) -> Records:
    """Where the investigations of this store live: in Neo4j itself, else beside the
    duty log."""
    if getattr(store, "kind", "") == "neo4j":
        return Neo4jRecords(store)
    return SqliteRecords()


# --- the shift handover -------------------------------------------------------------------
def shift_window(shift: str) -> tuple[str, str] | None:
    """The UTC times a default shift name covers ("2017-06-21 day": 07:00 to 19:00
    local; "... night": 19:00 to 07:00 the next day); None for another name."""
    from datetime import datetime, timedelta

    from graph.records.dutylog import DAY_STARTS, NIGHT_STARTS

    m = re.match(r"^(\d{4}-\d{2}-\d{2}) (day|night)$", str(shift).strip())
    if not m:
        return None
    day = datetime.fromisoformat(m.group(1)).astimezone()  # local midnight
    start = day.replace(hour=DAY_STARTS if m.group(2) == "day" else NIGHT_STARTS)
    end = start + timedelta(hours=12)
    fmt = "%Y-%m-%dT%H:%M:%S.%fZ"
    from datetime import UTC

    return start.astimezone(UTC).strftime(fmt), end.astimezone(UTC).strftime(fmt)


def in_shift(recs: Records, shift: str, reader: str, *, admin: bool = False) -> list[dict]:
    """The investigations `reader` may open that were opened, changed or handed over
    during the shift: their changes then, their notes, and how to open them."""
    window = shift_window(shift)
    if window is None:
        return []
    lo, hi = window
    out = []
    for inv in recs.all():
        if not inv.can_read(reader, admin=admin):
            continue
        changes = [v.to_json() for v in recs.versions(inv.id) if lo <= v.time < hi]
        if not changes:
            continue
        out.append({"id": inv.id, "name": inv.name, "status": inv.status, "owner": inv.owner,
                    "version": inv.version, "changes": changes,
                    "opened": any(c["change"] == "created" or c["change"].startswith(
                        "duplicated") for c in changes),
                    "handed_over": any(c["change"] == "handed over" for c in changes),
                    "notes": [n.to_json() for n in inv.notes],
                    "open": f"customs-graph investigation show {inv.id}",
                    "app": f"investigations?id={inv.id}"})
    return sorted(out, key=lambda d: d["name"].casefold())

