"""Twins stage: resistance_rejection vectorised (strategies/resistance_rejection.py): the long side with the
note's absolute zone; the short side and the pivot-detected zone stay with Backtrader."""

from __future__ import annotations

import numpy as np

from engine.twins.bars import BarArrays
from engine.twins.indicators import cross_above, cross_below, sma
from engine.twins.simulate import Plan


class Planner:
    def __init__(self, bars: BarArrays):
        self.bars = bars

    @staticmethod
    def unsupported(params: dict) -> str | None:
        if params.get("side") == "short":
            return "side short (short positions) has no vectorised twin"
        if params.get("zone_mode") == "zone":
            return "zone_mode zone (pivot-detected resistance) has no vectorised twin"
        return None

    def plan(self, params: dict) -> Plan:
        b = self.bars
        period = int(params["ma_period"])
        ma = sma(b.close, period)
        edge = float(params["zone_low"])
        # signals.Rejection: the high reaches the lower edge and the close ends reject_pct below it, or with
        # `reversal` a bearish bar that reaches it and closes below it.
        reached = b.high >= edge
        rejection = reached & (b.close <= edge * (1.0 - float(params["reject_pct"]) / 100.0))
        if params.get("reversal"):
            rejection |= reached & (b.close < b.open) & (b.close < edge)
        # CrossAbove/CrossBelow read the SMA one bar back: next() first runs on bar ma_period.
        return Plan(
            first_bar=period,
            entry_bars=np.flatnonzero(cross_above(b.close, ma)),
            exit_bars=np.flatnonzero(rejection | cross_below(b.close, ma)),
        )
