"""Twins stage: macd_cross vectorised (strategies/macd_cross.py): the MACD line crossing its signal line."""

from __future__ import annotations

import numpy as np

from rtybt.engine.analysis.indicators import cross_above, cross_below, exact_macd
from rtybt.engine.twins.bars import BarArrays
from rtybt.engine.twins.params import TwinParams
from rtybt.engine.twins.simulate import Plan


class Planner:
    strategy = "macd_cross"
    reads = ("fast_period", "slow_period", "signal_period", "below_zero_only")
    inert: dict[str, str] = {}

    def __init__(self, bars: BarArrays):
        self.bars = bars

    def plan(self, p: TwinParams) -> Plan:
        fast, slow, signal = int(p.fast_period), int(p.slow_period), int(p.signal_period)
        line, sig = exact_macd(self.bars.close, fast, slow, signal)
        entries = cross_above(line, sig)
        if p.below_zero_only:
            entries &= line < 0
        # The signal EMA exists from bar slow + signal - 2; the crossover reads one bar further back.
        return Plan(
            first_bar=slow + signal - 1,
            entry_bars=np.flatnonzero(entries),
            exit_bars=np.flatnonzero(cross_below(line, sig)),
        )
