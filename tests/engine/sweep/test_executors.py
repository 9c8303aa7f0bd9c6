"""Serial, process-pool and Dask sweeps give bit-for-bit the same metrics and returns."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from rtybt.engine.run import run_backtest
from rtybt.engine.sweep.executors import (
    SWEEP_CLUSTER_CONFIG,
    DaskExecutor,
    PoolExecutor,
    SerialExecutor,
    make_executor,
    start_local_cluster,
)
from rtybt.engine.sweep.runner import run_variants


@pytest.fixture(scope="module")
def serial_outcome(small_sweep):
    _, variants, bars = small_sweep
    return run_variants(variants, bars.frame, SerialExecutor())


@pytest.fixture(scope="module")
def dask_address():
    # The cluster `--cluster local` starts: a real scheduler and two worker processes.
    cluster = start_local_cluster(2)
    yield cluster.scheduler_address
    cluster.close()


def assert_identical(a, b):
    assert list(a.table["config_hash"]) == list(b.table["config_hash"])
    assert a.metrics == b.metrics  # dict equality: every float bit-for-bit
    pd.testing.assert_frame_equal(a.returns, b.returns, check_exact=True)
    pd.testing.assert_frame_equal(a.table, b.table, check_exact=True)


def test_a_sweep_row_is_the_single_run_metrics(small_sweep, serial_outcome):
    _, variants, bars = small_sweep
    single = run_backtest(variants[2].config, bars.frame, None)
    assert serial_outcome.metrics[variants[2].config_hash] == single.metrics
    assert serial_outcome.table["trades"].min() > 0  # every variant traded: the comparison means something
    # Different parameters, different results: the grid really reached the strategy.
    assert serial_outcome.table["sharpe"].nunique() == len(variants)


def test_pool_equals_serial(small_sweep, serial_outcome):
    _, variants, bars = small_sweep
    pooled = run_variants(variants, bars.frame, PoolExecutor(2))
    assert pooled.executor == "pool (2 workers)"
    assert_identical(serial_outcome, pooled)


def test_pool_workers_are_forked_with_what_they_run_preloaded(small_sweep, serial_outcome):
    """The sweep's forkserver imports what a worker runs once and forks every worker with it loaded, instead of
    each worker importing it again. The forkserver skips a preload it cannot import without a word, so each name
    must import, and the worker's own entry points must be among them."""
    import importlib
    from multiprocessing import forkserver

    from rtybt.engine.run import variants as worker_module
    from rtybt.engine.sweep.executors import WORKER_PRELOAD

    for name in WORKER_PRELOAD:
        importlib.import_module(name)
    assert worker_module.__name__ in WORKER_PRELOAD and "backtrader" in WORKER_PRELOAD
    _, variants, bars = small_sweep
    pooled = run_variants(variants[:2], bars.frame, PoolExecutor(2))
    assert set(WORKER_PRELOAD) <= set(forkserver._forkserver._preload_modules)
    assert pooled.metrics == {v.config_hash: serial_outcome.metrics[v.config_hash] for v in variants[:2]}


def test_dask_equals_serial(small_sweep, serial_outcome, dask_address):
    _, variants, bars = small_sweep
    on_dask = run_variants(variants, bars.frame, DaskExecutor(dask_address))
    assert on_dask.executor == f"dask ({dask_address})"
    assert_identical(serial_outcome, on_dask)


def test_local_cluster_workers_run_with_the_sweep_settings(dask_address):
    """The tuning reaches the worker processes and the scheduler, and does not leak into this process."""
    import dask
    from dask.distributed import Client

    with Client(dask_address) as client:
        seen = client.run(lambda: {k: dask.config.get(k) for k in SWEEP_CLUSTER_CONFIG})
        saturation = client.run_on_scheduler(lambda dask_scheduler: dask_scheduler.WORKER_SATURATION)
    assert len(seen) == 2
    for worker_config in seen.values():
        assert worker_config["distributed.worker.profile.enabled"] is False
        assert worker_config["distributed.admin.system-monitor.interval"] == "2s"
    assert saturation == float("inf")
    assert dask.config.get("distributed.worker.profile.enabled") is True


def test_rank_follows_the_metric(serial_outcome):
    table = serial_outcome.table.sort_values("rank")
    assert list(table["sharpe"]) == sorted(table["sharpe"], reverse=True)


def test_make_executor_choices():
    assert isinstance(make_executor(1), SerialExecutor)
    assert make_executor(3).workers == 3
    assert isinstance(make_executor(2, "tcp://127.0.0.1:8786"), DaskExecutor)
    local = make_executor(3, "local")
    assert (local.local_workers, local.name) == (3, "dask (local, 3 workers)")
    assert make_executor(None, "local").local_workers == (os.cpu_count() or 1)


def test_unreachable_cluster_is_a_user_error(small_sweep):
    from rtybt.engine.core.errors import UserError

    _, variants, bars = small_sweep
    with pytest.raises(UserError, match=r"--cluster tcp://127.0.0.1:1: cannot connect"):
        run_variants(variants[:1], bars.frame, DaskExecutor("tcp://127.0.0.1:1", timeout="2s"))


def test_a_dask_worker_killed_mid_sweep_is_replaced_and_the_sweep_equals_serial(small_sweep, serial_outcome):
    """Item 5 of "Trust nothing": a worker process SIGKILLed while variants are assigned to it. Its nanny starts a
    new one and the scheduler runs its variants again elsewhere: the sweep completes, bit for bit as serial, in
    bounded time (never a hang)."""
    import signal
    import threading
    import time

    from dask.distributed import Client

    _, variants, bars = small_sweep
    cluster = start_local_cluster(2)
    killed: dict = {}
    outcome: dict = {}
    try:
        with Client(cluster.scheduler_address) as client:
            pids = client.run(os.getpid)  # worker address -> its process id

            def busy_workers(dask_scheduler):
                return {ws.address: len(ws.processing) for ws in dask_scheduler.workers.values() if ws.processing}

            def kill_the_first_busy_worker():
                deadline = time.monotonic() + 120
                while time.monotonic() < deadline and "done" not in outcome:
                    busy = client.run_on_scheduler(busy_workers)
                    if busy:
                        address, assigned = next(iter(busy.items()))
                        os.kill(pids[address], signal.SIGKILL)
                        killed.update(address=address, assigned=assigned)
                        return
                    time.sleep(0.01)

            def sweep():
                try:
                    outcome["result"] = run_variants(variants, bars.frame, DaskExecutor(cluster.scheduler_address))
                except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
                    outcome["error"] = exc
                finally:
                    outcome["done"] = True

            killer = threading.Thread(target=kill_the_first_busy_worker, daemon=True)
            runner = threading.Thread(target=sweep, daemon=True)
            killer.start()
            runner.start()
            runner.join(180)
            killer.join(5)
            assert not runner.is_alive(), "the sweep hung after a worker was killed"
    finally:
        cluster.close()
    assert killed.get("assigned", 0) >= 1, "no worker was killed while it held variants"
    assert "error" not in outcome, outcome.get("error")
    assert_identical(serial_outcome, outcome["result"])
