"""An example user strategy (not part of the package): buy a short pullback inside an uptrend.

Load it from a config with
    strategy: {file: my_strategies/pullback.py, name: pullback, params: {down_closes: 3}}
and check it for look-ahead with `rtybt check-strategy examples/my_strategies/pullback.py`.
"""

from __future__ import annotations

import backtrader as bt

from rtybt.strategies.base import LongRuleStrategy
from rtybt.strategies.params import Param


class Pullback(LongRuleStrategy):
    """Buy the dip in an uptrend.

    Entry: on the close of the `down_closes`-th consecutive lower close, while that close is still above
    SMA(`trend_period`). Exit: on the close of the `hold_bars`-th bar in the position (the fill bar counts
    as the first), or earlier on a close below the SMA. Orders fill at the next bar's open.
    """

    name = "pullback"
    note = "Buy a short pullback while the trend is up."
    spec = (
        Param("trend_period", 200, "bars", "length of the trend's simple moving average of closes", min=2, max=1000),
        Param("down_closes", 3, "bars", "consecutive lower closes that make the pullback", min=1, max=20),
        Param("hold_bars", 5, "bars", "bars held, the fill bar included", min=1, max=250),
    )

    def __init__(self):
        super().__init__()
        self.trend = bt.ind.SMA(self.data.close, period=self.p.trend_period)
        self.bars_held = 0

    def next(self):
        # Entries fill at the open, before this bar's next(): the fill bar is the first bar held.
        self.bars_held = self.bars_held + 1 if self.position else 0
        super().next()

    def entry_condition(self) -> bool:
        # close[-k] of an early bar would wrap around to the end of a preloaded feed: wait for enough history.
        if len(self) <= self.p.down_closes:
            return False
        close = self.data.close
        falling = all(close[-i] < close[-i - 1] for i in range(self.p.down_closes))
        return falling and close[0] > self.trend[0]

    def exit_condition(self) -> bool:
        return self.bars_held >= self.p.hold_bars or self.data.close[0] < self.trend[0]
