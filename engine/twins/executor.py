"""Twins stage: a sweep executor that screens variants with the twins, handing the rest to Backtrader.

The twins' plug-in point: engine.sweep.screen wraps the sweep's executor in one and calls it; the twins
never import the sweep. Same contract as engine.sweep.executors (bars once, tasks in, VariantResults out),
so the sweep's table, deflated Sharpe, PBO and walk-forward consume screened numbers without knowing where
they came from. A variant whose strategy has no twin, or whose broker the twins cannot reproduce, runs on
the fallback executor, and `notes` says which and why: never a silent difference.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from rtybt.engine.run.variants import Task, VariantResult
from rtybt.engine.twins import get_planner
from rtybt.engine.twins.bars import BarArrays
from rtybt.engine.twins.confirm import Confirmation, confirm_top
from rtybt.engine.twins.run import run_twin, twin_reason


class TwinExecutor:
    def __init__(self, fallback):
        self.fallback = fallback
        self.name = f"twins (vectorised screen; Backtrader fallback: {fallback.name})"
        self.notes: list[str] = []
        self.screened: set[str] = set()  # config hashes whose numbers come from a twin

    def run(self, frame: pd.DataFrame, tasks: list[Task]) -> Iterator[VariantResult]:
        fallback: list[Task] = []
        shared: dict[tuple, tuple[BarArrays, object]] = {}  # (lo, hi, strategy) -> bars and a planner
        for task in tasks:
            reason = twin_reason(task.config)
            if reason:
                if reason not in self.notes:
                    self.notes.append(reason)
                fallback.append(task)
                continue
            key = (task.lo, task.hi, task.config.strategy.name)
            if key not in shared:
                bars = BarArrays.from_frame(frame.iloc[task.lo : task.hi])
                shared[key] = (bars, get_planner(task.config.strategy.name)(bars))
            bars, planner = shared[key]
            result = run_twin(task.config, frame.iloc[task.lo : task.hi], bars, planner)
            self.screened.add(task.config_hash)
            yield VariantResult(task.config_hash, task.lo, task.hi, result.metrics, result.returns)
        if fallback:
            yield from self.fallback.run(frame, fallback)

    def confirm(self, outcome, frame: pd.DataFrame, top: int) -> Confirmation:
        """Backtrader re-runs of the outcome's `top` best variants, each twin-screened one held to parity."""
        return confirm_top(outcome, frame, top, self.screened)
