"""One icon per label, so that a person tells a container from a declaration
without reading: small SVGs (a white glyph on the label's colour) sent to the
browser as data URIs, nothing fetched. The schema names each label's glyph
(`Label.icon`); the glyphs live here."""

from __future__ import annotations

from base64 import b64encode
from functools import cache

from graph.core import schema

# Glyphs on a 48 x 48 canvas, centred; "{bg}" is the label's colour (holes in the glyph).
GLYPHS: dict[str, str] = {
    "person": '<circle cx="24" cy="17" r="6.5"/>'
              '<path d="M11.5 37c0-7.5 5.6-11.5 12.5-11.5S36.5 29.5 36.5 37z"/>',
    "plane": '<path d="M24 8.5c1.5 0 2.3 1.4 2.3 3.1v8.3l11.2 6.8v3.4l-11.2-3.5v6.2l3.4 2.6v2.8'
             'L24 36.7l-5.7 1.5v-2.8l3.4-2.6v-6.2l-11.2 3.5v-3.4l11.2-6.8v-8.3c0-1.7.8-3.1 '
             '2.3-3.1z"/>',
    "tower": '<path d="M16 11h16l-2.5 8h-11z"/><rect x="21.5" y="19" width="5" height="15"/>'
             '<rect x="14" y="34" width="20" height="3.5" rx="1"/>',
    "flag": '<rect x="13.5" y="9" width="3" height="30" rx="1"/>'
            '<path d="M16.5 10.5h18l-4.5 6.5 4.5 6.5h-18z"/>',
    "ticket": '<path d="M10 15h28v6a3 3 0 0 0 0 6v6H10v-6a3 3 0 0 0 0-6z"/>'
              '<path d="M29 16v16" stroke="{bg}" stroke-width="1.6" stroke-dasharray="2 2"/>',
    "building": '<path d="M13 38V11h15v9h7v18z"/><g fill="{bg}">'
                + "".join(f'<rect x="{x}" y="{y}" width="3" height="3"/>'
                          for y in (14, 20, 26) for x in (16, 22))
                + '<rect x="30" y="24" width="2.5" height="3"/>'
                  '<rect x="30" y="30" width="2.5" height="3"/>'
                  '<rect x="19" y="32" width="4" height="6"/></g>',
    "container": '<rect x="8" y="15" width="32" height="18" rx="1.5"/>'
                 '<path d="M13.5 18v12M19 18v12M24.5 18v12M30 18v12M35 18v12" stroke="{bg}" '
                 'stroke-width="1.8"/>',
    "document": '<path d="M14 8h14l7 7v25H14z"/><path d="M28 8v7h7" fill="{bg}" opacity=".45"/>'
                '<path d="M18 21h13M18 26h13M18 31h9" stroke="{bg}" stroke-width="2"/>',
    "box": '<path d="M24 8.5l13.5 6.2v17L24 38.5l-13.5-6.8v-17z"/>'
           '<path d="M10.5 14.7L24 21l13.5-6.3M24 21v17.5" fill="none" stroke="{bg}" '
           'stroke-width="1.8"/>',
    "shield": '<path d="M24 8l12.5 4.5v9.5c0 8.3-5.6 13.8-12.5 16.5'
              '-6.9-2.7-12.5-8.2-12.5-16.5v-9.5z"/>'
              '<path d="M18.5 23.5l4 4 7.5-8" fill="none" stroke="{bg}" stroke-width="2.6"/>',
    "anchor": '<g fill="none" stroke="#fff" stroke-width="3" stroke-linecap="round">'
              '<circle cx="24" cy="12.5" r="3.2"/><path d="M24 15.7V37M17 21.5h14"/>'
              '<path d="M11.5 27.5c1 6.5 6 9.5 12.5 9.5s11.5-3 12.5-9.5"/></g>',
    "alert": '<path d="M18.5 8.5h11l8 8v11l-8 8h-11l-8-8v-11z"/>'
             '<rect x="22.4" y="14" width="3.2" height="12.5" rx="1" fill="{bg}"/>'
             '<rect x="22.4" y="29.5" width="3.2" height="3.2" rx="1" fill="{bg}"/>',
    "tag": '<path d="M9.5 25.5L24 11h14v14L23.5 39.5z"/><circle cx="31.5" cy="17.5" r="2.7" '
           'fill="{bg}"/>',
    "phone": '<rect x="15.5" y="8" width="17" height="32" rx="3.5"/>'
             '<rect x="18.5" y="12" width="11" height="20" fill="{bg}"/>'
             '<circle cx="24" cy="35.8" r="1.7" fill="{bg}"/>',
    "mail": '<rect x="9" y="13.5" width="30" height="21" rx="2.5"/>'
            '<path d="M10 15.5l14 10.5 14-10.5" fill="none" stroke="{bg}" stroke-width="2.4"/>',
    "pin": '<path d="M24 8.5c-6.1 0-10.7 4.7-10.7 10.6C13.3 27 24 39.5 24 39.5S34.7 27 34.7 19.1'
           'c0-5.9-4.6-10.6-10.7-10.6z"/><circle cx="24" cy="19.3" r="4.2" fill="{bg}"/>',
}


def svg(glyph: str, color: str) -> str:
    """The icon as SVG text: the glyph in white on a square of `color` (vis-network
    clips it to a circle)."""
    body = GLYPHS[glyph].replace("{bg}", color)
    return ('<svg xmlns="http://www.w3.org/2000/svg" width="48" height="48" viewBox="0 0 48 48">'
            f'<rect width="48" height="48" fill="{color}"/><g fill="#fff">{body}</g></svg>')


@cache
def data_uri(label_name: str) -> str:
    """The label's icon as a data URI (the same string for every node of a label,
    so the browser decodes it once)."""
    lb = schema.label(label_name)
    return "data:image/svg+xml;base64," + b64encode(svg(lb.icon, lb.color).encode()).decode()
