"""The duty log on real SQLite files: append-only, corrections, the hash chain
catching edits, removals and moves made directly in the file, the handover
report, the `log` command line and the Streamlit page."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from graph.cli import log as cli_log
from graph.core.errors import SchemaError
from graph.records import anchor as anchor_file
from graph.records import dutylog, handover
from graph.records.dutylog import DutyLog, LogError
from graph.records.paths import os_user_name

ROOT = Path(__file__).resolve().parent.parent
SHIFT = "2017-06-21 day"
XSS = "<script>alert(1)</script>"
OS_USER = os_user_name()


@pytest.fixture(autouse=True)
def _env(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))  # the state: tmp_path/customs-graph
    monkeypatch.delenv("CUSTOMS_GRAPH_USER", raising=False)
    monkeypatch.delenv("CUSTOMS_GRAPH_PASSWORD", raising=False)


@pytest.fixture
def path(tmp_path) -> Path:
    return dutylog.default_log_path()


def _fill(path: Path, n: int = 6) -> list[dutylog.Entry]:
    with DutyLog(path) as dl:
        return [dl.add("finding", f"entry number {i}", analyst="an", shift=SHIFT,
                       refs=["Container:WHSU5018375"]) for i in range(1, n + 1)]


def _attack(path: Path, *statements, params=(),
            triggers=("entries_no_update", "entries_no_delete")) -> None:
    """What someone with the file would do: drop the triggers, change rows."""
    con = sqlite3.connect(path)
    for name in triggers:
        con.execute(f"DROP TRIGGER IF EXISTS {name}")
    for i, sql in enumerate(statements):
        con.execute(sql, params[i] if params else ())
    con.commit()
    con.close()


def _problems(path: Path, **kw) -> list[dutylog.Problem]:
    with DutyLog(path) as dl:
        return dutylog.verify(dl, **kw)


def _chain(problems) -> list[str]:
    """The problems about entries (not the note that the triggers were dropped)."""
    return [p.message for p in problems if p.entry_id is not None]


# --- writing --------------------------------------------------------------------------
def test_entries_are_chained_and_complete(path):
    with DutyLog(path) as dl:
        a = dl.add("finding", "  Container WHSU5018375 covered by a transit declaration \n",
                   analyst="Lan", shift=SHIFT,
                   refs=["Container:WHSU5018375", " Company : 0312345678", "Container:WHSU5018375"],
                   queries=[{"name": "transit_chain", "params": {"container": "WHSU5018375",
                                                                 "days": 30}}])
        export = path.parent / "subgraph.json"
        export.write_text('{"nodes": []}', encoding="utf-8")
        b = dl.add("result", "exported", analyst="Lan", shift=SHIFT, exports=[export])
        assert dl.entries() == [a, b]
        assert dl.entries(shift="other") == []
        assert dl.shifts() == [(SHIFT, 2)]
        mode = dl.conn.execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"
    assert a.id == 1 and b.id == 2
    assert a.text == "Container WHSU5018375 covered by a transit declaration"
    assert a.refs == ("Container:WHSU5018375", "Company:0312345678")
    assert a.queries == ({"name": "transit_chain", "params": {"container": "WHSU5018375",
                                                               "days": 30}},)
    assert b.exports[0]["file"] == "subgraph.json" and len(b.exports[0]["sha256"]) == 64
    assert datetime.fromisoformat(a.time).utcoffset().total_seconds() == 0
    assert a.time <= b.time
    assert a.prev_hash == dutylog.GENESIS and b.prev_hash == a.hash
    assert a.hash == dutylog.entry_hash(dutylog._hash_fields(a))


def test_analyst_and_shift_default(path):
    with DutyLog(path) as dl:
        e = dl.add("instruction", "screen HAV-CDG-HAN passengers")
    assert e.analyst == OS_USER
    assert e.shift == dutylog.current_shift()
    assert dutylog.current_shift(datetime(2017, 6, 21, 8)) == "2017-06-21 day"
    assert dutylog.current_shift(datetime(2017, 6, 21, 20)) == "2017-06-21 night"
    assert dutylog.current_shift(datetime(2017, 6, 22, 3)) == "2017-06-21 night"


@pytest.mark.parametrize("ref", ["Nope:1", "Container", "Container:", ""])
def test_bad_refs_are_refused(path, ref):
    with DutyLog(path) as dl, pytest.raises(SchemaError):
        dl.add("finding", "x", refs=[ref])


def test_bad_entries_are_refused(path):
    with DutyLog(path) as dl:
        for kw in ({"kind": "gossip", "text": "x"}, {"kind": "finding", "text": "  "},
                   {"kind": "correction", "text": "x"}):
            with pytest.raises(LogError):
                dl.add(**kw)
        assert dl.entries() == []


def test_update_and_delete_are_refused_by_the_file(path):
    _fill(path, 2)
    con = sqlite3.connect(path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        con.execute("UPDATE entries SET text = 'nothing seen' WHERE id = 1")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        con.execute("DELETE FROM entries WHERE id = 2")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        con.execute("DELETE FROM entries")
    con.close()
    with DutyLog(path) as dl:
        assert [e.text for e in dl.entries()] == ["entry number 1", "entry number 2"]
        assert dutylog.verify(dl) == []


def test_a_correction_is_a_new_entry(path):
    with DutyLog(path) as dl:
        first = dl.add("finding", "34 kinds of counterfeits", analyst="an", shift=SHIFT)
        fix = dl.correct(first.id, "35 kinds, not 34", analyst="an", shift=SHIFT)
        also = dl.add("finding", "again", corrects=first.id, shift=SHIFT)
        assert dl.get(first.id) == first  # untouched
        assert fix.kind == "correction" and fix.corrects == first.id
        assert also.kind == "correction"
        assert dl.corrections() == {first.id: [fix.id, also.id]}
        with pytest.raises(LogError, match="does not exist"):
            dl.correct(99, "no such entry")
        with pytest.raises(LogError, match="only a correction"):
            dl.add("instruction", "x", corrects=first.id)
        assert len(dl.entries()) == 3
        assert dutylog.verify(dl) == []


# --- tampering ------------------------------------------------------------------------
def test_verify_catches_an_edit(path):
    _fill(path)
    _attack(path, "UPDATE entries SET text = 'nothing found' WHERE id = 3")
    problems = _problems(path)
    assert _chain(problems) == ["hash mismatch: entry 3 was edited"]
    assert [p.entry_id for p in problems] == [None, 3]  # the dropped triggers are noted too


def test_verify_catches_an_edit_with_a_recomputed_hash(path):
    entries = _fill(path)
    forged = dutylog._hash_fields(entries[2]) | {"analyst": "someone else"}
    _attack(path, "UPDATE entries SET analyst = ?, hash = ? WHERE id = 3",
            params=[("someone else", dutylog.entry_hash(forged))])
    msgs = _chain(_problems(path))
    assert len(msgs) == 1 and msgs[0].startswith("hash mismatch: entry 3 was edited")


def test_verify_catches_a_removal(path):
    _fill(path)
    _attack(path, "DELETE FROM entries WHERE id = 4")
    assert _chain(_problems(path)) == ["entry 4 missing (chain breaks between 3 and 5)"]


def test_verify_catches_removals_at_both_ends_and_runs(path):
    _fill(path, 8)
    _attack(path, "DELETE FROM entries WHERE id IN (1, 4, 5, 8)")
    msgs = _chain(_problems(path))
    assert "entry 1 missing (chain breaks before 2)" in msgs
    assert "entries 4–5 missing (chain breaks between 3 and 6)" in msgs
    assert any(m.startswith("entry 8 missing") for m in msgs)
    assert len(msgs) == 3


def test_verify_catches_a_reorder(path):
    _fill(path)
    _attack(path, "UPDATE entries SET id = -3 WHERE id = 3",
            "UPDATE entries SET id = 3 WHERE id = 4", "UPDATE entries SET id = 4 WHERE id = -3")
    msgs = _chain(_problems(path))
    assert len(msgs) == 1
    assert msgs[0].startswith("entries out of order: entries 3–4 were moved")
    assert msgs[0].endswith("written 2, 4, 3, 5")


def test_verify_catches_a_copied_entry(path):
    _fill(path, 3)
    _attack(path, "INSERT INTO entries (time, analyst, shift, kind, text, refs, queries, "
                  "exports, corrects, prev_hash, hash) SELECT time, analyst, shift, kind, text, "
                  "refs, queries, exports, corrects, prev_hash, hash FROM entries WHERE id = 2")
    msgs = _chain(_problems(path))
    assert "entry 4 is a copy of entry 2" in msgs


def test_a_rewritten_chain_is_caught_by_an_anchor(path):
    entries = _fill(path, 4)
    anchor = (entries[-1].id, entries[-1].hash[:16])
    # Rewrite entry 2 and re-hash every entry after it, then put the triggers back.
    statements, params = [], []
    prev = entries[0].hash
    for e in entries[1:]:
        fields = dutylog._hash_fields(e) | {"prev_hash": prev}
        if e.id == 2:
            fields["text"] = "nothing to report"
        h = dutylog.entry_hash(fields)
        statements.append("UPDATE entries SET text = ?, prev_hash = ?, hash = ? WHERE id = ?")
        params.append((fields["text"], prev, h, e.id))
        prev = h
    _attack(path, *statements, params=params)
    with DutyLog(path):  # reopening restores the triggers
        pass
    # the anchor file beside the log still names entry 4's old hash
    (msg,) = [p.message for p in _problems(path)]
    assert "entry 4 no longer has the hash its anchor names" in msg
    # someone who rewrites the anchor file too is caught only by a head kept elsewhere
    with DutyLog(path) as dl:
        anchor_file.accept(dl.conn, dl.path)
    assert _problems(path) == []
    msgs = _chain(_problems(path, anchor=anchor))
    assert len(msgs) == 1 and "the chain was rewritten" in msgs[0]
    assert dutylog.parse_anchor(f"{anchor[0]}:{anchor[1]}") == anchor


# --- handover -------------------------------------------------------------------------
class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def _handover_log(path: Path) -> None:
    with DutyLog(path) as dl:
        dl.add("finding", f"Container WHSU5018375 {XSS}\n- 35 kinds [link](javascript:x)",
               analyst="<b>Lan</b>", shift=SHIFT, refs=["Company:0312345678"])
        dl.add("instruction", f"hold it {XSS}", analyst="Minh", shift=SHIFT)
        dl.add("finding", "another shift", analyst="Minh", shift="2017-06-20 night")
        dl.correct(1, "35 kinds of suspected counterfeits", analyst="Minh", shift=SHIFT)


def test_handover_html_escapes_every_value(path, tmp_path):
    _handover_log(path)
    with DutyLog(path) as dl:
        out = handover.write_handover(dl, SHIFT, tmp_path / "handover.html", by="<i>me</i>")
    page = out.read_text(encoding="utf-8")
    assert "<script>" not in page and "<b>" not in page and "<i>me" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Content-Security-Policy" in page
    parsed = _Tags()
    parsed.feed(page)
    assert "script" not in parsed.tags and "b" not in parsed.tags and "a" not in parsed.tags
    text = "".join(parsed.text)
    assert XSS in text and "<b>Lan</b>" in text  # shown as text
    assert "another shift" not in text  # only this shift
    assert "corrected by #4" in text and "corrects #1" in text
    assert "Chain: verified" in text


def test_handover_markdown_escapes_markup(path, tmp_path):
    _handover_log(path)
    with DutyLog(path) as dl:
        md = handover.write_handover(dl, SHIFT, tmp_path / "h.md").read_text(encoding="utf-8")
        head_id, head_hash = dl.head()
    assert "<script>" not in md and "<b>" not in md and "[link]" not in md
    # one Markdown escape for the project (graph.core.text.md_escape, the stricter of the
    # two there were): every punctuation mark, so "(1)" is escaped too
    assert r"\<script\>alert\(1\)\</script\>" in md
    assert "  \n\\- 35 kinds" in md  # a line of the text does not become a list item
    assert f"entry {head_id}, sha256 `{head_hash}`" in md
    assert md.index("## Handover notes and instructions") < md.index("## Entries")
    with pytest.raises(LogError, match=r"\.md or \.html"):
        handover.write_handover(DutyLog(path), SHIFT, tmp_path / "h.txt")


def test_handover_reports_a_tampered_log(path, tmp_path):
    _handover_log(path)
    _attack(path, "UPDATE entries SET text = 'all clear' WHERE id = 2")
    with DutyLog(path) as dl:
        page = handover.handover_html(dl, SHIFT)
    assert "Chain: FAILED" in page and "hash mismatch: entry 2 was edited" in page


# --- command line ---------------------------------------------------------------------
def cli(capsys, *args) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as ex:
        cli_log.main([str(a) for a in args])
    out = capsys.readouterr()
    return ex.value.code, out.out, out.err


def test_cli_add_show_verify_handover(capsys, path, tmp_path):
    code, out, _ = cli(capsys, "log", "add", "--kind", "finding", "--text", XSS, "--ref",
                       "Container:WHSU5018375", "--ref", "Company:0312345678", "--shift", SHIFT,
                       "--query", "transit_chain container=WHSU5018375")
    assert code == 0 and out.startswith("added entry #1 (finding, shift 2017-06-21 day, "
                                        f"by {OS_USER})")
    code, out, _ = cli(capsys, "log", "add", "-k", "instruction", "-t", "hold", "--json",
                       "--shift", SHIFT, "--analyst", "Minh")
    assert code == 0 and json.loads(out)["analyst"] == "Minh"
    code, out, _ = cli(capsys, "log", "add", "--corrects", "1", "-t", "fix", "--shift", SHIFT)
    assert code == 0 and "(correction," in out
    code, out, _ = cli(capsys, "log", "show", "--shift", SHIFT, "--json")
    data = json.loads(out)["entries"]
    assert [e["kind"] for e in data] == ["finding", "instruction", "correction"]
    assert data[0]["refs"] == ["Container:WHSU5018375", "Company:0312345678"]
    assert data[0]["queries"] == [{"name": "transit_chain",
                                   "params": {"container": "WHSU5018375"}}]
    code, out, _ = cli(capsys, "log", "show")
    assert code == 0 and "corrected by #3" in out and XSS in out
    code, out, _ = cli(capsys, "log", "verify")
    assert code == 0 and out.startswith("ok: 3 entries")
    for name in ("h.md", "h.html"):
        code, out, _ = cli(capsys, "log", "handover", "--shift", SHIFT, "-o", tmp_path / name)
        assert code == 0 and "(3 entries)" in out
    assert "&lt;script&gt;" in (tmp_path / "h.html").read_text(encoding="utf-8")
    assert "\\<script\\>" in (tmp_path / "h.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("args", [
    ["log", "add", "--kind", "gossip", "--text", "x"],
    ["log", "add", "--text", "x", "--ref", "Nope:1"],
    ["log", "add", "--kind", "correction", "--text", "x"],
    ["log", "add", "--text", "x", "--query", "k=v"],
    ["log", "handover", "-o", "report.txt"],
    ["log", "add"],
])
def test_cli_bad_usage_exits_2(capsys, args, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = cli(capsys, *args)
    assert code == 2
    assert err.startswith("error: ") and err.count("\n") == 1


def test_cli_failures_exit_1(capsys):
    code, _, err = cli(capsys, "log", "add", "--corrects", "7", "--text", "x")
    assert code == 1 and err == "error: entry 7 does not exist\n"


def test_cli_verify_exits_1_with_a_line_per_problem(capsys, path):
    assert cli(capsys, "users", "whoami")[0] == 0  # the first run, recorded, before the attack
    _fill(path)
    _attack(path, "UPDATE entries SET text = 'x' WHERE id = 2", "DELETE FROM entries WHERE id = 5")
    code, out, err = cli(capsys, "log", "verify")
    assert code == 1
    lines = out.strip().splitlines()
    assert "hash mismatch: entry 2 was edited" in lines
    assert "entry 5 missing (chain breaks between 4 and 6)" in lines
    assert len(lines) == 3  # and the note that the triggers had been removed
    assert err.startswith("error: the duty log failed verification: 3 problem(s)")
    code, out, _ = cli(capsys, "log", "verify", "--json")
    data = json.loads(out)
    assert code == 1 and data["ok"] is False
    assert {p["entry"] for p in data["problems"]} == {2, 5}  # the triggers were put back


# --- the page -------------------------------------------------------------------------
def test_page_writes_reads_and_hands_over(path):
    pytest.importorskip("streamlit")
    from streamlit.testing.v1 import AppTest

    from graph.core.model import Node, Subgraph
    from ui.workspace import SESSION_KEY, Workspace

    at = AppTest.from_file(str(ROOT / "ui" / "pages" / "duty_log.py"), default_timeout=60)
    ws = Workspace()
    ws.open(Subgraph({"Container:WHSU5018375": Node("Container", "WHSU5018375")}), None)
    at.session_state[SESSION_KEY] = ws
    at.session_state["dutylog_shift"] = SHIFT
    at.run()
    assert not at.exception and not at.error
    at.text_area(key="dutylog_text").input(f"35 kinds of counterfeits {XSS}")
    at.multiselect(key="dutylog_refs").select("Container:WHSU5018375")
    at.text_input(key="dutylog_refs_typed").input("Company:0312345678")
    at.button[0].click().run()  # the form's submit button
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.success[0].value == "Entry #1 added."
    with DutyLog(path) as dl:
        (e,) = dl.entries()
    assert e.shift == SHIFT and e.analyst == OS_USER
    assert e.refs == ("Container:WHSU5018375", "Company:0312345678")
    assert at.session_state["dutylog_text"] == ""
    assert any(XSS in t.value for t in at.text)  # shown as plain text in the shift log
    assert any(s.value.startswith("Chain verified: 1 entries") for s in at.success)
    at.text_area(key="dutylog_text").input("   ")
    at.button[0].click().run()
    assert at.error and "text is empty" in at.error[0].value
