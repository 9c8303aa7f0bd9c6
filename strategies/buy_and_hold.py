"""Strategy: buy on the first bar and hold to the end (the benchmark)."""

from __future__ import annotations

from rtybt.strategies.base import NoteStrategy


class BuyAndHold(NoteStrategy):
    """The benchmark every signal of the note must beat: be long the whole period.

    Note: "RTY tends to outperform in early-stage recovery cycles" is only worth acting on if
    timing the entry beats simply holding the index; this strategy is that yardstick.
    Entry: a market order on the first bar's close, filled at the second bar's open.
    """

    name = "buy_and_hold"
    note = "RTY tends to outperform in early-stage recovery cycles — if market sentiment shifts decisively risk-on, RTY has room to catch up."
    spec = ()
    params = ()

    def next(self):
        if not self.position and not self.busy:
            self.enter_long()
