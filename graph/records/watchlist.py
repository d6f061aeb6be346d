"""The stored watchlist: one watchlist kept beside the graph, which the Overview
page screens the store against and shows as alerts, and which
`customs-graph screen --json` (no file) screens with.

It lives in one JSON file, `watchlist.json` in the installation's state folder
(graph.records.paths: beside the duty log and the users file).
The file holds the validated entries of the CSV it was saved from (read and
checked by graph.analysis.screen, so a stored entry is exactly what screening that CSV
uses), the lines that could not be read, when and by whom it was saved, and the
CSV's file name and SHA-256, so an alert can be traced to the exact file.

Saving replaces the stored watchlist. Callers do it only on an explicit request
(`customs-graph screen FILE --save`, the Resolve page's button), check the role
(`PERMISSION`) and record it in the audit trail (action `AUDIT_ACTION`, details
from `audit_details`). The file is replaced atomically and is readable by its
owner only: it holds names, birth dates and document numbers.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from graph.analysis.screen import Entry, make_entry, read_watchlist_bytes
from graph.core.errors import DataError
from graph.records.clock import now_utc
from graph.records.paths import data_dir

FILE_NAME = "watchlist.json"
FORMAT = 1
# The watchlist is personal data (names, birth dates, documents): whoever may see
# personal data may keep it, i.e. analysts and admins (graph.records.users.PERMISSIONS).
PERMISSION = "see_personal"
AUDIT_ACTION = "watchlist"


@dataclass(frozen=True)
class StoredWatchlist:
    source: str  # the CSV's file name (no folder)
    sha256: str  # of the CSV's bytes
    saved_at: str  # UTC, ISO 8601
    saved_by: str
    entries: tuple[Entry, ...]
    problems: tuple[dict, ...] = ()  # {"line", "field", "reason"} of unreadable lines

    @property
    def lines(self) -> int:
        """Watchlist lines kept (a line naming a person and a company is two entries)."""
        return len({e.line for e in self.entries})

    def info(self) -> dict:
        """What the watchlist is, without its entries."""
        return {"source": self.source, "sha256": self.sha256, "saved_at": self.saved_at,
                "saved_by": self.saved_by, "entries": len(self.entries),
                "lines": self.lines, "problems": len(self.problems)}


def default_path() -> Path:
    """watchlist.json in the installation's state folder (graph.records.paths)."""
    return data_dir() / FILE_NAME


def _path(path) -> Path:
    return Path(path).expanduser() if path else default_path()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load(path: str | Path | None = None) -> StoredWatchlist | None:
    """The stored watchlist, or None when none is stored. DataError when the file
    is there but unreadable or not a watchlist (never a silent empty list)."""
    p = _path(path)
    try:
        raw = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as e:
        raise DataError(f"cannot read the stored watchlist {p.name}: "
                        f"{getattr(e, 'strerror', None) or e}") from None
    try:
        data = json.loads(raw)
        if data.get("format") != FORMAT:
            raise ValueError(f"format {data.get('format')!r}")
        entries = tuple(make_entry(int(e["line"]), str(e["kind"]), dict(e["row"]))
                        for e in data["entries"])
        problems = tuple({"line": int(x["line"]), "field": str(x.get("field", "")),
                          "reason": str(x["reason"])} for x in data.get("problems", ()))
        return StoredWatchlist(str(data["source"]), str(data["sha256"]), str(data["saved_at"]),
                               str(data["saved_by"]), entries, problems)
    except (ValueError, KeyError, TypeError, AttributeError, DataError) as e:
        raise DataError(f"{p.name} is not a stored watchlist ({e})") from None


def save(data: bytes, name: str, by: str, *, path: str | Path | None = None
         ) -> StoredWatchlist:
    """Check a watchlist CSV (its bytes, its file name) and store it in place of the
    one stored, if any. DataError, and nothing stored, when the file cannot be read
    or has no entry."""
    by = str(by or "").strip()
    if not by:
        raise DataError("say who saves the watchlist")
    name = Path(str(name or "watchlist.csv")).name  # never a folder of the saver's machine
    entries, problems = read_watchlist_bytes(data, name)
    if not entries:
        raise DataError(f"the watchlist {name} has no entry to keep (each line needs a name "
                        f"or a company)", file=name)
    wl = StoredWatchlist(name, sha256(data), now_utc(), by, tuple(entries),
                         tuple({"line": p.line, "field": p.field, "reason": p.reason}
                               for p in problems))
    _write(_path(path), wl)
    return wl


def save_file(csv_path: str | Path, by: str, *, path: str | Path | None = None
              ) -> StoredWatchlist:
    """`save` for a CSV file on disk."""
    p = Path(csv_path)
    try:
        data = p.read_bytes()
    except OSError as e:
        raise DataError(f"cannot read the watchlist {p.name}: {e.strerror or e}") from None
    return save(data, p.name, by, path=path)


def _write(p: Path, wl: StoredWatchlist) -> None:
    doc = {"format": FORMAT, **{k: v for k, v in wl.info().items()
                                if k in ("source", "sha256", "saved_at", "saved_by")},
           "entries": [{"line": e.line, "kind": e.kind, "row": e.row} for e in wl.entries],
           "problems": list(wl.problems)}
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".watchlist-", suffix=".json", dir=p.parent)
    except OSError as e:
        raise DataError(f"cannot store the watchlist in {p.parent}: {e.strerror or e}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(doc, f, ensure_ascii=False, indent=1)
            f.write("\n")
        os.chmod(tmp, 0o600)
        os.replace(tmp, p)  # readers see the old file or the new one, never half of one
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise DataError(f"cannot store the watchlist in {p}: {e.strerror or e}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def audit_details(new: StoredWatchlist, old: StoredWatchlist | None) -> dict:
    """The audit record of a save: what is stored now and what it replaced."""
    return {"change": "replaced" if old else "saved", "file": new.source,
            "sha256": new.sha256, "entries": len(new.entries), "problems": len(new.problems),
            "replaced": ({"file": old.source, "sha256": old.sha256, "saved_by": old.saved_by,
                          "saved_at": old.saved_at} if old else None)}
