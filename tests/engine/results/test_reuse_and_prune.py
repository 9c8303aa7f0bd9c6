"""Results stay manageable: `rtybt run` reuses an identical stored run (verified first) unless --fresh, and
`rtybt results list/prune` manage the folder without ever touching anything outside it."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rtybt.engine.cli import app
from rtybt.engine.core.errors import ResultsError
from rtybt.engine.results.manage import StoredRun, list_runs, remove_runs


def cli(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture
def config(tmp_path) -> Path:
    path = tmp_path / "short.yaml"
    path.write_text(f"name: short\nstrategy: {{name: ma_reclaim}}\ndata: {{start: 2015-01-01, end: 2016-12-31}}\n"
                    f"output: {{dir: {tmp_path / 'results'}, tearsheet: false, plots: false}}\n")
    return path


def runs(tmp_path) -> list[Path]:
    return sorted((tmp_path / "results" / "short").iterdir())


def test_an_identical_run_is_reused_unless_fresh(tmp_path, config):
    first = cli("run", config, "--json")
    assert first.exit_code == 0, first.output
    summary = json.loads(first.stdout)
    again = cli("run", config)
    assert again.exit_code == 0, again.output
    assert again.stdout.startswith("an identical run exists (same config hash, data checksum and code version): "
                                   "reusing it; --fresh runs it again")
    assert f"results: {summary['run_dir']}" in again.stdout
    assert runs(tmp_path) == [Path(summary["run_dir"])]
    reused = json.loads(cli("run", config, "--json").stdout)
    assert reused.pop("reused") is True and reused == summary  # the same summary, the same folder
    assert cli("run", config, "--fresh").exit_code == 0
    assert len(runs(tmp_path)) == 2
    # Another config (here a parameter) is another run.
    assert cli("run", config, "--set", "strategy.params.ma_period=40").exit_code == 0
    assert len(runs(tmp_path)) == 3


def test_a_damaged_identical_run_is_not_reused(tmp_path, config):
    assert cli("run", config).exit_code == 0
    (only,) = runs(tmp_path)
    (only / "trades.csv").write_text("edited\n")
    result = cli("run", config)
    assert result.exit_code == 0, result.output
    note = [line for line in result.stderr.splitlines() if line.startswith("rtybt: note: ")]
    assert len(note) == 1 and "an identical run is damaged, not reused:" in note[0] and "trades.csv" in note[0]
    assert len(runs(tmp_path)) == 2 and "an identical run exists" not in result.stdout


def test_list_and_prune_keep_the_newest_of_each_name(tmp_path, config):
    for _ in range(3):
        assert cli("run", config, "--fresh").exit_code == 0
    made = runs(tmp_path)
    listed = cli("results", "list", "--dir", tmp_path / "results")
    assert listed.exit_code == 0
    assert re.search(r"^  short +3 run\(s\) +[\d.]+ MB  newest " + made[-1].name + "$", listed.stdout, re.M), listed.stdout
    dry = cli("results", "prune", "--keep", "1", "--dir", tmp_path / "results")
    assert dry.exit_code == 0 and dry.stdout.startswith("would remove 2 run(s) (")
    assert "--yes removes them" in dry.stdout and runs(tmp_path) == made  # a dry run removes nothing
    done = cli("results", "prune", "--keep", "1", "--dir", tmp_path / "results", "--yes")
    assert done.exit_code == 0 and done.stdout.startswith("removed 2 run(s) (")
    assert runs(tmp_path) == [made[-1]]  # the newest stays


def test_prune_never_removes_anything_outside_the_results_dir(tmp_path, config):
    outside = tmp_path / "precious"
    (outside / "20200101T000000-aaaaaaaa-000000").mkdir(parents=True)
    (outside / "20200101T000000-aaaaaaaa-000000" / "manifest.json").write_text("{}")
    keep_me = outside / "20200101T000000-aaaaaaaa-000000" / "manifest.json"
    assert cli("run", config, "--fresh").exit_code == 0
    assert cli("run", config, "--fresh").exit_code == 0
    results = tmp_path / "results"
    os.symlink(outside, results / "linked")  # a run name that is a symlink out
    os.symlink(outside / "20200101T000000-aaaaaaaa-000000", results / "short" / "19990101T000000-old-000000")
    done = cli("results", "prune", "--keep", "1", "--dir", results, "--apply")
    assert done.exit_code == 0, done.output
    assert "skipped: " in done.stdout and "left alone" in done.stdout
    assert keep_me.is_file()  # nothing behind a symlink was touched
    assert (results / "linked").is_symlink() and (results / "short" / "19990101T000000-old-000000").is_symlink()
    assert len([p for p in runs(tmp_path) if not p.is_symlink()]) == 1
    # The deleter itself refuses a run folder that is not inside the root, whatever it is handed.
    listing = list_runs(results)
    with pytest.raises(ResultsError, match="not a run folder inside"):
        remove_runs(listing, [StoredRun("x", "y", outside / "20200101T000000-aaaaaaaa-000000", 0)])
    assert keep_me.is_file()


def test_results_list_of_a_missing_dir_is_one_line_exit_2(tmp_path):
    result = cli("results", "list", "--dir", tmp_path / "nope")
    assert result.exit_code == 2 and result.stderr.strip() == (
        f"rtybt: error: {tmp_path / 'nope'}: not a results directory (it does not exist or is not a folder)")
