"""Twins stage: the broker's cost, fill and sizing model (engine/run/broker.py) as plain arithmetic.

Every formula follows Backtrader's BackBroker in the same order of operations, so that cash, sizes and
the margin checks agree bit for bit with the event-driven run (a floor() on a size is unforgiving).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from rtybt.engine.config import RunConfig


@dataclass(frozen=True)
class CostModel:
    """Percent commission and slippage of a stock-like instrument, with the entry sizer."""

    cash: float
    commission_rate: float
    slippage_rate: float
    fraction: float | None  # percent_equity sizing; None with fixed units
    units: float | None

    def buy_fill(self, open_: float, high: float) -> float:
        """bbroker._slip_up with slip_open, slip_match and not slip_out: the slipped open, capped by the high."""
        if not self.slippage_rate:
            return open_
        slipped = open_ * (1 + self.slippage_rate)
        return slipped if slipped <= high else high

    def buy_fills(self, opens: np.ndarray, highs: np.ndarray) -> np.ndarray:
        """buy_fill over arrays (the same operations element by element)."""
        if not self.slippage_rate:
            return opens.copy()
        slipped = opens * (1 + self.slippage_rate)
        return np.where(slipped <= highs, slipped, highs)

    def sell_fill(self, open_: float, low: float) -> float:
        """bbroker._slip_down: the slipped open, floored at the low."""
        if not self.slippage_rate:
            return open_
        slipped = open_ * (1 - self.slippage_rate)
        return slipped if slipped >= low else low

    def commission(self, size: float, price: float) -> float:
        # CommInfoBase._getcommission for COMM_PERC: abs(size) * commission * price, in that order.
        return abs(size) * self.commission_rate * price

    def entry_size(self, equity: float, close: float) -> float:
        """EquityFractionSizer / FixedSize at the signal bar's close."""
        if self.fraction is None:
            return self.units
        if not close > 0:
            return 0
        return int(math.floor(equity * self.fraction / close))

    def can_open(self, cash: float, size: float, price: float) -> bool:
        """BackBroker._execute's cash check for an opening order (used at submission and at the fill)."""
        left = cash - abs(size) * price
        left -= self.commission(size, price)
        return not left < 0.0


def unsupported_reason(config: RunConfig) -> str | None:
    """Why the twins cannot reproduce this config's broker exactly (None when they can)."""
    broker = config.broker
    if broker.instrument == "future":
        return "futures (margin and daily cash settlement) are simulated by Backtrader only"
    if broker.fill != "next_open":
        return f"fill '{broker.fill}' is simulated by Backtrader only"
    return None


def cost_model(config: RunConfig) -> CostModel:
    broker, sizing = config.broker, config.sizing
    fraction = sizing.fraction  # the broker's sizer reads the same property (engine/run/broker.py)
    return CostModel(
        cash=float(broker.cash),
        commission_rate=float(broker.commission_rate or 0.0),
        slippage_rate=float(broker.slippage_rate or 0.0),
        fraction=None if fraction is None else float(fraction),
        units=float(sizing.units) if fraction is None else None,
    )
