"""Malformed CSVs never crash a load: every row is either kept or rejected with a
reason, and the good rows among them are all kept."""

import csv

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.store import open_store
from loaders.load import load_folder
from tests.conftest import lbug_url

GOOD_PERSON = ["P1", "Nguyễn Văn An", "1980-05-01", "VN", "B1234567", "+84912345678",
               "an@example.vn", "12 Nguyễn Huệ"]
HEADER = ["person_id", "full_name", "date_of_birth", "nationality", "passport_no", "phone",
          "email", "address"]

junk = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
field = st.one_of(junk, st.sampled_from(["", "31/02/1980", "2017-13-01", "ZZ", "VNM", '"',
                                         "a,b", "x\ny", "\ufeff", "B 1234567", "+84 abc"]))


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(field, min_size=6, max_size=10), min_size=1, max_size=12))
def test_persons_file_with_junk_rows(tmp_path_factory, rows):
    folder = tmp_path_factory.mktemp("fuzz")
    with open(folder / "persons.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        for r in rows:
            w.writerow(r)
        w.writerow(GOOD_PERSON)
    with open_store(lbug_url(folder)) as store:
        report = load_folder(store, folder, rejects_file=folder / "r.csv", progress=False)
        (fr,) = report.files
        assert fr.loaded + fr.rejected + fr.duplicates == fr.rows
        assert all(r.reason for r in report.rejects)
        # The one good row always survives whatever surrounds it.
        assert store.exists("Person:P1") or any(
            r.line and r.field == "person_id" and "duplicate" in r.reason
            for r in report.rejects)
        # Each kept row is one person: conflicting duplicates were rejected.
        assert report.counts["nodes"]["Person"] == fr.loaded
