"""Handover reports of a shift's duty log entries, in Markdown or standalone HTML:
each entry as written (escaped), its corrections, the chain's verification, and the
investigations the shift touched."""

from __future__ import annotations

import html
import json
from pathlib import Path

from graph.core.text import md_escape
from graph.records import audit
from graph.records.clock import now_utc
from graph.records.dutylog import (
    DutyLog,
    Entry,
    Verification,
    check,
)
from graph.records.logfile import (
    KINDS,
    LogError,
)


def _md_lines(text) -> str:
    """Text of several lines as Markdown: each line escaped, kept as a hard break."""
    return "  \n".join(md_escape(line) for line in str(text).split("\n"))


def _h(value) -> str:
    return html.escape(str(value), quote=True)


def _report_data(log: DutyLog, shift: str, res: Verification | None) -> dict:
    entries = log.entries(shift=shift)
    fixes = log.corrections()
    res = res or check(log)
    counts = {k: sum(1 for e in entries if e.kind == k) for k in KINDS}
    analysts = sorted({e.analyst for e in entries})
    return {"shift": shift, "entries": entries, "fixes": fixes, "check": res,
            "trail": audit.check(log), "counts": counts, "analysts": analysts,
            "generated": now_utc()}


def _expect_hint(res: Verification, trail) -> str:
    """The command that checks both heads later."""
    return (f"customs-graph log verify --expect {res.head_id or 0}:{res.head_hash} "
            f"--expect audit:{trail.head_id or 0}:{trail.head_hash}")


def _entry_notes(e: Entry, fixes: dict[int, list[int]]) -> list[str]:
    notes = []
    if e.corrects is not None:
        notes.append(f"corrects #{e.corrects}")
    if fixes.get(e.id):
        notes.append("corrected by " + ", ".join(f"#{i}" for i in fixes[e.id]))
    return notes


def _query_text(q: dict) -> str:
    params = q.get("params") or {}
    args = ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in params.items())
    return f"{q.get('name', '')}({args})"


def _inv_what(d: dict) -> str:
    what = ["opened" if d["opened"] else "changed"] + (["handed over"] if d["handed_over"] else [])
    return f"{' and '.join(what)}; now {d['status']}, version {d['version']}, owner {d['owner']}"


def _investigations_md(investigations) -> list[str]:
    lines = ["", "## Investigations opened, changed or handed over", ""]
    for d in investigations:
        lines += [f"### {md_escape(d['name'])} ({md_escape(d['id'])})", "",
                  f"- {md_escape(_inv_what(d))}",
                  f"- Open it: `{d['open']}`, or the app's page `{d['app']}`"]
        lines += [f"- v{c['version']} {md_escape(c['time'])} {md_escape(c['by'])}: "
                  f"{md_escape(c['change'])}" for c in d["changes"]]
        lines += [f"- Note {md_escape(n['id'])} on {md_escape(n['target'] or 'the investigation')}"
                  f" ({md_escape(n['author'])}): {md_escape(' '.join(n['text'].split()))}"
                  for n in d["notes"]]
        lines.append("")
    return lines


def _investigations_html(investigations) -> list[str]:
    out = ["<h2>Investigations opened, changed or handed over</h2>"]
    for d in investigations:
        out.append(f'<div class="entry" id="investigation-{_h(d["id"])}"><div class="meta">'
                   f"{_h(d['id'])} · {_h(_inv_what(d))}</div><div class=\"text\"><b>"
                   f"{_h(d['name'])}</b></div><ul class=\"meta\"><li>Open it: <code>"
                   f"{_h(d['open'])}</code>, or the app's page <code>{_h(d['app'])}</code></li>")
        out += [f"<li>v{_h(c['version'])} {_h(c['time'])} {_h(c['by'])}: {_h(c['change'])}</li>"
                for c in d["changes"]]
        out += [f"<li>Note {_h(n['id'])} on {_h(n['target'] or 'the investigation')} "
                f"({_h(n['author'])}): {_h(n['text'])}</li>" for n in d["notes"]]
        out.append("</ul></div>")
    return out


def handover_markdown(log: DutyLog, shift: str, *, by: str | None = None,
                      verification: Verification | None = None, investigations=()) -> str:
    """The shift's handover report in Markdown; text from the log is escaped so
    that it shows as written. `verification`: a check(log) already made."""
    d = _report_data(log, shift, verification)
    res: Verification = d["check"]
    lines = [f"# Duty log handover — {md_escape(shift)}", ""]
    lines.append(f"- Generated: {d['generated']}" + (f" by {md_escape(by)}" if by else ""))
    lines.append("- Analysts on shift: " + (", ".join(md_escape(a) for a in d["analysts"])
                                            or "none"))
    lines.append("- Entries: " + ", ".join(f"{n} {k}" for k, n in d["counts"].items() if n)
                 if d["entries"] else "- Entries: none")
    if res.ok:
        lines.append(f"- Chain: verified, {res.entries} entries in the whole log")
    else:
        lines.append(f"- Chain: **FAILED**, {len(res.problems)} problem(s)")
    trail = d["trail"]
    lines.append(f"- Chain head: entry {res.head_id or 0}, sha256 `{res.head_hash}`")
    lines.append(f"- Audit trail: {'verified' if trail.ok else '**FAILED**'}, "
                 f"{trail.records} records; head: record {trail.head_id or 0}, "
                 f"sha256 `{trail.head_hash}`")
    lines.append(f"- Keep these heads; `{_expect_hint(res, trail)}` checks them later")
    if not res.ok or not trail.ok:
        lines += ["", "## Verification problems", ""]
        lines += [f"- {md_escape(p.message)}" for p in res.problems + trail.problems]
    instructions = [e for e in d["entries"] if e.kind in ("instruction", "handover")]
    if instructions:
        lines += ["", "## Handover notes and instructions", ""]
        lines += [f"- #{e.id} ({e.kind}, {md_escape(e.analyst)}): "
                  f"{md_escape(' '.join(e.text.split()))}" for e in instructions]
    if investigations:
        lines += _investigations_md(investigations)
    lines += ["", "## Entries", ""]
    if not d["entries"]:
        lines.append("No entries in this shift.")
    for e in d["entries"]:
        head = f"### #{e.id} · {e.kind} · {e.time} · {md_escape(e.analyst)}"
        notes = _entry_notes(e, d["fixes"])
        if notes:
            head += " · " + "; ".join(notes)
        lines += [head, "", _md_lines(e.text), ""]
        if e.refs:
            lines.append("- Refs: " + ", ".join(md_escape(r) for r in e.refs))
        for q in e.queries:
            lines.append("- Query: " + md_escape(_query_text(q)))
        for x in e.exports:
            lines.append(f"- Export: {md_escape(x.get('file', ''))} "
                         f"(sha256 {md_escape(x.get('sha256', ''))})")
        if e.refs or e.queries or e.exports:
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


_CSS = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; color: #1b2631; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 1.6rem; }
.entry { border: 1px solid #d5dde3; border-radius: 6px; padding: .6rem .9rem; margin: .6rem 0; }
.meta { color: #56636f; font-size: 12px; } .kind { font-weight: 600; text-transform: uppercase; }
.text { white-space: pre-wrap; margin: .4rem 0; } .bad { color: #b00020; font-weight: 600; }
code { font-size: 12px; word-break: break-all; }
"""


def handover_html(log: DutyLog, shift: str, *, by: str | None = None,
                  verification: Verification | None = None, investigations=()) -> str:
    """A standalone HTML report; every value from the log goes through html.escape,
    and the page's policy forbids scripts besides."""
    d = _report_data(log, shift, verification)
    res: Verification = d["check"]
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
           'style-src \'unsafe-inline\'">',
           f"<title>Duty log handover — {_h(shift)}</title>", f"<style>{_CSS}</style>",
           "</head><body>", f"<h1>Duty log handover — {_h(shift)}</h1>", "<ul>"]
    out.append(f"<li>Generated: {_h(d['generated'])}"
               + (f" by {_h(by)}" if by else "") + "</li>")
    out.append("<li>Analysts on shift: " + (_h(", ".join(d["analysts"])) or "none") + "</li>")
    out.append("<li>Entries: " + (_h(", ".join(f"{n} {k}" for k, n in d["counts"].items() if n))
                                  or "none") + "</li>")
    if res.ok:
        out.append(f"<li>Chain: verified, {res.entries} entries in the whole log</li>")
    else:
        out.append(f'<li class="bad">Chain: FAILED, {len(res.problems)} problem(s)</li>')
    trail = d["trail"]
    out.append(f"<li>Chain head: entry {res.head_id or 0}, sha256 <code>{_h(res.head_hash)}"
               "</code></li>")
    bad = "" if trail.ok else ' class="bad"'
    out.append(f"<li{bad}>Audit trail: "
               f"{'verified' if trail.ok else 'FAILED'}, {trail.records} records; head: "
               f"record {trail.head_id or 0}, sha256 <code>{_h(trail.head_hash)}</code></li>")
    out.append(f"<li>Keep these heads; <code>{_h(_expect_hint(res, trail))}</code> checks "
               "them later</li></ul>")
    if not res.ok or not trail.ok:
        out.append('<h2 class="bad">Verification problems</h2><ul>')
        out += [f"<li>{_h(p.message)}</li>" for p in res.problems + trail.problems]
        out.append("</ul>")
    instructions = [e for e in d["entries"] if e.kind in ("instruction", "handover")]
    if instructions:
        out.append("<h2>Handover notes and instructions</h2><ul>")
        out += [f"<li>#{e.id} ({_h(e.kind)}, {_h(e.analyst)}): {_h(' '.join(e.text.split()))}"
                "</li>" for e in instructions]
        out.append("</ul>")
    if investigations:
        out += _investigations_html(investigations)
    out.append("<h2>Entries</h2>")
    if not d["entries"]:
        out.append("<p>No entries in this shift.</p>")
    for e in d["entries"]:
        notes = _entry_notes(e, d["fixes"])
        out.append(f'<div class="entry" id="entry-{e.id}"><div class="meta">#{e.id} · '
                   f'<span class="kind">{_h(e.kind)}</span> · {_h(e.time)} · {_h(e.analyst)}'
                   + (f" · {_h('; '.join(notes))}" if notes else "") + "</div>")
        out.append(f'<div class="text">{_h(e.text)}</div>')
        items = [f"Ref: {_h(r)}" for r in e.refs]
        items += [f"Query: <code>{_h(_query_text(q))}</code>" for q in e.queries]
        items += [f"Export: {_h(x.get('file', ''))} (sha256 <code>{_h(x.get('sha256', ''))}"
                  "</code>)" for x in e.exports]
        if items:
            out.append('<ul class="meta">' + "".join(f"<li>{i}</li>" for i in items) + "</ul>")
        out.append("</div>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


HANDOVER_FORMATS = {".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html"}


def handover(log: DutyLog, shift: str, fmt: str, *, by: str | None = None,
             investigations=()) -> str:
    if fmt == "markdown":
        return handover_markdown(log, shift, by=by, investigations=investigations)
    if fmt == "html":
        return handover_html(log, shift, by=by, investigations=investigations)
    raise LogError(f"unknown handover format {fmt!r}: markdown or html")


def write_handover(log: DutyLog, shift: str, path: str | Path, *,
                   by: str | None = None, investigations=()) -> Path:
    """Write the shift's handover report; the format follows the suffix (.md, .html)."""
    p = Path(path)
    fmt = HANDOVER_FORMATS.get(p.suffix.lower())
    if fmt is None:
        raise LogError(f"{p.name}: the handover file must end in .md or .html")
    text = handover(log, shift, fmt, by=by, investigations=investigations)
    try:
        p.write_text(text, encoding="utf-8")
    except OSError as e:
        raise LogError(f"cannot write {p}: {e.strerror or e}") from None
    return p
