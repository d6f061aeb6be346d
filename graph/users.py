"""Users, roles and sign-in.

Users live in one local JSON file in the data folder (`users.json` beside the
graph and the duty log, or $CUSTOMS_GRAPH_USERS), each with a role and an
argon2id password hash (argon2-cffi's PasswordHasher: salted, never the
password itself).

Roles, each allowed what the one before is, and more:

    viewer   explore, search, run read-only queries; personal data masked
    analyst  also write the duty log, export, decide merges, see personal data
    admin    also load data, manage users, read the audit trail

`PERMISSIONS` is the one table of who may do what; `can(role, action)` reads it.

Single-user mode: while no user exists the local user (CUSTOMS_GRAPH_USER, else
the OS user name) is an admin and nobody signs in, so the quick start needs no
set-up. Once users exist, the command line signs in with CUSTOMS_GRAPH_USER and
CUSTOMS_GRAPH_PASSWORD.

Identity provider (OIDC) users: an admin registers the e-mail address (or the
subject id) the provider vouches for, with a role and no password
(`users add NAME --role R --oidc`); `oidc_user(claims)` maps a signed-in
identity to that user. An identity nobody registered is refused, never given a
default role. A user may be disabled (kept, for the trail, but refused sign-in).

Every change to the file is a read-modify-write under an exclusive lock on a
lock file beside it, so that processes changing users at once lose nothing.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import re
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from graph import schema
from graph.errors import CustomsGraphError
from graph.schema import REF, SEARCH

ENV_USERS = "CUSTOMS_GRAPH_USERS"
ENV_USER = "CUSTOMS_GRAPH_USER"
ENV_PASSWORD = "CUSTOMS_GRAPH_PASSWORD"
ENV_NEW_PASSWORD = "CUSTOMS_GRAPH_NEW_PASSWORD"  # for scripts: the password of `users add`
FILE_NAME = "users.json"
MIN_PASSWORD = 8
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
    "export": "export data", "merge": "decide merges", "load": "load data",
    "manage_users": "manage users", "audit_read": "read the audit trail",
}

_NAME = re.compile(r"^[\w][\w.@+-]{0,63}$")


class AuthError(CustomsGraphError):
    """Sign-in failed, a role is not allowed an action, or a user change is refused."""


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
    from graph.model import Node

    if can(role, "see_personal"):
        return node
    return Node(node.label, node.key, mask(node.properties, role, node.label))


def mask_subgraph(sub, role: str):
    from graph.model import Subgraph

    if can(role, "see_personal"):
        return sub
    return Subgraph({i: mask_node(n, role) for i, n in sub.nodes.items()}, dict(sub.edges),
                    dict(sub.left_out))


# --- the users file -------------------------------------------------------------------
def default_users_path() -> Path:
    env = os.environ.get(ENV_USERS)
    if env:
        return Path(env).expanduser()
    from graph.dutylog import data_dir

    return data_dir() / FILE_NAME


def local_user_name() -> str:
    """CUSTOMS_GRAPH_USER, else the OS user name."""
    name = (os.environ.get(ENV_USER) or "").strip()
    if name:
        return name
    try:
        return getpass.getuser() or "local"
    except Exception:  # noqa: BLE001 - no user name in this environment
        return "local"


def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()


_DUMMY_HASH: list[str] = []


def _dummy_hash() -> str:
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(_hasher().hash("not anybody's password"))
    return _DUMMY_HASH[0]


def check_name(name: str) -> str:
    n = (name or "").strip()
    if not _NAME.match(n):
        raise AuthError(f"bad user name {name!r}: 1-64 letters, digits or . _ @ + -")
    return n


def check_password(password: str | None) -> str:
    if not password or len(password) < MIN_PASSWORD:
        raise AuthError(f"the password must have at least {MIN_PASSWORD} characters")
    return password


def _user(name: str, entry: dict) -> User:
    return User(name, entry.get("role", "viewer"), oidc=bool(entry.get("oidc")))


try:
    import fcntl
except ImportError:  # Windows
    fcntl = None


@contextlib.contextmanager
def _exclusive(lock_path: Path) -> Iterator[None]:
    """An exclusive lock across processes, held while the block runs (flock on
    POSIX, the first byte locked on Windows; the lock file stays, empty, beside
    the users file)."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        else:
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_LOCK, 1)
        yield
    finally:
        # Closing the descriptor releases the lock, whatever the block did.
        os.close(fd)


class UserStore:
    """The users file. Reads it on every call, so several processes stay in step;
    every change reads, changes and replaces it (atomically, readable by its
    owner only) under one exclusive lock, so concurrent changes are never lost."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path).expanduser() if path else default_users_path()

    # --- file -----------------------------------------------------------------------
    @property
    def lock_path(self) -> Path:
        return self.path.with_name(self.path.name + ".lock")

    def _load(self) -> dict:
        try:
            raw = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except OSError as e:
            raise AuthError(f"cannot read the users file: {e.strerror or e}") from None
        try:
            data = json.loads(raw)
            users = data["users"]
            assert isinstance(users, dict)
        except (ValueError, KeyError, TypeError, AssertionError):
            raise AuthError(f"{self.path.name} is not a users file") from None
        return users

    def _save(self, users: dict) -> None:
        """Replace the file (call only while holding `_changing`)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {"format": 1, "users": dict(sorted(users.items()))}
        fd, tmp = tempfile.mkstemp(prefix=".users-", suffix=".json", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(data, f, ensure_ascii=False, indent=2)
                f.write("\n")
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @contextlib.contextmanager
    def _changing(self) -> Iterator[dict]:
        """The users, read under the lock; saved when the block ends without an
        error. Slow work (password hashing) belongs before, not inside."""
        try:
            with _exclusive(self.lock_path):
                users = self._load()
                yield users
                self._save(users)
        except OSError as e:
            raise AuthError(f"cannot change the users file: {e.strerror or e}") from None

    # --- reading ------------------------------------------------------------------------
    def users(self) -> list[User]:
        return [_user(n, u) for n, u in sorted(self._load().items())]

    def entries(self) -> dict[str, dict]:
        """name -> what the file says of the user, without the password hash."""
        return {n: {k: v for k, v in u.items() if k != "password_hash"}
                for n, u in sorted(self._load().items())}

    def is_empty(self) -> bool:
        return not self._load()

    def has_passwords(self) -> bool:
        """Whether any user signs in with a password (else the app offers only the
        identity provider)."""
        return any(u.get("password_hash") for u in self._load().values())

    def get(self, name: str) -> User:
        """The user, while they may sign in: AuthError when removed or disabled."""
        u = self._load().get(name)
        if u is None:
            raise AuthError(f"no user {name!r}")
        if u.get("disabled"):
            raise AuthError(f"user {name!r} is disabled")
        return _user(name, u)

    # --- changes --------------------------------------------------------------------------
    def add(self, name: str, role: str, password: str | None = None, *,
            oidc: bool = False) -> User:
        """A new user: with a password, or (oidc) with none, signing in through the
        identity provider as the e-mail address or subject id `name`."""
        from graph.dutylog import now_utc

        name, role = check_name(name), check_role(role)
        if oidc:
            if password:
                raise AuthError("an identity-provider user has no password here")
            entry = {"role": role, "oidc": True}
        else:
            entry = {"role": role, "password_hash": _hasher().hash(check_password(password))}
        with self._changing() as users:
            if name in users or (oidc and _oidc_match(users, name, name)):
                raise AuthError(f"user {name!r} exists already")
            if not users and role != "admin":
                raise AuthError("the first user must be an admin (until then the local user "
                                "is one, in single-user mode)")
            now = now_utc()
            users[name] = {**entry, "created": now, "changed": now}
        return User(name, role, oidc=oidc)

    def remove(self, name: str) -> None:
        with self._changing() as users:
            if name not in users:
                raise AuthError(f"no user {name!r}")
            rest = {n: u for n, u in users.items() if n != name}
            if rest and not _admins(rest):
                raise AuthError(f"{name!r} is the last admin: make another user admin first")
            del users[name]

    def set_role(self, name: str, role: str) -> User:
        from graph.dutylog import now_utc

        role = check_role(role)
        with self._changing() as users:
            if name not in users:
                raise AuthError(f"no user {name!r}")
            if (role != "admin" and users[name].get("role") == "admin"
                    and not _admins(users, besides=name)):
                raise AuthError(f"{name!r} is the last admin: make another user admin first")
            users[name].update(role=role, changed=now_utc())
            return _user(name, users[name])

    def set_password(self, name: str, password: str) -> None:
        from graph.dutylog import now_utc

        new_hash = _hasher().hash(check_password(password))
        with self._changing() as users:
            if name not in users:
                raise AuthError(f"no user {name!r}")
            if users[name].get("oidc"):
                raise AuthError(f"{name!r} signs in through the identity provider: it has no "
                                "password here")
            users[name].update(password_hash=new_hash, changed=now_utc())

    def set_disabled(self, name: str, disabled: bool = True) -> User:
        """Refuse (or allow again) a user's sign-in, keeping the user."""
        from graph.dutylog import now_utc

        with self._changing() as users:
            if name not in users:
                raise AuthError(f"no user {name!r}")
            if (disabled and users[name].get("role") == "admin"
                    and not _admins(users, besides=name)):
                raise AuthError(f"{name!r} is the last admin: make another user admin first")
            entry = users[name]
            entry.pop("disabled", None)
            if disabled:
                entry["disabled"] = True
            entry["changed"] = now_utc()
            return _user(name, entry)

    # --- sign-in ----------------------------------------------------------------------------
    def authenticate(self, name: str, password: str) -> User:
        """The user, if the password is theirs; else AuthError (the same message
        whether the name or the password is wrong, and about as slow)."""
        from argon2.exceptions import InvalidHashError, VerificationError

        name = (name or "").strip()
        u = self._load().get(name)
        stored = (u or {}).get("password_hash")
        ph = _hasher()
        try:
            ph.verify(stored or _dummy_hash(), password or "")
        except (VerificationError, InvalidHashError):
            raise AuthError("wrong user name or password") from None
        if not stored:  # no such user, or one of the identity provider's
            raise AuthError("wrong user name or password")
        if u.get("disabled"):
            raise AuthError(f"user {name!r} is disabled")
        if ph.check_needs_rehash(stored):  # stronger parameters since: upgrade
            new_hash = ph.hash(password)
            with self._changing() as users:
                if name in users and users[name].get("password_hash") == stored:
                    users[name]["password_hash"] = new_hash
        return _user(name, u)

    def oidc_user(self, claims: Mapping) -> User:
        """The registered user an identity provider's claims (st.user) name; AuthError
        for an identity nobody registered, a disabled one or a password user."""
        email = str(claims.get("email") or "").strip()
        sub = str(claims.get("sub") or "").strip()
        if claims.get("email_verified") is False:  # the provider does not vouch for it
            email = ""
        shown = email or sub
        if not shown:
            raise AuthError("the identity provider sent neither an e-mail address nor a "
                            "subject id")
        users = self._load()
        name = _oidc_match(users, email, sub)
        if name is None:
            if any((email and n.lower() == email.lower()) or n == sub for n in users):
                raise AuthError(f"{shown} signs in with a password here, not through the "
                                "identity provider")
            raise AuthError(f"{shown} is not registered: an admin must add it with "
                            f"`customs-graph users add {shown} --role viewer --oidc` "
                            "(or analyst, admin)")
        if users[name].get("disabled"):
            raise AuthError(f"user {name!r} is disabled")
        return _user(name, users[name])


def _admins(users: dict, besides: str | None = None) -> bool:
    """Whether an enabled admin is left other than `besides`."""
    return any(u.get("role") == "admin" and not u.get("disabled")
               for n, u in users.items() if n != besides)


def _oidc_match(users: dict, email: str, sub: str) -> str | None:
    """The identity-provider user registered as this e-mail address (matched
    case-blind, as mail systems do) or, else, as this subject id (exact)."""
    oidc = [n for n, u in users.items() if u.get("oidc")]
    if email:
        for n in oidc:
            if n.lower() == email.lower():
                return n
    if sub and sub in oidc:
        return sub
    return None


def oidc_user(claims: Mapping, path: str | Path | None = None) -> User:
    return UserStore(path).oidc_user(claims)


def authenticate(name: str, password: str, path: str | Path | None = None) -> User:
    return UserStore(path).authenticate(name, password)


def single_user(path: str | Path | None = None) -> bool:
    return UserStore(path).is_empty()


def cli_user(path: str | Path | None = None) -> User:
    """Who runs this command: the local admin in single-user mode, else the user
    that CUSTOMS_GRAPH_USER and CUSTOMS_GRAPH_PASSWORD sign in."""
    store = UserStore(path)
    if store.is_empty():
        return User(local_user_name(), "admin", local=True)
    name = (os.environ.get(ENV_USER) or "").strip()
    password = os.environ.get(ENV_PASSWORD) or ""
    if not name or not password:
        raise AuthError(f"sign-in required: users are set up, so set {ENV_USER} and "
                        f"{ENV_PASSWORD}")
    return store.authenticate(name, password)
