"""The column-wise load against its oracle, the per-row checks: the same hostile
folder loaded both ways gives the same rejects (file, line, field, value,
reason) and the same graph, node for node, property for property."""

from __future__ import annotations

import csv
import io
import shutil

import pytest

from graph.core import schema
from graph.core.stores import open_store
from loaders.columns import check_mappings
from loaders.load import load_folder
from tests.conftest import SAMPLE, lbug_url, reset_neo4j

# Rows that break each check at least once, plus repeats, conflicts, unknown
# foreign keys, bytes that are not UTF-8, NUL, control characters and short rows.
HOSTILE = {
    "persons.csv": [
        "P900001,  Trần Văn A ,1990-02-30,VN,B1,,,",
        "P900002,Ana,2999-01-01,VN,,,,",
        "P900003,Bo,1850-01-01,VN,,,,",
        "P900004,Cy,1980-01-01,XX,,,,",
        "P900005,Di,1980-01-01,VNM,,not a phone,,",
        "P900006,Ed,1980-01-01,,,+84 91 234 5678,NOT-AN-EMAIL,",
        "P900007,Fa,1980-01-01,vn,,0912345678,Fa@Example.COM,\"12 Phố Huế, Hà Nội\"",
        "P900007,Fa,1980-01-01,vn,,0912345678,Fa@Example.COM,\"12 Phố Huế, Hà Nội\"",
        "P900007,Fb,1980-01-01,vn,,,,",
        ",No Id,1980-01-01,VN,,,,",
        "P900008,,1980-01-01,VN,,,,",
        "P900009,Gi\x0bHa,1980-01-01,VN,,,,",
        "P900010,Nul\x00Byte,1980-01-01,VN,,,,",
        "P900011,Short row",
        "P900012,Hi,1980-01-01,VN,X123,+1 202 555 0100,,  ",
    ],
    "companies.csv": [
        "c900001,Acme,vn,,,",
        "C900002,Bad Country,ZZ,,,",
        ",No Id,VN,,,",
    ],
    "officers.csv": [
        "P900007,C900001,director,2010-01-01",
        "P999999,C900001,owner,",
        "P900007,C999999,owner,",
        "P900007,C900001,boss,",
        "P900012,C900001,owner,2999-01-01",
    ],
    "flights.csv": [
        "VN 999,SGN,HAN,2016-06-04T00:25:00+07:00,2016-06-04T02:25:00+07:00",
        "VN998,SGN,SGN,2016-06-04T00:25:00+07:00,2016-06-04T02:25:00+07:00",
        "VN997,SGN,HAN,2016-06-04T00:25:00+07:00,2016-06-04T00:25:00+07:00",
        "VN996,XXX,HAN,2016-06-04T00:25:00+07:00,2016-06-04T02:25:00+07:00",
        "VN995,SGN,HAN,2016-06-04 00:25,2016-06-04T02:25:00+07:00",
        "9,SGN,HAN,2016-06-04T00:25:00+07:00,2016-06-04T02:25:00+07:00",
        "VN994,SGN,HAN,2016-02-30T00:25:00+07:00,2016-06-04T02:25:00+07:00",
    ],
    "travel.csv": [
        "P900007,VN999,2016-06-04,passenger,abc123,12A,1",
        "P900007,VN999,2016-06-04,passenger,abc123,12A,1",
        "P900007,VN999,2016-06-04,crew,abc123,12A,1",
        "P900012,VN999,2016-06-04,Passenger,,,",
        "P999999,VN999,2016-06-04,passenger,,,",
        "P900012,VN999,2016-06-05,passenger,,,",
        "P900001,VN999,2016-06-04,passenger,,,",
        "P900009,VN999,2016-06-04,pilot,,,",
        "P900009,VN999,2016/06/04,passenger,,,",
        "P000001,VN999,2016-06-04,passenger,AB,,",
        "P000002,VN999,2016-06-04,passenger,,,-1",
        "P000003,VN999,2016-06-04,passenger,,,two",
    ],
    "containers.csv": [
        "MSCU1234565,22G1,",
        "MSCU1234566,22G1,",
        "TOOSHORT,,",
        "msku 405997 5,45G1,Maersk",
    ],
    "ports.csv": ["XXABC,Nowhere,", "VNSGX,Sai Gon X,VN", "vn zzz,Lower,"],
    "customs_offices.csv": ["zz01,Test office,", ",No code,"],
    "declarations.csv": [
        "900000000001,IMPORT,c900001,,zz01,2016-06-01,JPN,VN,JPYOK,VNSGX",
        "900000000002,import,C999999,,,2016-06-01,,,,",
        "900000000003,import,C900001,C999999,,2016-06-01,,,,",
        "900000000004,smuggle,C900001,,,2016-06-01,,,,",
        "900000000005,import,C900001,,,2999-06-01,,,,",
        "900000000006,import,C900001,,,2016-06-01,QQ,,,",
        "900000000007,import,C900001,,,2016-06-01,,,BADPORT,",
        "900000000008,export,C900001,c900001,,2016-06-01,,,,VNZZZ",
    ],
    "declaration_items.csv": [
        "900000000001,1,8518.30.10,Tai nghe,10,pce,100",
        "900000000001,2,9999,Unknown heading,1,,1",
        "900000000001,3,85,Too short,1,,1",
        "900000000001,4,851830,Zero qty,0,,5",
        "900000000001,5,851830,Neg,-1,,5",
        "900000000001,6,851830,NaN,nan,,5",
        "900000000001,0,851830,Line zero,1,,5",
        "900000000001,x,851830,Line x,1,,5",
        "999999999999,1,851830,No such declaration,1,,5",
        "900000000001,1,851830,Conflicting line,1,,5",
    ],
    "declaration_containers.csv": [
        "900000000001,MSCU1234565",
        "900000000001,MSCU1234566",
        "999999999999,MSCU1234565",
        "900000000008,TGHU1234567",
    ],
    "seizure_links.csv": ["SZ-2016-0616-CLI,Person:P900007,suspect",
                          "SZ-2016-0616-CLI,Person:P999999,suspect"],
}


def _hostile_folder(tmp_path):
    folder = tmp_path / "hostile"
    shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns("*.py", "*.md", "watchlist*"))
    for name, rows in HOSTILE.items():
        with open(folder / name, "ab") as f:
            for row in rows:
                f.write(row.encode("utf-8", "surrogateescape") + b"\n")
    with open(folder / "persons.csv", "ab") as f:  # bytes that are not UTF-8
        f.write(b"P900013,Tr\xe0n,1980-01-01,VN,,,,\n")
    return folder


def _graph(store) -> dict:
    out = {}
    for lb in schema.LABELS:
        cols = list(lb.all_props())
        _, rows = store.read(f"MATCH (n:{lb.name}) RETURN " + ", ".join(f"n.{c}" for c in cols))
        out[lb.name] = sorted(tuple(r) for r in rows)
    for rt in schema.REL_TYPES:
        for fa, fb in rt.ends:
            la, lb = schema.label(fa), schema.label(fb)
            cols = ", ".join(f"r.{c}" for c in rt.all_props())
            _, rows = store.read(f"MATCH (a:{fa})-[r:{rt.name}]->(b:{fb}) "
                                 f"RETURN a.{la.key}, b.{lb.key}, {cols}")
            out[f"{rt.name}:{fa}->{fb}"] = sorted(tuple(map(str, r)) for r in rows)
    return out


def _rejects(path) -> list:
    return sorted(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def _load_both(tmp_path, url_of, folder, parallel=False):
    results = []
    for per_row in (True, False):
        url = url_of(per_row)
        rej = tmp_path / f"rejects-{per_row}.csv"
        with open_store(url) as s:
            report = load_folder(s, folder, rejects_file=rej, progress=False,
                                 per_row=per_row, parallel=parallel)
            again = load_folder(s, folder, rejects_file=tmp_path / "again.csv", progress=False)
            results.append((_rejects(rej), _graph(s), [(f.file, f.rows, f.loaded, f.rejected,
                                                        f.duplicates) for f in report.files],
                            again.counts == report.counts))
    return results


@pytest.mark.parametrize("parallel", [False, True], ids=["in-process", "second-process"])
def test_column_wise_load_equals_per_row_load_embedded(tmp_path, parallel):
    folder = _hostile_folder(tmp_path)
    (old_rejects, old_graph, old_files, old_rerun), (new_rejects, new_graph, new_files,
                                                     new_rerun) = _load_both(
        tmp_path, lambda per_row: lbug_url(tmp_path / f"db-{per_row}"), folder, parallel)
    assert len(old_rejects) > 60  # the hostile rows were rejected, not silently taken
    assert new_rejects == old_rejects
    assert new_files == old_files
    assert new_graph == old_graph
    assert old_rerun and new_rerun


def test_column_wise_load_equals_per_row_load_neo4j(tmp_path, neo4j_url):
    folder = _hostile_folder(tmp_path)

    def url_of(per_row):
        reset_neo4j(neo4j_url)
        return neo4j_url

    results = []
    for per_row in (True, False):
        reset_neo4j(neo4j_url)
        rej = tmp_path / f"rejects-{per_row}.csv"
        with open_store(neo4j_url) as s:
            load_folder(s, folder, rejects_file=rej, progress=False, per_row=per_row)
            results.append((_rejects(rej), _graph(s)))
    reset_neo4j(neo4j_url)
    assert results[1][0] == results[0][0]
    assert results[1][1] == results[0][1]


def test_the_mappings_name_only_schema_properties():
    check_mappings()
