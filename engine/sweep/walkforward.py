"""Walk-forward stage: each in-sample window picks the best variant; the next out-of-sample window trades it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from rtybt.engine.analysis.metrics import sharpe
from rtybt.engine.config.sections import WalkForwardConfig
from rtybt.engine.run.variants import Task
from rtybt.engine.sweep.executors import Executor
from rtybt.engine.sweep.grid import Variant
from rtybt.engine.sweep.runner import Progress, rank_by, run_tasks, task_key, variant_source
from rtybt.engine.sweep.store import VariantStore


@dataclass
class Window:
    is_lo: int
    is_hi: int  # exclusive: the first out-of-sample bar
    oos_hi: int  # exclusive


@dataclass
class WalkForwardResult:
    windows: pd.DataFrame  # one row per window: dates, chosen params, IS and OOS Sharpe
    oos_returns: pd.Series  # stitched out-of-sample daily returns
    computed: int = 0  # backtests run now
    reused: int = 0  # backtests read back from the variant store (--resume)


def make_windows(n_bars: int, settings: WalkForwardConfig) -> list[Window]:
    out, start = [], 0
    while start + settings.train_bars + settings.test_bars <= n_bars:
        is_lo = 0 if settings.anchored else start
        is_hi = start + settings.train_bars
        out.append(Window(is_lo, is_hi, is_hi + settings.test_bars))
        start += settings.test_bars
    return out


def walk_forward(variants: list[Variant], frame: pd.DataFrame, executor: Executor, settings: WalkForwardConfig,
                 periods_per_year: int = 252, risk_free_rate: float = 0.0, store: VariantStore | None = None,
                 resume: bool = False, on_progress: Progress | None = None, source: str = "") -> WalkForwardResult:
    """In-sample choices see rows is_lo:is_hi only; the out-of-sample run sees rows up to its window's end,
    and only its out-of-sample dates are kept (the earlier rows warm its indicators up). Every backtest is
    stored as it finishes, keyed by config hash and row window, so `resume` redoes only what is missing."""
    windows = make_windows(len(frame), settings)
    if not windows:
        from rtybt.engine.core.errors import ConfigError

        where = f"{source}: " if source else ""
        raise ConfigError(f"{where}walkforward.train_bars + walkforward.test_bars: {len(frame)} bars are fewer "
                          f"than {settings.train_bars} + {settings.test_bars}; shorten the windows or widen "
                          "data.start/data.end")
    window = f"walk-forward in-sample window, walkforward.train_bars={settings.train_bars}"
    is_source = {v.config_hash: f"{variant_source(source, v)[:-1]}, {window})" for v in variants}
    tasks = [Task(v.config, v.config_hash, w.is_lo, w.is_hi, source=is_source[v.config_hash])
             for w in windows for v in variants]
    # One progress bar over both phases: every in-sample backtest, then one out-of-sample run per window.
    total = len(tasks) + len(windows)
    found, reused = run_tasks(tasks, frame, executor, store, resume, on_progress, 0, total)
    chosen: list[tuple[Window, Variant, dict]] = []
    for w in windows:
        in_sample = [Task(v.config, v.config_hash, w.is_lo, w.is_hi) for v in variants]
        table = pd.DataFrame([found[task_key(t)][0] for t in in_sample])
        best = int(np.argmin(rank_by(table, settings.metric)))
        chosen.append((w, variants[best], found[task_key(in_sample[best])][0]))
    oos_tasks = [Task(v.config, v.config_hash, w.is_lo, w.oos_hi, source=variant_source(source, v)) for w, v, _ in chosen]
    oos, oos_reused = run_tasks(oos_tasks, frame, executor, store, resume, on_progress, len(tasks), total)
    rows, pieces = [], []
    for (w, v, is_metrics), task in zip(chosen, oos_tasks, strict=True):
        returns = oos[task_key(task)][1]
        piece = returns[returns.index >= frame.index[w.is_hi]]
        pieces.append(piece)
        rows.append({
            "is_start": str(frame.index[w.is_lo].date()), "is_end": str(frame.index[w.is_hi - 1].date()),
            "oos_start": str(frame.index[w.is_hi].date()), "oos_end": str(frame.index[w.oos_hi - 1].date()),
            "chosen": v.label, **{f"param_{k}": val for k, val in v.swept.items()},
            f"is_{settings.metric}": is_metrics.get(settings.metric), "is_sharpe": is_metrics.get("sharpe"),
            "is_trades": is_metrics.get("trades"),
            "oos_sharpe": sharpe(piece.to_numpy(dtype=float), risk_free_rate, periods_per_year),
            "oos_return": float(np.prod(1.0 + piece.to_numpy(dtype=float)) - 1.0),
            "flag": "few in-sample trades" if (is_metrics.get("trades") or 0) < settings.min_trades else "",
        })
    backtests = len(found) + len(oos)
    return WalkForwardResult(pd.DataFrame(rows), pd.concat(pieces).rename("returns"),
                             backtests - reused - oos_reused, reused + oos_reused)
