"""Walk-forward stage: each in-sample window picks the best variant; the next out-of-sample window trades it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from engine.analysis.metrics import sharpe
from engine.sweep.evaluate import Task
from engine.sweep.executors import Executor
from engine.sweep.grid import Variant
from engine.sweep.runner import rank_by
from engine.sweep.spec import WalkForwardConfig


@dataclass
class Window:
    is_lo: int
    is_hi: int  # exclusive: the first out-of-sample bar
    oos_hi: int  # exclusive


@dataclass
class WalkForwardResult:
    windows: pd.DataFrame  # one row per window: dates, chosen params, IS and OOS Sharpe
    oos_returns: pd.Series  # stitched out-of-sample daily returns


def make_windows(n_bars: int, settings: WalkForwardConfig) -> list[Window]:
    out, start = [], 0
    while start + settings.train_bars + settings.test_bars <= n_bars:
        is_lo = 0 if settings.anchored else start
        is_hi = start + settings.train_bars
        out.append(Window(is_lo, is_hi, is_hi + settings.test_bars))
        start += settings.test_bars
    return out


def walk_forward(variants: list[Variant], frame: pd.DataFrame, executor: Executor, settings: WalkForwardConfig,
                 periods_per_year: int = 252, risk_free_rate: float = 0.0) -> WalkForwardResult:
    """In-sample choices see rows is_lo:is_hi only; the out-of-sample run sees rows up to its window's end,
    and only its out-of-sample dates are kept (the earlier rows warm its indicators up)."""
    windows = make_windows(len(frame), settings)
    if not windows:
        from engine.errors import ConfigError

        raise ConfigError(f"walkforward: {len(frame)} bars are fewer than train_bars + test_bars "
                          f"({settings.train_bars} + {settings.test_bars})")
    tasks = [Task(v.config, v.config_hash, w.is_lo, w.is_hi) for w in windows for v in variants]
    found = {(r.config_hash, r.lo, r.hi): r for r in executor.run(frame, tasks)}
    chosen: list[tuple[Window, Variant, dict]] = []
    for w in windows:
        table = pd.DataFrame([found[(v.config_hash, w.is_lo, w.is_hi)].metrics for v in variants])
        best = int(np.argmin(rank_by(table, settings.metric)))
        chosen.append((w, variants[best], found[(variants[best].config_hash, w.is_lo, w.is_hi)].metrics))
    oos_tasks = [Task(v.config, v.config_hash, w.is_lo, w.oos_hi) for w, v, _ in chosen]
    oos = {(r.config_hash, r.lo, r.hi): r for r in executor.run(frame, oos_tasks)}
    rows, pieces = [], []
    for w, v, is_metrics in chosen:
        returns = oos[(v.config_hash, w.is_lo, w.oos_hi)].returns
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
    return WalkForwardResult(pd.DataFrame(rows), pd.concat(pieces).rename("returns"))
