"""The door (graph/actions): every command and every page goes through registered
actions; every action, for every role, is allowed or refused as graph.records.users.PERMISSIONS
says, masked where it must be, and audited once with its outcome."""

from __future__ import annotations

import ast
import csv
import json
import re
from pathlib import Path

import pytest
import typer

from graph import actions
from graph.actions import ACTIONS, Nobody
from graph.core.model import Node
from graph.records import audit, users
from graph.records.investigations import Chart
from tests.test_app_auth import downloads  # noqa: F401 - a fixture

ROOT = Path(__file__).resolve().parent.parent


# --- structure: nothing escapes the door -------------------------------------------------
def _commands(cmd, path=()):
    """(command path, callback) of every command of the CLI's tree, groups' callbacks too."""
    subs = getattr(cmd, "commands", None)
    if cmd.callback is not None and (subs is None or getattr(cmd, "invoke_without_command",
                                                              False)):
        yield " ".join(path), cmd.callback
    for name, sub in (subs or {}).items():
        yield from _commands(sub, (*path, name))


def cli_commands() -> dict[str, tuple[str, ...]]:
    import graph.cli

    tree = typer.main.get_command(graph.cli.app)
    return {path: getattr(cb, "__actions__", None) for path, cb in _commands(tree)}


def test_every_command_goes_through_registered_actions():
    found = cli_commands()
    assert len(found) >= 30 and "bench" in found and "users add" in found
    unmapped = sorted(p for p, acts in found.items() if not acts)
    assert not unmapped, f"commands not routed through graph/actions: {unmapped}"
    unknown = {p: a for p, acts in found.items() for a in acts if a not in ACTIONS}
    assert not unknown, f"commands naming unregistered actions: {unknown}"


def test_a_new_unmarked_command_is_caught():
    """The check above can fail: a command added without @uses is reported."""
    import graph.cli

    app = typer.Typer()
    app.add_typer(graph.cli.app, name="main")

    @app.command("sneaky")
    def sneaky():
        pass

    tree = typer.main.get_command(app)
    found = {p: getattr(cb, "__actions__", None) for p, cb in _commands(tree)}
    assert found["sneaky"] is None and found["main search"] == ("search",)


def _nav_pages() -> set[str]:
    text = (ROOT / "app.py").read_text(encoding="utf-8")
    return set(re.findall(r'_page\("(\w+)"', text))


def test_every_page_goes_through_registered_actions():
    from ui.pages import PAGE_ACTIONS

    files = {p.stem for p in (ROOT / "ui" / "pages").glob("*.py") if p.stem != "__init__"}
    assert files == _nav_pages(), "every page file is in the navigation and back"
    assert set(PAGE_ACTIONS) == files, f"pages without their actions: {files - set(PAGE_ACTIONS)}"
    unknown = {p: a for p, acts in PAGE_ACTIONS.items() for a in acts if a not in ACTIONS}
    assert not unknown


def _calls(path: Path) -> list[str]:
    """Dotted names of every call in a module (`auth.can`, `users.require`, ...)."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            f = node.func
            parts = []
            while isinstance(f, ast.Attribute):
                parts.append(f.attr)
                f = f.value
            if isinstance(f, ast.Name):
                parts.append(f.id)
            out.append(".".join(reversed(parts)))
    return out


CALL_SITE_CHECKS = {"require", "users.require", "auth.require", "cli_user", "users.cli_user",
                    "audit.record", "auth.record", "_allowed", "_audit", "_audit_user",
                    "_user"}


def test_no_caller_checks_roles_or_writes_the_trail_itself():
    """The CLI and the app are thin callers: no role check and no audit record outside
    the door (the sign-in gate records sign-ins)."""
    callers = [*ROOT.glob("graph/cli/*.py"), *ROOT.glob("graph/bench/*.py"), *ROOT.glob("ui/*.py"),
               *ROOT.glob("ui/pages/*.py"), ROOT / "app.py"]
    found = {}
    for path in callers:
        bad = [c for c in _calls(path) if c in CALL_SITE_CHECKS]
        if path.name == "auth.py":  # the sign-in gate: who is signed in, and sign-ins
            bad = [c for c in bad if c != "audit.record"]
        if bad:
            found[str(path.relative_to(ROOT))] = bad
    assert not found, f"checks outside the door: {found}"


def test_every_permission_of_an_action_is_in_the_one_table():
    for a in ACTIONS.values():
        assert a.permission in users.PERMISSIONS, a
        assert a.audit in audit.ACTIONS, a


# --- the matrix --------------------------------------------------------------------------
ROLES = ("nobody", "viewer", "analyst", "admin")


def actor(role: str):
    if role == "nobody":
        return Nobody("?", "sign-in required: users are set up, so set CUSTOMS_GRAPH_USER "
                      "and CUSTOMS_GRAPH_PASSWORD")
    return users.User(f"{role}-1", role)


def allowed(role: str, action: str) -> bool:
    return role != "nobody" and users.can(role, ACTIONS[action].permission)


def personal_values(folder: Path) -> set[str]:
    """Every passport number, birth date, phone, e-mail and address of a data set."""
    out = set()
    with open(folder / "persons.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            out.update(row[k] for k in ("date_of_birth", "passport_no", "phone", "email",
                                        "address"))
    with open(folder / "companies.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            out.update(row[k] for k in ("phone", "email", "address"))
    return {v.strip() for v in out if v and len(v.strip()) > 5}


def leaks(value, personal: set[str]) -> list[str]:
    text = json.dumps(value, ensure_ascii=False, default=_plain)
    return sorted(v for v in personal if v in text)


def _plain(v):
    if hasattr(v, "to_json"):
        return v.to_json()
    if hasattr(v, "__dataclass_fields__"):
        return {k: getattr(v, k) for k in v.__dataclass_fields__}
    return str(v)


SAMPLE = ROOT / "sample_data"
MINI = ROOT / "tests" / "data" / "mini"
PERSON = "Person:P000901"  # a cigar passenger: a shared phone, a passport, a birth date


def _first(s):
    return s.get(PERSON)


def _merges(s):
    return s.read("MATCH (x:Person)-[r:SAME_AS]->(y:Person) RETURN x.person_id, y.person_id")


class Env:
    def __init__(self, sample: str, mini: str, tmp: Path):
        self.sample, self.mini, self.tmp = sample, mini, tmp


def _inv(e) -> str:
    """An investigation of analyst-1's, shared with viewer-1, with one note (written
    straight to its storage: no audit record of its own)."""
    if not hasattr(e, "inv"):
        from graph.records import investigations as im

        with im.SqliteRecords() as recs:
            e.inv = recs.save(im.Investigation(
                im.new_id(), 0, "case", "analyst-1", ("viewer-1",), "open", im.Chart(),
                (im.Note("n1", "", "seen at HAN", "analyst-1", "t"),), "", "analyst-1",
                "created"), expect=0).id
    return e.inv


# action -> how to call it (actor, Env); every registered action is here.
CALLS = {
    "investigation.list": lambda a, e: actions.investigation_list(a, e.sample),
    "investigation.open": lambda a, e: actions.investigation_open(a, e.sample, _inv(e)),
    "investigation.versions": lambda a, e: actions.investigation_versions(a, e.sample, _inv(e)),
    "investigation.save": lambda a, e: actions.investigation_save(
        a, e.sample, Chart(),
        name="new case"),
    "investigation.duplicate": lambda a, e: actions.investigation_duplicate(a, e.sample, _inv(e),
                                                                            "copy"),
    "investigation.rename": lambda a, e: actions.investigation_rename(a, e.sample, _inv(e), "x"),
    "investigation.share": lambda a, e: actions.investigation_share(a, e.sample, _inv(e),
                                                                    add=["spare"]),
    "investigation.status": lambda a, e: actions.investigation_status(a, e.sample, _inv(e),
                                                                      "handed over"),
    "investigation.note": lambda a, e: actions.investigation_note(a, e.sample, _inv(e), "note"),
    "investigation.post": lambda a, e: actions.investigation_post(a, e.sample, _inv(e), "n1"),
    "investigation.export": lambda a, e: actions.investigation_export(a, e.sample, _inv(e),
                                                                      "json"),
    "search": lambda a, e: actions.search(a, e.sample, "Trần Văn Dũng"),
    "neighbours": lambda a, e: actions.neighbours(a, e.sample, PERSON),
    "summary": lambda a, e: actions.summary(a, e.sample, PERSON),
    "index.rebuild": lambda a, e: actions.index_rebuild(a, e.mini),
    "expand": lambda a, e: actions.expand(a, e.sample, [Node("Person", "P000901")]),
    "paths": lambda a, e: actions.paths(a, e.sample, PERSON, "Person:P000902"),
    "entity": lambda a, e: actions.entity(a, e.sample, PERSON),
    "counts": lambda a, e: actions.counts(a, e.sample),
    "routes": lambda a, e: actions.routes(a, e.sample, _first),
    "timeline": lambda a, e: actions.timeline(a, e.sample, _first),
    "overview": lambda a, e: actions.overview(a, e.sample, _first),
    "resolve.merges": lambda a, e: actions.merges(a, e.mini, _merges),
    "queries.list": lambda a, e: actions.queries_list(a),
    "query": lambda a, e: actions.query(a, e.sample, "entity_360", {"ref": PERSON}),
    "cypher": lambda a, e: actions.cypher(
        a, e.sample, "MATCH (p:Person {person_id: $id}) RETURN p, p.passport_no",
        {"id": "P000901"}),
    "analyse": lambda a, e: actions.analyse(a, e.sample, PERSON, hops=1),
    "risk": lambda a, e: actions.risk_scores(a, e.sample, [PERSON]),
    "export": lambda a, e: actions.export(a, e.sample, PERSON, 1, "json", e.tmp / "x.json"),
    "export.download": lambda a, e: actions.export_download(a, "graph", "json", "x.json",
                                                            lambda: b"{}"),
    "case": lambda a, e: actions.case_package(a, e.sample, PERSON, 1, e.tmp / "case.zip"),
    "case.verify": lambda a, e: actions.case_verify(a, e.tmp / "missing.zip"),
    "load": lambda a, e: actions.load(a, e.mini, MINI, rejects=e.tmp / "rejects.csv",
                                      progress=False),
    "neo4j-import": lambda a, e: actions.neo4j_import(a, lambda ctx: None),
    "bench": lambda a, e: actions.bench(a, 10, [f"ladybug://{e.tmp / 'bench' / 'g.lbug'}"],
                                        samples=1, budget_s=0.05, baseline=False,
                                        load_csv=False, data=e.tmp / "bench-data"),
    "resolve.list": lambda a, e: actions.resolve_list(a, e.mini, ["Person"]),
    "resolve.accept": lambda a, e: actions.resolve_accept(a, e.mini, "Person:P1", "Person:P2"),
    "resolve.reject": lambda a, e: actions.resolve_reject(a, "Person:P1", "Person:P2"),
    "resolve.undo": lambda a, e: actions.resolve_undo(a, e.mini, "Person:P1", "Person:P2"),
    "screen": lambda a, e: actions.screen_file(a, e.sample, SAMPLE / "watchlist.csv"),
    "screen.stored": lambda a, e: actions.screen_stored(a, e.sample),
    "alerts": lambda a, e: actions.alerts(a, e.sample),
    "watchlist.save": lambda a, e: actions.watchlist_save(a, SAMPLE / "watchlist.csv"),
    "serve": lambda a, e: actions.serve(a, "127.0.0.1", 8501),
    "log.add": lambda a, e: actions.log_add(a, "finding", "seen at HAN"),
    "log.show": lambda a, e: actions.log_show(a),
    "log.shifts": lambda a, e: actions.log_shifts(a),
    "log.verify": lambda a, e: actions.log_verify(a),
    "log.handover": lambda a, e: actions.log_handover(a, "day", e.tmp / "handover.md"),
    "log.audit": lambda a, e: actions.log_audit(a),
    "users.add": lambda a, e: actions.users_add(a, "newbie", "viewer", "a long password 1"),
    "users.remove": lambda a, e: actions.users_remove(a, "spare"),
    "users.role": lambda a, e: actions.users_role(a, "spare", "analyst"),
    "users.password": lambda a, e: actions.users_password(a, "spare", "another password 2"),
    "users.disable": lambda a, e: actions.users_disable(a, "spare"),
    "users.enable": lambda a, e: actions.users_enable(a, "spare"),
    "users.list": lambda a, e: actions.users_list(a),
    "users.single_user": lambda a, e: actions.users_single_user(a, True),
    "users.init": lambda a, e: actions.users_init(a, "first", "a long password 3"),
    "log.reanchor": lambda a, e: actions.log_reanchor(a),
    "users.whoami": lambda a, e: actions.users_whoami(a),
}


def test_every_action_is_in_the_matrix():
    assert set(CALLS) == set(ACTIONS)


@pytest.fixture(scope="module")
def mini_url(tmp_path_factory):
    from graph.core.stores import open_store
    from loaders.load import load_folder

    folder = tmp_path_factory.mktemp("mini")
    url = f"ladybug://{folder / 'graph.lbug'}"
    with open_store(url) as s:
        load_folder(s, MINI, rejects_file=folder / "rejects.csv", progress=False)
    return url


@pytest.fixture(scope="module")
def users_file(tmp_path_factory) -> bytes:
    """A users file with an admin and a spare viewer, hashed once for the module."""
    path = tmp_path_factory.mktemp("users") / "users.json"
    us = users.UserStore(path)
    us.add("admin-1", "admin", "a long password 0")
    us.add("spare", "viewer", "a long password 9")
    return path.read_bytes()


def _state(tmp_path: Path) -> Path:
    """The test's own state folder (the platform data folder under XDG_DATA_HOME)."""
    folder = tmp_path / "xdg" / "customs-graph"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def env(sample_lbug_url, mini_url, users_file, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    (_state(tmp_path) / "users.json").write_bytes(users_file)
    return Env(sample_lbug_url, mini_url, tmp_path)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(CALLS))
def test_the_door_allows_refuses_and_records(name, role, env):
    """Allowed or refused as graph.records.users.PERMISSIONS says, and one audit record with
    the outcome either way."""
    before = len(audit.list())
    try:
        CALLS[name](actor(role), env)
        outcome = "allowed"
    except users.AuthError:
        # An allowed action may still fail on its own terms (`users init` once users
        # exist); the record must then say failed, and a refusal only where not allowed.
        outcome = "failed" if allowed(role, name) else "refused"
    except Exception:  # noqa: BLE001 - an allowed action that failed (e.g. a missing file)
        outcome = "failed"
    if not allowed(role, name):
        assert outcome == "refused", f"{role} was let through to {name}"
    new = audit.list()[before:]
    assert len(new) == 1, [r.to_json() for r in new]
    assert new[0].details["action"] == name and new[0].details["outcome"] == outcome
    assert new[0].action == ACTIONS[name].audit
    assert new[0].who == ("?" if role == "nobody" else f"{role}-1")
    if outcome == "refused":
        assert new[0].details["error"]


def test_a_refused_bench_leaves_the_store_alone(env, tmp_path):
    """The bench empties Neo4j databases: refused to everyone but an admin, before
    anything is touched (here: a fresh path is not even created)."""
    target = tmp_path / "bench" / "g.lbug"
    for role in ("nobody", "viewer", "analyst"):
        with pytest.raises(users.AuthError):
            CALLS["bench"](actor(role), env)
        assert not target.exists() and not (tmp_path / "bench-data").exists()


# --- masking -----------------------------------------------------------------------------
READS = ("search", "neighbours", "expand", "paths", "entity", "routes", "timeline",
         "overview", "query", "analyse", "risk", "alerts")


@pytest.fixture(scope="module")
def personal():
    return personal_values(SAMPLE)


@pytest.mark.parametrize("name", READS)
def test_a_viewer_gets_no_personal_data(name, env, personal):
    actions.watchlist_save(actor("admin"), SAMPLE / "watchlist.csv")  # alerts to show
    got = CALLS[name](actor("viewer"), env)
    assert got, "something came back"
    assert not leaks(got, personal), name


def test_an_analyst_gets_personal_data(env, personal):
    """The check above can fail: the same reads give an analyst the planted data."""
    sub = CALLS["neighbours"](actor("analyst"), env)
    assert {"C3640220", "+84943972816"} <= set(leaks(sub, personal))
    res = CALLS["query"](actor("analyst"), env)
    assert "+84943972816" in leaks(res, personal)


def test_a_viewer_cannot_find_by_passport_or_phone(env):
    analyst = actions.search(actor("analyst"), env.sample, "C3640220")
    assert [n.id for n in analyst.nodes][:1] == [PERSON]  # the passport does find him ...
    for text in ("C3640220", "+84943972816", "1978-05-14"):  # ... not for a viewer
        found = actions.search(actor("viewer"), env.sample, text)
        assert (found.results, found.total) == ([], 0), text
    named = actions.search(actor("viewer"), env.sample, "Trần Văn Dũng")
    assert PERSON in [n.id for n in named.nodes]


def test_a_pseudonym_leads_back_through_the_door_only(env):
    """A viewer's phone node comes as Phone:[masked] n; the same session's masker
    expands it (the app's working graph), a fresh one cannot."""
    m = actions.Masker("viewer")
    sub = actions.neighbours(actor("viewer"), env.sample, PERSON, masker=m)
    (phone,) = [i for i in sub.nodes if i.startswith("Phone:")]
    assert phone == "Phone:[masked] 1"
    around = actions.neighbours(actor("viewer"), env.sample, phone, masker=m)
    assert PERSON in around.nodes and "Person:P000902" in around.nodes
    from graph.core.errors import NotFound

    with pytest.raises(NotFound):
        actions.neighbours(actor("viewer"), env.sample, phone)


def test_query_limits_are_capped():
    assert actions.query_limits("viewer", 10**9, 10**6) == (1000, 30)
    assert actions.query_limits("analyst", 10**9, 10**6) == (actions.MAX_ROWS,
                                                            actions.MAX_TIMEOUT_S)
    assert actions.query_limits("analyst", 50, 5) == (50, 5)


# --- through the real command line -------------------------------------------------------
def cli(*args, env: dict, role: str | None):
    import os
    import subprocess
    import sys

    e = {k: v for k, v in os.environ.items()
         if k not in (users.ENV_USER, users.ENV_PASSWORD)}
    e.update(env)
    if role:
        e.update({users.ENV_USER: f"{role}-1", users.ENV_PASSWORD: f"{role} password 1"})
    return subprocess.run([sys.executable, "-m", "graph.cli", *map(str, args)], env=e,
                          capture_output=True, text=True, timeout=600)


@pytest.fixture
def signed(tmp_path):
    """A users file with one user per role, and a log of the test's own, for subprocesses."""
    us = users.UserStore(_state(tmp_path) / "users.json")
    for role in ("admin", "analyst", "viewer"):
        us.add(f"{role}-1", role, f"{role} password 1")
    return {"XDG_DATA_HOME": str(tmp_path / "xdg")}


def _trail(env: dict) -> list:
    return audit.list(log=Path(env["XDG_DATA_HOME"]) / "customs-graph" / "dutylog.sqlite3")


def test_cli_bench_against_neo4j_is_refused_to_nobody_and_viewers(sample_neo4j_url, signed):
    from graph.core.stores import open_store

    with open_store(sample_neo4j_url) as s:
        before = s.counts()
    for role in (None, "viewer", "analyst"):
        done = cli("bench", "--store", sample_neo4j_url, "--yes", "--persons", "10",
                   "--no-baseline", env=signed, role=role)
        assert done.returncode == 1, done.stderr
        assert ("sign-in required" if role is None else "may not run benchmarks") in done.stderr
    with open_store(sample_neo4j_url) as s:
        assert s.counts() == before
    refused = [(r.who, r.details["outcome"]) for r in _trail(signed) if r.action == "bench"]
    assert refused == [("?", "refused"), ("viewer-1", "refused"), ("analyst-1", "refused")]


def test_cli_viewer_cannot_merge_pack_or_find_by_passport(sample_lbug_url, signed, tmp_path):
    same_as = "MATCH ()-[r:SAME_AS]->() RETURN count(r)"
    admin = cli("cypher", same_as, "--json", "--store", sample_lbug_url, env=signed,
                role="admin")
    before = json.loads(admin.stdout)["rows"]
    done = cli("resolve", "accept", PERSON, "Person:P000902", "--store", sample_lbug_url,
               env=signed, role="viewer")
    assert done.returncode == 1 and "may not decide merges" in done.stderr
    after = cli("cypher", same_as, "--json", "--store", sample_lbug_url, env=signed,
                role="admin")
    assert json.loads(after.stdout)["rows"] == before
    done = cli("case", PERSON, "-o", tmp_path / "x.zip", "--store", sample_lbug_url,
               env=signed, role="viewer")
    assert done.returncode == 1 and not (tmp_path / "x.zip").exists()
    done = cli("search", "C3640220", "--json", "--store", sample_lbug_url, env=signed,
               role="viewer")
    assert done.returncode == 0 and json.loads(done.stdout)["results"] == []
    done = cli("neighbours", PERSON, "--json", "--store", sample_lbug_url, env=signed,
               role="viewer")
    assert done.returncode == 0
    assert not leaks(json.loads(done.stdout), personal_values(SAMPLE))
    outcomes = [(r.details["action"], r.details["outcome"]) for r in _trail(signed)
                if r.who == "viewer-1"]
    assert outcomes == [("resolve.accept", "refused"), ("case", "refused"),
                        ("search", "allowed"), ("summary", "allowed"),
                        ("neighbours", "allowed")]


def test_every_failing_command_is_recorded(sample_lbug_url, signed):
    done = cli("neighbours", "Person:NOBODY", "--store", sample_lbug_url, env=signed,
               role="analyst")
    assert done.returncode == 1
    done = cli("export", PERSON, "--format", "nonsense", "-o", "x", env=signed, role="analyst")
    assert done.returncode == 2
    done = cli("search", "x", "--store", sample_lbug_url, env=signed, role=None)
    assert done.returncode == 1
    door = [r for r in _trail(signed) if "outcome" in r.details]  # not the state's own
    got = [(r.who, r.action, r.details.get("action") or r.details.get("command"),
            r.details["outcome"]) for r in door]
    # A command that fails before it signs in (bad usage) is the OS account's, with
    # the name it claimed in the details.
    assert got == [("analyst-1", "read", "summary", "failed"),  # the counts come first
                   (users.local_user_name(), "command", "export", "failed"),
                   ("?", "search", "search", "refused")]
    assert all(r.details.get("error") for r in door)


def test_the_app_listens_on_this_machine_only_unless_told(signed, tmp_path):
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["address"] == "127.0.0.1"
    single = {"XDG_DATA_HOME": str(tmp_path / "fresh")}  # a fresh state: single-user mode
    done = cli("app", "--host", "0.0.0.0", env=single, role=None)
    assert done.returncode == 2
    assert "single-user mode" in done.stderr and "--allow-single-user-network" in done.stderr
    # with users, serving is an admin's action through the door
    done = cli("app", "--host", "0.0.0.0", env=signed, role="viewer")
    assert done.returncode == 1 and "may not serve the app" in done.stderr


# --- the app's pages, as a viewer --------------------------------------------------------
def test_every_page_as_a_viewer_shows_no_personal_data_and_records_through_the_door(
        env, downloads, monkeypatch):  # noqa: F811 - the fixture imported above
    from graph.core.stores import ENV_STORE
    from tests.test_app_auth import (
        PASSWORDS,
        _app,
        _leaks,
        _open_explore,
        _output,
        _page,
        _sign_in,
    )
    from ui.pages import PAGE_ACTIONS

    monkeypatch.setenv(ENV_STORE, env.sample)
    users.UserStore().add("chi", "viewer", PASSWORDS["chi"])
    actions.watchlist_save(actor("admin"), SAMPLE / "watchlist.csv")  # alerts to show
    at = _sign_in(_app(), "chi")
    _open_explore(at, "P000901")  # a working graph for the pages that show it
    for name in PAGE_ACTIONS:
        downloads.clear()
        blob = _output(_page(at, name), downloads)
        assert not _leaks(blob), name
    records = [r for r in audit.list() if r.action != "sign_in" and r.who == "chi"]
    assert records and all(r.details["where"] == "app" and r.details["outcome"] for r in records)
    used = {r.details["action"] for r in records}
    assert used <= {"counts", *(a for acts in PAGE_ACTIONS.values() for a in acts)}
    assert {"search", "neighbours", "alerts", "counts"} <= used
