"""The twin's trade loop on hand-made tables: fills, slippage caps, refusals and sizes known by hand."""

from __future__ import annotations

import pytest

from rtybt.engine.config import validate_config
from rtybt.engine.twins.run import NoTwin, run_twin, twin_reason
from tests.conftest import FRICTIONLESS_BROKER, bars_frame, fixed_units, make_config

# The table of tests/strategies/test_ma_reclaim.py: SMA(3), hold_bars=2 -> signal on bar 5, exit signal bar 7.
#   bar:    0   1   2   3   4   5   6   7   8   9   10  11
CLOSES = [10, 10, 10, 9, 11, 12, 13, 12, 8, 7, 8, 9]


def cfg(broker=None, sizing=None, **params):
    return make_config("ma_reclaim", params or {"ma_period": 3, "hold_bars": 2},
                       broker=broker or dict(FRICTIONLESS_BROKER), sizing=sizing or fixed_units(10))


def test_frictionless_trade_by_hand():
    frame = bars_frame(CLOSES)
    result = run_twin(cfg(), frame)
    t = result.trades.iloc[0]
    d = frame.index.date
    # Signal on bar 5's close, fill at bar 6's open (12 + 0.5); exit signalled on bar 7 (12 < 12.33), filled
    # at bar 8's open 12.5. Bar 11 signals again, but there is no bar 12 to fill on.
    assert (t.entry_signal_date, t.entry_date, t.entry_price) == (d[5], d[6], 12.5)
    assert (t.exit_signal_date, t.exit_date, t.exit_price) == (d[7], d[8], 12.5)
    assert len(result.trades) == 1
    # bar 6 marks 10 units at the close 13: 10_000 + 10 * (13 - 12.5)
    assert result.equity.iloc[6] == 10_005.0 and result.equity.iloc[-1] == 10_000.0


def test_slippage_is_capped_by_the_bar_range_and_costs_reduce_cash():
    # Bar 6 opens at its high (12.5): a 1% slipped buy (12.625) is capped at 12.5. Bar 8's low is 12.4:
    # a 1% slipped sell (12.375) is floored at 12.4.
    frame = bars_frame(CLOSES)
    frame.iloc[6, frame.columns.get_loc("high")] = 12.5
    frame.iloc[6, frame.columns.get_loc("close")] = 12.4  # still above SMA(3) of bars 4-6 (11.8): no exit
    frame.iloc[8, frame.columns.get_loc("low")] = 12.4
    broker = {"cash": 10_000, "commission_rate": 0.001, "slippage_rate": 0.01}
    result = run_twin(cfg(broker=broker), frame)
    t = result.trades.iloc[0]
    assert t.entry_price == 12.5 and t.exit_price == 12.4
    # commission 0.1% of 125 in and of 124 out
    assert t.commission == pytest.approx(0.125 + 0.124)
    assert result.equity.iloc[-1] == pytest.approx(10_000 - 1.0 - 0.249)


def test_gap_up_refuses_an_all_in_entry():
    # 100% of 10_000 at the signal close 12 sizes 833 units; bar 6 gaps to 13 (833 x 13 > cash): refused,
    # so no trade at all (the next signal is on the last bar).
    frame = bars_frame(CLOSES)
    frame.iloc[6, frame.columns.get_loc("open")] = 13.0
    result = run_twin(cfg(sizing={"method": "percent_equity", "equity_fraction": 1.0}), frame)
    assert result.trades.empty
    assert result.refused == [(5, 6, 833)]
    assert result.metrics["orders_refused"] == 1


def test_configs_without_an_exact_twin_say_why():
    future = validate_config(
        {"data": {"symbol": "RTY=F"}, "strategy": {"name": "ma_reclaim"}, "broker": {"instrument": "future"},
         "benchmark": {"enabled": False}},
        "test",
    )
    assert "futures" in twin_reason(future)
    with pytest.raises(NoTwin, match="futures"):
        run_twin(future, bars_frame(CLOSES))
    hold = validate_config({"strategy": {"name": "buy_and_hold"}}, "test")
    assert twin_reason(hold) == "buy_and_hold has no vectorised twin: screened by Backtrader"
