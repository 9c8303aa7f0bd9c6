"""Ctrl-C keeps every finished variant; --resume runs only the rest and ends with the same table."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

from rtybt.engine.sweep.executors import SerialExecutor
from rtybt.engine.sweep.runner import run_variants
from rtybt.engine.sweep.store import VariantStore


class CountingExecutor(SerialExecutor):
    def __init__(self):
        self.ran: list[str] = []

    def run(self, frame, tasks):
        self.ran += [t.config_hash for t in tasks]
        yield from super().run(frame, tasks)


def test_interrupt_keeps_finished_variants_and_resume_runs_only_the_rest(small_sweep, tmp_path):
    _, variants, bars = small_sweep
    store = VariantStore(tmp_path, bars.sha256, "source-a")

    def interrupt_after_two(done, total):
        if done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_variants(variants, bars.frame, SerialExecutor(), store, on_progress=interrupt_after_two)
    assert len(list(store.dir.glob("[!.]*.json"))) == 2
    assert not list(store.dir.glob(".tmp-*"))  # nothing half-written

    counting = CountingExecutor()
    resumed = run_variants(variants, bars.frame, counting, store, resume=True)
    assert (resumed.reused, resumed.computed) == (2, 2)
    assert counting.ran == [v.config_hash for v in variants[2:]]

    fresh = run_variants(variants, bars.frame, SerialExecutor())
    assert resumed.metrics == fresh.metrics
    pd.testing.assert_frame_equal(resumed.returns, fresh.returns, check_exact=True, check_freq=False)

    # Results of other strategy code (or other data) are never reused.
    other = VariantStore(tmp_path, bars.sha256, "source-b")
    counting = CountingExecutor()
    run_variants(variants[:1], bars.frame, counting, other, resume=True)
    assert counting.ran == [variants[0].config_hash]


def test_ctrl_c_on_a_real_pool_then_resume(sweep_config_path, tmp_path):
    # A real `rtybt sweep` on two worker processes, interrupted by SIGINT once a variant is stored.
    results = tmp_path / "results"
    cmd = [sys.executable, "-m", "rtybt.engine.cli", "-q", "sweep", str(sweep_config_path), "--workers", "2",
           "--grid", "ma_period=10,20,30,40,50,60", "--set", f"output.dir={results}"]
    # As from a terminal: SIGINT at its default (a background CI job may have inherited it ignored).
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    store = results / ".variants"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list(store.glob("[!.]*.json")):
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    stored = len(list(store.glob("[!.]*.json")))
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert 1 <= stored < 12
    assert not (results / "small-sweep").exists()  # no half sweep report

    done = subprocess.run([*cmd, "--resume", "--json"], capture_output=True, text=True, timeout=300,
                          env={**os.environ})
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["reused"] == stored
    assert summary["computed"] == 12 - stored
