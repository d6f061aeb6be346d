"""A zip of nodes.csv and edges.csv (spreadsheets, the csv module)."""

from __future__ import annotations

import csv
import io
import time
import zipfile
from pathlib import Path

from graph.core.model import Subgraph
from graph.core.schema import SOURCE
from graph.core.text import csv_cell
from graph.interchange.props import all_nodes, caption, flat_props, sorted_edges


def csv_tables(sub: Subgraph) -> dict[str, str]:
    """nodes.csv and edges.csv as text: fixed columns first, then one column per
    property name (sorted)."""
    nodes = [(n, flat_props(n.label, n.properties)) for n in all_nodes(sub)]
    edges = [(e, flat_props(e.type, e.properties, edge=True)) for e in sorted_edges(sub)]
    out = {}
    fixed_n = ["id", "label", "key", "caption", SOURCE]
    fixed_e = ["from", "to", "type", SOURCE]
    for name, fixed, rows, first in (("nodes.csv", fixed_n, nodes, True),
                                     ("edges.csv", fixed_e, edges, False)):
        extra = sorted({p for _, props in rows for p in props} - set(fixed))
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(fixed + extra)
        for thing, props in rows:
            if first:
                head = [thing.id, thing.label, thing.key, caption(thing)]
            else:
                head = [thing.source, thing.target, thing.type]
            w.writerow([csv_cell(x) for x in head + [props.get(SOURCE)]
                        + [props.get(p) for p in extra]])
        out[name] = buf.getvalue()
    return out


def write_csv_zip(sub: Subgraph, path: Path) -> None:
    """A zip holding nodes.csv and edges.csv (UTF-8 with a byte-order mark, so
    spreadsheets show Vietnamese names right)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, text in csv_tables(sub).items():
            z.writestr(zip_info(name), "\ufeff" + text)


def zip_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info
