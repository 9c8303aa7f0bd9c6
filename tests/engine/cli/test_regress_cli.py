"""`rtybt regress` as a user runs it (a real subprocess in a fresh project folder): exit codes, messages, report."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO


def rtybt(cwd: Path, *args: str, env_data: Path | None = None) -> subprocess.CompletedProcess:
    import os

    env = dict(os.environ)
    if env_data is not None:
        env["RTYBT_DATA_DIR"] = str(env_data)
    return subprocess.run([sys.executable, "-m", "rtybt.engine.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def new_project(root: Path) -> Path:
    """A project folder with one short config and no baselines yet."""
    raw = yaml.safe_load((REPO / "configs" / "ma_reclaim.yaml").read_text())
    raw["data"]["start"] = "2020-01-01"
    (root / "configs").mkdir()
    (root / "configs" / "recent.yaml").write_text(yaml.safe_dump(raw))
    return root


@pytest.fixture(scope="module")
def project(tmp_path_factory, snapshot_dir):
    """Shared by the tests below; each makes the baseline it needs if an earlier test has not."""
    return new_project(tmp_path_factory.mktemp("project"))


def test_missing_baseline_fails_with_the_command_that_creates_it_then_the_net_holds(tmp_path, snapshot_dir,
                                                                                     monkeypatch):
    project = new_project(tmp_path)  # its own folder: no baseline whatever ran before
    missing = rtybt(project, "regress")
    assert missing.returncode == 1, missing.stderr
    assert "no baseline tests/regression/baselines/recent.json" in missing.stdout
    command = missing.stdout.split("`")[1]
    assert command == "rtybt regress --update configs/recent.yaml"

    created = rtybt(project, *shlex.split(command)[1:])
    assert created.returncode == 0, created.stderr
    baseline = project / "tests" / "regression" / "baselines" / "recent.json"
    assert json.loads(baseline.read_text())["config"] == "configs/recent.yaml"

    from typer.testing import CliRunner

    from rtybt.engine.cli import app

    monkeypatch.chdir(project)  # in-process from here: the subprocesses above cover the console script
    held = CliRunner().invoke(app, ["regress", "--json"])
    assert held.exit_code == 0, held.output
    payload = json.loads(held.stdout)
    assert payload["exit_code"] == 0 and payload["counts"] == {"ok": 1}
    assert payload["suite_seconds"] > 0 and payload["configs"][0]["seconds"] > 0
    report = Path(payload["report_dir"])
    if not report.is_absolute():
        report = project / report
    assert {p.name for p in report.iterdir()} == {"report.md", "regress.json", "manifest.json"}
    assert "| configs/recent.yaml | ok" in (report / "report.md").read_text()



def test_moved_results_print_the_table_and_exit_1(project, monkeypatch):
    from typer.testing import CliRunner

    from rtybt.engine.cli import app

    monkeypatch.chdir(project)
    if not (project / "tests" / "regression" / "baselines" / "recent.json").is_file():
        assert CliRunner().invoke(app, ["regress", "--update"]).exit_code == 0
    moved = CliRunner().invoke(app, ["regress", "--set", "strategy.params.hold_bars=4"])
    assert moved.exit_code == 1, moved.output
    lines = moved.output.splitlines()
    assert lines[0].split() == ["config", "status", "what", "moved", "baseline", "now", "diff", "tolerance",
                                "first", "divergence"]
    assert lines[2].startswith("configs/recent.yaml") and "regression" in lines[2]
    assert any("first diverging date" in line for line in lines)
    assert "configs/recent.yaml: note: config changed since the baseline: strategy.params.hold_bars 3 -> 4" in lines
    assert lines[-2].startswith("1 config(s): 1 regression; suite run time ")


def test_a_baseline_without_its_config_is_named(project, monkeypatch):
    from typer.testing import CliRunner

    from rtybt.engine.cli import app

    monkeypatch.chdir(project)
    if not (project / "tests" / "regression" / "baselines" / "recent.json").is_file():
        assert CliRunner().invoke(app, ["regress", "--update"]).exit_code == 0
    orphan = project / "tests" / "regression" / "baselines" / "renamed.json"
    orphan.write_text("{}")
    try:
        result = CliRunner().invoke(app, ["regress", "--json"])
    finally:
        orphan.unlink()
    payload = json.loads(result.stdout)
    assert payload["counts"] == {"ok": 1}  # a note, not a failure: the suite's test checks orphans itself
    assert payload["orphan_baselines"] == ["tests/regression/baselines/renamed.json"]


def test_changed_data_file_exits_2_naming_the_file(project, snapshot_dir, tmp_path):
    if not (project / "tests" / "regression" / "baselines" / "recent.json").is_file():
        assert rtybt(project, "regress", "--update").returncode == 0
    data = tmp_path / "data"
    data.mkdir()
    text = (snapshot_dir / "^RUT.csv").read_text()
    # One volume digit in the last row: the checksum moves, the prices do not.
    last = text.rstrip("\n").rsplit("\n", 1)
    (data / "^RUT.csv").write_text(last[0] + "\n" + last[1] + "1\n")
    shutil.copy(snapshot_dir / "README.md", data / "README.md")
    refused = rtybt(project, "regress", "--data-dir", str(data))
    assert refused.returncode == 2
    errors = refused.stderr.strip().splitlines()
    assert len(errors) == 1 and "Traceback" not in refused.stderr
    assert errors[0].startswith("rtybt: error: configs/recent.yaml: refusing to compare: data file ^RUT.csv changed")
