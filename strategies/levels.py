"""Levels stage: the zone detector of strategies.zones as Backtrader indicators, fed one bar at a time."""

from __future__ import annotations

import backtrader as bt

# The numpy core; its public names stay importable from here for callers written before the split.
from rtybt.strategies.zones import (  # noqa: F401
    LOOKBACK_BARS,
    PIVOT_LEFT,
    PIVOT_RIGHT,
    TOLERANCE_PCT,
    Zone,
    _groups,
    _kind,
    cluster_zones,
    confirmed_pivots,
    detect_zones,
    find_pivots,
    last_swing_low,
    moving_average_levels,
    nearest_resistance,
    nearest_support,
)


# -- Backtrader indicators: the same arithmetic, fed one bar at a time ------------------------------
def _is_pivot(window, left: int, highs: bool) -> bool:
    """Pure-Python twin of _pivot_flags for one window (numpy is slower on a dozen values)."""
    centre = window[left]
    if centre != centre:
        return False
    if highs:
        return all(centre > v for v in window[:left]) and all(centre >= v for v in window[left + 1 :])
    return all(centre < v for v in window[:left]) and all(centre <= v for v in window[left + 1 :])


class _PivotTracker(bt.Indicator):
    """Keeps the pivots confirmed so far, checking on each bar whether the bar `right` bars ago is one.

    Runs bar by bar in both Backtrader modes: `next` (runonce=False) and `once` over the preloaded
    arrays (the default: a next-only indicator would make Backtrader advance the feed once more per bar).
    Either way bar i only ever reads bars 0..i.
    """

    params = (("left", PIVOT_LEFT), ("right", PIVOT_RIGHT), ("lookback", LOOKBACK_BARS),
              ("tolerance_pct", TOLERANCE_PCT))

    def __init__(self):
        self._pivots: list[tuple[float, bool, int, int]] = []  # (price, is_high, pivot bar, confirmed bar)
        self._span = self.p.left + self.p.right + 1
        self._groups: list[tuple[float, float, int, int]] | None = []
        self._last_low = float("nan")

    def _update(self, bar: int, high, low) -> None:
        """Bar `bar` just closed; `high`/`low` are the last `span` values ending at it (or fewer)."""
        if len(high) < self._span:
            return
        left, pivot_bar = self.p.left, bar - self.p.right
        if _is_pivot(high, left, True):
            self._pivots.append((float(high[left]), True, pivot_bar, bar))
            self._groups = None
        if _is_pivot(low, left, False):
            self._pivots.append((float(low[left]), False, pivot_bar, bar))
            self._last_low = float(low[left])
            self._groups = None
        first = bar - self.p.lookback
        while self._pivots and self._pivots[0][2] < first:
            self._pivots.pop(0)
            self._groups = None

    def zones(self) -> list[tuple[float, float, int, int]]:
        # Clusters change only when a pivot is added or forgotten; the close only changes their kind.
        if self._groups is None:
            known = [(price, confirmed) for price, _, _, confirmed in self._pivots]
            self._groups = _groups(known, self.p.tolerance_pct)
        return self._groups

    def prenext(self):
        self.next()

    def next(self):
        bar = len(self.data) - 1
        size = min(self._span, len(self.data))
        self._update(bar, self.data.high.get(size=size), self.data.low.get(size=size))
        for line, value in zip(self.lines, self._values(self.data.close[0]), strict=True):
            line[0] = value

    def once(self, start, end):
        high, low, close = self.data.high.array, self.data.low.array, self.data.close.array
        lines = [line.array for line in self.lines]
        span = self._span
        for i in range(start, end):
            lo = max(0, i + 1 - span)
            self._update(i, high[lo : i + 1], low[lo : i + 1])
            for line, value in zip(lines, self._values(close[i]), strict=True):
                line[i] = value

    def preonce(self, start, end):
        self.once(start, end)

    def _values(self, close: float) -> tuple[float, ...]:
        raise NotImplementedError


class ResistanceZone(_PivotTracker):
    """Lower and upper edge of the nearest detected resistance zone at or above the close (NaN if none).

    Same result as nearest_resistance(detect_zones(..., upto=this bar), close) (tested bar by bar).
    """

    lines = ("low", "high")
    plotinfo = dict(subplot=False)

    def _values(self, close):
        best = None
        for lo, hi, _, _ in self.zones():
            if _kind(lo, hi, close) == "resistance" and hi >= close and (best is None or hi < best[1]):
                best = (lo, hi)
        return best if best else (float("nan"), float("nan"))


class SupportZone(_PivotTracker):
    """Lower and upper edge of the nearest detected support zone at or below the close (NaN if none)."""

    lines = ("low", "high")
    plotinfo = dict(subplot=False)

    def _values(self, close):
        best = None
        for lo, hi, _, _ in self.zones():
            if _kind(lo, hi, close) == "support" and lo <= close and (best is None or lo > best[0]):
                best = (lo, hi)
        return best if best else (float("nan"), float("nan"))


class SwingLow(_PivotTracker):
    """The most recent confirmed pivot low, however old (NaN until one is known)."""

    lines = ("price",)
    plotinfo = dict(subplot=False)

    def _values(self, close):
        return (self._last_low,)
