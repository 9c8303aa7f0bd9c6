"""`rtybt compare`'s configs share a benchmark: its Backtrader pass runs once, and only for the same inputs."""

from __future__ import annotations

import pandas as pd
import pytest

import rtybt.engine.run as engine_run
from rtybt.engine.run import run_backtest
from tests.conftest import bars_frame, fixed_units, make_config

CLOSES = [10, 10, 10, 9, 11, 12, 13, 12, 8, 7, 8, 9, 10, 11, 12, 11, 10, 12, 13, 14]


def config(cash=10_000, params=None):
    return make_config("ma_reclaim", params or {"ma_period": 3, "hold_bars": 2},
                       broker={"cash": cash, "commission_rate": 0.001, "slippage_rate": 0.0},
                       sizing=fixed_units(10))


@pytest.fixture
def buy_and_hold_passes(monkeypatch):
    passes: list[int] = []
    real = engine_run.run_strategy

    def counting(strategy_cls, params, frame, *args, **kwargs):
        if strategy_cls.__name__ == "BuyAndHold":
            passes.append(len(frame))
        return real(strategy_cls, params, frame, *args, **kwargs)

    monkeypatch.setattr(engine_run, "run_strategy", counting)
    engine_run._LAST_BENCHMARK.clear()
    return passes


def test_the_same_benchmark_runs_once_and_gives_the_same_numbers(buy_and_hold_passes):
    first = run_backtest(config(), bars_frame(CLOSES), bars_frame(CLOSES))
    # Another strategy, bars loaded again (other objects, same bytes): the benchmark is not run again.
    second = run_backtest(config(params={"ma_period": 4, "hold_bars": 1}), bars_frame(CLOSES), bars_frame(CLOSES))
    assert buy_and_hold_passes == [len(CLOSES)]
    assert second.benchmark_metrics == first.benchmark_metrics
    pd.testing.assert_series_equal(second.benchmark_returns, first.benchmark_returns, check_exact=True)
    assert second.metrics != first.metrics  # the strategies themselves did run
    # A copy each time: what one caller changes, the next does not see.
    second.benchmark_returns.iloc[0] = 99.0
    second.benchmark_metrics["sharpe"] = 99.0
    third = run_backtest(config(), bars_frame(CLOSES), bars_frame(CLOSES))
    assert buy_and_hold_passes == [len(CLOSES)]
    assert third.benchmark_metrics == first.benchmark_metrics
    pd.testing.assert_series_equal(third.benchmark_returns, first.benchmark_returns, check_exact=True)


def test_other_costs_or_other_bars_run_it_again(buy_and_hold_passes):
    base = run_backtest(config(), bars_frame(CLOSES), bars_frame(CLOSES))
    other_cash = run_backtest(config(cash=20_000), bars_frame(CLOSES), bars_frame(CLOSES))
    moved = CLOSES[:-1] + [15]
    other_bars = run_backtest(config(), bars_frame(CLOSES), bars_frame(moved))
    assert len(buy_and_hold_passes) == 3
    assert other_cash.benchmark_metrics["final_equity"] != base.benchmark_metrics["final_equity"]
    assert other_bars.benchmark_metrics["total_return"] != base.benchmark_metrics["total_return"]
    # What a fresh process computes for the last one: the same numbers.
    engine_run._LAST_BENCHMARK.clear()
    fresh = run_backtest(config(), bars_frame(CLOSES), bars_frame(moved))
    assert fresh.benchmark_metrics == other_bars.benchmark_metrics
