"""Analysis stage: the note's setup as stated — each condition a boolean per bar, from bars up to that close only."""

from __future__ import annotations

import numpy as np
import pandas as pd

from rtybt.engine.analysis.indicators import sma, wilder_rsi
from rtybt.strategies.zones import LOOKBACK_BARS, PIVOT_RIGHT, find_pivots

ATR_PERIOD = 14


def condition_text(c) -> str:
    """A condition in words, with its numbers in place."""
    if c.kind == "reclaimed_ma":
        return (f"the close above the {c.period}-day SMA, at least {c.bars} of the last {c.window} closes above it, "
                f"and a close at or below it in the {c.within_bars} closes before those")
    if c.kind == "above_ma":
        return f"the close above the {c.period}-day SMA"
    if c.kind == "below_ma":
        return f"the close below the {c.period}-day SMA"
    if c.kind == "rsi_above":
        return f"RSI({c.period}) above {c.level:g}"
    if c.kind == "rsi_rising":
        return f"RSI({c.period}) above its value {c.bars} closes earlier"
    return (f"a swing-high pivot (5 bars each side, known by the close, within {LOOKBACK_BARS} bars) at most "
            f"{c.pct:g}% above the close")


def near_resistance(frame: pd.DataFrame, pct: float) -> np.ndarray:
    """Per bar: is a swing-high pivot known by this close at or above the close and at most `pct`% above it?"""
    high, low = frame["high"].to_numpy(dtype=float), frame["low"].to_numpy(dtype=float)
    close = frame["close"].to_numpy(dtype=float)
    is_high, _ = find_pivots(high, low)
    pivots = np.flatnonzero(is_high)
    known_on = pivots + PIVOT_RIGHT  # a pivot is known only `right` bars after it
    out = np.zeros(len(close), dtype=bool)
    lo = 0
    for t in range(len(close)):
        # Pivots known by t whose pivot bar lies within the look-back.
        hi = int(np.searchsorted(known_on, t, side="right"))
        while lo < hi and pivots[lo] < t - LOOKBACK_BARS:
            lo += 1
        if hi > lo:
            prices = high[pivots[lo:hi]]
            above = prices[prices >= close[t]]
            out[t] = bool(len(above)) and above.min() <= close[t] * (1.0 + pct / 100.0)
    return out


def _rolling_count(flags: np.ndarray, bars: int) -> np.ndarray:
    """How many of the last `bars` flags (this one included) are true."""
    total = np.cumsum(flags.astype(np.int64))
    out = total.copy()
    out[bars:] -= total[:-bars]
    return out


def condition_mask(frame: pd.DataFrame, c) -> np.ndarray:
    close = frame["close"].to_numpy(dtype=float)
    if c.kind == "near_resistance":
        return near_resistance(frame, c.pct)
    with np.errstate(invalid="ignore"):
        if c.kind in ("reclaimed_ma", "above_ma", "below_ma"):
            ma = sma(close, c.period)
            valid = np.isfinite(ma)
            if c.kind == "below_ma":
                return valid & (close < ma)
            above = valid & (close > ma)
            if c.kind == "above_ma":
                return above
            count = _rolling_count(above, c.window)
            under = _rolling_count(valid & ~above, c.within_bars)
            before = np.zeros(len(close), dtype=bool)
            before[c.window:] = under[: -c.window] > 0
            return above & (count >= c.bars) & before
        rsi = wilder_rsi(close, c.period)
        if c.kind == "rsi_above":
            return np.isfinite(rsi) & (rsi > c.level)
        then = np.full(len(rsi), np.nan)
        then[c.bars:] = rsi[: -c.bars]
        return np.isfinite(rsi) & np.isfinite(then) & (rsi > then)


def setup_masks(frame: pd.DataFrame, conditions) -> list[np.ndarray]:
    return [condition_mask(frame, c) for c in conditions]


def setup_mask(frame: pd.DataFrame, conditions) -> np.ndarray:
    """Bars on whose close every condition holds."""
    out = np.ones(len(frame), dtype=bool)
    for mask in setup_masks(frame, conditions):
        out &= mask
    return out


def atr(frame: pd.DataFrame, period: int = ATR_PERIOD) -> np.ndarray:
    """Average true range: the simple mean of the last `period` true ranges (NaN until they exist)."""
    high, low = frame["high"].to_numpy(dtype=float), frame["low"].to_numpy(dtype=float)
    close = frame["close"].to_numpy(dtype=float)
    prev = np.concatenate([[np.nan], close[:-1]])
    tr = np.nanmax(np.column_stack([high - low, np.abs(high - prev), np.abs(low - prev)]), axis=1)
    tr[0] = high[0] - low[0]
    return sma(tr, period)
