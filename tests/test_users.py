"""Users on a real users file: argon2 hashes, roles, single-user mode, masking,
identity-provider (OIDC) users, the file locked across processes, and the command
line honouring roles."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from graph.cli import log as cli_log
from graph.core.model import Node, Subgraph
from graph.records import users
from graph.records.dutylog import DutyLog
from graph.records.users import AuthError, UserStore

PASSWORDS = {"ada": "correct horse battery", "bao": "staple-9-battery", "chi": "viewer pass 1"}


pytestmark = pytest.mark.usefixtures("local_officer")


@pytest.fixture
def store(tmp_path) -> UserStore:
    s = UserStore(tmp_path / "users.json")
    s.add("ada", "admin", PASSWORDS["ada"])
    s.add("bao", "analyst", PASSWORDS["bao"])
    s.add("chi", "viewer", PASSWORDS["chi"])
    return s


def test_passwords_are_hashed_never_stored(store):
    raw = store.path.read_text(encoding="utf-8")
    for pw in PASSWORDS.values():
        assert pw not in raw
    data = json.loads(raw)["users"]
    hashes = [u["password_hash"] for u in data.values()]
    assert all(h.startswith("$argon2id$") for h in hashes)
    assert len(set(h.split("$")[-2] for h in hashes)) == 3  # a salt each
    if os.name == "posix":
        assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert not list(store.path.parent.glob(".users-*"))  # no temporary file left


def test_authenticate(store):
    assert users.authenticate("bao", PASSWORDS["bao"], store.path) == users.User("bao", "analyst")
    with pytest.raises(AuthError, match="wrong user name or password"):
        store.authenticate("bao", PASSWORDS["ada"])
    with pytest.raises(AuthError, match="wrong user name or password"):
        store.authenticate("nobody", PASSWORDS["ada"])
    with pytest.raises(AuthError):
        store.authenticate("bao", "")


def test_user_changes(store):
    assert [(u.name, u.role) for u in store.users()] == [("ada", "admin"), ("bao", "analyst"),
                                                          ("chi", "viewer")]
    with pytest.raises(AuthError, match="exists already"):
        store.add("bao", "viewer", "another password")
    with pytest.raises(AuthError, match="at least 8"):
        store.add("dan", "viewer", "short")
    with pytest.raises(AuthError, match="unknown role"):
        store.add("dan", "boss", "long enough password")
    with pytest.raises(AuthError, match="bad user name"):
        store.add("a b", "viewer", "long enough password")
    assert store.set_role("chi", "analyst").role == "analyst"
    with pytest.raises(AuthError, match="last admin"):
        store.set_role("ada", "viewer")
    with pytest.raises(AuthError, match="last admin"):
        store.remove("ada")
    store.remove("chi")
    assert [u.name for u in store.users()] == ["ada", "bao"]
    store.set_password("bao", "a new password")
    assert store.authenticate("bao", "a new password").role == "analyst"


def test_the_first_user_is_an_admin(tmp_path):
    s = UserStore(tmp_path / "u.json")
    with pytest.raises(AuthError, match="first user must be an admin"):
        s.add("bao", "analyst", PASSWORDS["bao"])
    s.add("ada", "admin", PASSWORDS["ada"])
    assert not s.single_user_on()  # the first user ended single-user mode
    # the last admin stays until single-user mode is chosen again (never by default)
    with pytest.raises(AuthError, match="last admin"):
        s.remove("ada")
    s.set_single_user(True, "ada")
    s.remove("ada")
    assert s.is_empty() and s.single_user_on()


def test_one_table_of_permissions():
    allowed = {r: {a for a in users.PERMISSIONS if users.can(r, a)} for r in users.ROLES}
    assert allowed["viewer"] == {"use", "explore", "query"}
    assert allowed["analyst"] == allowed["viewer"] | {"see_personal", "log_read", "log_write",
                                                      "export", "merge", "cypher", "screen",
                                                      "investigate"}
    assert allowed["admin"] == set(users.PERMISSIONS)
    with pytest.raises(AuthError):
        users.can("viewer", "fly")
    with pytest.raises(AuthError):
        users.can("boss", "explore")
    with pytest.raises(AuthError, match=r"chi \(viewer\) may not export data"):
        users.require(users.User("chi", "viewer"), "export")


def test_single_user_mode_then_sign_in(tmp_path, monkeypatch):
    me = users.cli_user()
    assert me == users.User(users.local_user_name(), "admin", local=True)
    UserStore().add("ada", "admin", PASSWORDS["ada"])
    assert not users.single_user()
    with pytest.raises(AuthError, match="sign-in required"):
        users.cli_user()
    monkeypatch.setenv(users.ENV_USER, "ada")
    monkeypatch.setenv(users.ENV_PASSWORD, "wrong password")
    with pytest.raises(AuthError, match="wrong user name or password"):
        users.cli_user()
    monkeypatch.setenv(users.ENV_PASSWORD, PASSWORDS["ada"])
    assert users.cli_user() == users.User("ada", "admin")


def test_masking_for_viewers():
    person = {"person_id": "P000901", "full_name": "NGUYEN VAN A", "passport_no": "B1234567",
              "date_of_birth": "1980-01-02", "nationality": "VN", "ref": "Person:P000901",
              "search_text": "p000901 nguyen van a b1234567", "source": "persons.csv:2"}
    masked = users.mask(person, "viewer")
    assert masked["passport_no"] == masked["date_of_birth"] == users.MASK
    assert masked["search_text"] == users.MASK  # it holds the passport number too
    assert masked["full_name"] == "NGUYEN VAN A" and masked["ref"] == "Person:P000901"
    assert users.mask(person, "analyst") == person and users.mask(person, "admin") == person
    phone = {"number": "+84901234567", "ref": "Phone:+84901234567", "source": "x"}
    assert users.mask(phone, "viewer") == {"number": users.MASK, "ref": users.MASK,
                                           "source": "x"}
    assert users.mask({"text": "12 Nguyen Hue"}, "viewer", "Address")["text"] == users.MASK
    assert users.mask({"email": "a@b.vn"}, "viewer")["email"] == users.MASK  # label unknown
    assert users.mask({"passport_no": ""}, "viewer") == {"passport_no": ""}
    assert users.mask_ref("Phone:+84901234567", "viewer") == "Phone:[masked]"
    assert users.mask_ref("Container:WHSU5018375", "viewer") == "Container:WHSU5018375"
    assert users.mask_ref("Phone:+84901234567", "analyst") == "Phone:+84901234567"
    # an address's key is its text, folded: as personal as the text
    assert users.mask_ref("Address:73 pho hue ha noi", "viewer") == "Address:[masked]"
    assert users.mask({"address_key": "73 pho hue", "text": "73 Phố Huế"}, "viewer",
                      "Address") == {"address_key": users.MASK, "text": users.MASK}
    sub = Subgraph({"Person:P000901": Node("Person", "P000901", person)})
    shown = users.mask_subgraph(sub, "viewer")
    assert shown.nodes["Person:P000901"].properties["passport_no"] == users.MASK
    assert sub.nodes["Person:P000901"].properties["passport_no"] == "B1234567"  # not changed


# --- command line ---------------------------------------------------------------------
def cli(capsys, *args) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as ex:
        cli_log.main([str(a) for a in args])
    out = capsys.readouterr()
    return ex.value.code, out.out, out.err


def _as(monkeypatch, name: str) -> None:
    monkeypatch.setenv(users.ENV_USER, name)
    monkeypatch.setenv(users.ENV_PASSWORD, PASSWORDS[name])


def test_cli_users_and_roles(capsys, monkeypatch, tmp_path):
    code, out, _ = cli(capsys, "users", "list")
    assert code == 0 and "single-user mode" in out
    code, out, err = cli(capsys, "users", "add", "bao", "--role", "analyst",
                         "--password", PASSWORDS["bao"])
    assert code == 1 and "first user must be an admin" in err
    code, out, _ = cli(capsys, "users", "add", "ada", "--role", "admin",
                       "--password", PASSWORDS["ada"])
    assert (code, out) == (0, "added ada (admin)\n")
    # users exist: the command line must sign in
    code, _, err = cli(capsys, "users", "list")
    assert code == 1 and err.startswith("error: sign-in required") and err.count("\n") == 1
    code, _, err = cli(capsys, "log", "add", "--text", "x")
    assert code == 1 and "sign-in required" in err
    _as(monkeypatch, "ada")
    monkeypatch.setenv(users.ENV_NEW_PASSWORD, PASSWORDS["bao"])  # the script way
    assert cli(capsys, "users", "add", "bao", "--role", "analyst")[0] == 0
    monkeypatch.delenv(users.ENV_NEW_PASSWORD)
    assert cli(capsys, "users", "add", "chi", "--role", "viewer",
               "--password", PASSWORDS["chi"])[0] == 0
    code, out, _ = cli(capsys, "users", "list", "--json")
    assert [(u["name"], u["role"], u["sign_in"], u["disabled"])
            for u in json.loads(out)["users"]] == [("ada", "admin", "password", False),
                                                   ("bao", "analyst", "password", False),
                                                   ("chi", "viewer", "password", False)]
    assert cli(capsys, "users", "add", "dan", "--role", "boss", "--password", "x" * 9)[0] == 2
    code, _, err = cli(capsys, "users", "add", "dan", "--role", "viewer")  # no password given
    assert code == 1 and "no password" in err
    # a viewer may not write the log, nor manage users
    _as(monkeypatch, "chi")
    code, _, err = cli(capsys, "log", "add", "--text", "x")
    assert code == 1 and err == ("error: chi (viewer) may not write duty log entries: "
                                 "the analyst or admin role is needed\n")
    assert cli(capsys, "log", "show")[0] == 1
    # an analyst writes in their own name only, and may not manage users
    _as(monkeypatch, "bao")
    code, out, _ = cli(capsys, "log", "add", "--text", "seen", "--json")
    assert code == 0 and json.loads(out)["analyst"] == "bao"
    code, _, err = cli(capsys, "log", "add", "--text", "seen", "--analyst", "ada")
    assert code == 1 and "another analyst's name" in err
    code, _, err = cli(capsys, "users", "role", "chi", "admin")
    assert code == 1 and "may not manage users" in err
    monkeypatch.setenv(users.ENV_PASSWORD, "not bao's password")
    code, _, err = cli(capsys, "log", "show")
    assert code == 1 and err == "error: wrong user name or password\n"
    # the admin changes roles; the changes are in the audit trail
    _as(monkeypatch, "ada")
    assert cli(capsys, "users", "role", "chi", "analyst")[0] == 0
    assert cli(capsys, "users", "remove", "chi")[0] == 0
    code, _, err = cli(capsys, "users", "remove", "ada")
    assert code == 1 and "last admin" in err
    code, out, _ = cli(capsys, "log", "audit", "--action", "user", "--json")
    records = json.loads(out)["records"]
    changes = [(r["who"], r["details"]["change"], r["details"]["name"])
               for r in records if r["details"]["outcome"] == "allowed"]
    assert changes == [(users.local_user_name(), "add", "ada"), ("ada", "add", "bao"),
                       ("ada", "add", "chi"), ("ada", "role", "chi"), ("ada", "remove", "chi")]
    # refused and failed attempts are in the trail too (the actions layer records them)
    assert [(r["who"], r["details"]["action"]) for r in records
            if r["details"]["outcome"] == "refused"] == [("bao", "users.role")]
    assert ("ada", "remove", "ada") in [(r["who"], r["details"]["change"], r["details"]["name"])
                                        for r in records if r["details"]["outcome"] == "failed"]
    code, out, _ = cli(capsys, "users", "whoami", "--json")
    assert json.loads(out)["role"] == "admin"
    raw = users.default_users_path().read_text(encoding="utf-8")
    assert all(pw not in raw for pw in PASSWORDS.values())
    with DutyLog() as dl:
        assert [e.analyst for e in dl.entries()] == ["bao"]


# --- identity-provider (OIDC) users -----------------------------------------------------
def test_oidc_identity_maps_to_its_registered_role(store):
    u = store.add("Lan.Tran@customs.gov.vn", "analyst", oidc=True)
    assert u == users.User("Lan.Tran@customs.gov.vn", "analyst", oidc=True)
    raw = json.loads(store.path.read_text(encoding="utf-8"))["users"]
    assert raw["Lan.Tran@customs.gov.vn"]["oidc"] is True
    assert "password_hash" not in raw["Lan.Tran@customs.gov.vn"]
    # the e-mail matches case-blind, whatever else the provider sends
    claims = {"is_logged_in": True, "email": "lan.tran@CUSTOMS.gov.vn", "sub": "00u1x",
              "name": "Lan", "email_verified": True}
    assert users.oidc_user(claims, store.path) == u
    # a user registered by subject id (a provider that sends no e-mail)
    store.add("00u9abc", "viewer", oidc=True)
    assert store.oidc_user({"is_logged_in": True, "sub": "00u9abc"}).role == "viewer"
    # the role is the users file's, now: an admin's change shows at the next sign-in
    store.set_role("Lan.Tran@customs.gov.vn", "viewer")
    assert store.oidc_user(claims).role == "viewer"
    assert store.get("Lan.Tran@customs.gov.vn").oidc


def test_unknown_identity_is_refused_never_given_a_role(store):
    with pytest.raises(AuthError, match=r"minh@customs\.gov\.vn is not registered: an admin "
                                        r"must add it with `customs-graph users add"):
        store.oidc_user({"is_logged_in": True, "email": "minh@customs.gov.vn", "sub": "s1"})
    with pytest.raises(AuthError, match="neither an e-mail address nor a subject id"):
        store.oidc_user({"is_logged_in": True})
    # a password user of that name is not the provider's to sign in
    store.add("bao@customs.gov.vn", "analyst", "a long password")
    with pytest.raises(AuthError, match="signs in with a password here"):
        store.oidc_user({"email": "bao@customs.gov.vn"})
    # an e-mail the provider says it has not verified is not matched
    store.add("chi@customs.gov.vn", "viewer", oidc=True)
    with pytest.raises(AuthError, match="not registered"):
        store.oidc_user({"email": "chi@customs.gov.vn", "email_verified": False, "sub": "x"})


def test_disabled_users_are_refused_both_ways(store):
    store.add("lan@customs.gov.vn", "analyst", oidc=True)
    store.set_disabled("lan@customs.gov.vn")
    store.set_disabled("bao")
    with pytest.raises(AuthError, match="disabled"):
        store.oidc_user({"email": "lan@customs.gov.vn"})
    with pytest.raises(AuthError, match="disabled"):
        store.authenticate("bao", PASSWORDS["bao"])
    with pytest.raises(AuthError, match="disabled"):
        store.get("bao")  # a signed-in session ends at its next run
    with pytest.raises(AuthError, match="last admin"):
        store.set_disabled("ada")
    store.set_disabled("bao", False)
    assert store.authenticate("bao", PASSWORDS["bao"]).role == "analyst"
    assert "disabled" not in store.entries()["bao"]


def test_oidc_users_have_no_password(store):
    with pytest.raises(AuthError, match="no password"):
        store.add("lan@customs.gov.vn", "analyst", "a long password", oidc=True)
    store.add("lan@customs.gov.vn", "analyst", oidc=True)
    with pytest.raises(AuthError, match="exists already"):
        store.add("LAN@customs.gov.vn", "viewer", oidc=True)
    with pytest.raises(AuthError, match="wrong user name or password"):
        store.authenticate("lan@customs.gov.vn", "")
    with pytest.raises(AuthError, match="has no password"):
        store.set_password("lan@customs.gov.vn", "a long password")
    assert store.has_passwords()
    only = UserStore(store.path.parent / "oidc-only.json")
    only.add("ada@customs.gov.vn", "admin", oidc=True)
    assert not only.has_passwords()


def test_cli_oidc_users(capsys, monkeypatch):
    assert cli(capsys, "users", "add", "x@y.vn", "--role", "admin", "--oidc",
               "--password", "a long password")[0] == 2
    code, out, _ = cli(capsys, "users", "add", "ada@customs.gov.vn", "--role", "admin",
                       "--oidc")
    assert (code, out) == (0, "added ada@customs.gov.vn (admin, identity provider)\n")
    # the command line has no identity provider: a password admin runs it from now on
    UserStore().add("root", "admin", PASSWORDS["ada"])
    monkeypatch.setenv(users.ENV_USER, "root")
    monkeypatch.setenv(users.ENV_PASSWORD, PASSWORDS["ada"])
    assert cli(capsys, "users", "add", "bao@customs.gov.vn", "--role", "analyst",
               "--oidc")[0] == 0
    code, out, _ = cli(capsys, "users", "disable", "bao@customs.gov.vn")
    assert (code, out) == (0, "bao@customs.gov.vn is disabled\n")
    code, out, _ = cli(capsys, "users", "list", "--json")
    listed = {u["name"]: u for u in json.loads(out)["users"]}
    assert listed["bao@customs.gov.vn"] == {"name": "bao@customs.gov.vn", "role": "analyst",
                                            "sign_in": "oidc", "disabled": True}
    assert listed["root"]["sign_in"] == "password"
    assert cli(capsys, "users", "enable", "bao@customs.gov.vn")[0] == 0
    from graph.records import audit

    changes = [(r.details["change"], r.details["name"]) for r in audit.list(action="user")]
    assert changes == [("add", "ada@customs.gov.vn"), ("add", "bao@customs.gov.vn"),
                       ("disable", "bao@customs.gov.vn"), ("enable", "bao@customs.gov.vn")]


# --- the file, locked across processes ----------------------------------------------------
_ADDER = """
import sys, time
from graph.records.users import UserStore

path, who, n, start = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
while time.time() < start:  # every process starts at once
    time.sleep(0.001)
store = UserStore(path)
for i in range(n):
    store.add(f"{who}-{i}@customs.gov.vn", "viewer", oidc=True)
    store.set_role(f"{who}-{i}@customs.gov.vn", "analyst")
"""


def test_concurrent_changes_lose_no_user(tmp_path):
    import time

    path = tmp_path / "users.json"
    UserStore(path).add("ada", "admin", PASSWORDS["ada"])
    procs, n = 6, 15
    start = time.time() + 1.5
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    running = [subprocess.Popen([sys.executable, "-c", _ADDER, str(path), f"p{k}", str(n),
                                 str(start)], env=env, stderr=subprocess.PIPE, text=True)
               for k in range(procs)]
    for p in running:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    store = UserStore(path)
    found = {u.name: u.role for u in store.users()}
    assert len(found) == 1 + procs * n
    assert all(found[f"p{k}-{i}@customs.gov.vn"] == "analyst"
               for k in range(procs) for i in range(n))
    assert not list(tmp_path.glob(".users-*"))  # no temporary file left behind


# --- failing closed: the users file and the state folder ----------------------------------
def _run_cli(*args, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
           **(env_extra or {})}
    for k in (users.ENV_USER, users.ENV_PASSWORD):
        if k not in (env_extra or {}):
            env.pop(k, None)
    return subprocess.run([sys.executable, "-m", "graph.cli", *args], env=env,
                          capture_output=True, text=True, timeout=300)


def test_the_environment_cannot_move_the_users_file(tmp_path):
    """The reported attack: CUSTOMS_GRAPH_USERS=/nonexistent CUSTOMS_GRAPH_USER=alice ran
    as a single-user admin named alice."""
    UserStore().add("ada", "admin", PASSWORDS["ada"])
    attack = {"CUSTOMS_GRAPH_USERS": "/nonexistent", "CUSTOMS_GRAPH_LOG": str(tmp_path / "x"),
              users.ENV_USER: "alice"}
    done = _run_cli("users", "whoami", env_extra=attack)
    assert done.returncode == 1 and done.stderr.startswith("error: sign-in required")
    done = _run_cli("log", "audit", env_extra=attack)
    assert done.returncode == 1 and not done.stdout
    assert not (tmp_path / "x").exists()
    from graph.records import audit

    assert "alice" not in {r.who for r in audit.list()}


def test_a_missing_users_file_refuses_service(monkeypatch):
    UserStore().add("ada", "admin", PASSWORDS["ada"])
    users.default_users_path().unlink()
    with pytest.raises(AuthError, match="users file .* is missing, but the anchor file says"):
        users.cli_user()
    with pytest.raises(AuthError, match="is missing"):
        users.single_user()
    with pytest.raises(AuthError, match="is missing"):
        UserStore().add("eve", "admin", PASSWORDS["ada"])  # nor made again by a change
    # the anchor file gone too: the audit trail still knows users were set up
    from graph.records import anchor
    from graph.records.dutylog import default_log_path

    anchor.path_for(default_log_path()).unlink()
    with pytest.raises(AuthError, match="the audit trail records"):
        users.cli_user()
    assert not users.default_users_path().exists()
    done = _run_cli("users", "whoami")
    assert done.returncode == 1 and "is missing" in done.stderr


@pytest.mark.parametrize("damage", ["directory", "garbage", "not users", "chmod 000"])
def test_an_unreadable_or_foreign_users_file_refuses_service(damage):
    UserStore().add("ada", "admin", PASSWORDS["ada"])
    p = users.default_users_path()
    if damage == "directory":
        p.unlink()
        p.mkdir()
    elif damage == "garbage":
        p.write_bytes(b"\x00\xff not json")
    elif damage == "not users":
        p.write_text('{"users": ["ada"]}', encoding="utf-8")
    else:
        if os.geteuid() == 0:
            pytest.skip("root reads a file whatever its mode")
        p.chmod(0)
    with pytest.raises(AuthError, match="refusing service"):
        users.cli_user()
    with pytest.raises(AuthError, match="refusing service"):
        users.single_user()
    done = _run_cli("users", "whoami")
    assert done.returncode == 1 and "refusing service" in done.stderr


def test_single_user_mode_is_a_recorded_choice(capsys, monkeypatch):
    from graph.records import audit

    me = users.local_user_name()
    # a fresh state: the first run starts single-user mode, recorded
    assert users.cli_user() == users.User(me, "admin", local=True)
    state = UserStore().single_user_state()
    assert (state["on"], state["by"], state["reason"]) == (True, me, "first run")
    code, _, err = cli(capsys, "users", "single-user", "off")
    assert code == 1 and "single-user mode stays on until an admin" in err
    # adding the first user ends it
    assert cli(capsys, "users", "add", "ada", "--role", "admin", "--password",
               PASSWORDS["ada"])[0] == 0
    assert not users.single_user()
    assert UserStore().single_user_state()["reason"] == "first user added"
    _as(monkeypatch, "ada")
    code, out, _ = cli(capsys, "users", "single-user", "on")
    assert (code, out) == (0, "single-user mode is on (by ada)\n")
    monkeypatch.delenv(users.ENV_USER)
    monkeypatch.delenv(users.ENV_PASSWORD)
    assert users.cli_user().local  # the local user is the admin who may turn it off
    assert cli(capsys, "users", "single-user", "off")[0] == 0
    with pytest.raises(AuthError, match="sign-in required"):
        users.cli_user()
    recs = [(r.who, r.details["on"], r.details["reason"], r.details.get("outcome"))
            for r in audit.list(action="single_user")]
    assert recs == [(me, True, "first run", None),
                    (me, False, "command", "failed"),  # "off" with no admin yet
                    (me, False, "first user added", None),
                    ("ada", True, "command", "allowed"), (me, False, "command", "allowed")]


def test_single_user_mode_never_takes_a_name_from_the_environment(capsys, monkeypatch):
    from graph.records import audit

    monkeypatch.setenv(users.ENV_USER, "alice")
    with pytest.raises(AuthError, match="single-user mode: commands run as the OS user"):
        users.cli_user()
    code, _, err = cli(capsys, "log", "add", "--text", "written by whom?")
    assert code == 1 and "names alice" in err
    done = _run_cli("users", "whoami", env_extra={users.ENV_USER: "alice"})
    assert done.returncode == 1 and "names alice" in done.stderr
    monkeypatch.delenv(users.ENV_USER)
    audit.record("search", None, {"text": "x"})
    code, out, _ = cli(capsys, "users", "whoami", "--json")
    assert code == 0 and json.loads(out)["name"] == users.local_user_name()
    assert "alice" not in {r.who for r in audit.list()}
    # the refused commands are nobody's ("?"), with the name they claimed beside
    assert {r.who for r in audit.list()} == {users.local_user_name(), "?"}
    assert {r.details.get("claimed") for r in audit.list() if r.who == "?"} == {"alice"}


def test_the_installation_config_pins_the_state(tmp_path, monkeypatch, capsys):
    from graph.records import paths as state

    config = tmp_path / "etc" / "customs-graph.toml"
    monkeypatch.setattr(state, "config_path", lambda: config)
    pinned = tmp_path / "srv"
    config.parent.mkdir()
    config.write_text(f'state_dir = "{pinned}"\nsingle_user = false\n', encoding="utf-8")
    # a pinned folder that is not there (not mounted) is never a fresh installation
    with pytest.raises(AuthError, match="does not exist"):
        users.cli_user()
    pinned.mkdir()
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "elsewhere"))  # moves nothing now
    assert users.default_users_path() == pinned / "users.json"
    # single-user mode is forbidden: the first admin is made by `users init`
    with pytest.raises(AuthError, match="users init"):
        users.cli_user()
    code, _, err = cli(capsys, "users", "single-user", "on")
    assert code == 1 and "users init" in err
    assert cli(capsys, "users", "init", "ada", "--password", PASSWORDS["ada"])[0] == 0
    code, _, err = cli(capsys, "users", "init", "eve", "--password", PASSWORDS["ada"])
    assert code == 1 and "single-user mode" in err or "set up already" in err
    _as(monkeypatch, "ada")
    code, _, err = cli(capsys, "users", "single-user", "on")
    assert code == 1 and "does not allow single-user mode" in err
    # a users file saying otherwise is refused, not obeyed
    raw = json.loads((pinned / "users.json").read_text(encoding="utf-8"))
    raw["single_user"]["on"] = True
    (pinned / "users.json").write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(AuthError, match="does not allow it"):
        users.cli_user()
    assert not (tmp_path / "elsewhere").exists()
    config.write_text('state_dir = "relative"\n', encoding="utf-8")
    with pytest.raises(AuthError, match="absolute"):
        users.cli_user()
    config.write_text('state_dri = "/x"\n', encoding="utf-8")
    with pytest.raises(AuthError, match="unknown settings"):
        users.cli_user()


# --- lockout after repeated failures ------------------------------------------------------
def test_lockout_after_repeated_failures(store, monkeypatch):
    from datetime import timedelta

    from graph.records import audit, lockout

    clock = [lockout.now()]
    monkeypatch.setattr(lockout, "now", lambda: clock[0])
    for _ in range(lockout.MAX_FAILURES - 1):
        with pytest.raises(AuthError, match="wrong user name or password"):
            store.sign_in("bao", "not the password", where="app")
    with pytest.raises(users.LockedOut, match="refused until"):
        store.sign_in("bao", "not the password", where="app")
    # locked: the right password is refused too, and costs no password check
    with pytest.raises(users.LockedOut, match="too many failed sign-ins for 'bao'"):
        store.sign_in("bao", PASSWORDS["bao"], where="app")
    assert store.lockouts.status("bao")["locked_until"]
    # others are not affected; names nobody has are counted the same way
    assert store.sign_in("chi", PASSWORDS["chi"], where="app").name == "chi"
    for _ in range(lockout.MAX_FAILURES):
        with pytest.raises(AuthError):
            store.authenticate("nobody", "a guess at it")
    with pytest.raises(users.LockedOut):
        store.authenticate("nobody", "a guess at it")
    # after the lock, the right password is accepted and the failures are forgotten
    clock[0] += lockout.FIRST_LOCK + timedelta(seconds=1)
    assert store.sign_in("bao", PASSWORDS["bao"], where="app").role == "analyst"
    assert store.lockouts.status("bao") == {"failures": 0, "locked_until": None,
                                            "lockouts": 0}
    # a second lockout in a row lasts longer
    for _ in range(lockout.MAX_FAILURES):
        with pytest.raises(AuthError):
            store.sign_in("ada", "not the password", where="app")
    clock[0] += lockout.FIRST_LOCK + timedelta(seconds=1)
    for _ in range(lockout.MAX_FAILURES):
        with pytest.raises(AuthError):
            store.sign_in("ada", "still not it", where="app")
    clock[0] += lockout.FIRST_LOCK + timedelta(seconds=1)
    with pytest.raises(users.LockedOut):  # 10 minutes this time
        store.sign_in("ada", PASSWORDS["ada"], where="app")
    clock[0] += lockout.FIRST_LOCK
    assert store.sign_in("ada", PASSWORDS["ada"], where="app").name == "ada"
    # every failure and lockout is in the trail, with its reason
    bao = [r.details for r in audit.list(action="sign_in", log=store.log_path)
           if r.who == "bao"]
    assert [d["ok"] for d in bao] == [False] * 6 + [True]
    assert "locked_until" in bao[4] and "locked out until" in bao[5]["reason"]
    assert all(d["reason"] for d in bao if not d["ok"])


def test_lockout_holds_across_processes(monkeypatch):
    """The command line signs in once a command: the failures of separate processes add up."""
    from graph.records import audit, lockout

    UserStore().add("ada", "admin", PASSWORDS["ada"])
    wrong = {users.ENV_USER: "ada", users.ENV_PASSWORD: "not the password"}
    for _ in range(lockout.MAX_FAILURES):
        done = _run_cli("users", "whoami", env_extra=wrong)
        assert done.returncode == 1, done.stderr
    assert "refused until" in done.stderr
    right = {users.ENV_USER: "ada", users.ENV_PASSWORD: PASSWORDS["ada"]}
    done = _run_cli("users", "whoami", env_extra=right)
    assert done.returncode == 1 and "too many failed sign-ins for 'ada'" in done.stderr
    fails = [r for r in audit.list(action="sign_in") if r.who == "ada"]
    assert len(fails) == lockout.MAX_FAILURES + 1 and not any(r.details["ok"] for r in fails)
    assert {r.details["where"] for r in fails} == {"cli"}


_GUESSER = """
import sys, time
from graph.records.users import AuthError, UserStore

path, n, start = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
while time.time() < start:  # every process starts at once
    time.sleep(0.001)
for i in range(n):
    try:
        UserStore(path).sign_in("ada", f"guess {i} {time.time()}", where="cli")
    except AuthError:
        pass
"""


def test_guessers_at_once_get_no_more_than_the_limit(tmp_path):
    """Attempts are counted before their password is checked: processes guessing at
    once share the same few guesses."""
    import time

    from graph.records import audit, lockout

    path = tmp_path / "users.json"
    UserStore(path).add("ada", "admin", PASSWORDS["ada"])
    procs, n = 6, 4
    start = time.time() + 1.5
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    running = [subprocess.Popen([sys.executable, "-c", _GUESSER, str(path), str(n), str(start)],
                                env=env, stderr=subprocess.PIPE, text=True)
               for _ in range(procs)]
    for p in running:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    tries = [r.details for r in audit.list(action="sign_in", log=tmp_path / "dutylog.sqlite3")]
    assert len(tries) == procs * n and not any(d["ok"] for d in tries)
    checked = [d for d in tries if d["reason"].startswith("wrong user name or password")]
    assert len(checked) == lockout.MAX_FAILURES  # the others never reached the password
    with pytest.raises(users.LockedOut):
        UserStore(path).sign_in("ada", PASSWORDS["ada"], where="cli")
