"""Fills -> round-trip trades (a trade opens when the position leaves zero and closes when it returns)."""

from __future__ import annotations

import numpy as np
import pandas as pd

TRADE_COLUMNS = [
    "status", "direction", "entry_signal_date", "entry_date", "entry_price", "exit_signal_date",
    "exit_date", "exit_price", "size", "pnl", "commission", "pnl_net", "return_pct", "bars_held",
]


def build_trades(fills: list[dict], index: pd.DatetimeIndex, last_close: float, multiplier: float) -> pd.DataFrame:
    """Pair fills into trades; an open position at the end is one row with status 'open', marked to the last close."""
    rows = []
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
            current["commission"] += fill["commission"] * abs(qty) / abs(fill["size"])
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
    }
