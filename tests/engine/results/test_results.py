"""Run directories: complete or absent, concurrent runs both land, failed runs leave nothing, same inputs same bytes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from rtybt.engine.commands import run as pipeline
from rtybt.engine.commands.run import execute_run
from rtybt.engine.results import STAGING, RunWriter

SHORT = (
    "data: {symbol: ^RUT, start: 2024-01-01}\n"
    "strategy: {name: ma_reclaim, params: {ma_period: 20, hold_bars: 2}}\n"
    "output: {tearsheet: false}\n"
)


def run_dirs(root: Path) -> list[Path]:
    return sorted(p for name in root.iterdir() if name.name != STAGING for p in name.iterdir())


@pytest.fixture
def config_file(tmp_path):
    path = tmp_path / "short.yaml"
    path.write_text(SHORT)
    return path


def test_a_failing_run_leaves_no_run_directory_and_no_staging(config_file, tmp_path, snapshot_dir, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk gone while writing")

    monkeypatch.setattr(pipeline, "write_run_files", broken)
    results = tmp_path / "results"
    with pytest.raises(RuntimeError, match="disk gone"):
        execute_run(config_file, [], str(snapshot_dir), str(results))
    assert run_dirs(results) == []
    assert list((results / STAGING).iterdir()) == []


def test_a_killed_run_s_staging_is_cleaned_by_the_next_run(tmp_path):
    root = tmp_path / "results"
    (root / STAGING / "20240101T000000-abc-def.999999999").mkdir(parents=True)  # no such process
    alive = root / STAGING / f"20240101T000000-abc-ghi.{os.getppid()}"  # a live process: still writing
    alive.mkdir()
    writer = RunWriter(root, "x", "20240102T000000-abc-jkl")
    assert sorted(p.name for p in (root / STAGING).iterdir()) == sorted([alive.name, writer.stage.name])
    writer.write_text("a.txt", "a")
    final = writer.commit()
    assert final == root / "x" / "20240102T000000-abc-jkl" and (final / "a.txt").read_text() == "a"
    assert not writer.stage.exists()


@pytest.mark.slow
def test_two_runs_started_at_once_both_complete_with_identical_results(config_file, tmp_path, snapshot_dir):
    results = tmp_path / "results"
    env = {**os.environ, "RTYBT_DATA_DIR": str(snapshot_dir), "RTYBT_OFFLINE": "1"}
    command = [sys.executable, "-m", "rtybt.engine.cli", "run", str(config_file), "--json"]
    procs = [subprocess.Popen([*command, "--set", f"output.dir={results}"], cwd=tmp_path, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err for _, err in outs]
    dirs = run_dirs(results)
    assert len(dirs) == 2 and dirs[0] != dirs[1] and all(d.parent.name == "short" for d in dirs)
    assert list((results / STAGING).iterdir()) == []
    # Same config, same data: byte-identical results (only the manifest's clock and run id differ).
    for name in ("config.yaml", "metrics.json", "trades.csv", "returns.csv", "positions.csv",
                 "transactions.csv", "order_issues.csv", "validation.json", "validation.txt", "equity.png"):
        assert (dirs[0] / name).read_bytes() == (dirs[1] / name).read_bytes(), name
