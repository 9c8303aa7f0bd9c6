"""Synthetic correlated markets with setup dates chosen independently of the future, and an optional planted edge."""

from __future__ import annotations

import numpy as np
import pandas as pd


def correlated_markets(rng: np.random.Generator, symbols: list[str], bars: int = 2000, rho: float = 0.7,
                       daily_vol: float = 0.01, drift: float = 0.0003, market_day: float = 0.03,
                       join: float = 0.7, own_day: float = 0.01, edge: dict[str, float] | None = None,
                       horizon: int = 20) -> tuple[dict[str, pd.Series], dict[str, list]]:
    """Closes and setup dates for `symbols` on one business-day calendar.

    Returns share a common factor (correlation `rho`), so markets move together. Setups cluster across
    markets: on a "market-wide" day (probability `market_day`) each market sets up with probability `join`,
    and each also sets up alone with probability `own_day`. Dates are drawn before and independently of the
    returns: with no `edge` the setups predict nothing. `edge[symbol]` adds that total return, spread evenly
    over the `horizon` sessions after each of the symbol's setups.
    """
    index = pd.bdate_range("1990-01-01", periods=bars)
    common = rng.standard_normal(bars)
    wide = rng.random(bars) < market_day
    closes, setups = {}, {}
    for symbol in symbols:
        own = rng.standard_normal(bars)
        returns = drift + daily_vol * (np.sqrt(rho) * common + np.sqrt(1 - rho) * own)
        chosen = (wide & (rng.random(bars) < join)) | (rng.random(bars) < own_day)
        chosen[-1] = False
        positions = np.flatnonzero(chosen)
        for p in positions if edge and symbol in edge else []:
            returns[p + 1 : p + 1 + horizon] += edge[symbol] / horizon
        closes[symbol] = pd.Series(100.0 * np.cumprod(1.0 + returns), index=index, name="close")
        setups[symbol] = list(index[positions].date)
    return closes, setups
