"""Nothing lost: a run killed at any point leaves a complete run directory or none, earlier runs intact,
staging leftovers never visible as runs and cleaned by the next run; concurrent runs both complete."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time

import pytest
import yaml

from rtybt.engine.results import KILL_AT_ENV, STAGING
from tests.hardening.cli_harness import RTYBT, run_dirs, run_subprocess, tree_digest

CONFIG = {
    "data": {"symbol": "^RUT", "start": "2017-01-01", "end": "2019-12-31"},
    "strategy": {"name": "ma_reclaim", "params": {"ma_period": 50, "hold_bars": 3}},
    "benchmark": {"enabled": True},
    "output": {"plots": False, "tearsheet": False},
}


@pytest.fixture(scope="module")
def arena(tmp_path_factory):
    """A results root holding one completed run (made by a real subprocess, which also times a run)."""
    base = tmp_path_factory.mktemp("nothing_lost")
    root = base / "results"
    config = base / "killme.yaml"
    config.write_text(yaml.safe_dump({**CONFIG, "output": {**CONFIG["output"], "dir": str(root)}}))
    t0 = time.perf_counter()
    outcome = run_subprocess(["-q", "run", config], cwd=base)
    seconds = time.perf_counter() - t0
    assert outcome.code == 0, outcome.stderr
    (earlier,) = run_dirs(root)
    files = sorted(p.name for p in earlier.iterdir())
    return {"base": base, "root": root, "config": config, "seconds": seconds, "files": files,
            "earlier": earlier, "digest": tree_digest(earlier)}


def assert_all_runs_complete(arena):
    for run in run_dirs(arena["root"]):
        assert sorted(p.name for p in run.iterdir()) == arena["files"], f"incomplete run visible: {run}"
        json.loads((run / "manifest.json").read_text())
    assert tree_digest(arena["earlier"]) == arena["digest"], "the earlier run changed"


def staging_entries(arena) -> list[str]:
    staging = arena["root"] / STAGING
    return sorted(p.name for p in staging.iterdir()) if staging.is_dir() else []


@pytest.mark.parametrize("point", ["write", "commit"])
def test_kill_while_writing_leaves_no_run(arena, point):
    before = run_dirs(arena["root"])
    # --fresh: the same config again must write (by default the identical stored run would be reused).
    outcome = run_subprocess(["-q", "run", arena["config"], "--fresh"], cwd=arena["base"], env={KILL_AT_ENV: point})
    assert outcome.code == -signal.SIGKILL
    assert run_dirs(arena["root"]) == before
    # The half-written run is left in staging (nobody could clean up after SIGKILL) - never as a run.
    assert staging_entries(arena)
    assert_all_runs_complete(arena)


def test_kill_at_random_moments(arena):
    rng = random.Random(7)
    command = [str(RTYBT), "-q", "run", str(arena["config"]), "--fresh"]
    for fraction in sorted(rng.uniform(0.3, 1.1) for _ in range(2)):
        proc = subprocess.Popen(command, cwd=arena["base"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                env=os.environ.copy())
        time.sleep(fraction * arena["seconds"])
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        assert_all_runs_complete(arena)  # whatever moment it died at: complete runs or none


def test_concurrent_runs_both_complete_and_clean_dead_staging(arena):
    # The kill tests leave real staging behind when they run first; a planted one (named, like every stage, by
    # the pid of a process that has since exited) makes this test independent of the order tests run in.
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    planted = arena["root"] / STAGING / f"20000101T000000-00000000-000000.{dead.pid}"
    planted.mkdir(parents=True)
    (planted / "metrics.json").write_text("{")  # half-written
    leftovers = [name for name in staging_entries(arena) if not name.endswith(f".{os.getpid()}")]
    assert planted.name in leftovers
    before = set(run_dirs(arena["root"]))
    command = [str(RTYBT), "-q", "run", str(arena["config"]), "--fresh"]
    procs = [subprocess.Popen(command, cwd=arena["base"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    new = set(run_dirs(arena["root"])) - before
    assert len(new) == 2 and len({d.name for d in new}) == 2
    assert_all_runs_complete(arena)
    # Both runs cleaned the staging of dead processes; their own staging was renamed into place.
    assert staging_entries(arena) == []
