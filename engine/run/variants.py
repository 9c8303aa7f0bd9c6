"""Run stage: one variant task (a config on rows lo:hi of preloaded bars) -> its metrics and daily returns; the contract every executor honours."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from rtybt.engine.config import RunConfig

# What every worker holds: one symbol's bars (sweeps, walk-forward), or {symbol: bars} (a study across markets).
Frames = pd.DataFrame | dict[str, pd.DataFrame]


@dataclass(frozen=True)
class Task:
    """Run `config` on rows lo:hi of the bars every worker already holds."""

    config: RunConfig
    config_hash: str
    lo: int = 0
    hi: int | None = None
    frame_key: str | None = None  # a study hands workers {symbol: bars}: the symbol this task runs on
    source: str = ""  # what an error names: the config file and the variant or window


@dataclass
class VariantResult:
    config_hash: str
    lo: int
    hi: int | None
    metrics: dict
    returns: pd.Series
    # Dates whose close met the entry condition; None when the executor does not know them (a vectorised twin).
    setups: list | None = None


def evaluate(frame: Frames, task: Task) -> VariantResult:
    """The same engine call as `rtybt run` (so a sweep row equals that run's metrics), minus what the
    table does not need: no benchmark pass, no plots, no files; Cerebro runs with stdstats=False."""
    from rtybt.engine.core.errors import StrategyError
    from rtybt.engine.run import run_backtest

    bars = (frame if task.frame_key is None else frame[task.frame_key]).iloc[task.lo : task.hi]
    try:
        result = run_backtest(task.config, bars, None)
    except (IndexError, StrategyError) as exc:
        # As in `rtybt run`: Backtrader's indicators crash when a look-back outgrows the bars; say which did.
        # A task without a source is named by its caller (a study names the market).
        if task.source and isinstance(exc.__cause__ if isinstance(exc, StrategyError) else exc, IndexError):
            from rtybt.engine.run.preflight import check_params_fit_bars

            check_params_fit_bars(task.config.strategy.name, task.config.strategy.params, bars, task.source,
                                  task.config.strategy.file)
        raise
    return VariantResult(task.config_hash, task.lo, task.hi, result.metrics, result.returns, result.setups)


# -- process-pool workers: the bars arrive once per worker, through the pool initializer --
_WORKER_FRAME: Frames | None = None


def init_worker(frame: Frames) -> None:
    import signal

    global _WORKER_FRAME
    _WORKER_FRAME = frame
    # Ctrl-C is the parent's to handle: it cancels what is queued and keeps what finished.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    import backtrader  # noqa: F401  (import cost paid once per worker, not in the first variant)


def evaluate_in_worker(task: Task) -> VariantResult:
    if _WORKER_FRAME is None:
        raise RuntimeError("worker was not initialised with bars")
    return evaluate(_WORKER_FRAME, task)
