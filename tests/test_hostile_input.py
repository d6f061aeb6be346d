"""Hostile input: whatever bytes a file holds, the load keeps every good row and
writes its rejects (escaped, never a live spreadsheet formula); control characters
never reach an export; a case package cannot make case-verify read without bound;
one bad watchlist row costs that row only; dates after today are refused."""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import subprocess
import sys
import time
import tracemalloc
import zipfile
from datetime import date, timedelta

import pytest
from lxml import etree

from graph.analysis import screen
from graph.core.errors import DataError
from graph.core.model import Edge, Node, Subgraph
from graph.core.store import node_row
from graph.core.stores import open_store
from graph.core.text import CONTROLS, clean, escape
from graph.interchange import case, export, htmlpage
from loaders import fields
from loaders.load import load_folder
from tests.conftest import SAMPLE, lbug_url

CONTAINERS = "container_no,size_type,operator\n"
GOOD_CONTAINERS = b"WHSU5018375,45G1,Wan Hai Lines\nTGHU1234567,22G1,ok\n"
# Every character the loader cleans and the exports must never write: C0 controls
# but tab, line feed and carriage return; DEL; C1 controls; U+FFFE, U+FFFF; surrogates.
BAD_CHARS = ([chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"]
             + [chr(c) for c in range(0x7F, 0xA0)] + ["\ufffe", "\uffff", "\ud800", "\udfff"])


def _load(folder, parallel, tmp_path, store=None):
    url = lbug_url(tmp_path / "db")
    (tmp_path / "db").mkdir(exist_ok=True)
    with open_store(url) as s:
        report = load_folder(s, folder, rejects_file=tmp_path / "rejects.csv", progress=False,
                             parallel=parallel)
        counts = s.counts()
        names = {}
        if "Person" in counts["nodes"]:
            names = {r[0]: r[1] for r in s.query(
                "MATCH (p:Person) RETURN p.person_id, p.full_name").rows}
    return report, counts, names


def _rejects(tmp_path) -> list[dict]:
    raw = (tmp_path / "rejects.csv").read_bytes()
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")))


# --- 1. whatever bytes a file holds -------------------------------------------------
@pytest.mark.parametrize("parallel", [False, True], ids=["in-process", "second-process"])
def test_wrong_field_count_with_bytes_that_are_not_utf8(tmp_path, parallel):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "containers.csv").write_bytes(
        CONTAINERS.encode() + GOOD_CONTAINERS
        + b"MSCU1234566,22G1,H\xe0ng,extra\n"           # too many fields and a cp1258 byte
        + "MSKU1234565,22G1,Hàng tàu\n".encode("cp1258")  # a cp1258 byte only
        + b"\xff\xfe\n")                                 # junk, one field
    report, counts, _ = _load(folder, parallel, tmp_path)
    assert counts["nodes"]["Container"] == 2  # every good row kept
    rows = _rejects(tmp_path)  # written, and UTF-8
    got = {(int(r["line"]), r["field"]): r for r in rows}
    assert set(got) == {(4, ""), (5, "operator"), (6, "")}
    assert "4 fields" in got[(4, "")]["reason"] and "\\xe0" in got[(4, "")]["value"]
    assert "utf-8" in got[(5, "operator")]["reason"].lower()
    assert got[(5, "operator")]["value"] == "H\\xe0ng t\\xe0u"
    assert got[(6, "")]["value"] == "\\xff\\xfe"
    # the report's own values print anywhere (the CLI echoes them)
    for r in report.rejects:
        (r.value + r.reason + r.field).encode("utf-8")


@pytest.mark.parametrize("parallel", [False, True], ids=["in-process", "second-process"])
def test_a_quote_never_closed_loses_only_its_row(tmp_path, parallel):
    """A quote no later quote closes would swallow every row after it into one field:
    its row is rejected and the rows after it are read and kept (found by fuzzing)."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "containers.csv").write_bytes(
        CONTAINERS.encode() + b'"MSCU1234566,22G1,never closed\n' + GOOD_CONTAINERS)
    _report, counts, _ = _load(folder, parallel, tmp_path)
    assert counts["nodes"]["Container"] == 2
    rows = _rejects(tmp_path)
    assert [(int(r["line"]), "never closed" in r["reason"]) for r in rows] == [(2, True)]


def test_rows_after_an_unclosed_quote_are_read_once_more_only(tmp_path):
    """The rows a never-closed quote swallowed are read again, once, a line at a time."""
    from graph.core.text import CsvReader, csv_rows

    text = 'h\nx,"never closed\n' + "ok,1\n" * 200_000 + 'y,"2\n'
    t0 = time.perf_counter()
    reader = CsvReader(io.StringIO(text, newline=""))
    assert next(reader) == ["h"]
    rows = list(csv_rows(reader))
    assert time.perf_counter() - t0 < 30
    bad = [line for line, _v, e in rows if e is not None]
    assert bad == [2, 200_003]  # each unclosed quote its own line
    assert len(rows) == 200_002 and rows[1] == (3, ["ok", "1"], None)
    assert rows[-2] == (200_002, ["ok", "1"], None)


@pytest.mark.parametrize("parallel", [False, True], ids=["in-process", "second-process"])
@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "utf-16-le"])
def test_a_utf16_or_utf32_file_is_refused_whole(tmp_path, parallel, encoding):
    folder = tmp_path / "in"
    folder.mkdir()
    bom = {"utf-16-be": b"\xfe\xff", "utf-16-le": b""}.get(encoding, b"")
    (folder / "containers.csv").write_bytes(
        bom + (CONTAINERS + GOOD_CONTAINERS.decode()).encode(encoding))
    (folder / "customs_offices.csv").write_text("office_code,name\nHQ01,Hanoi\n")
    report, counts, _ = _load(folder, parallel, tmp_path)
    assert counts["nodes"]["Container"] == 0  # not one row of it
    assert counts["nodes"]["CustomsOffice"] == 1  # the other files still load
    (rej,) = report.rejects
    assert (rej.file, rej.line) == ("containers.csv", 1)
    want = "utf-32" if "32" in encoding else ("nul" if not bom and "le" in encoding
                                              else "utf-16")
    assert want in rej.reason.lower() and "nothing loaded" in rej.reason
    assert len(_rejects(tmp_path)) == 1


@pytest.mark.parametrize("parallel", [False, True], ids=["in-process", "second-process"])
def test_control_characters_are_cleaned_at_load(tmp_path, parallel):
    folder = tmp_path / "in"
    folder.mkdir()
    with open(folder / "persons.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["person_id", "full_name", "date_of_birth", "nationality", "passport_no",
                    "phone", "email", "address"])
        for i, ch in enumerate(c for c in BAD_CHARS if c not in "\x00\ud800\udfff"):
            w.writerow([f"P{i}", f"Nguyễn{ch}Văn {ch} An{ch}", "", "VN", f"B{ch}1", "", "",
                        f"12{ch}Lê Lợi"])
    report, counts, names = _load(folder, parallel, tmp_path)
    assert not report.rejects
    assert set(names.values()) == {"Nguyễn Văn An"}
    assert counts["nodes"]["Person"] == len(BAD_CHARS) - 3


def test_nul_bytes_and_surrogates_reject_the_row(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "containers.csv").write_bytes(
        CONTAINERS.encode() + GOOD_CONTAINERS + b"MSCU1234566,22G1,M\x00SC\n"
        + b"MSKU1234565,22G1,\xed\xa0\x80\n")  # an encoded surrogate is not UTF-8
    report, counts, _ = _load(folder, False, tmp_path)
    assert counts["nodes"]["Container"] == 2
    got = {(r.line, r.field, r.value) for r in report.rejects}
    assert got == {(4, "operator", "M\\x00SC"), (5, "operator", "\\xed\\xa0\\x80")}


def test_the_rejects_file_never_holds_a_live_formula(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    formula = '=HYPERLINK("http://x","y")'
    with open(folder / "persons.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["person_id", "full_name", "date_of_birth", "nationality", "passport_no",
                    "phone", "email", "address"])
        w.writerow(["P1", "An", "", formula, "", "", "", ""])
        w.writerow(["P2", "Binh", "", "VN", "", "@SUM(1+1)*cmd", "", ""])
        w.writerow(["P3", "Chi", "-2+3+cmd|' /C calc'!A0", "VN", "", "", "", ""])
        w.writerow(["P4", "Dung\x0b", "", "\tVN", "", "", "", "", "+1"])
        w.writerow(["P5", "Em", "", "VN", "", "", "", ""])
    report, counts, _ = _load(folder, False, tmp_path)
    assert counts["nodes"]["Person"] == 1
    rows = {int(r["line"]): r for r in _rejects(tmp_path)}
    assert rows[2]["field"] == "nationality"
    assert rows[2]["value"] == "'" + formula  # shown as text, never run
    assert rows[3]["value"] == "'@SUM(1+1)*cmd"
    assert rows[4]["value"] == "'-2+3+cmd|' /C calc'!A0"
    assert rows[5]["value"].startswith("P4,Dung\\x0b,,\\tVN")  # escaped, one line
    for r in rows.values():
        for cell in r.values():
            assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r")
            assert not any(ch in cell for ch in BAD_CHARS + ["\n", "\r", "\t"])


def test_a_missing_rejects_folder_fails_before_anything_is_written(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "containers.csv").write_bytes(CONTAINERS.encode() + GOOD_CONTAINERS)
    with open_store(lbug_url(tmp_path)) as s:
        with pytest.raises(DataError, match="rejects file"):
            load_folder(s, folder, rejects_file=tmp_path / "nowhere" / "r.csv", progress=False)
        assert s.counts()["nodes"]["Container"] == 0


def test_the_load_command_with_hostile_bytes_exits_0_and_writes_its_rejects(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "containers.csv").write_bytes(
        CONTAINERS.encode() + GOOD_CONTAINERS + b"MSCU1234566,22G1,H\xe0ng,x\x0b\n")
    done = subprocess.run(
        [sys.executable, "-m", "graph.cli", "load", str(folder), "--store",
         lbug_url(tmp_path), "--rejects", str(tmp_path / "rejects.csv")],
        capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "containers.csv:4" in done.stdout
    (row,) = _rejects(tmp_path)
    assert row["value"] == "MSCU1234566,22G1,H\\xe0ng,x\\x0b"


# --- dates --------------------------------------------------------------------------------
def test_dates_after_today_and_births_before_1900_are_rejected(tmp_path):
    future = (date.today() + timedelta(days=3)).isoformat()
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "persons.csv").write_text(
        "person_id,full_name,date_of_birth,nationality,passport_no,phone,email,address\n"
        "P1,An,1980-01-01,VN,,,,\nP2,Binh,2999-01-01,VN,,,,\nP3,Chi,1899-12-31,VN,,,,\n"
        f"P4,Dung,{future},VN,,,,\nP5,Em,1900-01-01,VN,,,,\n", "utf-8")
    (folder / "companies.csv").write_text("company_id,name,country,address,phone,email\n"
                                          "C1,Viet Tran,VN,,,\n", "utf-8")
    (folder / "officers.csv").write_text("person_id,company_id,role,since\n"
                                         "P1,C1,director,2015-01-01\n"
                                         f"P1,C1,owner,{future}\n", "utf-8")
    (folder / "declarations.csv").write_text(
        "declaration_no,type,company_id,consignee_id,customs_office,registered_date,"
        "origin_country,destination_country,port_of_loading,port_of_discharge\n"
        "D1,transit,C1,,,2017-06-16,VN,KH,,\n"
        "D2,transit,C1,,,2999-06-16,VN,KH,,\n", "utf-8")
    (folder / "seizures.csv").write_text(
        "seizure_id,date,location,unit,violation,goods,quantity,value_usd,brands,description\n"
        "S1,2017-06-21,,,,,,,,\n"
        f"S2,{future},,,,,,,,\n", "utf-8")
    # advance passenger data: flights and travel dates may lie ahead
    (folder / "flights.csv").write_text(
        "flight_no,departure_airport,arrival_airport,departure_time,arrival_time\n"
        f"VN18,CDG,HAN,{future}T13:00:00+01:00,{future}T23:55:00+07:00\n", "utf-8")
    (folder / "travel.csv").write_text(
        "person_id,flight_no,departure_date,role,pnr,seat,checked_bags\n"
        f"P1,VN18,{future},passenger,,,\n", "utf-8")
    report, counts, _ = _load(folder, False, tmp_path)
    got = {(r.file, r.line, r.field): r.reason for r in report.rejects}
    assert set(got) == {
        ("persons.csv", 3, "date_of_birth"), ("persons.csv", 4, "date_of_birth"),
        ("persons.csv", 5, "date_of_birth"), ("officers.csv", 3, "since"),
        ("declarations.csv", 3, "registered_date"), ("seizures.csv", 3, "date")}
    assert "future" in got[("persons.csv", 3, "date_of_birth")]
    assert "1900" in got[("persons.csv", 4, "date_of_birth")]
    assert "future" in got[("declarations.csv", 3, "registered_date")]
    assert counts["nodes"]["Person"] == 2 and counts["nodes"]["Flight"] == 1
    assert counts["relationships"]["TRAVELLED"] == 1
    assert fields.past_date(fields.today()) == fields.today()  # today is not the future


def test_the_sample_set_has_no_date_in_the_future(sample_lbug_url):
    from pathlib import Path

    text = (Path(sample_lbug_url[len("ladybug://"):]).parent / "rejects.csv").read_text("utf-8")
    assert "future" not in text and "plausible" not in text
    assert text.count("\n") - 1 == 11  # the planted bad rows, and only them


# --- exports --------------------------------------------------------------------------------
def _dirty_subgraph(ch: str) -> Subgraph:
    sub = Subgraph()
    person = Node("Person", f"P{ch}1", {"full_name": f"Nguyễn{ch}Văn An", "nationality": "VN",
                                        "note": [f"a{ch}b", {f"k{ch}": f"v{ch}"}],
                                        f"odd{ch}key": f"x{ch}", "source": f"p.csv{ch}:2"})
    company = Node("Company", "C1", {"name": f"{ch}Việt Trấn{ch}"})
    sub.add_node(person)
    sub.add_node(company)
    sub.add_edge(Edge(person.id, company.id, "OFFICER_OF",
                      {"role": f"dir{ch}ector", "since": "2015-01-01", f"w{ch}": ch}))
    sub.add_edge(Edge(person.id, f"Phone:+84{ch}9", "HAS_PHONE", {}))  # an end left out
    return sub


def _check_valid(fmt: str, path) -> str:
    data = path.read_bytes()
    assert data, "an empty file"
    if fmt in ("graphml", "gexf"):
        etree.fromstring(data)  # strict XML 1.0
        text = data.decode("utf-8")
    elif fmt == "csv":
        with zipfile.ZipFile(path) as z:
            tables = [z.read(n).decode("utf-8-sig") for n in ("nodes.csv", "edges.csv")]
        for t in tables:
            assert len(list(csv.reader(io.StringIO(t, newline="")))) > 1
        text = "".join(tables)
    elif fmt == "html":
        # vis-network's own code holds U+0085 in a regular expression: not data
        text = data.decode("utf-8").replace(htmlpage.vis_network_js(), "")
        payload = text.split('<script id="graph-data" type="application/json">')[1]
        json.loads(payload.split("</script>")[0])
    else:
        text = data.decode("utf-8")
        json.loads(text)
    return text


@pytest.mark.parametrize("ch", BAD_CHARS, ids=[f"U+{ord(c):04X}" for c in BAD_CHARS])
@pytest.mark.parametrize("fmt", list(export.FORMATS))
def test_every_format_is_valid_with_every_control_character(tmp_path, fmt, ch):
    path = tmp_path / ("out" + export.FORMATS[fmt].extension)
    export.write(_dirty_subgraph(ch), fmt, path)
    text = _check_valid(fmt, path)
    assert ch not in text
    assert "Nguyễn Văn An" in text
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary left


@pytest.mark.parametrize("ch", ["\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\ufffe"])
def test_a_case_package_of_dirty_data_is_written_and_verifies(tmp_path, ch):
    path = tmp_path / "case.zip"
    manifest = case.build(_dirty_subgraph(ch), path, store_url="ladybug:///x")
    assert manifest["nodes"] == 2 and case.verify(path) == []
    with zipfile.ZipFile(path) as z:
        for name in ("subgraph.graphml", "subgraph.gexf"):
            etree.fromstring(z.read(name))


@pytest.mark.parametrize("fmt", list(export.FORMATS))
def test_a_failed_export_leaves_no_file_and_keeps_the_old_one(tmp_path, monkeypatch, fmt):
    path = tmp_path / "out.bin"
    path.write_bytes(b"the previous export")

    def broken(sub, p):
        real(sub, p)
        raise OSError("disk full")

    real = export.FORMATS[fmt].writer
    monkeypatch.setitem(export.FORMATS, fmt, dataclasses.replace(export.FORMATS[fmt],
                                                                writer=broken))
    with pytest.raises(OSError, match="disk full"):
        export.write(_dirty_subgraph("\x0b"), fmt, path)
    assert path.read_bytes() == b"the previous export"
    assert [p.name for p in tmp_path.iterdir()] == ["out.bin"]
    path.unlink()
    with pytest.raises(OSError):
        export.write(_dirty_subgraph("\x0b"), fmt, path)
    assert list(tmp_path.iterdir()) == []  # never a 0-byte or partial file


def _store_dirty(store) -> None:
    """Rows with control characters, written straight to the store as a load before
    the cleaning would have."""
    store.upsert_nodes("Person", [node_row("Person", "PX1", {
        "full_name": "Lê\x0bVăn\x0cTám\x1b", "nationality": "VN"}, "persons.csv:2")])
    store.upsert_nodes("Company", [node_row("Company", "CX1", {"name": "Cty\x85Một\x7f"},
                                            "companies.csv:2\x0c")])
    store.upsert_relationships("OFFICER_OF", "Person", "Company", [
        {"from": "PX1", "to": "CX1", "role": "dir\x0bector", "since": "2015-01-01",
         "source": "officers.csv:2"}])


@pytest.mark.parametrize("kind", ["ladybug", "neo4j"])
def test_exports_from_a_store_holding_control_characters(request, tmp_path, kind):
    store_fixture = "empty_lbug" if kind == "ladybug" else "empty_neo4j"
    store = request.getfixturevalue(store_fixture)
    _store_dirty(store)
    sub = store.neighbours("Company:CX1", hops=2)
    assert len(sub.nodes) == 2
    for fmt in export.FORMATS:
        path = tmp_path / ("out" + export.FORMATS[fmt].extension)
        export.write(sub, fmt, path)
        text = _check_valid(fmt, path)
        assert not any(ch in text for ch in "\x0b\x0c\x1b\x7f\x85")
    assert case.build(sub, tmp_path / "case.zip", store_url=store.url)["edges"] == 1
    assert case.verify(tmp_path / "case.zip") == []


def test_clean_and_escape():
    assert clean("a\x0b\x0c b \x85 c") == "a b c"
    assert clean("tab\tand\nline") == "tab\tand\nline"
    assert escape("=a\x0b\udcff\n") == "=a\\x0b\\xff\\n"
    assert all(clean(f"x{c}y") == "x y" for c in BAD_CHARS)
    assert len(CONTROLS) > 10


# --- case-verify reads bounded -------------------------------------------------------------
def _manifest(files: dict[str, tuple[int, str]]) -> bytes:
    return json.dumps({"format": case.PACKAGE_FORMAT, "version": 1, "files": [
        {"name": n, "format": "json", "bytes": b, "sha256": h} for n, (b, h) in files.items()]
    }).encode()


BOMB_MB = 200


def _zip_bomb(path, member="subgraph.json", mb=BOMB_MB) -> None:
    """`mb` MB of zeros, deflated to a few hundred KB, listed in the manifest with its
    true size and hash (as an attacker would), written a MB at a time."""
    zero = bytes(1 << 20)
    digest = hashlib.sha256()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        with z.open(member, "w", force_zip64=True) as f:
            for _ in range(mb):
                f.write(zero)
                digest.update(zero)
        if member != case.MANIFEST:
            z.writestr(case.MANIFEST, _manifest({member: (mb << 20, digest.hexdigest())}))


@pytest.fixture(scope="module")
def bomb(tmp_path_factory):
    path = tmp_path_factory.mktemp("bomb") / "case.zip"
    _zip_bomb(path)
    assert path.stat().st_size < 1 << 20
    return path


def test_a_zip_bomb_is_refused_with_memory_bounded(bomb):
    tracemalloc.start()
    started = time.perf_counter()
    try:
        problems = case.verify(bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(problems) == 1 and "zip bomb" in problems[0], problems
    assert peak < 8 << 20, peak
    assert time.perf_counter() - started < 2


def test_case_verify_command_on_a_zip_bomb_stays_small(bomb):
    # The peak resident size of the checking process alone (VmHWM: ru_maxrss would
    # count the test runner it was forked from).
    code = ("import sys; from graph.interchange import case; p = case.verify(sys.argv[1]); "
            "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0]; "
            "print(len(p), hwm.split()[1])")
    done = subprocess.run([sys.executable, "-c", code, str(bomb)], capture_output=True,
                          text=True, timeout=120, check=True)
    problems, peak_kb = map(int, done.stdout.split())
    assert problems == 1 and peak_kb < 100 * 1024, peak_kb  # it was past 5.9 GB
    cli = subprocess.run([sys.executable, "-m", "graph.cli", "case-verify", str(bomb)],
                         capture_output=True, text=True, timeout=120)
    assert cli.returncode == 1 and "zip bomb" in cli.stdout + cli.stderr


def test_a_manifest_bomb_is_refused(tmp_path):
    path = tmp_path / "case.zip"
    _zip_bomb(path, member=case.MANIFEST, mb=20)
    tracemalloc.start()
    try:
        (problem,) = case.verify(path)
        with pytest.raises(DataError, match="refused"):
            case.read_manifest(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "refused" in problem and peak < 8 << 20


def test_caps_on_members_and_sizes(tmp_path, monkeypatch):
    many = tmp_path / "many.zip"
    with zipfile.ZipFile(many, "w") as z:
        for i in range(case.MAX_MEMBERS + 1):
            z.writestr(f"f{i}", b"x")
    assert "files, more than" in case.verify(many)[0]
    with pytest.raises(DataError, match="refused"):
        case.read_manifest(many)
    # a member bigger than the cap, deflating plainly (random bytes)
    data = hashlib.sha256(b"seed").digest() * 200
    big = tmp_path / "big.zip"
    with zipfile.ZipFile(big, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("subgraph.json", data)
        z.writestr(case.MANIFEST, _manifest(
            {"subgraph.json": (len(data), hashlib.sha256(data).hexdigest())}))
    assert case.verify(big) == []
    monkeypatch.setattr(case, "MAX_MEMBER_BYTES", len(data) - 1)
    (problem,) = case.verify(big)
    assert "more than the" in problem and "allowed" in problem
    monkeypatch.setattr(case, "MAX_MEMBER_BYTES", 1 << 30)
    monkeypatch.setattr(case, "MAX_TOTAL_BYTES", len(data) - 1)
    assert "refused" in case.verify(big)[0]


# --- the watchlist ------------------------------------------------------------------------
WATCH_HEADER = b"name,date_of_birth,nationality,document_no,company\n"


def test_one_bad_byte_costs_one_watchlist_row(tmp_path):
    path = tmp_path / "w.csv"
    path.write_bytes(
        WATCH_HEADER
        + "Nguyễn Văn Hùng,12/04/1979,VN,B1234567,\n".encode()
        + b"Tr\xe0n V\xe0n D\xfang,,VN,,\n"                       # cp1258: not UTF-8
        + b"Le\x0bMinh Tuan,,VN,,\n"                              # cleaned, kept
        + b"A,B,C,D,E,F\n"                                        # too many fields
        + b"Nul\x00Name,,,,\n"
        + b'"' + b"x" * 200_000 + b'",,,,\n'                      # past the CSV field limit
        + b"\n"
        + b",,,,VIET TRAN TRADING CO LTD\n")
    entries, problems = screen.read_watchlist(path)
    assert [(e.line, e.kind, e.row["name"] or e.row["company"]) for e in entries] == [
        (2, "Person", "Nguyễn Văn Hùng"), (4, "Person", "Le Minh Tuan"),
        (9, "Company", "VIET TRAN TRADING CO LTD")]
    got = {(p.line, p.field): p for p in problems}
    assert set(got) == {(3, "name"), (5, ""), (6, "name"), (7, "")}
    assert "utf-8" in got[(3, "name")].reason.lower()
    assert got[(3, "name")].value == "Tr\\xe0n V\\xe0n D\\xfang"
    assert "6 fields" in got[(5, "")].reason and "nul" in got[(6, "name")].reason.lower()
    assert "csv" in got[(7, "")].reason.lower()
    # the same from an upload's bytes
    again = screen.read_watchlist_bytes(path.read_bytes(), "w.csv")
    assert [e.line for e in again[0]] == [2, 4, 9] and len(again[1]) == 4


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_a_utf16_watchlist_is_refused_whole(tmp_path, encoding):
    data = (WATCH_HEADER.decode() + "Trần,,VN,,\n").encode(encoding)
    with pytest.raises(DataError, match="not UTF-8") as e:
        screen.read_watchlist_bytes(data, "w.csv")
    assert encoding.upper() in str(e.value)


def test_screening_a_watchlist_with_a_bad_row_finds_the_rest(sample_lbug, tmp_path):
    path = tmp_path / "w.csv"
    path.write_bytes(WATCH_HEADER + b"NGUYEN VAN HUNG,12/04/1979,VNM,B-1234567,\n"
                     + b"Tr\xe0n,,VN,,\n")
    result = screen.screen(sample_lbug, path)
    assert "Person:P000417" in {h.ref for h in result.hits}
    assert [(p.line, p.field) for p in result.problems] == [(3, "name")]


def test_the_sample_data_holds_no_control_characters():
    from graph.core import text

    rows = 0
    for f in SAMPLE.glob("*.csv"):
        data = f.read_text("utf-8")
        rows += data.count("\n")
        assert not text.has_controls(data), f.name
    assert rows > 10000
