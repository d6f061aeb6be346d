"""Malformed CSVs never crash a load: every row is either kept or rejected with a
reason, and the good rows among them are all kept."""

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.core.stores import open_store
from graph.core.text import has_controls
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


raw_field = st.binary(max_size=30).map(lambda b: b.replace(b"\n", b" "))


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(raw_field, min_size=1, max_size=5), min_size=1, max_size=8))
def test_containers_file_of_arbitrary_bytes(tmp_path_factory, rows):
    """Any bytes at all: the good row is kept and the rejects file is written, UTF-8,
    one line per reject, no cell a formula and no control character in it."""
    folder = tmp_path_factory.mktemp("bytes")
    body = b"".join(b",".join(r) + b"\n" for r in rows)
    (folder / "containers.csv").write_bytes(
        b"container_no,size_type,operator\n" + body + b"WHSU5018375,45G1,ok\n")
    with open_store(lbug_url(folder)) as store:
        report = load_folder(store, folder, rejects_file=folder / "r.csv", progress=False)
        assert store.exists("Container:WHSU5018375") or any(
            "duplicate" in r.reason for r in report.rejects)
    text = (folder / "r.csv").read_bytes().decode("utf-8")
    cells = list(csv.reader(io.StringIO(text, newline="")))
    assert len(cells) == len(report.rejects) + 1
    for row in cells[1:]:
        assert len(row) == 5
        for cell in row:
            assert cell[:1] not in ("=", "@", "\t", "\r") and not has_controls(cell)
