"""The saved-query library (queries/*.cypher).

Every file parses and declares exactly the parameters it uses; a broken file
is reported by name and hides no other; parameters are checked before any
Cypher runs; every query runs with its defaults; and each query finds the
case planted in the sample data (sample_data/README.md) and nothing of the
background. Where the expected answer is more than a handful of ids, it is
worked out again here, in plain Python, from the CSV files themselves.

The planted-case tests take `sample_store`, so they run on LadybugDB and, when
NEO4J_TEST_URL is set, on Neo4j too.
"""

from __future__ import annotations

import csv
import re
import statistics
import subprocess
import sys
from collections import defaultdict
from datetime import date, datetime
from functools import cache
from pathlib import Path

import pytest

from graph.core import queries as saved
from graph.core.errors import QueryError
from loaders import fields as F
from tests.conftest import SAMPLE

# Every saved query in the folder: a new file is checked with no list to update.
LIBRARY = sorted(p.stem for p in saved.QUERIES_DIR.glob("*.cypher"))
ALERTS = {"valuation_anomaly", "crew_baggage", "seized_company_activity"}

CIGAR_PAX = {"P000901", "P000902", "P000903", "P000904"}
STORY_CREW = {"P002221", "P002222", "P002223"}
VIET_TRAN, SISTER = "0312345678", "0313579240"
KH_CONSIGNEES = {"KH-00031587", "KH-00052204"}
GLASS_CO = "0108564322"
GLASS_DECLARATIONS = {"100112490896", "100133685375", "100283368643", "101129151597"}
CLI_SEIZURE = "SZ-2017-0621-CLI"
STORY_CONTAINER = "WHSU5018375"
BAD_PERSONS = {"P002501", "P002502"}  # the deliberately bad rows of persons.csv


def run(store, name: str, **params) -> list[dict]:
    """The query's rows as dicts, column -> value."""
    res = saved.run(store, saved.get(name), params, limit=100000)
    assert not res.truncated
    return [dict(zip(res.columns, row, strict=True)) for row in res.rows]


def col(rows: list[dict], name: str) -> set:
    return {r[name] for r in rows}


# --- the files ----------------------------------------------------------------------
def test_every_query_file_parses_under_its_own_name():
    found, errors = saved.load_all()
    assert errors == []
    stems = {p.stem for p in saved.QUERIES_DIR.glob("*.cypher")}
    assert set(found) == stems
    assert len(stems) >= 12  # the folder was found, with the library in it
    for name, q in found.items():
        assert Path(q.path).stem == name
        assert q.title and q.title != name, name
        assert q.description, name
        assert q.view in saved.VIEWS


@pytest.mark.parametrize("name", LIBRARY)
def test_declared_parameters_are_exactly_those_used(name):
    q = saved.get(name)
    declared = {p.name for p in q.params}
    for kind in ("ladybug", "neo4j"):
        body = re.sub(r"//[^\n]*", "", q.body(kind))  # comments may mention $names
        body = re.sub(r"'(?:[^'\\]|\\.)*'", "''", body)
        used = set(re.findall(r"\$([A-Za-z_]\w*)", body)) | set(re.findall(r"\{\{(\w+)\}\}", body))
        assert used == declared, (name, kind)
        # Both stores must return rows in the same order.
        assert "ORDER BY" in body.upper(), (name, kind)
    for p in q.params:
        assert p.default is not None, f"{name}.{p.name} needs a default: the app runs it blank"
        assert p.help, f"{name}.{p.name} has no help text"


def test_the_alert_queries():
    found, _ = saved.load_all()
    assert {n for n, q in found.items() if q.alert} == ALERTS


def test_per_store_bodies_differ_only_where_declared():
    found, _ = saved.load_all()
    split = {n for n, q in found.items() if q.body("ladybug") != q.body("neo4j")}
    # Sorted lists, date arithmetic, and label()/type(), and one plan that only
    # Neo4j needs (crew_baggage: a list look-up instead of a match per row, since
    # list indexes differ): the rest is shared Cypher.
    assert split == {"transit_chain", "seized_company_activity", "entity_360", "crew_baggage"}
    for n in split - {"crew_baggage"}:
        assert "label(" in found[n].body("ladybug") or "date(" in found[n].body("ladybug") \
            or "list_sort" in found[n].body("ladybug")
    assert "x[0]" in found["crew_baggage"].body("neo4j")


GOOD = """// name: good
// title: Good
// param: n int = 1 -- a number
MATCH (p:Person) RETURN p.person_id AS id ORDER BY id LIMIT $n
"""
BROKEN = {
    "bad param type": ("// name: broken\n// param: n integer = 1\n"
                       "MATCH (p:Person) RETURN p LIMIT $n\n", "bad param line"),
    "bad default": ("// name: broken\n// param: n int = many\n"
                    "MATCH (p:Person) RETURN p LIMIT $n\n", "must be int"),
    "missing name": ("// title: No name\nMATCH (p:Person) RETURN p\n", "no '// name:' line"),
    "name is not the file": ("// name: other\nMATCH (p:Person) RETURN p\n", "differs"),
    "undeclared parameter": ("// name: broken\nMATCH (p:Person {person_id: $who}) RETURN p\n",
                             "undeclared parameter(s) who"),
    "unused parameter": ("// name: broken\n// param: who str = \"x\"\n"
                         "MATCH (p:Person) RETURN p\n", "unused parameter(s) who"),
    "unknown store marker": ("// name: broken\nMATCH (p:Person)\n// --- memgraph\nRETURN p\n",
                             "unknown store 'memgraph'"),
    "one store body only": ("// name: broken\n// --- ladybug\nMATCH (p:Person) RETURN p\n",
                            "needs both ladybug and neo4j"),
    "unknown view": ("// name: broken\n// view: chart\nMATCH (p:Person) RETURN p\n",
                     "view 'chart'"),
    "no cypher": ("// name: broken\n// title: Nothing\n", "no Cypher"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_file_is_named_and_hides_no_other(tmp_path, case):
    text, reason = BROKEN[case]
    (tmp_path / "good.cypher").write_text(GOOD, encoding="utf-8")
    (tmp_path / "broken.cypher").write_text(text, encoding="utf-8")
    found, errors = saved.load_all(tmp_path)
    assert set(found) == {"good"}
    assert len(errors) == 1
    assert "broken.cypher" in errors[0] and reason in errors[0], errors[0]
    with pytest.raises(QueryError, match=re.escape(reason)):
        saved.get("broken", tmp_path)
    assert saved.get("good", tmp_path).params[0].default == 1


def test_an_unknown_query_names_the_known_ones(tmp_path):
    (tmp_path / "good.cypher").write_text(GOOD, encoding="utf-8")
    with pytest.raises(QueryError, match="no saved query 'nope'; known: good"):
        saved.get("nope", tmp_path)


def test_store_bodies_are_the_shared_text_plus_their_own():
    q = saved.parse("// name: t\n// param: k str = \"a\" -- key\nMATCH (n {ref: $k})\n"
                    "// --- ladybug\nRETURN label(n) AS l ORDER BY l\n"
                    "// --- neo4j\nRETURN labels(n)[0] AS l ORDER BY l\n")
    assert q.body("ladybug") == "MATCH (n {ref: $k})\nRETURN label(n) AS l ORDER BY l"
    assert q.body("neo4j") == "MATCH (n {ref: $k})\nRETURN labels(n)[0] AS l ORDER BY l"


# --- parameters ---------------------------------------------------------------------
class NoStore:
    """A store that fails the test if anything reaches it."""

    kind = "ladybug"

    def query(self, *a, **kw):
        raise AssertionError("the query ran although a parameter was invalid")


@pytest.mark.parametrize("name, params, reason", [
    ("co_travellers", {"min_shared": "many"}, "min_shared must be int"),
    ("co_travellers", {"min_shared": 2.5}, "min_shared must be int"),
    ("co_travellers", {"include_crew": "perhaps"}, "include_crew must be bool"),
    ("valuation_anomaly", {"max_ratio": "a fifth"}, "max_ratio must be float"),
    ("itinerary_route", {"date_from": "19/03/2017"}, "date_from must be date"),
    ("itinerary_route", {"date_to": "2017-3-1"}, "date_to must be date"),
    ("repeat_route_travellers", {"min_trips": "5x"}, "min_trips must be int"),
    ("entity_360", {"label": "Container"}, "unknown parameter(s) label"),
])
def test_parameters_are_checked_before_the_query_runs(name, params, reason):
    q = saved.get(name)
    with pytest.raises(QueryError, match=re.escape(reason)) as e:
        saved.run(NoStore(), q, params)
    assert str(e.value).startswith(name)


def test_parameters_take_their_declared_types():
    q = saved.get("valuation_anomaly")
    bound = q.bind({"max_ratio": "0.25", "min_lines": "3", "by_hs6": "no"})
    assert bound["max_ratio"] == 0.25 and bound["min_lines"] == 3 and bound["by_hs6"] is False
    assert bound["hs_prefix"] == "" and bound["min_market_lines"] == 10
    assert saved.get("repeat_route_travellers").bind({})["date_from"] == ""


def test_cli_refuses_a_bad_parameter_in_one_line(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "graph.cli", "queries", "run", "co_travellers",
         "--param", "min_shared=many", "--store", f"ladybug://{tmp_path / 'e.lbug'}"],
        capture_output=True, text=True, timeout=300)
    assert done.returncode == 1
    assert "min_shared must be int" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


# --- every query on the sample data -----------------------------------------------------
@pytest.mark.parametrize("name", LIBRARY)
def test_every_query_runs_with_its_defaults_and_finds_something(sample_store, name):
    rows = run(sample_store, name)
    assert rows, f"{name} found nothing with its defaults"


# --- the CSV files, read directly, for the expected answers -----------------------------
def _csv(name: str) -> list[dict]:
    with open(SAMPLE / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _iso_date(v: str) -> date | None:
    try:
        return date.fromisoformat(v)
    except ValueError:
        return None


@cache
def flights() -> dict[str, dict]:
    """flight_key -> {origin, destination, dep, arr} for the good rows."""
    out = {}
    for r in _csv("flights.csv"):
        try:
            dep = datetime.fromisoformat(r["departure_time"])
            arr = datetime.fromisoformat(r["arrival_time"])
        except ValueError:
            continue
        if dep.tzinfo is None or arr.tzinfo is None or r["departure_airport"] == "XXQ":
            continue
        out[f"{r['flight_no']}@{dep.date().isoformat()}"] = {
            "origin": r["departure_airport"], "destination": r["arrival_airport"],
            "dep": dep, "arr": arr}
    return out


@cache
def travel() -> list[dict]:
    """Travel rows on known flights, with the flight key and the PNR as stored."""
    out = []
    for r in _csv("travel.csv"):
        key = f"{r['flight_no']}@{r['departure_date']}"
        if key in flights():
            out.append({**r, "key": key, "pnr": r["pnr"].upper(),
                        "bags": int(r["checked_bags"] or 0)})
    return out


@cache
def declarations() -> dict[str, dict]:
    return {r["declaration_no"]: r for r in _csv("declarations.csv")
            if _iso_date(r["registered_date"])}


@cache
def covers() -> list[tuple[str, str]]:
    good = {r["container_no"] for r in _csv("containers.csv") if F.iso6346.is_valid(
        r["container_no"])}
    return [(r["declaration_no"], r["container_no"]) for r in _csv("declaration_containers.csv")
            if r["container_no"] in good and r["declaration_no"] in declarations()]


@cache
def seizure_links() -> list[dict]:
    return [r for r in _csv("seizure_links.csv") if re.match(r"^[A-Za-z]+:.+", r["ref"])
            and r["ref"].split(":", 1)[0] != "Spaceship"]


@cache
def seizures() -> dict[str, dict]:
    return {r["seizure_id"]: r for r in _csv("seizures.csv")}


# --- 1. itinerary_route -------------------------------------------------------------
def test_itinerary_route_finds_exactly_the_four_cigar_passengers(sample_store):
    rows = run(sample_store, "itinerary_route")
    assert col(rows, "person_id") == CIGAR_PAX and len(rows) == 4
    assert col(rows, "first_leg") == {"AF3@2017-03-17"}
    assert col(rows, "second_leg") == {"VN18@2017-03-19"}
    assert col(rows, "pnr_first_leg") == col(rows, "pnr_second_leg") == {"QX7K2M"}
    af3, vn18 = flights()["AF3@2017-03-17"], flights()["VN18@2017-03-19"]
    assert col(rows, "connection_minutes") == {(vn18["dep"] - af3["arr"]).total_seconds() // 60}
    assert {r["person_id"]: r["checked_bags"] for r in rows} == {
        "P000901": 3, "P000902": 3, "P000903": 2, "P000904": 2}


def test_itinerary_route_decoys_fall_outside_one_condition_each(sample_store):
    # P000909 made the same trip in October 2016.
    october = run(sample_store, "itinerary_route", date_from="2016-10-01", date_to="2016-10-31")
    assert col(october, "person_id") == {"P000909"}
    # P000906 waited ten days in Paris.
    patient = run(sample_store, "itinerary_route", max_connection_hours=300)
    assert col(patient, "person_id") == CIGAR_PAX | {"P000906"}
    # P000908 came from Frankfurt, not Cuba; P000907 never touched CDG.
    anywhere = col(run(sample_store, "itinerary_route", origin_country="*"), "person_id")
    assert CIGAR_PAX | {"P000908"} <= anywhere and "P000907" not in anywhere
    via_doha = run(sample_store, "itinerary_route", origin_country="ES", via="DOH")
    assert "P000907" in col(via_doha, "person_id")  # Madrid -> Doha -> Hanoi
    any_hub = run(sample_store, "itinerary_route", origin_country="ES", via="*")
    assert col(any_hub, "person_id") >= col(via_doha, "person_id")
    assert {r["first_leg"] for r in any_hub if r["person_id"] == "P000907"} == {"QR148@2017-03-18"}
    # A field left out takes the default (Cuba); a cleared field ("") and * mean "any".
    assert col(run(sample_store, "itinerary_route"), "person_id") == CIGAR_PAX
    assert col(run(sample_store, "itinerary_route", origin_country=""), "person_id") == anywhere
    # An airport instead of a country.
    assert col(run(sample_store, "itinerary_route", origin_country="*", origin_airport="HAV"),
               "person_id") == CIGAR_PAX


# --- 2. co_travellers ----------------------------------------------------------------
def _co_travellers(pid: str, min_shared: int, crew: bool) -> set[str]:
    mine = [t for t in travel() if t["person_id"] == pid]
    flights_of, pnrs_of = {t["key"] for t in mine}, {t["pnr"] for t in mine if t["pnr"]}
    shared_f, shared_p = defaultdict(set), defaultdict(set)
    for t in travel():
        if t["person_id"] == pid:
            continue
        if t["key"] in flights_of and (crew or t["role"] == "passenger"):
            shared_f[t["person_id"]].add(t["key"])
        if t["pnr"] and t["pnr"] in pnrs_of:
            shared_p[t["person_id"]].add(t["pnr"])
    return {o for o in set(shared_f) | set(shared_p)
            if shared_p[o] or len(shared_f[o]) >= min_shared}


def test_co_travellers_of_a_cigar_passenger_are_the_other_three(sample_store):
    rows = run(sample_store, "co_travellers")
    assert col(rows, "person_id") == CIGAR_PAX - {"P000901"}
    by_id = {r["person_id"]: r for r in rows}
    assert by_id["P000902"]["shared_flights"] == 8  # the August 2016 trip too
    assert by_id["P000903"]["shared_flights"] == by_id["P000904"]["shared_flights"] == 4
    assert all(r["shared_bookings"] >= 2 for r in rows)  # HT4R9B and QX7K2M
    assert {r["co_traveller"].key for r in rows} == col(rows, "person_id")
    assert {r["person"].key for r in rows} == {"P000901"}


@pytest.mark.parametrize("pid, min_shared, crew", [
    ("P000901", 3, False), ("P000901", 2, False), ("P000903", 2, True), ("P002222", 4, True)])
def test_co_travellers_agree_with_the_travel_file(sample_store, pid, min_shared, crew):
    rows = run(sample_store, "co_travellers", person_id=pid, min_shared=min_shared,
               include_crew=crew)
    assert col(rows, "person_id") == _co_travellers(pid, min_shared, crew)


# --- 3. shared_identifiers, identifier_clusters -------------------------------------------
@cache
def holders() -> dict[tuple[str, str], set[str]]:
    """(kind, normalised identifier) -> refs of the persons and companies holding it."""
    out = defaultdict(set)
    rows = [("Person", r["person_id"], r) for r in _csv("persons.csv")
            if r["person_id"] not in BAD_PERSONS]
    rows += [("Company", r["company_id"].upper(), r) for r in _csv("companies.csv")]
    for label, key, r in rows:
        ref = f"{label}:{key}"
        if r["phone"].strip():
            out[("phone", F.phone(r["phone"]))].add(ref)
        if r["email"].strip():
            out[("email", F.email(r["email"]))].add(ref)
        if r["address"].strip():
            out[("address", F.address_key(r["address"]))].add(ref)
    return out


def _identifier_key(kind: str, text: str) -> tuple[str, str]:
    return (kind, F.address_key(text) if kind == "address" else text)


@pytest.mark.parametrize("ref, expected", [
    ("Person:P001201", {("phone", "Company:0313579240")}),  # the sister firm's phone
    ("Company:0313579240", {("phone", "Person:P001201")}),
    ("Person:P000903", {("address", "Person:P000905")}),  # the housemate who never flies
    ("Person:P000901", {("phone", "Person:P000902")}),
    ("Company:0312345678", set()),
])
def test_shared_identifiers_of_the_story_people(sample_store, ref, expected):
    rows = run(sample_store, "shared_identifiers", ref=ref)
    assert {(r["kind"], r["ref"]) for r in rows} == expected
    for r in rows:
        assert ref in holders()[_identifier_key(r["kind"], r["identifier"])]
        assert r["holder_label"] == r["ref"].split(":")[0]
        assert r["entity"].id == ref and r["holder"].id == r["ref"]


@pytest.mark.parametrize("ref", ["Person:P000217", "Company:0148529839", "Person:P000170"])
def test_shared_identifiers_agree_with_the_files(sample_store, ref):
    rows = run(sample_store, "shared_identifiers", ref=ref)
    expected = {(kind, other) for (kind, _), refs in holders().items() if ref in refs
                for other in refs - {ref}}
    assert {(r["kind"], r["ref"]) for r in rows} == expected


@pytest.mark.parametrize("params", [{}, {"with_company": False}, {"kind": "phone"},
                                    {"min_holders": 3, "with_company": False}])
def test_identifier_clusters_agree_with_the_files(sample_store, params):
    rows = run(sample_store, "identifier_clusters", **params)
    minimum, kind = params.get("min_holders", 2), params.get("kind", "")
    expected = {k: refs for k, refs in holders().items()
                if len(refs) >= minimum and (not kind or k[0] == kind)
                and (params.get("with_company") is False
                     or any(r.startswith("Company:") for r in refs))}
    got = {_identifier_key(r["kind"], r["identifier"]): r for r in rows}
    assert len(got) == len(rows)
    assert set(got) == set(expected)
    for k, refs in expected.items():
        r = got[k]
        assert (r["holders"], r["first_holder"], r["last_holder"]) == (
            len(refs), min(refs), max(refs))
        assert r["persons"] == sum(x.startswith("Person:") for x in refs)
    assert [r["holders"] for r in rows] == sorted((r["holders"] for r in rows), reverse=True)


def test_identifier_clusters_hold_the_planted_links(sample_store):
    by_id = {r["identifier"]: r for r in run(sample_store, "identifier_clusters")}
    director = F.phone(next(r["phone"] for r in _csv("persons.csv") if r["person_id"] == "P001201"))
    assert by_id[director]["first_holder"] == f"Company:{SISTER}"
    assert by_id[director]["last_holder"] == "Person:P001201"
    homes = run(sample_store, "identifier_clusters", kind="address", with_company=False)
    assert any(r["first_holder"] == "Person:P000903" and r["last_holder"] == "Person:P000905"
               for r in homes)


# --- 4. transit_chain --------------------------------------------------------------
def _chain(container: str, decl_type: str) -> set[tuple]:
    """(declarant, declaration, container, consignee) rows, from the files."""
    out = set()
    start = {d for d, c in covers() if c == container}
    for d0 in start:
        co = declarations()[d0]["company_id"].upper()
        for no, d in declarations().items():
            if d["company_id"].upper() != co or not (
                    no in start or not decl_type or d["type"] == decl_type):
                continue
            for c in [c for x, c in covers() if x == no] or [None]:
                out.add((co, no, c, d["consignee_id"].upper() or None))
    return out


def test_transit_chain_from_the_story_container(sample_store):
    rows = run(sample_store, "transit_chain")
    assert col(rows, "start_container") == {STORY_CONTAINER}
    assert col(rows, "declarant_id") == {VIET_TRAN}
    assert {tuple(r["officers"]) for r in rows} == {(
        "P001201 Huỳnh Văn Trấn (director)", "P001202 Võ Thị Kim Loan (representative)")}
    assert col(rows, "type") == {"transit"}
    assert sorted(col(rows, "registered_date")) == [
        "2017-02-09", "2017-03-22", "2017-04-27", "2017-05-30", "2017-06-16", "2017-08-03"]
    assert len(col(rows, "container_no")) == 9 and STORY_CONTAINER in col(rows, "container_no")
    assert col(rows, "consignee_id") == KH_CONSIGNEES
    assert col(rows, "consignee_country") == col(rows, "destination_country") == {"KH"}
    start = [r for r in rows if r["is_start"]]
    assert [r["declaration_no"] for r in start] == ["500100012345"]
    assert start[0]["consignee_id"] == "KH-00031587"
    assert {r["declaration_seizure"] for r in rows} == {CLI_SEIZURE, None}
    assert [r["declaration_no"] for r in rows if r["container_seizure"]] == ["500100012345"]
    assert {(r["declarant_id"], r["declaration_no"], r["container_no"], r["consignee_id"])
            for r in rows} == _chain(STORY_CONTAINER, "transit")
    assert {r["company"].key for r in rows} == {VIET_TRAN}
    assert {r["container"].key for r in rows} == col(rows, "container_no")


def test_transit_chain_follows_every_type_when_asked(sample_store):
    rows = run(sample_store, "transit_chain", decl_type="*")
    assert {r["registered_date"] for r in rows if r["type"] == "import"} == {
        "2017-01-12", "2017-07-19"}
    assert {(r["declarant_id"], r["declaration_no"], r["container_no"], r["consignee_id"])
            for r in rows} == _chain(STORY_CONTAINER, "")


def test_transit_chain_from_a_reused_container(sample_store):
    box = next(c for c in sorted({c for _, c in covers()})
               if len({declarations()[d]["company_id"] for d, x in covers() if x == c}) >= 2)
    rows = run(sample_store, "transit_chain", container_no=box, decl_type="*")
    assert {(r["declarant_id"], r["declaration_no"], r["container_no"], r["consignee_id"])
            for r in rows} == _chain(box, "")
    assert run(sample_store, "transit_chain", container_no="MSCU0000000") == []


# --- 5. seized_company_activity ------------------------------------------------------
def _activity(days: int) -> set[tuple]:
    out = set()
    for link in seizure_links():
        if not link["ref"].startswith("Container:"):
            continue
        sid, box = link["seizure_id"], link["ref"].split(":", 1)[1]
        day = date.fromisoformat(seizures()[sid]["date"])
        cover = [d for d, c in covers() if c == box
                 and date.fromisoformat(declarations()[d]["registered_date"]) <= day]
        if not cover:
            continue
        last = max(declarations()[d]["registered_date"] for d in cover)
        for sd in [d for d in cover if declarations()[d]["registered_date"] == last]:
            co = declarations()[sd]["company_id"]
            for no, d in declarations().items():
                offset = (date.fromisoformat(d["registered_date"]) - day).days
                if d["company_id"] == co and no != sd and abs(offset) <= days:
                    out.add((sid, co, sd, no, offset))
    return out


def test_seized_company_activity_around_the_counterfeit_seizure(sample_store):
    rows = run(sample_store, "seized_company_activity", seizure_id=CLI_SEIZURE)
    assert {(r["registered_date"], r["type"], r["days_from_seizure"]) for r in rows} == {
        ("2017-05-30", "transit", -22), ("2017-07-19", "import", 28)}
    assert col(rows, "company_id") == {VIET_TRAN}
    assert col(rows, "seized_declaration") == {"500100012345"}
    assert col(rows, "container_no") == {STORY_CONTAINER}
    wider = run(sample_store, "seized_company_activity", seizure_id=CLI_SEIZURE, days=60)
    assert sorted(col(wider, "registered_date")) == [
        "2017-04-27", "2017-05-30", "2017-07-19", "2017-08-03"]
    assert run(sample_store, "seized_company_activity", seizure_id=CLI_SEIZURE, days=10) == []


@pytest.mark.parametrize("days", [30, 7, 90])
def test_seized_company_activity_agrees_with_the_files(sample_store, days):
    rows = run(sample_store, "seized_company_activity", days=days)
    assert {(r["seizure_id"], r["company_id"], r["seized_declaration"], r["declaration_no"],
             r["days_from_seizure"]) for r in rows} == _activity(days)
    # Only seizures of a container: a passenger seizure has none.
    boxed = {x["seizure_id"] for x in seizure_links() if x["ref"].startswith("Container:")}
    assert col(rows, "seizure_id") <= boxed


# --- 6. valuation_anomaly ---------------------------------------------------------
def _undervalued(max_ratio: float, min_lines: int, min_market: int, by_hs6: bool) -> set[tuple]:
    lines = []
    for r in _csv("declaration_items.csv"):
        d = declarations().get(r["declaration_no"])
        try:
            hs = F.hs_code(r["hs_code"])
        except ValueError:
            continue
        qty, value = float(r["quantity"] or 0), float(r["value_usd"] or 0)
        if d is None or not qty or not value:
            continue
        goods = (hs["hs6"] or hs["hs_code"]) if by_hs6 else hs["hs_code"]
        lines.append({"co": d["company_id"], "no": r["declaration_no"], "line": int(r["line_no"]),
                      "group": (goods, (r["unit"] or "").upper()),
                      "uv": round(value / qty, 6)})
    market = defaultdict(list)
    own = defaultdict(list)
    for x in lines:
        market[x["group"]].append(x["uv"])
        own[(x["co"], x["group"])].append(x["uv"])
    out = set()
    for x in lines:
        values, mine = market[x["group"]], own[(x["co"], x["group"])]
        if len(values) < min_market or len(mine) < min_lines:
            continue
        median = statistics.median(values)
        if statistics.median(mine) <= max_ratio * median and x["uv"] <= max_ratio * median:
            out.add((x["co"], x["no"], x["line"]))
    return out


def test_valuation_anomaly_finds_the_float_glass_importer_and_nothing_else(sample_store):
    rows = run(sample_store, "valuation_anomaly")
    assert col(rows, "company_id") == {GLASS_CO}
    assert col(rows, "declaration_no") == GLASS_DECLARATIONS
    assert {r["hs_code"][:4] for r in rows} == {"7005"} and col(rows, "unit") == {"MTK"}
    assert all(0 < r["ratio"] < 0.2 and r["declarant_ratio"] < 0.2 for r in rows)
    assert all(4 <= r["median_unit_value"] <= 8 for r in rows)
    assert [r["ratio"] for r in rows] == sorted(r["ratio"] for r in rows)
    glass_lines = {(d, int(r["line_no"])) for r in _csv("declaration_items.csv")
                   if (d := r["declaration_no"]) in GLASS_DECLARATIONS}
    assert {(r["declaration_no"], r["line_no"]) for r in rows} == glass_lines
    assert run(sample_store, "valuation_anomaly", hs_prefix="7005") == rows
    assert run(sample_store, "valuation_anomaly", hs_prefix="8542") == []


@pytest.mark.parametrize("params", [
    {}, {"max_ratio": 0.3}, {"max_ratio": 0.5, "min_lines": 1}, {"by_hs6": False},
    {"min_market_lines": 30, "max_ratio": 0.4}])
def test_valuation_anomaly_agrees_with_the_files(sample_store, params):
    rows = run(sample_store, "valuation_anomaly", **params)
    expected = _undervalued(params.get("max_ratio", 0.2), params.get("min_lines", 2),
                            params.get("min_market_lines", 10), params.get("by_hs6", True))
    assert {(r["company_id"], r["declaration_no"], r["line_no"]) for r in rows} == expected


# --- 7. crew_baggage ------------------------------------------------------------------
def test_crew_baggage_finds_the_three_crew_of_the_cosmetics_case(sample_store):
    rows = run(sample_store, "crew_baggage")
    assert col(rows, "person_id") == STORY_CREW
    assert {(r["origin"], r["destination"]) for r in rows} == {("BKK", "SGN")}
    assert {r["person_id"]: r["heavy_trips"] for r in rows} == {
        "P002222": 13, "P002221": 6, "P002223": 7}
    assert {r["person_id"]: r["own_seizures"] for r in rows} == {
        "P002222": 1, "P002221": 0, "P002223": 0}
    assert all(r["route_seizures"] >= 1 and 2 <= r["most_bags"] <= 4 for r in rows)
    assert rows[0]["person_id"] == "P002222"


@pytest.mark.parametrize("min_bags, min_trips", [(2, 3), (1, 3), (1, 40), (3, 2)])
def test_crew_baggage_agrees_with_the_files(sample_store, min_bags, min_trips):
    rows = run(sample_store, "crew_baggage", min_bags=min_bags, min_trips=min_trips)
    risky = {(flights()[k]["origin"], flights()[k]["destination"])
             for link in seizure_links() if link["ref"].startswith("Flight:")
             and (k := link["ref"].split(":", 1)[1]) in flights()}
    heavy = defaultdict(set)
    for t in travel():
        if t["role"] == "crew" and t["bags"] >= min_bags:
            f = flights()[t["key"]]
            heavy[(t["person_id"], f["origin"], f["destination"])].add(t["key"])
    expected = {k: len(v) for k, v in heavy.items()
                if k[1:] in risky or len(v) >= min_trips}
    assert {(r["person_id"], r["origin"], r["destination"]): r["heavy_trips"]
            for r in rows} == expected


# --- 8. repeat_route_travellers -------------------------------------------------------
def _repeat(origin, destination, min_trips, role="", date_from="", date_to="") -> dict:
    trips = defaultdict(set)
    for t in travel():
        f = flights()[t["key"]]
        if (f["origin"], f["destination"]) == (origin, destination) \
                and (not role or t["role"] == role) \
                and (not date_from or t["departure_date"] >= date_from) \
                and (not date_to or t["departure_date"] <= date_to):
            trips[t["person_id"]].add(t["key"])
    return {p: len(k) for p, k in trips.items() if len(k) >= min_trips}


def test_repeat_route_travellers_on_bangkok_saigon_are_the_story_crew(sample_store):
    rows = run(sample_store, "repeat_route_travellers")
    assert col(rows, "person_id") == STORY_CREW
    assert all(r["as_crew"] == r["trips"] for r in rows)
    assert {r["person_id"]: r["trips"] for r in rows} == _repeat("BKK", "SGN", 5)


@pytest.mark.parametrize("params", [
    {"origin": "CDG", "destination": "HAN", "min_trips": 2, "role": "passenger"},
    {"origin": "HAV", "destination": "CDG", "min_trips": 2},
    {"origin": "SGN", "destination": "BKK", "min_trips": 3, "role": "crew",
     "date_from": "2017-01-01", "date_to": "2017-06-30"},
])
def test_repeat_route_travellers_agree_with_the_files(sample_store, params):
    rows = run(sample_store, "repeat_route_travellers", **params)
    assert {r["person_id"]: r["trips"] for r in rows} == _repeat(**params)
    assert [r["trips"] for r in rows] == sorted((r["trips"] for r in rows), reverse=True)


def test_repeat_route_travellers_include_the_cigar_pair_on_havana_paris(sample_store):
    rows = run(sample_store, "repeat_route_travellers", origin="HAV", destination="CDG",
               min_trips=2)
    assert {"P000901", "P000902"} <= col(rows, "person_id")
    assert not col(rows, "person_id") & {"P000903", "P000904", "P000906", "P000909"}


# --- 9. brand_infringement ------------------------------------------------------------
def _brand_rows(brand: str) -> set[tuple]:
    out = set()
    for sid, s in seizures().items():
        for b in [x.strip() for x in s["brands"].split(";") if x.strip()]:
            if brand.upper() in F.brand_key(b) or brand.upper() in b.upper():
                out |= {(b, sid, link["role"], link["ref"]) for link in seizure_links()
                        if link["seizure_id"] == sid}
    return out


@pytest.mark.parametrize("brand", ["Nike", "nike", "hermes", "Hermès", "HERMÈS", "Louis"])
def test_brand_infringement_leads_to_the_cat_lai_container(sample_store, brand):
    rows = run(sample_store, "brand_infringement", brand=brand)
    assert col(rows, "seizure_id") == {CLI_SEIZURE}
    assert col(rows, "linked") == {f"Container:{STORY_CONTAINER}", "Declaration:500100012345",
                                   f"Company:{VIET_TRAN}", "Company:KH-00031587"}
    assert {r["route"] for r in rows if r["role"] == "declaration"} == {"CNSZX → VNCLI"}
    assert {r["linked_node"].id for r in rows} == col(rows, "linked")


@pytest.mark.parametrize("brand", ["", "Apple", "Cohiba", "Shiseido", "Rolex", "zzz"])
def test_brand_infringement_agrees_with_the_files(sample_store, brand):
    rows = run(sample_store, "brand_infringement", brand=brand)
    assert {(r["brand"], r["seizure_id"], r["role"], r["linked"]) for r in rows} == \
        _brand_rows(brand)
    for r in rows:
        if r["linked"].startswith("Flight:"):
            f = flights()[r["linked"].split(":", 1)[1]]
            assert r["route"] == f"{f['origin']} → {f['destination']}"


def test_brand_infringement_apple_spans_cargo_and_a_passenger(sample_store):
    rows = run(sample_store, "brand_infringement", brand="apple")
    assert len(col(rows, "seizure_id")) == 2
    assert {"container", "declarant", "passenger", "flight"} <= col(rows, "role")
    within = run(sample_store, "brand_infringement", brand="apple", date_from="2017-06-01",
                 date_to="2017-06-30")
    assert col(within, "seizure_id") == {CLI_SEIZURE}


# --- 10. entity_360 -------------------------------------------------------------------
def _summary(rows) -> dict[tuple, tuple]:
    return {(r["hop"], r["via"], r["relationship"], r["label"]): (r["nodes"], r["first"], r["last"])
            for r in rows}


def test_entity_360_of_the_story_container(sample_store):
    got = _summary(run(sample_store, "entity_360"))
    assert {k: v for k, v in got.items() if k[0] == 1} == {
        (1, "Container", "COVERS", "Declaration"): (1, "Declaration:500100012345",
                                                    "Declaration:500100012345"),
        (1, "Container", "INVOLVES", "Seizure"): (1, f"Seizure:{CLI_SEIZURE}",
                                                  f"Seizure:{CLI_SEIZURE}"),
    }
    assert got[(2, "Declaration", "DECLARED", "Company")] == (
        1, f"Company:{VIET_TRAN}", f"Company:{VIET_TRAN}")
    assert got[(2, "Declaration", "CONSIGNED_TO", "Company")][0] == 1
    assert got[(2, "Seizure", "CONCERNS_BRAND", "Brand")][0] == 11
    assert got[(2, "Seizure", "INVOLVES", "Company")] == (
        2, f"Company:{VIET_TRAN}", "Company:KH-00031587")
    assert got[(2, "Declaration", "DECLARES", "Commodity")][0] == 5
    # Hubs are reached but not stepped through.
    assert (2, "Declaration", "DESTINED_FOR", "Country") in got
    assert not any(k[1] in ("Country", "Commodity", "CustomsOffice") for k in got)


def test_entity_360_of_a_cigar_passenger(sample_store):
    got = _summary(run(sample_store, "entity_360", ref="Person:P000901"))
    assert got[(1, "Person", "TRAVELLED", "Flight")][0] == 8
    assert got[(1, "Person", "BOOKED", "Booking")][0] == 3
    assert got[(1, "Person", "INVOLVES", "Seizure")] == (
        1, "Seizure:SZ-2017-0319-HAN", "Seizure:SZ-2017-0319-HAN")
    assert got[(2, "Seizure", "INVOLVES", "Person")] == (3, "Person:P000902", "Person:P000904")
    assert got[(2, "Phone", "HAS_PHONE", "Person")] == (1, "Person:P000902", "Person:P000902")
    on_flights = {t["person_id"] for t in travel() if t["key"] in
                  {x["key"] for x in travel() if x["person_id"] == "P000901"}} - {"P000901"}
    assert got[(2, "Flight", "TRAVELLED", "Person")][0] == len(on_flights)
    hubs = _summary(run(sample_store, "entity_360", ref="Person:P000901", through_hubs=True))
    assert (2, "Country", "CITIZEN_OF", "Person") in hubs


def test_entity_360_of_nothing_is_empty(sample_store):
    assert run(sample_store, "entity_360", ref="Container:MSCU0000000") == []
    # Not an entity at all: a clear error naming the parameter, before any Cypher.
    with pytest.raises(QueryError, match="parameter ref must be ref"):
        run(sample_store, "entity_360", ref="not a ref")


# --- the example of queries/README.md -----------------------------------------------
def test_seized_passengers_as_the_readme_says(sample_store):
    rows = run(sample_store, "seized_passengers")
    expected = {(x["seizure_id"], x["ref"].split(":", 1)[1]) for x in seizure_links()
                if x["role"] == "passenger" and seizures()[x["seizure_id"]]["date"] >= "2017-01-01"}
    assert {(r["seizure_id"], r["person_id"]) for r in rows} == expected
    assert len(rows) == 9
    cigars = [r for r in rows if r["seizure_id"] == "SZ-2017-0319-HAN"]
    assert col(cigars, "person_id") == CIGAR_PAX and col(cigars, "flight") == {"VN18@2017-03-19"}
    drugs = run(sample_store, "seized_passengers", violation="drug")
    assert {r["goods"] for r in drugs} == {"heroin", "methamphetamine"}
    assert run(sample_store, "seized_passengers", violation="*") == rows


def test_entity_360_of_a_hub_stays_within_memory(sample_store):
    # Country:VN touches thousands of nodes; hop 2 once carried all of them on every row.
    got = _summary(run(sample_store, "entity_360", ref="Country:VN", through_hubs=True))
    citizens = {r["person_id"] for r in _csv("persons.csv")
                if r["nationality"] in ("VN", "VNM") and r["person_id"] not in BAD_PERSONS}
    assert got[(1, "Country", "CITIZEN_OF", "Person")] == (
        len(citizens), f"Person:{min(citizens)}", f"Person:{max(citizens)}")
    assert got[(2, "Person", "TRAVELLED", "Flight")][0] > 100


def test_a_ref_parameter_matches_through_the_label_key(sample_store):
    q = saved.get("entity_360")
    cypher, params = q.statement(sample_store.kind, q.bind({"ref": "Flight:VN18@2017-03-19"}))
    assert "MATCH (n:Flight {flight_key: $ref__key})" in cypher
    assert params["ref__key"] == "VN18@2017-03-19" and params["ref"] == "Flight:VN18@2017-03-19"
    res = saved.run(sample_store, q, {"ref": "Flight:VN18@2017-03-19"})
    assert any(r[3] == "Person" for r in res.rows)


@pytest.mark.parametrize("bad", ["Nope:X", "no colon", "Flight:", "Flight} RETURN 1 //:x",
                                 "Person:x}) DETACH DELETE n //"])
def test_a_ref_parameter_refuses_what_is_not_an_entity(bad):
    """The label comes from the schema, the key only as a parameter: text that
    tries to close the pattern is a key that matches nothing, or refused."""
    q = saved.get("entity_360")
    try:
        params = q.bind({"ref": bad})
    except QueryError:
        return
    cypher, params = q.statement("ladybug", params)
    assert bad.split(":", 1)[1].strip() == params["ref__key"]
    assert "DETACH" not in cypher and "RETURN 1" not in cypher.split("MATCH (n:")[1][:40]


def test_a_slot_must_name_a_ref_parameter():
    with pytest.raises(QueryError, match="not a ref parameter"):
        saved.parse("// name: q\n// param: x str = \"a\" -- x\nMATCH (n:{{x}}) RETURN n ORDER BY n")
