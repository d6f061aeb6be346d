"""Explore: search, open a neighbourhood, grow it node by node."""

from __future__ import annotations

from datetime import date

import streamlit as st

from graph import actions
from graph.core.store import DEFAULT_CAP, DEFAULT_ORDER, ORDERS
from ui import auth, graphview, investigations, state
from ui.common import (
    caption,
    describe,
    entity_picker,
    label_options,
    md_escape,
    properties_table,
    rel_options,
)
from ui.i18n import label_name, rel_name, t
from ui.workspace import visible, workspace

GRAPH_KEY = "explore_graph"
SEL_KEY = "explore_sel"
SHOWN_IDS_KEY = "explore_shown_ids"  # masked id shown -> real id, for a viewer
SUMMARY_KEY = "explore_summary"


def _filters() -> dict:
    ss = st.session_state
    window = None
    if ss.get("explore_window_on") and ss.get("explore_window"):
        rng = ss["explore_window"]
        lo = rng[0].isoformat() if len(rng) > 0 and rng[0] else None
        hi = rng[1].isoformat() if len(rng) > 1 and rng[1] else None
        window = (lo, hi)
    return {"labels": list(ss.get("explore_labels") or ()),
            "rel_types": list(ss.get("explore_rels") or ()), "window": window}


def _expand(node_id: str, labels=None, rel_types=None) -> None:
    """One hop out of a node, in place: every kind the filters allow, or just one kind
    (`labels`, `rel_types`: a row of the neighbour summary)."""
    ws = workspace()
    f = _filters()
    ss = st.session_state
    n = ws.expand(auth.door_store(), node_id, cap=int(ss.get("explore_expand_n", 25)),
                  order=ss.get("explore_order", DEFAULT_ORDER),
                  labels=labels or f["labels"], rel_types=rel_types or f["rel_types"])
    ss[SEL_KEY] = node_id
    ss["explore_flash"] = t("explore.expanded", n=n)


def _summary(node_id: str) -> None:
    """How many neighbours of each kind the selected node has (counted by the
    database), each a button that adds just that kind."""
    counts = auth.act_once(SUMMARY_KEY, actions.summary, state.get_store(), node_id,
                           version=state.store_url())
    if not counts:
        return
    st.caption(t("explore.summary"), help=t("explore.summary_help"))
    row = st.container(horizontal=True, gap="small")
    for i, c in enumerate(counts):
        arrow = "→" if c["direction"] == "out" else "←"
        row.button(f"{c['count']:,} {label_name(c['label'])} {arrow} {c['type']}",
                   key=f"explore_kind_{i}", type="tertiary", on_click=_guarded,
                   args=(_expand, node_id, [c["label"]], [c["type"]]))


def _clicked(kind: str) -> str | None:
    """The real id of the node the browser names: for a viewer, a node whose key
    is personal went to the browser as "Phone:[masked] 1" (ui.auth.shown_subgraph)."""
    node_id = graphview.event(GRAPH_KEY, kind)
    node_id = st.session_state.get(SHOWN_IDS_KEY, {}).get(node_id, node_id)
    return node_id if node_id and node_id in workspace().sub.nodes else None


def _on_select() -> None:
    if node_id := _clicked("select"):
        st.session_state[SEL_KEY] = node_id


def _on_expand() -> None:
    if node_id := _clicked("expand"):
        _guarded(_expand, node_id)


def _guarded(fn, *args) -> None:
    """Callbacks run outside the page's error handling: keep errors for the page."""
    try:
        fn(*args)
    except Exception as e:  # noqa: BLE001 - shown by the page on this run
        st.session_state["explore_error"] = e


def _open(node_id: str, replace: bool) -> None:
    ws = workspace()
    f = _filters()
    ss = st.session_state
    sub = auth.act(actions.neighbours, state.get_store(), node_id,
                   hops=int(ss.get("explore_hops", 1)), labels=f["labels"] or None,
                   rel_types=f["rel_types"] or None, cap=int(ss.get("explore_cap", DEFAULT_CAP)))
    if replace:
        ws.open(sub, focus=node_id)
    else:
        ws.add(sub, focus=node_id)
    ss[SEL_KEY] = node_id


def _search_row() -> None:
    c1, c2, c3, c4 = st.columns([5, 1.4, 0.9, 0.9], vertical_alignment="bottom")
    with c1:
        chosen = entity_picker("explore", t("common.search"))
    c2.selectbox(t("explore.hops"), (1, 2, 3), key="explore_hops")
    c3.button(t("explore.open"), key="explore_open", type="primary", help=t("explore.open_help"),
              disabled=chosen is None, on_click=_guarded, args=(_open, chosen and chosen.id, True),
              width="stretch")
    c4.button(t("explore.add"), key="explore_add", help=t("explore.add_help"),
              disabled=chosen is None, on_click=_guarded,
              args=(_open, chosen and chosen.id, False), width="stretch")


def _filter_row() -> None:
    with st.expander(t("explore.filters"), expanded=False, icon=":material/tune:"):
        a, b = st.columns(2)
        a.multiselect(t("common.labels"), label_options(), key="explore_labels",
                      format_func=label_name, placeholder=t("common.labels_all"))
        b.multiselect(t("common.rel_types"), rel_options(), key="explore_rels",
                      format_func=rel_name, placeholder=t("common.rel_all"))
        c, d, e = st.columns([1, 1, 2])
        c.number_input(t("explore.cap"), min_value=1, max_value=1000, value=DEFAULT_CAP,
                       step=5, key="explore_cap", help=t("explore.cap_help"))
        d.toggle(t("explore.window_on"), key="explore_window_on", help=t("explore.window_help"))
        e.date_input(t("explore.window"), value=(date(2017, 1, 1), date(2017, 12, 31)),
                     key="explore_window", disabled=not st.session_state.get("explore_window_on"),
                     format="YYYY-MM-DD")


def _history_row(ws) -> None:
    # Buttons as wide as their labels, wrapping when the row is full: never cut.
    row = st.container(horizontal=True, gap="small")
    row.button(t("explore.undo"), key="explore_undo", on_click=ws.undo,
               disabled=not ws.can_undo, icon=":material/undo:")
    row.button(t("explore.redo"), key="explore_redo", on_click=ws.redo,
               disabled=not ws.can_redo, icon=":material/redo:")
    row.button(t("explore.prune"), key="explore_prune", on_click=ws.prune_leaves,
               disabled=not ws.sub.nodes, icon=":material/content_cut:")
    row.button(t("explore.reset"), key="explore_reset", on_click=ws.reset,
               disabled=not ws.sub.nodes, icon=":material/delete_sweep:")


def _node_panel(ws) -> None:
    ids = sorted(ws.sub.nodes, key=lambda i: describe(ws.sub.nodes[i]).casefold())
    ss = st.session_state
    if ss.get(SEL_KEY) not in ws.sub.nodes:
        ss[SEL_KEY] = ws.focus if ws.focus in ws.sub.nodes else ids[0]
    sel = st.selectbox(t("explore.selected"), ids, key=SEL_KEY,
                       format_func=lambda i: describe(ws.sub.nodes[i]))
    node = ws.sub.nodes[sel]
    # The whole name, wrapped: the box above cuts what does not fit.
    name, key = caption(auth.mask_node(node)), auth.mask_ref(sel).split(":", 1)[1]
    kind = label_name(node.label) + ("" if name == key else f" · {key}")
    st.markdown(f"**{md_escape(name)}**  \n:gray[{md_escape(kind)}]")
    more = ws.sub.left_out.get(sel)
    if more:
        st.caption(":material/more_horiz: " + t("explore.left_out", n=more))
    if "explore_order" not in st.session_state:
        st.session_state["explore_order"] = DEFAULT_ORDER
    st.selectbox(t("explore.order"), ORDERS, key="explore_order",
                 format_func=lambda o: t(f"explore.order.{o}"))
    st.number_input(t("explore.expand_n"), min_value=1, max_value=1000, value=25, step=5,
                    key="explore_expand_n")
    row = st.container(horizontal=True, gap="small")
    row.button(t("explore.expand"), key="explore_expand", type="primary", on_click=_guarded,
               args=(_expand, sel), icon=":material/open_with:")
    pinned = sel in ws.pinned
    row.button(t("explore.unpin") if pinned else t("explore.pin"), key="explore_pin",
               on_click=ws.set_pinned, args=(sel, not pinned), icon=":material/push_pin:")
    row.button(t("explore.centre"), key="explore_centre", on_click=_guarded,
               args=(_open, sel, True), icon=":material/center_focus_strong:")
    row.button(t("explore.remove"), key="explore_remove", on_click=ws.remove, args=([sel],),
               icon=":material/remove_circle:")
    _summary(sel)
    investigations.group_buttons(sel)
    investigations.node_notes(sel)
    properties_table(node)
    if auth.masks():
        st.caption(":material/visibility_off: " + t("auth.masked"))


def render() -> None:
    st.title(t("explore.title"))
    ss = st.session_state
    _search_row()
    _filter_row()
    err = ss.pop("explore_error", None)
    if err is not None:
        raise err
    ws = workspace()
    flash = ss.pop("explore_flash", None)
    if not ws.sub.nodes:
        st.info(t("explore.start"), icon=":material/travel_explore:")
        _history_row(ws)
        return
    f = _filters()
    keep = set(ws.pinned) | {ws.focus}
    shown = visible(ws.sub, labels=f["labels"], rel_types=f["rel_types"], window=f["window"],
                    keep=keep)
    investigations.time_row()
    shown = investigations.shown(shown, keep)
    left, right = st.columns([3.2, 1.1], gap="medium")
    with right:
        _node_panel(ws)
    with left:
        _history_row(ws)
        masked, ids = auth.shown_subgraph(shown)
        ss[SHOWN_IDS_KEY] = {v: k for k, v in ids.items()}
        graphview.show(masked, key=GRAPH_KEY, selected=ids.get(ss.get(SEL_KEY), ss.get(SEL_KEY)),
                       focus=ids.get(ws.focus, ws.focus),
                       pinned=[ids.get(p, p) for p in ws.pinned], expandable=True, height=560,
                       fit_window=True,
                       on_select=_on_select, on_expand=_on_expand,
                       positions={ids.get(k, k): v for k, v in ws.placed.items()},
                       notes={ids.get(k, k): v for k, v in investigations.chart_notes().items()},
                       on_positions=lambda: investigations.on_positions(GRAPH_KEY,
                                                                        ss[SHOWN_IDS_KEY]))
        hidden = len(ws.sub.nodes) - len(shown.nodes)
        notes = [flash] if flash else []
        if hidden:
            notes.append(t("explore.hidden", n=hidden))
        if notes:
            st.caption(" · ".join(notes))
        if ws.sub.left_out:
            with st.expander(t("explore.capped"), icon=":material/more_horiz:"):
                for node_id, n in sorted(ws.sub.left_out.items(), key=lambda x: -x[1]):
                    node = ws.sub.nodes.get(node_id)
                    if node is not None:
                        st.markdown(f"- {md_escape(describe(node))}: "
                                    f"{md_escape(t('explore.left_out', n=n))}")


def open_in_explore(ref: str, *, replace: bool = True) -> None:
    """Open an entity's neighbourhood in the working graph and go to Explore."""
    _open(ref, replace)
    st.switch_page("ui/pages/explore.py")
