"""Analysis stage: the one list of metric keys a run reports, each with the label and number format every page uses.

Lists of metrics elsewhere (the sweep table, the regress record, the terminal summary) are selections made
with `metric_keys`, so a misspelt or retired key fails where it is written, not as a silent blank column.
"""

from __future__ import annotations

# key -> (label, format kind of engine.core.numbers), in the order engine.analysis.metrics.compute_metrics builds them.
METRICS: dict[str, tuple[str, str]] = {
    "bars": ("bars", "int"),
    "starting_cash": ("starting cash", "usd"),
    "final_equity": ("final equity", "usd"),
    "total_return": ("total return", "pct"),
    "cagr": ("CAGR", "pct"),
    "annual_volatility": ("annual volatility", "pct"),
    "sharpe": ("Sharpe", "num"),
    "sortino": ("Sortino", "num"),
    "max_drawdown": ("max drawdown", "pct"),
    "calmar": ("Calmar", "num"),
    "exposure": ("exposure", "pct"),
    "open_trades": ("open trades", "int"),
    "trades": ("trades", "int"),
    "win_rate": ("win rate", "pct"),
    "profit_factor": ("profit factor", "num"),
    "avg_trade_return": ("avg trade", "pct"),
    "avg_bars_held": ("avg bars held", "num1"),
    "best_trade_return": ("best trade", "pct"),
    "worst_trade_return": ("worst trade", "pct"),
    "orders_refused": ("orders refused", "int"),  # added by the run (and the twins) after compute_metrics
    "signals_not_ordered": ("signals not ordered", "int"),  # added by the run (engine/run/__init__.py)
}


def metric_keys(*names: str) -> tuple[str, ...]:
    """A selection of METRICS in the order given; a name that is not a metric is a programming error."""
    unknown = [name for name in names if name not in METRICS]
    if unknown:
        raise KeyError(f"not metric keys: {', '.join(unknown)} (engine/analysis/metric_keys.py lists them)")
    return names


def metric_rows(*names: str) -> list[tuple[str, str, str]]:
    """(label, key, kind) for each selected metric: the rows of a terminal table."""
    return [(METRICS[key][0], key, METRICS[key][1]) for key in metric_keys(*names)]


# The run's summary (the terminal table and `rtybt run --json`): strategy and buy-and-hold alike.
SUMMARY = metric_keys("total_return", "cagr", "sharpe", "sortino", "max_drawdown", "calmar", "exposure", "trades",
                      "win_rate", "profit_factor", "avg_trade_return", "avg_bars_held", "final_equity")
# Only the strategy's signals can fail to become orders (buy & hold buys once, its warnings say so).
STRATEGY_SUMMARY = metric_keys(*SUMMARY, "orders_refused", "signals_not_ordered")
