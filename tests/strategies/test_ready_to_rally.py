"""ready_to_rally on hand-made tables: the setup, then each exit path (target, MA stop, swing stop, rejection)."""

from __future__ import annotations

import pytest

from rtybt.engine.core.errors import ConfigError
from tests.conftest import bars_frame
from tests.strategies.runner import frictionless, run, setup_bars, trade_rows


def tight(closes):
    """Bars with small wicks: open = previous close + 0.1, high/low = 0.2 beyond the body."""
    opens = [closes[0]] + [c + 0.1 for c in closes[:-1]]
    highs = [round(max(o, c) + 0.2, 6) for o, c in zip(opens, closes, strict=True)]
    lows = [round(min(o, c) - 0.2, 6) for o, c in zip(opens, closes, strict=True)]
    return bars_frame(closes, opens=opens, highs=highs, lows=lows)


# Scaled-down note: fast MA = SMA(2) (the 50-day), trend MA = SMA(8) (the 200-day), RSI(2) > 55,
# the reclaim held for 2 closes. A decline from 24 to 14, then 15 and 16:
#   bar 14 (close 16): SMA(8) 18.125 (still below), closes 15 > SMA(2) 14.5 and 16 > 15.5 (held 2),
#   Wilder RSI(2) 60.76 > 55 -> the first setup bar; buy at bar 15's open 16.1.
BASE = [24] * 8 + [22, 20, 18, 16, 14, 15, 16]
COMMON = dict(fast_ma_period=2, trend_ma_period=8, hold_bars=2, rsi_period=2, rsi_min=55, swing_stop=False,
              reject_exit=False)


def test_target_is_the_trend_ma_test():
    frame = tight(BASE + [17, 18, 18.5])
    result = run("ready_to_rally", frame, **COMMON)
    # bar 15: high 17.2 < SMA(8) 17.25, still a setup (not a fresh one); bar 16: high 18.2 >= SMA(8) 16.75:
    # target reached, sell at bar 17's open 18.1.
    assert trade_rows(result, frame) == [("long", 14, 15, 16.1, 16, 17, 18.1)]
    assert setup_bars(result, frame) == [14, 15]


def test_stop_on_a_close_below_the_fast_ma():
    frame = tight(BASE + [15.5, 15, 15])
    result = run("ready_to_rally", frame, **COMMON)
    # bar 15: 15.5 < SMA(2) 15.75 with the high 16.3 under SMA(8) 17.06: stop, sell at bar 16's open 15.6.
    assert trade_rows(result, frame) == [("long", 14, 15, 16.1, 15, 16, 15.6)]


def test_stop_below_the_swing_low_known_at_entry():
    frame = tight(BASE + [15.5, 14.5, 13.5, 13, 13])
    # With 1 bar each side, bar 12's low 13.8 (close 14 - 0.2; bars 11 and 13 lows 15.8 and 13.9) is the
    # swing low, known at bar 13. Without the MA stop, bars 15 (15.5) and 16 (14.5) hold above it; bar 17
    # closes 13.5 < 13.8: stop, sell at bar 18's open 13.6. No bar's high reaches SMA(8) meanwhile.
    params = {**COMMON, "ma_stop": False, "swing_stop": True, "pivot_bars": 1}
    result = run("ready_to_rally", frame, **params)
    assert trade_rows(result, frame) == [("long", 14, 15, 16.1, 17, 18, 13.6)]
    # with the MA stop as well, bar 15's close below SMA(2) exits first
    result = run("ready_to_rally", frame, **{**params, "ma_stop": True})
    assert trade_rows(result, frame)[0][4:] == (15, 16, 15.6)


def test_early_exit_on_a_rejection_at_resistance():
    # From 30: bar 14 (16) is a setup with RSI(2) 55.81 and SMA(8) 19.63. Bar 15 opens 16.1, reaches
    # 17.5 (the resistance edge) and closes 17.3 <= 17.5 * 0.995 = 17.41: rejection; its close is above
    # SMA(2) 16.65 and its high below SMA(8) 18.04. Sell at bar 16's open 17.4.
    frame = tight([30] * 8 + [26, 22, 18, 16, 14, 15, 16, 17.3, 17, 17])
    result = run("ready_to_rally", frame, data={"start": "2020-01-01", "end": "2020-02-28"},
                 **{**COMMON, "reject_exit": True, "resistance_low": 17.5, "reject_pct": 0.5,
                    "levels_valid_from": "2019-06-01", "levels_valid_to": "2020-12-31"})
    assert trade_rows(result, frame) == [("long", 14, 15, 16.1, 15, 16, 17.4)]


def test_no_setup_above_the_trend_ma():
    # the same recovery but from a base of 15: the close is above SMA(8), the note's case does not apply.
    frame = tight([15] * 8 + [15.5, 15, 14.5, 14, 14, 15, 16, 17])
    result = run("ready_to_rally", frame, **COMMON)
    assert result.trades.empty and result.setups == []


def test_absolute_confirmation_level():
    # confirm_level 16.5: bar 14's close 16 is not above it; bar 15 (17) is the first confirmed setup
    # (SMA(8) 17.25 still above it): buy at bar 16's open 17.1; bar 16's high 18.2 >= SMA(8) 16.75: target,
    # sell at bar 17's open 18.1.
    frame = tight(BASE + [17, 18, 18.5])
    result = run("ready_to_rally", frame, data={"start": "2020-01-01", "end": "2020-02-28"},
                 **{**COMMON, "confirm_mode": "absolute", "confirm_level": 16.5,
                    "levels_valid_from": "2019-06-01", "levels_valid_to": "2020-12-31"})
    assert trade_rows(result, frame) == [("long", 15, 16, 17.1, 16, 17, 18.1)]


@pytest.mark.parametrize(
    "params, message",
    [
        ({"fast_ma_period": 200}, "must be shorter than trend_ma_period"),
        ({"confirm_mode": "absolute"}, "confirm_level is needed by, and only by, confirm_mode absolute"),
        ({"target_level": 2150}, "target_level uses absolute price levels"),
        ({"rsi_min": 120}, "rsi_min: must be <= 100"),
    ],
)
def test_bad_configs(params, message):
    with pytest.raises(ConfigError, match=message):
        frictionless("ready_to_rally", **params)


def test_zone_confirmation_waits_for_a_close_over_detected_resistance():
    # From 30 (12 bars) down to 14, then 15, 16, 15.5, 15.9, 16.5, 17, 18, 19; trend MA = SMA(12).
    frame = tight([30] * 12 + [26, 22, 18, 16, 14, 15, 16, 15.5, 15.9, 16.5, 17, 18, 19])
    params = {**COMMON, "trend_ma_period": 12, "pivot_bars": 1}
    # Without confirmation: bar 18 (close 16, RSI(2) 55.81, SMA(12) 23.08) is the setup; buy at bar 19's
    # open 16.1; bar 19 closes 15.5 < SMA(2) 15.75: stop, sell at bar 20's open 15.6. Bar 21 starts a
    # new setup (bars 19-20 were not setups) and is taken as below.
    plain = run("ready_to_rally", frame, **params)
    assert trade_rows(plain, frame) == [("long", 18, 19, 16.1, 19, 20, 15.6), ("long", 21, 22, 16.6, 23, 24, 18.1)]
    # With zone confirmation: bar 19's high 16.3 is a swing high (1 bar each side), known at bar 20.
    # Bar 21 closes 16.5 > 16.3 (the zone over bar 20's close), held 2 closes over SMA(2), RSI(2) 78.3,
    # under SMA(12) 19.58: buy at bar 22's open 16.6; bar 23's high 18.2 >= SMA(12) 17.49: target, sell at
    # bar 24's open 18.1.
    confirmed = run("ready_to_rally", frame, **params, confirm_mode="zone")
    assert trade_rows(confirmed, frame) == [("long", 21, 22, 16.6, 23, 24, 18.1)]
    assert setup_bars(confirmed, frame) == [21]


def test_every_trade_says_why_it_closed():
    # The same tables as the exit paths above: each trade carries the rule that closed it.
    reasons = {
        "target": run("ready_to_rally", tight(BASE + [17, 18, 18.5]), **COMMON),
        "stop": run("ready_to_rally", tight(BASE + [15.5, 15, 15]), **COMMON),
        "rejection": run("ready_to_rally", tight([30] * 8 + [26, 22, 18, 16, 14, 15, 16, 17.3, 17, 17]),
                         data={"start": "2020-01-01", "end": "2020-02-28"},
                         **{**COMMON, "reject_exit": True, "resistance_low": 17.5, "reject_pct": 0.5,
                            "levels_valid_from": "2019-06-01", "levels_valid_to": "2020-12-31"}),
        "end of data": run("ready_to_rally", tight(BASE + [16.5, 16.8]), **COMMON),
    }
    for reason, result in reasons.items():
        assert list(result.trades["exit_reason"]) == [reason], reason
