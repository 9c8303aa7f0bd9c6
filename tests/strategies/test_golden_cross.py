"""golden_cross and macd_cross on hand-made tables (averages worked out in the comments)."""

from __future__ import annotations

import pytest

from rtybt.engine.core.errors import ConfigError
from tests.conftest import bars_frame
from tests.strategies.runner import frictionless, run, setup_bars, trade_rows

#   bar      0   1   2   3   4     5     6    7     8     9     10    11
GC = [10, 10, 10, 10, 9, 8, 9, 11, 12, 11, 9, 8]
# SMA(2)             10  9.5   8.5   8.5  10    11.5  11.5  10    8.5
# SMA(4)             10  9.75  9.25  9.0  9.25  10.0  10.75 10.25 10.0
# bar 7: 10 > 9.25 after 8.5 <= 9.0: golden cross; bar 10: 10 < 10.25 after 11.5 >= 10.75: death cross.


def test_golden_cross_entry_and_death_cross_exit():
    frame = bars_frame(GC)
    result = run("golden_cross", frame, fast_period=2, slow_period=4)
    # fills at the next opens: bar 8 = 11 + 0.5, bar 11 = 9 + 0.5
    assert trade_rows(result, frame) == [("long", 7, 8, 11.5, 10, 11, 9.5)]
    assert setup_bars(result, frame) == [7]


def test_golden_cross_needs_fast_shorter_than_slow():
    with pytest.raises(ConfigError, match="fast_period .* must be shorter than slow_period"):
        frictionless("golden_cross", fast_period=50, slow_period=50)


# MACD(2, 3, 2): EMA alphas 2/3 and 1/2, each seeded with the simple mean of its first values.
# Flat 10 for bars 0-4 -> MACD 0 and signal 0. Then:
# bar 5 close 12: EMA2 11.333, EMA3 11.0, MACD 0.333, signal 0 + 2/3 * 0.333 = 0.222 -> cross above
# bar 6 close 12: EMA2 11.778, EMA3 11.5, MACD 0.278, signal 0.259 (still above)
# bar 7 close 11: EMA2 11.259, EMA3 11.25, MACD 0.009, signal 0.093 -> cross below
MACD = [10, 10, 10, 10, 10, 12, 12, 11, 11, 11]


def test_macd_cross_entry_and_exit():
    frame = bars_frame(MACD)
    result = run("macd_cross", frame, fast_period=2, slow_period=3, signal_period=2)
    # buy at bar 6's open 12.5, sell at bar 8's open 11.5
    assert trade_rows(result, frame) == [("long", 5, 6, 12.5, 7, 8, 11.5)]
    assert setup_bars(result, frame) == [5]


def test_macd_cross_below_zero_only_skips_a_cross_above_zero():
    frame = bars_frame(MACD)
    # the bar-5 cross happens with MACD at +0.333: not an early-recovery cross
    result = run("macd_cross", frame, fast_period=2, slow_period=3, signal_period=2, below_zero_only=True)
    assert result.trades.empty and result.setups == []
