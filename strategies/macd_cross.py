"""Strategy: long when the MACD line crosses above its signal line, out when it crosses back below."""

from __future__ import annotations

import backtrader as bt

from rtybt.strategies.base import LongRuleStrategy
from rtybt.strategies.params import Param, bt_params, require_shorter
from rtybt.strategies.signals import CrossAbove, CrossBelow


class MacdCross(LongRuleStrategy):
    """A bullish MACD setup: the MACD line crosses above its signal line.

    Note: "A bullish MACD or Golden Cross setup could materialize if the price consolidates above 2,050–2,100."

    Entry: on the close where MACD(`fast_period`, `slow_period`) closes strictly above its
    EMA(`signal_period`) signal line after being at or below it; with `below_zero_only`, only when the
    MACD line is still below zero (an early-recovery cross). Exit: on the close where it crosses
    strictly below the signal line. Orders fill at the next bar's open. Backtrader seeds each EMA with a
    simple mean, as most charting tools do.
    """

    name = "macd_cross"
    note = "A bullish MACD or Golden Cross setup could materialize if the price consolidates above 2,050–2,100."
    spec = (
        Param("fast_period", 12, "bars", "fast EMA of closes", min=2, max=500),
        Param("slow_period", 26, "bars", "slow EMA of closes", min=3, max=1000),
        Param("signal_period", 9, "bars", "EMA of the MACD line", min=2, max=500),
        Param("below_zero_only", False, "", "only take crosses while the MACD line is below zero"),
    )
    params = bt_params(spec)

    @classmethod
    def check_params(cls, p: dict) -> None:
        require_shorter(p, "fast_period", "slow_period")

    def __init__(self):
        super().__init__()
        self.macd = bt.ind.MACD(self.data.close, period_me1=self.p.fast_period, period_me2=self.p.slow_period,
                                period_signal=self.p.signal_period)
        self.bull = CrossAbove(self.macd.macd, self.macd.signal)
        self.bear = CrossBelow(self.macd.macd, self.macd.signal)

    def entry_condition(self) -> bool:
        return bool(self.bull.signal[0]) and (not self.p.below_zero_only or self.macd.macd[0] < 0)

    def exit_condition(self) -> bool:
        return bool(self.bear.signal[0])
