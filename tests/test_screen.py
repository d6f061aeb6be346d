"""Watchlist screening against the sample store."""

from __future__ import annotations

import csv
import doctest
import json

import pytest
from typer.testing import CliRunner

from graph import screen
from graph.errors import DataError

VIET_TRAN = "Company:0312345678"


def _watchlist(path, rows, header=screen.COLUMNS):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


@pytest.fixture
def watchlist(tmp_path):
    return _watchlist(tmp_path / "watch.csv", [
        # line 2: the planted duplicate pair, date and passport written differently
        ["NGUYEN VAN HUNG", "12/04/1979", "VNM", "B-1234567", ""],
        # line 3: the declarant of the counterfeit transit, its English trading name
        ["", "", "", "", "VIET TRAN TRADING CO., LTD"],
        # line 4: a cigar passenger and the Vietnamese form of the company
        ["Trần Văn Dũng", "1978-05-14", "VN", "", "CÔNG TY TNHH THƯƠNG MẠI VIỆT TRẤN"],
        # line 5: nobody
        ["Zebedee Quarrington", "1901-01-01", "NZ", "Z0000001", ""],
        # line 6: a bad date, screened by name anyway
        ["Lê Minh Tuấn", "31/31/1985", "", "", ""],
        # line 7: neither a name nor a company
        ["", "1970-01-01", "VN", "", ""],
    ])


def test_screen_finds_people_and_companies(sample_lbug, watchlist):
    result = screen.screen(sample_lbug, watchlist)
    assert result.entries == 6  # line 4 is a person and a company
    by_line = {}
    for h in result.hits:
        by_line.setdefault((h.line, h.kind), []).append(h)
    hung = {h.ref: h for h in by_line[(2, "Person")]}
    assert {"Person:P000417", "Person:P002211"} <= set(hung)
    assert hung["Person:P000417"].score == 100
    assert any("same passport 'B-1234567' / 'B1234567'" in e
               for e in hung["Person:P000417"].evidence)
    assert any("same date of birth 1979-04-12" in e for e in hung["Person:P000417"].evidence)
    assert by_line[(3, "Company")][0].ref == VIET_TRAN
    assert "'viet tran' / 'viet tran'" in by_line[(3, "Company")][0].evidence[0]
    assert by_line[(4, "Person")][0].ref == "Person:P000901"
    assert by_line[(4, "Company")][0].ref == VIET_TRAN
    assert (5, "Person") not in by_line
    assert any(h.ref == "Person:P000903" for h in by_line[(6, "Person")])
    # every hit says why
    assert all(h.evidence and h.score >= screen.PERSON_MIN for h in result.hits)
    problems = {(p.line, p.field) for p in result.problems}
    assert problems == {(6, "date_of_birth"), (7, "")}


def test_screen_threshold(sample_lbug, watchlist):
    strict = screen.screen(sample_lbug, watchlist, min_score=95)
    assert {h.ref for h in strict.hits} == {"Person:P000417", "Person:P002211"}


def test_bad_watchlists(sample_lbug, tmp_path):
    with pytest.raises(DataError, match="name or a company"):
        screen.screen(sample_lbug, _watchlist(tmp_path / "w.csv", [["x"]], header=["who"]))
    with pytest.raises(DataError, match="cannot read"):
        screen.screen(sample_lbug, tmp_path / "missing.csv")
    # a watchlist of companies only, with a BOM and upper-case headers
    path = tmp_path / "companies.csv"
    path.write_text("\ufeffCOMPANY\nViệt Trấn trading co ltd\n", "utf-8")
    result = screen.screen(sample_lbug, path)
    assert [h.ref for h in result.hits][:1] == [VIET_TRAN]


def test_screen_command(sample_lbug_url, watchlist):
    from graph.cli_extra import app

    r = CliRunner().invoke(app, ["screen", str(watchlist), "--store", sample_lbug_url, "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["entries"] == 6 and data["hits"]
    assert {p["line"] for p in data["problems"]} == {6, 7}
    hit = data["hits"][0]
    assert set(hit) == {"line", "kind", "watch", "ref", "name", "score", "evidence"}


def test_docstring_examples_run():
    assert doctest.testmod(screen).failed == 0
