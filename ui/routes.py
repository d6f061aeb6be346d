"""Route finder: travellers whose flights chain origin → (via) → destination
within a connection window.

The saved query `itinerary_route` answers when queries/ has it; otherwise the
built-in search below does, in the Cypher both stores share: candidate leg
pairs come from the store and the connection window is checked here on the
flights' UTC times (date arithmetic is where the two dialects differ).

A result keeps the real nodes; what is shown (table, CSV, graph) is masked at
display time for a role that may not see personal data.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd
import streamlit as st

from graph import actions
from graph.core import queries as saved
from graph.core.model import Edge, Node, QueryResult, Subgraph
from graph.core.schema import L, R
from ui import auth, graphview, results, state
from ui.common import caption
from ui.i18n import t

SAVED_NAME = "itinerary_route"
RESULT_KEY = "routes_result"

# Labels, keys and types from the schema (never spelt here).
P, F, A, K = L.Person, L.Flight, L.Airport, L.Booking
TRAVELLED, DEPARTS_FROM = R.TRAVELLED.name, R.DEPARTS_FROM.name

# Two legs: into the connection airport, then on to the destination.
TWO_LEGS = f"""
MATCH (p:{P.name})-[t1:{TRAVELLED}]->(f1:{F.name})-[:{DEPARTS_FROM}]->(o:{A.name})
WHERE f1.departure_date >= $date_from AND f1.departure_date <= $date_to
  AND ($origin_airport = '' OR o.{A.key} = $origin_airport)
  AND ($origin_country = '' OR o.country = $origin_country)
  AND ($via = '' OR f1.destination = $via)
  AND f1.destination <> $destination
MATCH (p)-[t2:{TRAVELLED}]->(f2:{F.name})
WHERE f2.origin = f1.destination AND f2.destination = $destination
  AND f2.departure_date >= $date_from AND f2.departure_date <= $date_to
  AND f2.departure_utc > f1.arrival_utc
RETURN p, t1, f1, t2, f2
ORDER BY p.{P.key}, f2.departure_utc
"""

# One leg, straight to the destination (only when no connection is asked for).
DIRECT = f"""
MATCH (p:{P.name})-[t1:{TRAVELLED}]->(f1:{F.name})-[:{DEPARTS_FROM}]->(o:{A.name})
WHERE f1.destination = $destination
  AND f1.departure_date >= $date_from AND f1.departure_date <= $date_to
  AND ($origin_airport = '' OR o.{A.key} = $origin_airport)
  AND ($origin_country = '' OR o.country = $origin_country)
RETURN p, t1, f1
ORDER BY p.{P.key}, f1.departure_utc
"""

TRIPS = f"""
MATCH (p:{P.name})-[t:{TRAVELLED}]->(f:{F.name})
WHERE p.{P.key} IN $persons AND f.{F.key} IN $flights
RETURN p, t, f
"""

ENRICH = f"""
MATCH (f:{F.name})-[r]->(a:{A.name}) WHERE f.{F.key} IN $flights RETURN f, r, a
"""

BOOKINGS = f"""
MATCH (p:{P.name})-[b:{R.BOOKED.name}]->(k:{K.name})-[r:{R.FOR_FLIGHT.name}]->(f:{F.name})
WHERE p.{P.key} IN $persons AND f.{F.key} IN $flights
RETURN p, b, k, r, f
"""


@dataclass
class RouteSearch:
    origin_country: str = ""
    origin_airport: str = ""
    via: str = ""
    destination: str = ""
    date_from: str = ""
    date_to: str = ""
    max_connection_hours: int = 24

    def params(self) -> dict:
        """Both legs depart inside [date_from, date_to] (local dates), as in the
        saved query."""
        return {"origin_country": self.origin_country, "origin_airport": self.origin_airport,
                "via": self.via, "destination": self.destination,
                "date_from": self.date_from, "date_to": self.date_to}


@dataclass
class RouteResult:
    source: str  # "saved" or "builtin"
    table: pd.DataFrame  # unmasked: show display_table(result)
    sub: Subgraph
    travellers: list[str] = field(default_factory=list)  # person node ids
    raw: QueryResult | None = None
    # builtin: (person, [(TRAVELLED, flight), …], connection hours) per traveller
    legs: list = field(default_factory=list)


def _utc(s: str | None) -> datetime | None:
    if not s:
        return None
    try:
        return datetime.fromisoformat(str(s).replace("Z", "+00:00"))
    except ValueError:
        return None


def connection_hours(arrival_utc: str | None, departure_utc: str | None) -> float | None:
    a, d = _utc(arrival_utc), _utc(departure_utc)
    if a is None or d is None:
        return None
    return (d - a).total_seconds() / 3600


def _leg(f: Node) -> str:
    p = f.properties
    return f"{p.get('flight_no') or f.key} {p.get('origin', '?')}→{p.get('destination', '?')} " \
           f"{p.get('departure_date', '')}"


def builtin(store, q: RouteSearch) -> RouteResult:
    params = q.params()
    rows = []
    sub = Subgraph()
    res = store.query(TWO_LEGS, params, limit=20000, timeout_s=state.TIMEOUT_S)
    for p, t1, f1, t2, f2 in res.rows:
        hours = connection_hours(f1.properties.get("arrival_utc"),
                                 f2.properties.get("departure_utc"))
        if hours is None or hours < 0 or hours > q.max_connection_hours:
            continue
        rows.append((p, [(t1, f1), (t2, f2)], hours))
    if not q.via:
        direct = store.query(DIRECT, params, limit=20000, timeout_s=state.TIMEOUT_S)
        rows += [(p, [(t1, f1)], None) for p, t1, f1 in direct.rows]
    persons, flights = set(), set()
    for p, legs, _hours in rows:
        sub.add_node(p)
        persons.add(p.key)
        for rel, f in legs:
            sub.add_node(f)
            sub.add_edge(rel)
            flights.add(f.key)
    if flights:
        _enrich(store, sub, sorted(persons), sorted(flights))
    travellers = sorted({f"Person:{k}" for k in persons})
    return RouteResult("builtin", legs_table(rows), sub, travellers, legs=rows)


def legs_table(rows, view=None) -> pd.DataFrame:
    """The built-in search's table; `view(node)`: the node as shown (masked)."""
    view = view or (lambda n: n)
    table = []
    for p, legs, hours in rows:
        shown = view(p)
        last = legs[-1][1]
        table.append({
            t("routes.person"): shown.key,
            t("routes.name"): caption(shown),
            t("routes.nationality"): shown.properties.get("nationality") or "",
            t("routes.route"): " · ".join(_leg(view(f)) for _, f in legs),
            t("routes.connection"): round(hours, 1) if hours is not None else None,
            t("routes.pnr"): ", ".join(sorted({r.properties.get("pnr") or "" for r, _ in legs}
                                              - {""})),
            t("routes.arrival"): last.properties.get("arrival_time") or "",
        })
    return pd.DataFrame(table)


def display_table(res: RouteResult) -> pd.DataFrame:
    """The table as this user may see it: personal properties masked, and whole
    columns that read one (`p.passport_no` in a saved query)."""
    if not auth.masks():
        return res.table
    if res.raw is not None:
        return results.frame(results.masked(res.raw))

    def view(n: Node) -> Node:
        n = auth.mask_node(n)
        return Node(n.label, auth.mask_key(n), n.properties)

    return legs_table(res.legs, view)


def _enrich(store, sub: Subgraph, persons: list[str], flights: list[str]) -> None:
    """Airports of the flights and the bookings that tie the travellers together."""
    for cypher in (ENRICH, BOOKINGS):
        res = store.query(cypher, {"flights": flights, "persons": persons}
                          if cypher is BOOKINGS else {"flights": flights},
                          limit=20000, timeout_s=state.TIMEOUT_S)
        for row in res.rows:
            for v in row:
                if isinstance(v, Node):
                    sub.add_node(v)
                elif isinstance(v, Edge):
                    sub.add_edge(v)


def with_saved(store, q: RouteSearch, query) -> RouteResult:
    values = {"origin_country": q.origin_country, "origin_airport": q.origin_airport,
              "via": q.via, "destination": q.destination, "date_from": q.date_from,
              "date_to": q.date_to, "max_connection_hours": q.max_connection_hours}
    declared = {p.name for p in query.params}
    # Every declared parameter is passed, "" included: "" means "any" to the query.
    values = {k: v for k, v in values.items() if k in declared}
    res = saved.run(store, query, values, limit=state.ROW_LIMIT, timeout_s=state.TIMEOUT_S)
    sub = results.subgraph(res)
    persons = {n.key for n in sub.nodes.values() if n.label == P.name}
    if P.key in res.columns:
        i = res.columns.index(P.key)
        persons |= {str(r[i]) for r in res.rows if r[i]}
    if persons:
        _trips_graph(store, sub, sorted(persons), res)
    return RouteResult("saved", results.frame(res), sub,
                       sorted(f"Person:{k}" for k in persons), res)


def _trips_graph(store, sub: Subgraph, persons: list[str], res: QueryResult) -> None:
    """The travellers, the flights the result names and how they connect."""
    named = sorted({v for row in res.rows for v in row if isinstance(v, str) and "@" in v}
                   | {n.key for n in sub.nodes.values() if n.label == F.name})
    out = store.query(TRIPS, {"persons": persons, "flights": named}, limit=20000,
                      timeout_s=state.TIMEOUT_S)
    flights = set()
    for p, rel, f in out.rows:
        sub.add_node(p)
        sub.add_node(f)
        sub.add_edge(rel)
        flights.add(f.key)
    if flights:
        _enrich(store, sub, persons, sorted(flights))


def find(store, q: RouteSearch) -> RouteResult:
    found, _errors = saved.load_all()
    query = found.get(SAVED_NAME)
    return with_saved(store, q, query) if query is not None else builtin(store, q)


def _places(store) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    cn = L.Country
    airports = store.query(f"MATCH (a:{A.name}) RETURN a.{A.key}, a.name, a.city "
                           f"ORDER BY a.{A.key}",
                           limit=100000, timeout_s=state.TIMEOUT_S)
    countries = store.query(f"MATCH (c:{cn.name}) RETURN c.{cn.key}, c.name ORDER BY c.name",
                            limit=10000, timeout_s=state.TIMEOUT_S)
    ap = [(r[0], f"{r[0]} · {r[1] or ''}{' (' + r[2] + ')' if r[2] else ''}")
          for r in airports.rows]
    co = [(r[0], f"{r[1] or r[0]} ({r[0]})") for r in countries.rows]
    return ap, co


def _default(options: list[str], wanted: str) -> int | None:
    return options.index(wanted) if wanted in options else (0 if options else None)


def render() -> None:
    st.title(t("routes.title"))
    st.caption(t("routes.intro"))
    store = state.get_store()
    airports, countries = auth.act_once("routes_places", actions.routes, store, _places)
    if not airports:
        st.info(t("routes.no_airports"), icon=":material/flight:")
        return
    ap_codes = [a for a, _ in airports]
    ap_label = dict(airports)
    co_codes = [c for c, _ in countries]
    co_label = dict(countries)
    ss = st.session_state
    c1, c2, c3, c4 = st.columns([1.1, 2, 2, 2])
    kind = c1.radio(t("routes.origin_kind"), ("country", "airport"), key="routes_kind",
                    format_func=lambda k: t(f"routes.{k}"))
    if kind == "country":
        c2.selectbox(t("routes.origin_country"), co_codes, index=_default(co_codes, "CU"),
                     format_func=lambda c: co_label.get(c, c), key="routes_country")
    else:
        c2.selectbox(t("routes.origin_airport"), ap_codes, index=_default(ap_codes, "HAV"),
                     format_func=lambda c: ap_label.get(c, c), key="routes_origin")
    c3.selectbox(t("routes.via"), [""] + ap_codes, index=_default([""] + ap_codes, "CDG"),
                 format_func=lambda c: ap_label.get(c, c) if c else t("routes.via_any"),
                 key="routes_via")
    c4.selectbox(t("routes.destination"), ap_codes, index=_default(ap_codes, "HAN"),
                 format_func=lambda c: ap_label.get(c, c), key="routes_dest")
    d1, d2, d3 = st.columns([2, 2, 2])
    d1.date_input(t("common.date_from"), date(2017, 3, 1), key="routes_from",
                  format="YYYY-MM-DD", help=t("routes.dates"))
    d2.date_input(t("common.date_to"), date(2017, 3, 31), key="routes_to", format="YYYY-MM-DD",
                  help=t("routes.dates"))
    d3.number_input(t("routes.max_hours"), 1, 240, 48, key="routes_hours")
    if st.button(t("routes.find"), type="primary", key="routes_find", icon=":material/search:"):
        q = RouteSearch(
            origin_country=ss.get("routes_country") or "" if kind == "country" else "",
            origin_airport=ss.get("routes_origin") or "" if kind == "airport" else "",
            via=ss.get("routes_via") or "", destination=ss.get("routes_dest") or "",
            date_from=ss.routes_from.isoformat(), date_to=ss.routes_to.isoformat(),
            max_connection_hours=int(ss.routes_hours))
        ss[RESULT_KEY] = auth.act(actions.routes, store, find, q)
    res: RouteResult | None = ss.get(RESULT_KEY)
    if res is None:
        return
    st.caption(t("routes.using_saved", name=SAVED_NAME) if res.source == "saved"
               else t("routes.using_builtin"))
    if not res.travellers and res.table.empty:
        st.warning(t("routes.none"), icon=":material/flight_land:")
        return
    st.success(t("routes.found", n=len(res.travellers)), icon=":material/groups:")
    if auth.masks():
        st.caption(":material/visibility_off: " + t("auth.masked"))
    table = display_table(res)
    st.dataframe(table, hide_index=True, width="stretch")
    if auth.can("export"):  # the download is the table shown, masked alike, on the click
        data = auth.download("routes", "csv", "routes.csv",
                             functools.partial(results.csv_bytes, table), rows=len(table))
        st.download_button(t("common.csv"), data, file_name="routes.csv", mime="text/csv",
                           key="routes_csv", icon=":material/download:", on_click="ignore")
    if res.sub.nodes:
        shown, _ids = auth.shown_subgraph(res.sub)
        graphview.show(shown, key="routes_graph", height=520)
        results.add_button(res.sub, key="routes_add")  # the working graph keeps real nodes

