"""ma_reclaim on hand-made bar tables: the exact signal, fill bars and fill prices are known by hand."""

from __future__ import annotations

import pytest

from engine.config import validate_config
from engine.run import run_backtest
from tests.conftest import bars_frame


def frictionless(**params):
    return validate_config(
        {
            "strategy": {"name": "ma_reclaim", "params": params},
            "broker": {"cash": 10_000, "commission_rate": 0.0, "slippage_rate": 0.0},
            "sizing": {"method": "fixed_units", "units": 10},
            "benchmark": {"enabled": False},
        },
        "test",
    )


# SMA(3); closes: bar 3 (9) is below its SMA 9.67, bars 4 and 5 close above -> hold_bars=2 signal on bar 5.
# Open of each bar = previous close + 0.5 (bars_frame default).
#   bar:    0   1   2   3   4   5   6   7   8   9   10  11
CLOSES = [10, 10, 10, 9, 11, 12, 13, 12, 8, 7, 8, 9]


def test_entry_and_exit_bars_and_prices():
    frame = bars_frame(CLOSES)
    result = run_backtest(frictionless(ma_period=3, hold_bars=2), frame)
    trades = result.trades
    assert len(trades) == 1
    t = trades.iloc[0]
    d = frame.index.date
    # signal on bar 5's close (12 > SMA 10.67 after 11 > 10.0 and 9 <= 9.67): fill at bar 6's open = 12.5
    assert t.entry_signal_date == d[5]
    assert t.entry_date == d[6] and t.entry_price == pytest.approx(12.5)
    # bar 7 closes 12 < SMA 12.33: exit signal; fill at bar 8's open = 12.5
    assert t.exit_signal_date == d[7]
    assert t.exit_date == d[8] and t.exit_price == pytest.approx(12.5)
    assert t["size"] == 10 and t.bars_held == 2
    assert t.pnl_net == pytest.approx(0.0)
    # bar 11: 9 > SMA 8.0 after bar 10's 8 > 7.67 and bar 9's 7 <= 9: a second signal on the last bar,
    # whose order has no next bar to fill on.
    assert result.setups == [d[5], d[11]]


def test_tie_with_the_ma_is_not_a_close_above():
    # bar 3 closes exactly at SMA(3) = 10: not above, so no reclaim is counted from it.
    closes = [10, 10, 10, 10, 10, 10]
    result = run_backtest(frictionless(ma_period=3, hold_bars=1), bars_frame(closes))
    assert result.trades.empty and result.setups == []


def test_equity_marks_position_at_close():
    frame = bars_frame(CLOSES)
    result = run_backtest(frictionless(ma_period=3, hold_bars=2), frame)
    # bar 6: bought 10 at 12.5, close 13 -> equity 10_000 + 10 * (13 - 12.5)
    assert result.equity.iloc[6] == pytest.approx(10_005.0)
    assert result.equity.iloc[-1] == pytest.approx(10_000.0)
