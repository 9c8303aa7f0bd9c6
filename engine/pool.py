"""Run stage: the one local process pool (sweep variants, regress configs): forkserver workers, clean shutdown."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
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
        futures = [pool.submit(fn, item) for item in items]
        for future in as_completed(futures):
            yield future.result()
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
