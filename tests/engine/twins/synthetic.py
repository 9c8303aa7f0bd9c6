"""Seeded synthetic bar tables for the twin tests: random walks with gaps, opens at the high, flat stretches."""

from __future__ import annotations

import numpy as np
import pandas as pd


def random_bars(seed: int, n: int = 700, start: str = "2001-01-01") -> pd.DataFrame:
    """A random walk whose opens gap (so 100%-equity entries get refused) and often open at the high or low
    (so the slipped fill is capped by the bar's range), with runs of identical closes (ties with the SMA)."""
    rng = np.random.default_rng(seed)
    steps = rng.normal(0.0003, 0.012, n)
    steps[rng.random(n) < 0.05] = 0.0  # repeated closes
    close = 100.0 * np.exp(np.cumsum(steps))
    gap = rng.normal(0.0, 0.006, n)
    gap[rng.random(n) < 0.05] += 0.03  # gap ups beyond the 5% cash buffer of a 0.95 sizer
    open_ = np.empty(n)
    open_[0] = close[0]
    open_[1:] = close[:-1] * np.exp(gap[1:])
    span = np.abs(rng.normal(0.0, 0.006, n))
    high = np.maximum(open_, close) * (1 + span)
    low = np.minimum(open_, close) * (1 - span)
    at_high = rng.random(n) < 0.15
    high[at_high] = np.maximum(open_[at_high], close[at_high])
    at_low = rng.random(n) < 0.15
    low[at_low] = np.minimum(open_[at_low], close[at_low])
    index = pd.bdate_range(start, periods=n)
    return pd.DataFrame(
        {"open": open_, "high": high, "low": low, "close": close, "volume": 1_000.0}, index=index
    )
