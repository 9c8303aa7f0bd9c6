"""Fills -> round-trip trades: scale-ins, partial exits, reversals and the open trade at the end."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from rtybt.engine.run.trades import build_trades

INDEX = pd.bdate_range("2024-01-01", periods=10)
D = list(INDEX.date)


def fill(bar, size, price, commission=1.0):
    return {"date": D[bar], "side": "buy" if size > 0 else "sell", "size": float(size), "price": float(price),
            "commission": commission, "signal_date": D[bar - 1]}


def test_round_trip_long():
    trades = build_trades([fill(1, 10, 100), fill(4, -10, 110)], INDEX, 120.0, 1.0)
    t = trades.iloc[0]
    assert (t.status, t.direction, t["size"], t.entry_price, t.exit_price) == ("closed", "long", 10, 100, 110)
    assert (t.pnl, t.commission, t.pnl_net, t.bars_held) == (100, 2, 98, 3)
    assert t.return_pct == pytest.approx(98 / 1000)
    assert (t.entry_signal_date, t.exit_signal_date) == (D[0], D[3])


def test_scale_in_and_partial_exits_average_prices():
    fills = [fill(1, 5, 100), fill(2, 5, 104), fill(4, -4, 110), fill(6, -6, 115)]
    t = build_trades(fills, INDEX, 0.0, 1.0).iloc[0]
    assert t.entry_price == 102 and t.exit_price == pytest.approx((4 * 110 + 6 * 115) / 10)
    assert t.pnl == pytest.approx(4 * 8 + 6 * 13) and t.commission == 4 and t.bars_held == 5
    assert t.exit_date == D[6]


def test_short_trade_and_multiplier():
    t = build_trades([fill(1, -2, 2000, 5.0), fill(3, 2, 1990, 5.0)], INDEX, 0.0, 50.0).iloc[0]
    assert (t.direction, t["size"], t.pnl, t.pnl_net) == ("short", -2, 2 * 10 * 50, 1000 - 10)


def test_a_reversal_closes_one_trade_and_opens_the_next():
    # Long 10, then one sell of 15: the long closes on that fill and a short of 5 opens on it.
    # Before the fix this was one long 'open' trade of 10 with no exit.
    trades = build_trades([fill(1, 10, 100, 10.0), fill(3, -15, 106, 15.0), fill(5, 5, 101, 5.0)], INDEX, 0.0, 1.0)
    assert list(trades.status) == ["closed", "closed"]
    first, second = trades.iloc[0], trades.iloc[1]
    assert (first.direction, first["size"], first.exit_price, first.pnl) == ("long", 10, 106, 60)
    assert first.commission == pytest.approx(10 + 10)  # 10/15 of the reversing fill's 15
    assert (second.direction, second["size"], second.entry_date, second.entry_price) == ("short", -5, D[3], 106)
    assert second.pnl == 25 and second.commission == pytest.approx(5 + 5)
    assert trades.commission.sum() == pytest.approx(30)  # no commission lost or counted twice


def test_open_trade_is_marked_to_the_last_close():
    t = build_trades([fill(2, 3, 50)], INDEX, 55.0, 1.0).iloc[0]
    assert t.status == "open" and t.pnl == 15 and t.bars_held == 7 and pd.isna(t.exit_price)
    assert t.exit_date is None


def test_no_fills_no_trades():
    trades = build_trades([], INDEX, 1.0, 1.0)
    assert trades.empty and "pnl_net" in trades.columns
    assert isinstance(D[0], date)


def test_slippage_is_the_fill_against_the_open_and_the_exit_reason_is_kept():
    opens = [100.0 + i for i in range(10)]  # bar 1 opens 101, bar 4 opens 104
    fills = [fill(1, 10, 101.5), {**fill(4, -10, 103.0), "reason": "stop"}]
    t = build_trades(fills, INDEX, 120.0, 50.0, opens=opens).iloc[0]
    assert t.slippage == pytest.approx((0.5 + 1.0) * 10 * 50) and t.exit_reason == "stop"
    still_open = build_trades([fill(1, 10, 101.5)], INDEX, 120.0, 1.0, opens=opens).iloc[0]
    assert still_open.exit_reason == "end of data" and still_open.slippage == pytest.approx(5.0)
    assert build_trades([fill(1, 10, 100), fill(4, -10, 110)], INDEX, 0.0, 1.0).iloc[0].exit_reason == "signal"
