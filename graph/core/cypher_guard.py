"""Judging an analyst's Cypher before it runs: one statement that only reads the graph.

The engine itself decides what the text is: LadybugDB prepares it (and refuses
several statements) and prints the plan of EXPLAIN; Neo4j answers EXPLAIN with
the query type and the plan. The plan is then held against an allow-list of
read operators, so an operation nobody thought of is refused, not let through.
The allow-lists were taken from the plans of every saved query in queries/,
the explorer's reads in graph/core/store.py and the app's own queries on each
engine (tests/test_query_guard.py runs them all).
"""

from __future__ import annotations

import re

from graph.core.errors import ReadOnlyError

# --- LadybugDB --------------------------------------------------------------------
LADYBUG_OPERATORS = frozenset({
    "AGGREGATE", "AGGREGATE_FINALIZE", "AGGREGATE_SCAN", "COUNT_REL_TABLE", "CROSS_PRODUCT",
    "DUMMY_SINK", "EMPTY_RESULT", "FILTER", "FLATTEN", "HASH_JOIN_BUILD", "HASH_JOIN_PROBE",
    "LIMIT", "MULTIPLICITY_REDUCER", "ORDER_BY", "ORDER_BY_MERGE", "ORDER_BY_SCAN",
    "PATH_PROPERTY_PROBE", "PRIMARY_KEY_SCAN_NODE_TABLE", "PROJECTION",
    "QUERY_PRIMARY_KEY_LOOKUP", "RECURSIVE_EXTEND", "RESULT_COLLECTOR", "SCAN_NODE_TABLE",
    "SCAN_REL_TABLE", "SEMI_MASKER", "SKIP", "TABLE_FUNCTION_CALL", "TOP_K", "TOP_K_SCAN",
    "UNION_ALL_SCAN", "UNWIND",
})
# READ_FTABLE is the engine's in-memory row source (RETURN 1, UNWIND, OPTIONAL MATCH);
# the other three read the catalogue: table names, columns, a relationship's ends.
# Every other table function reads files, settings or engine state.
LADYBUG_TABLE_FUNCTIONS = frozenset({"READ_FTABLE", "SHOW_TABLES", "TABLE_INFO",
                                     "SHOW_CONNECTION"})

_BOX_CORNER = "┌"
_HEADER_BOXES = 2  # the "Physical Plan" title: a box in a box
_OPERATOR_CELL = re.compile(r"^([A-Za-z0-9_]+)\[(\d+)\]$")
_FUNCTION_CELL = re.compile(r"^Function:\s*(.*)$")


def ladybug_plan(plan: str) -> tuple[list[str], list[str]]:
    """The operators (in id order) and table functions of a LadybugDB EXPLAIN plan.

    The plan is a drawing of boxes, each headed by its operator as `NAME[id]`, side
    by side where a join has two inputs. Anything the drawing does not account for
    exactly (an id missing or seen twice, a table function without its name) raises
    ReadOnlyError: the plan must be understood whole before anything runs."""
    ids: dict[int, list[str]] = {}
    functions: list[str] = []
    for line in plan.splitlines():
        for cell in line.split("│"):
            cell = cell.strip()
            m = _OPERATOR_CELL.match(cell)
            if m:
                ids.setdefault(int(m.group(2)), []).append(m.group(1))
            f = _FUNCTION_CELL.match(cell)
            if f:
                functions.append(f.group(1).strip())
    # An operator may be named again inside another box (a semi-mask lists the scans
    # it feeds, by name and id): every mention of an id must give the same name, and
    # the ids must be exactly those of the boxes drawn.
    boxes = plan.count(_BOX_CORNER) - _HEADER_BOXES
    if (boxes < 1 or sorted(ids) != list(range(boxes))
            or any(len(set(v)) != 1 for v in ids.values())):
        raise ReadOnlyError("refused: the query's plan could not be read whole, so it is not run")
    ops = [ids[i][0] for i in range(boxes)]
    calls = sum(op in ("TABLE_FUNCTION_CALL", "STANDALONE_CALL") for op in ops)
    if len(functions) != calls:
        raise ReadOnlyError("refused: the query's plan could not be read whole, so it is not run")
    return ops, functions


def judge_ladybug_plan(plan: str) -> None:
    """Refuse (ReadOnlyError naming it) any operator or table function not on the lists."""
    ops, functions = ladybug_plan(plan)
    bad = sorted({op for op in ops if op not in LADYBUG_OPERATORS})
    bad += sorted({f for f in functions if f not in LADYBUG_TABLE_FUNCTIONS})
    if bad:
        raise ReadOnlyError("refused: analysts' queries are read-only; this one uses "
                            f"{', '.join(bad)} (files, extensions, settings, transactions, "
                            "other databases and writes are not allowed)")


# --- Neo4j --------------------------------------------------------------------------
NEO4J_OPERATORS = frozenset({
    # leaves
    "AllNodesScan", "Argument", "ArgumentTracker", "EmptyRow", "IntersectionNodeByLabelsScan",
    "MultiNodeIndexSeek", "NodeByElementIdSeek", "NodeByIdSeek", "NodeByLabelScan",
    "NodeCountFromCountStore", "NodeIndexContainsScan", "NodeIndexEndsWithScan", "NodeIndexScan",
    "NodeIndexSeek", "NodeIndexSeekByRange", "NodeUniqueIndexSeek",
    "NodeUniqueIndexSeekByRange", "RelationshipCountFromCountStore",
    "SubtractionNodeByLabelsScan", "UnionNodeByLabelsScan",
    *(f"{d}{leaf}" for d in ("Directed", "Undirected") for leaf in (
        "AllRelationshipsScan", "RelationshipByElementIdSeek", "RelationshipByIdSeek",
        "RelationshipIndexContainsScan", "RelationshipIndexEndsWithScan",
        "RelationshipIndexScan", "RelationshipIndexSeek", "RelationshipIndexSeekByRange",
        "RelationshipTypeScan", "UnionRelationshipTypesScan")),
    # traversal (and the READ_FAMILIES below, in every variant)
    "NullifyMetadata", "ProjectEndpoints", "TriadicBuild", "TriadicFilter", "TriadicSelection",
    # combining rows
    "Anti", "AntiSemiApply", "Apply", "CartesianProduct", "LetAntiSemiApply",
    "LetSelectOrAntiSemiApply", "LetSelectOrSemiApply", "LetSemiApply", "NodeHashJoin",
    "NodeLeftOuterHashJoin", "NodeRightOuterHashJoin", "Optional", "RollUpApply",
    "SelectOrAntiSemiApply", "SelectOrSemiApply", "SemiApply", "Union", "OrderedUnion",
    "ValueHashJoin",
    # row operations
    "CacheProperties", "Distinct", "EagerAggregation", "Filter", "Limit", "OrderedAggregation",
    "OrderedDistinct", "PartialSort", "PartialTop", "ProduceResults", "Projection", "Skip",
    "Sort", "Top", "Unwind",
})
# Labels and types of records kept in the database beside the graph (investigations,
# graph/records/investigations.py): never an analyst's to read.
RESERVED = ("_Investigation", "_VERSION")
# A scan that names no label or type reaches the investigations kept in the same
# database (Community edition cannot deny a label): analysts start from a label.
LABEL_LESS = re.compile(r"^(?:Partitioned)?(?:AllNodesScan|NodeBy(?:Element)?IdSeek|"
                        r"(?:Directed|Undirected)?(?:AllRelationshipsScan|"
                        r"RelationshipBy(?:Element)?IdSeek))$")
# Traversals the server names with their variant, e.g. `VarLengthExpand(Pruning,BFS,All)`:
# every variant of these only reads.
NEO4J_READ_FAMILIES = frozenset({"Expand", "OptionalExpand", "VarLengthExpand",
                                 "ShortestPath", "StatefulShortestPath", "Repeat"})
# Read-only procedures that describe the schema (the embedded store allows its
# catalogue functions likewise); any other procedure is refused.
NEO4J_PROCEDURES = frozenset({
    "db.labels", "db.relationshipTypes", "db.propertyKeys", "db.schema.visualization",
    "db.schema.nodeTypeProperties", "db.schema.relTypeProperties",
})
_PROCEDURE = re.compile(r"^\s*([A-Za-z_][\w.]*)\s*\(")
# Functions with a namespace are Cypher's own (point.distance, duration.between, …) or
# a plugin's; a plugin function can run Cypher of its own (apoc.cypher.runFirstColumn)
# that no plan shows, so only the built-in namespaces pass.
_NAMESPACED_CALL = re.compile(r"(?<![\w.$`])([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)\s*\(")
NEO4J_FUNCTION_NAMESPACES = frozenset({"point", "vector", "duration", "date", "datetime",
                                       "localdatetime", "localtime", "time"})


def neo4j_plan(plan: dict) -> list[tuple[str, str, str]]:
    """(operator, database, details) of every operator of a Neo4j plan: the server
    names each operator with the database it runs on (`Filter@neo4j`)."""
    out, todo = [], [plan]
    while todo:
        p = todo.pop()
        op, _, db = str(p.get("operatorType", "")).partition("@")
        out.append((op, db, str(p.get("args", {}).get("Details", ""))))
        todo.extend(p.get("children", []))
    return out


def judge_neo4j(summary, database: str) -> None:
    """Refuse unless EXPLAIN's summary says: a read query ('r') whose plan holds only
    allowed operators and procedures, every one of them on `database` (the summary
    names the session's database even under `USE other`; the operators do not)."""
    if summary.plan is None:
        raise ReadOnlyError("refused: the server gave no plan for the query, so it is not run")
    ops = neo4j_plan(summary.plan)
    elsewhere = sorted({db for _, db, _ in ops if db != database} | (
        {summary.database} if summary.database != database else set()))
    if elsewhere:
        raise ReadOnlyError(f"refused: analysts' queries run on database {database!r} only, "
                            f"not {', '.join(repr(d) for d in elsewhere)}")
    bad = []
    for op, _, details in ops:
        if any(name in details for name in RESERVED):
            bad.append(f"{op} on records outside the graph")  # investigations
        if LABEL_LESS.match(op):
            bad.append(f"{op} (start from a label or a relationship type, e.g. MATCH (n:Person))")
        if op == "ProcedureCall":
            m = _PROCEDURE.match(details)
            name = m.group(1) if m else details
            if name not in NEO4J_PROCEDURES:
                bad.append(f"CALL {name}")
            continue
        if op not in NEO4J_OPERATORS and op.split("(", 1)[0] not in NEO4J_READ_FAMILIES:
            bad.append(op)
        bad += [f"{f}()" for f in _NAMESPACED_CALL.findall(details)
                if f.split(".", 1)[0] not in NEO4J_FUNCTION_NAMESPACES]
    if summary.query_type != "r" or bad:
        what = ", ".join(sorted(set(bad))) or f"query type {summary.query_type!r}"
        raise ReadOnlyError("refused: analysts' queries are read-only; this one uses "
                            f"{what} (files, procedures, transactions, settings, users, "
                            "other databases and writes are not allowed)")


# --- engine messages ------------------------------------------------------------------
_QUOTED = re.compile(r"'([^']*)'|\"([^\"]*)\"|<([^<>]*)>|`([^`]*)`")
_ENGINE_WORDS = {"EOF", "<EOF>"}  # the parser's own tokens it may quote
_FILE_WORDS = re.compile(r"(?i)\bfiles?\b|\bpath\b|director|copy exception|line/record|"
                         r"magic bytes|extension|\bio exception")


def judged_message(msg: str, cypher: str, params: dict | None) -> tuple[bool, str]:
    """What may be shown of an engine's refusal to prepare or plan a query.

    Binding a LOAD FROM or IMPORT DATABASE reads the host's files before any plan
    exists, and the engine's error then quotes their lines. So a message about
    files says only that files are refused, and a message quoting anything the
    analyst did not write is withheld. Returns (about files, text to show)."""
    if _FILE_WORDS.search(msg):
        return True, ("refused: analysts' queries are read-only: they read the graph, not files or "
                      "extensions")
    said = [cypher] + [str(v) for v in (params or {}).values()]
    for m in _QUOTED.finditer(msg):
        frag = next(g for g in m.groups() if g is not None).removesuffix("...")
        if frag and frag not in _ENGINE_WORDS and not any(frag in s for s in said):
            return False, ("the query does not compile (the engine's message is withheld: it "
                           "quotes text that is not in the query)")
    return False, msg
