"""Ranked search: what an analyst typing an identifier or a name expects first.

Order: a typed REF (`Flight:VN18@2017-03-19`) goes straight to that entity;
then exact identifiers (a flight number lists its flights newest first, a
container number, passport, phone, e-mail, PNR, tax id, declaration number);
then key prefixes in natural order (VN18 < VN180 < VN1821); then names
holding every word, diacritics-blind; then, only when nothing above matched,
typo-tolerant matches.

A store only finds candidates in its index (`Store.find_terms`: refs and their
search text); every decision about what matched and in which order is made
here, in Python, from that text and the stored properties, so both stores
rank alike. Each result names the properties it matched through, so a caller
can drop, for a viewer, a result found only through a personal property.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from graph.core import schema
from graph.core.keyed import by_keys
from graph.core.model import Node
from graph.core.text import MAX_TOKEN, compact, tokens

# Identifier properties besides each label's key: an exact match on one ranks
# right after a typed REF.
_EXTRA_IDS = {schema.L.Flight.name: ("flight_no",), schema.L.Person.name: ("passport_no",)}
IDENTIFIERS = {lb.name: (lb.key, *(schema.check_property(lb.name, p)
                                   for p in _EXTRA_IDS.get(lb.name, ())))
               for lb in schema.LABELS}
CANDIDATES = 5000  # refs read from the index per query (the first, in ref order)
FETCHED = 1000  # nodes read whole to rank exact and typo-tolerant matches
FUZZY_MIN_SCORE = 70
_ORDER = {lb.name: i for i, lb in enumerate(schema.LABELS)}
_LABELS_CI = {lb.name.lower(): lb for lb in schema.LABELS}
_DIGITS = re.compile(r"(\d+)")
# Labels whose key is a personal contact detail (phone, e-mail, address): their
# keys are not case identifiers, so "nguyen" ranks people before nguyen…@ mails.
_SEIZURE, _INVOLVES = schema.L.Seizure.name, schema.R.INVOLVES.name
_CONTACTS = {lb.name for lb in schema.LABELS if lb.key in lb.personal}


class Term(NamedTuple):
    """One word to look up: "exact" token, "prefix" of a token, or "fuzzy"
    (a token within `edits(text)` edits that starts with the same letter)."""
    text: str
    kind: str


@dataclass(frozen=True)
class Hit:
    node: Node
    match: str  # "ref", "exact <property>", "key prefix", "name", "fuzzy"
    properties: tuple[str, ...]  # the properties the text matched through

    @property
    def personal_only(self) -> bool:
        """Found only through personal properties (a viewer must not see it)."""
        return bool(self.properties) and all(p in personal(self.node.label)
                                             for p in self.properties)

    def to_json(self) -> dict:
        return {**self.node.to_json(), "match": self.match, "matched": list(self.properties)}


@dataclass
class SearchResult:
    results: list[Hit]
    total: int
    truncated: bool

    @property
    def nodes(self) -> list[Node]:
        return [h.node for h in self.results]

    def to_json(self) -> dict:
        return {"results": [h.to_json() for h in self.results], "total": self.total,
                "truncated": self.truncated}


def personal(label_name: str) -> set[str]:
    """A label's personal properties; its key and search text too when the key
    itself is personal (a phone number, an e-mail address)."""
    lb = schema.label(label_name)
    out = set(lb.personal)
    if lb.key in out:
        out.update((schema.REF, schema.SEARCH))
    return out


def edits(word: str) -> int:
    return 1 if len(word) < 8 else 2


def term_matches(term: Term, toks) -> bool:
    if term.kind == "exact":
        return term.text in toks
    if term.kind == "prefix":
        return any(t.startswith(term.text) for t in toks)
    k = edits(term.text)
    return any(t[:1] == term.text[:1] and abs(len(t) - len(term.text)) <= k
               and OSA.distance(t, term.text, score_cutoff=k) <= k for t in toks)


def groups_match(groups, toks) -> bool:
    """Every group has a term matching one of the tokens."""
    return all(any(term_matches(t, toks) for t in g) for g in groups)


def natural(text: str) -> tuple:
    """Digits compared as numbers: VN18 < VN180 < VN1821."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p)
                 for p in _DIGITS.split(text.lower()) if p)


def _split(ref: str) -> tuple[str, str]:
    label, key = ref.split(":", 1)
    return label, key


def search(store, text: str, labels=None, limit: int = 20, offset: int = 0) -> SearchResult:
    labels = schema.check_labels(labels) or [lb.name for lb in schema.LABELS]
    limit, offset = max(0, int(limit)), max(0, int(offset))
    text = (text or "").strip()
    hit = _typed_ref(store, text, labels)
    if hit is not None:
        page = [hit][offset:offset + limit]
        return SearchResult(page, 1, offset + limit < 1)
    if ":" in text and text.split(":", 1)[0].strip().lower() in _LABELS_CI:
        text = text.split(":", 1)[1]  # an unknown key: search for it as text
    words, qc = tokens(text), compact(text)[:MAX_TOKEN]
    if not words:
        return SearchResult([], 0, False)
    word_groups = [[Term(w, "exact")] for w in words[:-1]] + [[Term(words[-1], "prefix")]]
    id_groups = [[Term(qc, "prefix")]]
    found: dict[str, str] = {}
    capped = False
    for groups in ([id_groups, word_groups] if len(words) > 1 else [id_groups]):
        rows, more = store.find_terms(groups, labels, CANDIDATES)
        capped |= more
        for ref, st in rows:
            if groups_match(groups, tokens(st)):
                found[ref] = st
    if found:
        ranked, nodes = _rank(store, found, words, qc)
    else:
        ranked, nodes, capped = _fuzzy(store, words, labels)
    total = len(ranked)
    page = ranked[offset:offset + limit]
    want = [ref for ref, _ in page if ref not in nodes]
    nodes.update(get_many(store, want))
    hits = [Hit(nodes[ref], match, _matched(nodes[ref], match, words, qc))
            for ref, match in page if ref in nodes]
    return SearchResult(hits, total, capped or offset + limit < total)


def _typed_ref(store, text: str, labels) -> Hit | None:
    if ":" not in text:
        return None
    name, key = (x.strip() for x in text.split(":", 1))
    lb = _LABELS_CI.get(name.lower())
    if lb is None or lb.name not in labels or not key:
        return None
    for k in dict.fromkeys((key, key.upper())):
        got = get_many(store, [schema.make_ref(lb.name, k)])
        if got:
            return Hit(next(iter(got.values())), "ref", (lb.key,))
    return None


def _rank(store, found: dict[str, str], words, qc):
    """(ref, match) best first, and the nodes read on the way."""
    exact_refs = [ref for ref, st in found.items() if qc in st.split(" ")]
    nodes = get_many(store, sorted(exact_refs)[:FETCHED])
    seized = seized_refs(store)
    tiers = []
    phrase = f" {' '.join(words)} "
    for ref, st in found.items():
        label, key = _split(ref)
        node = nodes.get(ref)
        prop = _exact_prop(node, qc) if node is not None else None
        if prop is not None:
            date = node.properties.get(schema.label(label).dated or "", "") or ""
            tiers.append(((0, _Desc(date), _ORDER[label], natural(key)), ref, f"exact {prop}"))
        elif compact(key).startswith(qc) and label not in _CONTACTS:
            # What matters first: among prefixes, those linked to a seizure.
            tiers.append(((1, ref not in seized, natural(key), _ORDER[label]), ref,
                          "key prefix"))
        else:
            # Closest names first: the words side by side, then the shortest text.
            together = 0 if phrase in f" {st} " else 1
            tiers.append(((2, together, ref not in seized, len(st.split(" ")), _ORDER[label],
                           natural(key)), ref, "name"))
    tiers.sort(key=lambda t: t[0])
    return [(ref, match) for _, ref, match in tiers], nodes


def _fuzzy(store, words, labels):
    groups = [[Term(w, "fuzzy")] if len(w) >= 4 else [Term(w, "prefix")] for w in words]
    if not any(g[0].kind == "fuzzy" for g in groups):
        return [], {}, False
    rows, capped = store.find_terms(groups, labels, CANDIDATES)
    refs = sorted(ref for ref, st in rows if groups_match(groups, tokens(st)))
    nodes = get_many(store, refs[:FETCHED])
    phrase = " ".join(words)
    scored = []
    for ref, node in nodes.items():
        label, key = _split(ref)
        caption = tokens(node.properties.get(schema.label(label).caption) or key)
        if not caption:
            continue
        # Each word against its closest word of the caption, then the words in order.
        score = sum(max(fuzz.ratio(w, t) for t in caption) for w in words) / len(words)
        if score >= FUZZY_MIN_SCORE:
            order = fuzz.partial_ratio(phrase, " ".join(caption))
            scored.append(((-round(score, 3), -round(order, 3), _ORDER[label], natural(key)),
                           ref))
    scored.sort()
    return [(ref, "fuzzy") for _, ref in scored], nodes, capped or len(refs) > FETCHED


def seizure_links(store) -> dict[str, set[str]]:
    """Ref of everything a seizure involves -> the seizures' refs."""
    return store.seizure_links()


def seized_refs(store) -> set[str]:
    return set(seizure_links(store))


def _exact_prop(node: Node, qc: str) -> str | None:
    for p in IDENTIFIERS[node.label]:
        v = node.properties.get(p)
        if v is not None and compact(v)[:MAX_TOKEN] == qc:
            return p
    return None


def _matched(node: Node, match: str, words, qc) -> tuple[str, ...]:
    lb = schema.label(node.label)
    if match.startswith("exact "):
        return (match.split(" ", 1)[1],)
    if match in ("ref", "key prefix"):
        return (lb.key,)
    kind = "fuzzy" if match == "fuzzy" else "prefix"
    terms = [Term(w, kind) for w in words] + [Term(qc, "prefix")]
    out = []
    for p in dict.fromkeys((lb.key, *lb.search)):
        v = node.properties.get(p)
        if v is None:
            continue
        toks = tokens(v) + [compact(v)[:MAX_TOKEN]]
        if any(term_matches(t, toks) for t in terms):
            out.append(p)
    return tuple(out)


def get_many(store, refs) -> dict[str, Node]:
    """Nodes by ref, through each label's key index (one look-up per key)."""
    by_label: dict[str, list[str]] = {}
    for ref in refs:
        label, key = _split(ref)
        by_label.setdefault(schema.label(label).name, []).append(key)
    out: dict[str, Node] = {}
    for label, keys in by_label.items():
        rows = by_keys(lambda q, p: store.read(q, p)[1], schema.label(label), keys, "n")
        out.update((row[0].id, row[0]) for row in rows)
    return out


def lucene(groups) -> str:
    """The groups as a Lucene query (terms are [a-z0-9]+: nothing to escape)."""
    def one(t: Term) -> str:
        if t.kind == "prefix":
            return f"{t.text}*"
        if t.kind == "fuzzy":
            return f"{t.text}~{edits(t.text)}"
        return t.text
    return " AND ".join("(" + " OR ".join(one(t) for t in g) + ")" for g in groups)


def scan_conditions(groups, var: str = "n") -> tuple[str, dict]:
    """A CONTAINS filter over search text finding a superset of the groups'
    matches (fuzzy terms: their first letter), for stores without an index."""
    conds, params = [], {}
    for i, g in enumerate(groups):
        ors = []
        for j, t in enumerate(g):
            params[f"t{i}_{j}"] = t.text[:1] if t.kind == "fuzzy" else t.text
            ors.append(f"{var}.{schema.SEARCH} CONTAINS $t{i}_{j}")
        conds.append("(" + " OR ".join(ors) + ")")
    return " AND ".join(conds), params


class _Desc(str):
    """A string that sorts in reverse (newest date first)."""

    def __lt__(self, other):
        return str.__gt__(self, other)
