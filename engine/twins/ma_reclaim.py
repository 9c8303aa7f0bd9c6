"""Twins stage: ma_reclaim vectorised (strategies/ma_reclaim.py): the reclaim of an SMA held for hold_bars closes."""

from __future__ import annotations

from bisect import bisect_left

import numpy as np

from rtybt.engine.analysis.indicators import exact_sma, run_length
from rtybt.engine.twins.bars import BarArrays
from rtybt.engine.twins.params import TwinParams
from rtybt.engine.twins.simulate import Plan


def first_bar(ma_period: int, hold_bars: int, below_ma_period: int | None = None) -> int:
    # Reclaim reads above(-hold_bars), and above needs SMA(ma_period): next() first runs on that bar,
    # or once the trend filter's SMA has its window, whichever is later.
    return max(ma_period - 1 + hold_bars, (below_ma_period or 0) - 1)


def stop_exit(close: np.ndarray, exits: np.ndarray, stop_pct: float):
    """exit_rule: the first close below the SMA or below the entry fill price less stop_pct percent."""
    n = len(close)
    exits = exits.tolist()
    factor = 1.0 - stop_pct / 100.0

    def rule(signal_bar: int, fill_bar: int, fill_price: float) -> int | None:
        j = bisect_left(exits, fill_bar)
        ma_exit = exits[j] if j < len(exits) else n
        stopped = np.flatnonzero(close[fill_bar:ma_exit] < fill_price * factor)
        if len(stopped):
            return fill_bar + int(stopped[0])
        return ma_exit if ma_exit < n else None

    return rule


class MaReclaimLines:
    """Everything one ma_period shares across hold_bars: the SMA's run of closes above it and the exit bars."""

    def __init__(self, bars: BarArrays, ma_period: int):
        self.bars = bars
        self.ma_period = ma_period
        ma = exact_sma(bars.close, ma_period)
        with np.errstate(invalid="ignore"):
            self.run = run_length(bars.close > ma)
            below = bars.close < ma
        # Shared by every hold_bars; the trade loop never looks before first_bar, so nothing is trimmed.
        self.below_bars = np.flatnonzero(below)

    def plan(self, hold_bars: int, below_ma_period: int | None = None, stop_pct: float | None = None) -> Plan:
        # Exactly hold_bars closes above after one at or below: the run length equals hold_bars.
        entries = self.run == hold_bars
        if below_ma_period:
            with np.errstate(invalid="ignore"):
                entries &= self.bars.close < exact_sma(self.bars.close, below_ma_period)
        rule = stop_exit(self.bars.close, self.below_bars, stop_pct) if stop_pct is not None else None
        return Plan(
            first_bar=first_bar(self.ma_period, hold_bars, below_ma_period),
            entry_bars=np.flatnonzero(entries),
            exit_bars=self.below_bars,
            exit_rule=rule,
        )


class Planner:
    """Plans for many variants over the same bars: one MaReclaimLines per ma_period."""

    strategy = "ma_reclaim"
    reads = ("ma_period", "hold_bars", "below_ma_period", "stop_pct")
    inert: dict[str, str] = {}

    def __init__(self, bars: BarArrays):
        self.bars = bars
        self._lines: dict[int, MaReclaimLines] = {}

    def plan(self, p: TwinParams) -> Plan:
        period = int(p.ma_period)
        lines = self._lines.get(period)
        if lines is None:
            lines = self._lines[period] = MaReclaimLines(self.bars, period)
        return lines.plan(int(p.hold_bars), p.below_ma_period, p.stop_pct)
