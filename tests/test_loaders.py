"""Loaders on a small contract folder with good rows and one of each kind of bad row,
written into a real LadybugDB on disk."""

import csv
import shutil

import pytest

from graph.core.errors import DataError
from loaders.load import load_folder
from tests.conftest import MINI

# (file, line, field, words of the reason) for every bad row in tests/data/mini
EXPECTED_REJECTS = {
    ("persons.csv", 5, "nationality", "iso 3166"),
    ("persons.csv", 6, "date_of_birth", "yyyy-mm-dd"),
    ("persons.csv", 7, "phone", "phone number"),
    ("persons.csv", 8, "email", "e-mail"),
    ("persons.csv", 9, "person_id", "empty"),
    ("persons.csv", 11, "person_id", "duplicate of line 3"),
    ("officers.csv", 4, "role", "one of director"),
    ("officers.csv", 5, "company_id", "unknown company"),
    ("flights.csv", 4, "departure_airport", "iata"),
    ("flights.csv", 5, "arrival_time", "utc offset"),
    ("flights.csv", 6, "arrival_time", "not after departure_time"),
    ("travel.csv", 6, "flight_no", "unknown flight 'vn99@2017-03-19'"),
    ("travel.csv", 7, "person_id", "unknown person 'p9'"),
    ("travel.csv", 8, "role", "one of passenger, crew"),
    ("travel.csv", 9, "checked_bags", "whole number"),
    ("containers.csv", 3, "container_no", "check digit"),
    ("declarations.csv", 3, "registered_date", "real calendar date"),
    ("declarations.csv", 4, "type", "one of import"),
    ("declarations.csv", 5, "company_id", "unknown company"),
    ("declaration_items.csv", 4, "hs_code", "not in the harmonized system"),
    ("declaration_items.csv", 5, "declaration_no", "unknown declaration"),
    ("declaration_containers.csv", 3, "container_no", "iso 6346"),
    ("seizure_links.csv", 4, "ref", "unknown label 'spaceship'"),
    ("seizure_links.csv", 5, "ref", "expected label:key"),
}


@pytest.fixture
def loaded(empty_lbug, tmp_path):
    report = load_folder(empty_lbug, MINI, rejects_file=tmp_path / "rejects.csv", progress=False)
    return empty_lbug, report


def test_every_bad_row_is_rejected_with_file_line_field_and_reason(loaded):
    _, report = loaded
    got = {(r.file, r.line, r.field, r.reason.lower()) for r in report.rejects}
    for file, line, field, words in EXPECTED_REJECTS:
        match = [g for g in got if g[:3] == (file, line, field)]
        assert match, f"no reject for {file}:{line} {field}; got {sorted(got)}"
        assert words in match[0][3], match
    assert len(report.rejects) == len(EXPECTED_REJECTS)


def test_the_rejects_file_lists_them(loaded, tmp_path):
    _, report = loaded
    with open(report.rejects_file, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(EXPECTED_REJECTS)
    assert {"file", "line", "field", "value", "reason"} == set(rows[0])
    assert any(r["value"] == "WHSU5018376" for r in rows)


def test_every_good_row_is_kept(loaded):
    store, report = loaded
    counts = report.counts["nodes"]
    assert counts["Person"] == 3 and counts["Flight"] == 2 and counts["Container"] == 2
    assert counts["Declaration"] == 1 and counts["Commodity"] == 2
    assert report.counts["relationships"]["TRAVELLED"] == 4
    assert report.counts["relationships"]["DECLARES"] == 2
    # The duplicate identical row is skipped silently, not rejected.
    persons = next(f for f in report.files if f.file == "persons.csv")
    assert persons.duplicates == 1 and persons.loaded == 3


def test_values_are_normalised(loaded):
    store, _ = loaded
    p2 = store.get("Person:P2")
    assert p2.properties["nationality"] == "VN"  # VNM -> VN
    phones = store.neighbours("Person:P2", rel_types=["HAS_PHONE"]).nodes
    assert "Phone:+84912345678" in phones  # 0912345678 read as Vietnamese, E.164
    emails = store.neighbours("Person:P2", rel_types=["HAS_EMAIL"]).nodes
    assert "Email:binh@example.vn" in emails
    flight = store.get("Flight:VN18@2017-03-19")
    assert flight.properties["departure_utc"] == "2017-03-18T23:05:00Z"
    assert flight.properties["origin"] == "CDG"
    han = store.get("Airport:HAN")
    assert han.properties["country"] == "VN" and abs(han.properties["lat"] - 21.22) < 0.01
    tee = store.get("Commodity:61091000")
    assert "cotton" in tee.properties["description"].lower()


def test_shared_identifiers_link_people_and_companies(loaded):
    store, _ = loaded
    # Same address written with and without diacritics: one Address node.
    sub = store.neighbours("Person:P1", hops=2, rel_types=["HAS_ADDRESS"])
    assert {"Person:P2", "Company:0312345678"} <= set(sub.nodes)
    assert "Booking:QX7K2M" in store.neighbours("Person:P2", rel_types=["BOOKED"]).nodes


def test_provenance_on_nodes_and_relationships(loaded):
    store, _ = loaded
    assert store.get("Container:WHSU5018375").properties["source"] == "containers.csv:2"
    sub = store.neighbours("Container:WHSU5018375", rel_types=["COVERS"])
    (edge,) = sub.edges.values()
    assert edge.properties["source"] == "declaration_containers.csv:2"


def test_loading_twice_changes_nothing(loaded, tmp_path):
    store, first = loaded
    before = store.neighbours("Flight:VN18@2017-03-19", hops=2).to_json()
    second = load_folder(store, MINI, rejects_file=tmp_path / "r2.csv", progress=False)
    assert second.counts == first.counts
    assert store.neighbours("Flight:VN18@2017-03-19", hops=2).to_json() == before
    assert len(second.rejects) == len(first.rejects)


def test_interrupted_load_run_again_gives_the_same_graph(empty_lbug, tmp_path):
    # A load stopped after some files, then run in full, equals one clean load.
    part = tmp_path / "part"
    part.mkdir()
    for name in ("persons.csv", "companies.csv", "flights.csv"):
        shutil.copy(MINI / name, part / name)
    load_folder(empty_lbug, part, rejects_file=tmp_path / "a.csv", progress=False)
    again = load_folder(empty_lbug, MINI, rejects_file=tmp_path / "b.csv", progress=False)
    from graph.core.stores import open_store
    from tests.conftest import lbug_url

    clean_dir = tmp_path / "clean"
    clean_dir.mkdir()
    with open_store(lbug_url(clean_dir)) as clean:
        fresh = load_folder(clean, MINI, rejects_file=tmp_path / "c.csv", progress=False)
        assert again.counts == fresh.counts
        for ref in ("Flight:VN18@2017-03-19", "Company:0312345678"):
            assert empty_lbug.neighbours(ref, hops=2).to_json() == \
                clean.neighbours(ref, hops=2).to_json()


def test_a_folder_may_hold_only_some_files(empty_lbug, tmp_path):
    shutil.copy(MINI / "containers.csv", tmp_path / "containers.csv")
    report = load_folder(empty_lbug, tmp_path, rejects_file=tmp_path / "r.csv", progress=False)
    assert [f.file for f in report.files] == ["containers.csv"]
    assert report.counts["nodes"]["Container"] == 2


def test_bad_folder_and_missing_columns(empty_lbug, tmp_path):
    with pytest.raises(DataError):
        load_folder(empty_lbug, tmp_path / "nope", progress=False)
    with pytest.raises(DataError, match="none of the contract files"):
        load_folder(empty_lbug, tmp_path, progress=False)
    (tmp_path / "containers.csv").write_text("container_no,operator\nWHSU5018375,x\n")
    report = load_folder(empty_lbug, tmp_path, rejects_file=tmp_path / "r.csv", progress=False)
    (rej,) = report.rejects
    assert rej.line == 1 and "size_type" in rej.reason


def test_rows_that_are_not_utf8_are_rejected_and_the_rest_kept(empty_lbug, tmp_path):
    good = b"WHSU5018375,45G1,Wan Hai Lines\n"
    bad = "MSCU1234566,22G1,Hàng tàu\n".encode("cp1258")
    (tmp_path / "containers.csv").write_bytes(
        b"\xef\xbb\xbfcontainer_no,size_type,operator\n" + good + bad)
    report = load_folder(empty_lbug, tmp_path, rejects_file=tmp_path / "r.csv", progress=False)
    (rej,) = report.rejects
    assert rej.line == 3 and rej.field == "operator" and "utf-8" in rej.reason.lower()
    assert report.counts["nodes"]["Container"] == 1


def test_wrong_field_count_and_nul_bytes(empty_lbug, tmp_path):
    (tmp_path / "containers.csv").write_text(
        "container_no,size_type,operator\nWHSU5018375,45G1\nMSCU1234566,22G1,M\x00SC\n"
        "TGHU1234567,22G1,ok\n")
    report = load_folder(empty_lbug, tmp_path, rejects_file=tmp_path / "r.csv", progress=False)
    reasons = sorted((r.line, r.reason) for r in report.rejects)
    assert reasons[0][0] == 2 and "2 fields" in reasons[0][1]
    assert reasons[1][0] == 3 and "nul" in reasons[1][1].lower()
