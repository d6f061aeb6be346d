"""What every page shares: error handling, the sidebar, how entities read as text,
the entity picker."""

from __future__ import annotations

import functools
import logging

import pandas as pd
import streamlit as st

from graph.core import schema
from graph.core.errors import CustomsGraphError, StoreUnavailable
from graph.core.model import Node
from graph.core.phrases import in_lang
from graph.core.schema import REF, SEARCH, SOURCE
from ui import state
from ui.escape import md_escape as md_escape  # kept here for the pages
from ui.i18n import LANGS, MESSAGES, STATE_KEY, label_name, lang, t

log = logging.getLogger(__name__)


def caption(node: Node, width: int = 0) -> str:
    lb = schema.label(node.label)
    text = node.properties.get(lb.caption) or node.key
    text = str(text)
    if width and len(text) > width:
        text = text[: width - 1] + "…"
    return text


def describe(node: Node) -> str:
    """One line naming an entity: label, caption and key (personal data masked
    for a role that may not see it)."""
    from ui import auth

    node = auth.mask_node(node)
    key = auth.mask_key(node)
    cap = caption(node)
    if cap == node.key:
        cap = key
    head = f"{label_name(node.label)} · {cap}"
    return head if cap == key else f"{head} · {key}"


def ordered_properties(node: Node) -> list[tuple[str, object]]:
    """The node's properties as the schema lists them, `source` last; the
    internal search text and ref left out."""
    lb = schema.label(node.label)
    order = {p: i for i, p in enumerate(lb.props)}
    items = [(k, v) for k, v in node.properties.items()
             if k not in (SEARCH, REF) and v not in (None, "")]
    return sorted(items, key=lambda kv: (kv[0] == SOURCE, order.get(kv[0], len(order))))


def said_each(texts) -> list[str]:
    """Sentences of the analysis (graph.core.phrases) in the app's language."""
    return [in_lang(x, lang()) for x in texts]


def said(texts, sep: str = "; ") -> str:
    return sep.join(said_each(texts))


def properties_frame(node: Node) -> pd.DataFrame:
    """The node's property table, personal data masked for a role that may not see it."""
    from ui import auth

    rows = [(k, str(v)) for k, v in ordered_properties(auth.mask_node(node))]
    return pd.DataFrame(rows, columns=[t("common.property"), t("common.value")])


def properties_table(node: Node) -> None:
    """The property table with every value whole (wrapped, never cut)."""
    st.table(properties_frame(node).set_index(t("common.property")))


# --- errors -------------------------------------------------------------------
def run_page(render) -> None:
    """Run a page; errors become messages, never tracebacks."""
    try:
        render()
    except StoreUnavailable as e:
        show_unavailable(e)
    except CustomsGraphError as e:
        st.error(t("common.error", msg=str(e)), icon=":material/error:")
    except Exception as e:  # noqa: BLE001 - the analyst sees a message, the log the rest
        log.exception("page failed")
        st.error(t("common.unexpected", msg=f"{type(e).__name__}: {e}"),
                 icon=":material/error:")


def show_unavailable(e: Exception) -> None:
    st.error(t("common.store_down", msg=str(e)), icon=":material/cloud_off:")
    st.caption(t("common.store_down_help"))
    if st.button(t("common.retry"), key="retry_store", icon=":material/refresh:"):
        state.forget_store()
        st.rerun()


# --- sidebar ------------------------------------------------------------------
def language_switch() -> None:
    if STATE_KEY not in st.session_state:
        st.session_state[STATE_KEY] = "en"
    st.sidebar.selectbox(t("sidebar.language"), list(LANGS), format_func=LANGS.get,
                         key=STATE_KEY)


def sidebar_store() -> None:
    sb = st.sidebar
    url = state.store_url()
    sb.caption(t("sidebar.store"))
    sb.code(url, language=None, wrap_lines=True)
    try:
        from ui import auth

        c = auth.counts()
    except CustomsGraphError as e:
        sb.warning(t("sidebar.unavailable") + ": " + md_escape(e), icon=":material/cloud_off:")
    else:
        n = sum(c["nodes"].values())
        m = sum(c["relationships"].values())
        a, b = sb.columns(2)
        a.metric(t("sidebar.nodes"), f"{n:,}")
        b.metric(t("sidebar.rels"), f"{m:,}")
    if sb.button(t("sidebar.refresh"), icon=":material/refresh:", key="refresh_counts"):
        st.session_state.pop("door_done", None)
        st.rerun()


def sidebar_working() -> None:
    """The working graph's size; app.py calls it after the page ran, so that what
    the page just added is counted at once."""
    from ui.workspace import workspace

    ws = workspace()
    st.sidebar.caption(t("sidebar.working") + " · " + t(
        "common.nodes_edges", n=len(ws.sub.nodes), m=len(ws.sub.edges)))


# --- widgets --------------------------------------------------------------------
def entity_picker(key: str, label: str, default: str = "") -> Node | None:
    """A search box and the matches to choose from; the chosen Node or None."""
    if f"{key}_q" not in st.session_state:
        st.session_state[f"{key}_q"] = default
    q = st.text_input(label, key=f"{key}_q", placeholder=t("common.search_ph"))
    if not q.strip():
        return None
    from graph import actions
    from ui import auth

    # Through the door: checked, masked, recorded once per search (not per rerun).
    res = auth.act_once(f"{key}_search", actions.search, state.get_store(), q.strip(),
                        limit=state.SEARCH_LIMIT)
    if not res.results:
        st.caption(t("common.no_match", q=md_escape(q.strip())))
        return None
    by_id = {h.node.id: h for h in res.results}
    if st.session_state.get(f"{key}_pick") not in by_id:
        st.session_state.pop(f"{key}_pick", None)
    shown = len(res.results)
    title = (t("common.results", n=shown) if shown == res.total and not res.truncated
             else t("common.results_of", n=shown, total=f"{res.total}"
                    + ("+" if res.truncated else "")))
    choice = st.selectbox(title, list(by_id), key=f"{key}_pick",
                          format_func=lambda i: f"{describe(by_id[i].node)} · "
                                                f"{match_text(by_id[i].match)}")
    return by_id[choice].node if choice in by_id else None


def match_text(match: str) -> str:
    """Why a search result matched, in the app's language ("exact passport_no")."""
    if match.startswith("exact "):
        return f"{t('match.exact')} {match.split(' ', 1)[1]}"
    key = "match." + match.replace(" ", "_")
    return t(key) if key in MESSAGES else match


def label_options() -> list[str]:
    return [lb.name for lb in schema.LABELS]


def rel_options() -> list[str]:
    return [rt.name for rt in schema.REL_TYPES]


def app_icon():
    """The favicon, drawn here: a named icon would be fetched from a font CDN."""
    return _icon()


@functools.cache
def _icon():
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    pts = [(14, 16), (50, 22), (30, 50)]
    for a in pts:
        for b in pts:
            d.line([a, b], fill=(31, 95, 139, 255), width=4)
    for (x, y), c in zip(pts, ((78, 121, 167), (225, 87, 89), (242, 142, 43)), strict=True):
        d.ellipse([x - 9, y - 9, x + 9, y + 9], fill=(*c, 255), outline=(27, 38, 49, 255), width=2)
    return img


_STYLE = """
<style>
.block-container { padding-top: 2.2rem; padding-bottom: 2rem; padding-left: 2rem;
                   padding-right: 2rem; max-width: none; }
/* Texts an analyst must read whole wrap instead of being cut. */
[data-testid="stTable"] table { table-layout: fixed; width: 100%; }
[data-testid="stTable"] th:first-child { width: 38%; }
[data-testid="stTable"] td, [data-testid="stTable"] th { vertical-align: top; }
[data-testid="stTable"] td *, [data-testid="stTable"] th * { white-space: normal !important;
  overflow-wrap: anywhere !important; word-break: break-word !important; }
h1 { font-size: 2rem !important; padding-bottom: 0.2rem !important; }
h3 { font-size: 1.2rem !important; }
[data-testid="stSidebarContent"] code { font-size: 0.72rem; }
</style>
"""


def page_style() -> None:
    """A denser look for a workbench (constant CSS, no data)."""
    st.html(_STYLE)
