"""Ctrl-C (SIGINT) and SIGTERM during a 2-worker pool sweep: the console script exits within 2 s (130 / 143) with
no process of its own left behind, and `--resume` then completes the grid with the table an uninterrupted sweep
writes, byte for byte. Real subprocesses, real signals."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
import yaml

from tests.hardening.cli_harness import RTYBT, alive

# 8 variants of about 0.2 CPU s each over 7 years of ^RUT: the signal comes within moments of the first variant
# stored, with six or more still to run (over a second on two workers), so the sweep is cut mid-grid.
CONFIG = {
    "data": {"symbol": "^RUT", "start": "2018-01-01", "end": "2024-12-31"},
    "strategy": {"name": "ma_reclaim", "params": {"ma_period": 20, "hold_bars": 2}},
    "benchmark": {"enabled": False},
    "event_study": {"bootstrap_samples": 100},
    "output": {"plots": False, "tearsheet": False},
    "sweep": {"grid": {"ma_period": [10, 20, 30, 40], "hold_bars": [2, 3]}, "top": 1},
}
VARIANTS = 8
EXIT_LIMIT = 2.0
pytestmark = pytest.mark.slow  # seconds of real subprocesses and pools


def write_config(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "grid.yaml"
    path.write_text(yaml.safe_dump({**CONFIG, "output": {**CONFIG["output"], "dir": str(folder / "results")}}))
    return path


def command(config: Path, *extra: str) -> list[str]:
    base = [str(RTYBT)] if RTYBT.exists() else [sys.executable, "-m", "rtybt.engine.cli"]
    return [*base, "-q", "sweep", str(config), "--workers", "2", *extra]


def default_sigint() -> None:
    # A shell starts background jobs with SIGINT ignored, and a child inherits that: give the sweep the
    # disposition a terminal's foreground process has, so that Ctrl-C reaches it as it would a user's.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def sweep_table(folder: Path) -> bytes:
    tables = sorted((folder / "results").glob("grid-sweep/*/sweep.csv"))
    assert len(tables) == 1, tables
    return tables[0].read_bytes()


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory) -> bytes:
    folder = tmp_path_factory.mktemp("uninterrupted")
    done = subprocess.run(command(write_config(folder)), capture_output=True, text=True, timeout=600,
                          preexec_fn=default_sigint)
    assert done.returncode == 0, done.stderr
    return sweep_table(folder)


@pytest.mark.parametrize(("signum", "code", "word"), [(signal.SIGINT, 130, "interrupted"),
                                                      (signal.SIGTERM, 143, "interrupted")],
                         ids=["SIGINT", "SIGTERM"])
def test_signal_during_a_pool_sweep_stops_at_once_and_resume_completes_the_grid(
        signum, code, word, tmp_path, uninterrupted):
    config = write_config(tmp_path)
    store = tmp_path / "results" / ".variants"
    proc = subprocess.Popen(command(config), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=default_sigint)
    parent = psutil.Process(proc.pid)
    seen: set[int] = set()
    try:
        deadline = time.monotonic() + 300
        # Mid-grid: both workers running and at least one variant stored, the rest still to do.
        while time.monotonic() < deadline and proc.poll() is None:
            workers = parent.children(recursive=True)
            seen |= {p.pid for p in workers}
            if len(workers) >= 3 and store.is_dir() and len(list(store.glob("*.json"))) >= 1:
                break
            time.sleep(0.05)
        assert proc.poll() is None, "the sweep ended before it could be interrupted"
        seen |= {p.pid for p in parent.children(recursive=True)}
        stored_before = len(list(store.glob("*.json")))
        assert stored_before < VARIANTS
        sent = time.monotonic()
        proc.send_signal(signum)
        _, stderr = proc.communicate(timeout=60)
        took = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == code, stderr
    assert took <= EXIT_LIMIT, f"took {took:.2f} s to exit after {signum!r}"
    assert "Traceback" not in stderr and stderr.strip().splitlines()[-1] == f"rtybt: {word}", stderr
    # Every worker was stopped and joined before the exit; the forkserver follows its parent within moments.
    gone_by = time.monotonic() + 1.0
    while alive(seen) and time.monotonic() < gone_by:
        time.sleep(0.05)
    assert not alive(seen), f"processes left after the sweep exited: {alive(seen)}"
    assert not list((tmp_path / "results").glob("grid-sweep/*")), "an interrupted sweep left a run directory"
    assert not list(store.glob(".*.tmp")), "a half-written store entry"

    resumed = subprocess.run(command(config, "--resume", "--json"), capture_output=True, text=True, timeout=600,
                             preexec_fn=default_sigint)
    assert resumed.returncode == 0, resumed.stderr
    summary = json.loads(resumed.stdout)
    assert summary["reused"] >= stored_before and summary["reused"] + summary["computed"] == VARIANTS
    assert sweep_table(tmp_path) == uninterrupted


def test_sigterm_while_a_run_writes_its_files_leaves_no_run_directory(tmp_path):
    # The whole ^RUT history with its tearsheet: seconds of writing in the staging folder to land in.
    config = tmp_path / "full.yaml"
    root = tmp_path / "results"
    config.write_text(yaml.safe_dump({"data": {"symbol": "^RUT"}, "strategy": {"name": "ma_reclaim"},
                                      "output": {"dir": str(root)}}))
    base = [str(RTYBT)] if RTYBT.exists() else [sys.executable, "-m", "rtybt.engine.cli"]
    proc = subprocess.Popen([*base, "-q", "run", str(config)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and proc.poll() is None:
            staging = root / ".staging"
            if staging.is_dir() and any(p.is_file() for p in staging.rglob("*")):
                break
            time.sleep(0.02)
        assert proc.poll() is None, "the run ended before it could be stopped"
        sent = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=60)
        took = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 143 and stderr == "rtybt: interrupted\n", (proc.returncode, stderr)
    assert took <= EXIT_LIMIT
    assert not list((root / ".staging").iterdir()), "a staged run was left behind"
    assert [p.name for p in root.iterdir()] == [".staging"], "a run directory appeared"
