"""Server-side layout of large graphs: the app draws them with physics off, and
so does the standalone HTML export.

networkx's own spring_layout needs scipy from 500 nodes, and treats every node
alike; this one peels the trees an expansion brings and fans them out around
their parent, and runs a force layout (numpy) on what is left.
"""

from __future__ import annotations

import hashlib
import math
import threading
from collections import OrderedDict, deque
from collections.abc import Iterable

# Beyond this many nodes the server lays the graph out and the browser draws it with
# physics off: vis-network's stabilisation grows past ~2 s there
# (benchmarks/app_bench.py --views).
LAYOUT_THRESHOLD = 450
LAYOUT_SEED = 7
LAYOUT_CACHE_SIZE = 32
_EDGE_PX = 120.0  # about the physics' spring length (graph.js: springLength 130)
_SLOT_PX = 40.0  # centre to centre, between nodes fanned out around their parent
_NODE_PX = 18.0  # the radius a lone node takes
_OVERLAP = 6.0  # how hard overlapping discs push apart
_GRAVITY = 1.0  # a pull to the middle, per pixel of the node's disc


_LAYOUTS: OrderedDict[str, dict[str, tuple[float, float]]] = OrderedDict()
_LAYOUTS_LOCK = threading.Lock()  # the app's sessions run their scripts in threads


def server_layout(ids: Iterable[str], links: Iterable[tuple[str, str]]
                  ) -> dict[str, tuple[float, float]]:
    """x/y in vis-network pixels for every id: deterministic (a function of the
    graph alone) and cached by the graph's identity.

    Trees hanging off the graph (the leaves an expansion brings, chains of them)
    are peeled away and fanned out in rings around their parent; only what is
    left, the part with cycles, goes through a force layout, in which each node
    is as big as the tree it carries. Connected components are laid out one by
    one and packed in rows. This stays well under a second at 1,500 nodes,
    where a force layout of every node would not."""
    ids = sorted(set(ids))
    adj: dict[str, set[str]] = {i: set() for i in ids}
    for a, b in links:
        if a != b and a in adj and b in adj:
            adj[a].add(b)
            adj[b].add(a)
    pairs = sorted((a, b) for a in ids for b in adj[a] if a < b)
    digest = hashlib.blake2b(digest_size=16)
    digest.update("\n".join(ids).encode("utf-8"))
    digest.update(b"\0")
    digest.update("\n".join(f"{a}\t{b}" for a, b in pairs).encode("utf-8"))
    key = digest.hexdigest()
    with _LAYOUTS_LOCK:
        if key in _LAYOUTS:
            _LAYOUTS.move_to_end(key)
            return _LAYOUTS[key]
    pos = _layout(ids, adj)
    with _LAYOUTS_LOCK:
        _LAYOUTS[key] = pos
        while len(_LAYOUTS) > LAYOUT_CACHE_SIZE:
            _LAYOUTS.popitem(last=False)
    return pos


def _layout(ids: list[str], adj: dict[str, set[str]]) -> dict[str, tuple[float, float]]:
    import numpy as np

    # 1. Peel the trees: a node of degree 1 hangs off its only neighbour.
    deg = {i: len(adj[i]) for i in ids}
    parent: dict[str, str] = {}
    order: list[str] = []  # children before their parents
    queue = deque(i for i in ids if deg[i] == 1)
    while queue:
        v = queue.popleft()
        if v in parent or deg[v] != 1:
            continue
        u = next(w for w in sorted(adj[v]) if w not in parent)
        parent[v] = u
        order.append(v)
        deg[u] -= 1
        if deg[u] == 1:
            queue.append(u)
    children: dict[str, list[str]] = {}
    for v in order:
        children.setdefault(parent[v], []).append(v)
    core = [i for i in ids if i not in parent]

    # 2. Bottom up: each node's children around it, in its own frame (angle 0 = away
    # from its parent), and the radius of the disc its subtree covers.
    disc: dict[str, float] = {}
    offset: dict[str, tuple[float, float]] = {}  # child -> (distance, angle)
    for v in order + core:
        kids = children.get(v)
        if not kids:
            disc[v] = _NODE_PX
            continue
        # A node of the core has the whole circle; one in a tree, the side facing away
        # from its parent.
        sector = 2 * math.pi if v not in parent else 1.3 * math.pi
        start = -sector / 2
        leaves = sorted(c for c in kids if c not in children)
        trees = sorted((c for c in kids if c in children), key=lambda c: (-disc[c], c))
        radius, outer = _EDGE_PX, _NODE_PX
        while leaves:  # rings of leaves, the innermost first
            cap = max(1, int(sector * radius / _SLOT_PX))
            ring, leaves = leaves[:cap], leaves[cap:]
            for j, c in enumerate(ring):
                offset[c] = (radius, start + sector * (j + 0.5) / len(ring))
            outer = radius + _NODE_PX
            radius += _SLOT_PX
        if trees:  # then the subtrees on a ring outside, each in a share of the sector
            widths = [2 * disc[c] + _SLOT_PX / 2 for c in trees]
            ring_r = max(outer + max(disc[c] for c in trees) + _SLOT_PX / 2,
                         _EDGE_PX + disc[trees[0]], sum(widths) / sector)
            done = 0.0
            for c, w in zip(trees, widths, strict=True):
                offset[c] = (ring_r, start + sector * (done + w / 2) / sum(widths))
                done += w
            outer = max(outer, ring_r + max(disc[c] for c in trees))
        disc[v] = outer

    # 3. The core, one connected component at a time, then the components packed.
    comp_of: dict[str, int] = {}
    comps: list[list[str]] = []
    for start in core:
        if start in comp_of:
            continue
        comp_of[start] = len(comps)
        members, todo = [start], [start]
        while todo:
            v = todo.pop()
            for w in adj[v]:
                if w not in parent and w not in comp_of:
                    comp_of[w] = len(comps)
                    members.append(w)
                    todo.append(w)
        comps.append(sorted(members))
    placed: dict[str, tuple[float, float]] = {}
    boxes = []
    for members in comps:
        local = _force(members, adj, disc, np)
        xs = [local[m][0] for m in members]
        ys = [local[m][1] for m in members]
        lo_x = min(x - disc[m] for x, m in zip(xs, members, strict=True))
        hi_x = max(x + disc[m] for x, m in zip(xs, members, strict=True))
        lo_y = min(y - disc[m] for y, m in zip(ys, members, strict=True))
        hi_y = max(y + disc[m] for y, m in zip(ys, members, strict=True))
        boxes.append((members, local, lo_x, lo_y, hi_x - lo_x, hi_y - lo_y))
    boxes.sort(key=lambda b: (-b[4] * b[5], b[0][0]))
    row_w = max(max(b[4] for b in boxes),
                math.sqrt(sum((b[4] + _SLOT_PX) * (b[5] + _SLOT_PX) for b in boxes)) * 1.3)
    x = y = row_h = 0.0
    for i, (members, local, lo_x, lo_y, w, h) in enumerate(boxes):
        # the biggest component alone on the first row, the others in rows under it
        if x > 0 and (x + w > row_w or i == 1):
            x, y, row_h = 0.0, y + row_h + _SLOT_PX, 0.0
        for m in members:
            placed[m] = (local[m][0] - lo_x + x, local[m][1] - lo_y + y)
        x += w + _SLOT_PX
        row_h = max(row_h, h)

    # 4. Top down: the trees, turned to point away from the middle of their component.
    centre = {}
    for i, members in enumerate(comps):
        centre[i] = (sum(placed[m][0] for m in members) / len(members),
                     sum(placed[m][1] for m in members) / len(members))
    heading: dict[str, float] = {}
    for v in core:
        cx, cy = centre[comp_of[v]]
        dx, dy = placed[v][0] - cx, placed[v][1] - cy
        heading[v] = math.atan2(dy, dx) if dx or dy else 0.0
    for v in [*core, *reversed(order)]:
        px, py = placed[v]
        for c in children.get(v, ()):
            r, a = offset[c]
            theta = heading[v] + a
            placed[c] = (px + r * math.cos(theta), py + r * math.sin(theta))
            heading[c] = theta
    # Centred on 0, 0 like vis-network's own layouts; rounded: the payload stays small.
    mx = (min(p[0] for p in placed.values()) + max(p[0] for p in placed.values())) / 2
    my = (min(p[1] for p in placed.values()) + max(p[1] for p in placed.values())) / 2
    return {i: (round(placed[i][0] - mx, 1), round(placed[i][1] - my, 1)) for i in ids}


def _force(members: list[str], adj, disc, np) -> dict[str, tuple[float, float]]:
    """Fruchterman-Reingold on one component, dense (numpy only: networkx's own wants
    scipy from 500 nodes). A link's ideal length grows with the discs of the trees
    its two ends carry, discs that overlap push apart, and a little gravity keeps
    the loosely tied nodes in."""
    n = len(members)
    if n == 1:
        return {members[0]: (0.0, 0.0)}
    index = {m: i for i, m in enumerate(members)}
    d = np.array([disc[m] for m in members])
    reach = d[:, None] + d[None, :]
    a = np.zeros((n, n))
    for m in members:
        for w in adj[m]:
            if w in index:
                a[index[m], index[w]] = 1.0
    a_k = a / (_EDGE_PX + reach)
    apart = reach + _SLOT_PX / 2  # closer than this, two discs overlap
    pull = ((_EDGE_PX + d) * _GRAVITY)[:, None]
    side = float(np.sqrt(((2 * d + _EDGE_PX) ** 2).sum()))
    pos = np.random.default_rng(LAYOUT_SEED).random((n, 2)) * side
    # Each iteration costs n² (1,500 core nodes: ~10 ms): fewer of them for big cores.
    iterations = int(min(300, max(40, 1.2e7 / (n * n))))
    temp = side * 0.1
    step = temp / (iterations + 1)
    for _ in range(iterations):
        # squared distances through the Gram matrix: no n x n x 2 array of differences
        sq = (pos * pos).sum(axis=1)
        dist2 = sq[:, None] + sq[None, :] - 2.0 * (pos @ pos.T)
        np.maximum(dist2, 1.0, out=dist2)
        dist = np.sqrt(dist2)
        # as factors of p_i - p_j: repulsion k²/d, attraction d²/k along the links,
        # the overlap; then sum_j f_ij (p_i - p_j) = p_i sum_j f_ij - (F p)_i
        force = _EDGE_PX * _EDGE_PX / dist2 - a_k * dist
        force += _OVERLAP * np.maximum(apart - dist, 0.0) / dist
        disp = pos * force.sum(axis=1)[:, None] - force @ pos
        off = pos - pos.mean(axis=0)
        disp -= pull * off / np.maximum(np.sqrt((off * off).sum(axis=1)), 1.0)[:, None]
        length = np.sqrt((disp * disp).sum(axis=1))
        np.maximum(length, 0.01, out=length)
        pos += disp * (np.minimum(length, temp) / length)[:, None]
        temp = max(temp - step, _SLOT_PX / 4)
    return {m: (float(pos[i, 0]), float(pos[i, 1])) for i, m in enumerate(members)}
