"""Query results as a table, as a graph when they hold nodes or paths, and as CSV."""

from __future__ import annotations

import functools
import json
import numbers

import pandas as pd
import streamlit as st

from graph.core.model import Edge, Node, Path, QueryResult, Subgraph
from graph.core.text import csv_cell
from graph.records import users
from ui import auth, graphview
from ui.common import caption
from ui.i18n import t
from ui.workspace import workspace


def cell_text(value) -> str:
    """A value as table text; node ids whose key is personal (a phone number)
    masked for a role that may not see personal data."""
    if value is None:
        return ""
    if isinstance(value, Node):
        cap = caption(value)
        ref = auth.mask_ref(value.id)
        return ref if cap in (value.key, ref.split(":", 1)[1]) else f"{ref} ({cap})"
    if isinstance(value, Edge):
        return f"{auth.mask_ref(value.source)} -[{value.type}]-> {auth.mask_ref(value.target)}"
    if isinstance(value, Path):
        return " → ".join(auth.mask_ref(n.id) for n in value.nodes)
    if isinstance(value, list):
        return ", ".join(cell_text(v) for v in value)
    if isinstance(value, dict):
        return json.dumps({k: cell_text(v) if isinstance(v, (Node, Edge, Path)) else v
                           for k, v in value.items()}, ensure_ascii=False, default=str)
    return str(value)


def _mask_value(value):
    if isinstance(value, Node):
        return auth.mask_node(value)
    if isinstance(value, Path):
        return Path(tuple(auth.mask_node(n) for n in value.nodes), value.edges)
    if isinstance(value, list):
        return [_mask_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _mask_value(v) for k, v in value.items()}
    return value


def masked(res: QueryResult) -> QueryResult:
    """The result as the signed-in user may see it: nodes' personal properties
    masked for viewers, and whole columns that read a personal property
    (`p.passport_no`)."""
    if not auth.masks():
        return res
    hide = [auth.personal_column(c) for c in res.columns]
    rows = [[users.MASK if i < len(hide) and hide[i] and v not in (None, "")
             else _mask_value(v) for i, v in enumerate(row)] for row in res.rows]
    return QueryResult(list(res.columns), rows, res.truncated)


def frame(res: QueryResult) -> pd.DataFrame:
    """A table Arrow can carry: numeric columns stay numbers, the rest is text."""
    cols = {}
    names = _unique(res.columns)
    for i, name in enumerate(names):
        values = [row[i] if i < len(row) else None for row in res.rows]
        numeric = all(v is None or (isinstance(v, numbers.Number) and not isinstance(v, bool))
                      for v in values)
        if numeric and any(v is not None for v in values):
            cols[name] = pd.Series(values)
        else:
            cols[name] = pd.Series([cell_text(v) for v in values], dtype="string")
    return pd.DataFrame(cols)


def _unique(names) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        n = str(n)
        if n in seen:
            seen[n] += 1
            out.append(f"{n} ({seen[n]})")
        else:
            seen[n] = 0
            out.append(n)
    return out


def csv_bytes(df: pd.DataFrame) -> bytes:
    """CSV for spreadsheets: a cell that would start a formula is quoted with '."""
    safe = df.copy()
    for c in safe.columns:
        if safe[c].dtype == "string" or safe[c].dtype == object:
            safe[c] = safe[c].map(lambda v: csv_cell(v) if isinstance(v, str) else v)
    return safe.to_csv(index=False).encode("utf-8-sig")


def subgraph(res: QueryResult) -> Subgraph:
    return res.subgraph()


def show(res: QueryResult, *, key: str, filename: str = "result.csv",
         graph_first: bool = False) -> None:
    """Table (with CSV download) and, when the result holds nodes, the graph;
    personal data masked for a role that may not see it."""
    res = masked(res)
    df = frame(res)
    sub = subgraph(res)
    st.caption(t("common.rows", n=len(res.rows)))
    if res.truncated:
        st.warning(t("common.truncated", n=len(res.rows)), icon=":material/content_cut:")
    tabs = [t("common.table")] + ([t("common.graph")] if sub.nodes else [])
    if graph_first and sub.nodes:
        tabs.reverse()
    views = dict(zip(tabs, st.tabs(tabs), strict=True))
    with views[t("common.table")]:
        st.dataframe(df, hide_index=True, width="stretch")
        if auth.can("export"):  # offered to those the door lets export
            data = auth.download("table", "csv", filename, functools.partial(csv_bytes, df),
                                 rows=len(res.rows))
            st.download_button(t("common.csv"), data, file_name=filename, mime="text/csv",
                               key=f"{key}_csv", icon=":material/download:",
                               on_click="ignore")
    if sub.nodes:
        with views[t("common.graph")]:
            graphview.show(sub, key=f"{key}_graph", height=520)
            add_button(sub, key=f"{key}_add")


def add_button(sub: Subgraph, *, key: str) -> None:
    """Add `sub` to the working graph, and say what that added (the message stays
    until the next click; the sidebar's count is drawn after the page)."""
    done = f"{key}_done"
    if st.button(t("common.add_to_working"), key=key, icon=":material/add_circle:"):
        ws = workspace()
        before = (len(ws.sub.nodes), len(ws.sub.edges))
        ws.add(sub)
        st.session_state[done] = (len(ws.sub.nodes) - before[0], len(ws.sub.edges) - before[1])
    if done in st.session_state:
        n, m = st.session_state[done]
        st.success(t("common.added", n=n, m=m), icon=":material/hub:")
        st.page_link("ui/pages/explore.py", label=t("common.open_explore"), icon=":material/hub:")
