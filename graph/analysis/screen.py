"""Watchlist screening: which stored persons and companies match a watchlist.

The watchlist is a CSV file (UTF-8, header row) with these columns; every
column may be empty, but each row needs a `name` or a `company`:

| column        | meaning                                                         |
| ------------- | --------------------------------------------------------------- |
| name          | a person's full name, any script order or diacritics            |
| date_of_birth | YYYY-MM-DD (DD/MM/YYYY is read too)                              |
| nationality   | ISO 3166 alpha-2 or alpha-3                                     |
| document_no   | passport or identity document number, spaces and dashes allowed |
| company       | a company name, legal-form words allowed (CÔNG TY TNHH ..., CO., LTD) |

A row with both a name and a company is screened twice: the person against
stored Persons, the company against stored Companies. Matching is the one
`graph.analysis.resolve` uses (same scores, same evidence); a hit is reported when its
score reaches `PERSON_MIN` / `COMPANY_MIN` here, lower than for merging
because screening must not miss anyone: a person whose name alone agrees
scores 50, a company whose cleaned name alone agrees 80. Rows that cannot be
read are reported as problems with their line; the other rows are screened.

The stored watchlist (graph.records.watchlist) keeps the entries read here from one
such file; `screen_watchlist` screens entries from either.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from rapidfuzz import fuzz, process

from graph.analysis.resolve import (
    NAME_BLOCK_MIN,
    Record,
    block_keys,
    company_record,
    load_records,
    match,
    person_record,
)
from graph.core.errors import DataError
from graph.core.phrases import in_lang
from graph.core.schema import L
from graph.core.text import UNDECODED, CsvReader, clean, csv_rows, escape

COLUMNS = ("name", "date_of_birth", "nationality", "document_no", "company")
PERSON_MIN = 50.0
COMPANY_MIN = 70.0
NAME_CANDIDATES = 50  # best name matches looked at per entry, beyond the blocks
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_YMD = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class Entry:
    """One thing to look for: a person or a company from a watchlist line."""

    line: int
    kind: str  # "Person" or "Company"
    row: dict  # the line's COLUMNS, date_of_birth as YYYY-MM-DD ("" when unreadable)
    record: Record


@dataclass
class Hit:
    line: int
    kind: str
    watch: str  # the watchlist name looked for
    ref: str
    name: str
    score: float
    evidence: list[str] = field(default_factory=list)
    # Personal values (birth dates, documents, phones, e-mails, addresses) of the two
    # records, so the evidence can be shown masked to a role that may not see them.
    personal: tuple[str, ...] = field(default=(), compare=False, repr=False)

    def masked_evidence(self, mask: str, lang: str = "en") -> list[str]:
        """The evidence, in `lang`, with every personal value of the two records
        replaced by `mask`."""
        out = []
        for e in self.evidence:
            e = in_lang(e, lang)
            for v in self.personal:  # longest first: a value inside another goes after it
                e = e.replace(v, mask)
            out.append(e)
        return out

    def to_json(self) -> dict:
        return {"line": self.line, "kind": self.kind, "watch": self.watch, "ref": self.ref,
                "name": self.name, "score": self.score, "evidence": list(self.evidence)}


@dataclass
class ScreenResult:
    entries: int
    hits: list[Hit]
    problems: list[DataError]

    def to_json(self) -> dict:
        return {"entries": self.entries, "hits": [h.to_json() for h in self.hits],
                "problems": [{"file": p.file, "line": p.line, "field": p.field,
                              "reason": p.reason} for p in self.problems]}


def _date(value: str) -> str:
    """YYYY-MM-DD from YYYY-MM-DD or DD/MM/YYYY; "" stays "".

    >>> _date("12/04/1979"), _date("1979-04-12"), _date("")
    ('1979-04-12', '1979-04-12', '')
    """
    v = (value or "").strip()
    if not v:
        return v
    m = _DMY.match(v)
    if m:
        d, mth, y = m.groups()
        v = f"{y}-{int(mth):02d}-{int(d):02d}"
    try:
        if _YMD.match(v):
            return date.fromisoformat(v).isoformat()
    except ValueError:
        pass
    raise ValueError("is not a date (YYYY-MM-DD or DD/MM/YYYY)")


def make_entry(line: int, kind: str, row: dict) -> Entry:
    """The Entry of one watchlist line read as `kind` ("Person" or "Company"); `row`
    holds the COLUMNS, the date of birth already YYYY-MM-DD or empty. The stored
    watchlist (graph.records.watchlist) rebuilds its entries with this too."""
    row = {c: str(row.get(c) or "").strip() for c in COLUMNS}
    if kind == L.Person.name and row["name"]:
        return Entry(line, kind, row, person_record(
            f"watchlist:{line}", row["name"], row["date_of_birth"], row["nationality"],
            row["document_no"]))
    if kind == L.Company.name and row["company"]:
        # the nationality of a line naming a person is the person's, not the company's
        return Entry(line, kind, row, company_record(
            f"watchlist:{line}", row["company"],
            row["nationality"] if not row["name"] else None))
    raise DataError(f"watchlist line {line}: not a {kind} entry")


def read_watchlist(path) -> tuple[list[Entry], list[DataError]]:
    """The entries of a watchlist CSV and the problems of rows that could not be read."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise DataError(f"cannot read the watchlist {path.name}: {e.strerror}") from None
    return read_watchlist_bytes(data, path.name)


# UTF-32 first: its little-endian mark begins with UTF-16's.
_OTHER_BOMS = ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
               (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16"))


def read_watchlist_bytes(data: bytes, name: str = "watchlist.csv"
                         ) -> tuple[list[Entry], list[DataError]]:
    """As read_watchlist, from a file's bytes (an upload). A file in another
    encoding is refused whole; a row holding bytes that are not UTF-8 is a
    problem of that row only."""
    for bom, encoding in _OTHER_BOMS:
        if data.startswith(bom):
            raise DataError(f"the watchlist {name} is not UTF-8 text ({encoding}); "
                            "save it as UTF-8", file=name, line=1)
    # Bytes that are not UTF-8 survive as surrogates, found row by row in _parse.
    text = data.decode("utf-8-sig", errors="surrogateescape")
    return _parse(io.StringIO(text, newline=""), name)


def _unreadable(values: list[str]) -> tuple[int, str] | None:
    """(index, reason) of the first value holding a byte that was not UTF-8 or a NUL."""
    for i, v in enumerate(values):
        if UNDECODED.search(v) or "\x00" in v:
            return i, ("holds a NUL byte" if "\x00" in v
                       else "is not valid UTF-8 (save the file as UTF-8)")
    return None


def _parse(f, name: str) -> tuple[list[Entry], list[DataError]]:
    entries, problems = [], []
    reader = CsvReader(f)
    try:
        header = next(reader, [])
    except csv.Error as e:
        raise DataError(f"the watchlist {name} is not a readable CSV file: {e}",
                        file=name, line=1) from None
    if _unreadable(header):
        raise DataError(f"the watchlist {name} is not UTF-8 text (its header row)",
                        file=name, line=1)
    header = [clean(h).strip().lower() for h in header]
    if not {"name", "company"} & set(header):
        raise DataError(f"the header must have a name or a company column "
                        f"(columns: {', '.join(COLUMNS)})", file=name, line=1)
    for start, values, error in csv_rows(reader):
        if error is not None:
            problems.append(DataError(f"is not readable CSV: {error}", file=name, line=start))
            continue
        if len(values) > len(header):
            problems.append(DataError(f"has {len(values)} fields, the header has {len(header)}",
                                      file=name, line=start, value=escape(",".join(values))))
            continue
        bad = _unreadable(values)
        if bad:
            i, reason = bad
            problems.append(DataError(reason, file=name, line=start, field=header[i],
                                      value=escape(values[i])))
            continue
        # Shorter rows leave their last columns empty, as hand-made lists do.
        raw = {h: clean(v).strip() for h, v in zip(header, values, strict=False)}
        row = {c: raw.get(c, "") for c in COLUMNS}
        if not row["name"] and not row["company"]:
            if any(row.values()):
                problems.append(DataError("has neither a name nor a company",
                                          file=name, line=start))
            continue
        try:
            row["date_of_birth"] = _date(row["date_of_birth"])
        except ValueError as e:
            problems.append(DataError(str(e), file=name, line=start,
                                      field="date_of_birth", value=row["date_of_birth"]))
            row["date_of_birth"] = ""
        for kind, col in ((L.Person.name, "name"), (L.Company.name, "company")):
            if row[col]:
                entries.append(make_entry(start, kind, row))
    return entries, problems


class _Index:
    """Stored records of one label, findable by block key and by name."""

    def __init__(self, records: list[Record]):
        self.records = records
        self.blocks: dict[tuple, list[int]] = defaultdict(list)
        for i, r in enumerate(records):
            for k in block_keys(r):
                self.blocks[k].append(i)
        self.names = [r.clean for r in records]

    def candidates(self, rec: Record) -> set[int]:
        out = set()
        for k in block_keys(rec):
            out.update(self.blocks.get(k, ()))
        if rec.clean and self.names:
            for _, _, i in process.extract(rec.clean, self.names, scorer=fuzz.token_sort_ratio,
                                           limit=NAME_CANDIDATES, score_cutoff=NAME_BLOCK_MIN):
                out.add(i)
        return out


def screen_entries(entries: list[Entry], records: dict[str, list[Record]], *,
                   min_score: float | None = None) -> list[Hit]:
    indexes = {label: _Index(recs) for label, recs in records.items()}
    hits = []
    for e in entries:
        index = indexes.get(e.kind)
        if index is None:
            continue
        threshold = min_score if min_score is not None else (
            PERSON_MIN if e.kind == L.Person.name else COMPANY_MIN)
        for i in index.candidates(e.record):
            r = index.records[i]
            score, evidence = match(e.record, r)
            if score >= threshold:
                hits.append(Hit(e.line, e.kind, e.record.name, r.ref, r.name, score, evidence,
                                _personal(e.record, r)))
    return sorted(hits, key=lambda h: (h.line, h.kind != L.Person.name, -h.score, h.ref))


def _personal(*records: Record) -> tuple[str, ...]:
    """The personal values of records (schema: Person date_of_birth and passport_no,
    Phone, Email, Address), as the evidence writes them, longest first."""
    values = set()
    for r in records:
        values.update((r.dob, r.passport_text))
        for v in (*r.phones, *r.emails, *r.addresses):
            values.update((v, repr(v)[1:-1]))  # the evidence quotes addresses with repr
    return tuple(sorted((v for v in values if v), key=lambda v: (-len(v), v)))


def screen_watchlist(store, entries: list[Entry], problems: list[DataError] = (), *,
                     min_score: float | None = None) -> ScreenResult:
    """Screen watchlist entries (read from a file or the stored watchlist) against the
    Persons and Companies in `store`."""
    kinds = sorted({e.kind for e in entries})
    records = {k: load_records(store, k) for k in kinds}
    return ScreenResult(len(entries), screen_entries(entries, records, min_score=min_score),
                        list(problems))


def screen(store, watchlist, *, min_score: float | None = None) -> ScreenResult:
    """Screen a watchlist CSV against the Persons and Companies in `store`."""
    entries, problems = read_watchlist(watchlist)
    return screen_watchlist(store, entries, problems, min_score=min_score)
