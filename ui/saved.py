"""Saved queries: the library, a form per query generated from its parameters."""

from __future__ import annotations

from datetime import date

import streamlit as st

from graph import actions
from graph.core import queries as saved
from graph.core.text import fold
from ui import auth, results, state
from ui.common import md_escape
from ui.i18n import lang, t

RESULT_KEY = "saved_result"


def widget_key(query_name: str, param_name: str) -> str:
    return f"sq_{query_name}_{param_name}"


def param_widget(q, p):
    """One form widget for a declared parameter; returns the value as the query
    expects it (dates as YYYY-MM-DD, lists as comma-separated text)."""
    key = widget_key(q.name, p.name)
    label = f"{p.name} ({p.type})"
    help_ = q.help_in(p.name, lang()) or None
    if p.type == "bool":
        return st.checkbox(label, value=bool(p.default), key=key, help=help_)
    if p.type == "int":
        value = int(p.default) if p.default is not None else None
        return st.number_input(label, value=value, step=1, key=key, help=help_)
    if p.type == "float":
        value = float(p.default) if p.default is not None else None
        return st.number_input(label, value=value, key=key, help=help_, format="%.4f")
    if p.type == "date":
        value = date.fromisoformat(p.default) if p.default else None
        d = st.date_input(label, value=value, key=key, help=help_, format="YYYY-MM-DD")
        return d.isoformat() if d else None
    if p.type == "list":
        default = ", ".join(p.default) if isinstance(p.default, list) else (p.default or "")
        return st.text_input(label, value=default, key=key, help=help_)
    return st.text_input(label, value=p.default or "", key=key, help=help_)


def _matches(q, text: str, tags: list[str]) -> bool:
    if tags and not set(tags) & set(q.tags):
        return False
    if not text:
        return True
    hay = fold(" ".join([q.name, q.title, q.description, q.title_in(lang()),
                         q.description_in(lang()), " ".join(q.tags)]))
    return all(w in hay for w in fold(text).split())


def render() -> None:
    st.title(t("saved.title"))
    st.caption(t("saved.intro"))
    found, errors = saved.load_all()
    if errors:
        with st.expander(t("saved.broken", n=len(errors)), icon=":material/warning:"):
            for e in errors:
                st.text(e)
    if not found:
        st.info(t("saved.none"), icon=":material/bookmarks:")
        return
    all_tags = sorted({tag for q in found.values() for tag in q.tags})
    a, b = st.columns([2, 2])
    text = a.text_input(t("saved.filter"), key="saved_filter")
    tags = b.multiselect(t("saved.tags"), all_tags, key="saved_tags")
    names = [n for n in sorted(found, key=lambda n: found[n].title_in(lang()).casefold())
             if _matches(found[n], text, tags)]
    if not names:
        st.caption(t("common.no_match", q=md_escape(text)))
        return
    left, right = st.columns([1, 2.4], gap="large")
    with left:
        name = st.radio(t("saved.query"), names, key="saved_pick",
                        format_func=lambda n: md_escape(found[n].title_in(lang())) + (
                            " :orange[:material/notifications_active:]" if found[n].alert
                            else ""))
    q = found[name]
    with right:
        st.subheader(q.title_in(lang()))
        meta = [f"`{q.name}`"] + [f":blue-badge[{md_escape(tag)}]" for tag in q.tags]
        if q.alert:
            meta.append(f":orange-badge[{t('saved.alert')}]")
        st.markdown(" ".join(meta))
        if q.description:
            st.markdown(md_escape(q.description_in(lang())))
        st.caption(t("saved.view", view=q.view))
        with st.expander(t("saved.cypher"), icon=":material/code:"):
            st.code(q.body(state.get_store().kind), language="cypher")
        with st.form(f"sq_form_{q.name}", border=True):
            if not q.params:
                st.caption(t("saved.no_params"))
            values = {}
            cols = st.columns(2) if len(q.params) > 1 else [st.container()]
            for i, p in enumerate(q.params):
                with cols[i % len(cols)]:
                    values[p.name] = param_widget(q, p)
            c1, c2 = st.columns([1, 1])
            limit = c1.number_input(t("common.row_limit"), 1, 100000, state.ROW_LIMIT,
                                    key=f"sq_limit_{q.name}")
            submitted = st.form_submit_button(t("common.run"), type="primary",
                                              icon=":material/play_arrow:")
        if submitted:
            st.session_state[RESULT_KEY] = (q.name, None)
            res = auth.act(actions.query, state.get_store(), q.name, values, limit=int(limit),
                           timeout_s=state.TIMEOUT_S)
            st.session_state[RESULT_KEY] = (q.name, res)
        done = st.session_state.get(RESULT_KEY)
        if done and done[0] == q.name and done[1] is not None:
            results.show(done[1], key=f"sq_res_{q.name}", filename=f"{q.name}.csv",
                         graph_first=q.view in ("graph", "paths"))
