"""Analysis stage: the note's indicators on plain arrays (SMA, Wilder RSI, MACD), matching Backtrader's."""

from __future__ import annotations

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
