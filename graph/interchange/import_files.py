"""The files of an offline Neo4j import (graph/interchange/neo4j_import.py runs it):
checked rows spooled to disk, merged the way the online loader merges repeated
entities, then written in the header format `neo4j-admin database import full`
reads, one node file per label and one relationship file per (type, from label,
to label)."""

from __future__ import annotations

import csv
import os
import pickle
from collections import defaultdict
from pathlib import Path

from graph.core import schema
from graph.core.schema import FLOAT, INT, SEARCH, SOURCE
from graph.core.store import node_row, search_text_for
from loaders.load import FileReport, Reject

_HEADER_TYPE = {INT: ":long", FLOAT: ":double"}  # strings are the import tool's default


_CAST = {INT: int, FLOAT: float}


def _scan(path: Path) -> tuple[int, bool]:
    """Lines after the header (for the progress bar), and whether a value may
    hold a line break. Only a quoted field can, and it then leaves a line with
    an odd number of quotes ("" inside a field counts twice); a carriage return
    anywhere means the values themselves are checked."""
    lines, breaks = 0, False
    with open(path, "rb") as f:
        for line in f:
            lines += 1
            if not breaks and (b"\r" in line or line.count(b'"') % 2):
                breaks = True
    return max(lines - 1, 0), breaks


def _has_break(values) -> bool:
    return any(type(v) is str and ("\n" in v or "\r" in v) for v in values)


class _Spool:
    """Pass 1 keeps what the checks need; pass 2 (`finish`) writes merged files."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.keys: dict[str, set] = defaultdict(set)  # label -> keys made so far
        self.node_dups: dict[str, set] = defaultdict(set)  # keys made more than once
        # Relationships are told apart by hash: a collision only sends a row
        # through the exact merge below, it never merges two different ones.
        self.rel_seen: dict[tuple, set] = defaultdict(set)
        self.rel_dups: dict[tuple, set] = defaultdict(set)
        self.files: dict[tuple, object] = {}  # ("node", label) / ("rel", type, a, b) -> file
        self.batch_no = 0
        self.multiline = False

    def _dump(self, what: tuple, rows: list) -> None:
        f = self.files.get(what)
        if f is None:
            f = self.files[what] = open(self.folder / f"{len(self.files)}.pickle", "wb")
        pickle.dump((self.batch_no, rows), f, protocol=pickle.HIGHEST_PROTOCOL)

    def batch(self, spec, batch, fr: FileReport, rejects: list, check_text: bool) -> None:
        """One batch of checked rows, as loaders.load._write_batch treats it."""
        self.batch_no += 1
        # Foreign keys: made before this batch, or by any row of this batch.
        made: dict[str, set] = defaultdict(set)
        for _, g in batch:
            for label, key, _props in g.nodes:
                made[label].add(key)
        good = []
        for line, g in batch:
            miss = next(((lb, k, f) for lb, k, f in g.needs
                         if k not in self.keys[lb] and k not in made[lb]), None)
            if miss:
                lb, k, f = miss
                rejects.append(Reject(spec.name, line, f, k, f"unknown {lb} {k!r}: not in the "
                                      "store nor loaded before this row"))
            else:
                good.append((line, g))
        nodes: dict[str, list] = defaultdict(list)
        rels: dict[tuple, list] = defaultdict(list)
        # A row naming an entity exactly as the previous row of this batch that
        # named it (the country of every person) changes nothing in the merge:
        # it is skipped before node_row, which costs more than the check.
        last: dict[tuple, tuple] = {}
        for line, g in good:
            src = f"{spec.name}:{line}"
            for label, key, props in g.nodes:
                same = tuple(props.items())
                if last.get((label, key)) == same:
                    continue
                last[(label, key)] = same
                nodes[label].append(node_row(label, key, props, src))
            for rtype, la, ka, lb, kb, props in g.rels:
                rels[(rtype, la, lb)].append((line, ka, kb, props, src))
        for label, rows in nodes.items():
            self._nodes(label, rows, check_text)
        for (rtype, la, lb), rows in rels.items():
            self._rels(spec, rtype, la, lb, rows, rejects, check_text)
        fr.loaded += len(good)

    def _nodes(self, label: str, rows: list[dict], check_text: bool) -> None:
        lb = schema.label(label)
        cols = _node_cols(lb)
        casts = [(i, _CAST[lb.props[c]]) for i, c in enumerate(cols) if lb.props.get(c) in _CAST]
        keys, dups = self.keys[label], self.node_dups[label]
        out = []
        for r in rows:
            t = [r.get(c) for c in cols]
            for i, cast in casts:
                if t[i] is not None:
                    t[i] = cast(t[i])
            key = t[0]
            if key in keys:
                dups.add(key)
            else:
                keys.add(key)
            if check_text and not self.multiline:
                self.multiline = _has_break(t)
            out.append(t)
        self._dump(("node", label), out)

    def _rels(self, spec, rtype, la, lb, rows, rejects, check_text) -> None:
        rt = schema.rel_type(rtype)
        cols = _rel_cols(rt)
        casts = [(i, _CAST[rt.props[c]]) for i, c in enumerate(cols) if rt.props.get(c) in _CAST]
        key_at = [cols.index(k) for k in rt.key]
        have_a, have_b = self.keys[la], self.keys[lb]
        group = (rtype, la, lb)
        seen, dups = self.rel_seen[group], self.rel_dups[group]
        out = []
        for line, ka, kb, props, src in rows:
            # The online store's safety net: both ends must exist once the
            # batch's nodes are written (the checks above make this rare).
            if ka not in have_a or kb not in have_b:
                end = la if ka not in have_a else lb
                rejects.append(Reject(spec.name, line, "", f"{ka}->{kb}",
                                      f"{rtype}: the {end} end is not in the store"))
                continue
            t = [ka, kb, *(props.get(c) for c in cols[2:-1]), src]
            for i, cast in casts:
                if t[i] is not None:
                    t[i] = cast(t[i])
            h = hash((ka, kb, *(t[i] for i in key_at)))
            if h in seen:
                dups.add(h)
            else:
                seen.add(h)
            if check_text and not self.multiline:
                self.multiline = _has_break(t)
            out.append(t)
        if out:
            self._dump(("rel", *group), out)

    def finish(self, plan, advance) -> None:
        """Write the import files; `plan` (an ImportPlan) gets their names and counts."""
        for f in self.files.values():
            f.close()
        plan.multiline = self.multiline
        for i, what in enumerate(self.files):
            path = self.folder / f"{i}.pickle"
            if what[0] == "node":
                lb = schema.label(what[1])
                target = plan.out_dir / f"nodes-{lb.name}.csv"
                plan.nodes[lb.name] = _write_nodes(lb, path, target, self.node_dups[lb.name])
                plan.node_files.append(target)
            else:
                _, rtype, la, lb = what
                rt = schema.rel_type(rtype)
                target = plan.out_dir / f"relationships-{rtype}-{la}-{lb}.csv"
                n = _write_rels(rt, la, lb, path, target, self.rel_dups[(rtype, la, lb)])
                plan.relationships[rtype] = plan.relationships.get(rtype, 0) + n
                plan.relationship_files.append(target)
            os.unlink(path)
            advance()


def _node_cols(lb: schema.Label) -> list[str]:
    return [lb.key, *(p for p in lb.all_props() if p != lb.key)]


def _rel_cols(rt: schema.RelType) -> list[str]:
    return ["from", "to", *rt.props, SOURCE]


def _spooled(path: Path):
    with open(path, "rb") as f:
        while True:
            try:
                yield pickle.load(f)
            except EOFError:
                return


def _line(values) -> str:
    """A CSV line where an empty string stays "" (a value) and None stays empty
    (no property): csv.writer writes both as nothing."""
    out = []
    for v in values:
        if v is None:
            out.append("")
        elif type(v) is str:
            out.append('"' + v.replace('"', '""') + '"')
        else:
            out.append(repr(v))
    return ",".join(out) + "\n"


class _Csv:
    def __init__(self, path: Path, header: list[str], tail: str):
        self.f = open(path, "w", encoding="utf-8", newline="")
        self.w = csv.writer(self.f, lineterminator="\n")
        self.w.writerow(header)
        self.tail = (tail,)  # the :LABEL / :TYPE column, the same on every line
        self.count = 0

    def row(self, values: list) -> None:
        values = (*values, *self.tail)
        if "" in values:
            self.f.write(_line(values))
        else:
            self.w.writerow(values)
        self.count += 1

    def close(self) -> int:
        self.f.close()
        return self.count


def _write_nodes(lb: schema.Label, spooled: Path, target: Path, dups: set) -> int:
    """Every node once. A key made more than once is merged as the online store
    merges it: later non-empty values win, `source` stays from the first row,
    and `search_text` is the last full one, else computed when created."""
    cols = _node_cols(lb)
    header = [f"{lb.key}:ID({lb.name})"] + [
        p + _HEADER_TYPE.get(kind, "") for p, kind in lb.all_props().items() if p != lb.key]
    out = _Csv(target, header + [":LABEL"], lb.name)
    at_src, at_search = cols.index(SOURCE), cols.index(SEARCH)
    merged: dict[str, list] = {}  # key -> [row, first batch, row after that batch, search]
    for batch_no, rows in _spooled(spooled):
        for t in rows:
            key = t[0]
            if key not in dups:
                out.row(_with_search(lb, cols, t, at_search))
                continue
            m = merged.get(key)
            if m is None:
                merged[key] = [list(t), batch_no, None, None]
                continue
            row, first = m[0], m[1]
            if batch_no != first:
                if m[2] is None:
                    m[2] = list(row)  # what the store created the node from
                if t[at_search] is not None:
                    m[3] = t[at_search]
            for i, v in enumerate(t):
                if v is not None and i != at_src:
                    row[i] = v
    for row, _first, created, later_search in merged.values():
        created = created or row
        row = list(row)
        row[at_search] = (later_search if later_search is not None
                          else _with_search(lb, cols, created, at_search)[at_search])
        out.row(row)
    return out.close()


def _with_search(lb: schema.Label, cols: list[str], t: list, at: int) -> list:
    # As the store does on creation: a row lacking searchable values gets the
    # text of what it has.
    if not t[at]:
        t = list(t)
        t[at] = search_text_for(lb.name, dict(zip(cols, t, strict=True)))
    return t


def _write_rels(rt: schema.RelType, la: str, lb: str, spooled: Path, target: Path,
                dups: set) -> int:
    """Every relationship once per (from, to, key properties): later non-empty
    values win and `source` stays from the first row, as online."""
    fa, fb = schema.label(la), schema.label(lb)
    cols = _rel_cols(rt)
    header = [f":START_ID({fa.name})", f":END_ID({fb.name})"] + [
        p + _HEADER_TYPE.get(kind, "") for p, kind in rt.all_props().items()]
    out = _Csv(target, header + [":TYPE"], rt.name)
    key_at = [cols.index(k) for k in rt.key]
    at_src = cols.index(SOURCE)
    merged: dict[tuple, list] = {}
    for _batch_no, rows in _spooled(spooled):
        for t in rows:
            ident = (t[0], t[1], *(t[i] for i in key_at))
            if hash(ident) not in dups:
                out.row(t)
                continue
            row = merged.get(ident)
            if row is None:
                merged[ident] = list(t)
                continue
            for i, v in enumerate(t):
                if v is not None and i != at_src:
                    row[i] = v
    for row in merged.values():
        out.row(row)
    return out.close()
