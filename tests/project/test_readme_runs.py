"""The README runs as written on a fresh clone: every line of every `<!-- readme-test: run -->` block, offline,
with no data folder beside the clone and no RTYBT_DATA_DIR; the set-up block is what `.ci/run` runs."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.project.readme import README, marked_blocks, marked_files

REPO = README.parent
VENV_BIN = Path(sys.executable).parent  # the venv this suite runs in: its rtybt, nothing pip-installed here


def test_the_readme_marks_its_runnable_and_setup_blocks():
    runnable = [line for block in marked_blocks("run") for line in block]
    assert any(line.startswith("rtybt run configs/ma_reclaim.yaml") for line in runnable)
    commands = {line.split()[1] for line in runnable if line.startswith("rtybt ")}
    assert {"run", "snapshot", "compare", "sweep", "walkforward", "regress", "report", "data"} <= commands
    setup = [line for block in marked_blocks("setup") for line in block]
    assert "pytest" in setup and any("-c requirements/ci.txt" in line for line in setup)


def test_the_block_parser_reads_only_marked_fenced_blocks():
    text = ("```bash\nrtybt nope\n```\n<!-- readme-test: run -->\n```bash\n# a comment\nrtybt a\n\nrtybt b\n```\n"
            "<!-- readme-test: setup -->\n```bash\npytest\n```\n")
    assert marked_blocks("run", text) == [["rtybt a", "rtybt b"]]
    assert marked_blocks("setup", text) == [["pytest"]]


def test_ci_runs_the_readme_setup_and_test_commands():
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    for line in [line for block in marked_blocks("setup") for line in block]:
        for command in line.split(" && "):
            assert command.strip() in ci, f".ci/run does not run the README's `{command.strip()}`"


def test_the_readme_strategy_example_runs_as_written(tmp_path, monkeypatch):
    """`Your own strategy`: its file and config, copied out of the README as written, load, pass the
    look-ahead check `rtybt run` makes first and trade (a shorter period and no tearsheet keep it fast)."""
    import json

    from typer.testing import CliRunner

    from rtybt.engine.cli import app

    files = marked_files()
    assert set(files) == {"my_strategies/dip.py", "dip.yaml"}
    assert "bt_params" not in files["my_strategies/dip.py"]  # the spec alone declares the parameters
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["run", "dip.yaml", "--json", "--set", "data.start=2019-01-01",
                                      "--set", "output.tearsheet=false", "--set", "output.plots=false"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["strategy"] == "dip" and summary["params"] == {"down_closes": 3, "hold_bars": 5}
    assert summary["strategy_metrics"]["trades"] > 10
    assert not summary["verdict"].startswith("Look-ahead")


def fresh_clone(tmp_path: Path) -> Path:
    """`git clone` of this repository (plus its uncommitted changes to tracked files) into an empty folder."""
    clone = tmp_path / "somewhere" / "rtybt"
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(clone)], check=True, timeout=300)
    diff = subprocess.run(["git", "diff", "HEAD", "--binary"], cwd=REPO, capture_output=True, check=True).stdout
    if diff:
        subprocess.run(["git", "apply", "--binary", "-"], cwd=clone, input=diff, check=True)
    return clone


def clone_env(clone: Path, home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RTYBT_", "PYTEST", "COV_"))}
    env.update(
        PATH=os.pathsep.join([str(VENV_BIN), env.get("PATH", "")]),
        PYTHONPATH=str(clone),  # the clone's engine and strategies, ahead of the venv's editable install
        RTYBT_OFFLINE="1",  # proves no command reaches for the network
        HOME=str(home), XDG_CACHE_HOME=str(home / ".cache"),  # an empty download cache
        MPLBACKEND="Agg",
    )
    return env


@pytest.mark.slow
def test_every_runnable_readme_command_exits_0_on_a_fresh_clone(tmp_path):
    clone = fresh_clone(tmp_path)
    assert not (clone.parent / "shared").exists() and not (clone.parent.parent / "shared").exists()
    home = tmp_path / "home"
    home.mkdir()
    env = clone_env(clone, home)
    probe = subprocess.run([sys.executable, "-c", "import rtybt.engine.data.locate as m; print(m.BUNDLED_SNAPSHOT)"],
                           cwd=clone, env=env, capture_output=True, text=True, check=True)
    assert Path(probe.stdout.strip()) == clone / "data" / "snapshot"  # the clone's code and data, not ours

    lines = [line for block in marked_blocks("run") for line in block]
    timings = []
    for line in lines:
        started = time.perf_counter()
        proc = subprocess.run(["bash", "-o", "pipefail", "-c", line], cwd=clone, env=env, capture_output=True,
                              text=True, timeout=600)
        timings.append(f"{time.perf_counter() - started:5.1f}s  {line}")
        assert proc.returncode == 0, f"README command failed (exit {proc.returncode}): {line}\n{proc.stderr[-3000:]}"
        assert "Warning" not in proc.stderr and "Traceback" not in proc.stderr, f"{line}\n{proc.stderr[-3000:]}"
        assert proc.stdout.strip() or line.endswith(" -q"), f"{line}: printed nothing"
    print("\n".join(["README commands on a fresh clone:", *timings]))
    assert {"compare", "ma_reclaim", "ma_reclaim-sweep", "ma_reclaim-walkforward"} <= {
        p.name for p in (clone / "results").iterdir()}
