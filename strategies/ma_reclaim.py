"""Strategy: long after the close reclaims the moving average and holds above it."""

from __future__ import annotations

from strategies.base import NoteStrategy
from strategies.params import Param, bt_params
from strategies.signals import CloseBelow, Reclaim


class MaReclaim(NoteStrategy):
    """The index reclaimed the 50-day moving average, closing above it for multiple sessions.

    Note: "The index reclaimed the 50-day moving average, closing above it for multiple sessions
    — a clear signal of short-term trend reversal."

    Entry: on the close of the `hold_bars`-th consecutive close above SMA(`ma_period`) that follows
    a close at or below it. Exit: after a close below the SMA. Orders fill at the next bar's open.
    """

    name = "ma_reclaim"
    note = (
        "The index reclaimed the 50-day moving average, closing above it for multiple sessions "
        "— a clear signal of short-term trend reversal."
    )
    spec = (
        Param("ma_period", 50, "bars", "length of the simple moving average of closes", min=2, max=1000),
        Param("hold_bars", 3, "bars", "consecutive closes above the MA that confirm the reclaim", min=1, max=100),
    )
    params = bt_params(spec)

    def __init__(self):
        super().__init__()
        self.reclaim = Reclaim(self.data, ma_period=self.p.ma_period, hold_bars=self.p.hold_bars)
        self.below_ma = CloseBelow(self.data, self.reclaim.ma)

    def next(self):
        if self.reclaim.signal[0]:
            self.mark_setup()
        if self.busy:
            return
        if not self.position and self.reclaim.signal[0]:
            self.enter_long()
        elif self.position and self.below_ma.signal[0]:
            self.exit_position()
