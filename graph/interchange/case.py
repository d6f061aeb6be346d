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
import os
import tempfile
import zipfile
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path, PurePosixPath

from graph.core.errors import DataError
from graph.core.model import Subgraph
from graph.interchange import export

MANIFEST = "manifest.json"
QUERIES = "queries.json"
PACKAGE_FORMAT = "customs-graph case package"
PACKAGE_VERSION = 1
# What verify reads at most: a package holds nine files, and a subgraph a person can
# read is far below these; deflate squeezes the exports 5-30 times (measured), a
# run of zeros over 1,000 times (a zip bomb).
MAX_MEMBERS = 64
MAX_MEMBER_BYTES = 1 << 30
MAX_TOTAL_BYTES = 4 << 30
MAX_MANIFEST_BYTES = 16 << 20
MAX_RATIO = 200
_CHUNK = 1 << 20


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
            name = "subgraph" + export.FORMATS[fmt].extension
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
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    try:  # all or nothing: never a partial package under the package's name
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as z:
            for name, _, data in files:
                z.writestr(_info(name, stamp), data)
            z.writestr(_info(MANIFEST, stamp),
                       json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8"))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return manifest


def _info(name: str, stamp) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=stamp)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


class _TooBig(Exception):
    pass


def _refusal(info: zipfile.ZipInfo, cap: int) -> str | None:
    """Why a member is not read at all, from what its header declares."""
    if info.file_size > cap:
        return f"{info.filename} declares {info.file_size:,} bytes, more than the {cap:,} allowed"
    if info.file_size > _CHUNK and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        return (f"{info.filename} would expand {info.file_size // max(info.compress_size, 1):,} "
                f"times (more than {MAX_RATIO}): a zip bomb?")
    return None


def _stream(z: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int):
    """The member's bytes in chunks, stopping past `cap` whatever its header says."""
    seen = 0
    with z.open(info) as f:
        while chunk := f.read(_CHUNK):
            seen += len(chunk)
            if seen > cap:
                raise _TooBig(f"{info.filename} holds more than the {cap:,} bytes allowed")
            yield chunk


def _read_small(z: zipfile.ZipFile, name: str, cap: int) -> bytes:
    info = z.getinfo(name)
    why = _refusal(info, cap)
    if why:
        raise _TooBig(why)
    return b"".join(_stream(z, info, cap))


def _open_checked(path) -> zipfile.ZipFile:
    """The zip, refused before any member is read if it is too big or holds too many."""
    if Path(path).stat().st_size > MAX_TOTAL_BYTES:
        raise _TooBig(f"the file is larger than {MAX_TOTAL_BYTES:,} bytes")
    z = zipfile.ZipFile(path)
    infos = z.infolist()
    if len(infos) > MAX_MEMBERS:
        z.close()
        raise _TooBig(f"it holds {len(infos):,} files, more than the {MAX_MEMBERS} allowed")
    if sum(i.file_size for i in infos) > MAX_TOTAL_BYTES:
        z.close()
        raise _TooBig(f"its files declare more than {MAX_TOTAL_BYTES:,} bytes in all")
    return z


def read_manifest(path) -> dict:
    try:
        with _open_checked(path) as z:
            return json.loads(_read_small(z, MANIFEST, MAX_MANIFEST_BYTES).decode("utf-8"))
    except KeyError:
        raise DataError(f"{MANIFEST} is missing", file=str(path)) from None
    except _TooBig as e:
        raise DataError(f"refused: {e}", file=str(path)) from None
    except (OSError, zipfile.BadZipFile, ValueError) as e:
        raise DataError(f"{MANIFEST} cannot be read: {e}", file=str(path)) from None


def verify(path) -> list[str]:
    """Problems with a case package, one sentence each; [] when it is intact:
    every file the manifest lists is present with its size and SHA-256, and
    nothing else is in the zip. What it reads is bounded (MAX_MEMBERS,
    MAX_MEMBER_BYTES, MAX_TOTAL_BYTES, MAX_RATIO) and read in chunks."""
    try:
        z = _open_checked(path)
    except _TooBig as e:
        return [f"refused: {e}"]
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
            manifest = json.loads(_read_small(z, MANIFEST, MAX_MANIFEST_BYTES).decode("utf-8"))
            listed = {f["name"]: f for f in manifest["files"]}
        except _TooBig as e:
            return problems + [f"refused: {e}"]
        except (ValueError, KeyError, TypeError, zipfile.BadZipFile, OSError) as e:
            return problems + [f"{MANIFEST} cannot be read: {e}"]
        if manifest.get("format") != PACKAGE_FORMAT:
            problems.append(f"{MANIFEST} is not a {PACKAGE_FORMAT} manifest")
        total = 0
        for name, entry in sorted(listed.items()):
            if name not in names:
                problems.append(f"{name} is listed in the manifest but missing")
                continue
            info = z.getinfo(name)
            cap = min(MAX_MEMBER_BYTES, MAX_TOTAL_BYTES - total)
            why = _refusal(info, cap)
            if why:
                problems.append(f"refused: {why}")
                continue
            digest, size = hashlib.sha256(), 0
            try:
                for chunk in _stream(z, info, cap):
                    digest.update(chunk)
                    size += len(chunk)
            except _TooBig as e:
                problems.append(f"refused: {e}")
                continue
            except (zipfile.BadZipFile, OSError, EOFError) as e:  # a damaged member (CRC)
                problems.append(f"{name} cannot be read: {e}")
                continue
            total += size
            if size != entry.get("bytes"):
                problems.append(f"{name} has {size} bytes, the manifest says "
                                f"{entry.get('bytes')}")
            if digest.hexdigest() != entry.get("sha256"):
                problems.append(f"{name} does not match its SHA-256 in the manifest")
        for name in names:
            if name != MANIFEST and name not in listed:
                problems.append(f"{name} is in the package but not in the manifest")
    return problems
