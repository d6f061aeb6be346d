"""Watchlist screening against the sample store, and the stored watchlist (graph.records.watchlist)
with its command line."""

from __future__ import annotations

import csv
import doctest
import hashlib
import json
import os
import stat

import pytest
from typer.testing import CliRunner

from graph.analysis import screen
from graph.core.errors import DataError
from graph.records import audit
from graph.records import watchlist as stored
from tests.conftest import SAMPLE

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
    from graph.cli.extra import app

    r = CliRunner().invoke(app, ["screen", str(watchlist), "--store", sample_lbug_url, "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["entries"] == 6 and data["hits"]
    assert {p["line"] for p in data["problems"]} == {6, 7}
    hit = data["hits"][0]
    assert set(hit) == {"line", "kind", "watch", "ref", "name", "score", "evidence"}


def test_docstring_examples_run():
    assert doctest.testmod(screen).failed == 0


# --- the stored watchlist ---------------------------------------------------------------
SAMPLE_WATCHLIST = SAMPLE / "watchlist.csv"
# The planted hits of sample_data/watchlist.csv: a cigar passenger (line 2), the
# planted duplicate pair (line 3) and the declarant of the counterfeit transit (line 4).
SAMPLE_HITS = {"Person:P000901", "Person:P000417", "Person:P002211", VIET_TRAN}


@pytest.fixture
def kept(tmp_path, monkeypatch):
    """A stored-watchlist file of the test's own (none stored yet)."""
    path = tmp_path / "customs-graph" / "watchlist.json"
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))  # the state: tmp_path/customs-graph
    return path


def _hits(result):
    return {(h.line, h.kind, h.ref, h.score, tuple(h.evidence)) for h in result.hits}


def test_store_read_and_replace_the_watchlist(sample_lbug, kept):
    assert stored.default_path() == kept
    assert stored.load() is None
    data = SAMPLE_WATCHLIST.read_bytes()
    wl = stored.save_file(SAMPLE_WATCHLIST, "alice")
    assert (wl.source, wl.saved_by) == ("watchlist.csv", "alice")
    assert wl.sha256 == hashlib.sha256(data).hexdigest() and wl.saved_at.endswith("Z")
    assert (len(wl.entries), wl.lines, wl.problems) == (4, 4, ())
    assert stat.S_IMODE(os.stat(kept).st_mode) == 0o600  # names, birth dates, passports
    assert [p.name for p in kept.parent.iterdir()] == ["watchlist.json"]  # no temp file left

    back = stored.load()
    assert back.info() == wl.info()
    # the very entries screening the CSV reads (dates normalised), records included
    entries, _ = screen.read_watchlist(SAMPLE_WATCHLIST)
    assert [(e.line, e.kind, e.row, e.record) for e in back.entries] == [
        (e.line, e.kind, e.row, e.record) for e in entries]
    assert back.entries[0].row["date_of_birth"] == "1978-05-14"  # written 14/05/1978
    found = screen.screen_watchlist(sample_lbug, list(back.entries))
    assert _hits(found) == _hits(screen.screen(sample_lbug, SAMPLE_WATCHLIST))
    assert {h.ref for h in found.hits} == SAMPLE_HITS

    # replacing: the other file, its hash, who; the old one is gone
    other = _watchlist(kept.parent / "second.csv", [["Lê Minh Tuấn", "31/31/1985", "", "", ""],
                                                   ["", "", "", "", ""]])
    new = stored.save_file(other, "binh")
    assert stored.load().info() == new.info() == {
        "source": "second.csv", "sha256": hashlib.sha256(other.read_bytes()).hexdigest(),
        "saved_at": new.saved_at, "saved_by": "binh", "entries": 1, "lines": 1, "problems": 1}
    assert stored.load().problems == ({"line": 2, "field": "date_of_birth",
                                          "reason": "is not a date (YYYY-MM-DD or DD/MM/YYYY)"},)
    details = stored.audit_details(new, back)
    assert details["change"] == "replaced" and details["replaced"]["sha256"] == wl.sha256


def test_the_stored_watchlist_hits_the_same_on_both_stores(sample_lbug, sample_neo4j, kept):
    entries = list(stored.save_file(SAMPLE_WATCHLIST, "alice").entries)
    lb = screen.screen_watchlist(sample_lbug, entries)
    nj = screen.screen_watchlist(sample_neo4j, entries)
    assert _hits(lb) == _hits(nj) and {h.ref for h in nj.hits} == SAMPLE_HITS


def test_a_bad_watchlist_is_not_stored(kept, tmp_path):
    stored.save_file(SAMPLE_WATCHLIST, "alice")
    before = kept.read_bytes()
    with pytest.raises(DataError, match="no entry"):
        stored.save(b"name,company\n,\n", "empty.csv", "alice")
    with pytest.raises(DataError, match="name or a company"):
        stored.save(b"who\nx\n", "w.csv", "alice")
    with pytest.raises(DataError, match="not UTF-8"):
        stored.save("name\nTrần\n".encode("utf-16"), "w.csv", "alice")
    with pytest.raises(DataError, match="who"):
        stored.save(SAMPLE_WATCHLIST.read_bytes(), "w.csv", " ")
    with pytest.raises(DataError, match="cannot read"):
        stored.save_file(tmp_path / "missing.csv", "alice")
    assert kept.read_bytes() == before
    # a folder in the name never reaches the stored file
    assert stored.save(SAMPLE_WATCHLIST.read_bytes(), "../../x/w.csv", "a").source == "w.csv"
    # a damaged stored file is an error, never an empty watchlist
    kept.write_text('{"format": 1, "entries": [{"line": 2}]}', "utf-8")
    with pytest.raises(DataError, match="not a stored watchlist"):
        stored.load()
    kept.write_text("{", "utf-8")
    with pytest.raises(DataError, match="not a stored watchlist"):
        stored.load()


def test_evidence_masked_for_viewers(sample_lbug):
    from graph.records.users import MASK

    result = screen.screen(sample_lbug, SAMPLE_WATCHLIST)
    hit = next(h for h in result.hits if h.ref == "Person:P000901")
    text = " ".join(hit.evidence)
    assert "'C 3640220' / 'C3640220'" in text and "1978-05-14" in text
    masked = " ".join(hit.masked_evidence(MASK))
    for value in ("3640220", "1978-05-14"):
        assert value not in masked
    assert f"same passport '{MASK}' / '{MASK}'" in masked and "Trần Văn Dũng" in masked
    # shared phones and addresses are masked too (a watchlist has none: records do)
    rec = screen.person_record("watchlist:2", "Nguyễn Văn Hùng", phones={"+84988789625"},
                               addresses={"60 dien bien phu"})
    other = screen.person_record("Person:X", "NGUYEN VAN HUNG", phones={"+84988789625"},
                                 addresses={"60 dien bien phu"})
    score, evidence = screen.match(rec, other)
    h = screen.Hit(2, "Person", rec.name, other.ref, other.name, score, evidence,
                   screen._personal(rec, other))
    assert "+84988789625" in " ".join(h.evidence)
    assert "+84988789625" not in " ".join(h.masked_evidence(MASK))
    assert "dien bien" not in " ".join(h.masked_evidence(MASK))


# --- the command line: --save, and screening with the stored watchlist --------------------
def _cli(*argv, capsys) -> tuple[int, str, str]:
    """The real command line in-process: graph.cli's app through cli_common.run, which
    maps errors to exit status as `customs-graph` does."""
    from graph.cli import app
    from graph.cli.common import run

    capsys.readouterr()
    with pytest.raises(SystemExit) as done:
        run(app, [str(a) for a in argv])
    out, err = capsys.readouterr()
    return done.value.code, out, err


def test_screen_save_and_stored(sample_lbug_url, kept, capsys):
    store = ["--store", sample_lbug_url]
    # nothing stored yet: a usage error naming the fix
    code, out, err = _cli("screen", "--json", *store, capsys=capsys)
    assert code == 2 and "no watchlist is stored" in err and "--save" in err and not out
    code, _, err = _cli("screen", "--save", *store, capsys=capsys)
    assert code == 2 and "--save needs" in err
    assert not kept.exists()

    # screening a file keeps nothing and says nothing of a stored watchlist
    code, out, _ = _cli("screen", SAMPLE_WATCHLIST, "--json", *store, capsys=capsys)
    plain = json.loads(out)
    assert code == 0 and set(plain) == {"entries", "hits", "problems"} and not kept.exists()

    n_audit = len(audit.list("watchlist"))
    code, out, _ = _cli("screen", SAMPLE_WATCHLIST, "--save", "--json", *store, capsys=capsys)
    saved = json.loads(out)
    sha = hashlib.sha256(SAMPLE_WATCHLIST.read_bytes()).hexdigest()
    assert code == 0 and kept.exists()
    assert saved["watchlist"]["saved"] is True and saved["watchlist"]["sha256"] == sha
    assert saved["hits"] == plain["hits"]
    records = audit.list("watchlist")
    assert len(records) == n_audit + 1
    assert records[-1].details | {"change": "saved", "file": "watchlist.csv",
                                  "sha256": sha, "entries": 4} == records[-1].details

    code, out, _ = _cli("screen", "--json", *store, capsys=capsys)
    data = json.loads(out)
    assert code == 0 and data["hits"] == plain["hits"]
    assert {h["ref"] for h in data["hits"]} == SAMPLE_HITS
    assert data["watchlist"] | {"source": "watchlist.csv", "sha256": sha, "saved": False,
                                "entries": 4} == data["watchlist"]
    code, out, _ = _cli("screen", "--min-score", "95", *store, capsys=capsys)
    assert code == 0 and out.startswith("stored watchlist watchlist.csv")
    assert "Company:0312345678" not in out and "Person:P000901" in out

    # replacing is recorded with what it replaced
    other = _watchlist(kept.parent / "other.csv", [["", "", "", "", "Viet Tran Co Ltd"]])
    code, out, _ = _cli("screen", other, "--save", *store, capsys=capsys)
    assert code == 0 and out.startswith("saved watchlist other.csv")
    last = audit.list("watchlist")[-1]
    assert last.details["change"] == "replaced" and last.details["replaced"]["sha256"] == sha
    code, out, _ = _cli("screen", "--json", *store, capsys=capsys)
    assert [h["ref"] for h in json.loads(out)["hits"]] == [VIET_TRAN]


def test_screen_save_needs_an_analyst(sample_lbug_url, kept, tmp_path, monkeypatch, capsys):
    from graph.records import users

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))  # the state: tmp_path/customs-graph
    us = users.UserStore()
    us.add("ada", "admin", "a long enough password")
    us.add("vera", "viewer", "a long enough password")
    us.add("binh", "analyst", "a long enough password")
    monkeypatch.setenv(users.ENV_PASSWORD, "a long enough password")
    store = ["--store", sample_lbug_url]

    monkeypatch.setenv(users.ENV_USER, "vera")
    code, _, err = _cli("screen", SAMPLE_WATCHLIST, "--save", *store, capsys=capsys)
    assert code == 1 and "vera (viewer) may not" in err and not kept.exists()

    monkeypatch.setenv(users.ENV_USER, "binh")
    code, _, err = _cli("screen", SAMPLE_WATCHLIST, "--save", *store, capsys=capsys)
    assert code == 0, err
    assert stored.load().saved_by == "binh" and audit.list("watchlist")[-1].who == "binh"

    # a viewer may not screen with the stored watchlist either (personal data) ...
    monkeypatch.setenv(users.ENV_USER, "vera")
    code, out, err = _cli("screen", "--json", *store, capsys=capsys)
    assert code == 1 and "may not see personal data" in err and not out
    # ... and nobody signs in with a wrong password
    monkeypatch.setenv(users.ENV_USER, "binh")
    monkeypatch.setenv(users.ENV_PASSWORD, "not the password")
    code, _, err = _cli("screen", SAMPLE_WATCHLIST, "--save", *store, capsys=capsys)
    assert code == 1 and "wrong user name or password" in err


def test_screen_exit_status_end_to_end(sample_lbug_url, kept):
    """`customs-graph screen` as a user runs it: exit 2 when nothing is stored."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "graph.cli", "screen", "--json", "--store",
                           sample_lbug_url], capture_output=True, text=True, timeout=300)
    assert done.returncode == 2 and done.stderr.startswith("error: no watchlist is stored")
    assert done.stdout == ""
