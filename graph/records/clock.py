"""The records' clock: one time format for the duty log, the audit trail, the users
file, the anchor and the watchlist."""

from __future__ import annotations

from datetime import UTC, datetime


def now_utc() -> str:
    """The current time, UTC, ISO 8601 to the microsecond ("...Z")."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
