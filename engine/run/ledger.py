"""Engine stage: the daily ledger (positions.csv) of one run, with its accounting identity checked on every run."""

from __future__ import annotations

import numpy as np
import pandas as pd

# Relative to the larger of equity and notional: Backtrader sums daily cash settlements, the ledger
# multiplies once, so the two agree to float rounding, never to the cent of a real discrepancy.
IDENTITY_RTOL = 1e-9

# The columns and the identity each instrument's ledger satisfies (stated in the README).
LEDGER_IDENTITY = {
    "index": "equity = cash + position value (<symbol> = units x close)",
    "etf": "equity = cash + position value (<symbol> = units x close)",
    "future": "equity = cash + margin + open_pnl (margin = |contracts| x margin per contract; open_pnl = "
              "contracts x (close - average entry price) x multiplier; notional is exposure, not a term)",
}


class LedgerError(RuntimeError):
    """The run's own accounting does not add up: a bug in the engine, never bad input."""


def ledger(run, close: pd.Series, config) -> pd.DataFrame:
    """positions.csv: one row per bar's close; raises LedgerError if the instrument's identity fails."""
    broker = config.broker
    if broker.instrument != "future":
        frame = pd.DataFrame({config.data.symbol: run.position * close, "cash": run.cash, "equity": run.equity})
        residual = frame["equity"] - (frame["cash"] + frame[config.data.symbol])
        scale = np.maximum(frame["equity"].abs(), frame[config.data.symbol].abs())
    else:
        contracts = run.position
        # Backtrader settles a future's P&L into cash every bar; the ledger states it as open P&L since the
        # entry fill instead, so cash moves only on fills (commission, margin posted or released, realised P&L).
        open_pnl = np.where(contracts != 0, contracts * (close - run.entry_price) * broker.multiplier, 0.0)
        frame = pd.DataFrame({
            "contracts": contracts,
            "notional": contracts * close * broker.multiplier,
            "cash": run.cash - open_pnl,
            "margin": contracts.abs() * broker.margin,
            "open_pnl": open_pnl,
            "equity": run.equity,
        })
        residual = frame["equity"] - (frame["cash"] + frame["margin"] + frame["open_pnl"])
        scale = np.maximum(frame["equity"].abs(), frame["notional"].abs())
    bad = residual.abs() > IDENTITY_RTOL * np.maximum(scale, 1.0)
    if bad.any():
        day = frame.index[int(np.argmax(bad.to_numpy()))]
        raise LedgerError(f"ledger does not add up on {day.date()}: {LEDGER_IDENTITY[broker.instrument]} is off by "
                          f"{residual[day]:.6g}")
    return frame
