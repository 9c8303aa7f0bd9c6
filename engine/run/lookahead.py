"""Run stage: the no-look-ahead harness: a strategy run on data cut at a date must repeat the full run up to
that date (used by tests/strategies/test_no_lookahead.py and `rtybt check-strategy`)."""

from __future__ import annotations

from dataclasses import dataclass

import backtrader as bt
import numpy as np
import pandas as pd

from rtybt.engine.config import RunConfig
from rtybt.engine.run.broker import configure
from rtybt.engine.run.feed import make_feed


@dataclass
class Orders:
    created: list[tuple]  # (signal date, side, size) for every order the strategy placed
    fills: list[tuple]  # (signal date, fill date, side, size, price)
    setups: list


def _recording(strategy_cls):
    """A subclass that records every order at creation: an order placed on a cut's last bar never
    fills in the cut run, and that bar is exactly where a peek at the next bar shows."""

    class Recording(strategy_cls):
        def __init__(self):
            super().__init__()
            self.created = []

        def buy(self, *args, **kwargs):
            order = super().buy(*args, **kwargs)
            self._record("buy", order)
            return order

        def sell(self, *args, **kwargs):
            order = super().sell(*args, **kwargs)
            self._record("sell", order)
            return order

        def _record(self, side, order):
            size = float(order.created.size) if order is not None else 0.0
            self.created.append((bt.num2date(self.data.datetime[0]).date(), side, size))

    Recording.__name__ = f"Recording{strategy_cls.__name__}"
    return Recording


def run_orders(strategy_cls, params: dict, frame: pd.DataFrame, config: RunConfig) -> Orders:
    cerebro = bt.Cerebro(stdstats=False, runonce=True, preload=True)
    cerebro.adddata(make_feed(frame, "x"))
    configure(cerebro, config.broker, config.sizing)
    cerebro.addstrategy(_recording(strategy_cls), **params)
    strat = cerebro.run()[0]
    fills = [(f["signal_date"], f["date"], f["side"], f["size"], f["price"]) for f in strat.fills]
    return Orders(strat.created, fills, list(strat.setups))


def cut_positions(n_bars: int, n_cuts: int, first_bar: int = 260) -> list[int]:
    """`n_cuts` distinct cut lengths from `first_bar` (past a 200-bar MA and a 250-bar zone look-back's
    warm-up, where cuts would compare empty lists) to one bar before the end."""
    return sorted({int(x) for x in np.linspace(first_bar, n_bars - 1, n_cuts)})


# The date that places a recorded row before or after a cut: signal date, fill date, setup bar.
_DATE_OF = {"created": lambda row: row[0], "fills": lambda row: row[1], "setups": lambda row: row}


def lookahead_differences(strategy_cls, params: dict, frame: pd.DataFrame, config: RunConfig,
                          cuts: list[int]) -> list[str]:
    """One message per cut where the cut run disagrees with the full run on anything up to the cut:
    orders created, fills (signal date, fill date, side, size, price) or setup bars."""
    full = run_orders(strategy_cls, params, frame, config)
    problems = []
    for length in cuts:
        last = frame.index[length - 1].date()
        cut = run_orders(strategy_cls, params, frame.iloc[:length], config)
        for what, date_of in _DATE_OF.items():
            mine = getattr(cut, what)
            theirs = [row for row in getattr(full, what) if date_of(row) <= last]
            if mine != theirs:
                first_diff = next(
                    (i for i, (a, b) in enumerate(zip(mine, theirs, strict=False)) if a != b), min(len(mine), len(theirs))
                )
                problems.append(
                    f"cut after {last}: {what} differ at #{first_diff}: "
                    f"cut run {mine[first_diff:first_diff + 1]} vs full run {theirs[first_diff:first_diff + 1]}"
                )
    return problems


def synthetic_bars(n: int, seed: int) -> pd.DataFrame:
    """A seeded random walk with regimes (trends, ranges, shocks) and consistent OHLC bars."""
    rng = np.random.default_rng(seed)
    drift = np.repeat(rng.normal(0, 0.002, n // 50 + 1), 50)[:n]
    returns = drift + rng.normal(0, 0.012, n)
    close = 1000 * np.exp(np.cumsum(returns))
    open_ = np.concatenate([[close[0]], close[:-1] * np.exp(rng.normal(0, 0.004, n - 1))])
    high = np.maximum(open_, close) * (1 + np.abs(rng.normal(0, 0.006, n)))
    low = np.minimum(open_, close) * (1 - np.abs(rng.normal(0, 0.006, n)))
    index = pd.bdate_range("2000-01-03", periods=n)
    return pd.DataFrame({"open": open_, "high": high, "low": low, "close": close, "volume": 1e6}, index=index)


# The same series and cut counts as tests/strategies/test_no_lookahead.py.
RUT_WINDOW = ("2013-01-01", "2018-12-31")
CUTS = {"rut": 20, "synthetic": 10}
SYNTHETIC_SEED = 20250508
