"""Roles, what each may do, and what a role sees masked.

Roles, each allowed what the one before is, and more:

    viewer   explore, search, run read-only queries; personal data masked
    analyst  also write the duty log, export, decide merges, see personal data
    admin    also load data, manage users, read the audit trail

`PERMISSIONS` is the one table of who may do what; `can(role, action)` reads it.
The users themselves live in graph/records/users.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graph.core import schema
from graph.core.errors import CustomsGraphError
from graph.core.schema import REF, SEARCH

MASK = "[masked]"
ROLES = ("viewer", "analyst", "admin")
_ALL, _ANALYST, _ADMIN = ROLES, ("analyst", "admin"), ("admin",)


# action -> the roles allowed it; the one table of permissions.
PERMISSIONS: dict[str, tuple[str, ...]] = {
    "use": _ALL,  # sign in: who am I, check a case package's manifest
    "explore": _ALL,  # search, neighbours, paths, timeline, map
    "query": _ALL,  # saved read-only queries, results masked for viewers
    "cypher": _ANALYST,  # ad-hoc Cypher: a RETURN p.passport_no would escape any masking
    "screen": _ANALYST,  # screen a watchlist file: a hit would confirm a passport number
    "see_personal": _ANALYST,  # unmasked passport numbers, birth dates, phones, emails, addresses
    "log_read": _ANALYST,  # read the duty log, verify it, hand over
    "log_write": _ANALYST,  # add duty log entries and corrections
    "export": _ANALYST,
    "investigate": _ANALYST,  # save, share, annotate and close investigations
    "merge": _ANALYST,  # accept or reject entity-resolution merges
    "load": _ADMIN,  # load data into the graph
    "bench": _ADMIN,  # benchmarks: empty and reload the stores given
    "serve": _ADMIN,  # start the app's server from the command line
    "manage_users": _ADMIN,
    "audit_read": _ADMIN,
}


_ACTION_TEXT = {
    "use": "use customs-graph", "cypher": "run ad-hoc Cypher", "screen": "screen watchlists",
    "bench": "run benchmarks", "serve": "serve the app",
    "explore": "explore the graph", "query": "run queries", "see_personal": "see personal data",
    "log_read": "read the duty log", "log_write": "write duty log entries",
    "export": "export data", "investigate": "change investigations",
    "merge": "decide merges", "load": "load data",
    "manage_users": "manage users", "audit_read": "read the audit trail",
}


class AuthError(CustomsGraphError):
    """Sign-in failed, a role is not allowed an action, or a user change is refused."""


class NotAllowed(AuthError):
    """An action's own access rule refuses this user (an investigation not shared with
    them): the door records it as refused, like its role check."""


class LockedOut(AuthError):
    """Too many failed sign-ins for a name: refused for now, whatever the password."""


@dataclass(frozen=True)
class User:
    name: str
    role: str
    local: bool = False  # single-user mode: the local user, nobody signed in
    oidc: bool = False  # signs in through the identity provider, has no password

    def can(self, action: str) -> bool:
        return can(self.role, action)

    def to_json(self) -> dict:
        return {"name": self.name, "role": self.role, "single_user_mode": self.local,
                "sign_in": "oidc" if self.oidc else "password"}

_NAME = re.compile(r"^[\w][\w.@+-]{0,63}$")  # a user name


# --- permissions ----------------------------------------------------------------------
def check_role(role: str) -> str:
    r = (role or "").strip().lower()
    if r not in ROLES:
        raise AuthError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    return r


def can(role: str, action: str) -> bool:
    """Whether `role` may do `action` (a key of PERMISSIONS)."""
    if action not in PERMISSIONS:
        raise AuthError(f"unknown action {action!r}; known: {', '.join(PERMISSIONS)}")
    return check_role(role) in PERMISSIONS[action]


def require(user: User, action: str) -> User:
    """`user` if allowed `action`, else AuthError saying who may."""
    if not can(user.role, action):
        roles = " or ".join(PERMISSIONS[action])
        raise AuthError(f"{user.name} ({user.role}) may not {_ACTION_TEXT[action]}: "
                        f"the {roles} role is needed")
    return user


# --- masking --------------------------------------------------------------------------
def _key_personal(lb) -> bool:
    """Whether a label's key is personal data: a personal property itself (a phone
    number), or made from the personal property the label is shown by (an
    address's key is its text, folded)."""
    return lb.key in lb.personal or lb.caption in lb.personal


def _personal(label_name: str | None) -> set[str]:
    labels = [schema.label(label_name)] if label_name else list(schema.LABELS)
    out: set[str] = set()
    for lb in labels:
        out.update(lb.personal)
        if _key_personal(lb):  # the key is personal: so are the ref and the search text
            out.update((lb.key, REF, SEARCH))
        if set(lb.search) & set(lb.personal):
            out.add(SEARCH)
    return out


def mask(node_properties: dict, role: str, label: str | None = None) -> dict:
    """A copy of a node's properties with personal data (schema Label.personal)
    masked unless `role` may see it. The label comes from `label`, else from the
    properties' "ref"; unknown: every label's personal properties are masked."""
    props = dict(node_properties or {})
    if can(role, "see_personal"):
        return props
    if label is None and isinstance(props.get(REF), str) and ":" in props[REF]:
        label = props[REF].split(":", 1)[0]
    try:
        hidden = _personal(label)
    except CustomsGraphError:
        hidden = _personal(None)
    return {k: (MASK if k in hidden and v not in (None, "") else v) for k, v in props.items()}


def mask_ref(ref: str, role: str) -> str:
    """"Phone:+84…" -> "Phone:[masked]" for a role that may not see personal data."""
    if can(role, "see_personal") or ":" not in str(ref):
        return ref
    name = ref.split(":", 1)[0]
    try:
        lb = schema.label(name)
    except CustomsGraphError:
        return ref
    return f"{name}:{MASK}" if _key_personal(lb) else ref


def mask_node(node, role: str):
    """The Node with masked properties (its key and id are left for identity: show
    `mask_ref(node.id, role)` where the id is displayed)."""
    from graph.core.model import Node

    if can(role, "see_personal"):
        return node
    return Node(node.label, node.key, mask(node.properties, role, node.label))


def mask_subgraph(sub, role: str):
    from graph.core.model import Subgraph

    if can(role, "see_personal"):
        return sub
    return Subgraph({i: mask_node(n, role) for i, n in sub.nodes.items()}, dict(sub.edges),
                    dict(sub.left_out), dict(sub.left_out_by_type))


def _user(name: str, entry: dict) -> User:
    return User(name, entry.get("role", "viewer"), oidc=bool(entry.get("oidc")))

