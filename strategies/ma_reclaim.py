"""Strategy: long after the close reclaims the moving average and holds above it."""

from __future__ import annotations

import backtrader as bt

from rtybt.strategies.base import LongRuleStrategy
from rtybt.strategies.params import Param, bt_params
from rtybt.strategies.signals import CloseBelow, Reclaim, stop_below


class MaReclaim(LongRuleStrategy):
    """The index reclaimed the 50-day moving average, closing above it for multiple sessions.

    Note: "The index reclaimed the 50-day moving average, closing above it for multiple sessions
    — a clear signal of short-term trend reversal."

    Entry: on the close of the `hold_bars`-th consecutive close above SMA(`ma_period`) that follows
    a close at or below it; with `below_ma_period` set, only while that close is still below
    SMA(`below_ma_period`) (the note's recovery setting: "While still below the 200-day MA").
    Exit: after a close below the SMA, or, with `stop_pct`, a close more than `stop_pct` percent below
    the entry fill price. Orders fill at the next bar's open.
    """

    name = "ma_reclaim"
    note = (
        "The index reclaimed the 50-day moving average, closing above it for multiple sessions "
        "— a clear signal of short-term trend reversal."
    )
    spec = (
        Param("ma_period", 50, "bars", "length of the simple moving average of closes", min=2, max=1000),
        Param("hold_bars", 3, "bars", "consecutive closes above the MA that confirm the reclaim", min=1, max=100),
        Param("below_ma_period", None, "bars", "only enter while the close is still below this SMA (the note: 200; "
              "empty = no filter)", min=2, max=2000, optional=True, value_type=int),
        Param("stop_pct", None, "%", "exit on a close this far below the entry price (empty = no stop)",
              min=0.01, max=99, optional=True, value_type=float),
    )
    params = bt_params(spec)

    def __init__(self):
        super().__init__()
        self.reclaim = Reclaim(self.data, ma_period=self.p.ma_period, hold_bars=self.p.hold_bars)
        self.below_ma = CloseBelow(self.data, self.reclaim.ma)
        # Only built when used: an SMA(200) would otherwise delay the first signal by 200 bars.
        self.trend = bt.ind.SMA(self.data.close, period=self.p.below_ma_period) if self.p.below_ma_period else None

    def entry_condition(self) -> bool:
        if not self.reclaim.signal[0]:
            return False
        return self.trend is None or self.data.close[0] < self.trend[0]

    def stopped(self) -> bool:
        if self.p.stop_pct is None:
            return False
        return stop_below(self.data.close[0], self.position.price * (1.0 - self.p.stop_pct / 100.0))

    def exit_condition(self) -> bool:
        return bool(self.below_ma.signal[0] or self.stopped())

    def exit_kind(self) -> str:
        return "stop" if self.stopped() else "signal"
