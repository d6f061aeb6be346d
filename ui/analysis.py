"""Analysis: who is central, who bridges and which groups form in the working
graph (or, when it is empty, a chosen entity's 2-hop neighbourhood); and the
transparent risk score of one entity, contribution by contribution.

The scores come from graph.analysis.analytics, the risk score from graph.analysis.risk; this
page only arranges them. In the graph view nodes are sized by the chosen score
and coloured by community.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from graph import actions
from graph.analysis import analytics
from graph.core.model import Subgraph
from graph.core.phrases import in_lang
from graph.records import users
from ui import auth, graphview, state
from ui.common import caption, describe, entity_picker, md_escape
from ui.i18n import label_name, lang, t
from ui.workspace import workspace

SCORES = ("degree", "betweenness", "pagerank")
HOPS = 2
TOP = 10
MIN_SIZE, MAX_SIZE = 10, 42
OTHER_COLOR = "#c8cdd2"  # nodes left out of the scores (hub labels)
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39",
           "#7b4173", "#3182bd")
GRAPH_KEY = "analysis_graph"
USER_KEY = "auth_user"  # session: the users.User signed in (when users are set up)
_SUB_KEY = "analysis_sub"  # session: (ref, Subgraph) of the last neighbourhood opened
_RISK_KEY = "analysis_risk"  # session: the last RiskScore shown


# --- pure helpers -------------------------------------------------------------------
def score_values(sub: Subgraph, name: str, exclude_labels=()) -> analytics.Scores:
    """Every node's score `name` (degree, betweenness or pagerank), on the graph
    `analyse` scores (undirected projection, excluded labels dropped)."""
    h = analytics.without_labels(analytics.simple_undirected(analytics.to_networkx(sub)),
                                 exclude_labels)
    return getattr(analytics, name)(h)


def node_sizes(values: dict[str, float]) -> dict[str, float]:
    """Sizes between MIN_SIZE and MAX_SIZE, proportional to the score.

    >>> node_sizes({"a": 0, "b": 2, "c": 4})
    {'a': 10.0, 'b': 26.0, 'c': 42.0}
    """
    if not values:
        return {}
    top = max(values.values()) or 1.0
    return {k: round(MIN_SIZE + (MAX_SIZE - MIN_SIZE) * (v / top), 1)
            for k, v in values.items()}


def community_colors(communities: list[dict]) -> dict[str, str]:
    """Node id -> the colour of its community (largest community first)."""
    out = {}
    for c in communities:
        for m in c["members"]:
            out[m["id"]] = PALETTE[c["id"] % len(PALETTE)]
    return out


def _role() -> str | None:
    """The signed-in user's role; None when nobody is signed in (single-user mode)."""
    return getattr(st.session_state.get(USER_KEY), "role", None)


def masked() -> bool:
    r = _role()
    return r is not None and not users.can(r, "see_personal")


def ref_text(ref: str) -> str:
    """A ref as shown: its key masked when it is personal data the role may not see."""
    r = _role()
    return users.mask_ref(ref, r) if r else ref


def _masked_text(text: str, refs) -> str:
    """`text` with the personal keys of `refs` masked (for a role that may not see them)."""
    for r in refs:
        if ref_text(r) != r:
            text = text.replace(r.split(":", 1)[1], users.MASK)
    return text


def top_frame(entries: list[dict]) -> pd.DataFrame:
    rows = [{"#": i + 1, t("analysis.entity"): str(e.get("caption") or e["id"]),
             t("analysis.label"): label_name(e["label"]), "ref": ref_text(e["id"]),
             t("analysis.score"): e["score"]} for i, e in enumerate(entries)]
    return pd.DataFrame(rows, columns=["#", t("analysis.entity"), t("analysis.label"), "ref",
                                       t("analysis.score")])


def _name(sub: Subgraph, ref: str) -> str:
    node = sub.nodes.get(ref)
    if node is None or ref_text(ref) != ref:
        return ref_text(ref)
    return describe(node)


# --- the page -----------------------------------------------------------------------
def _subgraph() -> tuple[Subgraph | None, str | None]:
    """The graph to analyse and its focus: the working graph, else a chosen
    entity's 2-hop neighbourhood."""
    ws = workspace()
    if ws.sub.nodes:
        st.caption(t("analysis.on_working", n=len(ws.sub.nodes), m=len(ws.sub.edges)))
        return ws.sub, ws.focus
    st.caption(t("analysis.empty_working", hops=HOPS))
    node = entity_picker("analysis", t("analysis.pick"))
    if node is None:
        return None, None
    kept = st.session_state.get(_SUB_KEY)
    if not kept or kept[0] != node.id:
        kept = (node.id, auth.act(actions.neighbours, state.get_store(), node.id, hops=HOPS))
        st.session_state[_SUB_KEY] = kept
    return kept[1], node.id


def _graph(sub: Subgraph, result: dict, focus: str | None, size_by: str, colour: bool,
           exclude) -> None:
    values = score_values(sub, size_by, exclude).values
    sizes = node_sizes(values)
    colours = community_colors(result["communities"]) if colour else {}
    data = graphview.view_data(sub, key=GRAPH_KEY, focus=focus, height=560,
                               filename=f"{GRAPH_KEY}.png")
    for n in data["nodes"]:
        if n.get("more_of"):
            continue
        if ref_text(n["id"]) != n["id"]:  # a personal key: neither caption nor tooltip shows it
            key = n["id"].split(":", 1)[1]
            n["label"] = users.MASK
            n["title"] = n["title"].replace(key, users.MASK)
        if n["id"] in sizes:
            n["size"] = sizes[n["id"]]
        if colour:
            n["color"] = colours.get(n["id"], OTHER_COLOR)
    if colour:
        data["legend"] = [{"text": t("analysis.community_n", i=c["id"] + 1, n=c["size"]),
                           "color": PALETTE[c["id"] % len(PALETTE)], "shape": "dot"}
                          for c in result["communities"][:len(PALETTE)]]
    graphview._component()(key=GRAPH_KEY, data=data, height=data["height"] + 40,
                           on_select_change=graphview._noop,
                           on_expand_change=graphview._noop)


def _scores(result: dict) -> None:
    st.subheader(t("analysis.top"))
    btw = result["betweenness"]
    if btw["approximate"]:
        st.info(t("analysis.approximate", k=btw["sample"], n=result["scored_nodes"]),
                icon=":material/info:")
    cols = st.columns(len(SCORES))
    for col, name in zip(cols, SCORES, strict=True):
        entries = result[name]["top"] if name == "betweenness" else result[name]
        col.markdown(f"**{t(f'analysis.score_{name}')}**")
        col.dataframe(top_frame(entries), hide_index=True, width="stretch")


def _structure(sub: Subgraph, result: dict) -> None:
    st.subheader(t("analysis.communities"))
    st.caption(t("analysis.components", n=len(result["components"]),
                 k=len(result["communities"])))
    rows = [{t("analysis.community"): c["id"] + 1, t("analysis.size"): c["size"],
             t("analysis.members"): ", ".join(str(m.get("caption") or m["id"])
                                              for m in c["members"][:8])
             + (" …" if c["size"] > 8 else "")} for c in result["communities"]]
    st.dataframe(pd.DataFrame(rows, columns=[t("analysis.community"), t("analysis.size"),
                                             t("analysis.members")]),
                 hide_index=True, width="stretch")
    a, b = st.columns(2)
    a.markdown(f"**{t('analysis.bridges')}**")
    a.caption(t("analysis.bridges_help"))
    a.dataframe(pd.DataFrame([(_name(sub, x), _name(sub, y)) for x, y in result["bridges"]],
                             columns=[t("analysis.end_a"), t("analysis.end_b")]),
                hide_index=True, width="stretch")
    b.markdown(f"**{t('analysis.articulation')}**")
    b.caption(t("analysis.articulation_help"))
    b.dataframe(pd.DataFrame([(_name(sub, r), r) for r in result["articulation_points"]],
                             columns=[t("analysis.entity"), "ref"]),
                hide_index=True, width="stretch")


def _risk(sub: Subgraph, focus: str | None) -> None:
    st.subheader(t("analysis.risk"))
    st.caption(t("analysis.risk_help"))
    refs = sorted(sub.nodes, key=lambda r: (sub.nodes[r].label, caption(sub.nodes[r])))
    if not refs:
        return
    if st.session_state.get("analysis_risk_ref") not in refs:
        st.session_state["analysis_risk_ref"] = focus if focus in refs else refs[0]
    ref = st.selectbox(t("analysis.risk_entity"), refs, key="analysis_risk_ref",
                       format_func=lambda r: _name(sub, r))
    if st.button(t("analysis.risk_go"), key="analysis_risk_go", icon=":material/shield:"):
        st.session_state[_RISK_KEY] = auth.act(actions.risk_scores, state.get_store(), [ref])[0]
    rs = st.session_state.get(_RISK_KEY)
    if rs is None or rs.ref != ref:
        return
    st.metric(t("analysis.risk_score"), f"{rs.score:g}",
              delta=t(f"analysis.band_{rs.band}"), delta_color="off")
    if not rs.contributions:
        st.caption(t("analysis.risk_none"))
        return
    rows = [{t("analysis.rule"): c.rule, t("analysis.points"): c.points,
             t("analysis.reason"): _masked_text(in_lang(c.reason, lang()), c.refs),
             t("analysis.refs"): ", ".join(ref_text(r) for r in c.refs)}
            for c in rs.contributions]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def render() -> None:
    st.title(t("analysis.title"))
    sub, focus = _subgraph()
    if sub is None:
        return
    if masked():
        sub, _ids = auth.shown_subgraph(sub)  # personal keys must not reach the browser
        st.caption(t("analysis.masked"))
    if not sub.edges:
        st.info(t("analysis.no_edges"), icon=":material/info:")
        _risk(sub, focus)
        return
    c1, c2, c3 = st.columns([2, 1, 1])
    size_by = c1.radio(t("analysis.size_by"), SCORES, horizontal=True, key="analysis_size_by",
                       format_func=lambda s: t(f"analysis.score_{s}"))
    colour = c2.toggle(t("analysis.colour"), value=True, key="analysis_colour")
    no_hubs = c3.toggle(t("analysis.no_hubs"), value=True, key="analysis_no_hubs",
                        help=", ".join(label_name(x) for x in analytics.hub_labels()))
    exclude = analytics.hub_labels() if no_hubs else []
    with st.spinner(t("analysis.running")):
        result = analytics.analyse(sub, top=TOP, exclude_labels=exclude)
    st.caption(t("analysis.scored", n=result["scored_nodes"], total=result["nodes"],
                 m=result["edges"]) + (" · " + md_escape(_name(sub, focus)) if focus else ""))
    _graph(sub, result, focus, size_by, colour, exclude)
    _scores(result)
    _structure(sub, result)
    _risk(sub, focus)
