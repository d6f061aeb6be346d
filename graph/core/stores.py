"""The store a URL names. Apart from graph/core/store.py (the interface both stores
implement) so that neither store module and their base import each other."""

from __future__ import annotations

import os

from graph.core.errors import SchemaError
from graph.core.ladybug_store import LadybugStore
from graph.core.neo4j_store import Neo4jStore
from graph.core.store import Store

ENV_STORE = "CUSTOMS_GRAPH_STORE"


def default_store_url() -> str:
    url = os.environ.get(ENV_STORE)
    if url:
        return url
    from platformdirs import user_data_dir

    return "ladybug://" + os.path.join(user_data_dir("customs-graph", appauthor=False),
                                       "customs.lbug")


def open_store(url: str | None = None, **kw) -> Store:
    """The store a URL names: ladybug:///path, bolt://..., neo4j://... (+s/+ssc)."""
    url = url or default_store_url()
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if scheme == "ladybug":
        return LadybugStore(url, **kw)
    if scheme in ("bolt", "neo4j", "bolt+s", "bolt+ssc", "neo4j+s", "neo4j+ssc"):
        return Neo4jStore(url, **kw)
    raise SchemaError(
        f"unknown store URL {url!r}: use ladybug:///path/to/db, bolt://host:7687 or neo4j://host")
