"""The analyst's working subgraph: kept in the session, every change undoable.

A Workspace holds a Subgraph plus the pinned nodes and the focus. Each change
first records a snapshot (plain dict copies: nodes and edges are immutable
values), so undo and redo are a swap of snapshots.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import streamlit as st

from graph.core import schema
from graph.core.model import Node, Path, Subgraph

HISTORY = 100
SESSION_KEY = "workspace"


@dataclass(frozen=True)
class Snapshot:
    nodes: dict
    edges: dict
    left_out: dict
    pinned: frozenset
    focus: str | None
    left_out_by_type: dict = field(default_factory=dict)


class Workspace:
    def __init__(self):
        self.sub = Subgraph()
        self.pinned: set[str] = set()
        self.focus: str | None = None
        self.positions: dict[str, tuple[float, float]] = {}  # where the browser drew them
        self.placed: dict[str, tuple[float, float]] = {}  # a reopened chart's: drawn there
        self.investigation = None  # the saved investigation on the chart, if any
        self.groups: list = []  # collapsed neighbours (graph.records.investigations.Group)
        self._undo: list[Snapshot] = []
        self._redo: list[Snapshot] = []

    # --- history ------------------------------------------------------------
    def _snapshot(self) -> Snapshot:
        return Snapshot(dict(self.sub.nodes), dict(self.sub.edges), dict(self.sub.left_out),
                        frozenset(self.pinned), self.focus, dict(self.sub.left_out_by_type))

    def _restore(self, s: Snapshot) -> None:
        self.sub = Subgraph(dict(s.nodes), dict(s.edges), dict(s.left_out),
                            dict(s.left_out_by_type))
        self.pinned = set(s.pinned)
        self.focus = s.focus

    def _checkpoint(self) -> Snapshot:
        snap = self._snapshot()
        self._undo.append(snap)
        del self._undo[:-HISTORY]
        self._redo.clear()
        return snap

    def _unchanged(self, snap: Snapshot) -> None:
        """Forget a checkpoint when the change changed nothing."""
        if self._undo and self._undo[-1] is snap and self._snapshot() == snap:
            self._undo.pop()

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    def undo(self) -> None:
        if self._undo:
            self._redo.append(self._snapshot())
            self._restore(self._undo.pop())

    def redo(self) -> None:
        if self._redo:
            self._undo.append(self._snapshot())
            self._restore(self._redo.pop())

    # --- changes ------------------------------------------------------------
    def open(self, sub: Subgraph, focus: str | None) -> None:
        """Replace the working graph (undoable)."""
        self._checkpoint()
        self.sub = Subgraph(dict(sub.nodes), dict(sub.edges), dict(sub.left_out),
                            dict(sub.left_out_by_type))
        self.pinned = {p for p in self.pinned if p in self.sub.nodes}
        self.focus = focus

    def add(self, sub: Subgraph, focus: str | None = None) -> int:
        """Merge a subgraph in; how many nodes were new."""
        snap = self._checkpoint()
        before = len(self.sub.nodes)
        for node_id in sub.left_out:
            self.sub.left_out.pop(node_id, None)
            self.sub.left_out_by_type.pop(node_id, None)
        self.sub.merge(sub)
        if focus and not self.focus:
            self.focus = focus
        self._unchanged(snap)
        return len(self.sub.nodes) - before

    def add_paths(self, paths: list[Path]) -> int:
        return self.add(Subgraph.from_paths(paths))

    def expand(self, store, node_id: str, *, cap: int, order: str = "key", labels=(),
               rel_types=()) -> int:
        """One hop out of a node, in place: up to `cap` neighbours more than the
        chart shows of that kind (the store's order is stable, so asking for
        that many more gives the next ones); how many nodes were new."""
        node = self.sub.nodes.get(node_id)
        if node is None:
            return 0
        shown = 0
        for e in self.sub.edges.values():
            if node_id in (e.source, e.target) and (not rel_types or e.type in rel_types):
                far = self.sub.nodes.get(e.target if e.source == node_id else e.source)
                shown += bool(far and (not labels or far.label in labels))
        found = store.expand([node], labels or (), rel_types or (), cap=cap + shown,
                             order=order)
        snap = self._checkpoint()
        before = len(self.sub.nodes)
        self.sub.left_out.pop(node_id, None)
        self.sub.left_out_by_type.pop(node_id, None)
        self.sub.merge(found)
        self._unchanged(snap)
        return len(self.sub.nodes) - before

    def remove(self, node_ids) -> None:
        ids = {i for i in node_ids if i in self.sub.nodes}
        if not ids:
            return
        self._checkpoint()
        for i in ids:
            self.sub.nodes.pop(i, None)
            self.sub.left_out.pop(i, None)
            self.sub.left_out_by_type.pop(i, None)
        self.sub.edges = {k: e for k, e in self.sub.edges.items()
                          if e.source not in ids and e.target not in ids}
        self.pinned -= ids
        if self.focus in ids:
            self.focus = None

    def prune_leaves(self) -> None:
        """Remove nodes with a single link that are neither pinned nor the focus."""
        degree: dict[str, int] = {}
        for e in self.sub.edges.values():
            degree[e.source] = degree.get(e.source, 0) + 1
            degree[e.target] = degree.get(e.target, 0) + 1
        keep = self.pinned | {self.focus}
        self.remove([i for i in self.sub.nodes if degree.get(i, 0) <= 1 and i not in keep])

    def set_pinned(self, node_id: str, pinned: bool) -> None:
        if node_id not in self.sub.nodes or (node_id in self.pinned) == pinned:
            return
        self._checkpoint()
        if pinned:
            self.pinned.add(node_id)
        else:
            self.pinned.discard(node_id)

    def reset(self) -> None:
        if not self.sub.nodes and not self.pinned:
            return
        self._checkpoint()
        self.sub = Subgraph()
        self.pinned = set()
        self.focus = None


def workspace() -> Workspace:
    ws = st.session_state.get(SESSION_KEY)
    if not isinstance(ws, Workspace):
        ws = st.session_state[SESSION_KEY] = Workspace()
    return ws


# --- what is shown --------------------------------------------------------------
def node_date(node: Node) -> str | None:
    """The node's date (YYYY-MM-DD) from the property the schema marks `dated`."""
    lb = schema.label(node.label)
    value = node.properties.get(lb.dated) if lb.dated else None
    return str(value)[:10] if value else None


def visible(sub: Subgraph, *, labels=(), rel_types=(), window=None, keep=()) -> Subgraph:
    """The part of `sub` the filters let through. `window` is (from, to) as
    YYYY-MM-DD strings (either may be None): dated nodes outside it are hidden,
    undated ones stay. Nodes the filters cut off from every link are hidden
    too, except those in `keep` and those that had no link to begin with."""
    labels, rel_types = set(labels or ()), set(rel_types or ())
    lo, hi = window or (None, None)
    if not labels and not rel_types and not lo and not hi:
        return sub
    keep = {k for k in keep if k}

    def shown(n: Node) -> bool:
        if n.id in keep:
            return True
        if labels and n.label not in labels:
            return False
        d = node_date(n)
        if d and ((lo and d < lo) or (hi and d > hi)):
            return False
        return True

    nodes = {i: n for i, n in sub.nodes.items() if shown(n)}
    edges = {k: e for k, e in sub.edges.items()
             if e.source in nodes and e.target in nodes
             and (not rel_types or e.type in rel_types)}
    linked = {e.source for e in edges.values()} | {e.target for e in edges.values()}
    had_link = {e.source for e in sub.edges.values()} | {e.target for e in sub.edges.values()}
    nodes = {i: n for i, n in nodes.items() if i in linked or i in keep or i not in had_link}
    return Subgraph(nodes, edges, {k: v for k, v in sub.left_out.items() if k in nodes},
                    {k: v for k, v in sub.left_out_by_type.items() if k in nodes})
