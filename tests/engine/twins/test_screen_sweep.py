"""`rtybt sweep --screen`: twins screen the grid, Backtrader confirms the top, and nothing differs silently."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from rtybt.engine.cli import app
from rtybt.engine.commands.sweep import overfitting_statistics
from rtybt.engine.config import load_config
from rtybt.engine.data import load_run_bars
from rtybt.engine.sweep.executors import SerialExecutor
from rtybt.engine.sweep.grid import expand_grid
from rtybt.engine.sweep.runner import run_variants
from rtybt.engine.sweep.screen import screened_sweep
from rtybt.engine.sweep.summary import format_sweep_summary
from rtybt.engine.twins import TWINS, ma_reclaim

YAML = """
data: {symbol: ^RUT, start: 2014-01-01, end: 2016-12-31}
strategy: {name: ma_reclaim, params: {ma_period: 50, hold_bars: 3}}
benchmark: {enabled: false}
output: {plots: false}
sweep: {grid: {ma_period: [10, 30], hold_bars: [1, 3]}, metric: sharpe, top: 2}
"""

NO_TWIN_YAML = """
data: {symbol: ^RUT, start: 2014-01-01, end: 2015-12-31}
strategy: {name: breakout_confirmation, params: {level_mode: zone}}
benchmark: {enabled: false}
output: {plots: false}
sweep: {grid: {exit_ma_period: [20, 50]}}
"""


def _setup(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("cfg") / "small.yaml"
    path.write_text(text)
    config = load_config(path)
    variants = expand_grid(config, config.sweep.grid, str(path))
    bars, _ = load_run_bars(config)
    return path, variants, bars.frame


@pytest.fixture(scope="module")
def small(tmp_path_factory, snapshot_dir):
    return _setup(tmp_path_factory, YAML)


@pytest.fixture(scope="module")
def backtrader_outcome(small):
    _, variants, frame = small
    return run_variants(variants, frame, SerialExecutor())


runner = CliRunner()


def test_screen_then_confirm_through_the_cli(small, backtrader_outcome, tmp_path):
    path = small[0]
    result = runner.invoke(app, ["sweep", str(path), "--workers", "1", "--screen", "--confirm-top", "2",
                                 "--set", f"output.dir={tmp_path}", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout[result.stdout.index("{"):])
    (out,) = list((tmp_path / "small-sweep").iterdir())
    screen = json.loads((out / "screen.json").read_text())
    assert screen == summary["screen"] == json.loads((out / "sweep.json").read_text())["screen"]
    assert screen["numbers"] == "screened" and screen["screened_by_twin"] == 4 and screen["diverged"] == []
    assert [row["parity"] for row in screen["confirmed"]] == ["identical", "identical"]
    for row in screen["confirmed"]:
        assert row["screened_sharpe"] == pytest.approx(row["confirmed_sharpe"], rel=1e-9)
        assert row["screened_trades"] == row["confirmed_trades"]
    # The screened table is the Backtrader sweep's table: every variant, not only the confirmed ones.
    rows = {r["label"]: r for r in json.loads((out / "sweep.json").read_text())["rows"]}
    assert {r["numbers"] for r in rows.values()} == {"twin screen"}
    for row in backtrader_outcome.table.itertuples():
        screened = rows[row.label]
        assert screened["trades"] == row.trades
        for key in ("sharpe", "cagr", "max_drawdown", "total_return", "exposure"):
            assert screened[key] == pytest.approx(getattr(row, key), rel=1e-9), (row.label, key)
    # Deflated Sharpe and PBO come from the screened returns: the same as from Backtrader's.
    expected = overfitting_statistics(backtrader_outcome, 252)
    assert summary["deflated_sharpe"] == pytest.approx(expected["deflated_sharpe"]["deflated_sharpe"], rel=1e-9)
    assert summary["pbo"] == pytest.approx(expected["pbo"]["pbo"], rel=1e-9)
    text = "\n".join(format_sweep_summary(summary))
    assert "4 variants screened by the twins, 0 by Backtrader" in text and "confirmed in Backtrader (top 2)" in text


def test_variants_without_a_twin_are_screened_by_backtrader_with_a_note(tmp_path_factory, snapshot_dir):
    _, variants, frame = _setup(tmp_path_factory, NO_TWIN_YAML)
    outcome, report = screened_sweep(variants, frame, SerialExecutor(), "sharpe", confirm=1)
    assert report["screened_by_twin"] == 0 and report["screened_by_backtrader"] == 2
    assert report["notes"] == [
        "breakout_confirmation: level_mode zone (pivot-detected resistance) has no vectorised twin: screened by Backtrader"
    ]
    assert set(outcome.table["numbers"]) == {"Backtrader (no twin)"}
    assert report["confirmed"][0]["screened_by"] == "Backtrader (no twin)"


class _OneBarLate(ma_reclaim.Planner):
    """A deliberately wrong twin: every entry one bar late."""

    def plan(self, p):
        plan = super().plan(p)
        plan.entry_bars = plan.entry_bars + 1
        return plan


def test_a_diverging_twin_discards_the_screen(small, backtrader_outcome, monkeypatch):
    _, variants, frame = small
    monkeypatch.setitem(TWINS, "ma_reclaim", _OneBarLate)
    outcome, report = screened_sweep(variants, frame, SerialExecutor(), "sharpe", confirm=1)
    assert report["numbers"] == "backtrader"
    assert report["diverged"] and report["confirmed"][0]["parity"] == "DIVERGED"
    assert any("screen was discarded" in note for note in report["notes"])
    assert outcome.executor == "serial" and set(outcome.table["numbers"]) == {"Backtrader"}
    assert outcome.table["sharpe"].tolist() == backtrader_outcome.table["sharpe"].tolist()


def test_twin_executor_on_window_slices_equals_backtrader(small):
    """Walk-forward windows arrive as tasks over rows lo:hi of the bars: the twin must agree there too."""
    from rtybt.engine.run.variants import Task
    from rtybt.engine.twins.executor import TwinExecutor

    _, variants, frame = small
    tasks = [Task(v.config, v.config_hash, lo, hi) for v in variants[:2] for lo, hi in ((0, 400), (300, None))]
    twins = TwinExecutor(SerialExecutor())
    screened = sorted(twins.run(frame, tasks), key=lambda r: (r.config_hash, r.lo))
    backtrader = sorted(SerialExecutor().run(frame, tasks), key=lambda r: (r.config_hash, r.lo))
    assert len(twins.screened) == 2 and twins.notes == []
    for a, b in zip(screened, backtrader, strict=True):
        assert (a.config_hash, a.lo, a.hi) == (b.config_hash, b.lo, b.hi)
        assert a.returns.index.equals(b.returns.index)
        assert a.returns.to_numpy() == pytest.approx(b.returns.to_numpy(), rel=1e-9, abs=1e-12)
        assert a.metrics["trades"] == b.metrics["trades"] and a.metrics["sharpe"] == pytest.approx(b.metrics["sharpe"], rel=1e-9)
