"""Twins stage: the parity contract: a twin's fills, closed trades and equity against a Backtrader run."""

from __future__ import annotations

import numpy as np
import pandas as pd

from rtybt.strategies.base import NOT_ORDERED

EQUITY_RTOL = 1e-9
# engine.run.trades averages fill prices (cost / size), which can move the last bit: trades get a hair of tolerance,
# the raw fills none.
TRADE_PRICE_RTOL = 1e-12


def reported_price(size: float, price: float) -> float:
    """The price Backtrader reports for a one-bit fill: OrderData.addbit's (0 + size * price) / size."""
    return float((0.0 + size * price) / size)


def twin_fills(trades: pd.DataFrame) -> list[tuple]:
    """(date, side, size, price) of every fill implied by a twin's trade list, as Backtrader reports them."""
    fills = []
    for t in trades.itertuples():
        size = float(abs(t.size))
        fills.append((t.entry_date, "buy", size, reported_price(size, t.entry_price)))
        if t.status == "closed":
            fills.append((t.exit_date, "sell", size, reported_price(-size, t.exit_price)))
    return fills


def differences(bt_transactions: pd.DataFrame, bt_trades: pd.DataFrame, bt_equity: pd.Series,
                twin_trades: pd.DataFrame, twin_equity: pd.Series, limit: int = 5) -> list[str]:
    """Every way the twin differs from Backtrader (empty when they agree), first differences first."""
    out: list[str] = []
    bt_fills = [
        (r.date, r.side, float(abs(r.size)), float(r.price)) for r in bt_transactions.itertuples()
    ]
    tw_fills = twin_fills(twin_trades)
    if len(bt_fills) != len(tw_fills):
        out.append(f"fills: Backtrader {len(bt_fills)}, twin {len(tw_fills)}")
    for a, b in zip(bt_fills, tw_fills, strict=False):
        if a != b:
            out.append(f"first differing fill: Backtrader {a}, twin {b}")
            break
    bt_closed = bt_trades[bt_trades["status"] == "closed"]
    tw_closed = twin_trades[twin_trades["status"] == "closed"]
    if len(bt_closed) != len(tw_closed):
        out.append(f"closed trades: Backtrader {len(bt_closed)}, twin {len(tw_closed)}")
    else:
        keys = ["entry_signal_date", "entry_date", "exit_signal_date", "exit_date"]
        same_dates = (bt_closed[keys].to_numpy() == tw_closed[keys].to_numpy()).all(axis=1)
        prices_a = bt_closed[["entry_price", "exit_price", "size"]].to_numpy(dtype=float)
        prices_b = tw_closed[["entry_price", "exit_price", "size"]].to_numpy(dtype=float)
        same_prices = np.isclose(prices_a, prices_b, rtol=TRADE_PRICE_RTOL, atol=0.0).all(axis=1)
        for k in np.flatnonzero(~(same_dates & same_prices))[:limit]:
            out.append(
                f"closed trade {k}: Backtrader {tuple(bt_closed.iloc[k][keys])} {tuple(prices_a[k])}, "
                f"twin {tuple(tw_closed.iloc[k][keys])} {tuple(prices_b[k])}"
            )
    if len(bt_equity) != len(twin_equity):
        out.append(f"equity bars: Backtrader {len(bt_equity)}, twin {len(twin_equity)}")
    else:
        a, b = bt_equity.to_numpy(dtype=float), twin_equity.to_numpy(dtype=float)
        rel = np.abs(a - b) / np.abs(a)
        worst = int(np.argmax(rel)) if len(rel) else 0
        if len(rel) and not rel[worst] <= EQUITY_RTOL:
            out.append(
                f"equity on {bt_equity.index[worst].date()}: Backtrader {a[worst]!r}, twin {b[worst]!r} "
                f"(relative {rel[worst]:.1e} > {EQUITY_RTOL:g})"
            )
    return out


def result_differences(bt_result, twin_result) -> list[str]:
    """differences() for an engine.run.RunResult and an engine.twins.run.TwinResult."""
    out = differences(bt_result.transactions, bt_result.trades, bt_result.equity, twin_result.trades,
                      twin_result.equity)
    # Signals the sizer turned into no order are rows too; the twin skips those without a record.
    refused_bt = int((bt_result.order_issues["status"] != NOT_ORDERED).sum())
    if refused_bt != len(twin_result.refused):
        out.append(f"refused orders: Backtrader {refused_bt}, twin {len(twin_result.refused)}")
    return out
