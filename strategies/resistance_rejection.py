"""Strategy: a rejection at resistance, as the exit of a long or as the entry of a short."""

from __future__ import annotations

import backtrader as bt

from rtybt.strategies.absolute_levels import WINDOW_SPEC, check_window_dates, check_window_params
from rtybt.strategies.base import NoteStrategy
from rtybt.strategies.levels import LOOKBACK_BARS, PIVOT_LEFT, TOLERANCE_PCT, ResistanceZone
from rtybt.strategies.params import Param, bt_params
from rtybt.strategies.signals import CrossAbove, CrossBelow, Rejection, constant_line


class ResistanceRejection(NoteStrategy):
    """A bar that reaches into the resistance zone and closes well below it is a rejection.

    Note: "Potential overhead rejection at 2,050–2,100 resistance zone."

    The zone is the nearest detected resistance zone over the close (`zone_mode: zone`) or the note's
    `zone_low`-`zone_high` (`zone_mode: absolute`, needs `levels_valid_from/to`). A rejection is a bar
    whose high reaches the zone's lower edge and whose close is at least `reject_pct` percent below it
    (with `reversal`, also a bearish bar closing below the edge).
    - `side: long` — the rejection as an exit: long on the close crossing above SMA(`ma_period`), out on
      a rejection (or a close crossing back below the SMA).
    - `side: short` — the rejection as an entry: short on the rejection bar, covered on a close above the
      rejected zone's upper edge (the rejection failed) or after `max_hold_bars` bars in the trade.
    Orders fill at the next bar's open.
    """

    name = "resistance_rejection"
    note = "Potential overhead rejection at 2,050–2,100 resistance zone."
    spec = (
        Param("side", "long", "", "long: rejection exits a long; short: rejection opens a short",
              choices=("long", "short")),
        Param("zone_mode", "zone", "", "zone (detected resistance) or absolute (zone_low/zone_high)",
              choices=("zone", "absolute")),
        Param("zone_low", None, "price", "absolute mode: lower edge of the resistance zone (note: 2050)", min=0,
              optional=True, value_type=float),
        Param("zone_high", None, "price", "absolute mode: upper edge of the resistance zone (note: 2100)", min=0,
              optional=True, value_type=float),
        Param("reject_pct", 0.5, "%", "the close must end this far below the zone's lower edge", min=0, max=20),
        Param("reversal", False, "", "also count a bearish bar (close < open) that reaches the zone"),
        Param("ma_period", 50, "bars", "long side: entry on a close crossing above this SMA", min=2, max=1000),
        Param("max_hold_bars", 20, "bars", "short side: cover after this many bars in the trade", min=1, max=1000),
        Param("pivot_bars", PIVOT_LEFT, "bars", "zone mode: bars each side of a swing pivot", min=1, max=50),
        Param("tolerance_pct", TOLERANCE_PCT, "%", "zone mode: pivots within this distance form one zone", min=0.01,
              max=20),
        Param("zone_lookback", LOOKBACK_BARS, "bars", "zone mode: pivots older than this are forgotten", min=10,
              max=5000),
        *WINDOW_SPEC,
    )
    params = bt_params(spec)
    # Parameter sets the no-look-ahead harness runs besides the defaults.
    variants = ({"side": "short"},)

    @classmethod
    def check_params(cls, p: dict) -> None:
        absolute = p["zone_mode"] == "absolute"
        if absolute and (p["zone_low"] is None or p["zone_high"] is None):
            raise ValueError("zone_mode absolute needs zone_low and zone_high")
        if not absolute and (p["zone_low"] is not None or p["zone_high"] is not None):
            raise ValueError("zone_low/zone_high only apply to zone_mode absolute")
        if absolute and p["zone_low"] > p["zone_high"]:
            raise ValueError(f"zone_low ({p['zone_low']:g}) is above zone_high ({p['zone_high']:g})")
        check_window_params(p, absolute, "zone_mode absolute")

    @classmethod
    def check_data_window(cls, p: dict, start, end) -> None:
        check_window_dates(p, p["zone_mode"] == "absolute", start, end)

    def __init__(self):
        super().__init__()
        if self.p.zone_mode == "zone":
            zone = ResistanceZone(self.data, left=self.p.pivot_bars, right=self.p.pivot_bars,
                                  lookback=self.p.zone_lookback, tolerance_pct=self.p.tolerance_pct)
            self.zone_low, self.zone_high = zone.low, zone.high
        else:
            self.zone_low = constant_line(self.data, self.p.zone_low)
            self.zone_high = constant_line(self.data, self.p.zone_high)
        self.rejection = Rejection(self.data, self.zone_low, reject_pct=self.p.reject_pct, reversal=self.p.reversal)
        if self.p.side == "long":
            ma = bt.ind.SMA(self.data.close, period=self.p.ma_period)
            self.ma_up = CrossAbove(self.data.close, ma)
            self.ma_down = CrossBelow(self.data.close, ma)
        self._cover_above = None
        self._entry_bar = None

    def next(self):
        if self.p.side == "long":
            self._next_long()
        else:
            self._next_short()

    def _next_long(self):
        if self.ma_up.signal[0]:
            self.mark_setup()
        if self.busy:
            return
        if not self.position and self.ma_up.signal[0]:
            self.enter_long()
        elif self.position and (self.rejection.signal[0] or self.ma_down.signal[0]):
            self.exit_position("rejection" if self.rejection.signal[0] else "signal")

    def _next_short(self):
        rejected = bool(self.rejection.signal[0])
        if rejected:
            self.mark_setup()
        if self.busy:
            return
        if not self.position and rejected:
            # Remember the rejected zone: closing back above it means the rejection failed.
            self._cover_above = self.zone_high[0]
            self._entry_bar = len(self)
            self.enter_short()
        elif self.position:
            held = len(self) - self._entry_bar  # bars in the trade, the fill bar included
            if self.data.close[0] > self._cover_above:
                self.exit_position("stop")  # the rejection failed: price closed back above the zone
            elif held >= self.p.max_hold_bars:
                self.exit_position("time limit")
