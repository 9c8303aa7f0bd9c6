"""The engine on hand-made tables: fill timing, costs exactly as configured, refused orders, futures contracts."""

from __future__ import annotations

import pytest

from rtybt.engine.run import run_backtest
from tests.conftest import bars_frame, fixed_units, make_config

# ma_reclaim(ma_period=3, hold_bars=2) on these closes (same table as tests/strategies/test_ma_reclaim.py):
#   bar:    0   1   2   3   4   5   6   7   8   9   10  11
CLOSES = [10, 10, 10, 9, 11, 12, 13, 12, 8, 7, 8, 9]
# Entry signal on bar 5's close (bar 3: 9 <= SMA 9.67; bars 4, 5 above), exit signal on bar 7's close
# (12 < SMA 12.33). bars_frame opens each bar at the previous close + 0.5, so bar 6 and bar 8 open at 12.5.
SIGNAL_IN, FILL_IN, SIGNAL_OUT, FILL_OUT = 5, 6, 7, 8


def config(broker=None, sizing=None, params=None):
    return make_config("ma_reclaim", params or {"ma_period": 3, "hold_bars": 2},
                       broker={"cash": 10_000, **(broker or {"commission_rate": 0.0, "slippage_rate": 0.0})},
                       sizing=sizing or fixed_units(10))


def only_trade(result):
    assert len(result.trades) == 1
    return result.trades.iloc[0]


def test_market_orders_fill_at_the_next_open():
    frame = bars_frame(CLOSES)
    result = run_backtest(config(), frame)
    t, d = only_trade(result), frame.index.date
    assert (t.entry_signal_date, t.entry_date, t.entry_price) == (d[SIGNAL_IN], d[FILL_IN], 12.5)
    assert (t.exit_signal_date, t.exit_date, t.exit_price) == (d[SIGNAL_OUT], d[FILL_OUT], 12.5)
    # One equity value per bar, warm-up bars included, on the frame's own dates.
    assert list(result.equity.index) == list(frame.index)


def test_signal_close_fills_at_the_signal_bars_close():
    frame = bars_frame(CLOSES)
    result = run_backtest(config({"commission_rate": 0.0, "slippage_rate": 0.0, "fill": "signal_close"}), frame)
    t, d = only_trade(result), frame.index.date
    # Cheat-on-close: bought at bar 5's close 12, sold at bar 7's close 12, on the signal bars themselves.
    assert (t.entry_date, t.entry_price, t.exit_date, t.exit_price) == (d[5], 12.0, d[7], 12.0)
    assert t.bars_held == 2


def test_commission_and_slippage_exactly_as_configured():
    frame = bars_frame(CLOSES)
    result = run_backtest(config({"commission_rate": 0.001, "slippage_rate": 0.01}), frame)
    t = only_trade(result)
    # Buy 10 at open 12.5 slipped up 1% = 12.625, commission 0.1% of 126.25 = 0.12625;
    # sell 10 at open 12.5 slipped down 1% = 12.375, commission 0.12375.
    assert t.entry_price == pytest.approx(12.625) and t.exit_price == pytest.approx(12.375)
    assert t.commission == pytest.approx(0.25)
    assert t.pnl == pytest.approx(-2.5) and t.pnl_net == pytest.approx(-2.75)
    assert list(result.transactions["commission"]) == pytest.approx([0.12625, 0.12375])
    assert result.equity.iloc[-1] == pytest.approx(10_000 - 2.75)
    assert result.metrics["final_equity"] == pytest.approx(10_000 - 2.75)


def test_slippage_never_fills_outside_the_bar():
    highs = [max(o, c) + 1.0 for o, c in zip([10.0, *[c + 0.5 for c in CLOSES[:-1]]], CLOSES, strict=True)]
    highs[FILL_IN] = 13.0  # bar 6: open 12.5, high 13 (its close): 12.5 slipped 5% = 13.125 is above the high
    frame = bars_frame(CLOSES, highs=highs)
    t = only_trade(run_backtest(config({"commission_rate": 0.0, "slippage_rate": 0.05}), frame))
    assert t.entry_price == pytest.approx(13.0)


def test_cash_refused_order_is_surfaced_not_swallowed():
    frame = bars_frame(CLOSES)
    # 100% of 10,000 at bar 5's close 12 is 833 units; bar 6 opens 0.5 higher: 833 x 12.5 = 10,412.5 > cash.
    result = run_backtest(config(sizing={"method": "percent_equity", "equity_fraction": 1.0}), frame)
    assert result.trades.empty
    issues = result.order_issues
    assert len(issues) == 1
    row, d = issues.iloc[0], frame.index.date
    assert (row.side, row["size"], row.status, row.signal_date, row.date) == ("buy", 833.0, "Margin", d[5], d[6])
    assert result.metrics["orders_refused"] == 1
    # ...and bar 11's signal (100% of 10,000 at its close 9: 1,111 units) has no next bar to fill on.
    assert result.warnings == [f"order refused by the broker (Margin): buy 833 signalled on {d[5]}",
                               f"buy 1111 signalled on {d[11]}, the last bar, was not filled: no next open"]


def test_equity_fraction_below_one_leaves_room_for_the_gap():
    frame = bars_frame(CLOSES)
    result = run_backtest(config(sizing={"method": "percent_equity", "equity_fraction": 0.95}), frame)
    # floor(9,500 / 12) = 791 units, filled at 12.5 (9,887.5 <= 10,000).
    assert result.order_issues.empty and only_trade(result)["size"] == 791


# The symbol is ^RUT (no futures root): RTY's terms are given. Default costs: $2.50 per contract, 1 tick.
FUTURES = {"instrument": "future", "multiplier": 50, "margin": 7500, "tick": 0.10}
RTY_CLOSES = [c * 200.0 for c in CLOSES]  # 2,000 ... 2,600: E-mini Russell 2000 levels


def test_futures_whole_contracts_sized_by_notional():
    frame = bars_frame(RTY_CLOSES)
    cfg = config({**FUTURES, "cash": 1_000_000}, {"method": "percent_equity", "equity_fraction": 0.95})
    result = run_backtest(cfg, frame)
    t = only_trade(result)
    # Notional sizing: floor(950,000 / (2,400 x 50)) = 7 contracts (sizing by margin would take 126).
    assert t["size"] == 7
    # Bar 6 opens at 2,400.5; one tick against the buy = 2,400.6; bar 8 opens 2,400.5, sold one tick lower.
    assert t.entry_price == pytest.approx(2400.6) and t.exit_price == pytest.approx(2400.4)
    assert t.pnl == pytest.approx(-0.2 * 7 * 50)  # the $50 multiplier applies
    assert t.commission == pytest.approx(2 * 7 * 2.5)  # per contract per side
    assert t.pnl_net == pytest.approx(-70 - 35)
    # Backtrader's own accounting agrees with the trade list: the equity change is the trade's net pnl.
    assert result.equity.iloc[-1] - 1_000_000 == pytest.approx(t.pnl_net)
    # Marked to bar 6's close 2,600 while open: 7 x 50 x (2,600 - 2,400.6) less the entry commission.
    assert result.equity.iloc[FILL_IN] == pytest.approx(1_000_000 + 7 * 50 * (2600 - 2400.6) - 17.5)
    assert result.positions["notional"].iloc[FILL_IN] == pytest.approx(7 * 2600 * 50)


def test_futures_margin_refusal():
    frame = bars_frame(RTY_CLOSES)
    # 2 contracts need 2 x 7,500 initial margin; 10,000 of cash covers only one.
    result = run_backtest(config(FUTURES, {"method": "fixed_units", "units": 2}), frame)
    assert result.trades.empty and list(result.order_issues["status"]) == ["Margin"]
    one = run_backtest(config(FUTURES, {"method": "fixed_units", "units": 1}), frame)
    assert only_trade(one)["size"] == 1 and one.order_issues.empty


def test_an_order_left_on_the_last_bar_does_not_count_as_a_trade():
    # CLOSES signal again on bar 11, the last bar: no next open to fill on.
    result = run_backtest(config(), bars_frame(CLOSES))
    assert result.setups[-1] == bars_frame(CLOSES).index.date[11] and len(result.trades) == 1


def test_open_position_at_the_end_is_an_open_trade_marked_to_the_last_close():
    closes = [10, 10, 10, 9, 11, 12, 13, 14, 15]
    frame = bars_frame(closes)
    result = run_backtest(config(), frame)
    t = only_trade(result)
    assert t.status == "open" and t.entry_price == 12.5
    assert t.pnl == pytest.approx(10 * (15 - 12.5)) and t.bars_held == 2
    assert result.metrics["open_trades"] == 1 and result.metrics["trades"] == 0
    assert result.equity.iloc[-1] == pytest.approx(10_000 + t.pnl)
