"""The CLI through typer's CliRunner and through real subprocesses: exit codes 0 / 2 / 1, run, data, config schema."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from rtybt.engine.cli import app
from rtybt.engine.data import load_bars
from tests.conftest import REPO, error_lines

runner = CliRunner()
RTYBT = Path(sys.executable).with_name("rtybt")  # the installed console script

SHORT = (
    "data: {symbol: ^RUT, start: 2023-01-01}\n"
    "strategy: {name: ma_reclaim, params: {ma_period: 20, hold_bars: 2}}\n"
    "output: {tearsheet: false, plots: false}\n"
)


@pytest.fixture
def short_config(tmp_path):
    path = tmp_path / "short.yaml"
    path.write_text(SHORT)
    return path


def invoke(args, **kwargs):
    return runner.invoke(app, [str(a) for a in args], **kwargs)


def one_line_error(result):
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = error_lines(result.stderr)  # one line; a missing data file adds a second: how to fix it
    assert "Traceback" not in result.stderr
    return lines[0]


# ---- rtybt run --------------------------------------------------------------------------------
def test_run_prints_the_summary_and_writes_the_run(short_config, tmp_path, snapshot_dir):
    result = invoke(["run", short_config, "--data-dir", snapshot_dir, "--set", f"output.dir={tmp_path / 'r'}"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "short: ma_reclaim (ma_period=20, hold_bars=2" in out and "on ^RUT, 2023-01-03 to 2026-02-20" in out
    assert "costs: index: commission 2 bp and slippage 3 bp of traded value per side" in out
    assert "total return" in out and "buy & hold ^RUT" in out
    run_dir = Path(out.strip().splitlines()[-1].removeprefix("results: "))
    assert run_dir.parent == tmp_path / "r" / "short" and (run_dir / "manifest.json").is_file()


def test_run_json_is_the_summary_with_the_run_dir(short_config, tmp_path, snapshot_dir):
    result = invoke(["run", short_config, "--json", "--data-dir", snapshot_dir, "--set", f"output.dir={tmp_path}"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert Path(summary["run_dir"]).is_dir() and Path(summary["run_dir"]).parent.parent == tmp_path
    metrics = json.loads((Path(summary["run_dir"]) / "metrics.json").read_text())
    assert summary["strategy_metrics"]["final_equity"] == metrics["strategy"]["final_equity"]
    assert summary["costs"] == metrics["costs"] and summary["symbol"] == "^RUT"


def test_quiet_prints_only_the_results_line_and_verbose_adds_validation(short_config, tmp_path, snapshot_dir):
    common = ["run", short_config, "--data-dir", snapshot_dir, "--set", f"output.dir={tmp_path}"]
    quiet = invoke(["-q", *common])
    assert quiet.exit_code == 0 and len(quiet.stdout.strip().splitlines()) == 1
    assert quiet.stdout.startswith("results: ")
    normal = invoke(common)
    verbose = invoke(["-v", *common])
    assert "Validation of" not in normal.stdout
    assert "Validation of" in verbose.stdout and "trailing partial bar: 1 row(s)" in verbose.stdout
    assert len(verbose.stdout.splitlines()) > len(normal.stdout.splitlines()) > 1


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["run", "{cfg}", "--set", "strategy.params.ma_perod=3"], "did you mean 'ma_period'?"),
        (["run", "{cfg}", "--set", "data.symbol=NOPE"], "data.symbol NOPE: no bars: NOPE.csv not found"),
        (["run", "{tmp}/missing.yaml"], "missing.yaml: config file not found"),
        (["run"], "Missing argument"),
        (["run", "{cfg}", "--bogus"], "No such option: --bogus"),
        (["data", "check", "^RUT", "--jsn"], "No such option: --jsn"),
        (["config", "schema", "extra"], "unexpected extra argument"),
        (["nosuchcommand"], "No such command"),
    ],
)
def test_bad_input_exits_2_with_one_line(args, needle, short_config, tmp_path, snapshot_dir, monkeypatch):
    monkeypatch.setenv("RTYBT_DATA_DIR", str(snapshot_dir))
    args = [a.format(cfg=short_config, tmp=tmp_path) for a in args]
    assert needle in one_line_error(invoke(args))


def test_internal_error_exits_1_and_keeps_its_traceback(short_config, monkeypatch):
    import rtybt.engine.commands.run

    def bug(*args, **kwargs):
        raise ZeroDivisionError("a bug, not bad input")

    monkeypatch.setattr(rtybt.engine.commands.run, "execute_run", bug)
    result = invoke(["run", short_config])
    assert result.exit_code == 1 and isinstance(result.exception, ZeroDivisionError)


# ---- rtybt data / config ----------------------------------------------------------------------
def test_data_check_text_and_json(snapshot_dir):
    text = invoke(["data", "check", "^RUT", "--data-dir", snapshot_dir])
    assert text.exit_code == 0, text.output
    assert "9686 rows read" in text.stdout and "Volume 0: 17 row(s)" in text.stdout
    assert "trailing partial bar: 1 row(s)" in text.stdout and "line 9687 (2026-02-23)" in text.stdout
    assert "(matches SHA256SUMS)" in text.stdout
    payload = json.loads(invoke(["data", "check", "RTY=F", "--json", "--data-dir", snapshot_dir]).stdout)
    counts = {c["check"]: c["count"] for c in payload["checks"]}
    assert (counts["ohlc"], counts["zero_volume"], counts["partial_last_bar"]) == (2, 8, 1)
    assert payload["checksum"] == "matches SHA256SUMS" and len(payload["sha256"]) == 64


def test_data_check_missing_symbol_is_bad_input(tmp_path):
    assert "NOPE.csv not found in" in one_line_error(invoke(["data", "check", "NOPE", "--data-dir", tmp_path]))


def test_config_schema_is_a_valid_json_schema_that_accepts_the_configs():
    import jsonschema  # a dev dependency (pyproject.toml): pip install -e ".[dev]"
    result = invoke(["config", "schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for path in sorted((REPO / "configs").glob("*.yaml")):
        document = json.loads(json.dumps(yaml.safe_load(path.read_text()), default=str))
        assert list(validator.iter_errors(document)) == [], path.name
    assert list(validator.iter_errors({"strategy": {"name": "x"}, "brokr": {}}))  # extra keys refused


# ---- real subprocesses ------------------------------------------------------------------------
def subprocess_env(snapshot_dir, **extra):
    return {**os.environ, "RTYBT_DATA_DIR": str(snapshot_dir), "RTYBT_OFFLINE": "1", **extra}


def test_console_script_exit_codes(short_config, tmp_path, snapshot_dir):
    assert RTYBT.exists(), "pip install -e . installs the rtybt console script"
    env = subprocess_env(snapshot_dir)
    bad = subprocess.run([RTYBT, "run", short_config, "--set", "sizing.equity_fraction=2"], capture_output=True,
                         text=True, env=env, timeout=120)
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.strip().splitlines() == [
        f"rtybt: error: {short_config}: sizing.equity_fraction: Input should be less than or equal to 1 (got 2)"
    ]
    usage = subprocess.run([RTYBT, "run"], capture_output=True, text=True, env=env, timeout=120)
    assert usage.returncode == 2 and len(usage.stderr.strip().splitlines()) == 1


def test_subprocess_internal_error_exits_1_with_traceback(tmp_path, snapshot_dir):
    # A real interpreter running the real entry point, with one engine function broken on purpose.
    script = textwrap.dedent("""
        import sys
        import rtybt.engine.commands.run
        def bug(*args, **kwargs):
            raise ZeroDivisionError("a bug, not bad input")
        rtybt.engine.commands.run.execute_run = bug
        from rtybt.engine.cli import main
        main(sys.argv[1:])
    """)
    proc = subprocess.run([sys.executable, "-c", script, "run", "whatever.yaml"], capture_output=True, text=True,
                          env=subprocess_env(snapshot_dir), timeout=120, cwd=tmp_path)
    assert proc.returncode == 1
    assert "Traceback (most recent call last)" in proc.stderr and "ZeroDivisionError: a bug" in proc.stderr


FAKE_YFINANCE = '''
"""A local stand-in for yfinance: the shape of yfinance.download() for one symbol, no network."""
import numpy as np
import pandas as pd

def download(symbol, **kwargs):
    index = pd.bdate_range("2024-01-02", periods=4, name="Date")
    close = np.array([10.0, 11.0, 12.0, 13.0])
    cols = pd.MultiIndex.from_product([["Close", "High", "Low", "Open", "Volume"], [symbol]], names=["Price", "Ticker"])
    return pd.DataFrame(np.column_stack([close, close + 1, close - 1, close, np.full(4, 100.0)]), index=index,
                        columns=cols)
'''


def test_data_fetch_against_a_stand_in(tmp_path, snapshot_dir):
    stand_in = tmp_path / "stand_in"
    stand_in.mkdir()
    (stand_in / "yfinance.py").write_text(FAKE_YFINANCE)
    cache = tmp_path / "cache"
    env = subprocess_env(snapshot_dir, PYTHONPATH=str(stand_in), RTYBT_OFFLINE="")
    proc = subprocess.run([RTYBT, "data", "fetch", "IWM", "--data-dir", cache], capture_output=True, text=True,
                          env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"wrote {cache / 'IWM.csv'}"
    assert (cache / "IWM.csv").read_text().splitlines()[1] == "2024-01-02,10.0,11.0,9.0,10.0,100.0"
    assert json.loads((cache / "IWM.csv.meta.json").read_text())["rows"] == 4
    assert load_bars("IWM", cache, allow_download=False).frame["close"].tolist() == [10.0, 11.0, 12.0, 13.0]
    offline = subprocess.run([RTYBT, "data", "fetch", "SPY", "--data-dir", cache], capture_output=True, text=True,
                             env={**env, "RTYBT_OFFLINE": "1"}, timeout=120)
    assert offline.returncode == 2 and "RTYBT_OFFLINE is set" in offline.stderr
