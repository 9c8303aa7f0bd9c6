"""Twins stage: golden_cross vectorised (strategies/golden_cross.py): SMA(fast) crossing SMA(slow) and back."""

from __future__ import annotations

import numpy as np

from rtybt.engine.analysis.indicators import cross_above, cross_below, exact_at, exact_sma
from rtybt.engine.twins.bars import BarArrays
from rtybt.engine.twins.params import TwinParams
from rtybt.engine.twins.simulate import Plan


class Planner:
    strategy = "golden_cross"
    reads = ("fast_period", "slow_period")
    inert: dict[str, str] = {}

    def __init__(self, bars: BarArrays):
        self.bars = bars
        self._sma: dict[int, np.ndarray] = {}

    def _ma(self, period: int) -> np.ndarray:
        if period not in self._sma:
            self._sma[period] = exact_sma(self.bars.close, period)
        return self._sma[period]

    def plan(self, p: TwinParams) -> Plan:
        fast_p, slow_p = int(p.fast_period), int(p.slow_period)
        close = self.bars.close
        fast, slow = self._ma(fast_p).copy(), self._ma(slow_p).copy()
        # Two rounded means a hair apart could compare the other way round than Backtrader's exact sums.
        with np.errstate(invalid="ignore"):
            near = np.flatnonzero(np.abs(fast - slow) <= 1e-9 * np.abs(slow))
        exact_at(close, fast_p, fast, near)
        exact_at(close, slow_p, slow, near)
        # CrossAbove reads both SMAs one bar back: next() first runs on bar slow_period.
        return Plan(
            first_bar=slow_p,
            entry_bars=np.flatnonzero(cross_above(fast, slow)),
            exit_bars=np.flatnonzero(cross_below(fast, slow)),
        )
