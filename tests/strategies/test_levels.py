"""The level detector on tables with known pivots, against a brute-force loop, and its Backtrader wrappers."""

from __future__ import annotations

import backtrader as bt
import numpy as np
import pytest

from rtybt.engine.run.feed import make_feed
from rtybt.strategies.levels import ResistanceZone, SupportZone, SwingLow
from rtybt.strategies.zones import (
    Zone,
    cluster_zones,
    detect_zones,
    find_pivots,
    last_swing_low,
    moving_average_levels,
    nearest_resistance,
    nearest_support,
)
from tests.conftest import bars_frame


def brute_pivots(high, low, left, right):
    """The definition read literally, one bar at a time (strict on the left, inclusive on the right)."""
    n = len(high)
    ph, pl = [False] * n, [False] * n
    for i in range(left, n - right):
        ph[i] = all(high[i] > high[j] for j in range(i - left, i)) and all(
            high[i] >= high[j] for j in range(i + 1, i + right + 1))
        pl[i] = all(low[i] < low[j] for j in range(i - left, i)) and all(
            low[i] <= low[j] for j in range(i + 1, i + right + 1))
    return np.array(ph), np.array(pl)


def test_known_pivots_on_a_hand_made_table():
    #        bar: 0  1  2  3  4  5  6  7  8  9 10
    high = [1, 2, 5, 3, 2, 4, 4, 1, 2, 3, 6]
    low = [0, 1, 3, 2, 0, 3, 2, 1, 2, 2, 5]
    ph, pl = find_pivots(high, low, left=2, right=2)
    # bar 2 (5 > 1, 2 and >= 3, 2) is a pivot high; bar 5 ties bar 6 (4, 4): the first of a flat top counts;
    # bar 10 is higher still but has no bars after it: not confirmed, so not a pivot.
    assert np.flatnonzero(ph).tolist() == [2, 5]
    # bar 4 (0 < 3, 2 and <= 3, 2) and bar 7 (1 < 3, 2 and <= 2, 2) are pivot lows.
    assert np.flatnonzero(pl).tolist() == [4, 7]


def test_pivots_match_the_brute_force_definition_on_a_random_walk():
    rng = np.random.default_rng(7)
    close = 100 + np.cumsum(rng.normal(0, 1, 400)).round(1)  # rounding makes ties happen
    high, low = close + rng.uniform(0, 1, 400).round(1), close - rng.uniform(0, 1, 400).round(1)
    for left, right in [(1, 1), (3, 2), (5, 5)]:
        ph, pl = find_pivots(high, low, left, right)
        bh, bl = brute_pivots(high, low, left, right)
        assert (ph == bh).all() and (pl == bl).all()


def test_a_pivot_is_known_only_right_bars_later():
    high = [1, 2, 9, 3, 2, 1, 1]
    low = [0] * 7
    for cut in range(len(high)):
        ph, _ = find_pivots(high[: cut + 1], low[: cut + 1], left=2, right=3)
        # the pivot at bar 2 needs bars 3, 4, 5: known from bar 5 on.
        assert bool(ph[2:3].any()) == (cut >= 5)


def test_clustering_and_classification():
    # two swing highs 100 and 100.8 (within 1%), one at 110 (its own zone), swing lows 90 and 90.5.
    pivots = [(100.0, 10), (100.8, 30), (110.0, 20), (90.0, 15), (90.5, 40)]
    zones = cluster_zones(pivots, reference=95.0, tolerance_pct=1.0)
    assert zones == [
        Zone("support", 90.0, 90.5, 2, 40),
        Zone("resistance", 100.0, 100.8, 2, 30),
        Zone("resistance", 110.0, 110.0, 1, 20),
    ]
    assert nearest_resistance(zones, 95.0) == zones[1]
    assert nearest_support(zones, 95.0) == zones[0]
    assert nearest_resistance(zones, 111.0) is None
    # a close inside a zone: the zone is resistance when its middle is at or above the close
    inside = cluster_zones([(100.0, 1), (100.8, 2)], reference=100.4, tolerance_pct=1.0)
    assert inside[0].kind == "resistance"


def test_detect_zones_on_a_table_with_known_swings():
    # A range: highs touch 100 (bar 5) and 100.5 (bar 15), lows touch 90 (bar 10) and 90.4 (bar 20).
    n = 30
    high = np.full(n, 95.0)
    low = np.full(n, 93.0)
    high[5], high[15] = 100.0, 100.5
    low[10], low[20] = 90.0, 90.4
    close = np.full(n, 94.0)
    zones = detect_zones(high, low, close, upto=n - 1, left=3, right=3, tolerance_pct=1.0)
    # the flat 95/93 bars are not pivots (strict on the left); only the four swings are.
    assert zones == [Zone("support", 90.0, 90.4, 2, 23), Zone("resistance", 100.0, 100.5, 2, 18)]
    # at bar 16, the 100.5 high (bar 15) is not confirmed yet (needs bars 16-18): one touch only.
    early = detect_zones(high, low, close, upto=16, left=3, right=3)
    assert [(z.kind, z.touches) for z in early] == [("support", 1), ("resistance", 1)]
    # the lookback forgets swings whose pivot bar is older than `lookback` bars
    recent = detect_zones(high, low, close, upto=n - 1, left=3, right=3, lookback=16)
    assert [(z.low, z.touches) for z in recent] == [(90.4, 1), (100.5, 1)]


def test_detect_zones_is_the_same_on_a_cut_series():
    rng = np.random.default_rng(3)
    close = 100 + np.cumsum(rng.normal(0, 1, 300))
    high, low = close + 0.5, close - 0.5
    for upto in range(20, 300, 23):
        full = detect_zones(high, low, close, upto)
        cut = detect_zones(high[: upto + 1], low[: upto + 1], close[: upto + 1], upto)
        assert full == cut


def test_moving_average_levels_and_swing_low():
    close = np.arange(1.0, 11.0)  # 1..10
    zones = moving_average_levels(close, upto=9, periods=(3, 20))
    # SMA(3) of 8, 9, 10 = 9 is below the close of 10: support; SMA(20) lacks bars: absent.
    assert zones == [Zone("support", 9.0, 9.0, 0, 9, source="sma3")]
    low = [5, 4, 3, 4, 5, 6, 2, 6, 7, 8]
    assert last_swing_low(low, upto=9, left=2, right=2) == 2.0
    assert last_swing_low(low, upto=7, left=2, right=2) == 3.0  # bar 6's low needs bars 7 and 8
    assert last_swing_low(low, upto=3, left=2, right=2) is None


class _Record(bt.Strategy):
    def __init__(self):
        self.res = ResistanceZone(self.data, left=3, right=2, lookback=40)
        self.sup = SupportZone(self.data, left=3, right=2, lookback=40)
        self.swing = SwingLow(self.data, left=3, right=2, lookback=40)
        self.rows = []

    def prenext(self):
        self.next()

    def next(self):
        self.rows.append((self.res.low[0], self.res.high[0], self.sup.low[0], self.sup.high[0], self.swing.price[0]))


@pytest.mark.parametrize("runonce", [True, False])
def test_indicators_agree_with_detect_zones_bar_by_bar(runonce):
    rng = np.random.default_rng(11)
    closes = (100 + np.cumsum(rng.normal(0, 1.5, 160))).round(2).tolist()
    frame = bars_frame(closes)
    cerebro = bt.Cerebro(stdstats=False, runonce=runonce)
    cerebro.adddata(make_feed(frame, "x"))
    cerebro.addstrategy(_Record)
    rows = cerebro.run()[0].rows
    h, lo, c = frame["high"].to_numpy(), frame["low"].to_numpy(), frame["close"].to_numpy()
    nan = float("nan")
    checked = 0
    for t, row in enumerate(rows):
        zones = detect_zones(h, lo, c, t, left=3, right=2, lookback=40)
        r, s = nearest_resistance(zones, c[t]), nearest_support(zones, c[t])
        swing = last_swing_low(lo, t, left=3, right=2)
        expected = (r.low if r else nan, r.high if r else nan, s.low if s else nan, s.high if s else nan,
                    nan if swing is None else swing)
        np.testing.assert_equal(row, expected)
        checked += r is not None and s is not None
    assert checked > 50  # the comparison covered bars with both zones present
