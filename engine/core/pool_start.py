"""Foundation stage: imported first by the pool's forkserver (engine/core/pool.py) so that it, and every worker it
forks, dies with its parent from its first instant, before any import of its start-up.

A worker's own start (unpickling its initializer: pandas, Backtrader) can take seconds on a loaded machine, and a
parent SIGKILLed meanwhile runs no `finally`: the kernel's PR_SET_PDEATHSIG is the only thing left to end them.
It is cleared by fork, so the forkserver sets it on itself here and on each child in an at-fork hook, which runs
in the child before anything else; a parent that went before the call took effect is caught by comparing the
child's parent pid with the pid that forked it. Standard library only: this runs before everything else.
"""

from __future__ import annotations

import os
import signal
import sys

# Set by engine/core/pool.py while it starts the forkserver: to its own pid from its main thread, else empty (the
# kernel's "parent death" is the death of the thread that forked, and a thread may end long before its process).
PARENT_ENV = "RTYBT_POOL_PARENT"
PR_SET_PDEATHSIG = 1

_forker = {"pid": 0}


def die_with_parent(parent_pid: int) -> None:
    """SIGKILL this process when its parent goes; at once if `parent_pid` is no longer its parent."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent_pid:  # the parent went before prctl took effect: reparented already
        os._exit(1)


def _before_fork() -> None:
    _forker["pid"] = os.getpid()


def _after_fork_in_child() -> None:
    # Only the children of the process that imported this module (the forkserver): a worker that forks in turn
    # (a subprocess of the user's strategy) keeps the usual rules for its own children, and does not pass the
    # mark on to them.
    if _forker["pid"] == _server_pid:
        os.environ.pop(PARENT_ENV, None)
        die_with_parent(_forker["pid"])


_server_pid = os.getpid()
# Only in a forkserver started by engine/core/pool.py (the mark is in its environment); imported anywhere else
# (pool.py reads PARENT_ENV from here) this module does nothing.
if sys.platform.startswith("linux") and PARENT_ENV in os.environ:
    if os.environ[PARENT_ENV]:
        # Ends now if the command has gone already (while this interpreter started): no preload to import for it.
        die_with_parent(int(os.environ[PARENT_ENV]))
    os.register_at_fork(before=_before_fork, after_in_child=_after_fork_in_child)
