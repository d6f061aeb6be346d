"""Users, roles and sign-in.

Users live in one local JSON file in the installation's state folder
(`users.json` beside the duty log; graph.records.paths says where, never the caller's
environment), each with a role and an argon2id password hash (argon2-cffi's
PasswordHasher: salted, never the password itself).

Roles, what each may do (`PERMISSIONS`, `can`) and masking: graph/records/roles.py.

Single-user mode: nobody signs in and the local user, the OS account running the
process (never a name from the environment), is an admin. It is a recorded
choice, kept in the users file (who, when, why) and the audit trail: on at the
first run of a fresh state (no users file, and none known to have existed) so
that the quick start needs no set-up, off once the first user is added, and
switched by an admin (`customs-graph users single-user on|off`). An installation
config may forbid it (graph.records.paths). Otherwise the command line signs in with
CUSTOMS_GRAPH_USER and CUSTOMS_GRAPH_PASSWORD.

Fail closed: a users file that is missing once one existed (the anchor file or
the audit trail beside it says so), unreadable or not a users file refuses
service with an AuthError; it never means single-user mode.

Password sign-in (`sign_in`, rate-limited and audited): graph/records/signin.py.

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
import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path

from graph.records.clock import now_utc
from graph.records.paths import (
    LOG_FILE,
    USERS_FILE,
    StateError,
    exclusive,
    os_user_name,
    write_json,
)
from graph.records.roles import (  # noqa: F401 - re-exported: callers import them here
    _NAME,
    MASK,
    PERMISSIONS,
    ROLES,
    AuthError,
    LockedOut,
    NotAllowed,
    User,
    _key_personal,
    _user,
    can,
    check_role,
    mask,
    mask_node,
    mask_ref,
    mask_subgraph,
    require,
)
from graph.records.signin import SignIn, _hasher, _oidc_match

ENV_USER = "CUSTOMS_GRAPH_USER"
ENV_PASSWORD = "CUSTOMS_GRAPH_PASSWORD"
ENV_NEW_PASSWORD = "CUSTOMS_GRAPH_NEW_PASSWORD"  # for scripts: the password of `users add`
FILE_NAME = USERS_FILE
MIN_PASSWORD = 8


# --- the users file -------------------------------------------------------------------
def default_users_path() -> Path:
    """users.json in the installation's state folder (graph.records.paths)."""
    from graph.records.paths import path

    try:
        return path(FILE_NAME)
    except StateError as e:
        raise AuthError(str(e)) from None


def local_user_name() -> str:
    """The OS account running this process: the local user of single-user mode."""
    return os_user_name()


def local_user() -> User:
    return User(local_user_name(), "admin", local=True)


def check_name(name: str) -> str:
    n = (name or "").strip()
    if not _NAME.match(n):
        raise AuthError(f"bad user name {name!r}: 1-64 letters, digits or . _ @ + -")
    return n


def check_password(password: str | None) -> str:
    if not password or len(password) < MIN_PASSWORD:
        raise AuthError(f"the password must have at least {MIN_PASSWORD} characters")
    return password


class UserStore(SignIn):
    """The users file. Reads it on every call, so several processes stay in step;
    every change reads, changes and replaces it (atomically, readable by its
    owner only) under one exclusive lock, so concurrent changes are never lost."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path).expanduser() if path else default_users_path()

    # --- file -----------------------------------------------------------------------
    @property
    def lock_path(self) -> Path:
        return self.path.with_name(self.path.name + ".lock")

    @property
    def log_path(self) -> Path:
        """The duty log (and audit trail) beside the users file."""
        return self.path.with_name(LOG_FILE)

    def _read(self) -> dict | None:
        """The whole file; None when there is none. AuthError when it cannot be
        read or is not a users file."""
        try:
            raw = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except UnicodeDecodeError:
            raise AuthError(f"{self.path} is not a users file; refusing service") from None
        except OSError as e:
            raise AuthError(f"cannot read the users file {self.path}: {e.strerror or e}; "
                            "refusing service") from None
        try:
            data = json.loads(raw)
            assert isinstance(data, dict) and isinstance(data["users"], dict)
            su = data.get("single_user")
            assert su is None or (isinstance(su, dict) and isinstance(su.get("on"), bool))
        except (ValueError, KeyError, TypeError, AssertionError):
            raise AuthError(f"{self.path} is not a users file; refusing service") from None
        return data

    def _missing(self) -> None:
        """AuthError when the users file is missing but is known to have existed."""
        from graph.records import anchor

        why = anchor.users_file_known(self.path)
        if why:
            raise AuthError(f"the users file {self.path} is missing, but {why}: refusing "
                            "service (restore it from a backup)")

    def _load(self) -> dict:
        data = self._read()
        if data is None:
            self._missing()
            return {}
        return data["users"]

    def _save(self, data: dict) -> None:
        """Replace the file (call only while holding the lock)."""
        new = not self.path.exists()
        write_json(self.path, {**data, "format": 1, "users": dict(sorted(data["users"].items()))})
        if new:
            from graph.records import anchor

            anchor.mark_users_file(self.path)

    @contextlib.contextmanager
    def _changing_file(self) -> Iterator[dict]:
        """The whole file, read under the lock (a fresh one when there is none and
        none is known to have existed); saved when the block ends without an error.
        Slow work (password hashing) belongs before, not inside."""
        try:
            with exclusive(self.lock_path):
                data = self._read()
                if data is None:
                    self._missing()
                    data = {"users": {}}
                yield data
                self._save(data)
        except OSError as e:
            raise AuthError(f"cannot change the users file: {e.strerror or e}") from None

    @contextlib.contextmanager
    def _changing(self) -> Iterator[dict]:
        """The users, as `_changing_file`."""
        with self._changing_file() as data:
            yield data["users"]

    def _audit(self, action: str, who: str, details: dict) -> None:
        from graph.records import audit

        audit.record(action, who, details, log=self.log_path)

    # --- single-user mode -------------------------------------------------------------------
    def single_user_on(self) -> bool:
        """Whether single-user mode is on. A fresh state (no users file, none known
        to have existed) has its first run here: the users file is made with
        single-user mode on (off where the installation forbids it), recorded.
        AuthError for a missing, unreadable or foreign users file, or when the
        file says on where the installation forbids it."""
        from graph.records.paths import install

        try:
            allowed = install().single_user_allowed
        except StateError as e:
            raise AuthError(str(e)) from None
        data = self._read()
        if data is None:
            data = self._first_run(allowed)
        su = data.get("single_user")
        on = su["on"] if su is not None else not data["users"]  # files from before the choice
        if on and not allowed:
            raise AuthError(f"the users file {self.path} says single-user mode is on, but "
                            "this installation does not allow it: refusing service")
        return on

    def _first_run(self, allowed: bool) -> dict:
        me = local_user_name()
        with self._changing_file() as data:
            first = "single_user" not in data and not data["users"]
            if first:
                data["single_user"] = {"on": allowed, "by": me, "time": _now(),
                                       "reason": "first run"}
        if first:
            self._audit("single_user", me, {"on": allowed, "reason": "first run"})
        return data

    def single_user_state(self) -> dict:
        """{"on", "by", "time", "reason"}: the last single-user choice the file records."""
        data = self._read()
        if data is None:
            self._missing()
            return {"on": False, "by": None, "time": None, "reason": "no users file yet"}
        su = data.get("single_user")
        return dict(su) if su else {"on": not data["users"], "by": None, "time": None,
                                    "reason": "users file from before the choice was recorded"}

    def set_single_user(self, on: bool, by: str, *, record: bool = True) -> dict:
        """Turn single-user mode on or off (the caller checked `by` is an admin);
        recorded in the file and (unless the caller records it: the actions layer
        does) the audit trail. Off needs an enabled admin to sign in; on needs the
        installation to allow it."""
        from graph.records.paths import install

        if on and not install().single_user_allowed:
            raise AuthError("this installation does not allow single-user mode (its config "
                            "says single_user = false)")
        with self._changing_file() as data:
            if not on and not _admins(data["users"]):
                raise AuthError("single-user mode stays on until an admin can sign in: add "
                                "one (`customs-graph users add NAME --role admin` ends "
                                "single-user mode)")
            data["single_user"] = {"on": bool(on), "by": by, "time": _now(),
                                   "reason": "command"}
            state = dict(data["single_user"])
        if record:
            self._audit("single_user", by, {"on": bool(on), "reason": "command"})
        return state

    # --- reading ------------------------------------------------------------------------
    def users(self) -> list[User]:
        return [_user(n, u) for n, u in sorted(self._load().items())]

    def entries(self) -> dict[str, dict]:
        """name -> what the file says of the user, without the password hash."""
        return {n: {k: v for k, v in u.items() if k != "password_hash"}
                for n, u in sorted(self._load().items())}

    def is_empty(self) -> bool:
        """Whether no user is set up (single-user mode is `single_user_on`)."""
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
        name, role = check_name(name), check_role(role)
        if oidc:
            if password:
                raise AuthError("an identity-provider user has no password here")
            entry = {"role": role, "oidc": True}
        else:
            entry = {"role": role, "password_hash": _hasher().hash(check_password(password))}
        me = local_user_name()
        with self._changing_file() as data:
            users = data["users"]
            if name in users or (oidc and _oidc_match(users, name, name)):
                raise AuthError(f"user {name!r} exists already")
            if not users and role != "admin":
                raise AuthError("the first user must be an admin (until then the local user "
                                "is one, in single-user mode)")
            now = now_utc()
            users[name] = {**entry, "created": now, "changed": now}
            ends = len(users) == 1 and (data.get("single_user") or {"on": True})["on"]
            if ends:  # adding the first user ends single-user mode
                data["single_user"] = {"on": False, "by": me, "time": now,
                                       "reason": "first user added"}
        if ends:
            self._audit("single_user", me, {"on": False, "reason": "first user added",
                                            "name": name})
        return User(name, role, oidc=oidc)

    def remove(self, name: str) -> None:
        with self._changing_file() as data:
            users = data["users"]
            if name not in users:
                raise AuthError(f"no user {name!r}")
            rest = {n: u for n, u in users.items() if n != name}
            single = (data.get("single_user") or {"on": False})["on"]
            if not single and not _admins(rest):
                raise AuthError(f"{name!r} is the last admin: make another user admin first "
                                "(or turn single-user mode on)")
            del users[name]

    def set_role(self, name: str, role: str) -> User:
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


def _admins(users: dict, besides: str | None = None) -> bool:
    """Whether an enabled admin is left other than `besides`."""
    return any(u.get("role") == "admin" and not u.get("disabled")
               for n, u in users.items() if n != besides)


def oidc_user(claims: Mapping, path: str | Path | None = None) -> User:
    return UserStore(path).oidc_user(claims)


def sign_in(name: str, password: str, *, where: str, path: str | Path | None = None) -> User:
    """Password sign-in with lockout, audited (the app's sign-in page: where="app")."""
    return UserStore(path).sign_in(name, password, where=where)


def authenticate(name: str, password: str, path: str | Path | None = None) -> User:
    return UserStore(path).authenticate(name, password)


def single_user(path: str | Path | None = None) -> bool:
    """Whether single-user mode is on (AuthError when the users file refuses service)."""
    return UserStore(path).single_user_on()


def set_single_user(on: bool, by: User, path: str | Path | None = None) -> dict:
    """Turn single-user mode on or off, as the admin `by` (recorded)."""
    require(by, "manage_users")
    return UserStore(path).set_single_user(on, by.name)


def cli_user(path: str | Path | None = None) -> User:
    """Who runs this command: the local admin (the OS account) in single-user mode,
    else the user that CUSTOMS_GRAPH_USER and CUSTOMS_GRAPH_PASSWORD sign in."""
    store = UserStore(path)
    name = (os.environ.get(ENV_USER) or "").strip()
    if store.single_user_on():
        me = local_user()
        if name and name != me.name:
            # The caller meant someone else: running as the OS account instead would
            # surprise them, and its records would not be theirs.
            raise AuthError(f"single-user mode: commands run as the OS user {me.name}, but "
                            f"{ENV_USER} names {name}: unset it (or turn single-user mode "
                            "off and sign in)")
        return me
    password = os.environ.get(ENV_PASSWORD) or ""
    if not name or not password:
        if store.is_empty():
            raise AuthError("no users and single-user mode is off: this installation needs "
                            "its first admin (`customs-graph users init NAME`)")
        raise AuthError(f"sign-in required: users are set up, so set {ENV_USER} and "
                        f"{ENV_PASSWORD}")
    return store.sign_in(name, password, where="cli")


def init_admin(name: str, password: str, path: str | Path | None = None, *,
               record: bool = True) -> User:
    """The first admin of an installation that has no users and single-user mode
    off (one whose config forbids single-user mode): only while nobody could sign in
    to add one, and recorded (here, or by the caller) as done by the OS account."""
    store = UserStore(path)
    if store.single_user_on():
        raise AuthError("single-user mode is on: add the first admin with `customs-graph "
                        "users add NAME --role admin`")
    if not store.is_empty():
        raise AuthError("users are set up already: an admin adds users")
    u = store.add(name, "admin", password)
    if record:
        store._audit("user", local_user_name(), {"change": "add", "name": u.name,
                                                  "role": u.role, "first_admin": True})
    return u


def _now() -> str:
    return now_utc()
