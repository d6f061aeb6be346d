"""The architecture, kept by tests: the import graph has no cycles, the core stays
below the command line, the harness, the loaders and the app, modules stay small,
and docs/architecture.md names only files that exist."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("graph", "loaders", "ui", "sample_data", "queries", "customs_graph_app")
MAX_LINES = 450
# Modules above MAX_LINES today, each to be split (issue 18); the list only shrinks.
TOO_LONG_FOR_NOW = {
    "graph/bench/harness.py",  # to split: baselines apart from the timing
    "sample_data/scale.py",  # to split: the row writers apart from the sizes
    # Not code to split: the generator's tables of names, routes and goods.
    "sample_data/generate.py",
}


def module_files() -> dict[str, Path]:
    """Every project module by dotted name."""
    found = {"app": ROOT / "app.py"} if (ROOT / "app.py").exists() else {}
    for top in PACKAGES:
        for path in sorted((ROOT / top).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _imported(tree: ast.AST, name: str, is_package: bool) -> set[str]:
    """Dotted names a module imports, at any depth (a lazy import still runs)."""
    names = set()
    package = name if is_package else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module
            names.add(module)
            names.update(f"{module}.{a.name}" for a in node.names)
    return names


def import_graph() -> nx.DiGraph:
    """Module -> module it imports. Importing a.b.c runs the packages a and a.b first,
    so they count too, except the importer's own packages (already running)."""
    files = module_files()
    g = nx.DiGraph()
    g.add_nodes_from(files)
    for name, path in files.items():
        is_package = path.name == "__init__.py"
        own = {".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 2)}
        for dotted in _imported(ast.parse(path.read_text("utf-8")), name, is_package):
            parts = dotted.split(".")
            for i in range(1, len(parts) + 1):
                target = ".".join(parts[:i])
                if target in files and target not in own:
                    g.add_edge(name, target)
    return g


def test_the_import_graph_is_read():
    """The graph the other checks rely on sees the real imports."""
    g = import_graph()
    assert g.has_edge("graph.cli", "graph.actions")
    assert g.has_edge("graph.core.ladybug_store", "graph.core.schema")
    assert g.has_edge("loaders.load", "graph.core.store")


def test_no_import_cycles():
    g = import_graph()
    cycles = [sorted(c) for c in nx.strongly_connected_components(g) if len(c) > 1]
    assert not cycles, f"modules importing each other in a circle: {cycles}"


def test_a_cycle_would_be_caught():
    """The check above is real: two modules importing each other are one component."""
    g = import_graph()
    g.add_edge("graph.core.schema", "graph.cli")
    assert any(len(c) > 1 for c in nx.strongly_connected_components(g))


FORBIDDEN_FOR_CORE = ("loaders", "graph.cli", "graph.bench", "graph.actions", "ui", "app",
                      "customs_graph_app")


def test_the_core_imports_neither_cli_bench_loaders_nor_app():
    g = import_graph()
    bad = {(a, b) for a, b in g.edges
           if a.startswith("graph.core") and any(b == f or b.startswith(f + ".")
                                                   for f in FORBIDDEN_FOR_CORE)}
    assert not bad, f"the core reaches out of its room: {sorted(bad)}"


def test_the_core_reaches_only_the_core():
    """The core is the bottom layer: analysis, records and interchange build on it."""
    g = import_graph()
    bad = {(a, b) for a, b in g.edges
           if a.startswith("graph.core") and not b.startswith("graph.core")}
    assert not bad, sorted(bad)


# The rows of docs/architecture.md's picture, bottom first: a module imports only
# from its own room or a lower row.
LAYERS = (
    ("graph", "graph.core", "queries", "sample_data"),
    ("graph.analysis",),
    ("graph.records",),
    ("loaders",),
    ("graph.interchange", "graph.bench"),
    ("graph.actions",),
    ("graph.cli", "ui"),
    ("app",),
)


def room(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "graph" and len(parts) > 1 else parts[0]


def upward(g: nx.DiGraph) -> list[tuple[str, str]]:
    row = {r: i for i, rooms in enumerate(LAYERS) for r in rooms}
    return sorted((a, b) for a, b in g.edges
                  if room(a) != room(b) and row[room(a)] <= row[room(b)])


def test_imports_only_go_down_the_layers():
    g = import_graph()
    unplaced = {room(m) for m in g} - {r for rooms in LAYERS for r in rooms}
    assert not unplaced, f"rooms not in LAYERS (nor the picture): {unplaced}"
    assert not upward(g), f"imports reaching up or sideways: {upward(g)}"


def test_an_upward_import_would_be_caught():
    g = import_graph()
    g.add_edge("graph.records.audit", "graph.actions.core")  # records calling the door
    g.add_edge("graph.cli.log", "ui.common")  # the command line using the app's helpers
    assert upward(g) == [("graph.cli.log", "ui.common"),
                         ("graph.records.audit", "graph.actions.core")]


def _lines(path: Path) -> int:
    return len(path.read_text("utf-8").splitlines())


def test_modules_stay_small():
    files = {str(p.relative_to(ROOT)): p for p in module_files().values()}
    long = {f: _lines(p) for f, p in files.items() if _lines(p) > MAX_LINES}
    new = {f: n for f, n in long.items() if f not in TOO_LONG_FOR_NOW}
    assert not new, f"split these (over {MAX_LINES} lines): {new}"
    fixed = sorted(f for f in TOO_LONG_FOR_NOW if f not in long)
    assert not fixed, f"now short enough: take them off TOO_LONG_FOR_NOW: {fixed}"


def test_the_packaged_streamlit_settings_are_the_checkouts():
    """`streamlit run app.py` reads .streamlit/config.toml; `customs-graph app` passes
    ui/streamlit.toml (it ships in the wheel) as flags: the two must not drift."""
    import tomllib

    ours = tomllib.loads((ROOT / "ui" / "streamlit.toml").read_text("utf-8"))
    assert ours == tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text("utf-8"))


DOC = ROOT / "docs" / "architecture.md"


def test_every_file_named_in_the_architecture_doc_exists():
    """docs/architecture.md's lists of files to touch stay true: every path it names
    (in backticks, <name> standing for any) is in the tree."""
    import re

    named = set(re.findall(r"`((?:graph|loaders|ui|queries|sample_data|tests|docs)/[^`\s]*)`",
                           DOC.read_text("utf-8")))
    assert len(named) > 20
    missing = []
    for path in sorted(named):
        if "<" in path:  # a pattern: its folder must exist
            path = path[:path.index("<")]
        path = path.split("::")[0]
        if not (any(ROOT.glob(path)) if "*" in path else (ROOT / path).exists()):
            missing.append(path)
    assert not missing, f"docs/architecture.md names what is not there: {missing}"


def test_the_doc_draws_every_room():
    text = DOC.read_text("utf-8")
    rooms = [p.name for p in (ROOT / "graph").iterdir() if (p / "__init__.py").exists()]
    assert sorted(rooms) == ["actions", "analysis", "bench", "cli", "core", "interchange",
                             "records"]
    assert all(f"graph/{room}/" in text for room in rooms)
    for name, path in module_files().items():
        if name.startswith("graph.") and path.parent.name in ("core", "analysis", "records",
                                                              "interchange"):
            if path.stem != "__init__":
                assert path.stem in text, f"{name} is missing from the picture"
