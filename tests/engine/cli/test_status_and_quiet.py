"""A long command says what it is doing on a terminal, and nothing else reaches it: no status when piped, with -q
or --json; -q/-v after every command's name; no third-party warning on stderr; `rtybt` alone is help."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import typer.main
import yaml
from typer.testing import CliRunner

from rtybt.engine.cli import app
from tests.conftest import REPO, error_lines
from tests.engine.cli.pty_run import run_with_tty_stderr

RTYBT = Path(sys.executable).with_name("rtybt")
SHORT = ("data: {symbol: ^RUT, start: 2016-01-01}\n"
         "strategy: {name: ma_reclaim, params: {ma_period: 20, hold_bars: 2}}\n"
         "output: {tearsheet: false, plots: false}\n")


@pytest.fixture
def short_config(tmp_path, snapshot_dir):
    path = tmp_path / "short.yaml"
    path.write_text(SHORT.replace("output: {tearsheet: false, plots: false}",
                                  f"output: {{dir: '{tmp_path / 'results'}', tearsheet: false, plots: false}}"))
    return path


def env() -> dict:
    return dict(os.environ, COLUMNS="120", TERM="xterm")


def leaf_commands() -> list[list[str]]:
    group = typer.main.get_command(app)
    paths = []

    def walk(cmd, prefix):
        for name, sub in cmd.commands.items():
            if hasattr(sub, "commands"):
                walk(sub, [*prefix, name])
            else:
                paths.append([*prefix, name])

    walk(group, [])
    return paths


@pytest.mark.parametrize("path", leaf_commands(), ids=" ".join)
def test_every_command_takes_q_and_v_after_its_name(path):
    result = CliRunner().invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "-q, --quiet" in result.output and "-v, --verbose" in result.output


def test_q_after_the_command_is_as_quiet_as_before_it(short_config):
    runner = CliRunner()
    before = runner.invoke(app, ["-q", "run", str(short_config)])
    after = runner.invoke(app, ["run", str(short_config), "-q"])
    assert before.exit_code == after.exit_code == 0, after.output
    assert before.output.splitlines()[0].startswith("results:")
    assert after.output.splitlines()[0].startswith("results:") and len(after.output.splitlines()) == 1
    verbose = runner.invoke(app, ["run", str(short_config), "-v"])
    assert "validation" in verbose.output.lower() and len(verbose.output.splitlines()) > 10


@pytest.mark.parametrize("argv", [[], ["data"], ["config"]], ids=["rtybt", "rtybt data", "rtybt config"])
def test_a_group_alone_prints_its_help_on_stdout_and_exits_0(argv):
    proc = subprocess.run([str(RTYBT), *argv], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Usage: rtybt") and proc.stderr == ""


def test_run_shows_its_stages_on_a_terminal(short_config):
    code, out, tty = run_with_tty_stderr([str(RTYBT), "run", str(short_config)], env())
    assert code == 0, tty
    for stage in ("loading data", "backtest", "benchmark"):
        assert f"run short.yaml: {stage}" in tty, tty[:2000]
    assert "results:" in out and "loading data" not in out  # the status never reaches stdout


@pytest.mark.parametrize("extra", [["-q"], ["--json"]], ids=["-q", "--json"])
def test_q_and_json_silence_the_status_on_a_terminal(short_config, extra):
    code, out, tty = run_with_tty_stderr([str(RTYBT), "run", str(short_config), *extra], env())
    assert code == 0, tty
    assert tty.strip() == "", tty[:2000]
    assert out.strip()


def test_no_status_when_stderr_is_not_a_terminal(short_config):
    proc = subprocess.run([str(RTYBT), "run", str(short_config)], capture_output=True, text=True, timeout=300,
                          env=env())
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    assert "results:" in proc.stdout


def test_sweep_takes_q_after_its_name_and_shows_its_bar_otherwise(short_config):
    argv = [str(RTYBT), "sweep", str(short_config), "--grid", "ma_period=20,30", "--workers", "1"]
    code, out, tty = run_with_tty_stderr(argv, env())
    assert code == 0, tty
    assert "sweep short.yaml: 2 variants" in tty and "/2" in tty, tty[:2000]  # the bar, counting to 2
    assert "sweep short.yaml: statistics and report" in tty
    code, out, tty = run_with_tty_stderr([*argv, "-q"], env())
    assert code == 0 and tty.strip() == "", tty[:2000]
    assert out.startswith("results:")


def test_flows_report_their_stages_through_the_callback(short_config):
    from rtybt.engine.commands.run import execute_run

    seen = []
    execute_run(short_config, on_stage=seen.append)
    assert seen == ["loading data", "backtest", "benchmark", "analysis", "writing results"]


def test_regress_reports_each_finished_config(tmp_path):
    from rtybt.engine.commands.regress import run_regress

    # The shipped config from 2020 on (the progress is the point, not the full history's numbers), making its
    # baseline in tmp_path: the same job loop reports progress whether it compares or writes baselines.
    raw = yaml.safe_load((REPO / "configs" / "ma_reclaim.yaml").read_text())
    raw["data"]["start"] = "2020-01-01"
    config = tmp_path / "recent.yaml"
    config.write_text(yaml.safe_dump(raw))
    seen = []
    report = run_regress([str(config)], update=True, baselines_dir=tmp_path / "baselines",
                         on_progress=lambda d, t: seen.append((d, t)), jobs=1)
    assert seen == [(0, 1), (1, 1)]
    assert [v.status for v in report.verdicts] == ["updated"]  # the config ran to the end


@pytest.mark.slow
def test_ready_to_rally_run_prints_no_warning(tmp_path, snapshot_dir):
    # Its tail ratio is 0/0 (flat on most days): empyrical's RuntimeWarning must not reach the terminal.
    proc = subprocess.run([str(RTYBT), "run", str(REPO / "configs" / "ready_to_rally.yaml"),
                           "--set", f"output.dir={tmp_path}", "--set", "output.plots=false"],
                          capture_output=True, text=True, timeout=600, env=env())
    assert proc.returncode == 0, proc.stderr
    assert "Warning" not in proc.stderr and proc.stderr == "", proc.stderr
    report = next(tmp_path.glob("ready_to_rally/*/report.json")).read_text()
    assert "n/a: the 5th percentile of daily returns is 0" in report


# A stand-in for yfinance that behaves as the real one does on pandas 3: its import puts a "show
# DeprecationWarning" filter first, and download() emits Pandas4Warning-like deprecations from yfinance.multi.
FAKE_YFINANCE = {
    "yfinance/__init__.py": """
        import warnings
        warnings.filterwarnings('default', category=DeprecationWarning, module='^yfinance')
        from yfinance.multi import download
    """,
    "yfinance/multi.py": """
        import warnings
        def download(*args, **kwargs):
            warnings.warn('The inplace keyword in DataFrame.rename is deprecated', DeprecationWarning)
            warnings.warn('something else from yfinance', FutureWarning)
            return None
    """,
}


def test_a_download_attempt_prints_one_error_line_and_no_yfinance_warning(tmp_path):
    for name, text in FAKE_YFINANCE.items():
        (tmp_path / "stub" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "stub" / name).write_text(textwrap.dedent(text))
    empty = tmp_path / "empty"
    empty.mkdir()
    environment = {k: v for k, v in env().items() if k not in ("RTYBT_OFFLINE", "RTYBT_DATA_DIR")}
    environment["PYTHONPATH"] = os.pathsep.join([str(tmp_path / "stub"), str(REPO)])
    proc = subprocess.run([str(RTYBT), "snapshot", "--symbol", "FOO", "--data-dir", str(empty)],
                          capture_output=True, text=True, timeout=120, env=environment)
    assert proc.returncode == 2
    assert "Warning" not in proc.stderr and len(error_lines(proc.stderr)) == 2, proc.stderr
    assert "download returned no rows" in proc.stderr
