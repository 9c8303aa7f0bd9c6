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
    near = np.flatnonzero(np.abs(values - out) <= 1e-9 * np.abs(values))
    for i in near.tolist():
        out[i] = math.fsum(values[i - period + 1 : i + 1].tolist()) / period
    return out


def run_length(flags: np.ndarray) -> np.ndarray:
    """Number of consecutive True values ending at each bar (0 on a False bar)."""
    idx = np.arange(len(flags))
    last_false = np.maximum.accumulate(np.where(flags, -1, idx))
    return idx - last_false
