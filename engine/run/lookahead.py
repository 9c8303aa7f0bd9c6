"""Run stage: the no-look-ahead harness: a strategy run on data cut at a date must repeat the full run up to
that date (used by tests/strategies/test_no_lookahead.py and `rtybt check-strategy`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import backtrader as bt
import numpy as np
import pandas as pd

from rtybt.engine.config import RunConfig
from rtybt.engine.core.errors import StrategyError
from rtybt.engine.run.broker import configure
from rtybt.engine.run.feed import make_feed
from rtybt.engine.run.usercode import user_code


@dataclass
class Orders:
    created: list[tuple]  # (signal date, side, size) for every order the strategy placed
    fills: list[tuple]  # (signal date, fill date, side, size, price)
    setups: list
    error: StrategyError | None = None  # the strategy raised: what it recorded up to then is kept
    error_bar: date | None = None  # the bar it raised on (None: before the first bar, e.g. in __init__)


@dataclass(frozen=True)
class Finding:
    """Where a cut run and the full run first part: the bar (as a date), what differs, and the likely cause."""

    bar: date
    text: str
    cause: str

    def line(self) -> str:
        return f"first differs on {self.bar.isoformat()}: {self.text}; likely cause: {self.cause}"


# What a difference usually means; the harness cannot see the code, only that a decision changed.
PEEK_CAUSE = ("a decision read a later bar (data.close[1] or [+n], .array past the current bar, .get() ahead, "
              "a line indexed ahead), or [-n] on the first n bars, which wraps around to the data's last bars")
RAISE_CAUSE = "a read past the last bar (data.close[1] or [+n] with no bar to read)"


def _recording(strategy_cls):
    """A subclass that records every order at creation: an order placed on a cut's last bar never
    fills in the cut run, and that bar is exactly where a peek at the next bar shows."""

    class Recording(strategy_cls):
        def __init__(self):
            self.bar_num = None
            super().__init__()
            self.created = []

        def next(self):
            # Where an error is raised, if one is: Backtrader's float date, turned into a date only then (a
            # conversion on every bar of every cut run is a tenth of the harness's time).
            self.bar_num = self.data.datetime[0]
            super().next()

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
    Recording.__module__ = strategy_cls.__module__  # a user's class stays the user's (its errors too)
    return Recording


def run_orders(strategy_cls, params: dict, frame: pd.DataFrame, config: RunConfig) -> Orders:
    """One recorded run. A user strategy that raises is not a crash here: the error and its bar are kept,
    since a read past a cut's last bar is exactly how a naive `data.close[1]` shows."""
    cerebro = bt.Cerebro(stdstats=False, runonce=True, preload=True)
    cerebro.adddata(make_feed(frame, "x"))
    configure(cerebro, config.broker, config.sizing)
    recording = _recording(strategy_cls)
    cerebro.addstrategy(recording, **params)
    try:
        with user_code(recording):
            strat = cerebro.run()[0]
    except StrategyError as exc:
        strat = next((s for s in getattr(cerebro, "runningstrats", []) if isinstance(s, recording)), None)
        if strat is None:
            return Orders([], [], [], exc, None)
        bar = None if strat.bar_num is None else bt.num2date(strat.bar_num).date()
        return Orders(list(getattr(strat, "created", [])), _fills(strat), list(strat.setups), exc, bar)
    return Orders(strat.created, _fills(strat), list(strat.setups))


def _fills(strat) -> list[tuple]:
    return [(f["signal_date"], f["date"], f["side"], f["size"], f["price"]) for f in getattr(strat, "fills", [])]


def cut_positions(n_bars: int, n_cuts: int, first_bar: int = 260) -> list[int]:
    """`n_cuts` distinct cut lengths from `first_bar` (past a 200-bar MA and a 250-bar zone look-back's
    warm-up, where cuts would compare empty lists) to one bar before the end."""
    return sorted({int(x) for x in np.linspace(first_bar, n_bars - 1, n_cuts)})


# The date that places a recorded row before or after a cut: signal date, fill date, setup bar.
_DATE_OF = {"created": lambda row: row[0], "fills": lambda row: row[1], "setups": lambda row: row}


def _row_text(what: str, row) -> str:
    """A recorded row in words (dates as YYYY-MM-DD, no Python literals)."""
    if what == "created":
        return f"{row[1]} order of {abs(row[2]):g} signalled on {row[0].isoformat()}"
    if what == "fills":
        return (f"{row[2]} fill of {abs(row[3]):g} at {row[4]:,.2f} on {row[1].isoformat()} "
                f"(signalled {row[0].isoformat()})")
    return f"a setup on {row.isoformat()}"


def lookahead_findings(strategy_cls, params: dict, frame: pd.DataFrame, config: RunConfig,
                       cuts: list[int]) -> list[Finding]:
    """One finding per cut where the cut run disagrees with the full run on anything up to the cut:
    orders created, fills (signal date, fill date, side, size, price), setup bars, or an error the cut run
    raises and the full run does not. A strategy that raises the same way whatever the cut is not peeking:
    it is broken, and its StrategyError is raised."""
    full = run_orders(strategy_cls, params, frame, config)
    findings = []
    for length in cuts:
        last = frame.index[length - 1].date()
        cut = run_orders(strategy_cls, params, frame.iloc[:length], config)
        if cut.error is not None and _too_short(cut.error):
            continue  # the cut holds fewer bars than an indicator's warm-up: it tells nothing about peeking
        if cut.error is not None:
            if full.error is None or (full.error_bar is not None and cut.error_bar is not None
                                      and full.error_bar > cut.error_bar):
                bar = cut.error_bar or last
                findings.append(Finding(bar, f"cut after {last}: the cut run raises {_raised(cut.error)} on "
                                        f"{bar.isoformat()}, the full run does not", RAISE_CAUSE))
            continue
        for what, date_of in _DATE_OF.items():
            mine = getattr(cut, what)
            theirs = [row for row in getattr(full, what) if date_of(row) <= last]
            if mine == theirs:
                continue
            i = next((i for i, (a, b) in enumerate(zip(mine, theirs, strict=False)) if a != b),
                     min(len(mine), len(theirs)))
            rows = [row for row in (mine[i:i + 1] + theirs[i:i + 1])]
            bar = min(date_of(row) for row in rows)
            said = [f"{side} run: {_row_text(what, r[0]) if r else 'nothing'}"
                    for side, r in (("cut", mine[i:i + 1]), ("full", theirs[i:i + 1]))]
            findings.append(Finding(bar, f"cut after {last}: {what} differ at #{i}: {'; '.join(said)}", PEEK_CAUSE))
            break
    if not findings and full.error is not None:
        raise full.error
    return findings


def _too_short(error: StrategyError) -> bool:
    """Backtrader's own complaint when a data series is shorter than an indicator's period: it cannot fill the
    indicator's buffer ("array assignment index out of range"). A peek reads past the end instead ("array index
    out of range"), so the two are told apart by the message."""
    cause = error.__cause__
    return isinstance(cause, IndexError) and "assignment index out of range" in str(cause)


def _raised(error: StrategyError) -> str:
    """'IndexError: array index out of range at peek.py:8 in next': what the strategy raised, and where."""
    import re

    cause = error.__cause__
    what = f"{cause.__class__.__name__}: {cause}" if cause is not None else str(error)
    where = re.match(r"^(\S+:\d+ in \w+)", str(error))
    return f"{what} at {where.group(1)}" if where else what


def first_finding(findings: list[Finding]) -> Finding | None:
    """The finding with the earliest bar: where the strategy first decides with bars it cannot have seen."""
    return min(findings, key=lambda f: f.bar) if findings else None


def lookahead_differences(strategy_cls, params: dict, frame: pd.DataFrame, config: RunConfig,
                          cuts: list[int]) -> list[str]:
    """`lookahead_findings` as one message per differing cut."""
    return [f.text for f in lookahead_findings(strategy_cls, params, frame, config, cuts)]


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
