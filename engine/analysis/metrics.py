"""Performance metrics as pure functions of the daily returns and the trade list.

Conventions (stated in every report): simple daily returns; annualised with `periods_per_year`;
the annual risk-free rate is turned into a daily one as rf / periods_per_year and subtracted
from each day's return (the empyrical convention); volatility and Sharpe use the sample std (ddof=1);
Sortino's downside deviation is the root mean square of the negative excess returns.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

SHARPE_CONVENTION = (
    "daily simple returns; Sharpe = mean(r - rf/{ppy}) / std(r - rf/{ppy}, ddof=1) x sqrt({ppy}); "
    "annual risk-free rate {rf:.2%}"
)


def _clean(value: float) -> float | None:
    """JSON-friendly: NaN and infinities become None."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def total_return(returns: np.ndarray) -> float:
    return float(np.prod(1.0 + returns) - 1.0)


def cagr(returns: np.ndarray, periods_per_year: int) -> float:
    if len(returns) == 0:
        return float("nan")
    years = len(returns) / periods_per_year
    final = np.prod(1.0 + returns)
    return float(final ** (1.0 / years) - 1.0) if final > 0 else -1.0


def annual_volatility(returns: np.ndarray, periods_per_year: int) -> float:
    if len(returns) < 2:
        return float("nan")
    return float(np.std(returns, ddof=1) * math.sqrt(periods_per_year))


def sharpe(returns: np.ndarray, risk_free_rate: float, periods_per_year: int) -> float:
    excess = returns - risk_free_rate / periods_per_year
    if len(excess) < 2:
        return float("nan")
    sd = np.std(excess, ddof=1)
    return float(np.mean(excess) / sd * math.sqrt(periods_per_year)) if sd > 0 else float("nan")


def sortino(returns: np.ndarray, risk_free_rate: float, periods_per_year: int) -> float:
    excess = returns - risk_free_rate / periods_per_year
    if len(excess) < 2:
        return float("nan")
    downside = math.sqrt(np.mean(np.minimum(excess, 0.0) ** 2)) * math.sqrt(periods_per_year)
    return float(np.mean(excess) * periods_per_year / downside) if downside > 0 else float("nan")


def drawdown(returns: np.ndarray) -> np.ndarray:
    wealth = np.cumprod(1.0 + returns)
    peak = np.maximum.accumulate(np.concatenate([[1.0], wealth]))[1:]
    return wealth / peak - 1.0


def max_drawdown(returns: np.ndarray) -> float:
    return float(drawdown(returns).min()) if len(returns) else float("nan")


def trade_stats(trades: pd.DataFrame) -> dict:
    closed = trades[trades["status"] == "closed"] if len(trades) else trades
    n = len(closed)
    if n == 0:
        return {"trades": 0, "win_rate": None, "profit_factor": None, "avg_trade_return": None,
                "avg_bars_held": None, "best_trade_return": None, "worst_trade_return": None}
    pnl = closed["pnl_net"].to_numpy(dtype=float)
    wins, losses = pnl[pnl > 0].sum(), -pnl[pnl < 0].sum()
    rets = closed["return_pct"].to_numpy(dtype=float)
    return {
        "trades": n,
        "win_rate": float((pnl > 0).mean()),
        "profit_factor": _clean(wins / losses) if losses > 0 else None,
        "avg_trade_return": float(rets.mean()),
        "avg_bars_held": float(closed["bars_held"].mean()),
        "best_trade_return": float(rets.max()),
        "worst_trade_return": float(rets.min()),
    }


def compute_metrics(returns: pd.Series, in_market: pd.Series, trades: pd.DataFrame, starting_cash: float,
                    risk_free_rate: float = 0.0, periods_per_year: int = 252) -> dict:
    """Every headline number of a run, JSON-ready (None where undefined)."""
    r = returns.to_numpy(dtype=float)
    c = cagr(r, periods_per_year)
    mdd = max_drawdown(r)
    out = {
        "start": str(returns.index[0].date()),
        "end": str(returns.index[-1].date()),
        "bars": len(r),
        "starting_cash": starting_cash,
        "final_equity": starting_cash * (1.0 + total_return(r)),
        "total_return": total_return(r),
        "cagr": c,
        "annual_volatility": annual_volatility(r, periods_per_year),
        "sharpe": sharpe(r, risk_free_rate, periods_per_year),
        "sortino": sortino(r, risk_free_rate, periods_per_year),
        "max_drawdown": mdd,
        "calmar": c / abs(mdd) if mdd < 0 else float("nan"),
        "exposure": float(in_market.to_numpy(dtype=bool).mean()),
        "open_trades": int((trades["status"] == "open").sum()) if len(trades) else 0,
    }
    out = {k: (_clean(v) if isinstance(v, float) else v) for k, v in out.items()}
    out.update(trade_stats(trades))
    return out
