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


def paired_returns(rng: np.random.Generator, days: int = 2520, edge_sharpe: float = 0.0, rho: float = 0.5,
                   daily_vol: float = 0.01, sharpe: float = 0.4, start: str = "2000-01-03"
                   ) -> tuple[pd.Series, pd.Series]:
    """Daily returns of a strategy and its buy-and-hold benchmark with a known gap, and volatility clustering.

    Both share one GARCH(1,1) variance (unconditional daily volatility `daily_vol`) and correlated shocks
    (`rho`); the benchmark's annual Sharpe is `sharpe` and the strategy's is higher by exactly `edge_sharpe`
    (negative: lower), so every difference the verdict tests is truly zero when `edge_sharpe` is 0, and truly in
    the sign of `edge_sharpe` otherwise.
    """
    alpha, beta = 0.08, 0.9
    omega = daily_vol ** 2 * (1 - alpha - beta)
    z = rng.standard_normal((2, days))
    var = np.empty(days)
    var[0] = daily_vol ** 2
    shock = np.empty(days)
    for t in range(days):
        if t:
            var[t] = omega + alpha * shock[t - 1] ** 2 + beta * var[t - 1]
        shock[t] = np.sqrt(var[t]) * z[0, t]
    sigma = np.sqrt(var)
    mu = sharpe * daily_vol / np.sqrt(252)
    delta = edge_sharpe * daily_vol / np.sqrt(252)
    bench = mu + shock
    strat = mu + delta + sigma * (rho * z[0] + np.sqrt(1 - rho ** 2) * z[1])
    index = pd.bdate_range(start, periods=days)
    return pd.Series(strat, index=index), pd.Series(bench, index=index)
