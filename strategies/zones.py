"""Levels stage: support and resistance zones from swing pivots, the way the note draws them (no look-ahead).

The numpy core, free of Backtrader: engine.analysis (the snapshot) calls it directly, and the Backtrader
indicators in strategies.levels feed it one bar at a time, so both see the same zones.
"""

from __future__ import annotations

from dataclasses import dataclass

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
