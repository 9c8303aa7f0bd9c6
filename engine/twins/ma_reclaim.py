"""Twins stage: ma_reclaim vectorised (strategies/ma_reclaim.py): the reclaim of an SMA held for hold_bars closes."""

from __future__ import annotations

import numpy as np

from engine.twins.bars import BarArrays
from engine.twins.indicators import run_length, sma
from engine.twins.simulate import Plan


def first_bar(ma_period: int, hold_bars: int) -> int:
    # Reclaim reads above(-hold_bars), and above needs SMA(ma_period): next() first runs on that bar.
    return ma_period - 1 + hold_bars


class MaReclaimLines:
    """Everything one ma_period shares across hold_bars: the SMA's run of closes above it and the exit bars."""

    def __init__(self, bars: BarArrays, ma_period: int):
        self.ma_period = ma_period
        self.n = bars.n
        ma = sma(bars.close, ma_period)
        with np.errstate(invalid="ignore"):
            self.run = run_length(bars.close > ma)
            below = bars.close < ma
        # Shared by every hold_bars; the trade loop never looks before first_bar, so nothing is trimmed.
        self.below_bars = np.flatnonzero(below).tolist()

    def plan(self, hold_bars: int) -> Plan:
        # Exactly hold_bars closes above after one at or below: the run length equals hold_bars.
        return Plan(
            first_bar=first_bar(self.ma_period, hold_bars),
            entry_bars=np.flatnonzero(self.run == hold_bars).tolist(),
            exit_bars=self.below_bars,
        )


def plan(bars: BarArrays, params: dict) -> Plan:
    return MaReclaimLines(bars, int(params["ma_period"])).plan(int(params["hold_bars"]))
