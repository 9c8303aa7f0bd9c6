"""Fills -> round-trip trades (a trade opens when the position leaves zero and closes when it returns)."""

from __future__ import annotations

import numpy as np
import pandas as pd

TRADE_COLUMNS = [
    "status", "direction", "entry_signal_date", "entry_date", "entry_price", "exit_signal_date",
    "exit_date", "exit_price", "size", "pnl", "commission", "pnl_net", "return_pct", "bars_held",
    "slippage", "exit_reason",
]
END_OF_DATA = "end of data"  # the exit reason of a position still open on the last bar


def build_trades(fills: list[dict], index: pd.DatetimeIndex, last_close: float, multiplier: float,
                 opens: np.ndarray | None = None) -> pd.DataFrame:
    """Pair fills into trades; an open position at the end is one row with status 'open', marked to the last close.

    `slippage`: the money lost to slippage on the trade's fills, |fill price - that bar's open| x size x
    multiplier (every order is a market order filled at the next open), when `opens` is given; it is already
    inside the fill prices, so P&L is unchanged. `exit_reason`: the closing fill's reason (the strategy's),
    "end of data" for a position still open."""
    rows = []
    open_of = dict(zip(index.date, opens, strict=True)) if opens is not None else {}
    position = 0.0
    current: dict | None = None
    bar_of = {d: i for i, d in enumerate(index.date)}
    for fill in fills:
        remaining = fill["size"]
        # A fill that crosses zero (long 10, sell 15) closes one trade and opens the next with the rest;
        # its commission is shared between them pro rata.
        while abs(remaining) > 1e-12:
            if current is None:
                current = {
                    "direction": "long" if remaining > 0 else "short",
                    "entry_signal_date": fill["signal_date"],
                    "entry_date": fill["date"],
                    "cost": 0.0,
                    "opened": 0.0,
                    "proceeds": 0.0,
                    "closed": 0.0,
                    "commission": 0.0,
                    "slippage": 0.0 if opens is not None else np.nan,
                }
            same_way = (remaining > 0) == (current["direction"] == "long")
            if same_way:
                qty = remaining
                current["cost"] += abs(qty) * fill["price"]
                current["opened"] += abs(qty)
            else:
                qty = np.sign(remaining) * min(abs(remaining), abs(position))
                current["proceeds"] += abs(qty) * fill["price"]
                current["closed"] += abs(qty)
                current["exit_signal_date"] = fill["signal_date"]
                current["exit_date"] = fill["date"]
                current["exit_reason"] = fill.get("reason") or "signal"
            current["commission"] += fill["commission"] * abs(qty) / abs(fill["size"])
            if fill["date"] in open_of:
                current["slippage"] += abs(fill["price"] - float(open_of[fill["date"]])) * abs(qty) * multiplier
            position += qty
            remaining -= qty
            if abs(position) < 1e-12:
                rows.append(_finish(current, "closed", None, bar_of, multiplier))
                current, position = None, 0.0
    if current is not None:
        rows.append(_finish(current, "open", last_close, bar_of, multiplier, len(index) - 1))
    return pd.DataFrame(rows, columns=TRADE_COLUMNS)


def _finish(t: dict, status: str, mark: float | None, bar_of: dict, multiplier: float, last_bar: int | None = None) -> dict:
    entry = t["cost"] / t["opened"]
    size = t["opened"]
    if status == "closed":
        exit_price = t["proceeds"] / t["closed"]
        exit_bar = bar_of[t["exit_date"]]
    else:
        exit_price, exit_bar = mark, last_bar
    sign = 1.0 if t["direction"] == "long" else -1.0
    pnl = sign * (exit_price - entry) * size * multiplier
    pnl_net = pnl - t["commission"]
    return {
        "status": status,
        "direction": t["direction"],
        "entry_signal_date": t["entry_signal_date"],
        "entry_date": t["entry_date"],
        "entry_price": entry,
        "exit_signal_date": t.get("exit_signal_date") if status == "closed" else None,
        "exit_date": t.get("exit_date") if status == "closed" else None,
        "exit_price": exit_price if status == "closed" else np.nan,
        "size": sign * size,
        "pnl": pnl,
        "commission": t["commission"],
        "pnl_net": pnl_net,
        "return_pct": pnl_net / (entry * size * multiplier),
        "bars_held": exit_bar - bar_of[t["entry_date"]],
        "slippage": t.get("slippage", np.nan),
        "exit_reason": t.get("exit_reason") if status == "closed" else END_OF_DATA,
    }
