"""Subgraph exports, as a registry: one `Format` entry per format (its name, file
extension, MIME type, a description and the writer that turns a Subgraph into a
file). The command line's `export --format`, the case package and the app's export
page all read `FORMATS`; adding a format is a writer module and one entry here.

Every format carries each node's label, key, caption and properties, each edge's
type and properties, and the provenance of both (the `source` property:
"file.csv:line"). Derived search fields are left out.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from graph.core.model import Edge, Node, Subgraph
from graph.core.text import clean, has_controls
from graph.interchange import csvzip, cytoscape, gexf, graphml, htmlpage, nodelink


@dataclass(frozen=True)
class Format:
    name: str  # what --format takes
    extension: str  # the file name's suffix
    mime: str
    description: str  # what the file is and what reads it back
    writer: Callable[[Subgraph, Path], None]


def write_json(sub: Subgraph, path: Path) -> None:
    """The command line's --json shape."""
    with open(path, "w", encoding="utf-8") as f:
        json.dump(sub.to_json(), f, ensure_ascii=False, indent=2)


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("json", ".json", "application/json",
           "The command line's --json shape: read back with any JSON reader", write_json),
    Format("graphml", ".graphml", "application/xml",
           "GraphML: networkx.read_graphml, yEd, Gephi", graphml.write_graphml),
    Format("gexf", ".gexf", "application/xml",
           "GEXF 1.3: networkx.read_gexf, Gephi", gexf.write_gexf),
    Format("nodelink", ".nodelink.json", "application/json",
           "Node-link JSON: networkx.node_link_graph, D3", nodelink.write_node_link),
    Format("cytoscape", ".cyjs", "application/json",
           "Cytoscape.js JSON: Cytoscape, Cytoscape.js", cytoscape.write_cytoscape),
    Format("csv", ".csv.zip", "application/zip",
           "A zip of nodes.csv and edges.csv: spreadsheets, the csv module",
           csvzip.write_csv_zip),
    Format("html", ".html", "text/html",
           "One self-contained page: opens in any browser, offline", htmlpage.write_html),
)}


def write(sub: Subgraph, fmt: str, path) -> None:
    """Write `sub` as `fmt` to `path`, all or nothing: the file is written beside
    `path` under a temporary name and renamed over it only when complete."""
    path = Path(path)
    writer = FORMATS[fmt].writer
    sub = sanitised(sub)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    try:
        writer(sub, Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --- control characters -------------------------------------------------------------
def _clean_value(v):
    if isinstance(v, str):
        return clean(v)
    if isinstance(v, list | tuple):
        return [_clean_value(x) for x in v]
    if isinstance(v, dict):
        return {clean(str(k)): _clean_value(x) for k, x in v.items()}
    return v


def _dirty(v) -> bool:
    if isinstance(v, str):
        return has_controls(v)
    if isinstance(v, list | tuple):
        return any(_dirty(x) for x in v)
    if isinstance(v, dict):
        return any(_dirty(str(k)) or _dirty(x) for k, x in v.items())
    return False


def sanitised(sub: Subgraph) -> Subgraph:
    """`sub` with every control character (graph.core.text.CONTROLS) in labels, keys,
    ids, property names and values replaced by a space, so that every format is
    valid (XML 1.0 cannot carry them at all); `sub` itself when it holds none.
    Stores loaded before the loader cleaned such characters may still hold them."""
    nodes, edges = list(sub.nodes.values()), list(sub.edges.values())
    if not any(_dirty([n.label, n.key, n.properties]) for n in nodes) and not any(
            _dirty([e.source, e.target, e.type, e.properties]) for e in edges):
        return sub
    out = Subgraph(left_out={clean(k): v for k, v in sub.left_out.items()},
                   left_out_by_type={clean(k): dict(v) for k, v in sub.left_out_by_type.items()})
    for n in nodes:
        out.add_node(Node(clean(n.label), clean(n.key), _clean_value(n.properties)))
    for e in edges:
        out.add_edge(Edge(clean(e.source), clean(e.target), clean(e.type),
                          _clean_value(e.properties)))
    return out
