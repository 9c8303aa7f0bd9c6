"""The Bull Case / Bear Case items, each true and false, on small hand-made bar tables."""

from __future__ import annotations

import pytest

from rtybt.engine.analysis.note.snapshot import compute_snapshot
from tests.conftest import bars_frame
from tests.engine.analysis.test_final_call import CASES, SMALL


def items(frame):
    snap = compute_snapshot(frame, "TEST", settings=SMALL)
    return {i.key: i for i in snap.bull_case + snap.bear_case}, snap


def status(frame, key):
    return items(frame)[0][key].status


RECOVERY = CASES["recovery_under_the_slow_ma"][0]  # 30 .. 14 then 15, 16, 17
UPTREND = CASES["uptrend"][0]
PULLBACK = CASES["pullback_in_uptrend"][0]
DOWNTREND = CASES["downtrend"][0]


# --- reclaim of the 50-day MA (here MA3; window 2 bars, both above; a close at/below in the 3 bars before) ---
def test_reclaim_true_after_closes_below_then_two_above():
    # bars 10, 11 close 16, 17 over MA3 15, 16; bar 7 closed 16 under its MA3 18.
    assert status(bars_frame(RECOVERY), "reclaim_50") is True


def test_reclaim_false_in_a_trend_that_never_dipped():
    assert status(bars_frame(list(range(10, 22))), "reclaim_50") is False


def test_reclaim_false_with_only_one_close_above():
    # ... 14, 13 then 15: 15 > MA3 14 but 13 < MA3 14.67 the bar before: 1 of 2.
    assert status(bars_frame([30, 28, 26, 24, 22, 20, 18, 16, 14, 13, 15]), "reclaim_50") is False


def test_reclaim_false_when_below_now():
    assert status(bars_frame(DOWNTREND), "reclaim_50") is False


# --- strong bullish candles (window 2, at least 1; body >= 60% of range and >= the prior 3 bars' average body) ---
def candles(last_open, last_close, last_high, last_low, n=12, strong_at=None):
    """Flat bars (open 100.2, close 100: body 0.2, range 1) ending with one chosen candle."""
    opens, closes = [100.2] * n, [100.0] * n
    highs, lows = [100.5] * n, [99.5] * n
    opens[-1], closes[-1], highs[-1], lows[-1] = last_open, last_close, last_high, last_low
    if strong_at is not None:
        opens[strong_at], closes[strong_at], highs[strong_at], lows[strong_at] = 100.0, 102.0, 102.2, 99.9
    return bars_frame(closes, opens=opens, highs=highs, lows=lows)


def test_candle_strong():
    # body 2 of range 2.3 (87%), and 2 >= the average body 0.2 of the 3 bars before
    assert status(candles(100.0, 102.0, 102.2, 99.9), "bullish_candles") is True


@pytest.mark.parametrize(
    "last",
    [
        (100.0, 101.0, 103.0, 99.9),  # long upper wick: body 1 of range 3.1 (32%)
        (102.0, 100.0, 102.2, 99.9),  # bearish candle
        (100.0, 100.1, 100.11, 99.99),  # full body (83%) but 0.1 < the average body 0.2
    ],
    ids=["wick", "bearish", "small"],
)
def test_candle_not_strong(last):
    assert status(candles(*last), "bullish_candles") is False


def test_strong_candle_outside_the_window_does_not_count():
    # a strong candle 3 bars before the end, with a window of 2 bars
    assert status(candles(100.2, 100.0, 100.5, 99.5, strong_at=-3), "bullish_candles") is False
    assert status(candles(100.2, 100.0, 100.5, 99.5, strong_at=-2), "bullish_candles") is True


# --- RSI breakout nearing confirmation (RSI(3) >= 55 and above its value 1 bar before) ---
def test_rsi_breakout_true_when_above_55_and_rising():
    found, snap = items(bars_frame(UPTREND))  # RSI 85.2 from 77.8
    assert found["rsi_breakout"].status is True and "confirmed (in the bullish zone)" in found["rsi_breakout"].evidence


def test_rsi_breakout_false_when_above_55_but_falling():
    found, snap = items(bars_frame(PULLBACK))  # RSI 67.8 from 80.0
    assert snap.readings.rsi >= 55 and found["rsi_breakout"].status is False


def test_rsi_breakout_false_when_rising_but_below_55():
    found, snap = items(bars_frame(RECOVERY))  # RSI 54.3 from 38.5
    assert snap.readings.rsi_slope > 0 and snap.readings.rsi < 55 and found["rsi_breakout"].status is False


# --- upside target: slow MA (MA8) above the close by at most 10% ---
def test_upside_target_true_when_the_slow_ma_is_close_above():
    assert status(bars_frame(RECOVERY), "upside_target") is True  # MA8 17.25 is 1.5% over 17


def test_upside_target_false_when_already_above_or_too_far():
    assert status(bars_frame(UPTREND), "upside_target") is False  # close above MA8
    assert status(bars_frame(DOWNTREND), "upside_target") is False  # MA8 22.5 is 18% over 19


# --- price under the 200-day MA (MA8) ---
def test_under_slow_ma():
    assert status(bars_frame(RECOVERY), "under_200") is True
    assert status(bars_frame(UPTREND), "under_200") is False


# --- overhead rejection: a swing-high zone starting within 3% above the close ---
def two_tops(tail):
    """Peaks at bar 10 (high 111) and bar 20 (high 111.5), troughs at bars 15 and 25 (low 99), then `tail`.

    Highs/lows are close +/- 1, so the pivot highs (5 bars each side) are exactly bars 10 and 20; both
    are known by bar 25, and they cluster (within 1%) into one resistance zone 111-111.5.
    """
    closes = (list(range(100, 111)) + [108, 106, 104, 102, 100] + [102, 104, 106, 108, 110.5]
              + [108, 106, 104, 102, 100] + tail)
    return bars_frame(closes, highs=[c + 1 for c in closes], lows=[c - 1 for c in closes])


def test_overhead_rejection_true_when_a_resistance_zone_is_near():
    found, snap = items(two_tops([102, 104, 106, 108]))  # 111 is 2.8% above 108
    assert found["overhead_rejection"].status is True
    top = [lv for lv in snap.resistance if lv.type != "MA-based dynamic level"][0]
    assert (top.low, top.high, top.type) == (111.0, 111.5, "swing-high congestion")
    assert top.detail == f"2 pivots, last on {snap_date(snap, 20)}"
    assert top.distance_pct == pytest.approx((111 / 108 - 1) * 100)


def snap_date(snap, bar):
    return bars_frame([0.0] * (bar + 1)).index[bar].date()


def test_overhead_rejection_false_when_the_zone_is_far():
    found, _ = items(two_tops([101, 102, 103, 104]))  # 111 is 6.7% above 104
    assert found["overhead_rejection"].status is False


def test_overhead_rejection_false_without_any_zone_above():
    found, snap = items(bars_frame(list(range(10, 22))))
    assert [lv for lv in snap.resistance if lv.type != "MA-based dynamic level"] == []
    assert found["overhead_rejection"].status is False


def test_items_that_need_other_data_are_shown_but_never_decided():
    found, _ = items(bars_frame(RECOVERY))
    for key in ("rate_environment", "risk_appetite"):
        assert found[key].status is None and not found[key].computable
        assert found[key].evidence.startswith("not computable")
