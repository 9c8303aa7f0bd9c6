"""Twins stage: one config + bars -> the twin's trades, equity and metrics, shaped like engine.run's RunResult."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from rtybt.engine.analysis.metrics import compute_metrics
from rtybt.engine.config import RunConfig
from rtybt.engine.run.trades import TRADE_COLUMNS
from rtybt.engine.twins import get_planner, get_twin
from rtybt.engine.twins.bars import BarArrays
from rtybt.engine.twins.costs import cost_model, unsupported_reason
from rtybt.engine.twins.params import decline_reason, twin_params
from rtybt.engine.twins.simulate import TwinRun, equity_curve, simulate


class NoTwin(Exception):
    """The config cannot be reproduced by a twin; the message says why (the caller falls back to Backtrader)."""


@dataclass
class TwinResult:
    equity: pd.Series
    returns: pd.Series
    trades: pd.DataFrame
    metrics: dict
    refused: list[tuple[int, int, float]] = field(default_factory=list)


def twin_reason(config: RunConfig) -> str | None:
    """None if a twin reproduces this config; otherwise the note to show before falling back."""
    name = config.strategy.name
    if config.strategy.file is not None:
        return f"{name} is a strategy from a file ({config.strategy.file}) with no vectorised twin: screened by Backtrader"
    planner = get_planner(name)
    if planner is None:
        return f"{name} has no vectorised twin: screened by Backtrader"
    reason = decline_reason(planner, config.strategy.params) or unsupported_reason(config)
    return f"{name}: {reason}: screened by Backtrader" if reason else None


def simulate_config(config: RunConfig, bars: BarArrays, planner=None) -> tuple[TwinRun, np.ndarray]:
    """The twin's trades and equity; `planner` (engine.twins.get_planner(name)(bars)) shares indicators
    across the variants of a grid."""
    reason = twin_reason(config)
    if reason:
        raise NoTwin(reason)
    costs = cost_model(config)
    params = config.strategy.params
    plan = planner.plan(twin_params(type(planner), params)) if planner else get_twin(config.strategy.name)(bars, params)
    run = simulate(bars, plan, costs)
    return run, equity_curve(bars, run, costs)


def trades_frame(bars: BarArrays, run: TwinRun) -> pd.DataFrame:
    """The twin's trades with engine.run.trades' columns (an open position is marked to the last close)."""
    dates = bars.index.date
    rows = []
    for k in range(len(run.entry_bar)):
        is_open = run.exit_signal[k] < 0
        size, p_in, p_out = run.size[k], run.entry_price[k], run.exit_price[k]
        pnl = (p_out - p_in) * size
        pnl_net = pnl - run.commission[k]
        rows.append({
            "status": "open" if is_open else "closed",
            "direction": "long",
            "entry_signal_date": dates[run.entry_signal[k]],
            "entry_date": dates[run.entry_bar[k]],
            "entry_price": p_in,
            "exit_signal_date": None if is_open else dates[run.exit_signal[k]],
            "exit_date": None if is_open else dates[run.exit_bar[k]],
            "exit_price": np.nan if is_open else p_out,
            "size": size,
            "pnl": pnl,
            "commission": run.commission[k],
            "pnl_net": pnl_net,
            "return_pct": pnl_net / (p_in * size),
            "bars_held": run.exit_bar[k] - run.entry_bar[k],
        })
    return pd.DataFrame(rows, columns=TRADE_COLUMNS)


def run_twin(config: RunConfig, frame: pd.DataFrame, bars: BarArrays | None = None, planner=None) -> TwinResult:
    """The twin's full result for one config (raises NoTwin when it has to be Backtrader)."""
    bars = bars or BarArrays.from_frame(frame)
    run, equity = simulate_config(config, bars, planner)
    cash0 = config.broker.cash
    equity_s = pd.Series(equity, index=bars.index, name="equity")
    prev = np.concatenate(([cash0], equity[:-1]))
    returns = pd.Series(equity / prev - 1.0, index=bars.index, name="returns")
    trades = trades_frame(bars, run)
    in_market = np.zeros(bars.n, dtype=bool)
    for f, g, x in zip(run.entry_bar, run.exit_bar, run.exit_signal, strict=True):
        in_market[f : (g if x >= 0 else bars.n)] = True
    ann = config.analysis
    metrics = compute_metrics(
        returns, pd.Series(in_market, index=bars.index), trades, cash0, ann.risk_free_rate, ann.periods_per_year
    )
    metrics["orders_refused"] = len(run.refused)
    return TwinResult(equity=equity_s, returns=returns, trades=trades, metrics=metrics, refused=run.refused)
