"""Twins stage: one long-only position at a time, market orders at the next open; a loop over trades, not bars.

Mirrors NoteStrategy's order bookkeeping: a signal on bar s places one order that fills on bar s + 1
(or is refused for cash, at submission against the signal close or at the fill against the slipped
open); while an order is pending no other signal is acted on; on the fill bar the strategy already
sees the new position, so an exit can be signalled on the very bar an entry filled.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from engine.twins.bars import BarArrays
from engine.twins.costs import CostModel

# exit_rule(entry_signal_bar, fill_bar, fill_price) -> the first bar >= fill_bar whose close signals the
# exit, or None: for exits that depend on the trade (holding periods, stops and targets from the entry).
ExitRule = Callable[[int, int, float], "int | None"]


@dataclass
class Plan:
    """What a twin decides from the parameters alone: where the strategy would enter and exit."""

    first_bar: int  # the first bar whose close Backtrader's next() sees (the indicators' warm-up)
    entry_bars: list[int]  # sorted bars whose close meets the entry condition
    exit_bars: list[int] | None = None  # sorted bars whose close meets the exit condition
    exit_rule: ExitRule | None = None


@dataclass
class TwinRun:
    """Trades as parallel lists of bar numbers and prices, refused orders, and the final cash."""

    entry_signal: list[int] = field(default_factory=list)
    entry_bar: list[int] = field(default_factory=list)
    entry_price: list[float] = field(default_factory=list)
    exit_signal: list[int] = field(default_factory=list)  # -1 while open at the end
    exit_bar: list[int] = field(default_factory=list)
    exit_price: list[float] = field(default_factory=list)
    size: list[float] = field(default_factory=list)
    commission: list[float] = field(default_factory=list)
    refused: list[tuple[int, int, float]] = field(default_factory=list)  # (signal bar, fill bar, size)
    cash: float = 0.0

    @property
    def closed(self) -> int:
        return sum(1 for x in self.exit_signal if x >= 0)


def simulate(bars: BarArrays, plan: Plan, costs: CostModel) -> TwinRun:
    n = bars.n
    opens, highs, lows, closes = bars.open_list, bars.high_list, bars.low_list, bars.close_list
    entries = plan.entry_bars
    exits = plan.exit_bars
    rule = plan.exit_rule
    run = TwinRun()
    cash = costs.cash
    t = plan.first_bar
    while True:
        i = bisect_left(entries, t)
        if i == len(entries):
            break
        s = entries[i]
        if s >= n - 1:
            break  # an order placed on the last bar never fills
        size = costs.entry_size(cash, closes[s])
        if not size:
            t = s + 1  # Strategy.buy() with size 0 places no order
            continue
        f = s + 1
        price = costs.buy_fill(opens[f], highs[f])
        if not (costs.can_open(cash, size, closes[s]) and costs.can_open(cash, size, price)):
            run.refused.append((s, f, size))
            t = f
            continue
        cash -= abs(size) * price
        comm_in = costs.commission(size, price)
        cash -= comm_in
        if rule is not None:
            x = rule(s, f, price)
        else:
            j = bisect_left(exits, f)
            x = exits[j] if j < len(exits) else None
        run.entry_signal.append(s)
        run.entry_bar.append(f)
        run.entry_price.append(price)
        run.size.append(size)
        if x is None or x >= n - 1:
            run.exit_signal.append(-1)
            run.exit_bar.append(n - 1)
            run.exit_price.append(closes[n - 1])
            run.commission.append(comm_in)
            break
        g = x + 1
        out = costs.sell_fill(opens[g], lows[g])
        # BackBroker._execute on a close: the position's cost back, plus the pnl, minus commission.
        cash += abs(size) * price + size * (out - price)
        comm_out = costs.commission(size, out)
        cash -= comm_out
        run.exit_signal.append(x)
        run.exit_bar.append(g)
        run.exit_price.append(out)
        run.commission.append(comm_in + comm_out)
        t = g
    run.cash = cash
    return run


def equity_curve(bars: BarArrays, run: TwinRun, costs: CostModel) -> np.ndarray:
    """Equity at every bar's close: cash plus the position marked to the close (Backtrader's broker value)."""
    n = bars.n
    held = np.zeros(n + 1)
    cash_step = np.zeros(n + 1)
    cash_step[0] = costs.cash
    for k in range(len(run.entry_bar)):
        f, size, p_in = run.entry_bar[k], run.size[k], run.entry_price[k]
        held[f] += size
        cash_step[f] -= abs(size) * p_in + costs.commission(size, p_in)
        if run.exit_signal[k] >= 0:
            g, p_out = run.exit_bar[k], run.exit_price[k]
            held[g] -= size
            cash_step[g] += abs(size) * p_in + size * (p_out - p_in) - costs.commission(size, p_out)
    position = np.cumsum(held[:n])
    cash = np.cumsum(cash_step[:n])
    return cash + position * bars.close
