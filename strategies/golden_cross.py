"""Strategy: long on a golden cross of the 50- over the 200-day MA, out on the death cross."""

from __future__ import annotations

import backtrader as bt

from rtybt.strategies.base import LongRuleStrategy
from rtybt.strategies.params import Param, bt_params, require_shorter
from rtybt.strategies.signals import CrossAbove, CrossBelow


class GoldenCross(LongRuleStrategy):
    """A Golden Cross setup: the fast simple MA crosses above the slow one.

    Note: "A bullish MACD or Golden Cross setup could materialize if the price consolidates above 2,050–2,100."

    Entry: on the close where SMA(`fast_period`) closes strictly above SMA(`slow_period`) after being at
    or below it. Exit: on the close where it falls strictly below again (the death cross).
    Orders fill at the next bar's open.
    """

    name = "golden_cross"
    note = "A bullish MACD or Golden Cross setup could materialize if the price consolidates above 2,050–2,100."
    spec = (
        Param("fast_period", 50, "bars", "fast simple moving average of closes", min=2, max=1000),
        Param("slow_period", 200, "bars", "slow simple moving average of closes", min=3, max=2000),
    )
    params = bt_params(spec)

    @classmethod
    def check_params(cls, p: dict) -> None:
        require_shorter(p, "fast_period", "slow_period")

    def __init__(self):
        super().__init__()
        self.fast = bt.ind.SMA(self.data.close, period=self.p.fast_period)
        self.slow = bt.ind.SMA(self.data.close, period=self.p.slow_period)
        self.golden = CrossAbove(self.fast, self.slow)
        self.death = CrossBelow(self.fast, self.slow)

    def entry_condition(self) -> bool:
        return bool(self.golden.signal[0])

    def exit_condition(self) -> bool:
        return bool(self.death.signal[0])
