"""Link analysis over a subgraph: who is central, who bridges, which groups form.

Everything here is a pure function of a `Subgraph` (or of the networkx graph
`to_networkx` builds from it); nothing touches a store. The scores are computed
on the *undirected simple projection* of the subgraph: relationship directions
in the schema are a naming convention (a Person TRAVELLED a Flight) rather than
a flow, and parallel edges (two DECLARES lines to one Commodity) count once,
with the number of parallel edges kept as the edge `weight`.

Examples
--------
>>> from graph.core.model import Edge, Node, Subgraph
>>> sub = Subgraph()
>>> for key in ("P1", "P2", "P3"):
...     sub.add_node(Node("Person", key, {"full_name": key}))
>>> sub.add_node(Node("Phone", "+84912", {}))
>>> for key in ("P1", "P2", "P3"):
...     sub.add_edge(Edge(f"Person:{key}", "Phone:+84912", "HAS_PHONE"))
>>> result = analyse(sub, top=2)
>>> result["degree"][0]["id"]
'Phone:+84912'
>>> result["articulation_points"]
['Phone:+84912']
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from graph.core import schema
from graph.core.model import Edge, Node, Subgraph

SEED = 42  # communities and sampled betweenness are reproducible run to run
BETWEENNESS_WORK = 3_000_000  # BFS steps (sources x (nodes + edges)) spent on betweenness
MIN_SAMPLE = 32  # fewest source nodes a betweenness estimate uses
PAGERANK_ALPHA = 0.85


@dataclass
class Scores:
    """One centrality measure over every node of a graph.

    Attributes
    ----------
    name : str
        "degree", "betweenness" or "pagerank".
    values : dict[str, float]
        Node id -> score.
    approximate : bool
        True when the score was estimated (betweenness from a sample of
        `sample` source nodes) rather than computed exactly.
    sample : int or None
        How many source nodes the estimate used.
    """

    name: str
    values: dict[str, float] = field(default_factory=dict)
    approximate: bool = False
    sample: int | None = None

    def top(self, n: int = 10) -> list[tuple[str, float]]:
        """The `n` highest scores, ties broken by node id.

        >>> Scores("degree", {"a": 1, "b": 3, "c": 3}).top(2)
        [('b', 3), ('c', 3)]
        """
        return sorted(self.values.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


# --- conversions ----------------------------------------------------------------
def edge_key(edge: Edge) -> str:
    """The networkx multigraph key of an edge: its type, plus the schema key
    properties that tell parallel edges of one type apart.

    >>> edge_key(Edge("Declaration:1", "Commodity:61091000", "DECLARES", {"line_no": 2}))
    'DECLARES|2'
    >>> edge_key(Edge("Person:P1", "Phone:+1", "HAS_PHONE"))
    'HAS_PHONE'
    """
    keys = edge.id[3]
    return "|".join([edge.type, *("" if k is None else str(k) for k in keys)])


def to_networkx(sub: Subgraph) -> nx.MultiDiGraph:
    """A MultiDiGraph of the subgraph.

    Node ids are "Label:key"; node attributes `label`, `key` and `properties`
    (a dict); edge attributes `type` and `properties`, keyed by `edge_key`.

    >>> sub = Subgraph()
    >>> sub.add_node(Node("Person", "P1", {"full_name": "An"}))
    >>> sub.add_node(Node("Phone", "+1", {}))
    >>> sub.add_edge(Edge("Person:P1", "Phone:+1", "HAS_PHONE", {"source": "persons.csv:2"}))
    >>> g = to_networkx(sub)
    >>> g.nodes["Person:P1"]["label"], g.nodes["Person:P1"]["key"]
    ('Person', 'P1')
    >>> g.edges["Person:P1", "Phone:+1", "HAS_PHONE"]["properties"]
    {'source': 'persons.csv:2'}
    """
    g = nx.MultiDiGraph()
    for n in sub.nodes.values():
        g.add_node(n.id, label=n.label, key=n.key, properties=dict(n.properties))
    for e in sub.edges.values():
        for end in (e.source, e.target):
            if end not in g:  # an edge whose end is not in the subgraph: keep it, name it
                label, key = end.split(":", 1) if ":" in end else ("", end)
                g.add_node(end, label=label, key=key, properties={})
        g.add_edge(e.source, e.target, key=edge_key(e), type=e.type,
                   properties=dict(e.properties))
    return g


_NODE_FIELDS = {"label", "node_label", "key", "caption", "properties", "viz", "id"}
_EDGE_FIELDS = {"type", "label", "kind", "properties", "id", "key"}


def from_networkx(g: nx.Graph) -> Subgraph:
    """The Subgraph a networkx graph holds: one made by `to_networkx`, or one
    read back from an export (GraphML and GEXF carry flat attributes and the
    schema label as `node_label`; node-link JSON nests `properties`).

    >>> sub = Subgraph()
    >>> sub.add_node(Node("Person", "P1", {"full_name": "An"}))
    >>> from_networkx(to_networkx(sub)).nodes["Person:P1"].properties
    {'full_name': 'An'}
    >>> flat = nx.DiGraph()
    >>> flat.add_node("Person:P1", label="An", node_label="Person", key="P1", full_name="An")
    >>> from_networkx(flat).nodes["Person:P1"]
    Node(label='Person', key='P1', properties={'full_name': 'An'})
    """
    sub = Subgraph()
    for nid, data in g.nodes(data=True):
        if ":" in str(nid):  # ids are "Label:key" (a key may hold colons, a label never)
            label, key = str(nid).split(":", 1)
        else:
            label, key = data.get("node_label", data.get("label")), data.get("key")
        props = data.get("properties")
        if props is None:
            props = {k: v for k, v in data.items() if k not in _NODE_FIELDS}
        sub.add_node(Node(str(label), str(key), dict(props)))
    edges = g.edges(data=True, keys=True) if g.is_multigraph() else (
        (u, v, None, d) for u, v, d in g.edges(data=True))
    for u, v, _k, data in edges:
        props = data.get("properties")
        if props is None:
            props = {k: v for k, v in data.items() if k not in _EDGE_FIELDS}
        sub.add_edge(Edge(str(u), str(v), data.get("type", data.get("label")), dict(props)))
    return sub


def simple_undirected(g: nx.Graph) -> nx.Graph:
    """The undirected simple projection: one edge per linked pair, `weight` =
    how many relationships join them; self-loops dropped.

    >>> sub = Subgraph()
    >>> sub.add_node(Node("Declaration", "1")); sub.add_node(Node("Commodity", "61091000"))
    >>> for line in (1, 2):
    ...     sub.add_edge(Edge("Declaration:1", "Commodity:61091000", "DECLARES", {"line_no": line}))
    >>> simple_undirected(to_networkx(sub)).edges["Declaration:1", "Commodity:61091000"]["weight"]
    2
    """
    h = nx.Graph()
    h.add_nodes_from(g.nodes(data=True))
    for u, v in g.edges():
        if u == v:
            continue
        if h.has_edge(u, v):
            h.edges[u, v]["weight"] += 1
        else:
            h.add_edge(u, v, weight=1)
    return h


def _graph(x) -> nx.Graph:
    """Accept a Subgraph, a multigraph from `to_networkx`, or a simple graph."""
    if isinstance(x, Subgraph):
        x = to_networkx(x)
    if x.is_multigraph() or x.is_directed():
        return simple_undirected(x)
    return x


# --- scores -------------------------------------------------------------------
def degree(g) -> Scores:
    """How many distinct entities each node is linked to.

    >>> h = nx.path_graph(["a", "b", "c"])
    >>> degree(h).values
    {'a': 1, 'b': 2, 'c': 1}
    """
    h = _graph(g)
    return Scores("degree", dict(h.degree()))


def betweenness(g, *, sample: int | None = None, work: int = BETWEENNESS_WORK,
                seed: int = SEED) -> Scores:
    """Normalised betweenness centrality: how often a node lies on the shortest
    paths between others.

    Exact when it is cheap (nodes x (nodes + edges) within `work` steps);
    otherwise estimated from a sample of source nodes drawn with a fixed seed,
    as many as fit in `work` (at least `MIN_SAMPLE`), and the result says so
    (`approximate=True`, `sample=k`). `sample` forces the sample size.

    >>> h = nx.path_graph(["a", "b", "c"])
    >>> s = betweenness(h)
    >>> s.values["b"], s.approximate
    (1.0, False)
    >>> big = betweenness(nx.path_graph(50), sample=5)
    >>> big.approximate, big.sample
    (True, 5)
    """
    h = _graph(g)
    n, m = h.number_of_nodes(), h.number_of_edges()
    if sample is None:
        sample = n if n * (n + m) <= work else max(MIN_SAMPLE, work // max(n + m, 1))
    if sample >= n:
        return Scores("betweenness", nx.betweenness_centrality(h, normalized=True))
    values = nx.betweenness_centrality(h, k=sample, normalized=True, seed=seed)
    return Scores("betweenness", values, approximate=True, sample=sample)


def pagerank(g, *, alpha: float = PAGERANK_ALPHA, tol: float = 1e-10,
             max_iter: int = 200) -> Scores:
    """PageRank on the undirected projection (each link counts both ways,
    weighted by how many relationships it stands for).

    Power iteration with numpy (networkx's own pagerank needs scipy).

    >>> s = pagerank(nx.star_graph(3))
    >>> max(s.values, key=s.values.get)
    0
    >>> round(sum(s.values.values()), 6)
    1.0
    """
    import numpy as np

    h = _graph(g)
    nodes = list(h)
    n = len(nodes)
    if n == 0:
        return Scores("pagerank", {})
    index = {u: i for i, u in enumerate(nodes)}
    src, dst, wt = [], [], []
    for u, v, d in h.edges(data=True):
        w = float(d.get("weight", 1))
        src += [index[u], index[v]]
        dst += [index[v], index[u]]
        wt += [w, w]
    src, dst, wt = np.array(src, dtype=np.int64), np.array(dst, dtype=np.int64), np.array(wt)
    strength = np.bincount(src, weights=wt, minlength=n)
    dangling = strength == 0
    share = np.where(dangling, 0.0, 1.0 / np.where(dangling, 1.0, strength))
    rank = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        spread = np.bincount(dst, weights=alpha * rank[src] * share[src] * wt, minlength=n)
        new = spread + (1.0 - alpha) / n + alpha * rank[dangling].sum() / n
        delta = np.abs(new - rank).sum()
        rank = new
        if delta < n * tol:
            break
    return Scores("pagerank", {u: float(rank[i]) for i, u in enumerate(nodes)})


def components(g) -> list[set[str]]:
    """Connected components (of the undirected projection), largest first.

    >>> [sorted(c) for c in components(nx.Graph([("a", "b"), ("c", "d"), ("d", "e")]))]
    [['c', 'd', 'e'], ['a', 'b']]
    """
    h = _graph(g)
    return sorted((set(c) for c in nx.connected_components(h)),
                  key=lambda c: (-len(c), str(min(c, key=str))))


def communities(g, *, seed: int = SEED, resolution: float = 1.0) -> list[set[str]]:
    """Louvain communities (weighted by parallel-edge counts), largest first.
    The seed is fixed, so the same subgraph always gives the same groups.

    >>> two = nx.Graph([(1, 2), (2, 3), (1, 3), (4, 5), (5, 6), (4, 6), (3, 4)])
    >>> sorted(sorted(c) for c in communities(two))
    [[1, 2, 3], [4, 5, 6]]
    """
    h = _graph(g)
    if h.number_of_nodes() == 0:
        return []
    found = nx.community.louvain_communities(h, weight="weight", seed=seed,
                                             resolution=resolution)
    return sorted((set(c) for c in found), key=lambda c: (-len(c), str(min(c, key=str))))


def bridges(g) -> list[tuple[str, str]]:
    """Links whose removal splits a component (on the undirected projection),
    each pair sorted, the list sorted.

    >>> bridges(nx.Graph([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")]))
    [('c', 'd')]
    """
    h = _graph(g)
    return sorted(tuple(sorted((u, v))) for u, v in nx.bridges(h))


def articulation_points(g) -> list[str]:
    """Entities whose removal splits a component: the go-betweens.

    >>> articulation_points(nx.Graph([("a", "b"), ("b", "c")]))
    ['b']
    """
    h = _graph(g)
    return sorted(nx.articulation_points(h))


# --- summary ---------------------------------------------------------------------
def _entry(g: nx.Graph, nid: str, score: float) -> dict:
    data = g.nodes[nid]
    label = data.get("label", "")
    props = data.get("properties") or {}
    try:
        caption = props.get(schema.label(label).caption, data.get("key"))
    except schema.SchemaError:
        caption = data.get("key")
    return {"id": nid, "label": label, "caption": caption,
            "score": round(score, 6) if isinstance(score, float) else score}


def hub_labels() -> list[str]:
    """Labels the schema marks as hubs (not stepped through by paths): nearly
    everything links to them, so they crowd centrality rankings.

    >>> "Country" in hub_labels()
    True
    """
    return [lb.name for lb in schema.LABELS if not lb.traverse]


def without_labels(g: nx.Graph, labels) -> nx.Graph:
    """A copy of `g` without the nodes of the given labels (and their edges)."""
    drop = set(labels or ())
    if not drop:
        return g
    return g.subgraph(n for n, d in g.nodes(data=True) if d.get("label") not in drop).copy()


def analyse(sub, *, top: int = 10, max_members: int | None = None,
            exclude_labels=()) -> dict:
    """A JSON-ready summary of a subgraph for an analyst.

    Parameters
    ----------
    sub : Subgraph or networkx graph
    top : int
        How many entities to list per score.
    max_members : int, optional
        Cap the member list of each community (all members when None).
    exclude_labels : list of str
        Labels left out of every score (e.g. `hub_labels()`); the node and edge
        counts are those of the whole subgraph.

    Returns
    -------
    dict
        ``nodes``, ``edges``, ``degree`` / ``betweenness`` / ``pagerank`` (top
        entities with id, label, caption and score; betweenness also says
        whether it is ``approximate`` and from how large a ``sample``),
        ``components`` (sizes), ``communities`` (id, size, members),
        ``bridges`` (pairs of ids) and ``articulation_points``.

    Examples
    --------
    >>> sub = Subgraph()
    >>> for k in ("A", "B"):
    ...     sub.add_node(Node("Person", k, {"full_name": k}))
    >>> sub.add_edge(Edge("Person:A", "Person:B", "SAME_AS"))
    >>> r = analyse(sub)
    >>> r["nodes"], r["edges"], r["bridges"]
    (2, 1, [['Person:A', 'Person:B']])
    """
    multi = to_networkx(sub) if isinstance(sub, Subgraph) else sub
    h = without_labels(_graph(multi), exclude_labels)
    deg, btw, pr = degree(h), betweenness(h), pagerank(h)

    def listing(scores: Scores) -> list[dict]:
        return [_entry(h, nid, v) for nid, v in scores.top(top)]

    comms = []
    for i, members in enumerate(communities(h)):
        ordered = sorted(members, key=lambda m: (-deg.values.get(m, 0), m))
        shown = ordered if max_members is None else ordered[:max_members]
        comms.append({"id": i, "size": len(members),
                      "members": [_entry(h, m, deg.values.get(m, 0)) for m in shown]})
    return {
        "nodes": multi.number_of_nodes(),
        "edges": multi.number_of_edges(),
        "scored_nodes": h.number_of_nodes(),
        "degree": listing(deg),
        "betweenness": {"approximate": btw.approximate, "sample": btw.sample,
                        "top": listing(btw)},
        "pagerank": listing(pr),
        "components": [len(c) for c in components(h)],
        "communities": comms,
        "bridges": [list(b) for b in bridges(h)],
        "articulation_points": articulation_points(h),
    }
