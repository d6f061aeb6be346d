"""Who uses the app: the sign-in gate, the signed-in user's role, masking for
viewers and the audit trail.

Single-user mode (a recorded choice in the users file; graph.records.users): nobody signs
in and the local user, the OS account (graph.records.users.local_user_name), is an admin.
Otherwise every page asks for sign-in first (app.py calls `gate()`); the user
signed in is kept in st.session_state["auth_user"]. Password sign-in goes through
graph.records.users.sign_in (lockout, audited).

Two ways in: a password from the users file, or, where .streamlit/secrets.toml
has an [auth] section, the organisation's identity provider (Streamlit's
st.login, OIDC). A provider's identity is only let in when an admin registered
it (`customs-graph users add EMAIL --role R --oidc`); its role comes from the
users file, never from the provider.

Pages do their work through the door (graph/actions), as the user of this run:
    auth.act(actions.neighbours, store, ref)   checked, masked and recorded there
    auth.act_once(key, actions.counts, store)  the same, kept for this session's reruns
    auth.can("export")           a convenience (hide a button); the door still checks
    auth.mask_node(node)         the node as the user may see it (display)
"""

from __future__ import annotations

import importlib.util
import logging
from urllib.parse import urlparse

import streamlit as st

from graph.core.model import Edge, Node, Subgraph
from graph.records import audit, users
from ui import state
from ui.escape import md_escape
from ui.i18n import STATE_KEY, t

log = logging.getLogger(__name__)

USER_KEY = "auth_user"  # session: the users.User signed in (when users are set up)
_NOW_KEY = "auth_now"  # session: the user of the current run, set by gate()
_REFUSED_KEY = "auth_oidc_refused"  # session: the provider identity refused (audited once)
_WHERE = "app"
_PROVIDER_KEYS = ("client_id", "server_metadata_url")


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
    """Whether to offer something (a button, a tab): a convenience, never the check."""
    return users.can(role(), action)


# --- the door -------------------------------------------------------------------------
_MASKER_KEY = "door_masker"  # session: the pseudonyms given to this session's user
_DONE_KEY = "door_done"  # session: results kept for reruns, per page key


def _masker():
    from graph.actions import Masker

    m = st.session_state.get(_MASKER_KEY)
    if not isinstance(m, Masker) or m.role != role():
        m = st.session_state[_MASKER_KEY] = Masker(role())
    return m


def act(door, *args, **kw):
    """Call an action (graph/actions) as this run's user: the door checks the role,
    masks the result (with this session's pseudonyms) and records it."""
    return door(user(), *args, masker=_masker(), where=_WHERE, **kw)


def act_once(key: str, door, *args, version=None, **kw):
    """`act`, kept in this session for the same call, user and `version` (what makes
    the answer stale): a rerun shows it again without running (or recording) it twice."""
    import hashlib

    call = hashlib.sha256(repr((args, sorted(kw.items()), version)).encode()).hexdigest()
    sig = (door.action.name, who(), role(), call)
    done = st.session_state.setdefault(_DONE_KEY, {})
    if key not in done or done[key][0] != sig:
        done[key] = (sig, act(door, *args, **kw))
    return done[key][1]


def download(what: str, fmt: str, file: str, make, **details):
    """The `data` of a download button: a function Streamlit calls on the click, so
    the file is built (and recorded) only once the door lets the user have it."""
    from graph import actions

    u, m = user(), _masker()
    return lambda: actions.export_download(u, what, fmt, file, make, masker=m, where=_WHERE,
                                           **details)


class _DoorStore:
    """What the working graph needs of a store (`expand`), through the door."""

    def __init__(self, store):
        self._store = store

    def expand(self, nodes, labels=(), rel_types=(), cap=25, order="key"):
        from graph import actions

        return act(actions.expand, self._store, list(nodes), labels=labels,
                   rel_types=rel_types, cap=cap, order=order)


def door_store() -> _DoorStore:
    return _DoorStore(state.get_store())


# --- masking --------------------------------------------------------------------------
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


def shown_subgraph(sub: Subgraph) -> tuple[Subgraph, dict[str, str]]:
    """The subgraph as this user may see it, and {node id: id shown} for the ids
    changed. For a role that may not see personal data the properties are masked
    and a node whose key is personal (a phone number, an e-mail address) becomes
    "Phone:[masked] 1", …: its key would otherwise reach the browser as the node's
    id. The working graph itself keeps the real nodes."""
    if not masks():
        return sub, {}
    r = role()
    ids: dict[str, str] = {}
    seen: dict[str, int] = {}
    nodes: dict[str, Node] = {}
    for nid in sorted(sub.nodes):
        n = users.mask_node(sub.nodes[nid], r)
        if users.mask_ref(nid, r) != nid:
            seen[n.label] = seen.get(n.label, 0) + 1
            n = Node(n.label, f"{users.MASK} {seen[n.label]}", n.properties)
            ids[nid] = n.id
        nodes[n.id] = n
    edges: dict = {}
    for e in sub.edges.values():
        shown = Edge(ids.get(e.source, e.source), ids.get(e.target, e.target), e.type,
                     e.properties)
        edges[shown.id] = shown
    left_out = {ids.get(k, k): v for k, v in sub.left_out.items()}
    by_type = {ids.get(k, k): v for k, v in sub.left_out_by_type.items()}
    return Subgraph(nodes, edges, left_out, by_type), ids


def personal_column(name) -> bool:
    """A result column that reads a personal property (`p.passport_no`): the door's rule."""
    from graph.actions.masking import personal_column as door_rule

    return door_rule(name)


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
        u = users.sign_in(name, password, where=_WHERE)  # locks out, audits both ways
    except users.LockedOut as e:
        st.error(t("common.error", msg=str(e)), icon=":material/error:")
        return
    except users.AuthError:
        st.error(t("auth.failed"), icon=":material/error:")
        return
    st.session_state.pop(f"{key}_password", None)
    st.session_state[USER_KEY] = u
    st.rerun()


# --- sign-in through the identity provider (OIDC) -------------------------------------
def oidc_providers() -> list[tuple[str | None, str]]:
    """(provider for st.login, name on the button) of each identity provider the
    [auth] section of .streamlit/secrets.toml sets up; [] when it has none. None
    is Streamlit's default provider (its settings straight in [auth])."""
    try:
        # st.secrets is looked up now, not imported: AppTest swaps it per run.
        if not st.secrets.load_if_toml_exists():
            return []
        section = st.secrets.get("auth")
        label = (st.secrets.get("customs_graph") or {}).get("oidc_label")
    except Exception:  # noqa: BLE001 - unreadable secrets: no provider, said in the log
        log.warning("cannot read the [auth] section of the secrets", exc_info=True)
        return []
    if not hasattr(section, "get"):
        return []
    found: list[tuple[str | None, str]] = []
    if all(section.get(k) for k in _PROVIDER_KEYS):
        host = urlparse(str(section.get("server_metadata_url"))).hostname or "OIDC"
        found.append((None, str(label or host)))
    for name in section:  # named providers: [auth.microsoft], [auth.okta], …
        value = section.get(name)
        if hasattr(value, "get") and any(value.get(k) for k in _PROVIDER_KEYS):
            found.append((str(name), str(name).title()))
    return found


def _claims() -> dict:
    """What the identity provider said of the browser's user (st.user), or {}."""
    try:
        return dict(st.user.to_dict())
    except Exception:  # noqa: BLE001 - no identity outside a real session
        return {}


def oidc_sign_in(claims: dict) -> tuple[users.User | None, str]:
    """The user an identity provider signed in (`claims`: st.user), when an admin
    registered that identity; else (None, why). Audited: a success each time (the
    session then keeps the user), a refusal once a session."""
    who = str(claims.get("email") or claims.get("sub") or "?")
    try:
        u = users.oidc_user(claims)
    except users.AuthError as e:
        if st.session_state.get(_REFUSED_KEY) != who:  # once, not on every rerun
            audit.record("sign_in", who, {"ok": False, "method": "oidc", "reason": str(e),
                                          "where": _WHERE})
            st.session_state[_REFUSED_KEY] = who
        return None, str(e)
    audit.record("sign_in", u.name, {"ok": True, "method": "oidc", "where": _WHERE,
                                     **({"sub": str(claims["sub"])} if claims.get("sub")
                                        else {})})
    st.session_state.pop(_REFUSED_KEY, None)
    st.session_state[USER_KEY] = u
    return u, ""


def oidc_buttons(providers: list[tuple[str | None, str]]) -> None:
    """"Sign in with …" for each provider; st.login sends the browser there."""
    ready = importlib.util.find_spec("authlib") is not None
    if not ready:  # Streamlit needs Authlib for st.login
        st.warning(t("auth.oidc_no_authlib"), icon=":material/warning:")
    for i, (provider, label) in enumerate(providers):
        if st.button(t("auth.oidc_sign_in", provider=md_escape(label)), type="primary",
                     key=f"auth_oidc_{i}", icon=":material/badge:", disabled=not ready):
            try:
                st.login(provider)
            except Exception as e:  # noqa: BLE001 - a configuration error, shown to fix
                st.error(t("common.error", msg=md_escape(e)), icon=":material/error:")


def sign_out() -> None:
    """Forget the user and everything this session holds (the working graph,
    results), keeping the language."""
    lang = st.session_state.get(STATE_KEY)
    for k in list(st.session_state.keys()):
        del st.session_state[k]
    if lang is not None:
        st.session_state[STATE_KEY] = lang


def _sign_out_oidc() -> None:
    sign_out()
    st.logout()  # the provider's cookie too, else the next run signs straight back in


def sidebar(u: users.User) -> None:
    sb = st.sidebar
    if u.local:
        sb.caption(t("auth.single", name=u.name))
        return
    sb.caption(t("auth.signed_in", name=u.name, role=t(f"auth.role.{u.role}")))
    sb.button(t("auth.sign_out"), key="auth_sign_out", icon=":material/logout:",
              on_click=_sign_out_oidc if u.oidc else sign_out)


def gate() -> users.User | None:
    """Every page's gate (app.py): the user, with their name and a sign-out
    button in the sidebar; or the sign-in choices and None."""
    refused = ""
    try:
        u = current_user()
        providers = oidc_providers() if u is None else []
        claims = _claims() if providers else {}
        if u is None and claims.get("is_logged_in"):
            u, refused = oidc_sign_in(claims)
    except users.AuthError as e:  # an unreadable users file: nobody gets in
        st.session_state.pop(_NOW_KEY, None)
        st.error(t("common.error", msg=str(e)), icon=":material/error:")
        return None
    if u is None:
        st.session_state.pop(_NOW_KEY, None)
        st.title(t("app.title"))
        st.caption(t("app.tagline"))
        if refused:  # signed in at the provider, but not let in here
            st.error(t("auth.oidc_refused", msg=md_escape(refused)), icon=":material/block:")
            st.button(t("auth.oidc_other"), key="auth_oidc_logout", icon=":material/logout:",
                      on_click=st.logout)
        elif providers:
            oidc_buttons(providers)
        if not providers or users.UserStore().has_passwords():
            sign_in_form()
        return None
    st.session_state[_NOW_KEY] = u
    sidebar(u)
    return u


def counts() -> dict:
    """Nodes per label and relationships per type, through the door (kept for the
    session's reruns until refreshed)."""
    from graph import actions

    return act_once("counts", actions.counts, state.get_store())
