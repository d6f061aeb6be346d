"""The one look-up by key: `UNWIND $keys AS k MATCH (n:Label {key: k}) ...`, chunked.

Both engines plan that MATCH as a look-up of each key in the label's key index.
LadybugDB 0.22 does so only while the MATCH holds that one node: `n.key IN
$keys`, or a relationship pattern in the same MATCH, scans. What follows
(`tail`: an OPTIONAL MATCH out of `n`, say) runs from the nodes found.
"""

from __future__ import annotations

from graph.core import schema

KEYS_PER_QUERY = 20000  # keys per statement: a bounded parameter list


def chunks(items, size: int = KEYS_PER_QUERY):
    """`items` as lists of at most `size`."""
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i:i + size]


def by_keys(run, lb: schema.Label, keys, returns: str, *, tail: str = "", var: str = "n",
            params: dict | None = None) -> list:
    """The rows of `RETURN returns` for each stored key (distinct keys, in chunks).
    `run(cypher, params)` gives rows: a store's read, a transaction's run.
    `lb` comes from the schema; `tail` and `returns` are schema-built Cypher."""
    lb = schema.label(lb.name)
    out = []
    for part in chunks(sorted(set(keys))):
        out += run(f"UNWIND $keys AS k MATCH ({var}:{lb.name} {{{lb.key}: k}}){tail} "
                   f"RETURN {returns}", {**(params or {}), "keys": part})
    return out
