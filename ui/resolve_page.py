"""Resolve: duplicate Persons and Companies an analyst accepts or rejects, the
merges accepted so far (undoable), and watchlist screening.

Records are never merged or edited: accepting writes a SAME_AS relationship
(graph.analysis.resolve.accept, with who decided and when), undo removes it. Every
decision goes to the audit trail (graph.records.audit, action "merge").

An uploaded watchlist can be kept as the stored one (graph.records.watchlist), which the
Overview screens for its alerts: an explicit button, for analysts and admins,
audited as "watchlist".
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from graph import actions
from graph.analysis import resolve, screen
from graph.core import schema
from graph.core.errors import CustomsGraphError
from graph.core.phrases import in_lang
from graph.core.schema import R
from graph.records import users
from graph.records import watchlist as stored_watchlist
from ui import auth, state
from ui.common import md_escape, said
from ui.i18n import lang, t

USER_KEY = "auth_user"  # session: the users.User signed in (when users are set up)
_PROPOSALS = "resolve_proposals"  # session: (store url, [Proposal]) last proposed
_REJECTED = "resolve_rejected"  # session: pairs rejected in this session
_MSG = "resolve_msg"  # session: (kind, text) of the last decision
_SCREEN = "resolve_screen"  # session: (file id, ScreenResult)
_WATCH_MSG = "resolve_watch_msg"  # session: the message of the last watchlist save
MAX_WATCHLIST_BYTES = 5_000_000


def who() -> str:
    """The signed-in user's name, else the local user's."""
    user = st.session_state.get(USER_KEY)
    name = getattr(user, "name", None) or (user if isinstance(user, str) else None)
    return str(name).strip() if name and str(name).strip() else users.local_user_name()


def role() -> str | None:
    """The signed-in user's role; None when nobody is signed in (single-user mode)."""
    return getattr(st.session_state.get(USER_KEY), "role", None)


def allowed(action: str) -> bool:
    r = role()
    return r is None or users.can(r, action)


def _pair_text(a: str, b: str, score=None) -> str:
    text = f"{a} ↔ {b}"
    return text if score is None else f"{text} ({score:g})"


def proposals_frame(props) -> pd.DataFrame:
    rows = [{t("resolve.record_a"): p.a_ref, t("resolve.record_b"): p.b_ref,
             t("resolve.score"): p.score, t("resolve.evidence"): said(p.evidence)}
            for p in props]
    return pd.DataFrame(rows, columns=[t("resolve.record_a"), t("resolve.record_b"),
                                       t("resolve.score"), t("resolve.evidence")])


def accepted_merges(store) -> list[dict]:
    """The SAME_AS links in the store: who decided, when, with what score."""
    rt = R.SAME_AS
    out = []
    for a, b in rt.ends:
        la, lb = schema.label(a), schema.label(b)
        _, rows = store.read(
            f"MATCH (x:{la.name})-[r:{rt.name}]->(y:{lb.name}) "
            f"RETURN x.{la.key}, y.{lb.key}, r.score, r.decided_by, r.decided_at "
            f"ORDER BY x.{la.key}, y.{lb.key}")
        out += [{"a": schema.make_ref(la.name, x), "b": schema.make_ref(lb.name, y),
                 "score": s, "by": by, "at": at} for x, y, s, by, at in rows]
    return out


# --- proposals ------------------------------------------------------------------------
def _proposals(store, url: str) -> list:
    kept = st.session_state.get(_PROPOSALS)
    if not kept or kept[0] != url:
        with st.spinner(t("resolve.proposing")):
            kept = (url, auth.act(actions.resolve_list, store, list(resolve.RESOLVABLE)))
        st.session_state[_PROPOSALS] = kept
    rejected = st.session_state.setdefault(_REJECTED, set())
    return [p for p in kept[1] if frozenset((p.a_ref, p.b_ref)) not in rejected]


def _forget(a: str, b: str) -> None:
    kept = st.session_state.get(_PROPOSALS)
    if kept:
        st.session_state[_PROPOSALS] = (kept[0], [p for p in kept[1]
                                                  if {p.a_ref, p.b_ref} != {a, b}])


def _decide(store, p, accepted: bool) -> None:
    """Through the door: decided by the signed-in user, recorded there."""
    if accepted:
        auth.act(actions.resolve_accept, store, p.a_ref, p.b_ref, score=p.score)
        _forget(p.a_ref, p.b_ref)
    else:
        auth.act(actions.resolve_reject, p.a_ref, p.b_ref, score=p.score)
        st.session_state.setdefault(_REJECTED, set()).add(frozenset((p.a_ref, p.b_ref)))
    st.session_state[_MSG] = ("success" if accepted else "info", t(
        "resolve.accepted_msg" if accepted else "resolve.rejected_msg",
        pair=_pair_text(p.a_ref, p.b_ref)))


def _show_proposals(store, url: str) -> None:
    st.subheader(t("resolve.proposals"))
    st.caption(t("resolve.proposals_help"))
    if st.button(t("resolve.refresh"), key="resolve_refresh", icon=":material/refresh:"):
        st.session_state.pop(_PROPOSALS, None)
    props = _proposals(store, url)
    msg = st.session_state.pop(_MSG, None)
    if msg:
        (st.success if msg[0] == "success" else st.info)(md_escape(msg[1]))
    if not props:
        st.caption(t("resolve.none"))
        return
    st.dataframe(proposals_frame(props), hide_index=True, width="stretch")
    by_pair = {_pair_text(p.a_ref, p.b_ref): p for p in props}
    if st.session_state.get("resolve_pick") not in by_pair:
        st.session_state.pop("resolve_pick", None)
    choice = st.selectbox(t("resolve.pick", n=len(props)), list(by_pair), key="resolve_pick",
                          format_func=lambda k: _pair_text(by_pair[k].a_ref, by_pair[k].b_ref,
                                                           by_pair[k].score))
    p = by_pair[choice]
    st.markdown("\n".join(f"- {md_escape(in_lang(e, lang()))}" for e in p.evidence))
    a, b, _ = st.columns([1, 1, 4])
    if a.button(t("resolve.accept"), key="resolve_accept", type="primary",
                icon=":material/merge:"):
        _decide(store, p, True)
        st.rerun()
    if b.button(t("resolve.reject"), key="resolve_reject", icon=":material/close:"):
        _decide(store, p, False)
        st.rerun()


def _show_merges(store) -> None:
    st.subheader(t("resolve.merges"))
    merges = auth.act(actions.merges, store, accepted_merges)
    if not merges:
        st.caption(t("resolve.no_merges"))
        return
    st.dataframe(pd.DataFrame([{t("resolve.record_a"): m["a"], t("resolve.record_b"): m["b"],
                                t("resolve.score"): m["score"], t("resolve.by"): m["by"],
                                t("resolve.at"): m["at"]} for m in merges]),
                 hide_index=True, width="stretch")
    by_pair = {_pair_text(m["a"], m["b"]): m for m in merges}
    if st.session_state.get("resolve_undo_pick") not in by_pair:
        st.session_state.pop("resolve_undo_pick", None)
    choice = st.selectbox(t("resolve.undo_pick"), list(by_pair), key="resolve_undo_pick")
    if st.button(t("resolve.undo"), key="resolve_undo", icon=":material/undo:"):
        m = by_pair[choice]
        auth.act(actions.resolve_undo, store, m["a"], m["b"])
        st.session_state.pop(_PROPOSALS, None)  # the pair may be proposed again
        st.session_state[_MSG] = ("info", t("resolve.undone_msg", pair=choice))
        st.rerun()


# --- screening ------------------------------------------------------------------------
def screen_bytes(store, data: bytes, name: str = "watchlist.csv") -> screen.ScreenResult:
    """Screen an uploaded watchlist (its bytes) against the store, through the door."""
    return auth.act(actions.screen_file, store, data, name=Path(name).name or "watchlist.csv")


def hits_frame(hits) -> pd.DataFrame:
    rows = [{t("resolve.line"): h.line, t("resolve.kind"): h.kind,
             t("resolve.watch"): h.watch, "ref": h.ref, t("resolve.name"): h.name,
             t("resolve.score"): h.score, t("resolve.evidence"): said(h.evidence)}
            for h in hits]
    return pd.DataFrame(rows, columns=[t("resolve.line"), t("resolve.kind"),
                                       t("resolve.watch"), "ref", t("resolve.name"),
                                       t("resolve.score"), t("resolve.evidence")])


def _show_screening(store) -> None:
    st.subheader(t("resolve.screening"))
    st.caption(t("resolve.screening_help", columns=", ".join(screen.COLUMNS)))
    up = st.file_uploader(t("resolve.watchlist"), type=["csv"], key="resolve_watchlist")
    if up is None:
        st.session_state.pop(_SCREEN, None)
        return
    if up.size > MAX_WATCHLIST_BYTES:
        st.error(t("resolve.too_big", mb=MAX_WATCHLIST_BYTES // 1_000_000))
        return
    kept = st.session_state.get(_SCREEN)
    if not kept or kept[0] != up.file_id:
        try:
            with st.spinner(t("resolve.screening_run")):
                result = screen_bytes(store, up.getvalue(), up.name)
        except CustomsGraphError as e:
            st.error(t("common.error", msg=md_escape(e)), icon=":material/error:")
            return
        kept = (up.file_id, result)
        st.session_state[_SCREEN] = kept
    result = kept[1]
    st.caption(t("resolve.screened", n=result.entries, k=len(result.hits)))
    if result.hits:
        st.dataframe(hits_frame(result.hits), hide_index=True, width="stretch")
    for p in result.problems:
        st.warning(md_escape(str(p)), icon=":material/warning:")
    _keep_watchlist(up.getvalue(), up.name, result)


def _keep_watchlist(data: bytes, name: str, result: screen.ScreenResult) -> None:
    """The stored watchlist, and the button that replaces it with the uploaded one."""
    msg = st.session_state.pop(_WATCH_MSG, None)
    if msg:
        st.success(msg, icon=":material/check:")
    try:
        current = stored_watchlist.load()
    except CustomsGraphError as e:  # unreadable: say so; saving replaces it
        current = None
        st.warning(md_escape(e), icon=":material/warning:")
    if current is None:
        st.caption(t("watch.none_stored"))
    else:
        st.caption(t("watch.about", file=md_escape(current.source), n=len(current.entries),
                     at=md_escape(current.saved_at), who=md_escape(current.saved_by),
                     sha=current.sha256[:12]))
    # The role is checked here, not only by the page: a viewer never gets the button.
    if not auth.can(stored_watchlist.PERMISSION):
        st.info(t("watch.role", role=auth.role()), icon=":material/lock:")
        return
    same = current is not None and current.sha256 == stored_watchlist.sha256(data)
    if same:
        st.caption(t("watch.is_stored"))
    st.caption(t("watch.save_help"))
    if st.button(t("watch.replace" if current else "watch.save"), key="resolve_watch_save",
                 icon=":material/bookmark_add:", disabled=same or not result.entries):
        new = auth.act(actions.watchlist_save, data, name)
        st.session_state[_WATCH_MSG] = t("watch.saved", file=md_escape(new.source),
                                         n=len(new.entries))
        st.rerun()


def render() -> None:
    st.title(t("resolve.title"))
    st.caption(t("resolve.intro", who=md_escape(who())))
    url = state.store_url()
    store = state.get_store()
    # Proposals, merges and hits show passport numbers and birth dates as evidence.
    if allowed("merge") and allowed("see_personal"):
        _show_proposals(store, url)
        _show_merges(store)
    else:
        st.info(t("resolve.role_merge", role=role()), icon=":material/lock:")
    if allowed("see_personal"):
        _show_screening(store)
    else:
        st.info(t("resolve.role_screen", role=role()), icon=":material/lock:")
