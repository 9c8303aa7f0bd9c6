"""Analysis stage: the note's indicators on plain arrays (SMA, Wilder RSI, MACD), matching Backtrader's.

Two flavours, one module: `sma`, `ema`, `wilder_rsi`, `macd` for reading a chart (the snapshot, the target
study, the note chart); the `exact_*` ones reproduce Backtrader's own arithmetic to the last bit (its fsum
window sums, its SMA-seeded smoothing, its safe-division RSI), for the twins that must match its trades.
"""

from __future__ import annotations

import math

import numpy as np


def sma(values: np.ndarray, period: int) -> np.ndarray:
    """Simple moving average; NaN until `period` values exist (as Backtrader's SMA)."""
    values = np.asarray(values, dtype=float)
    out = np.full(len(values), np.nan)
    if period < 1 or len(values) < period:
        return out
    # A cumulative sum would drift over 10,000 bars; a strided mean is exact to the last bit we need.
    windows = np.lib.stride_tricks.sliding_window_view(values, period)
    out[period - 1 :] = windows.mean(axis=1)
    return out


def wilder_rsi(close: np.ndarray, period: int = 14) -> np.ndarray:
    """Wilder's RSI: averages seeded with the simple mean of the first `period` moves, then weight 1/period.

    This is Backtrader's `bt.ind.RSI` seeding (not pandas' `ewm`, which starts from the first move).
    A window with no down move reads 100 (no loss), one with no move at all reads 50.
    """
    close = np.asarray(close, dtype=float)
    out = np.full(len(close), np.nan)
    if len(close) <= period:
        return out
    moves = np.diff(close)
    gains = np.clip(moves, 0.0, None)
    losses = np.clip(-moves, 0.0, None)
    avg_gain = gains[:period].mean()
    avg_loss = losses[:period].mean()
    out[period] = _rsi_from(avg_gain, avg_loss)
    for i in range(period, len(moves)):
        avg_gain += (gains[i] - avg_gain) / period
        avg_loss += (losses[i] - avg_loss) / period
        out[i + 1] = _rsi_from(avg_gain, avg_loss)
    return out


def _rsi_from(avg_gain: float, avg_loss: float) -> float:
    if avg_loss == 0.0:
        return 50.0 if avg_gain == 0.0 else 100.0
    return 100.0 - 100.0 / (1.0 + avg_gain / avg_loss)


def ema(values: np.ndarray, period: int) -> np.ndarray:
    """Exponential average with alpha 2/(period+1), seeded with the simple mean of the first `period` values.

    Backtrader seeds the same way, so MACD states agree with `bt.ind.MACD` from the first defined bar.
    Leading NaNs (a warm-up of an upstream series) are skipped.
    """
    values = np.asarray(values, dtype=float)
    out = np.full(len(values), np.nan)
    defined = np.flatnonzero(~np.isnan(values))
    if len(defined) < period:
        return out
    first = defined[0]
    alpha = 2.0 / (period + 1.0)
    level = values[first : first + period].mean()
    out[first + period - 1] = level
    for i in range(first + period, len(values)):
        level += alpha * (values[i] - level)
        out[i] = level
    return out


def macd(close: np.ndarray, fast: int = 12, slow: int = 26, signal: int = 9) -> tuple[np.ndarray, np.ndarray]:
    """(MACD line, signal line) as `bt.ind.MACD`: EMA(fast) - EMA(slow), and EMA(signal) of that line."""
    close = np.asarray(close, dtype=float)
    line = ema(close, fast) - ema(close, slow)
    return line, ema(line, signal)


# -- bit-exact twins of Backtrader's indicators (engine/twins holds them to its trades) --------------
def exact_sma(values: np.ndarray, period: int) -> np.ndarray:
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


def exact_smoothing(values: np.ndarray, period: int, alpha: float, offset: int = 0) -> np.ndarray:
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


def exact_ema(values: np.ndarray, period: int, offset: int = 0) -> np.ndarray:
    """bt.ind.EMA: alpha = 2 / (1 + period), SMA seed."""
    return exact_smoothing(values, period, 2.0 / (1.0 + period), offset)


def exact_macd(close: np.ndarray, fast: int, slow: int, signal: int) -> tuple[np.ndarray, np.ndarray]:
    """bt.ind.MACD: EMA(fast) - EMA(slow), and the EMA(signal) of that line seeded once it exists."""
    line = exact_ema(close, fast) - exact_ema(close, slow)
    return line, exact_ema(line, signal, offset=slow - 1)


def exact_rsi(close: np.ndarray, period: int) -> np.ndarray:
    """bt.ind.RSI(safediv=True, safehigh=100, safelow=50): Wilder's smoothing (alpha 1/period, SMA seed) of the
    up and down moves; a zero average loss reads 100, no move at all reads 50."""
    n = len(close)
    up = np.full(n, np.nan)
    down = np.full(n, np.nan)
    up[1:] = np.maximum(close[1:] - close[:-1], 0.0)
    down[1:] = np.maximum(close[:-1] - close[1:], 0.0)
    ma_up = exact_smoothing(up, period, 1.0 / period, offset=1)
    ma_down = exact_smoothing(down, period, 1.0 / period, offset=1)
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
