"""A transparent risk score per entity: a sum of listed contributions.

Each rule adds points for a reason an analyst can check. The rules are a registry
(`RULES`): one `Rule` entry each, with its name, what it looks for, the weights it
reads and how it runs; the score is the sum over the registry, each rule's points
capped at its `max_points` (the cap is a listed line too). The weights live in
`risk_weights.toml`, one table per rule (read with tomllib), and nothing else moves
the score. A score is never a bare number: `RiskScore.contributions` lists every
rule that fired, with its points, its reason in words and the entities it rests on.
Adding a rule is one entry: `register(Rule(...))` or `@rule(...)` on its function,
its table in the TOML (or defaults in the entry) and its reason in
graph/core/phrases.py.
"""

from __future__ import annotations

import statistics
import tomllib
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

from graph.core import schema
from graph.core.errors import DataError
from graph.core.model import Subgraph
from graph.core.phrases import Joined, say
from graph.core.schema import REF, L, R

WEIGHTS_FILE = Path(str(files("graph.analysis") / "risk_weights.toml"))
BANDS = ("medium", "high")  # the [bands] table: total points from which a band starts
REQUIRED = None  # a weight with no default: the TOML must give it


@dataclass(frozen=True)
class Rule:
    name: str
    description: str
    run: Callable[[RiskModel, str, dict], list[Contribution]]  # (model, ref, its weights)
    # the weights it reads from its [name] table: key -> default (REQUIRED: from the TOML);
    # every rule has points and max_points (its cap)
    weights: dict = field(default_factory=dict)
    check: Callable[[dict], None] | None = None  # raises DataError on a bad value

    def weights_from(self, table: dict | None, source: str = "risk weights") -> dict:
        """Its weights: the table's values over the entry's defaults, every one present."""
        wanted = {"points": REQUIRED, "max_points": REQUIRED, **self.weights}
        table = dict(table or {})
        unknown = sorted(set(table) - set(wanted))
        if unknown:
            raise DataError(f"{source}: [{self.name}] has unknown {', '.join(unknown)}")
        out = {k: table.get(k, default) for k, default in wanted.items()}
        missing = [k for k, v in out.items() if v is REQUIRED]
        if missing:
            raise DataError(f"{source} lack [{self.name}] {', '.join(missing)}")
        if self.check:
            self.check(out)
        return out


RULES: dict[str, Rule] = {}


def register(entry: Rule) -> Rule:
    """Add a rule to the registry (a later entry of the same name replaces it)."""
    RULES[entry.name] = entry
    return entry


def rule(name: str, description: str, weights: dict | None = None, check=None):
    """Register the decorated function `(model, ref, weights) -> contributions`."""
    def deco(fn):
        register(Rule(name, description, fn, dict(weights or {}), check))
        return fn
    return deco


def load_weights(path=None) -> dict:
    """The weights TOML as a dict: [bands] and one table per registered rule, each
    checked against the rule's entry (no key missing, none unknown)."""
    path = Path(path or WEIGHTS_FILE)
    try:
        with open(path, "rb") as f:
            weights = tomllib.load(f)
    except OSError as e:
        raise DataError(f"cannot read risk weights {path}: {e.strerror}") from None
    except tomllib.TOMLDecodeError as e:
        raise DataError(f"risk weights {path.name} are not valid TOML: {e}") from None
    missing = [k for k in BANDS if k not in weights.get("bands", {})]
    if missing:
        raise DataError(f"risk weights {path.name} lack [bands] {', '.join(missing)}")
    unknown = sorted(set(weights) - set(RULES) - {"bands"})
    if unknown:
        raise DataError(f"risk weights {path.name}: no rule is called {', '.join(unknown)}")
    out = {"bands": dict(weights["bands"])}
    for entry in RULES.values():
        out[entry.name] = entry.weights_from(weights.get(entry.name),
                                             f"risk weights {path.name}")
    return out


@dataclass
class Contribution:
    rule: str
    points: float
    reason: str
    refs: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"rule": self.rule, "points": self.points, "reason": self.reason,
                "refs": list(self.refs)}


@dataclass
class RiskScore:
    ref: str
    score: float
    band: str
    contributions: list[Contribution]

    def to_json(self) -> dict:
        return {"ref": self.ref, "score": self.score, "band": self.band,
                "contributions": [c.to_json() for c in self.contributions]}


def _capped(items: list[Contribution], cap: float, rule: str) -> list[Contribution]:
    """The rule's contributions, with a last line taking back what passes the cap."""
    total = sum(c.points for c in items)
    if total > cap:
        items.append(Contribution(rule, round(cap - total, 2),
                                  say("rule_capped", rule=rule, cap=f"{cap:g}")))
    return items


def _distances(sub: Subgraph, start: str) -> tuple[dict[str, int], dict[str, str]]:
    """Hop distances and BFS parents from `start`, edges taken both ways."""
    adj = defaultdict(set)
    for e in sub.edges.values():
        adj[e.source].add(e.target)
        adj[e.target].add(e.source)
    dist, parent = {start: 0}, {}
    queue = deque([start])
    while queue:
        u = queue.popleft()
        for v in sorted(adj[u]):
            if v not in dist:
                dist[v], parent[v] = dist[u] + 1, u
                queue.append(v)
    return dist, parent


class RiskModel:
    """Scores entities of one store with one set of weights; caches what every
    score needs (seized entities, seized routes)."""

    def __init__(self, store, weights: dict | None = None):
        self.store = store
        self.w = weights or load_weights()
        self._seized: dict[str, list[str]] | None = None
        self._routes: dict[tuple[str, str], list[tuple[str, str]]] | None = None

    # --- cached facts ---------------------------------------------------------
    def seized_entities(self) -> dict[str, list[str]]:
        """ref -> the seizures naming it."""
        if self._seized is None:
            sz = L.Seizure
            _, rows = self.store.read(
                f"MATCH (s:{sz.name})-[:{R.INVOLVES.name}]->(o) RETURN s.{sz.key}, o.{REF}")
            out = defaultdict(list)
            for sid, ref in rows:
                out[ref].append(sid)
            self._seized = {k: sorted(v) for k, v in out.items()}
        return self._seized

    def seized_routes(self) -> dict[tuple[str, str], list[tuple[str, str]]]:
        """(origin, destination) -> [(seizure id, flight key)]."""
        if self._routes is None:
            sz, fl = L.Seizure, L.Flight
            _, rows = self.store.read(
                f"MATCH (s:{sz.name})-[:{R.INVOLVES.name}]->(f:{fl.name}) "
                f"RETURN s.{sz.key}, f.{fl.key}, f.origin, f.destination")
            out = defaultdict(list)
            for sid, fkey, o, d in rows:
                out[(o, d)].append((sid, fkey))
            self._routes = {k: sorted(v) for k, v in out.items()}
        return self._routes

    # --- the score -----------------------------------------------------------
    def weights_of(self, entry: Rule) -> dict:
        """A rule's weights (a rule registered after the weights were read: its defaults)."""
        table = self.w.get(entry.name)
        return table if table is not None else entry.weights_from(None)

    def score(self, ref: str) -> RiskScore:
        node = self.store.get(ref)  # NotFound for an unknown ref
        contributions = []
        for entry in RULES.values():
            w = self.weights_of(entry)
            contributions += _capped(list(entry.run(self, node.id, w)), w["max_points"],
                                     entry.name)
        total = round(sum(c.points for c in contributions), 2)
        bands = self.w["bands"]
        band = "high" if total >= bands["high"] else "medium" if total >= bands["medium"] \
            else "low"
        return RiskScore(node.id, total, band, contributions)


def score(store, ref: str, weights: dict | None = None) -> RiskScore:
    """The risk score of one entity, with every contribution listed."""
    return RiskModel(store, weights).score(ref)


def score_many(store, refs, weights: dict | None = None) -> list[RiskScore]:
    """Scores of several entities (facts shared between them read once), highest first."""
    model = RiskModel(store, weights)
    return sorted((model.score(r) for r in refs), key=lambda s: (-s.score, s.ref))


# --- the rules ------------------------------------------------------------------------
def _labels(key: str):
    def check(w: dict) -> None:
        schema.check_labels(w[key])
    return check


@rule("near_seizure",
      "Within max_hops links of a Seizure, walking only through the labels in `through`; "
      "points halve (decay) with each extra hop.",
      {"decay": REQUIRED, "max_hops": REQUIRED, "cap": REQUIRED, "through": REQUIRED},
      _labels("through"))
def near_seizure(model: RiskModel, ref: str, w: dict) -> list[Contribution]:
    labels = sorted(set(w["through"]) | {L.Seizure.name})
    sub = model.store.neighbours(ref, hops=int(w["max_hops"]), labels=labels, cap=int(w["cap"]))
    dist, parent = _distances(sub, ref)
    out = []
    for nid, d in sorted(dist.items(), key=lambda kv: (kv[1], kv[0])):
        node = sub.nodes.get(nid)
        if d == 0 or node is None or node.label != L.Seizure.name:
            continue
        path, cur = [], parent.get(nid)
        while cur is not None and cur != ref:
            path.append(cur)
            cur = parent.get(cur)
        path.reverse()  # from the entity towards the seizure
        points = round(w["points"] * w["decay"] ** (d - 1), 2)
        what = ", ".join(str(node.properties.get(p)) for p in ("date", "violation", "goods")
                         if node.properties.get(p))
        via = say("via", path=" -> ".join(path)) if path else ""
        hops = say("hops" if d > 1 else "hop", n=d)
        out.append(Contribution(
            "near_seizure", points,
            say("near_seizure", hops=hops, key=node.key, what=what, via=via), [nid, *path]))
    return out


@rule("shared_identifier",
      "Has the same Phone, Email or Address (the labels in `identifiers`) as a Person or "
      "Company that a seizure names.",
      {"identifiers": REQUIRED}, _labels("identifiers"))
def shared_identifier(model: RiskModel, ref: str, w: dict) -> list[Contribution]:
    lb, key = schema.parse_ref(ref)
    seized = model.seized_entities()
    out = []
    for ident in w["identifiers"]:
        il = schema.label(ident)
        for rt in schema.REL_TYPES:
            if (lb.name, il.name) not in rt.ends:
                continue
            _, rows = model.store.read(
                f"MATCH (n:{lb.name} {{{lb.key}: $k}})-[:{rt.name}]->(x:{il.name})"
                f"<-[:{rt.name}]-(o) WHERE o.{REF} <> $ref "
                f"RETURN x.{il.key}, o.{REF} ORDER BY o.{REF}", {"k": key, "ref": ref})
            for value, other in rows:
                if other in seized:
                    out.append(Contribution(
                        "shared_identifier", float(w["points"]),
                        say("shares_identifier", kind=say(il.name), value=value,
                            other=other, seizures=", ".join(seized[other])),
                        [schema.make_ref(il.name, value), other]))
    return out


@rule("seized_route",
      "A Person who travelled (passenger or crew) from A to B where a seizure was made on "
      "a flight from A to B.")
def seized_route(model: RiskModel, ref: str, w: dict) -> list[Contribution]:
    lb, key = schema.parse_ref(ref)
    if lb is not L.Person:
        return []
    routes = model.seized_routes()
    fl = L.Flight
    _, rows = model.store.read(
        f"MATCH (n:{lb.name} {{{lb.key}: $k}})-[t:{R.TRAVELLED.name}]->(f:{fl.name}) "
        f"RETURN f.{fl.key}, f.origin, f.destination ORDER BY f.{fl.key}", {"k": key})
    flown = defaultdict(list)
    for fkey, o, d in rows:
        if (o, d) in routes:
            flown[(o, d)].append(fkey)
    out = []
    for (o, d), flights in sorted(flown.items()):
        seizures = routes[(o, d)]
        n = say("flights" if len(flights) > 1 else "flight", n=len(flights))
        shown = ", ".join(flights[:5]) + ("..." if len(flights) > 5 else "")
        on = Joined([say("seizure_on", s=s, f=f) for s, f in seizures])
        out.append(Contribution(
            "seized_route", float(w["points"]),
            say("seized_route", o=o, d=d, n=n, flights=shown, seizures=on),
            [schema.make_ref(fl.name, f) for f in flights]
            + [schema.make_ref(L.Seizure.name, s) for s, _ in seizures]))
    return out


def _group_by(w: dict) -> None:
    if w["group_by"] not in (L.Commodity.key, "hs6"):
        raise DataError(f"risk weights: [unit_value] group_by must be {L.Commodity.key} or hs6")


@rule("unit_value",
      "A Company declared a line whose unit value is far below (below_ratio) the median "
      "unit value other companies declared for the same commodity and unit.",
      {"below_ratio": REQUIRED, "min_peers": REQUIRED, "group_by": REQUIRED}, _group_by)
def unit_value(model: RiskModel, ref: str, w: dict) -> list[Contribution]:
    lb, key = schema.parse_ref(ref)
    if lb is not L.Company:
        return []
    group, co, de, cm = w["group_by"], L.Company, L.Declaration, L.Commodity
    lines = (f"-[:{R.DECLARED.name}]->(d:{de.name})-[r:{R.DECLARES.name}]->(m:{cm.name})")
    _, own = model.store.read(
        f"MATCH (c:{co.name} {{{co.key}: $k}}){lines} RETURN d.{de.key}, r.line_no, "
        f"m.{group}, r.unit, r.unit_value_usd ORDER BY d.{de.key}, r.line_no", {"k": key})
    own = [r for r in own if r[4] is not None and r[2]]
    if not own:
        return []
    _, peers = model.store.read(
        f"MATCH (c:{co.name}){lines} WHERE m.{group} IN $groups AND c.{co.key} <> $k "
        f"RETURN m.{group}, r.unit, r.unit_value_usd",
        {"groups": sorted({r[2] for r in own}), "k": key})
    values = defaultdict(list)
    for g, unit, uv in peers:
        if uv is not None:
            values[(g, unit)].append(uv)
    out = []
    for decl, line, g, unit, uv in own:
        peer = values.get((g, unit), [])
        if len(peer) < w["min_peers"]:
            continue
        median = statistics.median(peer)
        if median > 0 and uv < w["below_ratio"] * median:
            out.append(Contribution(
                "unit_value", float(w["points"]),
                say("unit_value", decl=decl, line=line, hs=g, uv=f"{uv:g}", unit=unit,
                    pct=f"{100 * uv / median:.0f}", median=f"{median:g}", peers=len(peer)),
                [schema.make_ref(de.name, decl)]))
    return out
