"""Entity resolution on real stores: proposals on the sample set, decisions
(accept / undo) on a private store, blocking that scales. The Cypher of
graph/analysis/resolve.py runs on both stores: every store test is parametrised over
LadybugDB and Neo4j (NEO4J_TEST_URL, tools/neo4j-test-server)."""

from __future__ import annotations

import doctest
import json

import pytest
from typer.testing import CliRunner

from graph.analysis import matching, resolve
from graph.analysis.resolve import company_record, person_record
from graph.core.errors import NotFound, SchemaError
from graph.core.store import node_row
from loaders.load import load_folder
from tests.conftest import MINI

ER_PAIR = ("Person:P000417", "Person:P002211")  # "Nguyễn Văn Hùng" / "NGUYEN VAN HUNG"
# the sample generator's planted duplicates: P002211..P002220, one of each original
PLANTED = {f"Person:P{n:06d}" for n in range(2211, 2221)}


# --- matching rules -------------------------------------------------------------
@pytest.mark.parametrize("a,b", [
    ("CÔNG TY TNHH THƯƠNG MẠI VIỆT TRẤN", "VIET TRAN TRADING CO., LTD"),
    ("Công ty TNHH TM DV XNK Du lịch Việt Trấn", "Viet Tran Import Export Co., Ltd."),
    ("CÔNG TY CỔ PHẦN ÁNH DƯƠNG", "ANH DUONG JSC"),
])
def test_company_names_without_legal_forms(a, b):
    assert resolve.clean_company_name(a) == resolve.clean_company_name(b)
    score, evidence = resolve.company_match(company_record("Company:A", a),
                                            company_record("Company:B", b))
    assert score >= resolve.COMPANY_MIN and "without legal-form words" in evidence[0]


def test_different_companies_stay_apart():
    a = company_record("Company:0312345678", "Công ty TNHH TM DV XNK Du lịch Việt Trấn", "VN")
    b = company_record("Company:0313579240", "Công ty TNHH Giao nhận Vận tải Trấn Phát", "VN")
    assert resolve.company_match(a, b)[0] < resolve.COMPANY_MIN
    # same distinctive name, two Vietnamese enterprise codes: two enterprises
    c = company_record("Company:0104586075", "Công ty Cổ phần Nhựa Trí Việt", "VN")
    d = company_record("Company:0394000557", "Công ty TNHH Nhựa Trí Việt", "VN")
    score, evidence = resolve.company_match(c, d)
    assert score < resolve.COMPANY_MIN and any("tax codes" in e for e in evidence)
    # a branch (13 digits) of the same enterprise
    e = company_record("Company:0104586075-001", "Nhựa Trí Việt - Chi nhánh Hải Phòng", "VN")
    assert resolve.company_match(c, e)[0] >= resolve.COMPANY_MIN


@pytest.mark.parametrize("a,b,why", [
    (("Nguyễn Văn Hùng", "1979-04-12", "VN", "B1234567"),
     ("NGUYEN VAN HUNG", "1979-04-12", "VNM", "B 1234567"), "same passport"),
    (("Trần Thị Bình", "1985-07-12", "VN", None),
     ("TRAN THI BINH", "1985-07-12", None, None), "same date of birth"),
    (("Wang Wei", "1990-02-03", "CN", None), ("WEI Wang", "1990-02-03", "CN", None),
     "similarity 100"),
    (("José Carlos González Pérez", None, "CU", "I137652"),
     ("Jose Carlos", None, "CU", "I-137652"), "same passport"),
])
def test_same_person_written_differently(a, b, why):
    score, evidence = resolve.person_match(person_record("Person:A", *a),
                                           person_record("Person:B", *b))
    assert score >= resolve.PERSON_MIN, evidence
    assert any(why in e for e in evidence), evidence


@pytest.mark.parametrize("a,b", [
    (("Nguyễn Văn Hùng", "1979-04-12", "VN", None), ("Nguyễn Văn Hùng", "1990-01-01", "VN",
                                                       None)),  # namesakes
    (("Nguyễn Văn Hùng", None, "VN", None), ("Nguyễn Văn Hùng", None, "VN", None)),  # name only
    (("Nguyễn Văn An", "1980-05-01", "VN", "B1234567"), ("Trần Thị Bình", "2010-01-01", "VN",
                                                          None)),  # household
])
def test_different_people_stay_apart(a, b):
    score, _ = resolve.person_match(person_record("Person:A", *a), person_record("Person:B", *b))
    assert score < resolve.PERSON_MIN


def test_blocking_compares_few_pairs_and_caps_big_blocks(monkeypatch):
    # 3000 namesakes-to-be sharing a family name: one name block
    recs = [person_record(f"Person:{i}", f"Nguyễn Văn Tên{i % 1500}", f"19{50 + i % 40}-01-01")
            for i in range(3000)]
    recs.append(person_record("Person:X", "NGUYEN VAN TEN7", "1957-01-01"))
    pairs = resolve.candidate_pairs(recs)
    assert len(pairs) < 3000 * 2999 // 20  # far fewer than all pairs
    found = resolve.propose_records(recs)
    assert ("Person:7", "Person:X") in {(p.a_ref, p.b_ref) for p in found}
    # a name block beyond MAX_BLOCK is compared only where whole names agree
    monkeypatch.setattr(matching, "MAX_BLOCK", 10)  # where blocking lives
    small = [person_record(f"Person:{i}", f"Nguyễn Văn Tên{i}") for i in range(20)]
    small.append(person_record("Person:Y", "NGUYEN VAN TEN3"))
    pairs = {(small[i].ref, small[j].ref) for i, j in resolve.candidate_pairs(small)}
    assert pairs == {("Person:3", "Person:Y")}


# --- proposals on the sample set ------------------------------------------------------
def test_proposals_on_the_sample_set(sample_store):
    found = resolve.propose(sample_store)
    people = [p for p in found if p.a_ref.startswith("Person:")]
    pairs = {(p.a_ref, p.b_ref) for p in people}
    assert ER_PAIR in pairs
    assert {b for _, b in pairs} == PLANTED  # every planted duplicate, nothing else
    top = next(p for p in people if (p.a_ref, p.b_ref) == ER_PAIR)
    assert top.score == 100
    assert any("same passport 'B1234567' / 'B 1234567'" in e for e in top.evidence)
    assert found == sorted(found, key=lambda p: -p.score)
    # companies told apart by their enterprise codes are not proposed
    assert all(p.score >= resolve.COMPANY_MIN for p in found if p.a_ref.startswith("Company:"))


def test_score_pair_and_errors(sample_store):
    score, evidence = resolve.score_pair(sample_store, *ER_PAIR)
    assert score == 100 and evidence
    with pytest.raises(SchemaError):
        resolve.score_pair(sample_store, "Person:P000417", "Company:0312345678")
    with pytest.raises(SchemaError):
        resolve.score_pair(sample_store, "Person:P000417", "Person:P000417")
    with pytest.raises(NotFound):
        resolve.score_pair(sample_store, "Person:P000417", "Person:NOPE")


def test_both_stores_give_the_same_records_and_proposals(sample_lbug, sample_neo4j):
    """The records matching reads (with their phones, e-mails and addresses) and the
    proposals are the same whichever store holds the sample set."""
    for name in resolve.RESOLVABLE:
        lb = {r.ref: r for r in resolve.load_records(sample_lbug, name)}
        nj = {r.ref: r for r in resolve.load_records(sample_neo4j, name)}
        assert lb == nj and len(lb) > 100
    assert resolve.propose(sample_lbug) == resolve.propose(sample_neo4j)
    assert resolve.same_as_pairs(sample_lbug) == resolve.same_as_pairs(sample_neo4j) == set()


# --- decisions on a private store -------------------------------------------------------
@pytest.fixture(params=["ladybug", "neo4j"])
def dup_store(request, tmp_path):
    """The mini set plus a second record of Nguyễn Văn An, written differently, in
    an empty store of each kind in turn."""
    store = request.getfixturevalue("empty_lbug" if request.param == "ladybug"
                                    else "empty_neo4j")
    load_folder(store, MINI, rejects_file=tmp_path / "r.csv", progress=False)
    store.upsert_nodes("Person", [node_row(
        "Person", "P9", {"full_name": "NGUYEN VAN AN", "date_of_birth": "1980-05-01",
                         "nationality": "VN", "passport_no": "B 1234567"}, "persons.csv:90")])
    return store


def _snapshot(store, refs):
    return {r: store.get(r).properties for r in refs}


def test_accept_links_and_undo_unlinks_without_touching_records(dup_store):
    a, b = "Person:P1", "Person:P9"
    (p,) = [p for p in resolve.propose(dup_store) if (p.a_ref, p.b_ref) == (a, b)]
    assert p.score == 100
    before = _snapshot(dup_store, [a, b])
    counts = dup_store.counts()

    assert resolve.accept(dup_store, a, b, p.score, "analyst.hanoi")["created"] is True
    _, rows = dup_store.read(
        "MATCH (x:Person {person_id: 'P1'})-[r:SAME_AS]->(y:Person {person_id: 'P9'}) "
        "RETURN r.score, r.decided_by, r.decided_at, r.source")
    ((score, by, at, source),) = rows
    assert (score, by) == (100.0, "analyst.hanoi") and at.endswith("Z")
    assert "analyst.hanoi" in source
    # what the Resolve page lists as accepted merges, with who decided
    from ui.resolve_page import accepted_merges

    assert [(m["a"], m["b"], m["score"], m["by"]) for m in accepted_merges(dup_store)] == [
        (a, b, 100.0, "analyst.hanoi")]
    assert _snapshot(dup_store, [a, b]) == before  # records untouched
    assert dup_store.counts()["nodes"] == counts["nodes"]
    # accepted pairs leave the proposal list; accepting again (either way) is a no-op
    assert (a, b) not in {(x.a_ref, x.b_ref) for x in resolve.propose(dup_store)}
    assert resolve.accept(dup_store, b, a, 99, "someone.else")["created"] is False
    assert dup_store.counts()["relationships"]["SAME_AS"] == 1

    assert resolve.undo(dup_store, b, a) == 1  # either order
    assert dup_store.counts()["relationships"]["SAME_AS"] == 0
    assert resolve.undo(dup_store, a, b) == 0
    assert _snapshot(dup_store, [a, b]) == before
    assert dup_store.counts() == counts
    assert (a, b) in {(x.a_ref, x.b_ref) for x in resolve.propose(dup_store)}


def test_accept_refuses_bad_pairs(dup_store):
    with pytest.raises(SchemaError):
        resolve.accept(dup_store, "Person:P1", "Company:0312345678", 50, "x")
    with pytest.raises(SchemaError):
        resolve.accept(dup_store, "Person:P1", "Person:P9", 50, " ")
    with pytest.raises(NotFound):
        resolve.accept(dup_store, "Person:P1", "Person:P404", 50, "x")
    assert dup_store.counts()["relationships"]["SAME_AS"] == 0


def test_resolve_commands(dup_store):
    from graph.cli.extra import app

    run = CliRunner().invoke
    url = ["--store", dup_store.url]
    r = run(app, ["resolve", "--json", *url])
    assert r.exit_code == 0, r.output
    proposals = json.loads(r.stdout)["proposals"]
    assert {"a": "Person:P1", "b": "Person:P9"}.items() <= proposals[0].items()
    r = run(app, ["resolve", "accept", "Person:P1", "Person:P9", "--by", "tester", "--json",
                  *url])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout) == {"a": "Person:P1", "b": "Person:P9", "created": True,
                                    "score": 100.0, "decided_by": "tester"}
    r = run(app, ["resolve", "undo", "Person:P9", "Person:P1", *url])
    assert r.exit_code == 0 and "removed 1" in r.stdout
    r = run(app, ["resolve", "accept", "Person:P1", "Person:P404", *url])
    assert isinstance(r.exception, NotFound)  # cli.main turns it into exit status 1


def test_docstring_examples_run():
    assert doctest.testmod(resolve).failed == 0
