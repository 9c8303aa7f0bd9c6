"""Regression stage: one config's run -> a baseline record (JSON-ready, in a fixed key order)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from rtybt.engine.analysis.metric_keys import metric_keys

SCHEMA = 1
# 12 significant digits: a rounding error of at most 5e-12 relative, far inside the 1e-9 tolerance,
# while a float64's last digits (which differ between equally correct builds) stay out of the file.
RETURN_DIGITS = 12
METRIC_KEYS = metric_keys(
    "total_return", "cagr", "sharpe", "sortino", "max_drawdown", "exposure", "final_equity",
    "trades", "open_trades", "orders_refused", "bars",
)
BENCHMARK_KEYS = metric_keys("total_return", "cagr", "sharpe", "max_drawdown", "exposure", "final_equity")
# Counts and dates are compared exactly; everything else in a record under a tolerance.
EXACT_METRICS = frozenset({"trades", "open_trades", "orders_refused", "bars"})
TRADE_COLUMNS = (
    "status", "direction", "entry_signal_date", "entry_date", "entry_price", "exit_signal_date",
    "exit_date", "exit_price", "size", "pnl", "commission", "pnl_net", "return_pct", "bars_held",
)
EXACT_TRADE_COLUMNS = frozenset(
    {"status", "direction", "entry_signal_date", "entry_date", "exit_signal_date", "exit_date", "bars_held"}
)


def resolved_config(config) -> dict:
    """The config as hashed by RunConfig.config_hash (no output or report settings, no data folder)."""
    return config.backtest_payload()


def data_entry(role: str, bars) -> dict:
    return {
        "role": role,
        "symbol": bars.symbol,
        "file": bars.path.name,
        "sha256": bars.sha256,
        "first_date": str(bars.first_date),
        "last_date": str(bars.last_date),
        "rows": len(bars.frame),
    }


def _number(value: Any) -> Any:
    """JSON-ready scalar: NaN/inf -> None, numpy scalars -> Python, dates -> ISO text."""
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return value if math.isfinite(value) else None
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    if pd.isna(value):
        return None
    return str(value)


def trade_rows(trades: pd.DataFrame) -> list[list]:
    return [[_number(row[c]) for c in TRADE_COLUMNS] for row in trades.to_dict("records")]


def _g(value: float) -> str:
    return format(float(value), f".{RETURN_DIGITS}g")


def encode_returns(returns: pd.Series) -> dict:
    """The daily return series, one line per calendar year (so a diff points at the year that moved)."""
    years = {}
    for year, chunk in returns.groupby(returns.index.year, sort=True):
        values = chunk.to_numpy(dtype=float)
        years[str(year)] = {
            "first": str(chunk.index[0].date()),
            "last": str(chunk.index[-1].date()),
            "bars": len(values),
            "compound": float(_g(np.prod(1.0 + values) - 1.0)),
            "values": " ".join(_g(v) for v in values),
        }
    return {
        "digits": RETURN_DIGITS,
        "first": str(returns.index[0].date()),
        "last": str(returns.index[-1].date()),
        "bars": len(returns),
        "years": years,
    }


def decode_year(block: dict) -> np.ndarray:
    text = block["values"].strip()
    return np.array([float(v) for v in text.split()], dtype=float) if text else np.empty(0)


def make_record(config_path: str, config, result, bars, bench, versions: dict) -> dict:
    """Everything a baseline pins, from one run (no timing, no paths: the same run gives the same record)."""
    data = [data_entry("traded", bars)]
    if bench is not None and bench is not bars:
        data.append(data_entry("benchmark", bench))
    record = {
        "schema": SCHEMA,
        "config": config_path,
        "name": config.name,
        "config_hash": config.config_hash(),
        "resolved_config": resolved_config(config),
        "versions": versions,
        "data": data,
        "metrics": {k: _number(result.metrics.get(k)) for k in METRIC_KEYS},
        "benchmark": None,
        "trade_columns": list(TRADE_COLUMNS),
        "trades": trade_rows(result.trades),
        "returns": encode_returns(result.returns),
    }
    if result.benchmark_metrics is not None:
        record["benchmark"] = {
            "symbol": result.benchmark_symbol,
            "metrics": {k: _number(result.benchmark_metrics.get(k)) for k in BENCHMARK_KEYS},
        }
    return record
