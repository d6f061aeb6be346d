"""Entity resolution: which Person (or Company) records are one real entity.

Records are never merged or edited. `propose` lists candidate pairs with a
score and the evidence behind it; an analyst `accept`s a pair, which writes a
SAME_AS relationship (score, who decided, when); `undo` removes that link
again. The source records stay exactly as loaded.

How two records are compared: graph/analysis/matching.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from graph.analysis.matching import (  # noqa: F401 - re-exported: callers import them here
    COMPANY_MIN,
    COMPANY_WORDS,
    CONTAINED_NAME,
    MAX_BLOCK,
    NAME_BLOCK_MIN,
    PERSON_MIN,
    RESOLVABLE,
    Record,
    block_keys,
    candidate_pairs,
    clean_company_name,
    clean_person_name,
    compact_doc,
    company_match,
    company_record,
    country_code,
    load_records,
    match,
    name_similarity,
    person_match,
    person_record,
)
from graph.core import schema
from graph.core.errors import NotFound, SchemaError
from graph.core.schema import L, R


# --- proposals ----------------------------------------------------------------------
@dataclass(frozen=True)
class Proposal:
    a_ref: str
    b_ref: str
    score: float
    evidence: list[str] = field(default_factory=list, compare=False, hash=False)

    def to_json(self) -> dict:
        return {"a": self.a_ref, "b": self.b_ref, "score": self.score,
                "evidence": list(self.evidence)}


def same_as_pairs(store) -> set[frozenset]:
    """The pairs already linked by SAME_AS (either direction)."""
    out = set()
    rt = R.SAME_AS
    for a, b in rt.ends:
        la, lb = schema.label(a), schema.label(b)
        _, rows = store.read(f"MATCH (x:{la.name})-[:{rt.name}]->(y:{lb.name}) "
                             f"RETURN x.{la.key}, y.{lb.key}")
        out |= {frozenset((schema.make_ref(la.name, x), schema.make_ref(lb.name, y)))
                for x, y in rows}
    return out


def propose_records(records: list[Record], min_score: float | None = None,
                    skip: set | None = None) -> list[Proposal]:
    """Proposals among records of one label, best first."""
    out = []
    for i, j in candidate_pairs(records):
        a, b = records[i], records[j]
        if skip and frozenset((a.ref, b.ref)) in skip:
            continue
        threshold = min_score if min_score is not None else (
            PERSON_MIN if a.label == L.Person.name else COMPANY_MIN)
        score, ev = match(a, b)
        if score >= threshold:
            a_ref, b_ref = sorted((a.ref, b.ref))
            out.append(Proposal(a_ref, b_ref, score, ev))
    return sorted(out, key=lambda p: (-p.score, p.a_ref, p.b_ref))


def propose(store, *, labels=RESOLVABLE, min_score: float | None = None,
            include_accepted: bool = False) -> list[Proposal]:
    """Candidate duplicate pairs among stored Persons and Companies, best first.
    Pairs already linked by SAME_AS are left out unless `include_accepted`."""
    skip = None if include_accepted else same_as_pairs(store)
    out = []
    for name in labels:
        out += propose_records(load_records(store, name), min_score, skip)
    return sorted(out, key=lambda p: (-p.score, p.a_ref, p.b_ref))


# --- decisions ----------------------------------------------------------------------
def _pair(store, a_ref: str, b_ref: str):
    la, ka = schema.parse_ref(a_ref)
    lb, kb = schema.parse_ref(b_ref)
    if (la.name, lb.name) not in R.SAME_AS.ends:
        raise SchemaError(f"SAME_AS joins two Persons or two Companies, not {la.name} "
                          f"and {lb.name}")
    if ka == kb:
        raise SchemaError(f"{a_ref} and {b_ref} are the same record")
    return la, ka, lb, kb


def _linked(store, la, ka, lb, kb) -> list[tuple[str, str]]:
    """The SAME_AS links between the two records, as (from key, to key)."""
    found = []
    for f, t in ((ka, kb), (kb, ka)):
        _, rows = store.read(
            f"MATCH (x:{la.name} {{{la.key}: $f}})-[:{R.SAME_AS.name}]->"
            f"(y:{lb.name} {{{lb.key}: $t}}) "
            f"RETURN count(*)", {"f": f, "t": t})
        if rows and rows[0][0]:
            found.append((f, t))
    return found


def score_pair(store, a_ref: str, b_ref: str) -> tuple[float, list[str]]:
    """The score and evidence of two stored records, as `propose` would give them."""
    la, ka, lb, kb = _pair(store, a_ref, b_ref)
    recs = {r.ref: r for r in load_records(store, la.name, [ka, kb])}
    a = recs.get(schema.make_ref(la.name, ka))
    b = recs.get(schema.make_ref(lb.name, kb))
    if a is None or b is None:
        raise NotFound(f"{a_ref if a is None else b_ref} is not in the store")
    return match(a, b)


def accept(store, a_ref: str, b_ref: str, score: float, by: str) -> dict:
    """Record an analyst's decision that two records are one entity: a SAME_AS
    relationship from a to b with the score, who decided and when. Idempotent:
    a pair already linked (either way) is left as it is.

    Returns {"a", "b", "created": bool}.
    """
    if not (by or "").strip():
        raise SchemaError("say who decides: accept needs a non-empty `by`")
    la, ka, lb, kb = _pair(store, a_ref, b_ref)
    for ref in (a_ref, b_ref):
        store.get(ref)  # NotFound when missing
    if _linked(store, la, ka, lb, kb):
        return {"a": a_ref, "b": b_ref, "created": False}
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    row = {"from": ka, "to": kb, "score": float(score), "decided_by": by.strip(),
           "decided_at": now, schema.SOURCE: f"entity resolution: accepted by {by.strip()}"}
    counts = store.upsert_relationships(R.SAME_AS.name, la.name, lb.name, [row])
    if counts.missing:
        raise NotFound(f"{a_ref} or {b_ref} is not in the store")
    return {"a": a_ref, "b": b_ref, "created": counts.created > 0}


def undo(store, a_ref: str, b_ref: str) -> int:
    """Remove the SAME_AS link(s) between two records (either direction).
    Returns how many were removed; the records themselves are untouched.

    """
    la, ka, lb, kb = _pair(store, a_ref, b_ref)
    links = _linked(store, la, ka, lb, kb)
    if not links:
        return 0
    for f, t in links:
        store.delete_relationship(R.SAME_AS.name, la.name, f, lb.name, t)
    return len(links)
