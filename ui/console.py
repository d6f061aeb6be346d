"""The Cypher console: ad-hoc read-only queries with parameters."""

from __future__ import annotations

import json

import streamlit as st

from graph import actions
from graph.core.errors import QueryError, ReadOnlyError
from ui import auth, results, state
from ui.i18n import t

RESULT_KEY = "console_result"
EXAMPLE = ("MATCH (c:Container)<-[:COVERS]-(d:Declaration)<-[:DECLARED]-(co:Company)\n"
           "WHERE c.container_no = $container\n"
           "RETURN co, d, c LIMIT 25")
EXAMPLE_PARAMS = "container=WHSU5018375"


def parse_params(text: str) -> dict:
    """`k=v` lines (values read as JSON when they parse, else as text), or one
    JSON object. ValueError says what is wrong."""
    text = (text or "").strip()
    if not text:
        return {}
    if text.startswith("{"):
        try:
            value = json.loads(text)
        except json.JSONDecodeError as e:
            raise ValueError(f"JSON: {e}") from None
        if not isinstance(value, dict):
            raise ValueError("JSON parameters must be an object")
        return value
    out = {}
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if "=" not in line:
            raise ValueError(f"line {n}: expected k=v, got {line!r}")
        k, v = (x.strip() for x in line.split("=", 1))
        if not k.isidentifier():
            raise ValueError(f"line {n}: {k!r} is not a parameter name")
        try:
            out[k] = json.loads(v)
        except json.JSONDecodeError:
            out[k] = v
    return out


def render() -> None:
    st.title(t("console.title"))
    st.caption(t("console.intro"))
    ss = st.session_state
    ss.setdefault("console_cypher", EXAMPLE)
    ss.setdefault("console_params", EXAMPLE_PARAMS)
    left, right = st.columns([3, 1.3])
    left.text_area(t("console.query"), key="console_cypher", height=180)
    right.text_area(t("console.params"), key="console_params", height=180)
    a, b, c = st.columns([1, 1, 4], vertical_alignment="bottom")
    a.number_input(t("common.row_limit"), 1, 100000, state.ROW_LIMIT, key="console_limit")
    b.number_input(t("common.timeout"), 1, 600, state.TIMEOUT_S, key="console_timeout")
    if c.button(t("common.run"), type="primary", key="console_run", icon=":material/play_arrow:"):
        ss.pop(RESULT_KEY, None)
        try:
            params = parse_params(ss.console_params)
        except ValueError as e:
            st.error(t("console.bad_params", msg=str(e)), icon=":material/error:")
            return
        try:
            res = auth.act(actions.cypher, state.get_store(), ss.console_cypher, params,
                           limit=int(ss.console_limit), timeout_s=float(ss.console_timeout))
        except ReadOnlyError as e:
            st.error(t("console.readonly", msg=str(e)), icon=":material/block:")
            return
        except QueryError as e:
            st.error(t("common.error", msg=str(e)), icon=":material/error:")
            return
        ss[RESULT_KEY] = res
    res = ss.get(RESULT_KEY)
    if res is not None:
        results.show(res, key="console_res", filename="cypher.csv")
