"""Twins stage: one long-only position at a time, market orders at the next open; a loop over trades, not bars.

Mirrors NoteStrategy's order bookkeeping: a signal on bar s places one order that fills on bar s + 1
(or is refused for cash, at submission against the signal close or at the fill against the slipped
open); while an order is pending no other signal is acted on; on the fill bar the strategy already
sees the new position, so an exit can be signalled on the very bar an entry filled.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from rtybt.engine.twins.bars import BarArrays
from rtybt.engine.twins.costs import CostModel

# exit_rule(entry_signal_bar, fill_bar, fill_price) -> the first bar >= fill_bar whose close signals the
# exit, or None: for exits that depend on the trade (holding periods, stops and targets from the entry).
ExitRule = Callable[[int, int, float], "int | None"]


@dataclass
class Plan:
    """What a twin decides from the parameters alone: where the strategy would enter and exit."""

    first_bar: int  # the first bar whose close Backtrader's next() sees (the indicators' warm-up)
    entry_bars: np.ndarray | list[int]  # sorted bars whose close meets the entry condition
    exit_bars: np.ndarray | list[int] | None = None  # sorted bars whose close meets the exit condition
    exit_rule: ExitRule | None = None


@dataclass
class TwinRun:
    """Trades as (signal bar, fill price, size, exit signal bar or -1, exit price, commission), refused orders
    as (signal bar, fill bar, size), and the final cash."""

    trades: list[tuple[int, float, float, int, float, float]] = field(default_factory=list)
    refused: list[tuple[int, int, float]] = field(default_factory=list)
    cash: float = 0.0
    last_bar: int = 0

    def _column(self, k: int) -> list:
        return [t[k] for t in self.trades]

    @property
    def entry_signal(self) -> list[int]:
        return self._column(0)

    @property
    def entry_bar(self) -> list[int]:
        return [t[0] + 1 for t in self.trades]

    @property
    def entry_price(self) -> list[float]:
        return self._column(1)

    @property
    def size(self) -> list[float]:
        return self._column(2)

    @property
    def exit_signal(self) -> list[int]:
        return self._column(3)

    @property
    def exit_bar(self) -> list[int]:
        """The exit fill bar; the last bar for a position still open at the end."""
        return [t[3] + 1 if t[3] >= 0 else self.last_bar for t in self.trades]

    @property
    def exit_price(self) -> list[float]:
        return self._column(4)

    @property
    def commission(self) -> list[float]:
        return self._column(5)

    @property
    def closed(self) -> int:
        return sum(1 for t in self.trades if t[3] >= 0)


def simulate(bars: BarArrays, plan: Plan, costs: CostModel) -> TwinRun:
    """Walk the plan trade by trade; fills, exits and slippage for every candidate entry come precomputed."""
    n = bars.n
    entries = np.asarray(plan.entry_bars, dtype=np.int64)  # no copy when a twin hands over an int64 array
    entries = entries[(entries >= plan.first_bar) & (entries < n - 1)]  # an order on the last bar never fills
    fill = entries + 1
    buy = costs.buy_fills(bars.open[fill], bars.high[fill])
    signal_close = bars.close[entries]
    if plan.exit_rule is None:
        exits = np.asarray(plan.exit_bars, dtype=np.int64)
        j = np.searchsorted(exits, fill)
        x_of = np.where(j < len(exits), exits[np.minimum(j, len(exits) - 1)], n) if len(exits) else np.full(len(fill), n)
        x_list = x_of.tolist()
        # after an exit signalled on x the strategy is flat from bar x + 1: the next candidate entry
        next_list = np.searchsorted(entries, x_of + 1).tolist()
    else:
        x_list = next_list = None
    entry_list, buy_list, close_list = entries.tolist(), buy.tolist(), signal_close.tolist()
    opens, lows, closes = bars.open_list, bars.low_list, bars.close_list
    slip_down = 1 - costs.slippage_rate
    comm = costs.commission_rate
    fraction, units = costs.fraction, costs.units
    rule = plan.exit_rule
    run = TwinRun(last_bar=n - 1)
    trades, refused = run.trades, run.refused
    cash = costs.cash
    k, m = 0, len(entry_list)
    # Long only: sizes are positive, so abs() drops out of Backtrader's cash arithmetic below.
    while k < m:
        s = entry_list[k]
        c = close_list[k]
        # EquityFractionSizer on the signal close (flat, so equity is the cash), or FixedSize
        size = units if fraction is None else (int(math.floor(cash * fraction / c)) if c > 0 else 0)
        if not size:
            k += 1  # Strategy.buy() with size 0 places no order
            continue
        price = buy_list[k]
        # BackBroker's cash check for an opening order, at submission (signal close) and at the fill.
        if cash - size * c - size * comm * c < 0.0 or cash - size * price - size * comm * price < 0.0:
            refused.append((s, s + 1, size))
            k += 1  # flat again on the fill bar: the next candidate entry is the next signal
            continue
        cash -= size * price
        comm_in = size * comm * price
        cash -= comm_in
        x = x_list[k] if x_list is not None else rule(s, s + 1, price)
        if x is None or x >= n - 1:
            trades.append((s, price, size, -1, closes[n - 1], comm_in))
            break
        g = x + 1
        out = opens[g]
        if slip_down != 1:
            out = out * slip_down
            if not out >= lows[g]:
                out = lows[g]
        # BackBroker._execute on a close: the position's cost back, plus the pnl, minus commission.
        cash += size * price + size * (out - price)
        comm_out = size * comm * out
        cash -= comm_out
        trades.append((s, price, size, x, out, comm_in + comm_out))
        k = next_list[k] if next_list is not None else bisect_left(entry_list, g, k + 1)
    run.cash = cash
    return run


def equity_curve(bars: BarArrays, run: TwinRun, costs: CostModel) -> np.ndarray:
    """Equity at every bar's close: cash plus the position marked to the close (Backtrader's broker value)."""
    n = bars.n
    if not run.trades:
        return np.full(n, costs.cash)
    t = np.array(run.trades, dtype=float)
    f = t[:, 0].astype(np.int64) + 1
    p_in, size, x, p_out = t[:, 1], t[:, 2], t[:, 3].astype(np.int64), t[:, 4]
    closed = x >= 0
    g, sc, pc, po = x[closed] + 1, size[closed], p_in[closed], p_out[closed]
    comm = costs.commission_rate
    # A fill bar never hosts two fills (an entry fills at least one bar after the last exit's fill), so
    # plain assignment places every step.
    held = np.zeros(n)
    held[f] = size
    held[g] = -sc
    cash = np.zeros(n)
    cash[f] = -(size * p_in + size * comm * p_in)
    cash[g] = sc * pc + sc * (po - pc) - sc * comm * po
    cash[0] += costs.cash
    np.cumsum(held, out=held)
    np.cumsum(cash, out=cash)
    held *= bars.close
    cash += held
    return cash
