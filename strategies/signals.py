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


class SafeRSI(bt.Indicator):
    """Wilder's RSI (bt.ind.RSI: 1/period smoothing seeded with a simple mean) that never divides by zero.

    ^RUT has 14-day stretches without a down day (1988): a zero average loss reads 100, and a window
    with no move at all reads 50, instead of raising.
    """

    lines = ("rsi",)
    params = (("period", 14),)
    plotinfo = dict(subplot=True)

    def __init__(self):
        self.l.rsi = bt.ind.RSI(self.data, period=self.p.period, safediv=True, safehigh=100.0, safelow=50.0)


class CrossAbove(bt.Indicator):
    """1 on the bar where `a` closes strictly above `b` after being at or below it on the bar before.

    Use: CrossAbove(a, b) with two lines (b may be a constant: pass a float as `level`).
    """

    lines = ("signal",)
    params = (("level", None),)

    def __init__(self):
        a = self.data0
        b = self.p.level if self.p.level is not None else self.data1
        if self.p.level is not None:
            self.l.signal = bt.And(a > b, a(-1) <= b)
        else:
            self.l.signal = bt.And(a > b, a(-1) <= b(-1))


class CrossBelow(bt.Indicator):
    """1 on the bar where `a` closes strictly below `b` after being at or above it on the bar before."""

    lines = ("signal",)
    params = (("level", None),)

    def __init__(self):
        a = self.data0
        if self.p.level is not None:
            self.l.signal = bt.And(a < self.p.level, a(-1) >= self.p.level)
        else:
            b = self.data1
            self.l.signal = bt.And(a < b, a(-1) >= b(-1))


class Rising(bt.Indicator):
    """1 when the line is strictly higher than `bars` bars ago (the note's 'bullish RSI slope')."""

    lines = ("signal",)
    params = (("bars", 3),)

    def __init__(self):
        self.l.signal = self.data0 > self.data0(-self.p.bars)


class ClosesAbove(bt.Indicator):
    """1 when each of the `bars` closes before this bar closed strictly above `edge` on its own bar.

    The note's 'if the price consolidates above 2,050-2,100': the lower edge held for `bars` sessions
    before the breakout bar. With bars = 0 it is always 1.
    """

    lines = ("signal",)
    params = (("bars", 0),)

    def __init__(self):
        above = self.data0.close > self.data1
        if self.p.bars <= 0:
            self.l.signal = above >= 0  # 1 on every bar
        else:
            self.l.signal = bt.And(*[above(-k) for k in range(1, self.p.bars + 1)]) if self.p.bars > 1 \
                else above(-1)


class ConsecutiveAbove(bt.Indicator):
    """Number of consecutive closes strictly above the line, this bar included (0 on a close at or below)."""

    lines = ("count",)

    def next(self):
        above = self.data0.close[0] > self.data1[0]
        prev = self.l.count[-1] if len(self) > 1 else 0.0
        self.l.count[0] = prev + 1.0 if above else 0.0


class Breakout(bt.Indicator):
    """1 when the close is strictly above `level` (a line) raised by `margin_pct` percent."""

    lines = ("signal",)
    params = (("margin_pct", 0.0),)

    def __init__(self):
        self.l.signal = self.data0.close > self.data1 * (1.0 + self.p.margin_pct / 100.0)


class Rejection(bt.Indicator):
    """1 on a bar whose high reaches the zone's lower edge but closes below it by `reject_pct` percent or
    more; with `reversal` also a bearish bar (close < open) that reaches the zone and closes below it.

    The note's 'Potential overhead rejection at 2,050-2,100 resistance zone'. Use: Rejection(data, zone_low).
    """

    lines = ("signal",)
    params = (("reject_pct", 0.5), ("reversal", False))

    def __init__(self):
        d, edge = self.data0, self.data1
        reached = d.high >= edge
        firm = bt.And(reached, d.close <= edge * (1.0 - self.p.reject_pct / 100.0))
        if self.p.reversal:
            bearish = bt.And(reached, d.close < d.open, d.close < edge)
            self.l.signal = bt.Or(firm, bearish)
        else:
            self.l.signal = firm


def stop_below(close: float, stop_level: float | None) -> bool:
    """A stop on closes: true when the close is strictly below the stop level (None = no stop)."""
    return stop_level is not None and close == close and close < stop_level


def target_reached(high: float, target: float | None) -> bool:
    """A target 'test': true when the bar's high reaches the target level (None or NaN = no target)."""
    return target is not None and target == target and high >= target


def constant_line(data, value: float):
    """A line equal to `value` on every bar of `data` (an absolute level used where a line is expected)."""
    return data.close * 0.0 + float(value)
