"""Saved queries: one .cypher file each, a comment header, then the Cypher.

    // name: co_travellers
    // title: Co-travellers
    // description: Persons sharing a booking or flights with a given person.
    // param: person_id str = "P000901" -- the person to start from
    // param: min_shared int = 2 -- flights in common
    // view: graph            (table | graph | paths | map | timeline)
    // alert: false
    // tags: travel, people
    MATCH ...

Where the two engines' dialects differ, `// --- ladybug` and `// --- neo4j`
lines open a body per store; text before the first marker is shared.

The header lines above are English. The title, the description and each
parameter's help may also be given in another language of the app (only
Vietnamese, `vi`, so far), by a language suffix on the key:

    // title.vi: Những người đi cùng một hành khách
    // description.vi: Những người chung mã đặt chỗ hoặc chung chuyến bay với một người.
    // param.vi: person_id -- người làm điểm xuất phát
    // param.vi: min_shared -- số chuyến bay chung

A `param.vi` line names a parameter declared by a `param` line (above or
below it) and gives only its help. `title_in(lang)`, `description_in(lang)`
and `help_in(name, lang)` return the text in a language, or the English one
where no translation is given; `to_json()` carries them as
`"i18n": {"vi": {"title": …, "description": …, "help": {name: …}}}`. A
language the app does not have, or a `param.vi` naming an undeclared
parameter, is refused with the file and line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from graph.core import schema
from graph.core.errors import QueryError, SchemaError

QUERIES_DIR = Path(__file__).resolve().parents[2] / "queries"
TYPES = {"str": str, "int": int, "float": float, "bool": bool, "date": str, "list": list,
         "ref": str}
VIEWS = ("table", "graph", "paths", "map", "timeline")
# Languages a header may translate into; the plain keys are English.
LANGUAGES = ("vi",)
TRANSLATABLE = ("title", "description", "param")
_HEADER = re.compile(r"^//\s*([a-z_]+)(?:\.(\w+))?\s*:\s*(.*)$")
_PARAM_HELP = re.compile(r"^(?P<name>[A-Za-z_]\w*)\s*--\s*(?P<help>.*\S)\s*$")
_PARAM = re.compile(
    r"^(?P<name>[A-Za-z_]\w*)\s+(?P<type>\w+)(?:\s*=\s*(?P<default>.*?))?\s*(?:--\s*(?P<help>.*))?$")
_MARKER = re.compile(r"^//\s*---\s*(\w+)\s*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# `(n:{{entity}})` in a body: the node a `ref` parameter names, found through its
# label's key (a property match on `ref` over every label is a scan of them all).
_SLOT = re.compile(r"\{\{\s*([A-Za-z_]\w*)\s*\}\}")


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: object = None
    help: str = ""

    def coerce(self, value):
        """A value from a form or the command line, as the declared type."""
        # Not given: the default. A text parameter given as "" stays "" (queries
        # read it as "any"); for other types an empty field means not given.
        if value is None or (value == "" and (self.type != "str" or self.default is None)):
            if self.default is None:
                raise ValueError(f"parameter {self.name} is required")
            return self.default
        try:
            if self.type == "bool":
                if isinstance(value, bool):
                    return value
                v = str(value).strip().lower()
                if v not in ("true", "false", "1", "0", "yes", "no"):
                    raise ValueError
                return v in ("true", "1", "yes")
            if self.type == "list":
                if isinstance(value, list):
                    return [str(x) for x in value]
                return [x.strip() for x in str(value).split(",") if x.strip()]
            if self.type == "ref":
                lb, key = schema.parse_ref(str(value).strip())
                return schema.make_ref(lb.name, key)
            if self.type == "date":
                v = str(value).strip()
                if not _DATE.match(v):
                    raise ValueError
                return v
            if self.type == "int" and isinstance(value, float) and not value.is_integer():
                raise ValueError
            return TYPES[self.type](value)
        except (TypeError, ValueError, SchemaError):
            raise ValueError(
                f"parameter {self.name} must be {self.type}, got {value!r}") from None

    def to_json(self) -> dict:
        return {"name": self.name, "type": self.type, "default": self.default, "help": self.help}


def _frozen(d: dict | None = None) -> Mapping:
    return MappingProxyType(dict(d or {}))


@dataclass(frozen=True)
class Translation:
    """A query's header in one other language; "" (or a missing help) means
    "not translated", and the English text is used."""

    title: str = ""
    description: str = ""
    help: Mapping[str, str] = field(default_factory=_frozen)  # parameter name -> help

    def to_json(self) -> dict:
        out: dict = {}
        if self.title:
            out["title"] = self.title
        if self.description:
            out["description"] = self.description
        if self.help:
            out["help"] = dict(self.help)
        return out


@dataclass(frozen=True)
class SavedQuery:
    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    bodies: dict[str, str]  # store kind ("ladybug", "neo4j") or "*" -> Cypher
    view: str = "table"
    alert: bool = False
    tags: tuple[str, ...] = ()
    path: str = ""
    extra: dict = field(default_factory=dict)
    i18n: Mapping[str, Translation] = field(default_factory=_frozen)  # language -> header

    def body(self, store_kind: str) -> str:
        return self.bodies.get(store_kind) or self.bodies["*"]

    def statement(self, store_kind: str, params: dict) -> tuple[str, dict]:
        """The Cypher to run and its parameters: each `{{name}}` slot becomes the
        label and key match of the entity the bound `ref` parameter names (label
        and key property from the schema; the key travels as a parameter)."""
        params = dict(params)

        def slot(m):
            name = m.group(1)
            lb, key = schema.parse_ref(params[name])
            params[f"{name}__key"] = key
            return f"{lb.name} {{{lb.key}: ${name}__key}}"
        return _SLOT.sub(slot, self.body(store_kind)), params

    def bind(self, values: dict) -> dict:
        known = {p.name for p in self.params}
        unknown = sorted(set(values) - known)
        if unknown:
            raise QueryError(f"{self.name}: unknown parameter(s) {', '.join(unknown)}; "
                             f"declared: {', '.join(sorted(known)) or 'none'}",
                             name=self.name, params=values)
        try:
            return {p.name: p.coerce(values.get(p.name)) for p in self.params}
        except ValueError as e:
            raise QueryError(f"{self.name}: {e}", name=self.name, params=values) from None

    def title_in(self, lang: str) -> str:
        tr = self.i18n.get(lang)
        return tr.title if tr and tr.title else self.title

    def description_in(self, lang: str) -> str:
        tr = self.i18n.get(lang)
        return tr.description if tr and tr.description else self.description

    def help_in(self, param_name: str, lang: str) -> str:
        """The help of a declared parameter; KeyError for a name the query lacks."""
        for p in self.params:
            if p.name == param_name:
                tr = self.i18n.get(lang)
                return (tr.help.get(param_name) if tr else None) or p.help
        raise KeyError(f"{self.name} has no parameter {param_name!r}")

    def to_json(self) -> dict:
        out = {"name": self.name, "title": self.title, "description": self.description,
               "parameters": [p.to_json() for p in self.params], "view": self.view,
               "alert": self.alert, "tags": list(self.tags)}
        i18n = {lang: j for lang, tr in self.i18n.items() if (j := tr.to_json())}
        if i18n:
            out["i18n"] = i18n
        return out


def _default(text: str | None, type_: str):
    """None when no default is given (the parameter is required); `""` is an
    explicit empty default, which queries read as "any"."""
    if text is None or not text.strip():
        return None
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        text = text[1:-1]
        if text == "":
            return ""
    return Param("default", type_).coerce(text)


def parse(text: str, path: str = "<text>") -> SavedQuery:
    """Parse one query file; QueryError names the file and the problem."""
    head: dict[str, str] = {}
    params: list[Param] = []
    # language -> {"title"/"description": text, "help": {param: (text, line)}}
    tr: dict[str, dict] = {}
    bodies: dict[str, list[str]] = {"*": []}
    current = "*"
    in_header = True
    for n, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        marker = _MARKER.match(stripped)
        if marker:
            current, in_header = marker.group(1).lower(), False
            if current not in ("ladybug", "neo4j"):
                raise QueryError(f"{path}:{n}: unknown store {current!r} (ladybug or neo4j)",
                                 name=path)
            bodies[current] = []
            continue
        m = _HEADER.match(stripped) if in_header else None
        if m:
            key, lang, value = m.group(1), m.group(2), m.group(3).strip()
            if lang is not None:
                _translation(tr, key, lang, value, path, n)
            elif key == "param":
                pm = _PARAM.match(value)
                if not pm or pm.group("type") not in TYPES:
                    raise QueryError(f"{path}:{n}: bad param line {value!r}; expected "
                                     "'name type = default -- help' with type one of "
                                     f"{', '.join(TYPES)}", name=path)
                try:
                    default = _default(pm.group("default"), pm.group("type"))
                except ValueError as e:
                    raise QueryError(f"{path}:{n}: {e}", name=path) from None
                params.append(Param(pm.group("name"), pm.group("type"), default,
                                    (pm.group("help") or "").strip()))
            else:
                head[key] = value
            continue
        if stripped and not stripped.startswith("//"):
            in_header = False
        bodies[current].append(line)
    name = head.get("name") or ""
    stem = Path(path).stem
    if not name:
        raise QueryError(f"{path}: the header has no '// name:' line", name=path)
    if path != "<text>" and name != stem:
        raise QueryError(f"{path}: name {name!r} differs from the file name {stem!r}", name=path)
    view = head.get("view", "table")
    if view not in VIEWS:
        raise QueryError(f"{path}: view {view!r} is not one of {', '.join(VIEWS)}", name=path)
    texts = {k: "\n".join(v).strip() for k, v in bodies.items()}
    shared = texts.pop("*")
    if not shared and not texts:
        raise QueryError(f"{path}: no Cypher after the header", name=path)
    out = {k: (shared + "\n" + v).strip() for k, v in texts.items()}
    out["*"] = shared
    if not shared and set(out) - {"*"} != {"ladybug", "neo4j"}:
        raise QueryError(f"{path}: a body per store needs both ladybug and neo4j", name=path)
    code = _strip_strings(" ".join(out.values()))
    used = set(re.findall(r"\$([A-Za-z_]\w*)", code))
    slots = set(_SLOT.findall(code))
    refs = {p.name for p in params if p.type == "ref"}
    if slots - refs:
        raise QueryError(f"{path}: {{{{...}}}} names what is not a ref parameter: "
                         f"{', '.join(sorted(slots - refs))}", name=path)
    used |= slots
    declared = {p.name for p in params}
    if used - declared:
        raise QueryError(f"{path}: uses undeclared parameter(s) "
                         f"{', '.join(sorted(used - declared))}", name=path)
    if declared - used:
        raise QueryError(f"{path}: declares unused parameter(s) "
                         f"{', '.join(sorted(declared - used))}", name=path)
    for lang, parts in tr.items():
        for pname, (_, line) in parts["help"].items():
            if pname not in declared:
                raise QueryError(f"{path}:{line}: param.{lang} names undeclared parameter "
                                 f"{pname!r}; declared: {', '.join(sorted(declared)) or 'none'}",
                                 name=path)
    i18n = {lang: Translation(title=parts.get("title", ""),
                              description=parts.get("description", ""),
                              help=_frozen({k: v for k, (v, _) in parts["help"].items()}))
            for lang, parts in tr.items()}
    return SavedQuery(name=name, title=head.get("title", name),
                      description=head.get("description", ""),
                      params=tuple(params), bodies=out, view=view,
                      alert=head.get("alert", "false").lower() == "true",
                      tags=tuple(t.strip() for t in head.get("tags", "").split(",") if t.strip()),
                      path=path, i18n=_frozen(i18n))


def _translation(tr: dict, key: str, lang: str, value: str, path: str, n: int) -> None:
    """One `key.lang:` header line into tr; QueryError names the file and line."""
    where = f"{path}:{n}: {key}.{lang}"
    if lang not in LANGUAGES:
        raise QueryError(f"{where}: unknown language {lang!r} (known: {', '.join(LANGUAGES)}; "
                         "the plain keys are English)", name=path)
    if key not in TRANSLATABLE:
        raise QueryError(f"{where}: only {', '.join(TRANSLATABLE)} take a language", name=path)
    if not value:
        raise QueryError(f"{where}: empty translation", name=path)
    parts = tr.setdefault(lang, {"help": {}})
    if key != "param":
        if key in parts:
            raise QueryError(f"{where}: given twice", name=path)
        parts[key] = value
        return
    pm = _PARAM_HELP.match(value)
    if not pm:
        raise QueryError(f"{where}: bad line {value!r}; expected 'name -- help' naming a "
                         "parameter declared by a param line", name=path)
    if pm.group("name") in parts["help"]:
        raise QueryError(f"{where}: parameter {pm.group('name')!r} given twice", name=path)
    parts["help"][pm.group("name")] = (pm.group("help"), n)


def _strip_strings(cypher: str) -> str:
    cypher = re.sub(r"//[^\n]*", " ", cypher)
    return re.sub(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"", " ", cypher)


def load_all(folder: Path | None = None) -> tuple[dict[str, SavedQuery], list[str]]:
    """Every query in the folder, and one error line per file that did not parse:
    a broken file never hides the others."""
    folder = Path(folder or QUERIES_DIR)
    found: dict[str, SavedQuery] = {}
    errors: list[str] = []
    for p in sorted(folder.glob("*.cypher")):
        try:
            q = parse(p.read_text(encoding="utf-8"), str(p))
            found[q.name] = q
        except (QueryError, UnicodeDecodeError) as e:
            errors.append(str(e))
    return found, errors


def get(name: str, folder: Path | None = None) -> SavedQuery:
    found, errors = load_all(folder)
    if name not in found:
        broken = [e for e in errors if f"{name}.cypher" in e]
        raise QueryError(broken[0] if broken else
                         f"no saved query {name!r}; known: {', '.join(sorted(found))}", name=name)
    return found[name]


def run(store, q: SavedQuery, values: dict, *, limit: int = 1000, timeout_s: float = 30):
    params = q.bind(values)
    cypher, params = q.statement(store.kind, params)
    try:
        return store.query(cypher, params, limit=limit, timeout_s=timeout_s)
    except QueryError as e:
        raise type(e)(f"{q.name}: {e}", name=q.name, params=params) from e
