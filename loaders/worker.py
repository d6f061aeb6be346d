"""Stream a generator's items from a child process.

Checking and mapping rows is pure Python and takes about half of a load; on a
machine with two cores it runs in a child process while the parent writes the
previous batch. Items travel pickled over the child's stdout: the pipe's small
buffer holds the child back when the store is slow (memory stays bounded), and
a child whose parent is gone (killed mid-load) fails on its next write and
exits. A plain subprocess, not multiprocessing: nothing of the caller's
__main__ is imported again in the child.
"""

from __future__ import annotations

import importlib
import pickle
import subprocess
import sys


def stream_from_child(fn, *args):
    """Yield what `fn(*args)` yields, computed in a child process.
    `fn` must be a module-level function and its arguments picklable."""
    child = subprocess.Popen([sys.executable, __file__], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE)
    try:
        pickle.dump((sys.path, fn.__module__, fn.__qualname__, args), child.stdin)
        child.stdin.close()
        while True:
            try:
                kind, item = pickle.load(child.stdout)
            except EOFError:
                raise RuntimeError(
                    f"the row checker stopped (exit code {child.wait()})") from None
            if kind == "item":
                yield item
            elif kind == "error":
                raise RuntimeError(f"the row checker failed:\n{item}")
            else:
                return
    finally:
        if child.poll() is None:
            child.kill()
        child.wait()
        child.stdout.close()


def _child() -> None:
    path, module, name, args = pickle.load(sys.stdin.buffer)
    sys.path[:] = path
    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not corrupt the stream

    def send(msg) -> None:
        pickle.dump(msg, out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()

    try:
        fn = getattr(importlib.import_module(module), name)
        for item in fn(*args):
            send(("item", item))
        send(("end", None))
    except BrokenPipeError:
        sys.exit(1)  # the parent is gone
    except BaseException:  # noqa: BLE001 - reported to the parent, which raises
        import traceback

        send(("error", traceback.format_exc()))


if __name__ == "__main__":
    _child()
