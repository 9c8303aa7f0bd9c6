"""Determinism: the same config twice (in-process and in a fresh interpreter with another hash seed)
gives byte-identical result files; only the manifest's run id, times and command line may differ."""

from __future__ import annotations

import json

import yaml

from rtybt.engine.analysis.event_study import event_study
from rtybt.engine.commands.run import execute_run
from tests.hardening.cli_harness import run_dirs, run_subprocess

CONFIG = {
    "data": {"symbol": "^RUT", "start": "2012-01-01", "end": "2019-12-31"},
    "strategy": {"name": "ma_reclaim", "params": {"ma_period": 50, "hold_bars": 3}},
    "benchmark": {"enabled": True},
    "output": {"plots": False, "tearsheet": False},
}
VOLATILE_MANIFEST_KEYS = {"run_id", "started_utc", "finished_utc", "command_line"}


def test_two_runs_give_identical_bytes(tmp_path):
    root = tmp_path / "results"
    config = tmp_path / "same.yaml"
    config.write_text(yaml.safe_dump({**CONFIG, "output": {**CONFIG["output"], "dir": str(root)}}))

    first_outcome = execute_run(config)
    first = first_outcome.run_dir
    # A fresh interpreter with a different hash seed: set/dict ordering must not leak into the files.
    # --fresh: a second folder is the point here (by default an identical stored run is reused).
    outcome = run_subprocess(["-q", "run", config, "--fresh"], cwd=tmp_path, env={"PYTHONHASHSEED": "12345"})
    assert outcome.code == 0, outcome.stderr
    second = next(d for d in run_dirs(root) if d != first)
    assert first.name != second.name

    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    for required in ("metrics.json", "trades.csv", "returns.csv"):
        assert required in names
    for name in names:
        if name == "manifest.json":
            continue
        assert (first / name).read_bytes() == (second / name).read_bytes(), f"{name} differs"
    # The files are not trivially equal: the run traded.
    assert len((first / "trades.csv").read_text().splitlines()) > 10

    m1, m2 = (json.loads((d / "manifest.json").read_text()) for d in (first, second))
    assert m1["run_id"] != m2["run_id"]
    for key in VOLATILE_MANIFEST_KEYS:
        m1.pop(key, None), m2.pop(key, None)
    assert m1 == m2


def setups_and_closes(tmp_path):
    config = tmp_path / "boot.yaml"
    config.write_text(yaml.safe_dump({**CONFIG, "output": {**CONFIG["output"], "dir": str(tmp_path / "r")}}))
    outcome = execute_run(config)
    return outcome.bars.frame["close"], outcome.result.setups


def test_seeded_bootstrap_gives_identical_intervals(tmp_path):
    close, setups = setups_and_closes(tmp_path)
    assert len(setups) >= 10
    a = event_study(close, setups, horizons=(5, 20), n_boot=300, seed=11)
    b = event_study(close, setups, horizons=(5, 20), n_boot=300, seed=11)
    other = event_study(close, setups, horizons=(5, 20), n_boot=300, seed=12)
    assert a.horizons == b.horizons  # every mean, interval and p-value, exactly
    assert a.path.equals(b.path)
    # The intervals really come from the seeded draws: another seed moves them.
    assert [h.mean_ci for h in a.horizons] != [h.mean_ci for h in other.horizons]
    assert all(h.mean_ci[0] is not None and h.mean_ci[0] < h.mean_ci[1] for h in a.horizons)
