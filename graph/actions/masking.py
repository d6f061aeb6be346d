"""What a role may see of an action's result.

For a role without "see_personal" every personal property (schema
Label.personal) is masked, and a node whose key is itself personal (a phone
number, an e-mail address, an address) gets a pseudonym, "Phone:[masked] 1",
wherever its id would appear: node ids, edge ends, refs, texts. A caller that
keeps the results (the app's working graph) passes the same `Masker` back in, so
that a pseudonym given earlier can be expanded: the door turns it back into the
real ref before the action runs, and the real key never leaves the door.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Any

from graph.core import schema
from graph.core.errors import CustomsGraphError
from graph.core.model import Edge, Node, Path, QueryResult, Subgraph
from graph.records import users


def _key_personal(label_name: str) -> bool:
    try:
        return users._key_personal(schema.label(label_name))
    except CustomsGraphError:
        return False


@functools.cache
def _personal_props() -> frozenset[str]:
    return frozenset(p for lb in schema.LABELS for p in lb.personal)


def personal_column(name) -> bool:
    """A result column that reads a personal property (`p.passport_no`)."""
    return str(name).rsplit(".", 1)[-1] in _personal_props()


class Masker:
    """Masks values for one role; keeps the pseudonyms it gave (real ref <-> alias)."""

    def __init__(self, role: str = "viewer"):
        self.role = role
        self.alias: dict[str, str] = {}  # real ref -> "Label:[masked] n"
        self.real: dict[str, str] = {}  # alias -> real ref
        self._count: dict[str, int] = {}

    @property
    def active(self) -> bool:
        return not users.can(self.role, "see_personal")

    # --- refs ---------------------------------------------------------------------
    def ref(self, ref: str) -> str:
        """The ref as this role may see it (a pseudonym for a personal key)."""
        if not self.active or not isinstance(ref, str) or ":" not in ref:
            return ref
        if ref in self.real:  # already a pseudonym
            return ref
        label, _key = ref.split(":", 1)
        if not _key_personal(label):
            return ref
        if ref not in self.alias:
            self._count[label] = self._count.get(label, 0) + 1
            alias = f"{label}:{users.MASK} {self._count[label]}"
            self.alias[ref], self.real[alias] = alias, ref
        return self.alias[ref]

    def unref(self, ref):
        """The real ref behind a pseudonym this masker gave (else `ref` unchanged);
        lists and tuples of refs too."""
        if isinstance(ref, (list, tuple)):
            return type(ref)(self.unref(r) for r in ref)
        return self.real.get(ref, ref) if isinstance(ref, str) else ref

    def text(self, s: str) -> str:
        """Free text with every pseudonymised key replaced by its pseudonym."""
        if not self.active or not self.alias:
            return s
        for real in sorted(self.alias, key=len, reverse=True):
            key = real.split(":", 1)[1]
            alias_key = self.alias[real].split(":", 1)[1]
            s = s.replace(real, self.alias[real])
            for form in (key, repr(key)[1:-1]):
                if form and len(form) > 3:
                    s = s.replace(form, alias_key)
        return s

    # --- values -------------------------------------------------------------------
    def node(self, n: Node) -> Node:
        if not self.active:
            return n
        props = users.mask(n.properties, self.role, n.label)
        shown = self.ref(n.id)
        if schema.REF in props:
            props[schema.REF] = shown
        return Node(n.label, shown.split(":", 1)[1], props)

    def edge(self, e: Edge) -> Edge:
        if not self.active:
            return e
        return Edge(self.ref(e.source), self.ref(e.target), e.type, dict(e.properties))

    def subgraph(self, sub: Subgraph) -> Subgraph:
        if not self.active:
            return sub
        nodes = {}
        for n in sub.nodes.values():
            m = self.node(n)
            nodes[m.id] = m
        edges = {}
        for e in sub.edges.values():
            m = self.edge(e)
            edges[m.id] = m
        return Subgraph(nodes, edges, {self.ref(k): v for k, v in sub.left_out.items()},
                        {self.ref(k): dict(v) for k, v in sub.left_out_by_type.items()})

    def result(self, res: QueryResult) -> QueryResult:
        if not self.active:
            return res
        hide = [personal_column(c) for c in res.columns]
        rows = [[users.MASK if i < len(hide) and hide[i] and v not in (None, "")
                 else self.value(v) for i, v in enumerate(row)] for row in res.rows]
        return QueryResult(list(res.columns), rows, res.truncated)

    def frame(self, df):
        """A table: personal columns masked, refs and texts in the others."""
        out = df.copy()
        for c in out.columns:
            if personal_column(c):
                out[c] = [users.MASK if x not in (None, "") else x for x in out[c]]
            elif out[c].dtype == object:
                out[c] = [self.value(x) for x in out[c]]
        return out

    def value(self, v: Any) -> Any:
        """Any result: graph objects, query results, lists and dicts of them, screen
        hits, risk scores, analysis summaries (texts and refs inside them)."""
        if not self.active or v is None or isinstance(v, (bool, int, float)):
            return v
        if isinstance(v, Node):
            return self.node(v)
        if isinstance(v, Edge):
            return self.edge(v)
        if isinstance(v, Path):
            return Path(tuple(self.node(n) for n in v.nodes), tuple(self.edge(e) for e in v.edges))
        if isinstance(v, Subgraph):
            return self.subgraph(v)
        if isinstance(v, QueryResult):
            return self.result(v)
        if isinstance(v, str):
            return self.text(self.ref(v))
        if isinstance(v, tuple):
            return tuple(self.value(x) for x in v)
        if isinstance(v, list):
            return [self.value(x) for x in v]
        if isinstance(v, dict):
            return {k: self.value(x) for k, x in v.items()}
        if hasattr(v, "columns") and hasattr(v, "map"):  # a pandas DataFrame
            return self.frame(v)
        if hasattr(v, "masked_evidence"):  # a screening hit: its own personal values
            v = dataclasses.replace(v, evidence=v.masked_evidence(users.MASK))
        if dataclasses.is_dataclass(v) and not isinstance(v, type):
            changes = {f.name: self.value(getattr(v, f.name)) for f in dataclasses.fields(v)
                       if f.init and f.name != "personal"}
            if "personal" in {f.name for f in dataclasses.fields(v)}:
                changes["personal"] = ()  # a hit's own personal values: not passed on
            return dataclasses.replace(v, **changes)
        return v
