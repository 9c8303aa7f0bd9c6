"""Sweep stage: variants in -> table of metrics out (the core every sweep, screen or walk-forward calls)."""

from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from rtybt.engine.analysis.metric_keys import metric_keys
from rtybt.engine.config.sections import RANKABLE
from rtybt.engine.core.progress import Progress
from rtybt.engine.run.variants import Task, VariantResult
from rtybt.engine.sweep.executors import Executor
from rtybt.engine.sweep.grid import Variant
from rtybt.engine.sweep.store import VariantStore

TABLE_METRICS = metric_keys("cagr", "sharpe", "sortino", "max_drawdown", "calmar", "exposure", "trades", "win_rate",
                            "profit_factor", "total_return", "avg_trade_return", "annual_volatility", "final_equity")


@dataclass
class SweepOutcome:
    variants: list[Variant]
    table: pd.DataFrame  # one row per variant, grid order, with `rank` by the chosen metric
    returns: pd.DataFrame  # daily returns, one column per variant (its config hash)
    metrics: dict[str, dict]  # config hash -> the run's full metrics
    computed: int
    reused: int
    executor: str
    # config hash -> setup days, for the variants whose setups are known (Backtrader runs, store entries that hold
    # them); the sweep's report runs only the others again for theirs.
    setups: dict[str, list] = field(default_factory=dict)


def variant_source(source: str, variant: Variant) -> str:
    """How an error about one variant names it: the config file and the swept values."""
    return f"{source} (sweep variant {variant.label})" if source else f"sweep variant {variant.label}"


def task_key(task: Task | VariantResult) -> str:
    """The store key of a task: its config hash, plus its row window when it runs on a slice (walk-forward)."""
    whole = task.lo == 0 and task.hi is None
    return task.config_hash if whole else f"{task.config_hash}.{task.lo}-{task.hi}"


def run_tasks(tasks: list[Task], frame: pd.DataFrame, executor: Executor, store: VariantStore | None = None,
              resume: bool = False, on_progress: Progress | None = None, done_before: int = 0,
              total: int | None = None) -> tuple[dict[str, tuple[dict, pd.Series, list | None]], int]:
    """(metrics, daily returns, setup days or None when unknown) of every task by `task_key`, and how many came
    from the store. With a store each finished task is saved as it completes (a Ctrl-C loses only those running);
    with `resume` stored ones are read back instead of run again. Progress counts from `done_before` up to
    `total` (several phases, one bar)."""
    unique = {task_key(t): t for t in tasks}
    total = done_before + len(unique) if total is None else total
    found: dict[str, tuple[dict, pd.Series, list | None]] = {}
    if store is not None and resume:
        for key in unique:
            hit = store.load_entry(key)
            if hit is not None:
                found[key] = hit
    reused = len(found)
    if on_progress:
        on_progress(done_before + reused, total)
    # closing(): an error or Ctrl-C raised here, outside the executor's generator, must stop its workers now,
    # not when the generator is garbage-collected at exit (after the pool waited for every queued variant).
    with closing(executor.run(frame, [t for key, t in unique.items() if key not in found])) as results:
        for result in results:
            key = task_key(result)
            found[key] = (result.metrics, result.returns, result.setups)
            if store is not None:
                store.save(key, unique[key].config.strategy.params, result.metrics, result.returns, result.setups)
            if on_progress:
                on_progress(done_before + len(found), total)
    return found, reused


def run_variants(variants: list[Variant], frame: pd.DataFrame, executor: Executor,
                 store: VariantStore | None = None, resume: bool = False, metric: str = "sharpe",
                 on_progress: Progress | None = None, source: str = "") -> SweepOutcome:
    """Run every variant over the whole of `frame` (see `run_tasks` for the store and resume)."""
    tasks = [Task(v.config, v.config_hash, source=variant_source(source, v)) for v in variants]
    found, reused = run_tasks(tasks, frame, executor, store, resume, on_progress)
    metrics = {v.config_hash: found[v.config_hash][0] for v in variants}
    table = build_table(variants, metrics, metric)
    frame_returns = pd.DataFrame({v.config_hash: found[v.config_hash][1] for v in variants})
    setups = {v.config_hash: found[v.config_hash][2] for v in variants if found[v.config_hash][2] is not None}
    return SweepOutcome(variants, table, frame_returns, metrics, len(found) - reused, reused, executor.name, setups)


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
