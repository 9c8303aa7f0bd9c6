"""Twins stage: rsi_momentum vectorised (strategies/rsi_momentum.py): Wilder's RSI crossing into momentum."""

from __future__ import annotations

import numpy as np

from rtybt.engine.analysis.indicators import cross_above, exact_rsi, exact_sma
from rtybt.engine.twins.bars import BarArrays
from rtybt.engine.twins.params import TwinParams
from rtybt.engine.twins.simulate import Plan


class Planner:
    strategy = "rsi_momentum"
    reads = ("rsi_period", "rsi_min", "rsi_bullish", "slope_bars", "rsi_exit", "exit_ma_period")
    inert: dict[str, str] = {}

    def __init__(self, bars: BarArrays):
        self.bars = bars
        self._rsi: dict[int, np.ndarray] = {}
        self._below: dict[int, np.ndarray] = {}

    def plan(self, p: TwinParams) -> Plan:
        period, slope = int(p.rsi_period), int(p.slope_bars)
        exit_ma = int(p.exit_ma_period)
        if period not in self._rsi:
            self._rsi[period] = exact_rsi(self.bars.close, period)
        if exit_ma not in self._below:
            with np.errstate(invalid="ignore"):
                self._below[exit_ma] = self.bars.close < exact_sma(self.bars.close, exit_ma)
        rsi = self._rsi[period]
        with np.errstate(invalid="ignore"):
            entries = cross_above(rsi, float(p.rsi_min)) & ~(rsi > float(p.rsi_bullish))
            if slope:
                rising = np.zeros(len(rsi), dtype=bool)
                rising[slope:] = rsi[slope:] > rsi[:-slope]
                entries &= rising
            exits = (rsi < float(p.rsi_exit)) | self._below[exit_ma]
        # RSI exists from bar `period`; the cross reads a bar back, the slope `slope` bars back.
        first = max(period + 1, period + slope, exit_ma - 1)
        return Plan(first_bar=first, entry_bars=np.flatnonzero(entries), exit_bars=np.flatnonzero(exits))
