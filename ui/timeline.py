"""Timeline of the working graph's dated events, and a map of its airports.

Both are Vega-Lite charts (st.altair_chart uses the Vega bundled with
Streamlit): the map is a projection of points and great-circle-free straight
legs over Natural Earth's country outlines (shipped in ui/static), computed in
the browser; no map tiles are fetched.
Entities are shown as the user may see them (ui.auth.shown_subgraph): personal
data masked for a role that may not see it.
"""

from __future__ import annotations

import functools
import json
from importlib.resources import files

import altair as alt
import pandas as pd
import streamlit as st

from graph import actions
from graph.core import schema
from graph.core.model import Subgraph
from graph.core.schema import L
from ui import auth, state
from ui.common import caption
from ui.i18n import column, label_name, t
from ui.workspace import node_date, workspace

LABELLED_EVENTS = 25


def events_frame(sub: Subgraph) -> pd.DataFrame:
    rows = []
    for n in sub.nodes.values():
        d = node_date(n)
        if not d:
            continue
        rows.append({"date": d, "label": label_name(n.label), "entity": caption(n, 40),
                     "ref": n.id, "color": schema.label(n.label).color})
    return pd.DataFrame(rows, columns=["date", "label", "entity", "ref", "color"])


def timeline_chart(df: pd.DataFrame):
    colors = df.drop_duplicates("label")
    scale = alt.Scale(domain=list(colors["label"]), range=list(colors["color"]))
    base = alt.Chart(df).encode(
        x=alt.X("date:T", title=t("timeline.date"), axis=alt.Axis(format="%Y-%m-%d")),
        y=alt.Y("label:N", title=None),
        color=alt.Color("label:N", scale=scale, legend=None),
        tooltip=[alt.Tooltip("date:T", format="%Y-%m-%d", title=t("timeline.date")),
                 alt.Tooltip("label:N", title=t("timeline.label")),
                 alt.Tooltip("entity:N", title=t("timeline.entity"))],
    )
    points = base.mark_point(filled=True, size=110, opacity=0.85)
    rows = max(1, df["label"].nunique())
    chart = points
    if len(df) <= LABELLED_EVENTS:  # names beside the points while they stay readable
        chart = points + base.mark_text(align="left", dx=7, dy=-7, fontSize=10,
                                        color="#56636f").encode(text="entity:N")
    return chart.properties(height=80 + 70 * rows).interactive(bind_y=False)


def _airports_for(store, sub: Subgraph) -> pd.DataFrame:
    """Airports of the working graph, plus those its flights name."""
    codes = {n.key for n in sub.nodes.values() if n.label == L.Airport.name}
    for n in sub.nodes.values():
        if n.label == L.Flight.name:
            codes.update(c for c in (n.properties.get("origin"),
                                     n.properties.get("destination")) if c)
    if not codes:
        return pd.DataFrame(columns=[L.Airport.key, "name", "lat", "lon"])
    ap = L.Airport
    res = store.query(f"MATCH (a:{ap.name}) WHERE a.{ap.key} IN $codes "
                      f"RETURN a.{ap.key}, a.name, a.lat, a.lon", {"codes": sorted(codes)},
                      limit=10000, timeout_s=state.TIMEOUT_S)
    rows = [r for r in res.rows if r[2] is not None and r[3] is not None]
    return pd.DataFrame(rows, columns=[L.Airport.key, "name", "lat", "lon"])


def legs_frame(sub: Subgraph, airports: pd.DataFrame) -> pd.DataFrame:
    pos = {getattr(r, L.Airport.key): (r.lat, r.lon) for r in airports.itertuples()}
    rows = []
    for n in sub.nodes.values():
        if n.label != L.Flight.name:
            continue
        o, d = n.properties.get("origin"), n.properties.get("destination")
        if o in pos and d in pos:
            rows.append({"flight": n.key, "from": o, "to": d, "lat": pos[o][0],
                         "lon": pos[o][1], "lat2": pos[d][0], "lon2": pos[d][1]})
    return pd.DataFrame(rows, columns=["flight", "from", "to", "lat", "lon", "lat2", "lon2"])


@functools.cache
def _countries() -> dict:
    """Natural Earth's country outlines (TopoJSON, shipped with the app)."""
    return json.loads((files("ui") / "static" / "countries-110m.json").read_text("utf-8"))


def map_chart(airports: pd.DataFrame, legs: pd.DataFrame):
    projection = {"type": "equalEarth"}
    sphere = alt.Chart(alt.sphere()).mark_geoshape(fill="#eef4f8", stroke="#c9d6e0")
    grid = alt.Chart(alt.graticule(step=[30, 30])).mark_geoshape(stroke="#d9e3ea",
                                                                  strokeWidth=0.6)
    # Inline data: the outlines travel with the chart, no tile or file server.
    land = alt.Chart(alt.Data(values=_countries(),
                              format=alt.DataFormat(type="topojson", feature="countries"))
                     ).mark_geoshape(fill="#dfe7d8", stroke="#9aa89a", strokeWidth=0.5)
    layers = [sphere, grid, land]
    if not legs.empty:
        layers.append(alt.Chart(legs).mark_rule(color="#f28e2b", strokeWidth=1.6, opacity=0.7)
                      .encode(longitude="lon:Q", latitude="lat:Q", longitude2="lon2:Q",
                              latitude2="lat2:Q",
                              tooltip=[alt.Tooltip("flight:N"), alt.Tooltip("from:N"),
                                       alt.Tooltip("to:N")]))
    colour = L.Airport.color
    pts = alt.Chart(airports).encode(longitude="lon:Q", latitude="lat:Q",
                                     tooltip=[alt.Tooltip(f"{L.Airport.key}:N"),
                                              alt.Tooltip("name:N")])
    layers.append(pts.mark_circle(size=90, color=colour, stroke="#5b4a0e", strokeWidth=1,
                                  opacity=1))
    layers.append(pts.mark_text(dy=-11, fontSize=11, fontWeight="bold", color="#1b2631")
                  .encode(text=f"{L.Airport.key}:N"))
    return alt.layer(*layers).project(**projection).properties(height=460)


def render() -> None:
    st.title(t("timeline.title"))
    st.caption(t("timeline.intro"))
    ws = workspace()
    if not ws.sub.nodes:
        st.info(t("common.empty_working"), icon=":material/hub:")
        return
    shown, _ids = auth.shown_subgraph(ws.sub)
    if auth.masks():
        st.caption(":material/visibility_off: " + t("auth.masked"))
    st.subheader(t("timeline.events"))
    ev = events_frame(shown)
    if ev.empty:
        st.caption(t("timeline.no_events"))
    else:
        st.altair_chart(timeline_chart(ev), width="stretch")
    st.subheader(t("timeline.map"))
    airports = auth.act_once("timeline_airports", actions.timeline, state.get_store(),
                             _airports_for, shown)
    if airports.empty:
        st.caption(t("timeline.no_airports"))
        return
    legs = legs_frame(shown, airports)
    st.altair_chart(map_chart(airports, legs), width="stretch")
    a, b = st.columns(2)
    a.dataframe(airports.rename(columns=column), hide_index=True, width="stretch")
    if not legs.empty:
        b.dataframe(legs[["flight", "from", "to"]].rename(columns=column), hide_index=True,
                    width="stretch")
