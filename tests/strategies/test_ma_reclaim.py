"""ma_reclaim on hand-made bar tables: the exact signal, fill bars and fill prices are known by hand."""

from __future__ import annotations

import pytest

from rtybt.engine.run import run_backtest
from tests import conftest
from tests.conftest import bars_frame


def frictionless(**params):
    return conftest.frictionless("ma_reclaim", params)


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
    # whose order has no next bar to fill on: reported, not dropped, and not counted as refused.
    assert result.setups == [d[5], d[11]]
    assert result.warnings == [f"buy 10 signalled on {d[11]}, the last bar, was not filled: no next open"]
    assert result.metrics["orders_refused"] == 0


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


def test_still_below_the_trend_ma_filter():
    frame = bars_frame(CLOSES)
    # SMA(4) at bar 11 = (8 + 7 + 8 + 9) / 4 = 8: the close 9 is above it, so the reclaim is filtered out.
    filtered = run_backtest(frictionless(ma_period=3, hold_bars=2, below_ma_period=4), frame)
    assert filtered.setups == []
    # SMA(10) at bar 11 = mean(10, 9, 11, 12, 13, 12, 8, 7, 8, 9) = 9.9: 9 is still below it -> kept.
    # (SMA(10) needs 10 bars: the bar-5 reclaim happens during its warm-up and is not seen.)
    kept = run_backtest(frictionless(ma_period=3, hold_bars=2, below_ma_period=10), frame)
    assert kept.setups == [frame.index.date[11]]


def test_stop_below_the_entry_price():
    # Signal on bar 5 as above; bar 6 gaps up to open 14 and closes 13, above SMA(3) 12 but below the
    # 5% stop 14 * 0.95 = 13.3: sell at bar 7's open 13.5. Without the stop the trade stays open.
    closes = [10, 10, 10, 9, 11, 12, 13, 13, 13]
    opens = [10, 10.5, 10.5, 10.5, 9.5, 11.5, 14, 13.5, 13.5]
    frame = bars_frame(closes, opens=opens)
    d = frame.index.date
    stopped = run_backtest(frictionless(ma_period=3, hold_bars=2, stop_pct=5), frame).trades
    assert len(stopped) == 1
    t = stopped.iloc[0]
    assert (t.entry_date, t.entry_price, t.exit_signal_date, t.exit_date, t.exit_price) == (
        d[6], 14.0, d[6], d[7], 13.5)
    held = run_backtest(frictionless(ma_period=3, hold_bars=2), frame).trades
    assert held.iloc[0].status == "open"
