"""The Final Call rules: every bias of every horizon, on the facts and on small hand-made bar tables."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest

from rtybt.engine.analysis.note.final_call import CallFacts, final_call
from rtybt.engine.analysis.note.snapshot import SnapshotSettings, compute_snapshot
from tests.conftest import bars_frame

# The rules of engine/analysis/note/final_call.py written out as a truth table (A: close above the fast MA,
# B: above the slow MA, R: RSI rising, G: golden cross): (short, medium, long) for every combination.
EXPECTED = {}
for A, B, R, G in itertools.product([True, False], repeat=4):
    short = "Bullish" if A and R else "Bearish" if not A and not R else "Neutral"
    medium = {(True, True): "Bullish", (True, False): "Cautiously Bullish",
              (False, True): "Cautiously Bearish", (False, False): "Bearish"}[(A, B)]
    long_ = ("Bullish" if G else "Cautiously Bullish") if B else ("Neutral" if A else "Bearish")
    EXPECTED[(A, B, R, G)] = (short, medium, long_)


@pytest.mark.parametrize("facts", list(EXPECTED), ids=lambda f: "A{:d}B{:d}R{:d}G{:d}".format(*f))
def test_rules_truth_table(facts):
    A, B, R, G = facts
    calls = final_call(CallFacts(above_fast=A, above_slow=B, rsi_rising=R, golden_cross=G))
    assert [c.horizon for c in calls] == ["Short-term", "Medium", "Long-term"]
    assert tuple(c.bias for c in calls) == EXPECTED[facts]


def test_reasons_name_the_levels_like_the_note():
    calls = final_call(CallFacts(True, False, True, False, confirm_above="2,100–2,150 resistance"))
    assert calls[0].reasoning == "Above 50-MA, bullish RSI slope"
    assert calls[1].reasoning == "Needs a break over 2,100–2,150 resistance to confirm macro reversal"
    assert calls[2].reasoning == "Trend still under 200-MA; recovery above 50-MA under way"


# Small periods so that a dozen hand-made closes cover every rule: fast MA 3, slow MA 8, RSI(3) and its
# slope over 1 bar.
SMALL = SnapshotSettings(fast_ma=3, slow_ma=8, rsi_period=3, rsi_slope_bars=1, macd_fast=2, macd_slow=3,
                         macd_signal=2, reclaim_window=2, reclaim_min_closes=2, reclaim_lookback=3,
                         candle_window=2, candle_min_count=1, candle_avg_bars=3)

CASES = {
    # Falls from 30 to 14, bounces 15, 16, 17: close 17 > MA3 16; MA8 = (22+20+18+16+14+15+16+17)/8 = 17.25 > 17;
    # three up moves lift RSI; MA3 < MA8. The note's own picture: Bullish / Cautiously Bullish / Neutral.
    "recovery_under_the_slow_ma": ([30, 28, 26, 24, 22, 20, 18, 16, 14, 15, 16, 17],
                                   (True, False, True, False), ("Bullish", "Cautiously Bullish", "Neutral")),
    # Steady rise, one dip (18 -> 17), then 18, 19: close 19 > MA3 18 > MA8 16.75; the RSI rises on the last up move.
    "uptrend": ([10, 11, 12, 13, 14, 15, 16, 17, 18, 17, 18, 19],
                (True, True, True, True), ("Bullish", "Bullish", "Bullish")),
    # Rise to 20, then 19.5, 19.2: close 19.2 < MA3 19.57 but > MA8 18.21; two down moves turn the RSI down;
    # MA3 > MA8 still.
    "pullback_in_uptrend": ([10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 19.5, 19.2],
                            (False, True, False, True), ("Bearish", "Cautiously Bearish", "Bullish")),
    # Falls by 1 every bar: below both MAs, RSI pinned at 0 (no gain) so not rising.
    "downtrend": (list(range(30, 18, -1)), (False, False, False, False), ("Bearish", "Bearish", "Bearish")),
    # Rise to 20, then 19.8: still above MA3 19.6 and MA8 17.35, but the down move turns the RSI down.
    "first_down_day_in_uptrend": ([10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 19.8],
                                  (True, True, False, True), ("Neutral", "Bullish", "Bullish")),
    # Falls to 20 then jumps to 27: above MA8 23.5 while MA3 22.67 is still under it (no golden cross yet).
    "spike_above_the_slow_ma": ([30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 27],
                                (True, True, True, False), ("Bullish", "Bullish", "Cautiously Bullish")),
}


def pandas_facts(closes) -> tuple[bool, bool, bool]:
    """A, B and G straight from pandas rolling means (R is read by hand in the case comments)."""
    c = pd.Series(closes, dtype=float)
    fast, slow = c.rolling(3).mean().iloc[-1], c.rolling(8).mean().iloc[-1]
    return bool(c.iloc[-1] > fast), bool(c.iloc[-1] > slow), bool(fast > slow)


@pytest.mark.parametrize("case", list(CASES))
def test_each_bias_on_a_hand_made_table(case):
    closes, facts, biases = CASES[case]
    snap = compute_snapshot(bars_frame(closes), "TEST", settings=SMALL)
    r = snap.readings
    assert (r.above_fast, r.above_slow, r.rsi_slope > 0, r.golden_cross) == facts
    assert pandas_facts(closes) == (facts[0], facts[1], facts[3])
    assert tuple(c.bias for c in snap.calls) == biases


def test_every_bias_of_every_horizon_is_reached_by_some_table():
    seen = {h: {b[i] for _, _, b in CASES.values()} for i, h in enumerate(["short", "medium", "long"])}
    assert seen["short"] == {"Bullish", "Neutral", "Bearish"}
    assert seen["medium"] == {"Bullish", "Cautiously Bullish", "Cautiously Bearish", "Bearish"}
    assert seen["long"] == {"Bullish", "Cautiously Bullish", "Neutral", "Bearish"}
