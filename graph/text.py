"""Text normalisation: diacritics-blind matching of names and identifiers."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACES = re.compile(r"\s+")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_TOKEN = re.compile(r"[0-9a-z]+")


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


MAX_TOKEN = 100  # longer compacted values (addresses) are cut: both indexes agree


def tokens(text) -> list[str]:
    """The words search indexes and matches: runs of letters and digits of the
    folded text ("VN18@2017-03-19" -> vn18, 2017, 03, 19)."""
    return [t[:MAX_TOKEN] for t in _TOKEN.findall(fold(text))]


def search_text(values) -> str:
    """What search matches against: the words of each value, folded, and the
    value compacted too, so that "B1234567" finds "B 1234567" and "+84912" finds
    "+84 912". Plain words joined by spaces: both stores' indexes (and any
    analyzer) split it into exactly these tokens."""
    parts = []
    for v in values:
        words = tokens(v)
        parts += words
        if len(words) > 1:
            parts.append(compact(v)[:MAX_TOKEN])
    return " ".join(parts)


def search_tokens(query: str) -> list[str]:
    """The tokens a search query must all contain, folded the same way."""
    return tokens(query)
