"""Strategy: long when the close breaks over a confirmation level (absolute, detected zone, or N-bar high)."""

from __future__ import annotations

import backtrader as bt

from rtybt.strategies.absolute_levels import WINDOW_SPEC, check_window_dates, check_window_params
from rtybt.strategies.base import LongRuleStrategy
from rtybt.strategies.levels import LOOKBACK_BARS, PIVOT_LEFT, TOLERANCE_PCT, ResistanceZone
from rtybt.strategies.params import Param, bt_params
from rtybt.strategies.signals import Breakout, CloseBelow, ClosesAbove, constant_line


class BreakoutConfirmation(LongRuleStrategy):
    """A break over resistance confirms the reversal, optionally after consolidating above the zone.

    Note: "Needs a break over 2,100–2,150 to confirm macro reversal" and "if the price consolidates
    above 2,050–2,100".

    The confirmation level, as known on the previous close, is one of:
    - `level_mode: zone` — the upper edge of the nearest detected resistance zone (swing pivots of
      `pivot_bars` each side clustered within `tolerance_pct`, see strategies/levels.py);
    - `level_mode: highest` — the highest high of the `lookback_bars` sessions before the bar;
    - `level_mode: absolute` — `breakout_level` (the note's 2,100), with `zone_low` (2,050) as the lower
      edge; needs `levels_valid_from/to` and a run restricted to those dates.
    Entry: on the first close strictly above the level raised by `margin_pct` percent, and, with
    `consolidate_bars` > 0, only when each of that many closes before it held above the zone's lower
    edge. Exit: on a close below SMA(`exit_ma_period`). Orders fill at the next bar's open.
    """

    name = "breakout_confirmation"
    note = "Needs a break over 2,100–2,150 to confirm macro reversal"
    spec = (
        Param("level_mode", "zone", "", "zone (detected resistance), highest (N-bar high) or absolute",
              choices=("zone", "highest", "absolute")),
        Param("breakout_level", None, "price", "absolute mode: the confirmation level (note: 2100)", min=0,
              optional=True, value_type=float),
        Param("zone_low", None, "price", "absolute mode: lower edge of the zone to consolidate above (note: 2050)",
              min=0, optional=True, value_type=float),
        Param("lookback_bars", 20, "bars", "highest mode: sessions whose highest high is the level", min=1, max=1000),
        Param("margin_pct", 0.0, "%", "the close must clear the level by this much", min=0, max=20),
        Param("consolidate_bars", 0, "bars", "closes above the zone's lower edge required before the break", min=0,
              max=100),
        Param("pivot_bars", PIVOT_LEFT, "bars", "zone mode: bars each side of a swing pivot", min=1, max=50),
        Param("tolerance_pct", TOLERANCE_PCT, "%", "zone mode: pivots within this distance form one zone", min=0.01,
              max=20),
        Param("zone_lookback", LOOKBACK_BARS, "bars", "zone mode: pivots older than this are forgotten", min=10,
              max=5000),
        Param("exit_ma_period", 50, "bars", "exit on a close below this SMA", min=2, max=1000),
        *WINDOW_SPEC,
    )
    params = bt_params(spec)

    @classmethod
    def check_params(cls, p: dict) -> None:
        absolute = p["level_mode"] == "absolute"
        if absolute and p["breakout_level"] is None:
            raise ValueError("level_mode absolute needs breakout_level")
        if not absolute and (p["breakout_level"] is not None or p["zone_low"] is not None):
            raise ValueError("breakout_level/zone_low only apply to level_mode absolute")
        if absolute and p["zone_low"] is not None and p["zone_low"] > p["breakout_level"]:
            raise ValueError(f"zone_low ({p['zone_low']:g}) must not be above breakout_level ({p['breakout_level']:g})")
        if p["level_mode"] == "highest" and p["consolidate_bars"]:
            raise ValueError("consolidate_bars needs a zone: use level_mode zone or absolute")
        check_window_params(p, absolute, "level_mode absolute")

    @classmethod
    def check_data_window(cls, p: dict, start, end) -> None:
        check_window_dates(p, p["level_mode"] == "absolute", start, end)

    def __init__(self):
        super().__init__()
        mode = self.p.level_mode
        if mode == "zone":
            zone = ResistanceZone(self.data, left=self.p.pivot_bars, right=self.p.pivot_bars,
                                  lookback=self.p.zone_lookback, tolerance_pct=self.p.tolerance_pct)
            # The level must be the one standing over the previous close: once today's close clears it,
            # the detector already reclassifies that zone as support.
            level, lower_edge = zone.high(-1), zone.low
        elif mode == "highest":
            level = bt.ind.Highest(self.data.high, period=self.p.lookback_bars)(-1)
            lower_edge = level
        else:
            level = constant_line(self.data, self.p.breakout_level)
            lower_edge = constant_line(self.data, self.p.zone_low if self.p.zone_low is not None
                                       else self.p.breakout_level)
        self.level = level
        self.broke = Breakout(self.data, level, margin_pct=self.p.margin_pct)
        self.consolidated = ClosesAbove(self.data, lower_edge, bars=self.p.consolidate_bars)
        self.below_ma = CloseBelow(self.data, bt.ind.SMA(self.data.close, period=self.p.exit_ma_period))

    def entry_condition(self) -> bool:
        # A break is the first close over the level, not every close that stays above it.
        first_break = self.broke.signal[0] and not self.broke.signal[-1]
        return bool(first_break and self.consolidated.signal[0])

    def exit_condition(self) -> bool:
        return bool(self.below_ma.signal[0])
