"""Buy & hold benchmark on another symbol's calendar: no move lost, none invented."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rtybt.engine.data import load_run_bars
from rtybt.engine.run import run_backtest, run_strategy
from rtybt.strategies.buy_and_hold import BuyAndHold
from tests.conftest import FRICTIONLESS_BROKER, bars_frame, fixed_units, make_config


def frictionless(symbol="AAA", bench="BBB", **extra):
    sections = {"data": {"symbol": symbol}, **extra}
    return make_config("buy_and_hold", broker=dict(FRICTIONLESS_BROKER), sizing=fixed_units(10), benchmark=bench,
                       **sections)


def table(dates, closes, opens):
    index = pd.DatetimeIndex(dates)
    return pd.DataFrame({"open": opens, "high": [max(o, c) + 1 for o, c in zip(opens, closes, strict=True)],
                         "low": [min(o, c) - 1 for o, c in zip(opens, closes, strict=True)], "close": closes,
                         "volume": 1.0}, index=index, dtype=float)


def test_benchmark_on_a_different_calendar():
    # Strategy days: Mon 6 .. Fri 10 and Mon 13. The benchmark has no bar on Wed 8 and an extra Sat 11.
    traded = bars_frame([50, 51, 52, 53, 54, 55], start="2020-01-06")
    bench = table(["2020-01-06", "2020-01-07", "2020-01-09", "2020-01-10", "2020-01-11", "2020-01-13"],
                  closes=[100, 101, 103, 104, 106, 105], opens=[100, 100, 102, 103, 105, 106])
    result = run_backtest(frictionless(), traded, bench)
    # Buy 10 on the 6th's close, filled on the 7th's open (100): equity = 10,000 + 10 x (close - 100).
    # On the strategy's days: 6: 10,000; 7: 10,010; 8: no bar, unchanged; 9: 10,030; 10: 10,040;
    # 13: 10,050, which carries Saturday's +20 and Monday's -10.
    expected = np.array([0.0, 10 / 10_000, 0.0, 20 / 10_010, 10 / 10_030, 10 / 10_040])
    assert list(result.benchmark_returns.index) == list(traded.index)
    np.testing.assert_allclose(result.benchmark_returns.to_numpy(), expected, rtol=1e-12, atol=1e-15)
    assert result.benchmark_symbol == "BBB" and result.warnings == []
    assert result.benchmark_metrics["final_equity"] == pytest.approx(10_050.0)


def test_benchmark_starting_later_is_flat_before_its_first_bar():
    traded = bars_frame([50, 51, 52, 53, 54, 55], start="2020-01-06")
    bench = table(["2020-01-08", "2020-01-09", "2020-01-10", "2020-01-13"], closes=[100, 101, 102, 103],
                  opens=[100, 100, 101, 102])
    result = run_backtest(frictionless(), traded, bench)
    assert list(result.benchmark_returns.iloc[:3]) == [0.0, 0.0, 0.0]
    # Bought on the 9th's open (100): 10,010 on the 9th, then +10 a day.
    assert result.benchmark_metrics["final_equity"] == pytest.approx(10_030.0)
    assert result.warnings == [
        "benchmark BBB starts 2020-01-08, after the run's first bar 2020-01-06: it holds cash until then"
    ]


def test_snapshot_rut_against_rty_futures_calendar(snapshot_dir):
    # RTY=F has 5 sessions ^RUT lacks (holidays, a Sunday bar): their moves must land on ^RUT's next day.
    config = frictionless("^RUT", "RTY=F", data={"symbol": "^RUT", "start": "2017-07-10"})
    bars, bench = load_run_bars(config, str(snapshot_dir))
    assert len(set(bench.frame.index) - set(bars.frame.index)) == 5
    result = run_backtest(config, bars.frame, bench.frame)
    alone = run_strategy(BuyAndHold, {}, bench.frame, config, "RTY=F")
    assert bench.frame.index[-1] == bars.frame.index[-1]
    compounded = 10_000 * float(np.prod(1.0 + result.benchmark_returns.to_numpy()))
    assert compounded == pytest.approx(alone.equity.iloc[-1], rel=1e-12)
