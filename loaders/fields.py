"""Field checks and normalisation for the CSV contract.

Each function takes the raw text of one field and returns the normalised
value, or raises ValueError with a reason an analyst can act on. Reference
data comes from well-kept packages: python-stdnum (ISO 6346), airportsdata
(IATA), pycountry (ISO 3166), phonenumbers, and the HS nomenclature shipped
in graph/data.
"""

from __future__ import annotations

import csv
import re
import time
from datetime import UTC, date, datetime, timedelta
from functools import cache, lru_cache
from pathlib import Path

import airportsdata
import phonenumbers
import pycountry
from stdnum import iso6346
from stdnum.exceptions import ValidationError

from graph.core.text import fold

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$")
_FLIGHT_NO = re.compile(r"^([A-Z0-9]{2})(\d{1,4}[A-Z]?)$")
_LOCODE = re.compile(r"^([A-Z]{2})([A-Z2-9]{3})$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PNR = re.compile(r"^[A-Z0-9]{5,8}$")
_HS_DIR = Path(__file__).resolve().parent.parent / "graph" / "core" / "data"
# Checks of values that repeat across rows (dates, flights, airports, ports)
# are remembered: a million travel rows name a few thousand flights.
_memo = lru_cache(maxsize=1 << 16)


def text(v: str) -> str | None:
    v = (v or "").strip()
    return v or None


def required(v: str) -> str:
    v = text(v)
    if v is None:
        raise ValueError("is empty")
    return v


@_memo
def iso_date(v: str) -> str:
    v = required(v)
    if not _DATE.match(v):
        raise ValueError("is not a date in YYYY-MM-DD form")
    try:
        date.fromisoformat(v)
    except ValueError:
        raise ValueError("is not a real calendar date") from None
    return v


EARLIEST_BIRTH = "1900-01-01"
_today_cache = ["", 0.0]  # the date, and when it was worked out (monotonic seconds)


def today() -> str:
    """Today's date where the day began last (UTC+14, Kiribati), YYYY-MM-DD: a date
    registered today anywhere on Earth is never "in the future". Worked out once a
    minute, not once a row."""
    now = time.monotonic()
    if now - _today_cache[1] > 60 or not _today_cache[0]:
        _today_cache[:] = [(datetime.now(UTC) + timedelta(hours=14)).date().isoformat(), now]
    return _today_cache[0]


def past_date(v: str) -> str:
    """A date that has happened: registrations, seizures, appointments."""
    v = iso_date(v)
    if v > today():  # ISO dates compare as text
        raise ValueError(f"is in the future (after {today()})")
    return v


def birth_date(v: str) -> str:
    v = past_date(v)
    if v < EARLIEST_BIRTH:
        raise ValueError(f"is before {EARLIEST_BIRTH[:4]}: not a plausible date of birth")
    return v


@_memo
def iso_datetime(v: str) -> datetime:
    v = required(v)
    if not _DATETIME.match(v):
        raise ValueError("is not an ISO 8601 date-time with a UTC offset "
                         "(e.g. 2017-03-19T00:05:00+01:00)")
    try:
        return datetime.fromisoformat(v.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError("is not a real date-time") from None


def utc(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@cache
def _countries() -> dict[str, tuple[str, str]]:
    out = {}
    for c in pycountry.countries:
        out[c.alpha_2] = out[c.alpha_3] = (c.alpha_2, getattr(c, "common_name", c.name))
    return out


@_memo
def country(v: str) -> str:
    """ISO 3166 alpha-2 or alpha-3 -> alpha-2."""
    code = required(v).upper()
    try:
        return _countries()[code][0]
    except KeyError:
        raise ValueError("is not an ISO 3166 alpha-2 or alpha-3 country code") from None


def country_name(code: str) -> str:
    return _countries()[code][1]


@cache
def _airports() -> dict:
    return airportsdata.load("IATA")


@_memo
def airport(v: str) -> dict:
    code = required(v).upper()
    a = _airports().get(code)
    if a is None:
        raise ValueError("is not a known IATA airport code")
    return a


@_memo
def flight_no(v: str) -> tuple[str, str]:
    """'VN 18' -> ('VN18', 'VN')."""
    f = re.sub(r"\s+", "", required(v).upper())
    m = _FLIGHT_NO.match(f)
    if not m:
        raise ValueError("is not a flight number (carrier code + 1-4 digits, e.g. VN18)")
    return f, m.group(1)


@_memo
def container_no(v: str) -> str:
    try:
        return iso6346.validate(required(v))
    except ValidationError as e:
        if isinstance(e, iso6346.InvalidChecksum):
            raise ValueError("fails the ISO 6346 check digit") from None
        raise ValueError(f"is not an ISO 6346 container number ({e})") from None


@cache
def _hs() -> dict[str, tuple[str, str]]:
    with open(_HS_DIR / "harmonized-system.csv", encoding="utf-8-sig", newline="") as f:
        # Comtrade's "99 Commodities not specified" (section TOTAL) is a statistical
        # code, not part of the nomenclature: declarations may not use it.
        return {r["hscode"]: (r["description"], r["section"]) for r in csv.DictReader(f)
                if r["section"] != "TOTAL"}


def hs_code(v: str) -> dict:
    """An HS code of 4 to 10 digits whose 6-digit subheading (or 4-digit heading)
    exists in the nomenclature; returns the Commodity properties."""
    return dict(_hs_code(v))  # a copy: callers take keys out of it


@_memo
def _hs_code(v: str) -> dict:
    code = re.sub(r"[\s.]", "", required(v))
    if not code.isdigit() or not 4 <= len(code) <= 10:
        raise ValueError("is not an HS code (4 to 10 digits)")
    base = code[:6] if len(code) >= 6 else code[:4]
    found = _hs().get(base)
    if found is None:
        raise ValueError(f"HS {base} is not in the Harmonized System nomenclature")
    return {"hs_code": code, "description": found[0], "hs6": code[:6] if len(code) >= 6 else None,
            "chapter": code[:2], "section": found[1]}


@_memo
def locode(v: str) -> str:
    code = re.sub(r"\s+", "", required(v).upper())
    m = _LOCODE.match(code)
    if not m or m.group(1) not in _countries():
        raise ValueError("is not a UN/LOCODE (country code + 3 letters, e.g. VNCLI)")
    return code


def phone(v: str) -> str | None:
    """E.164; numbers without a country prefix are read as Vietnamese."""
    v = text(v)
    if v is None:
        return None
    try:
        n = phonenumbers.parse(v, "VN")
    except phonenumbers.NumberParseException:
        raise ValueError("is not a phone number") from None
    if not phonenumbers.is_possible_number(n):
        raise ValueError("is not a possible phone number")
    return phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.E164)


def email(v: str) -> str | None:
    v = text(v)
    if v is None:
        return None
    v = v.lower()
    if not _EMAIL.match(v):
        raise ValueError("is not an e-mail address")
    return v


def address_key(v: str) -> str:
    """Addresses match when they agree letter for letter, diacritics and punctuation aside."""
    return re.sub(r"[^0-9a-z]+", " ", fold(v)).strip()


@cache
def one_of(*choices: str):
    def check(v: str) -> str:
        x = required(v).lower()
        if x not in choices:
            raise ValueError(f"must be one of {', '.join(choices)}")
        return x
    return check


def integer(v: str, minimum: int = 0) -> int | None:
    v = text(v)
    if v is None:
        return None
    try:
        n = int(v)
    except ValueError:
        raise ValueError("is not a whole number") from None
    if n < minimum:
        raise ValueError(f"must be at least {minimum}")
    return n


def number(v: str) -> float | None:
    v = text(v)
    if v is None:
        return None
    try:
        n = float(v)
    except ValueError:
        raise ValueError("is not a number") from None
    if n != n or n < 0 or n == float("inf"):
        raise ValueError("must be a non-negative number")
    return n


def pnr(v: str) -> str | None:
    v = text(v)
    if v is None:
        return None
    v = v.upper()
    if not _PNR.match(v):
        raise ValueError("is not a booking reference (5-8 letters and digits)")
    return v


def brand_key(name: str) -> str:
    return fold(name).upper()

