"""How two Person (or Company) records are compared for entity resolution
(graph/analysis/resolve.py proposes pairs and records the decisions). Every
point of the score is listed in the evidence, so a proposal can be checked by
hand:

Persons (score 0-100, proposed from `PERSON_MIN`):
  * names, folded diacritics-blind and compared token by token whatever their
    order (rapidfuzz token-sort ratio; a name wholly contained in the other,
    "Jose Carlos" in "José Carlos González Pérez", counts 90 %):
    half the name similarity, up to 50 points;
  * the same passport number once spaces and punctuation are dropped
    ("B 1234567" = "B1234567"): +25; two different passport numbers: -15;
  * the same date of birth: +20; two different dates of birth: -30;
  * the same nationality (alpha-2 or alpha-3): +5; different: -10;
  * each shared phone or e-mail: +10 (at most 20); a shared address: +5.
Companies (proposed from `COMPANY_MIN`):
  * names with legal-form and trade words removed (CÔNG TY, TNHH, CỔ PHẦN, TM,
    DV, XNK, CO., LTD, TRADING, IMPORT EXPORT ...), so that "CÔNG TY TNHH
    THƯƠNG MẠI VIỆT TRẤN" and "VIET TRAN TRADING CO., LTD" both read
    "viet tran": 0.8 x name similarity, up to 80 points;
  * each shared phone or e-mail: +10, a shared address: +5 (at most 20);
  * both identified by a Vietnamese enterprise (tax) code, which an enterprise
    keeps for life: the same first 10 digits (a branch): +10; different: -10;
  * the same country: +5; different countries: -20.

Blocking keeps the comparison near-linear: only records sharing a block key
are compared, keys being the date of birth, the compact passport number, a
phone, an e-mail, and the first (and alphabetically first) token of the
cleaned name. Name blocks are screened with a vectorised rapidfuzz pass; a
name block larger than `MAX_BLOCK` (a very common family name) is compared
only where the whole cleaned names agree.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache

from rapidfuzz import fuzz, process

from graph.core import schema
from graph.core.errors import SchemaError
from graph.core.phrases import points, say
from graph.core.schema import L, R
from graph.core.text import compact, fold

PERSON_MIN = 70.0
COMPANY_MIN = 80.0
NAME_BLOCK_MIN = 80.0  # name similarity needed for a name-block pair to be scored
MAX_BLOCK = 1000
CONTAINED_NAME = 0.9  # weight of a token-set match (one name inside the other)

RESOLVABLE = tuple(sorted({a for a, _ in R.SAME_AS.ends}))

# Legal-form and trade words, folded (diacritics-blind). Longer phrases first.
COMPANY_WORDS = sorted({
    # Vietnamese
    "cong ty", "cty", "tnhh", "trach nhiem huu han", "mot thanh vien", "mtv",
    "co phan", "cp", "ctcp", "tap doan", "chi nhanh", "doanh nghiep tu nhan", "dntn",
    "thuong mai", "tm", "dich vu", "dv", "xuat nhap khau", "xnk", "san xuat", "sx",
    "dau tu", "du lich", "phat trien", "hop tac xa",
    # English and others
    "company", "co", "limited", "ltd", "llc", "inc", "incorporated", "corp", "corporation",
    "jsc", "joint stock", "plc", "pte", "pty", "gmbh", "sa", "sarl", "bv", "ag",
    "group", "holding", "holdings", "international", "intl",
    "trading", "trade", "import", "export", "imp", "exp", "impex", "import export",
    "services", "service", "tourism", "travel", "investment", "production", "manufacturing",
}, key=lambda w: (-len(w), w))
_COMPANY_RE = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in COMPANY_WORDS) + r")\b")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


# --- normalisation ------------------------------------------------------------------
def clean_person_name(name) -> str:
    """Folded name, punctuation as spaces: "Park Ji-hoon" -> "park ji hoon".

    >>> clean_person_name("NGUYỄN Văn Hùng")
    'nguyen van hung'
    """
    return " ".join(_NON_ALNUM.sub(" ", fold(name)).split())


def clean_company_name(name) -> str:
    """Folded name without legal-form and trade words.

    >>> clean_company_name("CÔNG TY TNHH THƯƠNG MẠI VIỆT TRẤN")
    'viet tran'
    >>> clean_company_name("VIET TRAN TRADING CO., LTD")
    'viet tran'
    >>> clean_company_name("Công ty TNHH TM DV XNK Du lịch Việt Trấn")
    'viet tran'
    """
    s = " " + " ".join(_NON_ALNUM.sub(" ", fold(name)).split()) + " "
    s = _COMPANY_RE.sub(" ", s)
    return " ".join(s.split())


def compact_doc(doc) -> str:
    """A document number without spaces or punctuation, lower case.

    >>> compact_doc("B 1234567") == compact_doc("b-1234567") == "b1234567"
    True
    """
    return compact(doc)


@cache
def _countries() -> dict[str, str]:
    import pycountry

    out = {}
    for c in pycountry.countries:
        out[c.alpha_2] = out[c.alpha_3] = c.alpha_2
    return out


def country_code(value) -> str:
    """ISO 3166 alpha-2 for an alpha-2 or alpha-3 code; other text folded as is.

    >>> country_code("VNM"), country_code("vn"), country_code("")
    ('VN', 'VN', '')
    """
    v = (value or "").strip().upper()
    return _countries().get(v, v)


def name_similarity(a: str, b: str) -> float:
    """Similarity 0-100 of two cleaned names, token order ignored; a name whose
    tokens all appear in the other (both of two tokens or more) scores at least
    `CONTAINED_NAME` x 100.

    >>> name_similarity("wang wei", "wei wang")
    100.0
    >>> name_similarity("jose carlos", "jose carlos gonzalez perez")
    90.0
    >>> name_similarity("viet tran", "tran phat") < 60
    True
    """
    if not a or not b:
        return 0.0
    score = fuzz.token_sort_ratio(a, b)
    ta, tb = set(a.split()), set(b.split())
    if min(len(ta), len(tb)) >= 2 and (ta <= tb or tb <= ta):
        score = max(score, CONTAINED_NAME * 100)
    return round(float(score), 1)


# --- records ------------------------------------------------------------------------
@dataclass
class Record:
    """What matching looks at for one entity (a stored record or a watchlist row)."""

    ref: str
    label: str
    name: str
    clean: str = ""
    dob: str = ""
    nationality: str = ""
    passport: str = ""  # compact
    passport_text: str = ""  # as written
    phones: set = field(default_factory=set)
    emails: set = field(default_factory=set)
    addresses: set = field(default_factory=set)

    def __post_init__(self):
        if not self.clean:
            self.clean = (clean_person_name(self.name) if self.label == L.Person.name
                          else clean_company_name(self.name))
        self.nationality = country_code(self.nationality)
        if self.passport_text and not self.passport:
            self.passport = compact_doc(self.passport_text)


def person_record(ref, name, dob=None, nationality=None, passport=None, phones=(),
                  emails=(), addresses=()) -> Record:
    return Record(ref, L.Person.name, name or "", dob=(dob or "").strip(),
                  nationality=nationality or "", passport_text=(passport or "").strip(),
                  phones=set(phones), emails=set(emails), addresses=set(addresses))


def company_record(ref, name, country=None, phones=(), emails=(), addresses=()) -> Record:
    return Record(ref, L.Company.name, name or "", nationality=country or "", phones=set(phones),
                  emails=set(emails), addresses=set(addresses))


_IDENTIFIERS = ((R.HAS_PHONE.name, "phones"), (R.HAS_EMAIL.name, "emails"),
                (R.HAS_ADDRESS.name, "addresses"))


def load_records(store, label_name: str, keys=None) -> list[Record]:
    """The Persons or Companies in the store (all, or those with the given keys),
    with their phones, e-mails and addresses."""
    lb = schema.label(label_name)
    if lb is L.Person:
        cols = ["full_name", "date_of_birth", "nationality", "passport_no"]
    elif lb is L.Company:
        cols = ["name", "country"]
    else:
        raise SchemaError(f"entity resolution covers {', '.join(RESOLVABLE)}, not {lb.name}")
    ret = ", ".join(f"n.{c}" for c in [lb.key, *cols])
    where, params = "", {}
    if keys is not None:
        where, params = f" WHERE n.{lb.key} IN $keys", {"keys": sorted(set(keys))}
    _, rows = store.read(f"MATCH (n:{lb.name}){where} RETURN {ret} ORDER BY n.{lb.key}",
                         params)
    recs: dict[str, Record] = {}
    for key, *vals in rows:
        ref = schema.make_ref(lb.name, key)
        recs[key] = person_record(ref, *vals) if lb is L.Person else company_record(
            ref, *vals)
    for rel, attr in _IDENTIFIERS:
        rt = schema.rel_type(rel)
        target = next(schema.label(b) for a, b in rt.ends if a == lb.name)
        _, rows = store.read(f"MATCH (n:{lb.name})-[:{rt.name}]->(x:{target.name}){where} "
                             f"RETURN n.{lb.key}, x.{target.key}", params)
        for key, value in rows:
            if key in recs and value:
                getattr(recs[key], attr).add(value)
    return list(recs.values())


# --- scoring ------------------------------------------------------------------------
def _shared(a: Record, b: Record, per: float, cap: float, address: float) -> tuple[float, list]:
    total, ev = 0.0, []
    for attr, key in (("phones", "shared_phone"), ("emails", "shared_email")):
        for v in sorted(getattr(a, attr) & getattr(b, attr)):
            total += per
            ev.append(say(key, v=v, pts=points(per)))
    for v in sorted(a.addresses & b.addresses):
        total += address
        ev.append(say("shared_address", v=v, pts=points(address)))
    if total > cap:
        ev.append(say("shared_capped", cap=f"{cap:g}"))
        total = cap
    return total, ev


def person_match(a: Record, b: Record) -> tuple[float, list[str]]:
    """Score 0-100 and evidence that two person records are one person.

    >>> a = person_record("Person:P1", "Nguyễn Văn Hùng", "1979-04-12", "VN", "B1234567")
    >>> b = person_record("Person:P2", "NGUYEN VAN HUNG", "1979-04-12", "VNM", "B 1234567")
    >>> score, evidence = person_match(a, b)
    >>> score
    100.0
    >>> evidence[1]
    "same passport 'B1234567' / 'B 1234567' (+25)"
    """
    ev = []
    sim = name_similarity(a.clean, b.clean)
    score = sim / 2
    ev.append(say("names_similar", a=a.name, b=b.name, sim=f"{sim:g}", pts=points(sim / 2)))
    if a.passport and b.passport:
        if a.passport == b.passport:
            score += 25
            ev.append(say("same_passport", a=a.passport_text, b=b.passport_text,
                          pts=points(25)))
        else:
            score -= 15
            ev.append(say("different_passports", a=a.passport_text, b=b.passport_text,
                          pts=points(-15)))
    if a.dob and b.dob:
        if a.dob == b.dob:
            score += 20
            ev.append(say("same_dob", d=a.dob, pts=points(20)))
        else:
            score -= 30
            ev.append(say("different_dobs", a=a.dob, b=b.dob, pts=points(-30)))
    if a.nationality and b.nationality:
        if a.nationality == b.nationality:
            score += 5
            ev.append(say("same_nationality", n=a.nationality, pts=points(5)))
        else:
            score -= 10
            ev.append(say("different_nationalities", a=a.nationality, b=b.nationality,
                          pts=points(-10)))
    extra, shared = _shared(a, b, 10, 20, 5)
    score += extra
    ev += shared
    return round(max(0.0, min(100.0, score)), 1), ev


def company_match(a: Record, b: Record) -> tuple[float, list[str]]:
    """Score 0-100 and evidence that two company records are one company.

    >>> a = company_record("Company:1", "CÔNG TY TNHH THƯƠNG MẠI VIỆT TRẤN", "VN")
    >>> b = company_record("Company:2", "VIET TRAN TRADING CO., LTD", "VNM")
    >>> company_match(a, b)[0]
    85.0
    """
    ev = []
    sim = name_similarity(a.clean, b.clean)
    score = 0.8 * sim
    ev.append(say("company_names_similar", a=a.name, b=b.name, ca=a.clean, cb=b.clean,
                  sim=f"{sim:g}", pts=points(0.8 * sim)))
    extra, shared = _shared(a, b, 10, 20, 5)
    score += extra
    ev += shared
    ta, tb = _tax_code(a.ref), _tax_code(b.ref)
    if ta and tb:
        if ta[:10] == tb[:10]:
            score += 10
            ev.append(say("one_enterprise", a=ta, b=tb, pts=points(10)))
        else:
            score -= 10
            ev.append(say("two_enterprises", a=ta, b=tb, pts=points(-10)))
    if a.nationality and b.nationality:
        if a.nationality == b.nationality:
            score += 5
            ev.append(say("same_country", n=a.nationality, pts=points(5)))
        else:
            score -= 20
            ev.append(say("different_countries", a=a.nationality, b=b.nationality,
                          pts=points(-20)))
    return round(max(0.0, min(100.0, score)), 1), ev


_TAX_CODE = re.compile(r"^\d{10}(?:-?\d{3})?$")


def _tax_code(ref: str) -> str | None:
    """The Vietnamese enterprise code in a Company ref (10 digits, branches
    13), which never changes for an enterprise; None for other identifiers."""
    key = ref.split(":", 1)[1] if ":" in ref else ""
    return key if _TAX_CODE.match(key) else None


def match(a: Record, b: Record) -> tuple[float, list[str]]:
    return person_match(a, b) if a.label == L.Person.name else company_match(a, b)


# --- blocking -----------------------------------------------------------------------
def block_keys(r: Record) -> list[tuple[str, str]]:
    """The blocks a record falls in; two records are compared only if they share one.

    >>> sorted(block_keys(person_record("Person:1", "Wei Wang", "1990-01-02", passport="E1")))
    [('dob', '1990-01-02'), ('name', 'wang'), ('name', 'wei'), ('passport', 'e1')]
    """
    keys = []
    if r.dob:
        keys.append(("dob", r.dob))
    if r.passport:
        keys.append(("passport", r.passport))
    keys += [("phone", p) for p in r.phones] + [("email", e) for e in r.emails]
    tokens = r.clean.split()
    if tokens:
        keys += sorted({("name", tokens[0]), ("name", min(tokens))})
    return keys


def _pairs_in_block(kind: str, members: list[Record]) -> set[tuple[int, int]]:
    """Index pairs (into `members`) worth scoring."""
    n = len(members)
    if n < 2:
        return set()
    if kind != "name" and n <= MAX_BLOCK:
        return {(i, j) for i in range(n) for j in range(i + 1, n)}
    if n > MAX_BLOCK:  # only identical cleaned names (token order aside)
        groups = defaultdict(list)
        for i, r in enumerate(members):
            groups[" ".join(sorted(r.clean.split()))].append(i)
        return {(g[i], g[j]) for g in groups.values()
                for i in range(len(g)) for j in range(i + 1, len(g))}
    names = [r.clean for r in members]
    sims = process.cdist(names, names, scorer=fuzz.token_sort_ratio,
                         score_cutoff=NAME_BLOCK_MIN, workers=1)
    out = set()
    for i, j in zip(*sims.nonzero(), strict=True):
        if i < j:
            out.add((int(i), int(j)))
    return out


def candidate_pairs(records: list[Record]) -> set[tuple[int, int]]:
    """Index pairs into `records` that share a block (and pass the name screen)."""
    blocks: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, r in enumerate(records):
        for k in block_keys(r):
            blocks[k].append(i)
    pairs = set()
    for (kind, _), idx in blocks.items():
        members = [records[i] for i in idx]
        for a, b in _pairs_in_block(kind, members):
            x, y = idx[a], idx[b]
            pairs.add((x, y) if x < y else (y, x))
    return pairs
