"""Who uses the app: the sign-in gate, the signed-in user's role, masking for
viewers and the audit trail.

Single-user mode (no users file, or no users in it): nobody signs in and the
local user (graph.users.local_user_name) is an admin. Once a user exists, every
page asks for sign-in first (app.py calls `gate()`); the user signed in is kept
in st.session_state["auth_user"].

Pages ask here, never graph.users directly, so that the role is read once a run:
    auth.can("export")           may the user export?
    auth.mask_node(node)         the node as the user may see it
    auth.record("query", {...})  one audit record, by the user
"""

from __future__ import annotations

import logging

import streamlit as st

from graph import audit, users
from graph.model import Node, Subgraph
from ui.i18n import STATE_KEY, t

log = logging.getLogger(__name__)

USER_KEY = "auth_user"  # session: the users.User signed in (when users are set up)
_NOW_KEY = "auth_now"  # session: the user of the current run, set by gate()
_WHERE = "app"


# --- who ------------------------------------------------------------------------------
def current_user() -> users.User | None:
    """The local admin in single-user mode, else whoever signed in this session
    (with the role the users file gives them now; None once they are removed)."""
    if users.single_user():
        return users.User(users.local_user_name(), "admin", local=True)
    u = st.session_state.get(USER_KEY)
    if not isinstance(u, users.User):
        return None
    try:
        now = users.UserStore().get(u.name)
    except users.AuthError:
        st.session_state.pop(USER_KEY, None)
        return None
    if now != u:
        st.session_state[USER_KEY] = now
    return now


def user() -> users.User | None:
    """The user of this run: what gate() found, else looked up now."""
    u = st.session_state.get(_NOW_KEY)
    return u if isinstance(u, users.User) else current_user()


def role() -> str:
    """The user's role; a viewer's (the least) when nobody signed in."""
    u = user()
    return u.role if u is not None else "viewer"


def who() -> str:
    u = user()
    return u.name if u is not None else users.local_user_name()


def can(action: str) -> bool:
    return users.can(role(), action)


def require(action: str) -> users.User:
    """The user, if signed in (or in single-user mode) and allowed `action`; else
    users.AuthError (the page shows it as a message)."""
    u = user()
    if u is None:
        raise users.AuthError("sign-in required: users are set up")
    return users.require(u, action)


# --- masking --------------------------------------------------------------------------
_PERSONAL_PROPS = None


def _personal_props() -> set[str]:
    global _PERSONAL_PROPS
    if _PERSONAL_PROPS is None:
        from graph import schema

        _PERSONAL_PROPS = {p for lb in schema.LABELS for p in lb.personal}
    return _PERSONAL_PROPS


def masks() -> bool:
    """Whether personal data is masked for this user."""
    return not can("see_personal")


def mask_node(node: Node) -> Node:
    return users.mask_node(node, role())


def mask_subgraph(sub: Subgraph) -> Subgraph:
    return users.mask_subgraph(sub, role())


def mask_ref(ref: str) -> str:
    return users.mask_ref(ref, role())


def mask_key(node: Node) -> str:
    """The node's key, or the mask when the key itself is personal (a phone number)."""
    ref = mask_ref(node.id)
    return ref.split(":", 1)[1] if ref != node.id else node.key


def personal_column(name) -> bool:
    """A result column that reads a personal property (`p.passport_no`)."""
    return str(name).rsplit(".", 1)[-1] in _personal_props()


# --- audit ----------------------------------------------------------------------------
def record(action: str, details: dict) -> None:
    """One audit record by this user. A trail that cannot be written stops the
    action with a message (graph.dutylog.LogError, a CustomsGraphError)."""
    audit.record(action, who(), {**details, "where": _WHERE})


# --- sign-in --------------------------------------------------------------------------
def sign_in_form(key: str = "auth") -> None:
    """The sign-in form; signs the user in and reruns the page on success."""
    st.info(t("auth.sign_in_help"), icon=":material/lock:")
    with st.form(f"{key}_form", border=True):
        name = st.text_input(t("auth.name"), key=f"{key}_name")
        password = st.text_input(t("auth.password"), type="password", key=f"{key}_password")
        if not st.form_submit_button(t("auth.sign_in"), type="primary", key=f"{key}_submit",
                                     icon=":material/login:"):
            return
    try:
        u = users.authenticate(name, password)
    except users.AuthError:
        audit.record("sign_in", (name or "").strip() or "?", {"ok": False, "where": _WHERE})
        st.error(t("auth.failed"), icon=":material/error:")
        return
    audit.record("sign_in", u.name, {"ok": True, "where": _WHERE})
    st.session_state.pop(f"{key}_password", None)
    st.session_state[USER_KEY] = u
    st.rerun()


def sign_out() -> None:
    """Forget the user and everything this session holds (the working graph,
    results), keeping the language."""
    lang = st.session_state.get(STATE_KEY)
    for k in list(st.session_state.keys()):
        del st.session_state[k]
    if lang is not None:
        st.session_state[STATE_KEY] = lang


def sidebar(u: users.User) -> None:
    sb = st.sidebar
    if u.local:
        sb.caption(t("auth.single", name=u.name))
        return
    sb.caption(t("auth.signed_in", name=u.name, role=t(f"auth.role.{u.role}")))
    sb.button(t("auth.sign_out"), key="auth_sign_out", icon=":material/logout:",
              on_click=sign_out)


def gate() -> users.User | None:
    """Every page's gate (app.py): the user, with their name and a sign-out
    button in the sidebar; or the sign-in form and None."""
    try:
        u = current_user()
    except users.AuthError as e:  # an unreadable users file: nobody gets in
        st.session_state.pop(_NOW_KEY, None)
        st.error(t("common.error", msg=str(e)), icon=":material/error:")
        return None
    if u is None:
        st.session_state.pop(_NOW_KEY, None)
        st.title(t("app.title"))
        st.caption(t("app.tagline"))
        sign_in_form()
        return None
    st.session_state[_NOW_KEY] = u
    sidebar(u)
    return u
