"""Run stage: the one local process pool (sweep variants, regress configs): forkserver workers, clean shutdown."""

from __future__ import annotations

import multiprocessing
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from typing import Any


def make_pool(workers: int, initializer: Callable | None = None, initargs: tuple = (),
              preload: Iterable[str] = ()) -> ProcessPoolExecutor:
    """A pool of `workers` processes from a forkserver (spawn where there is none).

    A forkserver worker is a clean process: it never inherits a lock held by a thread of the parent (a plain
    fork of a pytest, Dask or rich-progress process can copy one mid-lock and hang). `preload` names modules
    the forkserver imports once, so every worker starts with them loaded.
    """
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        if preload:
            context.set_forkserver_preload(list(preload))
    else:
        context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=initializer,
                               initargs=initargs)


def as_finished(pool: ProcessPoolExecutor, fn: Callable[[Any], Any], items: Iterable) -> Iterator:
    """fn(item) for every item on the pool, yielded as each finishes (any order); the pool is shut down after.

    On an error or a Ctrl-C (or when the caller stops iterating) what is still queued is cancelled and the
    pool is left without waiting, so what already finished is kept and nothing new starts.
    """
    try:
        with signals_deferred():
            futures = [pool.submit(fn, item) for item in items]
        for future in as_completed(futures):
            yield future.result()
    except BaseException:
        stop_pool(pool)
        raise
    pool.shutdown(wait=True)


@contextmanager
def signals_deferred():
    """Hold Ctrl-C and SIGTERM while the pool starts its workers: a signal inside `submit` would leave a
    worker half-started, outside the pool's list (never stopped, printing a traceback once we are gone).
    The forkserver starts first, unmasked: it and the workers it forks must stay killable."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    if "forkserver" in multiprocessing.get_all_start_methods():
        from multiprocessing import forkserver

        forkserver.ensure_running()
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)  # a held signal is delivered here


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
