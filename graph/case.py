"""Case packages: one zip an investigator can take away and check.

A package holds the subgraph in every export format, the queries (with their
parameters) that produced it, and `manifest.json`: every other file with its
size and SHA-256, when the package was made, by which tool and from which
store (its URL with any user name, password or query string removed).
`verify` recomputes the hashes and reports what does not match.

    subgraph.json  subgraph.graphml  subgraph.gexf  subgraph.nodelink.json
    subgraph.cyjs  subgraph.csv.zip  subgraph.html  queries.json  manifest.json
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import zipfile
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path, PurePosixPath

from graph import export
from graph.errors import DataError
from graph.model import Subgraph

MANIFEST = "manifest.json"
QUERIES = "queries.json"
PACKAGE_FORMAT = "customs-graph case package"
PACKAGE_VERSION = 1


def redact_url(url: str | None) -> str:
    """A store URL without credentials or query string.

    >>> redact_url("bolt://neo4j:s3cret@db.example:7687/cases?token=x")
    'bolt://db.example:7687/cases'
    >>> redact_url("ladybug:///data/customs.lbug")
    'ladybug:///data/customs.lbug'
    """
    if not url:
        return ""
    url = url.split("#", 1)[0].split("?", 1)[0]
    if "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    authority, sep, tail = rest.partition("/")
    return f"{scheme}://{authority.rsplit('@', 1)[-1]}{sep}{tail}"


def _version() -> str:
    try:
        return metadata.version("customs-graph")
    except metadata.PackageNotFoundError:
        return "unknown"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build(sub: Subgraph, path, *, store_url: str | None, queries: list[dict] | None = None,
          title: str = "", made_at: datetime | None = None) -> dict:
    """Write a case package to `path` and return its manifest.

    Parameters
    ----------
    sub : Subgraph
        What the package holds.
    path : str or Path
        The zip to write (replaced if it exists).
    store_url : str
        The store the subgraph came from; credentials are removed before it is written.
    queries : list of dict
        The queries and parameters that produced the subgraph, e.g.
        ``[{"name": "neighbours", "parameters": {"ref": "Container:WHSU5018375", "hops": 2}}]``;
        written as given to queries.json.
    title : str
        A line describing the case.
    """
    made_at = (made_at or datetime.now(UTC)).astimezone(UTC)
    stamp = made_at.timetuple()[:6]
    files: list[tuple[str, str, bytes]] = []
    with tempfile.TemporaryDirectory(prefix="case-") as tmp:
        for fmt in export.FORMATS:
            name = "subgraph" + export.EXTENSIONS[fmt]
            export.write(sub, fmt, Path(tmp) / name)
            files.append((name, fmt, (Path(tmp) / name).read_bytes()))
    q = json.dumps({"queries": list(queries or [])}, ensure_ascii=False, indent=2,
                   default=str).encode("utf-8")
    files.append((QUERIES, "queries", q))
    manifest = {
        "format": PACKAGE_FORMAT,
        "version": PACKAGE_VERSION,
        "title": title,
        "created_at": made_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "generator": f"customs-graph {_version()}",
        "store": redact_url(store_url),
        "nodes": len(sub.nodes),
        "edges": len(sub.edges),
        "files": [{"name": n, "format": f, "bytes": len(b), "sha256": _sha256(b)}
                  for n, f, b in files],
    }
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, _, data in files:
            z.writestr(_info(name, stamp), data)
        z.writestr(_info(MANIFEST, stamp),
                   json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8"))
    return manifest


def _info(name: str, stamp) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=stamp)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def read_manifest(path) -> dict:
    with zipfile.ZipFile(path) as z:
        try:
            return json.loads(z.read(MANIFEST).decode("utf-8"))
        except KeyError:
            raise DataError(f"{MANIFEST} is missing", file=str(path)) from None


def verify(path) -> list[str]:
    """Problems with a case package, one sentence each; [] when it is intact:
    every file the manifest lists is present with its size and SHA-256, and
    nothing else is in the zip."""
    try:
        z = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as e:
        return [f"not a readable zip: {e}"]
    problems = []
    with z:
        names = z.namelist()
        for n in names:
            p = PurePosixPath(n)
            if p.is_absolute() or ".." in p.parts:
                problems.append(f"unsafe file name {n!r}")
        if names.count(MANIFEST) != 1:
            return problems + [f"{MANIFEST} is missing" if MANIFEST not in names
                               else f"{MANIFEST} appears more than once"]
        try:
            manifest = json.loads(z.read(MANIFEST).decode("utf-8"))
            listed = {f["name"]: f for f in manifest["files"]}
        except (ValueError, KeyError, TypeError) as e:
            return problems + [f"{MANIFEST} cannot be read: {e}"]
        if manifest.get("format") != PACKAGE_FORMAT:
            problems.append(f"{MANIFEST} is not a {PACKAGE_FORMAT} manifest")
        for name, entry in sorted(listed.items()):
            if name not in names:
                problems.append(f"{name} is listed in the manifest but missing")
                continue
            try:
                data = z.read(name)
            except (zipfile.BadZipFile, OSError) as e:  # a damaged member (CRC)
                problems.append(f"{name} cannot be read: {e}")
                continue
            if len(data) != entry.get("bytes"):
                problems.append(f"{name} has {len(data)} bytes, the manifest says "
                                f"{entry.get('bytes')}")
            if _sha256(data) != entry.get("sha256"):
                problems.append(f"{name} does not match its SHA-256 in the manifest")
        for name in names:
            if name != MANIFEST and name not in listed:
                problems.append(f"{name} is in the package but not in the manifest")
    return problems
