"""A transparent risk score per entity: a sum of listed contributions.

Each rule below adds points for a reason an analyst can check; the weights
live in `risk_weights.toml` (read with tomllib) and nothing else moves the
score. A score is never a bare number: `RiskScore.contributions` lists every
rule that fired, with its points, its reason in words and the entities it
rests on.

Rules (their weights and limits are in the TOML file):

* ``near_seizure`` - the entity is within N hops of a Seizure (walking only
  through non-hub labels); points halve with each extra hop.
* ``shared_identifier`` - the entity has the same Phone, Email or Address as a
  Person or Company that a seizure names.
* ``seized_route`` - a Person flew a route (origin -> destination) on which a
  seizure was made on a flight.
* ``unit_value`` - a Company declared a line whose unit value is far below
  the median unit value other companies declared for the same commodity and
  unit (undervaluation).
"""

from __future__ import annotations

import statistics
import tomllib
from collections import defaultdict, deque
from dataclasses import dataclass, field
from pathlib import Path

from graph.core import schema
from graph.core.errors import DataError
from graph.core.model import Subgraph
from graph.core.phrases import Joined, say

WEIGHTS_FILE = Path(__file__).with_name("risk_weights.toml")
_REQUIRED = {
    "bands": ("medium", "high"),
    "near_seizure": ("points", "decay", "max_hops", "max_points", "cap", "through"),
    "shared_identifier": ("points", "max_points", "identifiers"),
    "seized_route": ("points", "max_points"),
    "unit_value": ("points", "max_points", "below_ratio", "min_peers", "group_by"),
}


def load_weights(path=None) -> dict:
    """The weights TOML as a dict, checked for every key the rules use."""
    path = Path(path or WEIGHTS_FILE)
    try:
        with open(path, "rb") as f:
            weights = tomllib.load(f)
    except OSError as e:
        raise DataError(f"cannot read risk weights {path}: {e.strerror}") from None
    except tomllib.TOMLDecodeError as e:
        raise DataError(f"risk weights {path.name} are not valid TOML: {e}") from None
    for table, keys in _REQUIRED.items():
        missing = [k for k in keys if k not in weights.get(table, {})]
        if missing:
            raise DataError(f"risk weights {path.name} lack [{table}] {', '.join(missing)}")
    schema.check_labels(weights["near_seizure"]["through"])
    schema.check_labels(weights["shared_identifier"]["identifiers"])
    if weights["unit_value"]["group_by"] not in ("hs_code", "hs6"):
        raise DataError(f"risk weights {path.name}: [unit_value] group_by must be hs_code "
                        "or hs6")
    return weights


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
            _, rows = self.store.read(
                f"MATCH (s:Seizure)-[:INVOLVES]->(o) RETURN s.seizure_id, o.{schema.REF}")
            out = defaultdict(list)
            for sid, ref in rows:
                out[ref].append(sid)
            self._seized = {k: sorted(v) for k, v in out.items()}
        return self._seized

    def seized_routes(self) -> dict[tuple[str, str], list[tuple[str, str]]]:
        """(origin, destination) -> [(seizure id, flight key)]."""
        if self._routes is None:
            _, rows = self.store.read(
                "MATCH (s:Seizure)-[:INVOLVES]->(f:Flight) "
                "RETURN s.seizure_id, f.flight_key, f.origin, f.destination")
            out = defaultdict(list)
            for sid, fkey, o, d in rows:
                out[(o, d)].append((sid, fkey))
            self._routes = {k: sorted(v) for k, v in out.items()}
        return self._routes

    # --- rules -------------------------------------------------------------
    def near_seizure(self, ref: str) -> list[Contribution]:
        w = self.w["near_seizure"]
        labels = sorted(set(w["through"]) | {"Seizure"})
        sub = self.store.neighbours(ref, hops=int(w["max_hops"]), labels=labels,
                                    cap=int(w["cap"]))
        dist, parent = _distances(sub, ref)
        out = []
        for nid, d in sorted(dist.items(), key=lambda kv: (kv[1], kv[0])):
            node = sub.nodes.get(nid)
            if d == 0 or node is None or node.label != "Seizure":
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
                say("near_seizure", hops=hops, key=node.key, what=what, via=via),
                [nid, *path]))
        return _capped(out, w["max_points"], "near_seizure")

    def shared_identifier(self, ref: str) -> list[Contribution]:
        w = self.w["shared_identifier"]
        lb, key = schema.parse_ref(ref)
        seized = self.seized_entities()
        out = []
        for ident in w["identifiers"]:
            il = schema.label(ident)
            for rt in schema.REL_TYPES:
                if (lb.name, il.name) not in rt.ends:
                    continue
                _, rows = self.store.read(
                    f"MATCH (n:{lb.name} {{{lb.key}: $k}})-[:{rt.name}]->(x:{il.name})"
                    f"<-[:{rt.name}]-(o) WHERE o.{schema.REF} <> $ref "
                    f"RETURN x.{il.key}, o.{schema.REF} ORDER BY o.{schema.REF}",
                    {"k": key, "ref": ref})
                for value, other in rows:
                    if other in seized:
                        out.append(Contribution(
                            "shared_identifier", float(w["points"]),
                            say("shares_identifier", kind=say(il.name), value=value,
                                other=other, seizures=", ".join(seized[other])),
                            [schema.make_ref(il.name, value), other]))
        return _capped(out, w["max_points"], "shared_identifier")

    def seized_route(self, ref: str) -> list[Contribution]:
        w = self.w["seized_route"]
        lb, key = schema.parse_ref(ref)
        if lb.name != "Person":
            return []
        routes = self.seized_routes()
        _, rows = self.store.read(
            "MATCH (n:Person {person_id: $k})-[t:TRAVELLED]->(f:Flight) "
            "RETURN f.flight_key, f.origin, f.destination ORDER BY f.flight_key", {"k": key})
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
                [schema.make_ref("Flight", f) for f in flights]
                + [schema.make_ref("Seizure", s) for s, _ in seizures]))
        return _capped(out, w["max_points"], "seized_route")

    def unit_value(self, ref: str) -> list[Contribution]:
        w = self.w["unit_value"]
        lb, key = schema.parse_ref(ref)
        if lb.name != "Company":
            return []
        group = w["group_by"]
        _, own = self.store.read(
            f"MATCH (c:Company {{company_id: $k}})-[:DECLARED]->(d:Declaration)"
            f"-[r:DECLARES]->(m:Commodity) RETURN d.declaration_no, r.line_no, m.{group}, "
            f"r.unit, r.unit_value_usd ORDER BY d.declaration_no, r.line_no", {"k": key})
        own = [r for r in own if r[4] is not None and r[2]]
        if not own:
            return []
        _, peers = self.store.read(
            f"MATCH (c:Company)-[:DECLARED]->(d:Declaration)-[r:DECLARES]->(m:Commodity) "
            f"WHERE m.{group} IN $groups AND c.company_id <> $k "
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
                    [schema.make_ref("Declaration", decl)]))
        return _capped(out, w["max_points"], "unit_value")

    # --- the score -----------------------------------------------------------
    def score(self, ref: str) -> RiskScore:
        node = self.store.get(ref)  # NotFound for an unknown ref
        contributions = (self.near_seizure(node.id) + self.shared_identifier(node.id)
                         + self.seized_route(node.id) + self.unit_value(node.id))
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
