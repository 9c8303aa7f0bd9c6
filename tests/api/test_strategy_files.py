"""User strategies from a file: hand-checked trades, the example config, bad files, check-strategy, --screen."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rtybt.engine.cli import app
from rtybt.engine.config import load_config, validate_config
from rtybt.engine.run import run_strategy
from rtybt.strategies.files import load_strategy_file
from tests.conftest import REPO, bars_frame

EXAMPLE = REPO / "examples" / "pullback.yaml"
PULLBACK = REPO / "examples" / "my_strategies" / "pullback.py"

# trend_period=5, down_closes=2, hold_bars=2; opens are the previous close + 0.5 (tests/conftest.bars_frame).
CLOSES = [10, 12, 14, 16, 18, 17.9, 17.8, 19, 20, 21, 20.5, 20, 19.9, 23, 26, 29, 28.9, 28.8, 22, 22, 22.5]


def cli(*args):
    return CliRunner().invoke(app, list(args))


def test_the_example_strategy_trades_as_worked_out_by_hand():
    """Bar 6: second lower close (17.9, 17.8) above SMA5 16.74 -> buy at bar 7's open 18.3; held 2 bars -> sell
    signalled on bar 8, filled at bar 9's open 20.5. Bars 11, 12: two lower closes but under the SMA (20.1,
    20.28): no setup. Bar 17: 28.8 above SMA5 27.14 -> buy at 29.3 (bar 18); bar 18 closes 22 under SMA5
    26.94 -> sell at bar 19's open 22.5, before the 2 bars are up."""
    frame = bars_frame(CLOSES)
    d = frame.index.date
    config = validate_config({
        "strategy": {"name": "pullback", "file": str(PULLBACK),
                     "params": {"trend_period": 5, "down_closes": 2, "hold_bars": 2}},
        "broker": {"cash": 1e6, "commission_rate": 0.0, "slippage_rate": 0.0},
        "sizing": {"method": "fixed_units", "units": 1}, "benchmark": {"enabled": False},
    }, "test")
    cls = load_strategy_file(PULLBACK, "pullback")
    run = run_strategy(cls, config.strategy.params, frame, config, "X")
    fills = [(f["signal_date"], f["date"], f["side"], f["price"]) for f in run.fills]
    assert fills == [
        (d[6], d[7], "buy", 18.3), (d[8], d[9], "sell", 20.5),
        (d[17], d[18], "buy", 29.3), (d[18], d[19], "sell", 22.5),
    ]
    assert run.setups == [d[6], d[17]]


def test_the_example_config_runs_and_its_manifest_pins_the_file(tmp_path):
    out = tmp_path / "results"
    result = cli("run", str(EXAMPLE), "--set", f"output.dir={out}", "--set", "output.tearsheet=false",
                 "--set", "output.plots=false", "--set", "data.start=2015-01-01", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    run_dir = Path(summary["run_dir"])
    assert summary["strategy"] == "pullback" and summary["strategy_metrics"]["trades"] > 10
    manifest = json.loads((run_dir / "manifest.json").read_text())["inputs"][0]
    assert manifest["strategy_source_sha256"] == hashlib.sha256(PULLBACK.read_bytes()).hexdigest()
    # The resolved config.yaml names the file absolutely, loads again and keeps the run's config hash.
    again = load_config(run_dir / "config.yaml")
    assert again.strategy.file == str(PULLBACK.resolve())
    assert again.config_hash() == manifest["config_hash"]


def test_the_file_path_is_relative_to_the_config(tmp_path):
    (tmp_path / "mine").mkdir()
    shutil.copy(PULLBACK, tmp_path / "mine" / "dip.py")
    config_file = tmp_path / "cfg.yaml"
    config_file.write_text("strategy: {file: mine/dip.py, name: pullback, params: {hold_bars: 7}}\n")
    config = load_config(config_file)
    assert config.strategy.file == str((tmp_path / "mine" / "dip.py").resolve())
    assert config.strategy.params == {"trend_period": 200, "down_closes": 3, "hold_bars": 7}


def test_a_file_strategy_is_validated_against_its_spec_like_a_built_in(tmp_path):
    result = cli("run", str(EXAMPLE), "--set", "strategy.params.down_closes=0", "--set", f"output.dir={tmp_path}")
    assert result.exit_code == 2
    assert result.stderr.strip() == (f"rtybt: error: {EXAMPLE}: strategy.params.down_closes: must be >= 1 bars "
                                     "(got 0)")
    result = cli("run", str(EXAMPLE), "--set", "strategy.params.hold=3", "--set", f"output.dir={tmp_path}")
    assert result.exit_code == 2 and "unknown parameter of pullback (did you mean 'hold_bars'?)" in result.stderr
    assert not any(tmp_path.iterdir())


NOT_A_STRATEGY = "class Pullback:\n    name = 'pullback'\n"
NO_NAME = ("from rtybt.strategies.base import NoteStrategy\n\nclass Pullback(NoteStrategy):\n"
           "    def next(self):\n        pass\n")
SPEC_NOT_PARAMS = ("from rtybt.strategies.base import NoteStrategy\n\n"
                   "class Pullback(NoteStrategy):\n    name = 'pullback'\n    spec = ('n',)\n")
RAISES = "import not_a_module_anywhere\n"


@pytest.mark.parametrize("content, message", [
    (None, "strategy file not found"),
    ("def broken(:\n", "line 1: invalid Python: "),
    (RAISES, ":1 on import: ModuleNotFoundError: No module named 'not_a_module_anywhere'"),
    (NOT_A_STRATEGY, "defines no subclass of rtybt.strategies.base.NoteStrategy (or LongRuleStrategy)"),
    (NO_NAME, "class Pullback: set `name = \"...\"` (the name configs use)"),
    (SPEC_NOT_PARAMS, "class Pullback: `spec` must be a tuple of rtybt.strategies.params.Param"),
    (PULLBACK.read_text().replace('name = "pullback"', 'name = "dip"'),
     "no strategy named 'pullback'; strategies defined in the file: dip"),
], ids=["missing", "syntax", "import-error", "not-a-subclass", "no-name", "spec-not-param", "no-such-name"])
def test_a_bad_strategy_file_is_one_line_exit_2(tmp_path, content, message):
    file = tmp_path / "mine.py"
    if content is not None:
        file.write_text(content)
    config_file = tmp_path / "cfg.yaml"
    config_file.write_text("strategy: {file: mine.py, name: pullback}\n")
    result = cli("run", str(config_file), "--set", f"output.dir={tmp_path / 'results'}")
    assert result.exit_code == 2, result.output
    line = result.stderr.strip()
    assert "\n" not in line and line.startswith(f"rtybt: error: {config_file}: strategy.file: {file}")
    assert message in line
    assert not (tmp_path / "results").exists()


PEEKING = '''
from rtybt.strategies.base import NoteStrategy


class Peeking(NoteStrategy):
    """Deliberately wrong: buys when the next bar closes higher."""

    name = "peeking"

    def next(self):
        if len(self.data) >= self.data.buflen():
            return
        up = self.data.close[1] > self.data.close[0]
        if self.busy:
            return
        if not self.position and up:
            self.enter_long()
        elif self.position and not up:
            self.exit_position()
'''


@pytest.mark.slow
def test_check_strategy_passes_the_example_and_catches_a_peek(tmp_path):
    result = cli("check-strategy", str(PULLBACK))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "PASS  pullback: no look-ahead on ^RUT 2013-2018, 20 cuts",
        "PASS  pullback: no look-ahead on seeded synthetic series, 10 cuts",
    ]
    file = tmp_path / "peek.py"
    file.write_text(PEEKING)
    result = cli("check-strategy", str(file))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and all(line.startswith("FAIL  peeking: no look-ahead on ") for line in lines)
    assert "cut(s) differ; first differs on 2014-01-13: cut after 2014-01-13: created differ" in lines[0]
    assert "likely cause: a decision read a later bar" in lines[0] and "datetime" not in lines[0]


def test_check_strategy_on_a_bad_file_is_exit_2(tmp_path):
    result = cli("check-strategy", str(tmp_path / "nope.py"))
    assert result.exit_code == 2 and result.stderr.strip() == f"rtybt: error: {tmp_path / 'nope.py'}: strategy file not found"


def test_sweep_screen_falls_back_to_backtrader_for_a_file_strategy(tmp_path):
    result = cli("sweep", str(EXAMPLE), "--screen", "--grid", "hold_bars=3,5", "--workers", "1", "--json",
                 "--set", f"output.dir={tmp_path}", "--set", "data.start=2016-01-01", "--set", "data.end=2018-12-31",
                 "--top", "1")
    assert result.exit_code == 0, result.output
    screen = json.loads(result.stdout)["screen"]
    assert screen["screened_by_twin"] == 0 and screen["screened_by_backtrader"] == 2
    assert screen["notes"] == [f"pullback is a strategy from a file ({PULLBACK.resolve()}) with no vectorised twin: "
                               "screened by Backtrader"]
    assert [row["screened_by"] for row in screen["confirmed"]] == ["Backtrader (no twin)"] * 2


def test_an_edited_file_is_loaded_again_and_hashed_anew(tmp_path):
    from rtybt.engine.results.provenance import strategy_source_sha

    file = tmp_path / "dip.py"
    file.write_text(PULLBACK.read_text())
    config = validate_config({"strategy": {"file": str(file), "name": "pullback"}}, "test")
    first, sha = load_strategy_file(file, "pullback"), strategy_source_sha(config)
    assert load_strategy_file(file, "pullback") is first  # unchanged content: loaded once
    file.write_text(PULLBACK.read_text().replace('min=1, max=250)', 'min=2, max=250)'))
    second = load_strategy_file(file, "pullback")
    assert second is not first and second.spec[2].min == 2
    assert strategy_source_sha(config) == hashlib.sha256(file.read_bytes()).hexdigest() != sha


def test_a_dict_config_names_the_run_after_its_strategy(tmp_path):
    from rtybt.engine.config import InlineConfig

    config = load_config(InlineConfig({"strategy": {"file": "my_strategies/pullback.py", "name": "pullback"},
                                       "data": {"dir": "../data/snapshot"}}, base_dir=REPO / "examples"))
    assert config.name == "pullback" and config.strategy.file == str(PULLBACK.resolve())
    assert config.data.dir == str((REPO / "data" / "snapshot").resolve())


def test_pool_workers_load_the_file_themselves_and_agree_with_one_process(tmp_path):
    import pandas as pd

    tables = []
    for workers in ("1", "2"):
        result = cli("sweep", str(EXAMPLE), "--grid", "hold_bars=3,5", "--workers", workers, "--json", "--top", "1",
                     "--set", f"output.dir={tmp_path / workers}", "--set", "data.start=2016-01-01",
                     "--set", "data.end=2018-12-31")
        assert result.exit_code == 0, result.output
        tables.append(pd.read_csv(Path(json.loads(result.stdout)["run_dir"]) / "sweep.csv"))
    assert tables[1]["trades"].min() > 0
    pd.testing.assert_frame_equal(tables[0], tables[1])


def test_compare_runs_an_edited_strategy_file_again_instead_of_reusing_its_old_run(tmp_path):
    file = tmp_path / "dip.py"
    file.write_text(PULLBACK.read_text())
    config_file = tmp_path / "dip.yaml"
    config_file.write_text("data: {start: 2016-01-01, end: 2018-12-31}\nstrategy: {file: dip.py, name: pullback}\n"
                           f"output: {{dir: {tmp_path / 'results'}, tearsheet: false, plots: false}}\n")

    def sources():
        result = cli("compare", str(config_file), "--json")
        assert result.exit_code == 0, result.output
        return [row["source"].split(":")[0] for row in json.loads(result.stdout)["rows"]]

    assert sources() == ["run now"]
    assert sources() == ["reused"]
    file.write_text(file.read_text().replace("min=1, max=250)", "min=1, max=251)"))  # same rules, other source
    assert sources() == ["run now"]
