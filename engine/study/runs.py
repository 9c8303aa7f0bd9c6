"""Study stage: the strategy and buy-and-hold on every symbol -> metrics, returns and setups (sweep executors and store)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from rtybt.engine.config import RunConfig
from rtybt.engine.run.variants import Task
from rtybt.engine.sweep.executors import Executor
from rtybt.engine.sweep.store import VariantStore

Progress = Callable[[int, int], None]
# A study's stored runs carry their setups; the suffix keeps them apart from a sweep's entry of the same config.
KEY_SUFFIX = ".study"


class StudyStore(VariantStore):
    """The sweep's variant store, with each run's setup dates kept beside its metrics."""

    def save_run(self, key: str, params: dict, metrics: dict, returns: pd.Series, setups: list) -> None:
        self.save(key, params, {**metrics, "_setups": [str(d) for d in setups]}, returns)

    def load_run(self, key: str) -> tuple[dict, pd.Series, list] | None:
        """A stored run with its setups; an entry without readable setups is run again, with a note."""
        from rtybt.engine.core.verify import refused

        hit = self.load(key)
        if hit is None:
            return None
        metrics, returns = hit
        try:
            setups = [pd.Timestamp(d).date() for d in metrics.pop("_setups")]
        except (KeyError, TypeError, ValueError):
            refused(f"study store entry {self.path(key)}", "no readable setup dates")
            return None
        return metrics, returns, setups


@dataclass(frozen=True)
class MarketRun:
    """One symbol's backtest (its metrics, daily returns and setups) and its own buy-and-hold."""

    symbol: str
    config: RunConfig
    metrics: dict
    returns: pd.Series
    setups: list
    buy_hold_metrics: dict
    buy_hold_returns: pd.Series | None = None  # for the market page's curve against buy-and-hold


@dataclass(frozen=True)
class _Job:
    symbol: str
    role: str  # "strategy" or "buy_and_hold"
    task: Task
    store: StudyStore


def symbol_config(config: RunConfig, symbol: str) -> RunConfig:
    """The same rules on another symbol, benchmarked against its own buy-and-hold."""
    out = config.model_copy(deep=True)
    out.data.symbol = symbol
    out.benchmark.symbol = None
    return out


def buy_hold_config(config: RunConfig) -> RunConfig:
    """Buy-and-hold with the same broker, costs and sizing: what `rtybt run` reports as the benchmark."""
    out = config.model_copy(deep=True)
    out.strategy.name, out.strategy.params, out.strategy.file = "buy_and_hold", {}, None  # the registered one
    return out


def run_markets(configs: dict[str, RunConfig], frames: dict[str, pd.DataFrame], data_sha: dict[str, str],
                source_sha: dict[str, str], executor: Executor, root: Path, resume: bool = False,
                on_progress: Progress | None = None) -> tuple[dict[str, MarketRun], int, int]:
    """Every symbol's strategy run and buy-and-hold, on `executor` (all symbols' bars go to each worker once).
    Each finished run is stored at once; with `resume` stored runs are read back. `source_sha` maps a
    strategy name to its source's sha256. Returns (runs by symbol, computed, reused)."""
    jobs: dict[str, _Job] = {}
    for symbol, config in configs.items():
        for role, cfg in (("strategy", config), ("buy_and_hold", buy_hold_config(config))):
            config_hash = cfg.config_hash()
            key = config_hash + KEY_SUFFIX
            store = StudyStore(root, data_sha[symbol], source_sha[cfg.strategy.name])
            jobs[key] = _Job(symbol, role, Task(cfg, key, frame_key=symbol), store)
    found: dict[str, tuple[dict, pd.Series, list]] = {}
    if resume:
        for key, job in jobs.items():
            hit = job.store.load_run(key)
            if hit is not None:
                found[key] = hit
    reused = len(found)
    if on_progress:
        on_progress(reused, len(jobs))
    pending = [job.task for key, job in jobs.items() if key not in found]
    for result in executor.run(frames, pending):
        job = jobs[result.config_hash]
        found[result.config_hash] = (result.metrics, result.returns, result.setups)
        job.store.save_run(result.config_hash, job.task.config.strategy.params, result.metrics, result.returns,
                           result.setups)
        if on_progress:
            on_progress(len(found), len(jobs))
    runs = {}
    for symbol, config in configs.items():
        by_role = {job.role: found[key] for key, job in jobs.items() if job.symbol == symbol}
        metrics, returns, setups = by_role["strategy"]
        runs[symbol] = MarketRun(symbol, config, metrics, returns, setups, by_role["buy_and_hold"][0],
                                 by_role["buy_and_hold"][1])
    return runs, len(found) - reused, reused
