"""rsi_momentum on hand-made tables; Wilder RSI(2) values worked out in the comments."""

from __future__ import annotations

import pytest

from rtybt.engine.core.errors import ConfigError
from tests.conftest import bars_frame
from tests.strategies.runner import frictionless, run, setup_bars, trade_rows

# Wilder RSI(2): seed = mean of the first 2 moves, then avg = (avg + move) / 2. Opens = previous close + 0.5.
# closes     10   9   8   9     9.2    9.6  10    11    12    10.9   11.5   12
# RSI(2)      -   -   0   50    58.33  75   86.1  95.7  98.2  43.15  64.72  78.4
# bar 3: up 0.5 / down 0.5 -> 50; bar 4: up (0.5+0.2)/2 = 0.35, down 0.25 -> RS 1.4 -> 58.33.
# SMA(5)                        9.04   8.96 9.16  9.76  10.36 10.7
RSI_EXIT_CLOSES = [10, 9, 8, 9, 9.2, 9.6, 10, 11, 12, 10.9, 11.5, 12]


def test_entry_on_the_cross_and_exit_on_rsi():
    frame = bars_frame(RSI_EXIT_CLOSES)
    result = run("rsi_momentum", frame, rsi_period=2, rsi_min=55, rsi_bullish=60, rsi_exit=45, exit_ma_period=5)
    # bar 4: RSI 50 -> 58.33 crosses 55 and is below the bullish 60: buy at bar 5's open 9.2 + 0.5.
    # bar 9: RSI 43.15 < 45 while the close 10.9 is still above SMA(5) 10.7: sell at bar 10's open 11.4.
    # bar 10: RSI 43.15 -> 64.72 crosses 55 but is already in the bullish zone (> 60): no entry.
    assert trade_rows(result, frame) == [("long", 4, 5, 9.7, 9, 10, 11.4)]
    assert setup_bars(result, frame) == [4]


def test_exit_on_a_close_below_the_ma():
    # closes 10 9 8 9 9.2 9.6 10 9.8 10.5 11; RSI(2) at bar 7 = 59.62 (>= 45) but 9.8 < SMA(2) 9.9.
    frame = bars_frame([10, 9, 8, 9, 9.2, 9.6, 10, 9.8, 10.5, 11])
    result = run("rsi_momentum", frame, rsi_period=2, rsi_min=55, rsi_bullish=60, rsi_exit=45, exit_ma_period=2)
    assert trade_rows(result, frame) == [("long", 4, 5, 9.7, 7, 8, 10.3)]


# closes 10 9 8 9 10 11 9.5 9 9.8 10.2 9.9 10.0 10.6
# RSI(2)  - - 0 50 75 87.5 35 25 60.82 73.48 49.49 58.52 86.81;  SMA(2) at bars 6, 10: 10.25, 10.05
SLOPE_CLOSES = [10, 9, 8, 9, 10, 11, 9.5, 9, 9.8, 10.2, 9.9, 10.0, 10.6]


def test_crosses_without_slope_filter():
    frame = bars_frame(SLOPE_CLOSES)
    result = run("rsi_momentum", frame, rsi_period=2, rsi_min=55, rsi_bullish=100, rsi_exit=45, exit_ma_period=2)
    # crosses of 55 at bars 4 (50->75), 8 (25->60.82), 11 (49.49->58.52); exits at bars 6 and 10
    # (closes below SMA(2)); the last trade is still open at the end.
    assert trade_rows(result, frame) == [
        ("long", 4, 5, 10.5, 6, 7, 10.0),
        ("long", 8, 9, 10.3, 10, 11, 10.4),
        ("long", 11, 12, 10.5, None, None, None),
    ]
    assert setup_bars(result, frame) == [4, 8, 11]


def test_slope_filter_rejects_crosses_below_an_earlier_rsi():
    frame = bars_frame(SLOPE_CLOSES)
    # RSI(bar 8) 60.82 < RSI(bar 5) 87.5 and RSI(bar 11) 58.52 < RSI(bar 8) 60.82: not rising over 3 bars.
    result = run("rsi_momentum", frame, rsi_period=2, rsi_min=55, rsi_bullish=100, rsi_exit=45, exit_ma_period=2,
                 slope_bars=3)
    assert result.trades.empty and result.setups == []


@pytest.mark.parametrize(
    "params, message",
    [
        ({"rsi_min": 101}, "strategy.params.rsi_min: must be <= 100"),
        ({"rsi_period": 0}, "strategy.params.rsi_period: must be >= 2"),
        ({"rsi_exit": 60}, "need rsi_exit < rsi_min <= rsi_bullish"),
    ],
)
def test_bad_parameters_are_config_errors(params, message):
    with pytest.raises(ConfigError, match=message):
        frictionless("rsi_momentum", **params)
