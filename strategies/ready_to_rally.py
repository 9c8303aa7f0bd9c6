"""Strategy: the note's bull case as one setup, with its target, its stops and its early exit."""

from __future__ import annotations

import backtrader as bt

from rtybt.strategies.absolute_levels import WINDOW_SPEC, check_window_dates, check_window_params
from rtybt.strategies.base import NoteStrategy
from rtybt.strategies.levels import (
    LOOKBACK_BARS,
    PIVOT_LEFT,
    TOLERANCE_PCT,
    ResistanceZone,
    SwingLow,
)
from rtybt.strategies.params import Param, bt_params
from rtybt.strategies.signals import (
    ConsecutiveAbove,
    Rejection,
    SafeRSI,
    constant_line,
    stop_below,
    target_reached,
)


class ReadyToRally(NoteStrategy):
    """The bull case: a recovery below the 200-day MA that reclaimed the 50-day MA with momentum.

    Note: "Reclaim of 50-day MA, strong bullish candles. RSI breakout nearing confirmation. ...
    Upside target: 2,150–2,200 (200-day test)."

    Setup (on a close): the close is still below SMA(`trend_ma_period`); the last `hold_bars` closes
    (this one included) were above SMA(`fast_ma_period`); RSI(`rsi_period`) is above `rsi_min`; and with
    `confirm_mode` `zone`/`absolute` the close is above the resistance zone standing over the previous
    close / above `confirm_level`. Entry: on the first bar of a setup. Exits, checked on every close in
    the trade, in this order:
    - stop: a close below SMA(`fast_ma_period`) ("50-day MA support") when `ma_stop` is on, below the
      swing low known at the entry signal when `swing_stop` is on ("April low and major support zone"), or below `stop_level`;
    - target: the bar's high reaches SMA(`trend_ma_period`) (the "200-day test"), or `target_level`;
    - early exit: a rejection at resistance (detected zone, or `resistance_low`) when `reject_exit` is on.
    Orders fill at the next bar's open. Absolute levels need `levels_valid_from/to`.
    """

    name = "ready_to_rally"
    note = "Reclaim of 50-day MA, strong bullish candles. RSI breakout nearing confirmation. Upside target: 2,150–2,200 (200-day test)."
    spec = (
        Param("fast_ma_period", 50, "bars", "the MA to reclaim and hold (stop below it)", min=2, max=1000),
        Param("trend_ma_period", 200, "bars", "the MA price is still below; its test is the target", min=3, max=2000),
        Param("hold_bars", 3, "bars", "closes above the fast MA that make the reclaim 'held'", min=1, max=100),
        Param("rsi_period", 14, "bars", "Wilder RSI length", min=2, max=200),
        Param("rsi_min", 55.0, "RSI points", "momentum: RSI above this", min=0, max=100),
        Param("confirm_mode", "none", "", "none, zone (close over detected resistance) or absolute (confirm_level)",
              choices=("none", "zone", "absolute")),
        Param("confirm_level", None, "price", "absolute confirmation: a close above it (note: 2050)", min=0,
              optional=True, value_type=float),
        Param("target_level", None, "price", "absolute target instead of the trend-MA test (note: 2150)", min=0,
              optional=True, value_type=float),
        Param("stop_level", None, "price", "absolute stop: a close below it (note: 1850)", min=0, optional=True,
              value_type=float),
        Param("ma_stop", True, "", "stop on a close below the fast MA (the 50-day MA support)"),
        Param("swing_stop", True, "", "stop on a close below the swing low known at entry"),
        Param("reject_exit", True, "", "exit early on a rejection at resistance"),
        Param("resistance_low", None, "price", "absolute resistance edge for the rejection exit (note: 2050)", min=0,
              optional=True, value_type=float),
        Param("reject_pct", 0.5, "%", "a rejection closes this far below the resistance edge", min=0, max=20),
        Param("pivot_bars", PIVOT_LEFT, "bars", "bars each side of a swing pivot (zones, swing low)", min=1, max=50),
        Param("tolerance_pct", TOLERANCE_PCT, "%", "pivots within this distance form one zone", min=0.01, max=20),
        Param("zone_lookback", LOOKBACK_BARS, "bars", "pivots older than this are forgotten", min=10, max=5000),
        *WINDOW_SPEC,
    )
    params = bt_params(spec)

    ABSOLUTE = ("confirm_level", "target_level", "stop_level", "resistance_low")

    @classmethod
    def uses_absolute(cls, p: dict) -> bool:
        return any(p[k] is not None for k in cls.ABSOLUTE)

    @classmethod
    def check_params(cls, p: dict) -> None:
        if p["fast_ma_period"] >= p["trend_ma_period"]:
            raise ValueError(
                f"fast_ma_period ({p['fast_ma_period']}) must be shorter than trend_ma_period ({p['trend_ma_period']})"
            )
        if (p["confirm_mode"] == "absolute") != (p["confirm_level"] is not None):
            raise ValueError("confirm_level is needed by, and only by, confirm_mode absolute")
        if p["target_level"] is not None and p["stop_level"] is not None and p["stop_level"] >= p["target_level"]:
            raise ValueError(f"stop_level ({p['stop_level']:g}) must be below target_level ({p['target_level']:g})")
        check_window_params(p, cls.uses_absolute(p), ", ".join(k for k in cls.ABSOLUTE if p[k] is not None))

    @classmethod
    def check_data_window(cls, p: dict, start, end) -> None:
        check_window_dates(p, cls.uses_absolute(p), start, end)

    def __init__(self):
        super().__init__()
        d = self.data
        self.fast = bt.ind.SMA(d.close, period=self.p.fast_ma_period)
        self.trend = bt.ind.SMA(d.close, period=self.p.trend_ma_period)
        self.held = ConsecutiveAbove(d, self.fast)
        self.rsi = SafeRSI(d.close, period=self.p.rsi_period)
        pivots = dict(left=self.p.pivot_bars, right=self.p.pivot_bars, lookback=self.p.zone_lookback)
        needs_zone = self.p.confirm_mode == "zone" or (self.p.reject_exit and self.p.resistance_low is None)
        self.zone = ResistanceZone(d, tolerance_pct=self.p.tolerance_pct, **pivots) if needs_zone else None
        self.swing = SwingLow(d, **pivots) if self.p.swing_stop else None
        if self.p.reject_exit:
            edge = self.zone.low if self.p.resistance_low is None else constant_line(d, self.p.resistance_low)
            self.rejection = Rejection(d, edge, reject_pct=self.p.reject_pct)
        self._setup_before = False
        self._swing_at_entry = None

    def setup(self) -> bool:
        """The bull-case checklist on this close."""
        c = self.data.close[0]
        ok = c < self.trend[0] and self.held.count[0] >= self.p.hold_bars and self.rsi[0] > self.p.rsi_min
        if ok and self.p.confirm_mode == "zone":
            ok = c > self.zone.high[-1]
        elif ok and self.p.confirm_mode == "absolute":
            ok = c > self.p.confirm_level
        return bool(ok)

    def exit_reason(self) -> str | None:
        d = self.data
        if ((self.p.ma_stop and d.close[0] < self.fast[0]) or stop_below(d.close[0], self._swing_at_entry)
                or stop_below(d.close[0], self.p.stop_level)):
            return "stop"
        target = self.p.target_level if self.p.target_level is not None else self.trend[0]
        if target_reached(d.high[0], target):
            return "target"
        if self.p.reject_exit and self.rejection.signal[0]:
            return "rejection"
        return None

    def next(self):
        setup = self.setup()
        fresh = setup and not self._setup_before
        self._setup_before = setup
        if setup:
            self.mark_setup()
        if self.busy:
            return
        if not self.position and fresh:
            swing = self.swing.price[0] if self.swing is not None else float("nan")
            self._swing_at_entry = swing if swing == swing else None
            self.enter_long()
        elif self.position and (reason := self.exit_reason()) is not None:
            self.exit_position(reason)
