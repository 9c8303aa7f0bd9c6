"""Run stage: the one local process pool (sweep variants, regress configs): forkserver workers, clean shutdown."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager, suppress
from typing import Any

from rtybt.engine.core.errors import UserError
from rtybt.engine.core.pool_start import PARENT_ENV

POOL_START = "rtybt.engine.core.pool_start"


def _with_stderr_on_devnull(start: Callable[[], None]) -> None:
    """Run `start` (which spawns a helper process that inherits fd 2) with fd 2 on /dev/null."""
    with suppress(OSError, ValueError):
        sys.stderr.flush()
    saved = os.dup(2)
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
        start()
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def quiet_resource_tracker() -> None:
    """Start multiprocessing's resource tracker with its stderr on /dev/null. After an interrupted command
    ends without the interpreter's shutdown (exit_codes), the tracker unlinks the semaphores of its queues
    as it should, but with a warning per kind on the stderr it inherited: noise after `rtybt: interrupted`."""
    from multiprocessing import resource_tracker

    if getattr(resource_tracker._resource_tracker, "_fd", None) is None:
        _with_stderr_on_devnull(resource_tracker.ensure_running)


def _quiet_forkserver() -> None:
    """The forkserver, and so every worker forked from it, writes to /dev/null: a worker cut off while it
    starts (the command interrupted at that moment) would print a traceback of its half-read start-up after
    `rtybt: interrupted`. A worker's errors still reach the parent, pickled with its result."""
    from multiprocessing import forkserver

    running = getattr(forkserver._forkserver, "_forkserver_pid", None)
    if running is not None and parent_alive(running):
        return
    # engine/core/pool_start.py first among the modules (only the light `__main__` script comes before it): the
    # forkserver and each worker it forks then die with the command at any moment of their start-up, imports
    # included. Looked at for every pool: ensure_running also restarts a forkserver that has died (the thread that
    # started it ended, see pool_start), and a new one must get the same preload and mark.
    modules = [m for m in getattr(forkserver._forkserver, "_preload_modules", ["__main__"]) if m != POOL_START]
    forkserver.set_forkserver_preload([POOL_START, *modules])
    main_thread = threading.current_thread() is threading.main_thread()
    saved = os.environ.get(PARENT_ENV)
    os.environ[PARENT_ENV] = str(os.getpid()) if main_thread else ""
    try:
        _with_stderr_on_devnull(forkserver.ensure_running)
    finally:
        if saved is None:
            os.environ.pop(PARENT_ENV, None)
        else:
            os.environ[PARENT_ENV] = saved


class WorkerLost(UserError):
    """A worker process of the pool died under a task (killed, out of memory): told in one line."""


def make_pool(workers: int, initializer: Callable | None = None, initargs: tuple = (),
              preload: Iterable[str] = ()) -> ProcessPoolExecutor:
    """A pool of `workers` processes from a forkserver (spawn where there is none).

    A forkserver worker is a clean process: it never inherits a lock held by a thread of the parent (a plain
    fork of a pytest, Dask or rich-progress process can copy one mid-lock and hang). `preload` names modules
    the forkserver imports once, so every worker starts with them loaded.
    """
    quiet_resource_tracker()
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        if preload:
            context.set_forkserver_preload(list(preload))
        _quiet_forkserver()
    else:
        context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_start_worker,
                               initargs=(os.getpid(), initializer, initargs))
    _POOLS.add(pool)
    return pool


# Every pool this process made, so that a forced exit (engine/core/exit_codes.py, after SIGINT or SIGTERM)
# can end their workers, the ones still starting included, before it goes.
_POOLS: weakref.WeakSet = weakref.WeakSet()


def kill_all_pools() -> None:
    """SIGKILL every worker of every pool of this process, and the forkserver with every process it forked
    (a worker still reading its start-up is in no pool's list yet): silent, and at once."""
    for pool in list(_POOLS):
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            with suppress(OSError, ValueError, AttributeError):
                process.kill()
    from multiprocessing import forkserver

    server_pid = getattr(forkserver._forkserver, "_forkserver_pid", None)
    if server_pid is None:
        return
    for pid in [*_children_of(server_pid), server_pid]:
        with suppress(OSError):
            os.kill(pid, signal.SIGKILL)


def _children_of(parent: int) -> list[int]:
    """Processes whose parent is `parent` (Linux /proc; elsewhere none are found)."""
    found = []
    try:
        entries = os.listdir("/proc")
    except OSError:
        return found
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                fields = fh.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if len(fields) > 1 and fields[1] == str(parent).encode():
            found.append(int(entry))
    return found


# How often a worker looks whether the process that started the pool is still there.
PARENT_POLL_SECONDS = 0.2


def _start_worker(parent_pid: int, initializer: Callable | None, initargs: tuple) -> None:
    """Every worker ends with its parent, even one killed with SIGKILL (no `finally` runs there): a forkserver
    worker's parent is the forkserver, which itself waits for every holder of its `alive` pipe, the workers
    included, so nothing would ever end them. The worker lets go of that pipe (the forkserver then follows the
    parent at once), asks the kernel for SIGKILL when the forkserver goes (PR_SET_PDEATHSIG) and, where there
    is no prctl, watches the parent's pid."""
    _release_forkserver_pipe()
    _die_with_parent()
    threading.Thread(target=_watch_parent, args=(parent_pid,), name="rtybt-parent-watch", daemon=True).start()
    if initializer is not None:
        initializer(*initargs)


def _release_forkserver_pipe() -> None:
    try:
        from multiprocessing import forkserver
    except ImportError:  # pragma: no cover - platforms without it
        return
    server = getattr(forkserver, "_forkserver", None)
    fd = getattr(server, "_forkserver_alive_fd", None)
    if fd is not None:
        with suppress(OSError):
            os.close(fd)
        server._forkserver_alive_fd = None


def _die_with_parent() -> None:
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent went before prctl took effect
        os._exit(1)


def parent_alive(pid: int) -> bool:
    """True while `pid` runs; a zombie (killed, not yet reaped by its own parent) counts as gone."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return True


def _watch_parent(pid: int) -> None:
    while parent_alive(pid):
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(1)


def as_finished(pool: ProcessPoolExecutor, fn: Callable[[Any], Any], items: Iterable) -> Iterator:
    """fn(item) for every item on the pool, yielded as each finishes (any order); the pool is shut down after.

    On an error or a Ctrl-C (or when the caller stops iterating) what is still queued is cancelled and the
    pool is left without waiting, so what already finished is kept and nothing new starts.
    """
    from concurrent.futures.process import BrokenProcessPool

    try:
        with signals_deferred():
            futures = [pool.submit(fn, item) for item in items]
        for future in as_completed(futures):
            yield future.result()
    except BrokenProcessPool:
        stop_pool(pool)
        raise WorkerLost("a worker process died (killed, or out of memory?); what finished is kept: run the "
                         "command again (a sweep with --resume)") from None
    except BaseException:
        stop_pool(pool)
        raise
    pool.shutdown(wait=True)


@contextmanager
def signals_deferred():
    """Hold Ctrl-C and SIGTERM while the pool starts its workers: a signal inside `submit` would leave a
    worker half-started, outside the pool's list (never stopped). The forkserver starts first, unmasked: it
    and the workers it forks must stay killable.

    Under the CLI (whose handler, engine/core/exit_codes.py, reads HOLD) the signal is not masked but kept for
    the end of this block: the CLI's watchdog still sees it at once and ends the process within its grace
    period however long the workers take to start (they follow their parent, see _start_worker). Elsewhere
    (the Python API, a notebook) the kernel holds it with the thread's signal mask."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    if "forkserver" in multiprocessing.get_all_start_methods():
        _quiet_forkserver()
    handler = signal.getsignal(signal.SIGTERM)
    masked = getattr(handler, "__module__", None) != "rtybt.engine.core.exit_codes"
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM}) if masked else None
    HOLD["depth"] += 1
    try:
        yield
    finally:
        HOLD["depth"] -= 1
        if previous is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)  # a held signal is delivered here
        pending, HOLD["pending"] = HOLD["pending"], None
        if pending is not None and not HOLD["depth"]:
            signal.raise_signal(pending)


HOLD: dict = {"depth": 0, "pending": None}


def stop_pool(pool: ProcessPoolExecutor, grace: float = 0.5) -> None:
    """Cancel what is queued and end the running workers now. shutdown(wait=False) alone lets each worker finish
    its task (seconds to minutes) and the interpreter's exit waits for them; a Ctrl-C or SIGTERM must not.
    What finished is already stored (the sweep's variant store), so `--resume` redoes only what was cut short."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(grace)
        if process.is_alive():
            process.kill()
            process.join(grace)


def ignore_ctrl_c() -> None:
    """A worker initializer: Ctrl-C is the parent's to handle (it stops the pool, keeps what finished)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
