"""The store interface, and the explorer operations written once over it.

A store implements a handful of primitives (read, upsert, paths); search,
get, summary and counts are written here once in the Cypher both engines
share, neighbourhoods in graph/core/neighbourhood.py, with the few dialect
differences passed in by the store as hooks (`label_expr`, `type_expr`,
`far_expr`/`_far_nodes`, `_small_rows`). Labels, relationship types and property names come
only from the schema; values travel only as parameters.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field

from graph.core import schema
from graph.core.errors import NotFound, SchemaError
from graph.core.keyed import by_keys
from graph.core.model import Node, Path, QueryResult
from graph.core.neighbourhood import (  # noqa: F401 - re-exported: callers import them here
    DEFAULT_CAP,
    DEFAULT_ORDER,
    ORDERS,
    Hop,
    Neighbourhood,
    check_order,
    left_out_by_type,
)
from graph.core.schema import REF, SEARCH, SOURCE
from graph.core.search import SearchResult, scan_conditions
from graph.core.search import search as ranked_search
from graph.core.text import search_text

DEFAULT_ROW_LIMIT = 1000
DEFAULT_TIMEOUT_S = 30


@dataclass
class WriteCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # rows whose end nodes are not in the store: (row, which end is missing)
    missing: list[tuple[dict, str]] = field(default_factory=list)

    def add(self, other: WriteCounts) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.missing += other.missing


class Store(Neighbourhood, ABC):
    """What every store offers. Subclasses implement the abstract primitives."""

    kind = "abstract"

    # --- dialect hooks (defaults: the embedded store's Cypher) --------------
    def label_expr(self, var: str) -> str:
        """Cypher giving the (single) label of node variable `var`."""
        return f"label({var})"

    def type_expr(self, var: str) -> str:
        """Cypher giving the type of relationship variable `var`."""
        return f"label({var})"

    def __init__(self, url: str):
        self.url = url

    # --- primitives -------------------------------------------------------
    @abstractmethod
    def read(self, cypher: str, params: dict | None = None) -> tuple[list[str], list[list]]:
        """Run trusted, schema-built read Cypher; nodes/edges/paths converted."""

    @abstractmethod
    def analyst_query(self, cypher: str, params: dict | None, *, limit: int,
                      timeout_s: float) -> QueryResult:
        """Run an analyst's Cypher where the database itself refuses writes."""

    @abstractmethod
    def upsert_nodes(self, label: str, rows: list[dict]) -> WriteCounts:
        """Idempotent: MERGE on the label's key; `source` kept from creation."""

    @abstractmethod
    def upsert_relationships(self, rel: str, from_label: str, to_label: str,
                             rows: list[dict]) -> WriteCounts:
        """rows: {"from": key, "to": key, **props, "source": ...}; idempotent."""

    def insert_nodes(self, label: str, rows: list[dict]) -> WriteCounts:
        """Rows the caller knows are new and distinct by key: a load into a label
        that was empty when it began, holding back keys it already wrote. A store
        may skip its look-ups (the bulk path); by default this is an upsert."""
        return self.upsert_nodes(label, rows)

    def insert_relationships(self, rel: str, from_label: str, to_label: str,
                             rows: list[dict]) -> WriteCounts:
        """Relationships known new and distinct, whose ends are known to exist."""
        return self.upsert_relationships(rel, from_label, to_label, rows)

    def delete_relationship(self, rel: str, from_label: str, from_key: str, to_label: str,
                            to_key: str) -> None:
        """Remove the `rel` relationships from one node to another (used to undo a
        decision such as an accepted merge; source records are never deleted)."""
        rt, fa, fb = schema.rel_type(rel), schema.label(from_label), schema.label(to_label)
        if (fa.name, fb.name) not in rt.ends:
            raise SchemaError(f"{rt.name} does not join {fa.name} to {fb.name}")
        self.write(f"MATCH (a:{fa.name} {{{fa.key}: $a}})-[r:{rt.name}]->"
                   f"(b:{fb.name} {{{fb.key}: $b}}) DELETE r", {"a": from_key, "b": to_key})

    @abstractmethod
    def write(self, cypher: str, params: dict | None = None) -> None:
        """Run trusted, schema-built write Cypher (never an analyst's text)."""

    @abstractmethod
    def shortest_paths(self, a: Node, b: Node, max_hops: int, labels: list[str],
                       rel_types: list[str], limit: int) -> list[Path]:
        """All shortest paths; intermediates restricted to `labels`."""

    def close(self) -> None:  # noqa: B027 - optional: stores that hold resources override it
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # --- explorer operations ----------------------------------------------
    def get(self, ref: str) -> Node:
        lb, key = schema.parse_ref(ref)
        _, rows = self.read(f"MATCH (n:{lb.name} {{{lb.key}: $key}}) RETURN n", {"key": key})
        if not rows:
            raise NotFound(f"{ref} is not in the store")
        return rows[0][0]

    def existing_keys(self, label_name: str, keys) -> set[str]:
        rows = by_keys(lambda q, p: self.read(q, p)[1], schema.label(label_name), keys, "k")
        return {k for k, in rows}

    def exists(self, ref: str) -> bool:
        try:
            self.get(ref)
            return True
        except NotFound:
            return False

    def search(self, text: str, labels=None, limit: int = 20) -> list[Node]:
        """The nodes of `search_ranked`, best first (the older contract)."""
        return self.search_ranked(text, labels, limit).nodes

    def search_ranked(self, text: str, labels=None, limit: int = 20,
                      offset: int = 0) -> SearchResult:
        """Ranked search (graph/core/search.py): a typed REF, exact identifiers, key
        prefixes, names, then typo-tolerant matches; each hit says why it matched."""
        return ranked_search(self, text, labels, limit, offset)

    def find_terms(self, groups, labels, cap: int) -> tuple[list[tuple[str, str]], bool]:
        """(ref, search text) of the first `cap` nodes of `labels` in ref order
        that may match every group of terms (graph/core/search.py checks each), and
        whether more matched. This default scans each label; the stores answer
        from their full-text index and fall back here when it cannot be trusted."""
        cond, params = scan_conditions(groups)
        rows = []
        for name in labels:
            lb = schema.label(name)
            _, got = self.read(f"MATCH (n:{lb.name}) WHERE {cond} RETURN n.{lb.key}, n.{SEARCH}",
                               params)
            rows += [(schema.make_ref(lb.name, k), st or "") for k, st in got]
        rows.sort()
        return rows[:cap], len(rows) > cap

    def seizure_links(self) -> dict[str, set[str]]:
        """Ref of everything a seizure involves -> the seizures' refs (seizures
        are few: reading their label whole is a small scan)."""
        _, rows = self.read(f"MATCH (s:{_SEIZURE}) MATCH (s)-[:{_INVOLVES}]->(n) "
                            f"RETURN n.{REF}, s.{REF}")
        out: dict[str, set[str]] = {}
        for ref, seizure in rows:
            out.setdefault(ref, set()).add(seizure)
        return out

    def rebuild_search_index(self) -> int:
        """Make the search index agree with the stored nodes; how many it holds."""
        return 0

    def summary(self, ref: str) -> list[dict]:
        """How many neighbours of each label `ref` has through each relationship
        type and direction, counted by the database."""
        lb, key = schema.parse_ref(ref)
        self.get(ref)
        out = []
        for direction, pattern in (("out", "-[r]->(b)"), ("in", "<-[r]-(b)")):
            _, rows = self.read(
                f"MATCH (a:{lb.name} {{{lb.key}: $key}}) MATCH (a){pattern} "
                f"RETURN {self.type_expr('r')}, {self.label_expr('b')}, count(*)", {"key": key})
            out += [{"label": far, "type": t, "direction": direction, "count": int(c)}
                    for t, far, c in rows]
        order = {x.name: i for i, x in enumerate(schema.LABELS)}
        out.sort(key=lambda d: (-d["count"], order.get(d["label"], 99), d["type"],
                                d["direction"]))
        return out

    def paths(self, ref_a: str, ref_b: str, max_hops: int = 4, labels=None, rel_types=None,
              limit: int = 25) -> list[Path]:
        """Shortest paths between two entities, shortest first. Without a label
        filter, hub labels the schema marks `traverse=False` are not stepped through."""
        if not 1 <= max_hops <= 12:
            raise SchemaError("max hops must be between 1 and 12")
        labels = schema.check_labels(labels) or [lb.name for lb in schema.LABELS if lb.traverse]
        rel_types = schema.check_rel_types(rel_types)
        a, b = self.get(ref_a), self.get(ref_b)
        if a.id == b.id:
            return [Path((a,), ())]
        found = self.shortest_paths(a, b, max_hops, labels, rel_types, limit)
        found.sort(key=lambda p: (len(p), [n.id for n in p.nodes]))
        return found[:limit]

    def counts(self) -> dict:
        nodes, rels = {}, {}
        for lb in schema.LABELS:
            _, rows = self.read(f"MATCH (n:{lb.name}) RETURN count(n)")
            nodes[lb.name] = rows[0][0]
        for rt in schema.REL_TYPES:
            _, rows = self.read(f"MATCH ()-[r:{rt.name}]->() RETURN count(r)")
            rels[rt.name] = rows[0][0]
        return {"nodes": nodes, "relationships": rels}

    def query(self, cypher: str, params: dict | None = None, *,
              limit: int = DEFAULT_ROW_LIMIT, timeout_s: float = DEFAULT_TIMEOUT_S) -> QueryResult:
        return self.analyst_query(cypher, params or {}, limit=limit, timeout_s=timeout_s)


_SEIZURE, _INVOLVES = schema.L.Seizure.name, schema.R.INVOLVES.name


def node_row(label_name: str, key: str, props: dict, source: str) -> dict:
    """A node row ready for upsert: properties of the schema only, derived fields set.

    `search_text` is left empty when the row lacks some searchable property
    (a Port named only by its code in a declaration): it must not overwrite
    the fuller text a stored node has. Stores fill it with
    `search_text_for` when they create the node."""
    lb = schema.label(label_name)
    row = {p: props.get(p) for p in lb.props if p != lb.key}
    row[lb.key] = key
    row[SOURCE] = source
    row[REF] = schema.make_ref(lb.name, key)
    full = all(row.get(p) is not None for p in lb.search)
    row[SEARCH] = search_text_for(lb.name, row) if full else None
    return row


def search_text_for(label_name: str, row: dict) -> str:
    lb = schema.label(label_name)
    return search_text([row[lb.key]] + [row.get(p) for p in lb.search if p != lb.key])


# --- write helpers both stores share ---------------------------------------------
def dedupe_rows(rows, ident):
    """One row per identity: later non-empty values win, the first source stays."""
    out: dict = {}
    for r in rows:
        k = ident(r)
        if k in out:
            merged = out[k]
            for p, v in r.items():
                if v is not None and p != SOURCE:
                    merged[p] = v
        else:
            out[k] = dict(r)
    return list(out.values())


def rel_identity(rt):
    """A relationship row's identity: its ends and the type's key properties."""
    return lambda r: (r["from"], r["to"], *(r.get(k) for k in rt.key))


def merge_props(old: dict, new: dict, cols: dict) -> dict | None:
    """The row to write for an existing entity, or None when nothing changes.
    Empty new values never erase what is stored; `source` stays as created."""
    merged, changed = {}, False
    for p in cols:
        v = new.get(p)
        if p == SOURCE or v is None:
            merged[p] = old.get(p)
        else:
            merged[p] = v
            changed |= v != old.get(p)
    return merged if changed else None


def against_stored(rows, stored: dict, ident, cols: dict):
    """The upsert skeleton both stores share: rows split against what is stored
    (identity -> properties) into (new rows, [(row, merged row)] that change
    something, how many change nothing)."""
    new, changed, unchanged = [], [], 0
    for r in rows:
        old = stored.get(ident(r))
        if old is None:
            new.append(r)
            continue
        merged = merge_props(old, r, cols)
        if merged is None:
            unchanged += 1
        else:
            changed.append((r, merged))
    return new, changed, unchanged

