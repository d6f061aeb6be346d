"""Failed password sign-ins, counted across processes (the command line signs in
once a command, the app once a session), and the names locked out for them.

After MAX_FAILURES failures of a name within WINDOW, the name is refused, even
with the right password, for FIRST_LOCK; each further lockout before a success
doubles it, up to LONGEST_LOCK. A success forgets the name's failures. Names
nobody has are counted the same way, so a lockout tells nothing about who exists.

An attempt is counted before its password is checked and forgotten only when
the check succeeds, so attempts running at once never get more than
MAX_FAILURES guesses a window between them. The state is one JSON file beside
the users file (`signin.json`), changed under an exclusive lock like it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from graph.records.paths import exclusive, write_json

FILE_NAME = "signin.json"
MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)
FIRST_LOCK = timedelta(minutes=5)
LONGEST_LOCK = timedelta(hours=24)


def now() -> datetime:
    """The current time (a function, so that tests can move the clock)."""
    return datetime.now(UTC)


def _iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse(text) -> datetime | None:
    try:
        return datetime.strptime(str(text), "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    except ValueError:
        try:
            return datetime.strptime(str(text), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        except ValueError:
            return None


class Unreadable(ValueError):
    pass


class Lockouts:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.lock_path = self.path.with_name(self.path.name + ".lock")

    def _read(self) -> dict:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as e:
            raise Unreadable(f"cannot read the sign-in lockouts ({self.path.name}): {e}") from None
        names = data.get("names") if isinstance(data, dict) else None
        if not isinstance(names, dict):
            raise Unreadable(f"{self.path.name} is not a sign-in lockout file")
        return names

    def _save(self, names: dict, t: datetime) -> None:
        # forget names quiet for a day: no attempts in the window, no lock in force
        keep = {}
        for n, e in names.items():
            until = _parse(e.get("locked_until"))
            if e.get("attempts") or (until is not None and until + LONGEST_LOCK > t):
                keep[n] = e
        write_json(self.path, {"format": 1, "names": dict(sorted(keep.items()))})

    @staticmethod
    def _entry(names: dict, name: str, t: datetime) -> dict:
        e = names.setdefault(name, {})
        e["attempts"] = [a for a in e.get("attempts", [])
                         if (p := _parse(a)) is not None and p + WINDOW > t]
        return e

    def begin(self, name: str) -> str | None:
        """Count an attempt for `name`; or, while the name is locked out (or has
        MAX_FAILURES attempts in the window already), the time it is refused until."""
        t = now()
        with exclusive(self.lock_path):
            names = self._read()
            e = self._entry(names, name, t)
            until = _parse(e.get("locked_until"))
            if until is not None and until > t:
                return _iso(until)
            if len(e["attempts"]) >= MAX_FAILURES:  # attempts still being checked
                return _iso(min(_parse(a) for a in e["attempts"]) + WINDOW)
            e["attempts"].append(_iso(t))
            self._save(names, t)
        return None

    def failed(self, name: str) -> str | None:
        """The attempt failed (it stays counted); the time the name is now locked
        out until, when this failure locked it."""
        t = now()
        with exclusive(self.lock_path):
            names = self._read()
            e = self._entry(names, name, t)
            if len(e["attempts"]) < MAX_FAILURES:
                self._save(names, t)
                return None
            e["lockouts"] = int(e.get("lockouts") or 0) + 1
            until = t + min(FIRST_LOCK * 2 ** (e["lockouts"] - 1), LONGEST_LOCK)
            e.update(attempts=[], locked_until=_iso(until))
            self._save(names, t)
        return _iso(until)

    def succeeded(self, name: str) -> None:
        """The password was right: the name's failures and lockouts are forgotten."""
        t = now()
        with exclusive(self.lock_path):
            names = self._read()
            if names.pop(name, None) is not None:
                self._save(names, t)

    def status(self, name: str) -> dict:
        """{"failures", "locked_until", "lockouts"} of a name, for `users list` and tests."""
        t = now()
        e = self._entry(self._read(), name, t)
        until = _parse(e.get("locked_until"))
        return {"failures": len(e["attempts"]),
                "locked_until": _iso(until) if until and until > t else None,
                "lockouts": int(e.get("lockouts") or 0)}
