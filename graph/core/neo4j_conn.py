"""Connecting to Neo4j: the store URL, sessions, the driver's errors as the
project's, and the constraints and indexes made from the schema on connect."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

import neo4j
from neo4j import READ_ACCESS, WRITE_ACCESS
from neo4j import exceptions as nx

from graph.core import schema
from graph.core.errors import QueryError, ReadOnlyError, SchemaError, StoreUnavailable
from graph.core.schema import SEARCH

log = logging.getLogger("graph.core.neo4j_store")

SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
_CONNECT_S = 10


_NAME_PREFIX = "cg"  # schema objects this store creates: cg_<Label>_<purpose>
SEARCH_INDEX = f"{_NAME_PREFIX}_search"


# search_text is folded by graph/core/text.py into plain [a-z0-9] words, as the
# embedded index reads it; this analyzer splits it into exactly those words.
# ("standard-folding" would also drop English stop words: "An" in "Nguyễn Văn An".)
SEARCH_ANALYZER = "standard-no-stop-words"
ENV_USER, ENV_PASSWORD, ENV_DATABASE = "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE"
# How long managed transactions retry transient failures (leader switch, lost
# connection, deadlock) before the error surfaces: short for interactive reads.
_READ_RETRY_S, _WRITE_RETRY_S = 5, 30


def _fulltext_ddl() -> str:
    labels = "|".join(lb.name for lb in schema.LABELS)
    return (f"CREATE FULLTEXT INDEX {SEARCH_INDEX} IF NOT EXISTS FOR (n:{labels}) "
            f"ON EACH [n.{SEARCH}] OPTIONS {{indexConfig: {{`fulltext.analyzer`: "
            f"'{SEARCH_ANALYZER}', `fulltext.eventually_consistent`: false}}}}")


# SHOW CONSTRAINTS' type of a node key's uniqueness: Cypher 5 says UNIQUENESS,
# Cypher 25 (the default of new databases from Neo4j 2026.02) NODE_PROPERTY_UNIQUENESS.
_UNIQUE_TYPES = ("UNIQUENESS", "NODE_PROPERTY_UNIQUENESS", "NODE_KEY")


def parse_url(url: str) -> tuple[str, str | None, str | None, str | None, str]:
    """(driver URI, user, password, database, URL to show) from a store URL."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise SchemaError(f"bad Neo4j URL {url!r}: the scheme must be one of {', '.join(SCHEMES)}")
    host = parts.netloc.rsplit("@", 1)[-1]
    if not host:
        raise SchemaError(f"bad Neo4j URL {url!r}: no host, e.g. bolt://localhost:7687")
    if parts.path not in ("", "/"):
        raise SchemaError(f"bad Neo4j URL {url!r}: name the database as ?database=name")
    query = parse_qsl(parts.query, keep_blank_values=True)
    database = next((v for k, v in query if k == "database"), None)
    rest = [(k, v) for k, v in query if k != "database"]
    user = unquote(parts.username) if parts.username else os.environ.get(ENV_USER) or None
    password = (unquote(parts.password) if parts.password is not None
                else os.environ.get(ENV_PASSWORD))
    database = database or os.environ.get(ENV_DATABASE) or None
    uri = f"{scheme}://{host}" + (f"?{urlencode(rest)}" if rest else "")
    shown = f"{scheme}://" + (f"{user}@" if user else "") + host
    if database:
        shown += f"?database={database}"
    return uri, user, password, database, shown


def _one_line(e) -> str:
    text = " ".join(str(e).split())
    return text if len(text) <= 300 else text[:297] + "..."


class Connection:
    """Sessions and schema of a Neo4j store (a mixin of Neo4jStore, which sets
    `url`, `database` and `_driver`)."""

    @contextmanager
    def _session(self, mode: str, params: dict | None = None,
                 timeout_s: float | None = None) -> Iterator[neo4j.Session]:
        # A fresh session per call: the driver's pool reconnects after an outage.
        retry = _READ_RETRY_S if mode == READ_ACCESS else _WRITE_RETRY_S
        with self._errors(params, timeout_s), self._driver.session(
                database=self.database, default_access_mode=mode,
                max_transaction_retry_time=retry) as s:
            yield s

    @contextmanager
    def _errors(self, params: dict | None = None, timeout_s: float | None = None):
        """Driver and server errors as the project's errors, in one line."""
        try:
            yield
        except (nx.ServiceUnavailable, nx.SessionExpired) as e:
            raise StoreUnavailable(f"Neo4j at {self.url} is unreachable: {_one_line(e)}") from e
        except nx.AuthError as e:
            raise StoreUnavailable(
                f"Neo4j at {self.url} refused the credentials (set the user and password "
                f"in the URL or ${ENV_USER} / ${ENV_PASSWORD}): {_one_line(e)}",
                retryable=False) from e
        except nx.Neo4jError as e:
            code, msg = e.code or "", _one_line(e.message or e)
            if code.endswith(".AccessMode") or (isinstance(e, nx.Forbidden)
                                                and "write" in msg.lower()):
                raise ReadOnlyError(
                    f"refused: analysts' queries are read-only and this one writes ({msg})",
                    params=params) from e
            if "TransactionTimedOut" in code or code.endswith(".Terminated"):
                limit = f" after {timeout_s:g} s" if timeout_s else ""
                raise QueryError(f"the query was stopped{limit}: it took too long ({code})",
                                 params=params) from e
            if code.endswith("DatabaseNotFound") or isinstance(e, nx.TransientError):
                raise StoreUnavailable(f"Neo4j at {self.url}: {msg} ({code})",
                                       retryable=isinstance(e, nx.TransientError)) from e
            raise QueryError(f"{msg} ({code})", params=params) from e
        except (nx.ConnectionPoolError, nx.ConfigurationError) as e:
            raise StoreUnavailable(f"Neo4j at {self.url}: {_one_line(e)}",
                                   retryable=isinstance(e, nx.ConnectionPoolError)) from e
        except nx.DriverError as e:
            raise QueryError(_one_line(e), params=params) from e

    def close(self) -> None:
        self._driver.close()

    def _ensure_schema(self) -> None:
        """A uniqueness constraint per label key, a text index on search_text,
        a range index on dated properties and on the relationship properties
        the schema marks `indexed`; created only when missing (an
        equivalent object under another name counts)."""
        wanted = []
        for lb in schema.LABELS:
            base = f"{_NAME_PREFIX}_{lb.name}"
            wanted.append((("UNIQUENESS", lb.name, lb.key),
                           f"CREATE CONSTRAINT {base}_key IF NOT EXISTS FOR (n:{lb.name}) "
                           f"REQUIRE n.{lb.key} IS UNIQUE"))
            wanted.append((("TEXT", lb.name, SEARCH),
                           f"CREATE TEXT INDEX {base}_search IF NOT EXISTS FOR (n:{lb.name}) "
                           f"ON (n.{SEARCH})"))
            if lb.dated:
                wanted.append((("RANGE", lb.name, lb.dated),
                               f"CREATE INDEX {base}_{lb.dated} IF NOT EXISTS "
                               f"FOR (n:{lb.name}) ON (n.{lb.dated})"))
        for rt in schema.REL_TYPES:
            for prop in rt.indexed:
                wanted.append((("RANGE", rt.name, prop),
                               f"CREATE INDEX {_NAME_PREFIX}_{rt.name}_{prop} IF NOT EXISTS "
                               f"FOR ()-[r:{rt.name}]-() ON (r.{prop})"))
        with self._session(WRITE_ACCESS) as s:
            have = set()
            for rec in s.run("SHOW CONSTRAINTS YIELD type, labelsOrTypes, properties"):
                if rec["type"] in _UNIQUE_TYPES and len(rec["properties"]) == 1:
                    have.add(("UNIQUENESS", rec["labelsOrTypes"][0], rec["properties"][0]))
            for rec in s.run("SHOW INDEXES YIELD type, entityType, labelsOrTypes, properties"):
                if rec["properties"]:
                    have.add((rec["type"], rec["labelsOrTypes"][0], rec["properties"][0]))
            missing = [ddl for ident, ddl in wanted if ident not in have]
            names = {rec["name"] for rec in s.run("SHOW INDEXES YIELD name")}
            if SEARCH_INDEX not in names:
                missing.append(_fulltext_ddl())
            if not missing:
                return
            try:
                for ddl in missing:
                    s.run(ddl).consume()
                s.run("CALL db.awaitIndexes(300)").consume()
            except nx.Forbidden as e:
                log.warning("Neo4j at %s: cannot create constraints/indexes (%s); reads work, "
                            "loads will be slow or refused", self.url, _one_line(e))
            except nx.Neo4jError as e:
                raise StoreUnavailable(
                    f"Neo4j at {self.url}: cannot create the schema ({_one_line(e)})") from e

