"""Twins stage: Backtrader's indicators in numpy, reproducing its seeds and its exact sums."""

from __future__ import annotations

import math

import numpy as np


def sma(values: np.ndarray, period: int) -> np.ndarray:
    """bt.ind.SMA: fsum of the window / period; NaN before the window fills.

    A cumulative-sum difference is fast but rounds; Backtrader sums each window exactly (math.fsum). Where the
    fast value sits within a hair of the series itself a comparison could flip, so those windows are summed
    exactly as Backtrader does.
    """
    n = len(values)
    out = np.full(n, np.nan)
    if period > n:
        return out
    csum = np.concatenate(([0.0], np.cumsum(values)))
    out[period - 1 :] = (csum[period:] - csum[:-period]) / period
    return exact_at(values, period, out, np.flatnonzero(np.abs(values - out) <= 1e-9 * np.abs(values)))


def exact_at(values: np.ndarray, period: int, out: np.ndarray, bars: np.ndarray) -> np.ndarray:
    """Re-sum the SMA windows ending on `bars` exactly (math.fsum, as Backtrader does), in place."""
    for i in bars.tolist():
        if i >= period - 1:
            out[i] = math.fsum(values[i - period + 1 : i + 1].tolist()) / period
    return out


def run_length(flags: np.ndarray) -> np.ndarray:
    """Number of consecutive True values ending at each bar (0 on a False bar)."""
    idx = np.arange(len(flags))
    last_false = np.maximum.accumulate(np.where(flags, -1, idx))
    return idx - last_false


def exp_smoothing(values: np.ndarray, period: int, alpha: float, offset: int = 0) -> np.ndarray:
    """bt ExponentialSmoothing: seeded with the mean (fsum / period) of the first `period` values from
    `offset` (the input's first valid bar), then prev * (1 - alpha) + value * alpha.

    The recursion runs in scipy's lfilter, which performs the same two products and one sum per bar.
    """
    from scipy.signal import lfilter

    n = len(values)
    out = np.full(n, np.nan)
    seed_at = offset + period - 1
    if seed_at >= n:
        return out
    seed = math.fsum(values[offset : seed_at + 1].tolist()) / period
    out[seed_at] = seed
    alpha1 = 1.0 - alpha
    if seed_at + 1 < n:
        out[seed_at + 1 :], _ = lfilter([alpha], [1.0, -alpha1], values[seed_at + 1 :], zi=[alpha1 * seed])
    return out


def ema(values: np.ndarray, period: int, offset: int = 0) -> np.ndarray:
    """bt.ind.EMA: alpha = 2 / (1 + period), SMA seed."""
    return exp_smoothing(values, period, 2.0 / (1.0 + period), offset)


def macd(close: np.ndarray, fast: int, slow: int, signal: int) -> tuple[np.ndarray, np.ndarray]:
    """bt.ind.MACD: EMA(fast) - EMA(slow), and the EMA(signal) of that line seeded once it exists."""
    line = ema(close, fast) - ema(close, slow)
    return line, ema(line, signal, offset=slow - 1)


def safe_rsi(close: np.ndarray, period: int) -> np.ndarray:
    """bt.ind.RSI(safediv=True, safehigh=100, safelow=50): Wilder's smoothing (alpha 1/period, SMA seed) of the
    up and down moves; a zero average loss reads 100, no move at all reads 50."""
    n = len(close)
    up = np.full(n, np.nan)
    down = np.full(n, np.nan)
    up[1:] = np.maximum(close[1:] - close[:-1], 0.0)
    down[1:] = np.maximum(close[:-1] - close[1:], 0.0)
    ma_up = exp_smoothing(up, period, 1.0 / period, offset=1)
    ma_down = exp_smoothing(down, period, 1.0 / period, offset=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        rs = np.where(ma_down == 0.0, np.where(ma_up == 0.0, 1.0, np.inf), ma_up / ma_down)
        return 100.0 - 100.0 / (1.0 + rs)


def cross_above(a: np.ndarray, b: np.ndarray | float) -> np.ndarray:
    """signals.CrossAbove: a > b on this bar after a <= b on the bar before (False on the first bar)."""
    out = np.zeros(len(a), dtype=bool)
    with np.errstate(invalid="ignore"):
        if np.ndim(b) == 0:
            out[1:] = (a[1:] > b) & (a[:-1] <= b)
        else:
            out[1:] = (a[1:] > b[1:]) & (a[:-1] <= b[:-1])
    return out


def cross_below(a: np.ndarray, b: np.ndarray | float) -> np.ndarray:
    """signals.CrossBelow: a < b on this bar after a >= b on the bar before."""
    out = np.zeros(len(a), dtype=bool)
    with np.errstate(invalid="ignore"):
        if np.ndim(b) == 0:
            out[1:] = (a[1:] < b) & (a[:-1] >= b)
        else:
            out[1:] = (a[1:] < b[1:]) & (a[:-1] >= b[:-1])
    return out
