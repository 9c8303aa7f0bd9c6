"""Signals of the market note as small Backtrader indicators; strategies compose these, never re-derive them."""

from __future__ import annotations

import backtrader as bt


class Reclaim(bt.Indicator):
    """1 on the close of the `hold_bars`-th consecutive close above the MA that follows a close at or below it.

    A close equal to the MA is not "above": a reclaim needs the price to close strictly over it.
    """

    lines = ("signal", "ma")
    params = (("ma_period", 50), ("hold_bars", 3))
    plotinfo = dict(subplot=False)

    def __init__(self):
        self.l.ma = bt.ind.SMA(self.data.close, period=self.p.ma_period)
        above = self.data.close > self.l.ma
        held = [above(-k) for k in range(self.p.hold_bars)]
        was_below = above(-self.p.hold_bars) == 0
        self.l.signal = bt.And(was_below, *held) if held else was_below


class CloseBelow(bt.Indicator):
    """1 when the close of the first data is strictly below the second (the note's 'close below the 50-day MA').

    Use: CloseBelow(data, reference_line); Backtrader passes both in as datas.
    """

    lines = ("signal",)

    def __init__(self):
        self.l.signal = self.data0.close < self.data1
