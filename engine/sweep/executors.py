"""Sweep stage: where variants run — in this process, on a local process pool, or on a Dask cluster.

Every executor takes the bars once and a list of tasks, and yields results as they finish (any order);
the caller owns ordering, storage and progress. Results are bit-for-bit the same on every executor.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Protocol

from rtybt.engine.core.errors import UserError
from rtybt.engine.run.variants import Frames, Task, VariantResult, evaluate


class ClusterError(UserError):
    """The Dask cluster cannot be reached or started."""


class Executor(Protocol):
    name: str

    def run(self, frame: Frames, tasks: list[Task]) -> Iterator[VariantResult]: ...


class SerialExecutor:
    name = "serial"

    def run(self, frame: Frames, tasks: list[Task]) -> Iterator[VariantResult]:
        for task in tasks:
            yield evaluate(frame, task)


class PoolExecutor:
    """A local process pool; the bars are loaded into each worker once, by the initializer."""

    def __init__(self, workers: int | None = None):
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.name = f"pool ({self.workers} worker{'s' if self.workers > 1 else ''})"

    def run(self, frame: Frames, tasks: list[Task]) -> Iterator[VariantResult]:
        from rtybt.engine.core.pool import as_finished, make_pool
        from rtybt.engine.run.variants import evaluate_in_worker, init_worker

        if not tasks:
            return
        # forkserver workers: safe even when this process already runs threads (a Dask client, rich's refresh).
        pool = make_pool(min(self.workers, len(tasks)), init_worker, (frame,))
        yield from as_finished(pool, evaluate_in_worker, tasks)


# Dask's housekeeping that competes with the backtests for the GIL and the cores, measured on a 2-core machine:
# with the defaults a worker's task thread lost ~10% of its wall time to other threads (a 10 ms stack sampler,
# system and memory monitors, 20 ms event-loop ticks), and a worker idled between tasks waiting for the scheduler
# to release the next one. A sweep's tasks are ~1 s of pure Python each, so rtybt's own LocalCluster turns the
# sampler off, slows the monitors down and lets the scheduler queue tasks on the workers. An existing cluster
# keeps its administrator's settings (README: "Sweeps on a Dask cluster" has the same as DASK_* variables).
SWEEP_CLUSTER_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.admin.tick.interval": "500ms",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.scheduler.worker-saturation": "inf",
}


def start_local_cluster(workers: int = 2):
    """A LocalCluster of `workers` single-threaded worker processes, tuned for sweeps (SWEEP_CLUSTER_CONFIG)."""
    import dask
    from dask.distributed import LocalCluster

    from rtybt.engine.core.pool import quiet_resource_tracker

    quiet_resource_tracker()

    # The nannies hand this config to the worker processes they spawn; the scheduler reads it at start.
    with dask.config.set(SWEEP_CLUSTER_CONFIG):
        return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                            dashboard_address=None)


class DaskExecutor:
    """A Dask distributed cluster: `local` starts a LocalCluster (one worker process per core unless
    `local_workers` says otherwise), else a scheduler address."""

    def __init__(self, address: str, local_workers: int | None = None, timeout: str = "10s"):
        self.address = address
        self.timeout = timeout
        self.local_workers = max(1, local_workers or os.cpu_count() or 1)
        where = f"local, {self.local_workers} worker{'s' if self.local_workers > 1 else ''}"
        self.name = f"dask ({where if address == 'local' else address})"

    def _connect(self):
        from dask.distributed import Client

        if self.address == "local":
            cluster = start_local_cluster(self.local_workers)
            return Client(cluster), cluster
        try:
            return Client(self.address, timeout=self.timeout), None
        except (OSError, TimeoutError, ValueError) as exc:
            raise ClusterError(f"--cluster {self.address}: cannot connect to a Dask scheduler ({exc})") from None

    def run(self, frame: Frames, tasks: list[Task]) -> Iterator[VariantResult]:
        from dask.distributed import as_completed

        if not tasks:
            return
        client, cluster = self._connect()
        try:
            # One copy of the bars per worker, not one per task.
            bars = client.scatter(frame, broadcast=True, hash=False)
            futures = [client.submit(evaluate, bars, task, pure=False) for task in tasks]
            try:
                for future in as_completed(futures):
                    yield future.result()
            except BaseException:
                client.cancel(futures)
                raise
        finally:
            client.close()
            if cluster is not None:
                cluster.close()


def make_executor(workers: int | None = None, cluster: str | None = None) -> Executor:
    """--cluster wins over --workers (which then sizes a `local` cluster); --workers 1 runs in this process."""
    if cluster:
        return DaskExecutor(cluster, local_workers=workers)
    if workers == 1:
        return SerialExecutor()
    return PoolExecutor(workers)
