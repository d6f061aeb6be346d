"""The investigator's report: one HTML page a person reads and prints (and its PDF,
printed by headless Chromium).

It holds the chart as an SVG drawn here from the stored positions, the entities
with their key properties, the timeline of dated entities, the notes, the paths
between chosen entities, the source (file:line) of every fact, and the SHA-256
manifest of the case package. Everything from the data goes through html.escape;
the page loads nothing (its policy allows inline styles and data: images only).
"""

from __future__ import annotations

import html
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from graph.core import schema
from graph.records.investigations import Investigation, InvestigationError, edge_key

ENV_CHROMIUM = "CUSTOMS_GRAPH_CHROMIUM"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
KEY_PROPS = 6
_HIDDEN = (schema.SEARCH, schema.REF, schema.SOURCE)


def _h(v) -> str:
    return html.escape("" if v is None else str(v), quote=True)


def caption(node) -> str:
    return str(node.properties.get(schema.label(node.label).caption) or node.key)


def node_date(node) -> str | None:
    lb = schema.label(node.label)
    v = str(node.properties.get(lb.dated) or "") if lb.dated else ""
    return v[:10] or None


def positions(inv: Investigation) -> dict[str, tuple[float, float]]:
    """The stored positions; nodes without one are laid out here."""
    sub = inv.chart.sub
    pos = {k: v for k, v in inv.chart.positions.items() if k in sub.nodes}
    missing = [i for i in sub.nodes if i not in pos]
    if missing:
        from graph.analysis.layout import server_layout

        laid = server_layout(sorted(sub.nodes), [(e.source, e.target)
                                                 for e in sub.edges.values()])
        pos.update({i: laid[i] for i in missing})
    return pos


def chart_svg(inv: Investigation, width: int = 1000, height: int = 640) -> str:
    """The chart as a standalone SVG: nodes at their stored positions, in their
    label's colour, with captions; a noted node carries a marker."""
    sub = inv.chart.sub
    grouped = {m for g in inv.chart.groups for m in g.members}
    pos = positions(inv)
    shown = {i: p for i, p in pos.items() if i not in grouped and i not in inv.chart.hidden}
    for g in inv.chart.groups:
        if g.anchor in pos:
            ax, ay = pos[g.anchor]
            shown[g.id] = (ax + 80.0, ay + 80.0)
    if not shown:
        return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="120" '
                'role="img"><text x="10" y="60">(empty chart)</text></svg>')
    xs, ys = [p[0] for p in shown.values()], [p[1] for p in shown.values()]
    pad = 70.0
    x0, y0 = min(xs) - pad, min(ys) - pad
    w, h = max(max(xs) - min(xs) + 2 * pad, 200), max(max(ys) - min(ys) + 2 * pad, 200)
    noted = {n.target for n in inv.notes}
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{x0:.1f} {y0:.1f} {w:.1f} {h:.1f}" '
           f'width="{width}" height="{height}" role="img" '
           f'aria-label="{_h("Chart of " + inv.name)}" font-family="Arial, sans-serif">',
           f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{w:.1f}" height="{h:.1f}" fill="#ffffff"/>']
    for e in sorted(sub.edges.values(), key=lambda e: (e.source, e.type, e.target)):
        if e.source in shown and e.target in shown:
            (ax, ay), (bx, by) = shown[e.source], shown[e.target]
            out.append(f'<line x1="{ax:.1f}" y1="{ay:.1f}" x2="{bx:.1f}" y2="{by:.1f}" '
                       f'stroke="#9aa7b4" stroke-width="1.2"><title>{_h(e.type)}</title></line>')
            out.append(f'<text x="{(ax + bx) / 2:.1f}" y="{(ay + by) / 2:.1f}" font-size="8" '
                       f'fill="#56636f" text-anchor="middle">{_h(e.type)}</text>')
    for g in inv.chart.groups:
        if g.anchor in shown:
            (ax, ay), (gx, gy) = shown[g.anchor], shown[g.id]
            out.append(f'<line x1="{ax:.1f}" y1="{ay:.1f}" x2="{gx:.1f}" y2="{gy:.1f}" '
                       'stroke="#8a96a3" stroke-dasharray="4 3"/>')
            out.append(f'<rect x="{gx - 45:.1f}" y="{gy - 12:.1f}" width="90" height="24" rx="5" '
                       f'fill="#ffffff" stroke="{schema.label(g.label).color}"/>'
                       f'<text x="{gx:.1f}" y="{gy + 4:.1f}" font-size="10" text-anchor="middle">'
                       f'{_h(f"{len(g.members)} {g.label}")}</text>')
    for i, (x, y) in sorted(shown.items()):
        n = sub.nodes.get(i)
        if n is None:
            continue
        lb = schema.label(n.label)
        ring = ' stroke="#1b2631" stroke-width="3"' if i in inv.chart.pinned else \
            ' stroke="#ffffff" stroke-width="1.5"'
        out.append(f'<g class="node" data-ref="{_h(i)}"><circle cx="{x:.1f}" cy="{y:.1f}" r="14" '
                   f'fill="{lb.color}"{ring}><title>{_h(i)}</title></circle>')
        text = caption(n)
        text = text if len(text) <= 28 else text[:27] + "…"
        out.append(f'<text x="{x:.1f}" y="{y + 28:.1f}" font-size="10" text-anchor="middle" '
                   f'fill="#1b2631">{_h(text)}</text>')
        if i in noted:
            out.append(f'<circle cx="{x + 12:.1f}" cy="{y - 12:.1f}" r="5" fill="#f2c200" '
                       f'stroke="#1b2631"><title>note</title></circle>')
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)


_CSS = """
body { font: 12px/1.45 Arial, sans-serif; color: #1b2631; margin: 1.5cm; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 15px; margin: 18px 0 6px;
  border-bottom: 1px solid #c9d2da; break-after: avoid; }
table { border-collapse: collapse; width: 100%; font-size: 11px; }
td, th { border: 1px solid #d5dce3; padding: 2px 6px; text-align: left; vertical-align: top; }
tr { break-inside: avoid; } .meta { color: #56636f; }
code { font-size: 10px; word-break: break-all; }
.chart { break-inside: avoid; border: 1px solid #d5dce3; } .chart svg { width: 100%; height: auto; }
.note { white-space: pre-wrap; }
@page { size: A4; margin: 1.2cm; } @media print { body { margin: 0; } }
"""


def _props(n) -> list[tuple[str, str]]:
    lb = schema.label(n.label)
    order = [lb.key, lb.caption, *lb.subtitle, *(p for p in lb.props if p not in lb.personal),
             *lb.personal]
    seen, out = set(), []
    for k in order:
        v = n.properties.get(k)
        if k in seen or k in _HIDDEN or v in (None, ""):
            continue
        seen.add(k)
        out.append((k, str(v)))
    return out[:KEY_PROPS]


def _target_text(inv: Investigation, target: str) -> str:
    if not target:
        return "the investigation"
    n = inv.chart.sub.nodes.get(target)
    return f"{caption(n)} ({target})" if n else target


def report_html(inv: Investigation, *, paths=(), case: dict | None = None,
                generated: str | None = None) -> str:
    from graph.records.clock import now_utc

    sub = inv.chart.sub
    nodes = sorted(sub.nodes.values(), key=lambda n: (n.label, caption(n).casefold()))
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
           'style-src \'unsafe-inline\'; img-src data:">',
           f"<title>{_h(inv.name)} — investigator's report</title>", f"<style>{_CSS}</style>",
           "</head><body>", f"<h1>{_h(inv.name)}</h1>",
           f'<p class="meta">Investigation {_h(inv.id)}, version {inv.version} '
           f"({_h(inv.status)}) · "
           f"owner {_h(inv.owner)}" + (f" · shared with {_h(', '.join(inv.shared))}"
                                        if inv.shared else "")
           + f" · {len(sub.nodes)} entities, {len(sub.edges)} links · generated "
           f"{_h(generated or now_utc())}</p>",
           "<h2>Chart</h2>", f'<div class="chart">{chart_svg(inv)}</div>']
    out.append("<h2>Entities</h2><table><thead><tr><th>Kind</th><th>Entity</th>"
               "<th>Key properties</th><th>Source</th></tr></thead><tbody>")
    for n in nodes:
        props = "<br>".join(f"{_h(k)}: {_h(v)}" for k, v in _props(n))
        out.append(f'<tr id="{_h(n.id)}"><td>{_h(n.label)}</td><td><b>{_h(caption(n))}</b><br>'
                   f"<code>{_h(n.id)}</code></td><td>{props}</td>"
                   f"<td><code>{_h(n.properties.get(schema.SOURCE, ''))}</code></td></tr>")
    out.append("</tbody></table>")
    dated = sorted(((node_date(n), n) for n in nodes if node_date(n)), key=lambda x: x[0])
    out.append("<h2>Timeline</h2>")
    if dated:
        out.append("<table><thead><tr><th>Date</th><th>Kind</th><th>Entity</th></tr></thead>"
                   "<tbody>")
        out += [f"<tr><td>{_h(d)}</td><td>{_h(n.label)}</td><td>{_h(caption(n))} "
                f"<code>{_h(n.id)}</code></td></tr>" for d, n in dated]
        out.append("</tbody></table>")
    else:
        out.append("<p>No dated entities on the chart.</p>")
    out.append("<h2>Notes</h2>")
    if inv.notes:
        out.append("<table><thead><tr><th>Note</th><th>On</th><th>Text</th><th>By</th></tr>"
                   "</thead><tbody>")
        out += [f"<tr><td>{_h(n.id)}</td><td>{_h(_target_text(inv, n.target))}</td>"
                f'<td class="note">{_h(n.text)}</td><td>{_h(n.author)}<br>{_h(n.time)}</td></tr>'
                for n in inv.notes]
        out.append("</tbody></table>")
    else:
        out.append("<p>No notes.</p>")
    if paths:
        out.append("<h2>Paths between chosen entities</h2><ol>")
        for p in paths:
            steps = [f"{_h(caption(p.nodes[0]))}"]
            for e, n in zip(p.edges, p.nodes[1:], strict=False):
                steps.append(f"—{_h(e.type)}→ {_h(caption(n))}")
            out.append(f"<li>{' '.join(steps)}</li>")
        out.append("</ol>")
    out.append("<h2>Links and their sources</h2><table><thead><tr><th>From</th><th>Link</th>"
               "<th>To</th><th>Source</th></tr></thead><tbody>")
    for e in sorted(sub.edges.values(), key=edge_key):
        out.append(f"<tr><td><code>{_h(e.source)}</code></td><td>{_h(e.type)}</td>"
                   f"<td><code>{_h(e.target)}</code></td>"
                   f"<td><code>{_h(e.properties.get(schema.SOURCE, ''))}</code></td></tr>")
    out.append("</tbody></table>")
    if case:
        out.append("<h2>Case package manifest</h2>")
        out.append(f'<p class="meta">{_h(case.get("file", ""))} · created '
                   f'{_h(case.get("created_at", ""))} · {_h(case.get("nodes"))} nodes, '
                   f'{_h(case.get("edges"))} edges</p>')
        out.append("<table><thead><tr><th>File</th><th>Bytes</th><th>SHA-256</th></tr></thead>"
                   "<tbody>")
        out += [f"<tr><td>{_h(f['name'])}</td><td>{_h(f['bytes'])}</td>"
                f"<td><code>{_h(f['sha256'])}</code></td></tr>" for f in case.get("files", ())]
        out.append("</tbody></table>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def chromium() -> str:
    """The Chromium that prints PDFs: $CUSTOMS_GRAPH_CHROMIUM, else one on PATH."""
    given = os.environ.get(ENV_CHROMIUM)
    if given:
        if not Path(given).is_file():
            raise InvestigationError(f"${ENV_CHROMIUM} names {given}, which does not exist")
        return given
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise InvestigationError("PDF needs Chromium and none was found: install it (e.g. "
                             "`apt-get install chromium`) or set $" + ENV_CHROMIUM +
                             "; the HTML report prints to PDF from any browser too")


def pdf_bytes(page: str, timeout_s: float = 120) -> bytes:
    """The page printed to PDF by headless Chromium, offline."""
    exe = chromium()
    with tempfile.TemporaryDirectory(prefix="report-") as tmp:
        src, dst = Path(tmp) / "report.html", Path(tmp) / "report.pdf"
        src.write_text(page, encoding="utf-8")
        cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-pdf-header-footer", f"--user-data-dir={tmp}/profile",
               f"--print-to-pdf={dst}", src.as_uri()]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s)
        except subprocess.TimeoutExpired:
            raise InvestigationError(f"Chromium took over {timeout_s:g} s to print") from None
        if not dst.exists() or dst.stat().st_size == 0:
            last = (done.stderr.strip().splitlines() or ["no output"])[-1]
            raise InvestigationError(f"Chromium printed no PDF (exit {done.returncode}): {last}")
        return dst.read_bytes()
