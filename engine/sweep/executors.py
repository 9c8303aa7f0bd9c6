"""Sweep stage: where variants run — in this process, on a local process pool, or on a Dask cluster.

Every executor takes the bars once and a list of tasks, and yields results as they finish (any order);
the caller owns ordering, storage and progress. Results are bit-for-bit the same on every executor.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from typing import Protocol

from rtybt.engine.core.errors import UserError
from rtybt.engine.run.variants import Frames, Task, VariantResult, evaluate


class ClusterError(UserError):
    """The Dask cluster cannot be reached or started, or lost a worker for good."""


CLUSTER_TIMEOUT_ENV = "RTYBT_CLUSTER_TIMEOUT"
DEFAULT_CLUSTER_TIMEOUT = 10.0
# A Dask comm opens with the length of its handshake as 8 bytes, little-endian: a few dozen bytes.
_MAX_HANDSHAKE_BYTES = 1 << 20


def cluster_timeout() -> float:
    """Seconds to reach a --cluster scheduler and read its handshake: $RTYBT_CLUSTER_TIMEOUT, else 10."""
    text = os.environ.get(CLUSTER_TIMEOUT_ENV, "").strip()
    if not text:
        return DEFAULT_CLUSTER_TIMEOUT
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value <= 3600:
        raise ClusterError(f"${CLUSTER_TIMEOUT_ENV}={text[:40]!r}: expected seconds between 0 and 3600")
    return value


def probe_scheduler(address: str, timeout: float) -> None:
    """Refuse, in one line and within `timeout`, an address where no Dask scheduler answers: nothing listening,
    a port that accepts and stays silent, or a server of another kind (an HTTP server answers nothing until
    asked; Dask's client would then read its reply as a frame length and try to allocate exabytes)."""
    import socket
    import struct
    import time

    if not address.startswith("tcp://") and "://" in address:
        return  # tls://, ucx://, ...: Dask's own connect, bounded by the same timeout
    where = address.split("://", 1)[-1]
    host, _, port_text = where.rpartition(":")
    host = host.strip("[]")
    if not host or not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ClusterError(f"--cluster {address}: expected tcp://HOST:PORT (e.g. tcp://127.0.0.1:8786) or 'local'")
    started = time.monotonic()
    try:
        sock = socket.create_connection((host, int(port_text)), timeout=timeout)
    except TimeoutError:
        raise ClusterError(f"--cluster {address}: no answer within {timeout:g} s (${CLUSTER_TIMEOUT_ENV} "
                           "sets the wait)") from None
    except OSError as exc:
        raise ClusterError(f"--cluster {address}: cannot connect ({exc.strerror or exc}); is a Dask scheduler "
                           "running there?") from None
    with sock:
        sock.settimeout(max(0.1, timeout - (time.monotonic() - started)))
        head = b""
        try:
            while len(head) < 8:
                chunk = sock.recv(8 - len(head))
                if not chunk:
                    break
                head += chunk
        except TimeoutError:
            raise ClusterError(f"--cluster {address}: accepts connections but sent no Dask handshake within "
                               f"{timeout:g} s: not a Dask scheduler (${CLUSTER_TIMEOUT_ENV} sets the wait)") from None
        except OSError as exc:
            raise ClusterError(f"--cluster {address}: connection failed ({exc.strerror or exc})") from None
    if len(head) < 8:
        raise ClusterError(f"--cluster {address}: closed the connection before any Dask handshake: not a Dask "
                           "scheduler")
    if not 0 < struct.unpack("<Q", head)[0] <= _MAX_HANDSHAKE_BYTES:
        raise ClusterError(f"--cluster {address}: answers, but not as a Dask scheduler (first bytes "
                           f"{head[:8]!r})")


class Executor(Protocol):
    name: str

    def run(self, frame: Frames, tasks: list[Task]) -> Iterator[VariantResult]: ...


class SerialExecutor:
    name = "serial"

    def run(self, frame: Frames, tasks: list[Task]) -> Iterator[VariantResult]:
        for task in tasks:
            yield evaluate(frame, task)


# What a sweep's pool worker runs: rtybt.engine.run.variants and, inside evaluate, the engine's backtest.
WORKER_PRELOAD = ("rtybt.engine.run.variants", "rtybt.engine.run", "backtrader")


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
        # The forkserver imports the engine and Backtrader once and every worker is forked with them loaded:
        # not each worker importing them again (about a CPU second per worker, before its first variant).
        pool = make_pool(min(self.workers, len(tasks)), init_worker, (frame,), preload=WORKER_PRELOAD)
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
        # The cluster is rtybt's own machinery: its logs (a worker's heartbeat failing while an interrupted sweep
        # shuts it down, say) are not the user's to read; a failing task still reaches the sweep as its exception.
        # Its HTTP endpoints take a free port (":0"): a dashboard already on 8787 (a notebook's) is no warning.
        return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                            dashboard_address=":0", silence_logs=logging.CRITICAL)


class DaskExecutor:
    """A Dask distributed cluster: `local` starts a LocalCluster (one worker process per core unless
    `local_workers` says otherwise), else a scheduler address."""

    def __init__(self, address: str, local_workers: int | None = None, timeout: float | str | None = None):
        self.address = address
        if isinstance(timeout, str):  # Dask's spelling, "10s"
            timeout = float(timeout.strip().removesuffix("s"))
        self.timeout = float(timeout) if timeout is not None else cluster_timeout()
        self.local_workers = max(1, local_workers or os.cpu_count() or 1)
        where = f"local, {self.local_workers} worker{'s' if self.local_workers > 1 else ''}"
        self.name = f"dask ({where if address == 'local' else address})"

    def _connect(self):
        from dask.distributed import Client

        if self.address == "local":
            cluster = start_local_cluster(self.local_workers)
            return Client(cluster), cluster
        probe_scheduler(self.address, self.timeout)
        try:
            return Client(self.address, timeout=f"{self.timeout}s"), None
        except Exception as exc:  # noqa: BLE001 - whatever the comm raised, the address is the user's to fix
            first = (str(exc).strip().splitlines() or [exc.__class__.__name__])[0]
            raise ClusterError(f"--cluster {self.address}: cannot connect to a Dask scheduler ({first[:200]})") from None

    def run(self, frame: Frames, tasks: list[Task]) -> Iterator[VariantResult]:
        from dask.distributed import as_completed

        if not tasks:
            return
        client, cluster = self._connect()
        try:
            pending = dict(enumerate(tasks))
            for attempt in range(LOST_BARS_RETRIES + 1):
                # One copy of the bars per worker, not one per task.
                bars = client.scatter(frame, broadcast=True, hash=False)
                futures = {client.submit(evaluate, bars, task, pure=False): i for i, task in pending.items()}
                try:
                    for future in as_completed(futures):
                        result = future.result()
                        del pending[futures[future]]
                        yield result
                    return
                except BaseException as exc:
                    client.cancel(list(futures))
                    if _lost_scattered_data(exc) and attempt < LOST_BARS_RETRIES:
                        continue  # a worker that died took the scattered bars' key with it: scatter again
                    if _lost_scattered_data(exc):
                        raise ClusterError(f"--cluster {self.address}: workers died running a variant and took "
                                           f"the bars with them, {attempt + 1} times; what finished is stored, "
                                           "--resume continues") from None
                    if exc.__class__.__name__ == "KilledWorker":
                        # Dask has already re-run the task on other workers (distributed.scheduler.allowed-failures).
                        raise ClusterError(f"--cluster {self.address}: workers died running a variant, more times "
                                           "than Dask retries it (out of memory?); what finished is stored, --resume "
                                           "continues") from None
                    raise
        finally:
            client.close()
            if cluster is not None:
                cluster.close()


# Dask cancels every task on scattered data when a worker holding it dies, even with copies on other workers
# (dask/distributed#3149): the variants left are submitted again on freshly scattered bars, this many times.
LOST_BARS_RETRIES = 3


def _lost_scattered_data(exc: BaseException) -> bool:
    """A future cancelled by the scheduler (not by us: we cancel only after an error), as #3149 reports it."""
    return exc.__class__.__name__ in ("FutureCancelledError", "CancelledError")


def make_executor(workers: int | None = None, cluster: str | None = None) -> Executor:
    """--cluster wins over --workers (which then sizes a `local` cluster); --workers 1 runs in this process."""
    if cluster:
        return DaskExecutor(cluster, local_workers=workers)
    if workers == 1:
        return SerialExecutor()
    return PoolExecutor(workers)
