"""Where this installation keeps its state: the users file, the duty log and
audit trail, their anchor file, the sign-in lockouts and the stored watchlist.

The installation decides, never a caller's environment. An installation config
file, `etc/customs-graph.toml` inside the Python environment the tool is
installed in (`<sys.prefix>/etc/`, writable only by whoever installed it), may
pin

    state_dir = "/srv/customs-graph"   # the state folder; it must exist already
    single_user = false                # never allow single-user mode here

Without it the state folder is the OS user's data folder (platformdirs'
user_data_dir, beside the embedded graph store) and single-user mode is allowed.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from graph.core.errors import CustomsGraphError

CONFIG_NAME = "customs-graph.toml"
# The files in the state folder.
LOG_FILE = "dutylog.sqlite3"  # the duty log and the audit trail
USERS_FILE = "users.json"


class StateError(CustomsGraphError):
    """The installation config or the state folder is unusable."""


@dataclass(frozen=True)
class Install:
    state_dir: Path
    pinned: bool  # the config names the state folder
    single_user_allowed: bool
    config: Path | None  # the config file read, if any


def config_path() -> Path:
    """The installation config: inside the environment the tool is installed in."""
    return Path(sys.prefix) / "etc" / CONFIG_NAME


def _data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("customs-graph", appauthor=False))


def install() -> Install:
    """The installation's settings (read on every call: a config changed by its
    installer takes effect at once). StateError for a config that cannot be read
    or says something unknown: an installation that meant to pin its state is
    never run unpinned."""
    path = config_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Install(_data_dir(), False, True, None)
    except OSError as e:
        raise StateError(f"cannot read the installation config {path}: "
                         f"{e.strerror or e}") from None
    import tomllib

    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise StateError(f"the installation config {path} is not valid TOML: {e}") from None
    unknown = set(data) - {"state_dir", "single_user"}
    if unknown:
        raise StateError(f"the installation config {path} has unknown settings: "
                         f"{', '.join(sorted(unknown))}")
    allowed = data.get("single_user", True)
    if not isinstance(allowed, bool):
        raise StateError(f"{path}: single_user must be true or false")
    folder = data.get("state_dir")
    if folder is None:
        return Install(_data_dir(), False, allowed, path)
    if not isinstance(folder, str) or not Path(folder).is_absolute():
        raise StateError(f"{path}: state_dir must be an absolute path")
    return Install(Path(folder), True, allowed, path)


def state_dir(*, create: bool = True) -> Path:
    """The state folder. A pinned one must exist (a folder that is not mounted
    must not look like a fresh installation); the default one is created."""
    inst = install()
    if inst.pinned:
        if not inst.state_dir.is_dir():
            raise StateError(f"the state folder {inst.state_dir} (pinned by {inst.config}) "
                             "does not exist: refusing to start without it")
    elif create:
        inst.state_dir.mkdir(parents=True, exist_ok=True)
    return inst.state_dir


def path(name: str) -> Path:
    """A file in the state folder."""
    return state_dir() / name


def os_user_name() -> str:
    """The OS account running this process (never $USER or $LOGNAME, which any
    caller sets)."""
    try:
        import pwd
    except ImportError:  # Windows: the account's name from the OS
        import ctypes

        size = ctypes.c_ulong(256)
        buf = ctypes.create_unicode_buffer(size.value)
        if ctypes.windll.advapi32.GetUserNameW(buf, ctypes.byref(size)):  # type: ignore[attr-defined]
            return buf.value
        return "local"
    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:  # a uid with no account (some containers)
        return f"uid-{os.getuid()}"


# --- files shared by processes -----------------------------------------------------------
try:
    import fcntl
except ImportError:  # Windows
    fcntl = None


@contextlib.contextmanager
def exclusive(lock_path: Path) -> Iterator[None]:
    """An exclusive lock across processes, held while the block runs (flock on
    POSIX, the first byte locked on Windows; the lock file stays, empty)."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        else:
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_LOCK, 1)
        yield
    finally:
        # Closing the descriptor releases the lock, whatever the block did.
        os.close(fd)


def write_json(target: Path, data) -> None:
    """Replace `target` atomically with `data` as JSON, readable by its owner only."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=".json", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, indent=2)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def data_dir() -> Path:
    """The installation's state folder : the OS user's data folder,
    where the embedded graph store lives too, unless the installation pins another."""
    return state_dir()
