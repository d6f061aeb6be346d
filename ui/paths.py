"""Paths: how two entities connect, shortest first, optionally time-respecting.
Personal data is masked for a role that may not see it (ui.auth.shown_subgraph),
in the graph and the table alike."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from graph import actions
from graph.core import schema
from graph.core.model import Node, Path, Subgraph
from ui import auth, graphview, state
from ui.common import caption, entity_picker, label_options, rel_options
from ui.i18n import label_name, t
from ui.results import add_button
from ui.workspace import node_date

RESULT_KEY = "paths_result"


def path_dates(path: Path) -> list[str]:
    """The dates of the path's dated steps, in path order."""
    return [d for n in path.nodes if (d := node_date(n))]


def time_respecting(path: Path) -> bool:
    """Each dated step (flight, declaration, seizure — the labels the schema
    marks `dated`) on or after the one before it along the path."""
    dates = path_dates(path)
    return all(a <= b for a, b in zip(dates, dates[1:], strict=False))


def steps_frame(paths: list[Path], view: Callable[[Node], Node] | None = None) -> pd.DataFrame:
    """One row per step. `view`: the node as shown (masked for viewers); the
    direction of each link is read on the real nodes."""
    view = view or (lambda n: n)
    rows = []
    for i, p in enumerate(paths, 1):
        for j, n in enumerate(p.nodes):
            link = ""
            if j > 0:
                e = p.edges[j - 1]
                forward = e.source == p.nodes[j - 1].id
                link = f"—{e.type}→" if forward else f"←{e.type}—"
            shown = view(n)
            rows.append({t("paths.path"): i, t("paths.step"): j, t("paths.via"): link,
                         t("paths.entity"): f"{label_name(shown.label)} · {caption(shown)}",
                         "ref": shown.id, t("paths.date"): node_date(shown) or ""})
    return pd.DataFrame(rows)


def render() -> None:
    st.title(t("paths.title"))
    st.caption(t("paths.intro"))
    a, b = st.columns(2)
    with a:
        src = entity_picker("paths_a", t("paths.from"))
    with b:
        dst = entity_picker("paths_b", t("paths.to"))
    traversable = [lb.name for lb in schema.LABELS if lb.traverse]
    c1, c2, c3, c4 = st.columns([1, 1, 2, 2])
    c1.number_input(t("paths.max_hops"), 1, 12, 4, key="paths_hops")
    c2.number_input(t("paths.limit"), 1, 200, 25, key="paths_limit")
    c3.multiselect(t("common.labels"), label_options(), default=traversable, key="paths_labels",
                   format_func=label_name, placeholder=t("common.labels_all"))
    c4.multiselect(t("common.rel_types"), rel_options(), key="paths_rels",
                   placeholder=t("common.rel_all"))
    st.toggle(t("paths.time"), key="paths_time", help=t("paths.time_help"))
    if st.session_state.get("paths_time"):
        st.caption(":material/schedule: " + t("paths.time_help"))
    ss = st.session_state
    if st.button(t("paths.find"), type="primary", key="paths_find", icon=":material/route:",
                 disabled=src is None or dst is None):
        found = auth.act(actions.paths, state.get_store(), src.id, dst.id,
                         max_hops=int(ss.paths_hops), labels=ss.paths_labels or None,
                         rel_types=ss.paths_rels or None, limit=int(ss.paths_limit))
        kept = [p for p in found if time_respecting(p)] if ss.paths_time else found
        ss[RESULT_KEY] = {"a": src.id, "b": dst.id, "hops": int(ss.paths_hops),
                          "paths": kept, "dropped": len(found) - len(kept)}
    if src is None or dst is None:
        st.caption(t("paths.pick_both"))
    res = ss.get(RESULT_KEY)
    if not res:
        return
    paths = res["paths"]
    if res["dropped"]:
        st.caption(t("paths.dropped", n=res["dropped"]))
    if not paths:
        st.warning(t("paths.none", h=res["hops"]), icon=":material/link_off:")
        return
    st.success(t("paths.found", n=len(paths), h=len(paths[0])), icon=":material/route:")
    found = Subgraph.from_paths(paths)
    # Masked at display time, from the real paths: a role change shows at the next run.
    shown, ids = auth.shown_subgraph(found)
    if auth.masks():
        st.caption(":material/visibility_off: " + t("auth.masked"))
    left, right = st.columns([3, 2], gap="medium")
    with left:
        graphview.show(shown, key="paths_graph", focus=ids.get(res["a"], res["a"]), height=520)
        add_button(found, key="paths_add")  # the working graph keeps the real nodes
    with right:
        st.dataframe(steps_frame(paths, lambda n: shown.nodes[ids.get(n.id, n.id)]),
                     hide_index=True, width="stretch", height=560)
