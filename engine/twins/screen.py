"""Twins stage: screen a whole parameter grid with a twin: per-variant headline metrics, no per-bar Python loop."""

from __future__ import annotations

import math

import numpy as np

from rtybt.engine.analysis.metric_keys import metric_keys
from rtybt.engine.config import RunConfig
from rtybt.engine.twins import get_planner
from rtybt.engine.twins.bars import BarArrays
from rtybt.engine.twins.costs import cost_model
from rtybt.engine.twins.params import twin_params
from rtybt.engine.twins.simulate import TwinRun, equity_curve, simulate

# The numbers a screen reports per variant (the same formulas as engine.analysis.metrics.compute_metrics).
SCREEN_METRICS = metric_keys("total_return", "cagr", "sharpe", "sortino", "max_drawdown", "exposure", "trades",
                             "win_rate")


def variant_metrics(run: TwinRun, equity: np.ndarray, cash0: float, risk_free_rate: float,
                    periods_per_year: int) -> dict:
    """rtybt.engine.analysis.metrics' formulas, arranged to pass over the equity curve as few times as possible
    (equal to compute_metrics within rounding: tests/engine/twins/test_screen.py)."""
    n = len(equity)
    r = np.empty(n)
    r[0] = equity[0] / cash0
    np.divide(equity[1:], equity[:-1], out=r[1:])
    r -= 1.0
    if risk_free_rate:
        r -= risk_free_rate / periods_per_year
    growth = equity[-1] / cash0
    years = n / periods_per_year
    mean = r.sum() / n
    dev = r - mean
    sd = math.sqrt(dev.dot(dev) / (n - 1)) if n > 1 else float("nan")
    np.minimum(r, 0.0, out=dev)
    downside = math.sqrt(dev.dot(dev) / n) * math.sqrt(periods_per_year)
    peak = np.maximum.accumulate(equity)
    mdd = float(min((equity / np.maximum(peak, cash0)).min() - 1.0, 0.0)) if n else float("nan")
    trades = run.trades
    closed = [t for t in trades if t[3] >= 0]
    wins = sum(1 for t in closed if (t[4] - t[1]) * t[2] - t[5] > 0)
    held = sum(t[3] - t[0] for t in closed) + sum(n - t[0] - 1 for t in trades if t[3] < 0)
    return {
        "total_return": growth - 1.0,
        "cagr": growth ** (1.0 / years) - 1.0 if growth > 0 else -1.0,
        "sharpe": mean / sd * math.sqrt(periods_per_year) if sd > 0 else float("nan"),
        "sortino": mean * periods_per_year / downside if downside > 0 else float("nan"),
        "max_drawdown": mdd,
        "exposure": held / n,
        "trades": len(closed),
        "win_rate": wins / len(closed) if closed else None,
        "orders_refused": len(run.refused),
    }


def screen(config: RunConfig, bars: BarArrays, variants: list[dict]) -> list[dict]:
    """Metrics of every variant (each a full params dict of config's strategy), in the given order.

    The caller has checked twin_reason(config) is None (a twin exists and the broker is reproducible).
    """
    planner_type = get_planner(config.strategy.name)
    planner = planner_type(bars)
    costs = cost_model(config)
    ann = config.analysis
    out = []
    for params in variants:
        run = simulate(bars, planner.plan(twin_params(planner_type, params)), costs)
        equity = equity_curve(bars, run, costs)
        out.append(variant_metrics(run, equity, costs.cash, ann.risk_free_rate, ann.periods_per_year))
    return out
