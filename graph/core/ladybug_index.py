"""The embedded store's search index (graph/core/search_index.py, a file beside the
database) kept in step with the stored nodes."""

from __future__ import annotations

from graph.core import schema
from graph.core.schema import SEARCH


class IndexKept:
    """A mixin of LadybugStore, which sets `_index`, `_index_sig`, `_lock` and `_rw`."""

    def find_terms(self, groups, labels, cap):
        if self._index_trusted():
            return self._index.find(groups, labels, cap)
        return super().find_terms(groups, labels, cap)

    def rebuild_search_index(self) -> int:
        """Read every node's search text from the store into the index, anew."""
        with self._lock:
            parts = []
            for lb in schema.LABELS:
                _, rows = self.read(f"MATCH (n:{lb.name}) RETURN n.{lb.key}, n.{SEARCH}")
                parts.append((lb.name, [(schema.make_ref(lb.name, k), st) for k, st in rows]))
            self._index.replace_all(parts)
            self._index_sig = None
            return sum(len(rows) for _, rows in parts)

    def _index_trusted(self) -> bool:
        """Whether the index agrees with the store; rebuilt here when it does not
        and no other process is writing (then the caller scans instead)."""
        with self._lock:
            sig = self._signature()
            if self._rw is None and sig == self._index_sig and not self._index.dirty():
                return True
            if not self._index.dirty() and self._index.counts() == self._node_counts():
                self._index_sig = sig
                return True
            if self._writer_active():
                return False
            self.rebuild_search_index()
            self._index_sig = self._signature()
            return True

    def _node_counts(self) -> dict[str, int]:
        out = {}
        for lb in schema.LABELS:
            n = self.read(f"MATCH (n:{lb.name}) RETURN count(n)")[1][0][0]
            if n:
                out[lb.name] = n
        return out

    def _index_begin(self) -> None:
        """Before a node write (the write lock held): bring a stale index up to
        date, then mark it dirty until the write's rows are in it."""
        if self._index.dirty():
            self.rebuild_search_index()
        self._index.mark_dirty()
