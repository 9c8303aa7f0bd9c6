"""Strategy: long when Wilder's RSI crosses into momentum territory, out when momentum or the 50-day MA fails."""

from __future__ import annotations

import backtrader as bt

from rtybt.strategies.base import LongRuleStrategy
from rtybt.strategies.params import Param, bt_params
from rtybt.strategies.signals import CloseBelow, CrossAbove, Rising, SafeRSI


class RsiMomentum(LongRuleStrategy):
    """RSI (14) gaining momentum, approaching the bullish zone.

    Note: "RSI (14): 58.26 — gaining momentum, approaching bullish zone".

    Entry: on the close where RSI(`rsi_period`) crosses strictly above `rsi_min` while still at or below
    `rsi_bullish` (approaching the bullish zone, not already in it; 100 disables the cap), optionally
    only if RSI is higher than `slope_bars` bars ago. Exit: on a close with RSI below `rsi_exit` or the
    close below SMA(`exit_ma_period`). Orders fill at the next bar's open.
    """

    name = "rsi_momentum"
    note = "RSI (14): 58.26 — gaining momentum, approaching bullish zone"
    spec = (
        Param("rsi_period", 14, "bars", "Wilder RSI length", min=2, max=200),
        Param("rsi_min", 55.0, "RSI points", "entry when RSI crosses above this", min=0, max=100),
        Param("rsi_bullish", 60.0, "RSI points", "the bullish zone: no entry once RSI is already above it", min=0, max=100),
        Param("slope_bars", 0, "bars", "also require RSI higher than this many bars ago (0 = off)", min=0, max=50),
        Param("rsi_exit", 45.0, "RSI points", "exit when RSI falls below this", min=0, max=100),
        Param("exit_ma_period", 50, "bars", "exit when the close falls below this SMA", min=2, max=1000),
    )
    params = bt_params(spec)

    @classmethod
    def check_params(cls, p: dict) -> None:
        if not p["rsi_exit"] < p["rsi_min"] <= p["rsi_bullish"]:
            raise ValueError(
                f"need rsi_exit < rsi_min <= rsi_bullish (got {p['rsi_exit']:g}, {p['rsi_min']:g}, {p['rsi_bullish']:g})"
            )

    def __init__(self):
        super().__init__()
        self.rsi = SafeRSI(self.data.close, period=self.p.rsi_period)
        self.cross = CrossAbove(self.rsi, level=self.p.rsi_min)
        self.rising = Rising(self.rsi, bars=self.p.slope_bars) if self.p.slope_bars else None
        self.ma = bt.ind.SMA(self.data.close, period=self.p.exit_ma_period)
        self.below_ma = CloseBelow(self.data, self.ma)

    def entry_condition(self) -> bool:
        if not self.cross.signal[0] or self.rsi[0] > self.p.rsi_bullish:
            return False
        return self.rising is None or bool(self.rising.signal[0])

    def exit_condition(self) -> bool:
        return bool(self.rsi[0] < self.p.rsi_exit or self.below_ma.signal[0])
