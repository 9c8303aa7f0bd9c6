"""Distributed faults and signals: a --cluster address that is no Dask scheduler fails in one line within its
timeout; a worker that dies is reported, never waited for; SIGINT and SIGTERM stop every long command within
2 s with one line; after SIGKILL of the parent no worker outlives it by more than 2 s.

Only loopback addresses. Real subprocesses and real signals for the signal cases; each command is signalled
once it has spent CPU time working (imports done), on the bundled ^RUT history, so it is mid-work.
"""

from __future__ import annotations

import http.server
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import suppress
from pathlib import Path

import psutil
import pytest
import yaml

from rtybt.engine.core.pool import WorkerLost, as_finished, make_pool
from rtybt.engine.sweep.executors import (
    DEFAULT_CLUSTER_TIMEOUT,
    ClusterError,
    cluster_timeout,
    probe_scheduler,
)
from tests.hardening.cli_harness import RTYBT, alive, bars_csv, run_cli

EXIT_LIMIT = 2.0
BASE = [str(RTYBT)] if RTYBT.exists() else [sys.executable, "-m", "rtybt.engine.cli"]
REPO = Path(__file__).resolve().parents[2]


def one_line_exit_2(outcome, *needles: str) -> str:
    assert outcome.code == 2, (outcome.code, outcome.stderr)
    lines = outcome.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("rtybt: error: "), outcome.stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


# --- --cluster addresses that are not a Dask scheduler ---------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def silent_port():
    """A port that accepts connections (the kernel's backlog) and never says a word."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    yield sock.getsockname()[1]
    sock.close()


@pytest.fixture
def http_port():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.fixture
def sweep_config(tmp_path, monkeypatch) -> Path:
    monkeypatch.delenv("RTYBT_DATA_DIR", raising=False)
    data = tmp_path / "data"
    data.mkdir()
    bars_csv(120).to_csv(data / "TEST.csv", index=False)
    config = tmp_path / "grid.yaml"
    config.write_text(yaml.safe_dump({
        "data": {"symbol": "TEST", "dir": str(data)}, "benchmark": {"enabled": False},
        "strategy": {"name": "ma_reclaim", "params": {"ma_period": 10, "hold_bars": 2}},
        "output": {"dir": str(tmp_path / "results"), "plots": False, "tearsheet": False},
        "sweep": {"grid": {"ma_period": [10, 12]}, "top": 1},
    }))
    return config


@pytest.fixture(scope="session", autouse=True)
def default_timeout_probe():
    """The real probe of a silent port at the default timeout (no $RTYBT_CLUSTER_TIMEOUT), started with the first
    test of this module a process runs: its 10 s of waiting pass in a thread beside the other tests, and the test
    below reads how it ended. Session scope (one per xdist worker) keeps the module's tests spread over the
    workers (tests/conftest.py groups a module only for a module-scoped fixture)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    with pytest.MonkeyPatch.context() as env:
        env.delenv("RTYBT_CLUSTER_TIMEOUT", raising=False)
        timeout = cluster_timeout()
    outcome: dict = {"timeout": timeout}

    def probe() -> None:
        started = time.monotonic()
        try:
            probe_scheduler(f"tcp://127.0.0.1:{sock.getsockname()[1]}", timeout)
        except ClusterError as exc:
            outcome["error"] = exc
        finally:
            outcome["took"] = time.monotonic() - started
    thread = threading.Thread(target=probe, name="default-timeout-probe", daemon=True)
    thread.start()
    yield thread, outcome
    sock.close()  # a probe still waiting (the test not run in this process) then ends at once; nobody reads it


def cluster_run(config: Path, address: str):
    started = time.monotonic()
    outcome = run_cli(["-q", "sweep", config, "--cluster", address])
    return outcome, time.monotonic() - started


def test_closed_port_fails_in_one_line_at_once(sweep_config):
    outcome, took = cluster_run(sweep_config, f"tcp://127.0.0.1:{free_port()}")
    one_line_exit_2(outcome, "cannot connect", "Dask scheduler")
    assert took < 10


def test_silent_port_fails_in_one_line_within_the_timeout(sweep_config, silent_port, monkeypatch):
    monkeypatch.setenv("RTYBT_CLUSTER_TIMEOUT", "1.5")
    outcome, took = cluster_run(sweep_config, f"tcp://127.0.0.1:{silent_port}")
    one_line_exit_2(outcome, "no Dask handshake within 1.5 s", "RTYBT_CLUSTER_TIMEOUT")
    assert took < 1.5 + 8


def test_http_server_fails_in_one_line_not_an_allocation_error(sweep_config, http_port, monkeypatch):
    monkeypatch.setenv("RTYBT_CLUSTER_TIMEOUT", "1.5")
    outcome, took = cluster_run(sweep_config, f"tcp://127.0.0.1:{http_port}")
    one_line_exit_2(outcome, "not a Dask scheduler")
    assert took < 1.5 + 8


def test_a_server_that_closes_at_once_is_not_a_scheduler():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)

    def close_each():
        conn, _ = sock.accept()
        conn.close()
    threading.Thread(target=close_each, daemon=True).start()
    try:
        with pytest.raises(ClusterError, match="closed the connection"):
            probe_scheduler(f"tcp://127.0.0.1:{sock.getsockname()[1]}", 3)
    finally:
        sock.close()


def test_a_dask_handshake_passes_the_probe():
    """What a scheduler sends first (8 bytes: the handshake's length, little-endian) is accepted."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)

    def greet():
        conn, _ = sock.accept()
        conn.sendall((58).to_bytes(8, "little") + b"\0" * 58)
        time.sleep(0.5)
        conn.close()
    threading.Thread(target=greet, daemon=True).start()
    try:
        probe_scheduler(f"tcp://127.0.0.1:{sock.getsockname()[1]}", 3)
    finally:
        sock.close()


@pytest.mark.parametrize("address", ["tcp://127.0.0.1", "tcp://127.0.0.1:99999", "127.0.0.1:notaport"])
def test_a_malformed_cluster_address_is_one_line(sweep_config, address):
    outcome, _ = cluster_run(sweep_config, address)
    one_line_exit_2(outcome, "--cluster", "tcp://HOST:PORT")


@pytest.mark.parametrize("value", ["0", "-1", "soon", "nan", "99999"])
def test_a_bad_cluster_timeout_is_one_line(sweep_config, monkeypatch, value):
    monkeypatch.setenv("RTYBT_CLUSTER_TIMEOUT", value)
    outcome, _ = cluster_run(sweep_config, f"tcp://127.0.0.1:{free_port()}")
    one_line_exit_2(outcome, "RTYBT_CLUSTER_TIMEOUT")


# --- a worker that dies ---------------------------------------------------------------------------------------

def _die_on_two(n: int) -> int:
    if n == 2:
        os.kill(os.getpid(), signal.SIGKILL)
    time.sleep(0.2)
    return n


def test_a_pool_worker_killed_under_a_task_is_reported_not_waited_for():
    started = time.monotonic()
    with pytest.raises(WorkerLost, match="a worker process died"):
        list(as_finished(make_pool(2), _die_on_two, [1, 2, 3, 4]))
    assert time.monotonic() - started < 30


# Kills the worker process that runs it, a pool's or a Dask cluster's (only there: the command itself may load
# the strategy too).
WORKER_KILLER = """import multiprocessing
import os
import signal

from rtybt.strategies.base import LongRuleStrategy
from rtybt.strategies.params import Param


class WorkerKiller(LongRuleStrategy):
    name = "worker_killer"
    note = "Kills the Dask worker process that runs it."
    spec = (Param("hold_bars", 2, "bars", "bars held", min=1, max=250),)

    def __init__(self):
        super().__init__()
        if multiprocessing.parent_process() is not None:
            os.kill(os.getpid(), signal.SIGKILL)

    def entry_condition(self) -> bool:
        return False

    def exit_condition(self) -> bool:
        return True
"""


@pytest.mark.parametrize(("executor", "told"), [
    (["--cluster", "local", "--workers", "2"], "rtybt: error: --cluster local: workers died running a variant"),
    (["--workers", "2"], "rtybt: error: a worker process died"),
], ids=["dask", "pool"])
def test_a_worker_that_keeps_dying_ends_the_sweep_in_one_line_not_a_hang(executor, told, tmp_path):
    """Each variant kills the worker that runs it: past Dask's retries (none here, to keep it short), or at once on
    the pool, the sweep ends with one line and exit 2 within a bounded time, what finished kept for --resume."""
    data = tmp_path / "data"
    data.mkdir()
    bars_csv(120).to_csv(data / "TEST.csv", index=False)
    (tmp_path / "killer.py").write_text(WORKER_KILLER)
    config = tmp_path / "grid.yaml"
    config.write_text(yaml.safe_dump({
        "data": {"symbol": "TEST", "dir": str(data)}, "benchmark": {"enabled": False},
        "strategy": {"file": "killer.py", "name": "worker_killer", "params": {"hold_bars": 2}},
        "output": {"dir": str(tmp_path / "results"), "plots": False, "tearsheet": False},
        "sweep": {"grid": {"hold_bars": [2, 3]}, "top": 1},
    }))
    env = {k: v for k, v in os.environ.items() if k != "RTYBT_DATA_DIR"}
    env["DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES"] = "0"
    started = time.monotonic()
    done = subprocess.run([*BASE, "-q", "sweep", str(config), *executor],
                          capture_output=True, text=True, timeout=180, cwd=tmp_path, env=env)
    took = time.monotonic() - started
    assert done.returncode == 2, (done.returncode, done.stderr[-2000:])
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(told), done.stderr
    assert "--resume" in lines[0]
    assert took < 120
    assert not list((tmp_path / "results").glob("grid*/*")), "a run directory after a failed sweep"


WORKER_KILLER_ONCE = WORKER_KILLER.replace('name = "worker_killer"', 'name = "worker_killer_once"').replace(
    "class WorkerKiller(", "class WorkerKillerOnce(").replace(
    """        if multiprocessing.parent_process() is not None:
            os.kill(os.getpid(), signal.SIGKILL)""",
    """        marker = os.environ.get("RTYBT_TEST_KILLED_ONCE", "")
        if multiprocessing.parent_process() is not None and marker and not os.path.exists(marker):
            open(marker, "w").close()
            os.kill(os.getpid(), signal.SIGKILL)""")


def test_a_worker_that_dies_once_costs_the_dask_sweep_nothing(tmp_path):
    """One variant kills its Dask worker once. Dask cancels every task on the scattered bars when a worker that
    held them dies (dask/distributed#3149); the sweep scatters them again and submits what was left: its table
    equals a serial run's."""
    assert "worker_killer_once" in WORKER_KILLER_ONCE and "RTYBT_TEST_KILLED_ONCE" in WORKER_KILLER_ONCE
    data = tmp_path / "data"
    data.mkdir()
    bars_csv(160).to_csv(data / "TEST.csv", index=False)
    (tmp_path / "killer.py").write_text(WORKER_KILLER_ONCE)
    tables = {}
    for name, executor in (("serial", ["--workers", "1"]), ("dask", ["--cluster", "local", "--workers", "2"])):
        config = tmp_path / f"{name}.yaml"
        config.write_text(yaml.safe_dump({
            "name": "grid", "data": {"symbol": "TEST", "dir": str(data)}, "benchmark": {"enabled": False},
            "strategy": {"file": "killer.py", "name": "worker_killer_once", "params": {"hold_bars": 2}},
            "output": {"dir": str(tmp_path / name), "plots": False, "tearsheet": False},
            "sweep": {"grid": {"hold_bars": [2, 3, 4, 5, 6, 7]}, "top": 1},
        }))
        env = {k: v for k, v in os.environ.items() if k != "RTYBT_DATA_DIR"}
        env["RTYBT_TEST_KILLED_ONCE"] = str(tmp_path / "killed")
        done = subprocess.run([*BASE, "-q", "sweep", str(config), *executor],
                              capture_output=True, text=True, timeout=240, cwd=tmp_path, env=env)
        assert done.returncode == 0, (name, done.stderr[-2000:])
        [table] = (tmp_path / name).glob("grid-sweep/*/sweep.csv")
        tables[name] = table.read_bytes()
    assert (tmp_path / "killed").exists(), "no worker was killed"
    assert tables["dask"] == tables["serial"]


# --- SIGKILL of the parent: no worker outlives it ---------------------------------------------------------------

def descendants(pid: int) -> set[int]:
    try:
        return {p.pid for p in psutil.Process(pid).children(recursive=True)}
    except psutil.NoSuchProcess:
        return set()


def kill_parent_and_watch(proc: subprocess.Popen, ready) -> None:
    deadline = time.monotonic() + 120
    seen: set[int] = set()
    while time.monotonic() < deadline and proc.poll() is None and not ready(seen):
        seen |= descendants(proc.pid)
        time.sleep(0.05)
    assert proc.poll() is None, "the command ended before it could be killed"
    seen |= descendants(proc.pid)
    assert seen, "no worker process was seen"
    proc.kill()
    proc.wait()
    gone_by = time.monotonic() + EXIT_LIMIT
    while alive(seen) and time.monotonic() < gone_by:
        time.sleep(0.05)
    survivors = alive(seen)
    for pid in survivors:  # not left running for the tests after this one
        with suppress(psutil.NoSuchProcess):
            psutil.Process(pid).kill()
    assert not survivors, f"processes outlived their killed parent by {EXIT_LIMIT} s: {survivors}"


def started_workers(pid: int) -> int:
    """Workers past their start-up: each runs its parent watch (a second thread). A worker still importing
    when its parent is killed ends when its start-up does (it holds the forkserver until then)."""
    count = 0
    for child in descendants(pid):
        try:
            if psutil.Process(child).num_threads() >= 2:
                count += 1
        except psutil.NoSuchProcess:
            continue
    return count


def test_sigkill_of_a_pool_sweep_leaves_no_worker(tmp_path):
    config = write_long_config(tmp_path)
    proc = subprocess.Popen([*BASE, "-q", "sweep", str(config), "--workers", "2"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, cwd=tmp_path)
    # Two workers (the forkserver's children: it preloads the engine, so its own CPU time says nothing) at work.
    kill_parent_and_watch(proc, lambda seen: started_workers(proc.pid) >= 2
                          and busy_workers(proc.pid, grandchildren(proc.pid)) >= 2)


def grandchildren(pid: int) -> set[int]:
    """The pool's workers: forked by the forkserver, a child of the command (as is the resource tracker)."""
    found = set()
    for child in descendants(pid):
        try:
            if psutil.Process(child).ppid() != pid:
                found.add(child)
        except psutil.NoSuchProcess:
            continue
    return found


# A worker still unpickling its start-up (its initializer's module) when the parent dies: that module takes far
# longer than the 2 s limit to import in a worker (not in the parent, which pickles the initializer), so only a
# worker that dies with its parent in every phase of its start passes.
SLOW_START = """import os
import time

if os.getpid() != int(os.environ["SLOW_START_PARENT"]):
    time.sleep(60)


def init():
    pass
"""
POOL_SCRIPT = """
import os
import time
os.environ["SLOW_START_PARENT"] = str(os.getpid())
from rtybt.engine.core.pool import make_pool
import slow_start_init
pool = make_pool(2, slow_start_init.init)
futures = [pool.submit(abs, -n) for n in range(4)]
time.sleep(300)
"""


def test_sigkill_while_pool_workers_still_import_leaves_no_worker(tmp_path):
    (tmp_path / "slow_start_init.py").write_text(SLOW_START)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen([sys.executable, "-c", POOL_SCRIPT], env=env, cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    kill_parent_and_watch(proc, lambda seen: len(grandchildren(proc.pid)) >= 2)


THREAD_SCRIPT = """
import threading
import time
from rtybt.engine.core.pool import make_pool
pools, results = [], []
def start():
    pools.append(make_pool(1))
    results.append(pools[0].submit(abs, -1).result())
thread = threading.Thread(target=start)
thread.start()
thread.join()
time.sleep(0.5)
results.append(pools[0].submit(abs, -2).result())
print(results)
"""


def test_a_pool_started_from_a_thread_still_works_after_that_thread_ends(tmp_path):
    """The kernel's parent death is the death of the forking thread: a forkserver started from a thread that then
    ends must not take the pool's workers with it."""
    done = subprocess.run([sys.executable, "-c", THREAD_SCRIPT], capture_output=True, text=True, timeout=120,
                          cwd=tmp_path)
    assert done.returncode == 0 and done.stdout.strip() == "[1, 2]", (done.returncode, done.stdout, done.stderr)


def test_sigkill_of_a_pool_sweep_as_its_workers_start_leaves_no_worker(tmp_path):
    config = write_long_config(tmp_path)
    proc = subprocess.Popen([*BASE, "-q", "sweep", str(config), "--workers", "2"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, cwd=tmp_path)
    kill_parent_and_watch(proc, lambda seen: len(grandchildren(proc.pid)) >= 1)


def test_sigkill_of_a_dask_sweep_leaves_no_worker(tmp_path):
    """`--cluster local`: the cluster's worker processes follow their parent too."""
    config = write_long_config(tmp_path)
    proc = subprocess.Popen([*BASE, "-q", "sweep", str(config), "--cluster", "local", "--workers", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp_path)
    kill_parent_and_watch(proc, lambda seen: busy_workers(proc.pid) >= 2 and cpu_seconds(proc.pid) > 6)


def forkserver_started(pid: int) -> bool:
    for child in descendants(pid):
        try:
            if any("forkserver" in part for part in psutil.Process(child).cmdline()):
                return True
        except psutil.NoSuchProcess:
            continue
    return False


PRELOAD_SCRIPT = POOL_SCRIPT.replace("make_pool(2, slow_start_init.init)",
                                    "make_pool(2, preload=['slow_start_init'])")


def test_sigkill_while_the_forkserver_still_preloads_leaves_nothing(tmp_path):
    (tmp_path / "slow_start_init.py").write_text(SLOW_START)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen([sys.executable, "-c", PRELOAD_SCRIPT], env=env, cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    appeared: list[float] = []

    def preloading(seen) -> bool:  # half a second into its (minute-long) preload
        if not appeared and forkserver_started(proc.pid):
            appeared.append(time.monotonic())
        return bool(appeared) and time.monotonic() - appeared[0] > 0.5
    kill_parent_and_watch(proc, preloading)


def test_sigkill_of_regress_while_its_forkserver_preloads_leaves_nothing(tmp_path):
    """regress's forkserver imports the engine before it forks any worker (seconds, under load): it ends with the
    command from its first module on, not once its imports are done."""
    proc = subprocess.Popen([*BASE, "-q", "regress", *regress_copy(tmp_path), "--jobs", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp_path)
    kill_parent_and_watch(proc, lambda seen: forkserver_started(proc.pid))


def busy_workers(pid: int, among: set[int] | None = None) -> int:
    count = 0
    for child in descendants(pid) if among is None else among:
        try:
            if sum(psutil.Process(child).cpu_times()[:2]) > 0.5:
                count += 1
        except psutil.NoSuchProcess:
            continue
    return count


# --- SIGINT and SIGTERM: every long command, every executor ----------------------------------------------------

LONG = {
    "data": {"symbol": "^RUT", "start": "2005-01-01"},
    "strategy": {"name": "ma_reclaim", "params": {"ma_period": 20, "hold_bars": 2}},
    "event_study": {"bootstrap_samples": 2000},
    "sweep": {"grid": {"ma_period": [10, 20, 30, 40, 50, 60], "hold_bars": [2, 3]}, "top": 2},
    "walkforward": {"train_bars": 1000, "test_bars": 500},
    "study": {"symbols": ["^RUT", "IWM", "SPY", "QQQ"]},
}


def write_long_config(folder: Path) -> Path:
    path = folder / "long.yaml"
    path.write_text(yaml.safe_dump({**LONG, "output": {"dir": str(folder / "results")}}))
    return path


def write_second_config(folder: Path) -> Path:
    path = folder / "second.yaml"
    raw = {**LONG, "strategy": {"name": "rsi_momentum"}, "output": {"dir": str(folder / "results")}}
    path.write_text(yaml.safe_dump(raw))
    return path


COMMANDS = {
    "run": lambda f: ["run", write_long_config(f)],
    "compare": lambda f: ["compare", write_long_config(f), write_second_config(f), "--rerun"],
    "sweep-serial": lambda f: ["sweep", write_long_config(f), "--workers", "1"],
    "sweep-pool": lambda f: ["sweep", write_long_config(f), "--workers", "2"],
    "sweep-dask": lambda f: ["sweep", write_long_config(f), "--cluster", "local", "--workers", "2"],
    "walkforward": lambda f: ["walkforward", write_long_config(f), "--workers", "2"],
    "study": lambda f: ["study", write_long_config(f), "--workers", "2"],
    "regress": lambda f: ["regress", *regress_copy(f), "--jobs", "2"],
    "analogs": lambda f: ["analogs", "--k", "20"],
    "note-serial": lambda f: ["note", note_copy(f)],
    "note-pool": lambda f: ["note", note_copy(f), "--workers", "2"],
}
# CPU seconds (the command and its workers) spent before the signal: imports done, work under way. A command in
# one process has imported everything it needs before its work by about 1.1 CPU s (run, compare, sweep: the
# engine, pandas, backtrader, the strategies; matplotlib comes later, with the reports): at 2.0 a second of work
# is under way. On a pool the forkserver and the workers import too, hence 3.0 there.
STARTED_CPU = {"run": 2.0, "compare": 2.0, "sweep-serial": 2.0, "analogs": 1.5, "note-serial": 2.0, "note-pool": 2.0}


def note_copy(folder: Path) -> Path:
    """The example note (QQQ, on the bundled data), where its results land in `folder`."""
    import shutil

    return Path(shutil.copy(REPO / "examples" / "qqq-turning-the-corner.yaml", folder / "note.yaml"))


def regress_copy(folder: Path) -> list[str]:
    """Three configs and their baselines in `folder`, where regress looks for them (its working directory)."""
    import shutil

    names = ["ma_reclaim", "rsi_momentum", "golden_cross"]
    (folder / "configs").mkdir()
    shutil.copytree(REPO / "tests" / "regression", folder / "tests" / "regression",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for name in names:
        shutil.copy(REPO / "configs" / f"{name}.yaml", folder / "configs" / f"{name}.yaml")
    return [f"configs/{name}.yaml" for name in names]
SIGNALS = [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "interrupted")]


def default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # as a terminal's foreground process has it


def cpu_seconds(pid: int, children: set[int] | None = None) -> float:
    total = 0.0
    for p in [pid, *(descendants(pid) if children is None else children)]:
        try:
            total += sum(psutil.Process(p).cpu_times()[:2])
        except psutil.NoSuchProcess:
            continue
    return total


@pytest.mark.parametrize(("signum", "code", "word"), SIGNALS, ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("name", list(COMMANDS))
def test_a_signal_stops_every_long_command_within_2_s_in_one_line(name, signum, code, word, tmp_path):
    args = [str(a) for a in COMMANDS[name](tmp_path)]
    proc = subprocess.Popen([*BASE, "-q", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=tmp_path, preexec_fn=default_sigint)
    seen: set[int] = set()
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            children = descendants(proc.pid)  # one walk of the process table a round: the poll is not the load
            seen |= children
            if cpu_seconds(proc.pid, children) >= STARTED_CPU.get(name, 3.0):
                break
            time.sleep(0.05)
        assert proc.poll() is None, f"{name} ended before it could be stopped: {proc.stderr.read()[-300:]}"
        seen |= descendants(proc.pid)
        sent = time.monotonic()
        proc.send_signal(signum)
        _, stderr = proc.communicate(timeout=60)
        took = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == code, (proc.returncode, stderr)
    assert stderr == f"rtybt: {word}\n", stderr
    assert took <= EXIT_LIMIT, f"{name} took {took:.2f} s to stop after {signal.Signals(signum).name}"
    gone_by = time.monotonic() + EXIT_LIMIT
    while alive(seen) and time.monotonic() < gone_by:
        time.sleep(0.05)
    assert not alive(seen), f"processes left after {name} stopped: {alive(seen)}"


# Last in the module, so that the probe started with its first test has had its seconds.
def test_silent_port_with_the_default_timeout_fails_within_15_s(default_timeout_probe, monkeypatch):
    monkeypatch.delenv("RTYBT_CLUSTER_TIMEOUT", raising=False)
    assert cluster_timeout() == DEFAULT_CLUSTER_TIMEOUT <= 15
    thread, outcome = default_timeout_probe
    thread.join(60)
    assert not thread.is_alive(), "the probe at the default timeout never returned"
    assert outcome["timeout"] == DEFAULT_CLUSTER_TIMEOUT
    assert isinstance(outcome.get("error"), ClusterError), outcome
    assert "no Dask handshake" in str(outcome["error"])
    assert outcome["took"] <= 15
