"""Overview: what the store holds, the latest seizures, the alerts (saved queries
marked alert, and hits of the stored watchlist)."""

from __future__ import annotations

import json

import altair as alt
import pandas as pd
import streamlit as st

from graph import actions
from graph.core import queries as saved
from graph.core import schema
from graph.core.errors import CustomsGraphError, StoreUnavailable
from graph.core.schema import L
from graph.records import watchlist as stored_watchlist
from graph.records.users import MASK
from ui import auth, state
from ui.common import md_escape, said_each
from ui.i18n import column, label_name, lang, t

LATEST_SEIZURES = (
    f"MATCH (s:{L.Seizure.name}) RETURN s.{L.Seizure.key} AS seizure, s.date AS date, "
    "s.location AS location, "
    "s.violation AS violation, s.goods AS goods, s.value_usd AS value_usd "
    f"ORDER BY s.date DESC, s.{L.Seizure.key} LIMIT $n")


def _bar(frame: pd.DataFrame, name_col: str, colors: dict[str, str] | None):
    enc_color = (alt.Color(f"{name_col}:N", legend=None,
                           scale=alt.Scale(domain=list(colors), range=list(colors.values())))
                 if colors else alt.value("#1f5f8b"))
    height = max(120, 24 * len(frame))
    frame = frame.sort_values("count", ascending=False)
    base = alt.Chart(frame).encode(
        y=alt.Y(f"{name_col}:N", sort=list(frame[name_col]), title=None,
                axis=alt.Axis(labelOverlap=False, labelLimit=180)),
        x=alt.X("count:Q", title=t("overview.count")),
        tooltip=[alt.Tooltip(f"{name_col}:N", title=column(name_col)),
                 alt.Tooltip("count:Q", format=",", title=t("overview.count"))],
    )
    bars = base.mark_bar(cornerRadiusEnd=3).encode(color=enc_color)
    text = base.mark_text(align="left", dx=3, fontSize=11, color="#56636f").encode(
        text=alt.Text("count:Q", format=","))
    return (bars + text).properties(height=height)


def _alert_hits(name: str, mtime: float) -> tuple[int, bool]:
    """An alert query's hits, through the door (once a session per query and version)."""
    res = auth.act_once(f"overview_alert_{name}", actions.query, state.get_store(), name, {},
                        limit=state.ROW_LIMIT, timeout_s=state.TIMEOUT_S, version=mtime)
    return len(res.rows), res.truncated


def _alerts() -> None:
    st.subheader(t("overview.alerts"))
    found, errors = saved.load_all()
    alerts = [q for q in found.values() if q.alert]
    if not alerts:
        st.caption(t("overview.no_alerts"))
    rows = []
    for q in sorted(alerts, key=lambda x: x.name):
        try:
            mtime = _mtime(q.path)
            n, cut = _alert_hits(q.name, mtime)
            rows.append({"name": q.name, "title": q.title_in(lang()),
                         t("overview.hits"): f"{n}+" if cut else str(n), "error": ""})
        except StoreUnavailable:
            raise
        except (CustomsGraphError, ValueError) as e:
            rows.append({"name": q.name, "title": q.title_in(lang()), t("overview.hits"): "—",
                         "error": str(e)})
    if rows:
        frame = pd.DataFrame(rows)
        st.dataframe(frame.rename(columns=column), hide_index=True, width="stretch")
        for r in rows:
            if r["error"]:
                st.error(t("overview.alert_error", name=r["name"], msg=md_escape(r["error"])),
                         icon=":material/error:")
    if errors:
        with st.expander(t("overview.broken"), icon=":material/warning:"):
            for e in errors:
                st.text(e)


def _mtime(path: str) -> float:
    import os

    try:
        return os.path.getmtime(path)
    except OSError:
        return 0.0


def _latest_seizures(store):
    return store.query(LATEST_SEIZURES, {"n": 10}, limit=10, timeout_s=state.TIMEOUT_S)


def _latest(store) -> None:
    st.subheader(t("overview.latest"))
    res = auth.act_once("overview_latest", actions.overview, store, _latest_seizures)
    if not res.rows:
        st.caption(t("overview.no_seizures"))
        return
    frame = pd.DataFrame(res.rows, columns=[column(c) for c in res.columns])
    st.dataframe(frame, hide_index=True, width="stretch",
                 column_config={column("value_usd"):
                                st.column_config.NumberColumn(format="$%,.0f")})
    a, b = st.columns([3, 1], vertical_alignment="bottom")
    pick = a.selectbox(t("overview.open_seizure"), [r[0] for r in res.rows], key="overview_seizure")
    if b.button(t("common.open_explore"), key="overview_open", icon=":material/hub:",
                width="stretch"):
        from ui.explore import open_in_explore

        open_in_explore(schema.make_ref(L.Seizure.name, pick))


# --- watchlist alerts -----------------------------------------------------------------
def watch_frame(hits, masked: bool) -> pd.DataFrame:
    """The hits best first, one row each; personal values masked when `masked`."""
    cols = [t("resolve.score"), t("resolve.kind"), t("resolve.watch"), "ref",
            t("resolve.name"), t("resolve.evidence"), t("resolve.line")]
    rows = [(h.score, label_name(h.kind), h.watch, auth.mask_ref(h.ref), h.name,
             "; ".join(h.masked_evidence(MASK, lang()) if masked else said_each(h.evidence)),
             h.line)
            for h in sorted(hits, key=lambda h: (-h.score, h.line, h.ref))]
    return pd.DataFrame(rows, columns=cols)


def _watch_alerts() -> None:
    st.subheader(t("watch.alerts"))
    try:
        # Through the door, once a session per store state and watchlist version:
        # hits masked for a role that may not see personal data.
        version = (json.dumps(auth.counts(), sort_keys=True),
                   _mtime(str(stored_watchlist.default_path())))
        wl, result = auth.act_once("overview_watch", actions.alerts, state.get_store(),
                                   version=version)
    except CustomsGraphError as e:  # an unreadable stored file: say so, keep the page
        st.error(t("common.error", msg=md_escape(e)), icon=":material/error:")
        return
    if wl is None:
        st.caption(t("watch.none"))
        return
    hits, n = result.hits, result.entries
    st.caption(t("watch.about", file=md_escape(wl["source"]), n=n, at=md_escape(wl["saved_at"]),
                 who=md_escape(wl["saved_by"]), sha=wl["sha256"][:12]))
    if not hits:
        st.caption(t("watch.no_hits"))
        return
    masked = auth.masks()
    frame = watch_frame(hits, masked)
    st.dataframe(frame, hide_index=True, width="stretch",
                 column_config={t("resolve.score"): st.column_config.NumberColumn(
                     format="%.1f")})
    if masked:
        st.caption(t("auth.masked"))
    # One pick per entity, best score first, to open like the latest seizures.
    best: dict[str, float] = {}
    names: dict[str, str] = {}
    for h in hits:
        if h.score > best.get(h.ref, -1):
            best[h.ref], names[h.ref] = h.score, h.name
    refs = sorted(best, key=lambda r: (-best[r], r))
    st.caption(t("watch.count", k=len(hits), m=len(refs)))
    a, b = st.columns([3, 1], vertical_alignment="bottom")
    pick = a.selectbox(t("watch.open"), refs, key="overview_watch_pick",
                       format_func=lambda r: f"{auth.mask_ref(r)} · {names[r]} ({best[r]:g})")
    if b.button(t("common.open_explore"), key="overview_watch_open", icon=":material/hub:",
                width="stretch"):
        from ui.explore import open_in_explore

        open_in_explore(pick)


def render() -> None:
    st.title(t("overview.title"))
    st.caption(t("overview.intro"))
    store = state.get_store()
    c = auth.counts()
    nodes, rels = c["nodes"], c["relationships"]
    total_n, total_r = sum(nodes.values()), sum(rels.values())
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(t("overview.nodes_total"), f"{total_n:,}", border=True)
    m2.metric(t("overview.rels_total"), f"{total_r:,}", border=True)
    m3.metric(t("overview.labels_n"), sum(1 for v in nodes.values() if v), border=True)
    m4.metric(t("overview.seizures_n"), f"{nodes.get(L.Seizure.name, 0):,}", border=True)
    if not total_n:
        st.info(t("overview.empty"), icon=":material/info:")
        return
    left, right = st.columns(2, gap="large")
    with left:
        st.subheader(t("overview.by_label"))
        colors = {label_name(lb.name): lb.color for lb in schema.LABELS if nodes.get(lb.name)}
        frame = pd.DataFrame([(label_name(k), v) for k, v in nodes.items() if v],
                             columns=["label", "count"])
        st.altair_chart(_bar(frame, "label", colors), width="stretch")
    with right:
        st.subheader(t("overview.by_rel"))
        frame = pd.DataFrame([(k, v) for k, v in rels.items() if v], columns=["type", "count"])
        st.altair_chart(_bar(frame, "type", None), width="stretch")
    left, right = st.columns([3, 2], gap="large")
    with left:
        _latest(store)
    with right:
        _alerts()
    _watch_alerts()
