"""Helpers for strategy tests: a frictionless run of one strategy over a hand-made table."""

from __future__ import annotations

from rtybt.engine.run import RunResult, run_backtest
from tests import conftest


def frictionless(name: str, units: float = 10, data: dict | None = None, **params):
    """A validated config with no costs and fixed size, so fills and P&L can be checked by hand."""
    return conftest.frictionless(name, params, units, **({"data": data} if data else {}))


def run(name: str, frame, data: dict | None = None, **params) -> RunResult:
    return run_backtest(frictionless(name, data=data, **params), frame)


def trade_rows(result: RunResult, frame) -> list[tuple]:
    """(direction, entry signal bar, entry bar, entry price, exit signal bar, exit bar, exit price) per trade."""
    bar = {d: i for i, d in enumerate(frame.index.date)}
    rows = []
    for t in result.trades.itertuples():
        closed = t.status == "closed"
        rows.append((
            t.direction, bar[t.entry_signal_date], bar[t.entry_date], round(t.entry_price, 6),
            bar[t.exit_signal_date] if closed else None, bar[t.exit_date] if closed else None,
            round(t.exit_price, 6) if closed else None,
        ))
    return rows


def setup_bars(result: RunResult, frame) -> list[int]:
    bar = {d: i for i, d in enumerate(frame.index.date)}
    return [bar[d] for d in result.setups]
