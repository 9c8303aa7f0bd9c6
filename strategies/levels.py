"""Levels stage: support and resistance zones from swing pivots, the way the note draws them (no look-ahead)."""

from __future__ import annotations

from dataclasses import dataclass

import backtrader as bt
import numpy as np

# Defaults shared by the strategies and the snapshot so that both see the same zones.
PIVOT_LEFT = 5
PIVOT_RIGHT = 5
TOLERANCE_PCT = 1.0
LOOKBACK_BARS = 250


@dataclass(frozen=True)
class Zone:
    """A price band where swing highs/lows clustered (or a moving average, `source='sma50'` etc.).

    `kind` is relative to the close the zones were classified against: a zone whose middle is at or
    above that close is resistance, otherwise support. `last_bar` is the index of the bar on which the
    zone's most recent pivot became known (pivot bar + `right`), never the pivot bar itself.
    """

    kind: str  # 'resistance' | 'support'
    low: float
    high: float
    touches: int
    last_bar: int
    source: str = "pivots"

    @property
    def mid(self) -> float:
        return (self.low + self.high) / 2.0


def _pivot_flags(values: np.ndarray, left: int, right: int, highs: bool) -> np.ndarray:
    """A pivot high is strictly above the `left` bars before it and at or above the `right` bars after it.

    Strict on the left and inclusive on the right so that a flat top of equal highs gives exactly one
    pivot (its first bar). Pivot lows mirror this.
    """
    n = len(values)
    flags = np.zeros(n, dtype=bool)
    if n < left + right + 1:
        return flags
    windows = np.lib.stride_tricks.sliding_window_view(values, left + right + 1)
    centre = windows[:, left]
    before = windows[:, :left]
    after = windows[:, left + 1 :]
    if highs:
        ok = (centre[:, None] > before).all(axis=1) & (centre[:, None] >= after).all(axis=1)
    else:
        ok = (centre[:, None] < before).all(axis=1) & (centre[:, None] <= after).all(axis=1)
    ok &= np.isfinite(centre)
    flags[left : n - right] = ok
    return flags


def find_pivots(high, low, left: int = PIVOT_LEFT, right: int = PIVOT_RIGHT) -> tuple[np.ndarray, np.ndarray]:
    """(is_pivot_high, is_pivot_low) boolean arrays over the bars.

    A pivot at bar i needs the `right` bars after it, so it is only *known* on the close of bar
    i + right: never act on flag i before then. Bars closer than `right` to the end are never pivots
    (they are not confirmed yet), which is what makes a cut series give the same pivots as the full one.
    """
    if left < 1 or right < 1:
        raise ValueError(f"pivot windows must be >= 1 bar (got left={left}, right={right})")
    high = np.asarray(high, dtype=float)
    low = np.asarray(low, dtype=float)
    return _pivot_flags(high, left, right, True), _pivot_flags(low, left, right, False)


def _groups(pivots: list[tuple[float, int]], tolerance_pct: float) -> list[tuple[float, float, int, int]]:
    """(low, high, touches, last confirmed bar) per cluster, sorted by price: a cluster grows while a
    price is within `tolerance_pct` of the cluster's lowest price."""
    groups: list[tuple[float, float, int, int]] = []
    if not pivots:
        return groups
    ordered = sorted(pivots)
    factor = 1.0 + tolerance_pct / 100.0
    lo, hi, n, last = ordered[0][0], ordered[0][0], 1, ordered[0][1]
    for price, bar in ordered[1:]:
        if price <= lo * factor:
            hi, n, last = price, n + 1, max(last, bar)
        else:
            groups.append((lo, hi, n, last))
            lo, hi, n, last = price, price, 1, bar
    groups.append((lo, hi, n, last))
    return groups


def _kind(lo: float, hi: float, reference: float) -> str:
    return "resistance" if (lo + hi) / 2.0 >= reference else "support"


def cluster_zones(pivots: list[tuple[float, int]], reference: float, tolerance_pct: float) -> list[Zone]:
    """Cluster (price, confirmed_bar) pivots into zones: a zone grows while a price is within
    `tolerance_pct` of the zone's lowest price. Zones are classified against `reference` (a close)
    and returned sorted by price.
    """
    return [Zone(_kind(lo, hi, reference), lo, hi, n, last) for lo, hi, n, last in _groups(pivots, tolerance_pct)]


def confirmed_pivots(high, low, upto: int, left: int = PIVOT_LEFT, right: int = PIVOT_RIGHT,
                     lookback: int = LOOKBACK_BARS) -> list[tuple[float, int]]:
    """(price, confirmed_bar) of every pivot high and low known by the close of bar `upto`
    whose pivot bar lies within the last `lookback` bars."""
    high = np.asarray(high, dtype=float)[: upto + 1]
    low = np.asarray(low, dtype=float)[: upto + 1]
    is_high, is_low = find_pivots(high, low, left, right)
    first = max(0, upto - lookback)
    out = [(float(high[i]), int(i + right)) for i in np.flatnonzero(is_high) if i >= first]
    out += [(float(low[i]), int(i + right)) for i in np.flatnonzero(is_low) if i >= first]
    return out


def detect_zones(high, low, close, upto: int, left: int = PIVOT_LEFT, right: int = PIVOT_RIGHT,
                 tolerance_pct: float = TOLERANCE_PCT, lookback: int = LOOKBACK_BARS) -> list[Zone]:
    """Zones from the pivots confirmed up to bar `upto` inclusive, classified against close[upto].

    Uses nothing after bar `upto`: the same call on a series cut after `upto` gives the same zones.
    """
    if not 0 <= upto < len(close):
        raise IndexError(f"upto={upto} is outside the {len(close)} bars")
    pivots = confirmed_pivots(high, low, upto, left, right, lookback)
    return cluster_zones(pivots, float(np.asarray(close, dtype=float)[upto]), tolerance_pct)


def moving_average_levels(close, upto: int, periods: tuple[int, ...] = (50, 200)) -> list[Zone]:
    """The moving averages as dynamic levels (simple means of closes ending at `upto`): a zone of zero
    width per period that has enough bars, classified against close[upto] like the pivot zones."""
    close = np.asarray(close, dtype=float)
    reference = close[upto]
    zones = []
    for period in periods:
        if upto + 1 < period:
            continue
        value = float(close[upto + 1 - period : upto + 1].mean())
        kind = "resistance" if value >= reference else "support"
        zones.append(Zone(kind, value, value, 0, upto, source=f"sma{period}"))
    return zones


def nearest_resistance(zones: list[Zone], price: float) -> Zone | None:
    """The resistance zone whose upper edge is the lowest one still at or above `price`."""
    above = [z for z in zones if z.kind == "resistance" and z.high >= price]
    return min(above, key=lambda z: z.high, default=None)


def nearest_support(zones: list[Zone], price: float) -> Zone | None:
    """The support zone whose lower edge is the highest one still at or below `price`."""
    below = [z for z in zones if z.kind == "support" and z.low <= price]
    return max(below, key=lambda z: z.low, default=None)


def last_swing_low(low, upto: int, left: int = PIVOT_LEFT, right: int = PIVOT_RIGHT) -> float | None:
    """The most recent pivot low known by the close of bar `upto` (the note's 'recent swing low')."""
    low = np.asarray(low, dtype=float)[: upto + 1]
    _, is_low = find_pivots(low, low, left, right)
    idx = np.flatnonzero(is_low)
    return float(low[idx[-1]]) if len(idx) else None


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
