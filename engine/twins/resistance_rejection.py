"""Twins stage: resistance_rejection vectorised (strategies/resistance_rejection.py): the long side with the
note's absolute zone; the short side and the pivot-detected zone stay with Backtrader."""

from __future__ import annotations

import numpy as np

from rtybt.engine.analysis.indicators import cross_above, cross_below, exact_sma
from rtybt.engine.twins.bars import BarArrays
from rtybt.engine.twins.params import LEVEL_INERT, TwinParams
from rtybt.engine.twins.simulate import Plan


class Planner:
    strategy = "resistance_rejection"
    reads = (
        "side", "zone_mode", "zone_low", "reject_pct", "reversal", "ma_period",
    )
    inert = {
        **LEVEL_INERT,
        "zone_high": "only the short side's cover reads the upper edge, and the short side is declined",
        "max_hold_bars": "only the short side reads it, and the short side is declined",
    }

    def __init__(self, bars: BarArrays):
        self.bars = bars

    @staticmethod
    def declines(p: TwinParams) -> str | None:
        if p.side == "short":
            return "side short (short positions) has no vectorised twin"
        if p.zone_mode == "zone":
            return "zone_mode zone (pivot-detected resistance) has no vectorised twin"
        return None

    def plan(self, p: TwinParams) -> Plan:
        b = self.bars
        period = int(p.ma_period)
        ma = exact_sma(b.close, period)
        edge = float(p.zone_low)
        # signals.Rejection: the high reaches the lower edge and the close ends reject_pct below it, or with
        # `reversal` a bearish bar that reaches it and closes below it.
        reached = b.high >= edge
        rejection = reached & (b.close <= edge * (1.0 - float(p.reject_pct) / 100.0))
        if p.reversal:
            rejection |= reached & (b.close < b.open) & (b.close < edge)
        # CrossAbove/CrossBelow read the SMA one bar back: next() first runs on bar ma_period.
        return Plan(
            first_bar=period,
            entry_bars=np.flatnonzero(cross_above(b.close, ma)),
            exit_bars=np.flatnonzero(rejection | cross_below(b.close, ma)),
        )
