"""Text normalisation: diacritics-blind matching of names and identifiers."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACES = re.compile(r"\s+")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def fold(text) -> str:
    """Lower-case, without diacritics, spaces collapsed: "Việt Trấn" -> "viet tran".

    Vietnamese đ/Đ has no decomposition in Unicode, so it is mapped by hand.
    """
    if text is None:
        return ""
    return _fold(str(text))


@lru_cache(maxsize=1 << 16)  # loads repeat the same names, places and codes
def _fold(s: str) -> str:
    if s.isascii():
        return _SPACES.sub(" ", s.lower()).strip()
    s = s.replace("đ", "d").replace("Đ", "D")
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return _SPACES.sub(" ", s.casefold()).strip()


def compact(text) -> str:
    """Folded with everything but letters and digits removed: "B 123-45" -> "b12345"."""
    return _NON_ALNUM.sub("", fold(text))


def search_text(values) -> str:
    """What search matches against: each value folded, and compacted too so that
    "B1234567" finds "B 1234567" and "+84 912" finds "+84912"."""
    parts = []
    for v in values:
        f = fold(v)
        if f:
            parts.append(f)
            c = compact(v)
            if c and c != f:
                parts.append(c)
    return " | ".join(parts)


def search_tokens(query: str) -> list[str]:
    """The tokens a search query must all contain, folded the same way."""
    return [t for t in fold(query).split(" ") if t]
