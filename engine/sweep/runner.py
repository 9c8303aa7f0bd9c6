"""Sweep stage: variants in -> table of metrics out (the core every sweep, screen or walk-forward calls)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from engine.sweep.evaluate import Task
from engine.sweep.executors import Executor
from engine.sweep.grid import Variant
from engine.sweep.spec import RANKABLE
from engine.sweep.store import VariantStore

TABLE_METRICS = ["cagr", "sharpe", "sortino", "max_drawdown", "calmar", "exposure", "trades", "win_rate",
                 "profit_factor", "total_return", "avg_trade_return", "annual_volatility", "final_equity"]

Progress = Callable[[int, int], None]


@dataclass
class SweepOutcome:
    variants: list[Variant]
    table: pd.DataFrame  # one row per variant, grid order, with `rank` by the chosen metric
    returns: pd.DataFrame  # daily returns, one column per variant (its config hash)
    metrics: dict[str, dict]  # config hash -> the run's full metrics
    computed: int
    reused: int
    executor: str


def run_variants(variants: list[Variant], frame: pd.DataFrame, executor: Executor,
                 store: VariantStore | None = None, resume: bool = False, metric: str = "sharpe",
                 on_progress: Progress | None = None) -> SweepOutcome:
    """Run every variant over `frame`; with a store each finished variant is saved as it completes,
    and with `resume` the stored ones are read back instead of run again."""
    metrics: dict[str, dict] = {}
    returns: dict[str, pd.Series] = {}
    if store is not None and resume:
        for v in variants:
            hit = store.load(v.config_hash)
            if hit is not None:
                metrics[v.config_hash], returns[v.config_hash] = hit
    reused = len(metrics)
    todo = [Task(v.config, v.config_hash) for v in variants if v.config_hash not in metrics]
    swept = {v.config_hash: v.swept for v in variants}
    total = len(variants)
    if on_progress:
        on_progress(reused, total)
    for result in executor.run(frame, todo):
        metrics[result.config_hash] = result.metrics
        returns[result.config_hash] = result.returns
        if store is not None:
            store.save(result.config_hash, swept[result.config_hash], result.metrics, result.returns)
        if on_progress:
            on_progress(len(metrics), total)
    table = build_table(variants, metrics, metric)
    frame_returns = pd.DataFrame({v.config_hash: returns[v.config_hash] for v in variants})
    return SweepOutcome(variants, table, frame_returns, metrics, len(todo), reused, executor.name)


def build_table(variants: list[Variant], metrics: dict[str, dict], metric: str) -> pd.DataFrame:
    rows = []
    for order, v in enumerate(variants):
        m = metrics[v.config_hash]
        rows.append({"variant": order, "label": v.label, **v.swept, **{k: m.get(k) for k in TABLE_METRICS},
                     "config_hash": v.config_hash})
    table = pd.DataFrame(rows)
    table["rank"] = rank_by(table, metric)
    return table


def rank_by(table: pd.DataFrame, metric: str) -> np.ndarray:
    """1 = best by `metric`; undefined values rank last; ties keep grid order (deterministic)."""
    values = pd.to_numeric(table[metric], errors="coerce").to_numpy(dtype=float)
    key = np.where(np.isnan(values), -np.inf, values if RANKABLE[metric] else -values)
    order = sorted(range(len(values)), key=lambda i: (-key[i], i))
    ranks = np.empty(len(values), dtype=int)
    ranks[order] = np.arange(1, len(values) + 1)
    return ranks
