"""Twins stage: screen a whole parameter grid with a twin: per-variant headline metrics, no per-bar Python loop."""

from __future__ import annotations

import numpy as np

from engine.analysis.metrics import cagr, max_drawdown, sharpe, sortino, total_return
from engine.config import RunConfig
from engine.twins import get_planner
from engine.twins.bars import BarArrays
from engine.twins.costs import cost_model
from engine.twins.simulate import TwinRun, equity_curve, simulate

# The numbers a screen reports per variant (the same formulas as engine.analysis.metrics.compute_metrics).
SCREEN_METRICS = ("total_return", "cagr", "sharpe", "sortino", "max_drawdown", "exposure", "trades", "win_rate")


def variant_metrics(run: TwinRun, equity: np.ndarray, cash0: float, risk_free_rate: float,
                    periods_per_year: int) -> dict:
    prev = np.empty_like(equity)
    prev[0] = cash0
    prev[1:] = equity[:-1]
    r = equity / prev - 1.0
    n = len(equity)
    trades = run.trades
    closed = [t for t in trades if t[3] >= 0]
    wins = sum(1 for t in closed if (t[4] - t[1]) * t[2] - t[5] > 0)
    held = sum(t[3] + 1 - t[0] - 1 for t in closed) + sum(n - t[0] - 1 for t in trades if t[3] < 0)
    return {
        "total_return": total_return(r),
        "cagr": cagr(r, periods_per_year),
        "sharpe": sharpe(r, risk_free_rate, periods_per_year),
        "sortino": sortino(r, risk_free_rate, periods_per_year),
        "max_drawdown": max_drawdown(r),
        "exposure": held / n,
        "trades": len(closed),
        "win_rate": wins / len(closed) if closed else None,
        "orders_refused": len(run.refused),
    }


def screen(config: RunConfig, bars: BarArrays, variants: list[dict]) -> list[dict]:
    """Metrics of every variant (each a full params dict of config's strategy), in the given order.

    The caller has checked twin_reason(config) is None (a twin exists and the broker is reproducible).
    """
    planner = get_planner(config.strategy.name)(bars)
    costs = cost_model(config)
    ann = config.analysis
    out = []
    for params in variants:
        run = simulate(bars, planner.plan(params), costs)
        equity = equity_curve(bars, run, costs)
        out.append(variant_metrics(run, equity, costs.cash, ann.risk_free_rate, ann.periods_per_year))
    return out
