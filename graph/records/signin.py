"""Signing in: passwords (argon2id, rate-limited across processes by
graph.records.lockout: repeated failures lock the name out for a while, even with
the right password; failures and lockouts are audited) and identity-provider
(OIDC) users mapped from the identity the provider vouches for."""

from __future__ import annotations

from collections.abc import Mapping

from graph.records.roles import _NAME, AuthError, LockedOut, User, _user


def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()


_DUMMY_HASH: list[str] = []


def _dummy_hash() -> str:
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(_hasher().hash("not anybody's password"))
    return _DUMMY_HASH[0]


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


class SignIn:
    """Sign-in on the users file (a mixin of UserStore)."""

    @property
    def lockouts(self):
        from graph.records.lockout import FILE_NAME as LOCKOUT_FILE
        from graph.records.lockout import Lockouts

        return Lockouts(self.path.with_name(LOCKOUT_FILE))

    def sign_in(self, name: str, password: str, *, where: str = "cli") -> User:
        """The user, if the password is theirs and the name is not locked out; else
        AuthError (LockedOut while locked). Every failure and lockout is audited
        (action sign_in, ok false, reason); a success too, except the command
        line's, which signs in once a command (the command's own record names
        the user)."""
        from graph.records.lockout import MAX_FAILURES, Unreadable

        name = (name or "").strip()
        shown = name[:200] or "?"
        locks = self.lockouts
        countable = bool(_NAME.match(name))  # other names exist nowhere: nothing to count
        base = {"method": "password", "where": where}
        try:
            until = locks.begin(name) if countable else None
        except (Unreadable, OSError) as e:
            self._audit("sign_in", shown, {**base, "ok": False, "reason": str(e)})
            raise AuthError(f"{e}: refusing sign-in") from None
        if until:
            why = f"locked out until {until} after {MAX_FAILURES} failed sign-ins"
            self._audit("sign_in", shown, {**base, "ok": False, "reason": why})
            raise LockedOut(f"too many failed sign-ins for {name!r}: refused until {until} "
                            "UTC")
        try:
            u = self._check_password(name, password)
        except AuthError as e:
            locked = locks.failed(name) if countable else None
            self._audit("sign_in", shown, {**base, "ok": False, "reason": str(e),
                                           **({"locked_until": locked} if locked else {})})
            if locked:
                raise LockedOut(f"{e}; {MAX_FAILURES} failed sign-ins: {name!r} is refused "
                                f"until {locked} UTC") from None
            raise
        locks.succeeded(name)
        if where != "cli":
            self._audit("sign_in", u.name, {**base, "ok": True})
        return u

    def authenticate(self, name: str, password: str) -> User:
        """`sign_in` from the command line: locked out after repeated failures."""
        return self.sign_in(name, password, where="cli")

    def _check_password(self, name: str, password: str) -> User:
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

