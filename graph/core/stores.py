"""The store a URL names. Apart from graph/core/store.py (the interface both stores
implement) so that neither store module and their base import each other."""

from __future__ import annotations

import os

from graph.core.errors import UsageError
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


NEO4J_SCHEMES = ("bolt", "neo4j", "bolt+s", "bolt+ssc", "neo4j+s", "neo4j+ssc")


def store_kind(url: str) -> str:
    """"ladybug" or "neo4j" for a store URL, without opening it; UsageError else.

    >>> store_kind("ladybug:///tmp/x.lbug"), store_kind("bolt+s://db.example:7687")
    ('ladybug', 'neo4j')
    """
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if scheme == "ladybug":
        return "ladybug"
    if scheme in NEO4J_SCHEMES:
        return "neo4j"
    raise UsageError(
        f"unknown store URL {url!r}: use ladybug:///path/to/db, bolt://host:7687 or neo4j://host")


def open_store(url: str | None = None, **kw) -> Store:
    """The store a URL names: ladybug:///path, bolt://..., neo4j://... (+s/+ssc)."""
    url = url or default_store_url()
    if store_kind(url) == "ladybug":
        return LadybugStore(url, **kw)
    return Neo4jStore(url, **kw)
