"""Subgraph exports. Each format is one function from a Subgraph to a file."""

from __future__ import annotations

import json
from pathlib import Path

from graph.model import Subgraph


def write_json(sub: Subgraph, path: Path) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(sub.to_json(), f, ensure_ascii=False, indent=2)


FORMATS = {"json": write_json}


def write(sub: Subgraph, fmt: str, path) -> None:
    FORMATS[fmt](sub, Path(path))
