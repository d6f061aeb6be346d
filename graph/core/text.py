"""Text normalisation: diacritics-blind matching of names and identifiers, and the
cleaning every value gets before it is stored or written out."""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from functools import lru_cache

import pyarrow as pa
import pyarrow.compute as pc

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
    return _SPACES.sub(" ", _fold_chars(s)).strip()


def _fold_chars(s: str) -> str:
    s = s.replace("đ", "d").replace("Đ", "D")
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return s.casefold()


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


class _CharWords(dict):
    """Each character's share of the words of fold(): its folded letters and
    digits, a space for anything else, "" for a combining mark (it joins its
    neighbours). fold works a character at a time (NFKD decomposes each
    character on its own and only reorders combining marks, which it drops;
    casefold maps each character on its own), so the words of a value are the
    words of its characters' entries joined, which str.translate builds in C."""

    def __missing__(self, code: int) -> str:
        words = _NON_ALNUM.sub(" ", _fold_chars(chr(code)))
        self[code] = words
        return words


_CHAR_WORDS = _CharWords()


def _search_part(value: str) -> str:
    """search_text([value]) for a value that is not ASCII."""
    words = value.translate(_CHAR_WORDS).split()
    if len(words) > 1:
        return " ".join([w[:MAX_TOKEN] for w in words] + ["".join(words)[:MAX_TOKEN]])
    return words[0][:MAX_TOKEN] if words else ""


def _search_parts(col: pa.Array) -> pa.Array:
    """search_text([v]) of each value of a string column: Arrow string kernels
    for ASCII values, the character table once per distinct other value."""
    words = pc.utf8_trim(pc.replace_substring_regex(pc.ascii_lower(col), "[^0-9a-z]+", " "),
                         " ")
    cut = pc.replace_substring_regex(words, f"([0-9a-z]{{{MAX_TOKEN}}})[0-9a-z]+", r"\1")
    compacted = pc.utf8_slice_codeunits(pc.replace_substring(words, " ", ""), 0, MAX_TOKEN)
    part = pc.if_else(pc.match_substring(words, " "),
                      pc.binary_join_element_wise(cut, compacted, " "), cut)
    other = pc.fill_null(pc.invert(pc.string_is_ascii(col)), False)
    if pc.any(other).as_py():
        values = col.filter(other).to_pylist()
        memo = {v: _search_part(v) for v in set(values)}
        part = pc.replace_with_mask(part, other, pa.array([memo[v] for v in values], pa.string()))
    return part


def search_column(columns, null_is_empty: bool = False) -> pa.Array:
    """search_text of each row of `columns` (the key, then the searched
    properties: Arrow arrays or lists of strings), a column at a time. A row
    with a missing value gets None, or with `null_is_empty` the text of the
    values it has (as search_text reads None)."""
    cols = [c.combine_chunks() if isinstance(c, pa.ChunkedArray) else pa.array(c, pa.string())
            for c in columns]
    parts = [pc.fill_null(_search_parts(c), "") for c in cols]
    text = parts[0]
    for p in parts[1:]:
        # A value without words adds nothing, not an empty word between spaces.
        # (Not null_handling="skip": it cut the output short on trailing nulls.)
        both = pc.binary_join_element_wise(text, p, " ")
        text = pc.if_else(pc.equal(p, ""), text, pc.if_else(pc.equal(text, ""), p, both))
    if null_is_empty:
        return text
    missing = pc.is_null(cols[0])
    for c in cols[1:]:
        missing = pc.or_(missing, pc.is_null(c))
    return pc.if_else(missing, pa.scalar(None, pa.string()), text)


def search_tokens(query: str) -> list[str]:
    """The tokens a search query must all contain, folded the same way."""
    return tokens(query)


# Characters no text field should hold and XML 1.0 cannot carry: C0 controls other
# than tab, line feed and carriage return (which CSV fields and XML may hold), DEL,
# C1 controls, the non-characters U+FFFE/U+FFFF and lone surrogates (which include
# the bytes that were not UTF-8, kept as U+DC80-U+DCFF by surrogateescape).
CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff"
_CONTROL = re.compile(f"[{CONTROLS}]")
_CONTROL_RUN = re.compile(f" *[{CONTROLS}][{CONTROLS} ]*")
_ESCAPE = re.compile(f"[{CONTROLS}\t\n\r]")
UNDECODED = re.compile("[\udc80-\udcff]")  # a byte that was not UTF-8 (surrogateescape)


def has_controls(text: str) -> bool:
    return _CONTROL.search(text) is not None


def clean(text: str) -> str:
    r"""`text` with each run of control characters (and the spaces around it)
    replaced by one space; text without any comes back as it is.

    >>> clean("Nguyễn\x0bVăn\x0c \x85An"), clean("plain")
    ('Nguyễn Văn An', 'plain')
    """
    if _CONTROL.search(text) is None:
        return text
    return _CONTROL_RUN.sub(" ", text)


def _escape_one(m: re.Match) -> str:
    ch = m.group()
    o = ord(ch)
    if 0xDC80 <= o <= 0xDCFF:  # the byte that was not UTF-8, as it was in the file
        return f"\\x{o - 0xDC00:02x}"
    if ch == "\t":
        return "\\t"
    if ch == "\n":
        return "\\n"
    if ch == "\r":
        return "\\r"
    return f"\\x{o:02x}" if o < 0x100 else f"\\u{o:04x}"


def escape(text) -> str:
    r"""`text` with control characters, line breaks, tabs and undecodable bytes shown
    as escapes, so that a bad value can be printed and written anywhere.

    >>> escape("Ha\x0bNoi\n"), escape("H\udce0ng")
    ('Ha\\x0bNoi\\n', 'H\\xe0ng')
    """
    text = "" if text is None else str(text)
    return _ESCAPE.sub(_escape_one, text)


_FORMULA = ("=", "@", "\t", "\r")
_SAFE_SIGNED = re.compile(r"^[+-][\d\s().-]*$")


def csv_cell(value) -> str:
    """A CSV cell a spreadsheet will not run: text starting with = @ a tab or a
    carriage return, or with + / - followed by more than a number, gets a leading
    apostrophe. Floats and booleans are written as in the exports.

    >>> csv_cell("=HYPERLINK(1)"), csv_cell("+84 912 345 678"), csv_cell(2.5)
    ("'=HYPERLINK(1)", '+84 912 345 678', '2.5')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        s = "true" if value else "false"
    elif isinstance(value, float):
        s = repr(value)
    else:
        s = str(value)
    if s.startswith(_FORMULA) or (s[:1] in ("+", "-") and not _SAFE_SIGNED.match(s)):
        return "'" + s
    return s


class UnclosedQuote(csv.Error):
    """A quoted field that no later quote closes (it would swallow the rest of the file)."""


class CsvReader:
    """csv.reader over a text stream that survives a quote never closed: the row that
    opens it is an error (UnclosedQuote, a csv.Error) and reading goes on from the
    next line, a line at a time from then on (so a file of such lines is still read
    in one pass). `line_num` counts the lines read, as csv.reader's does."""

    def __init__(self, stream):
        self._lines = iter(stream)
        self._back: list[str] = []  # lines to read again, last first
        self._used: list[str] = []  # lines the current row took
        self._eof = False
        self._line_mode = False
        self._reader = csv.reader(self._feed())
        self.line_num = 0

    def _feed(self, limit: int | None = None):
        n = 0
        while limit is None or n < limit:
            if self._back:
                line = self._back.pop()
            else:
                try:
                    line = next(self._lines)
                except StopIteration:
                    break
            n += 1
            self._used.append(line)
            yield line
        self._eof = True  # asked for a line past the end (or past `limit`)

    def __iter__(self):
        return self

    def __next__(self) -> list[str]:
        self._used, self._eof = [], False
        start = self.line_num
        if self._line_mode:
            self._reader = csv.reader(self._feed(1))
        try:
            values = next(self._reader)
        except csv.Error:
            if len(self._used) > 1:  # e.g. a field over the size limit, quoted across lines
                self._again(start)
            else:
                self.line_num = start + len(self._used)
            raise
        if self._eof and self._used:  # the input ended inside a quoted field
            self._again(start)
            raise UnclosedQuote("a quote opened on this line is never closed")
        self.line_num = start + len(self._used)
        return values

    def _again(self, start: int) -> None:
        """Only the row's first line is lost: the lines after it are read again, a
        line at a time from now on."""
        self._back += reversed(self._used[1:])  # read before what was already put back
        self._line_mode = True
        self.line_num = start + 1


def csv_rows(reader):
    """(line, values, error) for each row of a csv.reader that is not blank: the line
    the row starts on (a quoted field may span lines), its values, or the csv.Error
    that made it unreadable (values None). Reading goes on after a bad row."""
    line = reader.line_num
    while True:
        start = line + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            line = reader.line_num
            yield start, None, e
            continue
        line = reader.line_num
        if any(map(str.strip, values)):  # not blank (values are str)
            yield start, values, None


# --- escaping, one function per target language ------------------------------------------
# HTML: the standard library's html.escape. Markdown and JSON inside an HTML <script>:
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=\"'])")


def md_escape(text) -> str:
    """Data shown as Markdown: every ASCII punctuation mark escaped, so a value can
    neither become markup (links, HTML, emphasis, headings, lists, colour directives,
    LaTeX) nor break the surrounding text; a line break becomes a space (a caller that
    keeps lines escapes each line and joins them itself).

    >>> md_escape("- [x](javascript:y) <b>\\n1. z")
    '\\\\- \\\\[x\\\\]\\\\(javascript\\\\:y\\\\) \\\\<b\\\\> 1\\\\. z'
    """
    return _MD_SPECIAL.sub(r"\\\1", str(text)).replace("\r", " ").replace("\n", " ")


_SCRIPT_UNSAFE = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                  ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def script_json(data) -> str:
    """JSON safe inside an HTML <script> element: no `<`, `>`, `&` or line separators
    survive literally, so no value can close the element, open a comment or be read
    as an entity.

    >>> script_json({"n": "</script><!--&"})
    '{"n": "\\\\u003c/script\\\\u003e\\\\u003c!--\\\\u0026"}'
    """
    text = json.dumps(data, ensure_ascii=False)
    for ch, esc in _SCRIPT_UNSAFE:
        text = text.replace(ch, esc)
    return text
