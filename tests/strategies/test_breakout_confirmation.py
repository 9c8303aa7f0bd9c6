"""breakout_confirmation on hand-made tables: detected zone, N-bar high and the note's absolute levels."""

from __future__ import annotations

import pytest

from rtybt.engine.core.errors import ConfigError
from tests.conftest import bars_frame
from tests.strategies.runner import frictionless, run, setup_bars, trade_rows

# Default bars: open = previous close + 0.5, high = max(open, close) + 1, low = min(open, close) - 1.
#   bar     0   1   2   3   4   5   6   7   8     9     10  11  12
ZONE = [15, 16, 18, 19, 17, 16, 17, 18, 19.2, 20.5, 21, 19, 18]
# high     16  17  19  20  20.5 18.5 18 19 20.2  21.5  22  22.5 20.5
# With 2 bars each side, bar 4's high 20.5 is the only pivot high (known at bar 6); bar 5's low 15 the only
# pivot low. From bar 6 the nearest resistance zone is [20.5, 20.5]. Bar 9 closes at 20.5: a tie, not a
# break; bar 10 closes 21 > 20.5 (the zone over bar 9's close): the break.


def test_zone_breakout_entry_and_ma_exit():
    frame = bars_frame(ZONE)
    result = run("breakout_confirmation", frame, level_mode="zone", pivot_bars=2, exit_ma_period=3)
    # buy at bar 11's open 21.5; bar 11 closes 19 < SMA(3) 20.17: sell at bar 12's open 19.5.
    assert trade_rows(result, frame) == [("long", 10, 11, 21.5, 11, 12, 19.5)]
    assert setup_bars(result, frame) == [10]


def test_zone_breakout_margin():
    frame = bars_frame(ZONE)
    # 21 does not clear 20.5 * 1.03 = 21.115
    result = run("breakout_confirmation", frame, level_mode="zone", pivot_bars=2, exit_ma_period=3, margin_pct=3)
    assert result.trades.empty and result.setups == []


#   bar       0   1   2   3   4   5     6     7     8     9   10  11
HIGHEST = [10, 10, 10, 10, 10, 11.8, 12, 12.2, 11, 10, 9, 9]
# high       11 11.5 11.5 11.5 11.5 12.8 13.3 13.5 13.7 12.5 11.5 10.5
# bar 5: 11.8 > max(high of bars 2-4) = 11.5 -> first break. Bar 8: 11 < SMA(3) 11.73 -> exit.


def test_highest_high_breakout():
    frame = bars_frame(HIGHEST)
    result = run("breakout_confirmation", frame, level_mode="highest", lookback_bars=3, exit_ma_period=3)
    assert trade_rows(result, frame) == [("long", 5, 6, 12.3, 8, 9, 11.5)]


NOTE_WINDOW = {"levels_valid_from": "2019-01-01", "levels_valid_to": "2020-12-31"}
IN_WINDOW = {"start": "2020-01-01", "end": "2020-03-31"}


def test_absolute_breakout_after_consolidation():
    # level 12 (the note's 2,100), zone low 11 (its 2,050); bars 2 and 3 close above 11, bar 4 breaks 12.
    frame = bars_frame([10, 10, 11.5, 11.6, 12.5, 13, 13, 10, 10])
    result = run("breakout_confirmation", frame, data=IN_WINDOW, level_mode="absolute", breakout_level=12,
                 zone_low=11, consolidate_bars=2, exit_ma_period=3, **NOTE_WINDOW)
    # buy at bar 5's open 12.5 + 0.5; bar 7 closes 10 < SMA(3) 12: sell at bar 8's open 10.5
    assert trade_rows(result, frame) == [("long", 4, 5, 13.0, 7, 8, 10.5)]


def test_absolute_breakout_without_consolidation_is_skipped():
    # bar 3 closes 10.5, below the zone's lower edge 11: only one close of the required two held above it.
    frame = bars_frame([10, 10, 11.5, 10.5, 12.5, 13, 13, 10, 10])
    result = run("breakout_confirmation", frame, data=IN_WINDOW, level_mode="absolute", breakout_level=12,
                 zone_low=11, consolidate_bars=2, exit_ma_period=3, **NOTE_WINDOW)
    assert result.trades.empty
    # without the consolidation requirement the same break is taken
    result = run("breakout_confirmation", frame, data=IN_WINDOW, level_mode="absolute", breakout_level=12,
                 zone_low=11, exit_ma_period=3, **NOTE_WINDOW)
    assert setup_bars(result, frame) == [4]


@pytest.mark.parametrize(
    "params, data, message",
    [
        ({"level_mode": "absolute"}, None, "level_mode absolute needs breakout_level"),
        ({"level_mode": "absolute", "breakout_level": 2100}, None, "set levels_valid_from and levels_valid_to"),
        ({"level_mode": "absolute", "breakout_level": 2100, **NOTE_WINDOW}, None,
         "data: absolute levels are valid 2019-01-01 to 2020-12-31: set data.start and data.end"),
        ({"level_mode": "absolute", "breakout_level": 2100, **NOTE_WINDOW}, {"start": "1990-01-01", "end": "2020-01-01"},
         "outside the window where the absolute levels are meaningful"),
        ({"breakout_level": 2100}, None, "only apply to level_mode absolute"),
        ({"level_mode": "highest", "consolidate_bars": 2}, None, "consolidate_bars needs a zone"),
        ({"level_mode": "absolute", "breakout_level": 2100, "levels_valid_from": "yesterday",
          "levels_valid_to": "2020-12-31"}, None, "levels_valid_from: must be a date YYYY-MM-DD"),
    ],
)
def test_bad_configs_are_config_errors(params, data, message):
    with pytest.raises(ConfigError, match=message):
        frictionless("breakout_confirmation", data=data, **params)
