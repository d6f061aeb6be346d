"""Schema-as-data, kept: no Python outside graph/core/schema.py spells a label, a
relationship type or a key property, whether as a string of its own or inside
code-built Cypher (`(p:Person`, `[:TRAVELLED`). Code names them through the schema
(schema.L.Person.name, schema.L.Person.key, schema.R.TRAVELLED.name). Each exception
below says why it is there."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from graph.core import schema

ROOT = Path(__file__).resolve().parent.parent
SCANNED = ("graph", "loaders", "ui")
SOURCE = "graph/core/schema.py"
TYPES = set(schema.label_names()) | set(schema.rel_names())
NAMES = TYPES | {lb.key for lb in schema.LABELS}
CYPHER = re.compile(r"[(\[]\s*\w*\s*:\s*(" + "|".join(sorted(TYPES, key=len, reverse=True))
                    + r")\b")

_CONTRACT = ("the CSV contract: the file each label comes from and the CSV header text of "
             "its columns (the contract's words: the column person_id), not code-built "
             "Cypher; to become data with the contract's column mapping (issue 18, item 3)")
_CONSOLE = ("the console's example query, Cypher shown to analysts as they would type it, "
            "not code-built Cypher")
_I2 = "an i2 Analyst's Notebook icon name (i2's vocabulary), not a label"
_OIDC = "the OpenID Connect claim called email, not the Email label's key"
_WORDS = ("phrase keys: the word for an identifier kind inside a reason, looked up by label "
          "name, and the English word itself")
ALLOWED: dict[tuple[str, str], str] = {
    ("loaders/contract.py", "*"): _CONTRACT,
    ("loaders/columns.py", "*"): _CONTRACT,
    ("loaders/tables.py", "Seizure"): "seizure_links.csv names any label; Seizure is " + (
        "always needed, as the contract says"),
    ("loaders/fields.py", "hs_code"): "the HS nomenclature file's column of that name",
    ("graph/core/phrases.py", "Phone"): _WORDS,
    ("graph/core/phrases.py", "Email"): _WORDS,
    ("graph/core/phrases.py", "Address"): _WORDS,
    ("graph/core/phrases.py", "email"): _WORDS,
    ("graph/core/cypher_guard.py", "Person"): "an example in a refusal shown to analysts",
    ("graph/analysis/matching.py", "email"): "a blocking-key tag beside phone, not a key",
    ("graph/interchange/anx.py", "Person"): _I2,
    ("graph/interchange/anx.py", "Airport"): _I2,
    ("graph/interchange/anx.py", "Container"): _I2,
    ("graph/interchange/anx.py", "Phone"): _I2,
    ("graph/interchange/anx.py", "Email"): _I2,
    ("graph/records/signin.py", "email"): _OIDC,
    ("ui/auth.py", "email"): _OIDC,
    ("ui/routes.py", "pnr"): "the TRAVELLED relationship's own pnr property, not a key",
    ("ui/console.py", "Company"): _CONSOLE,
    ("ui/console.py", "Container"): _CONSOLE,
    ("ui/console.py", "Declaration"): _CONSOLE,
    ("ui/console.py", "COVERS"): _CONSOLE,
    ("ui/console.py", "DECLARED"): _CONSOLE,
}


def _docstrings(tree: ast.AST) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            out.add(id(node.value))
    return out


def literals(text: str) -> list[tuple[int, str]]:
    """(line, name) of every string constant equal to a schema name, and of every
    name inside Cypher-looking text (docstrings apart)."""
    tree = ast.parse(text)
    docs = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        if node.value in NAMES:
            found.append((node.lineno, node.value))
        elif id(node) not in docs:
            found += [(node.lineno, m.group(1)) for m in CYPHER.finditer(node.value)]
    return found


def scan() -> dict[tuple[str, str], list[int]]:
    out: dict[tuple[str, str], list[int]] = {}
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if rel == SOURCE:
                continue
            for line, name in literals(path.read_text("utf-8")):
                out.setdefault((rel, name), []).append(line)
    return out


def test_no_schema_name_is_spelt_outside_the_schema():
    found = scan()
    bad = {f"{f}:{lines[0]} {name!r}": len(lines) for (f, name), lines in found.items()
           if (f, name) not in ALLOWED and (f, "*") not in ALLOWED}
    assert not bad, ("labels, types or keys spelt outside graph/core/schema.py (use "
                     f"schema.L / schema.R, or allow one here with its reason): {bad}")


def test_the_allow_list_is_short_and_every_entry_is_used():
    found = scan()
    files = {f for f, _ in found}
    stale = [k for k in ALLOWED
             if (k[0] not in files if k[1] == "*" else k not in found)]
    assert not stale, f"allowed but no longer there: take them off ALLOWED: {stale}"
    assert len(ALLOWED) <= 30 and all(len(why) > 20 for why in ALLOWED.values())


def test_a_spelt_label_would_be_caught():
    code = '''
LABEL = "Person"
Q = f"MATCH (p:{x})-[:TRAVELLED]->(f:Flight) RETURN p.person_id"
def f():
    """A docstring may say (p:Person) in prose."""
    return store.read("MATCH (n) WHERE n.ref = $r", {"r": "Company:1"})
'''
    assert sorted(literals(code)) == [(2, "Person"), (3, "Flight"), (3, "TRAVELLED")]


def test_the_handles_are_the_schema():
    assert schema.L.Person is schema.label("Person") and schema.L.Person.key == "person_id"
    assert schema.R.TRAVELLED is schema.rel_type("TRAVELLED")
    assert {lb.name for lb in vars(schema.L).values()} == set(schema.label_names())
    assert {rt.name for rt in vars(schema.R).values()} == set(schema.rel_names())


def test_the_apps_messages_do_not_restate_the_schemas_names():
    """Label and relationship names in both languages are the schema's; the app's
    catalogue (ui/messages.toml) has no entry of its own for them."""
    import tomllib

    messages = tomllib.loads((ROOT / "ui" / "messages.toml").read_text("utf-8"))
    assert len(messages) > 200
    assert not [k for k in messages if k.split(".")[0] in ("label", "rel")
                or k.split(".")[-1] in TYPES]
