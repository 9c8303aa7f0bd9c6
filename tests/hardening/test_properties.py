"""Property tests (hypothesis): the loader never crashes on shuffled, duplicated or gapped files, and the
indicators (Backtrader's and the array ones) agree with their pandas definitions on any series."""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import backtrader as bt
import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rtybt.engine.analysis.indicators import sma as array_sma
from rtybt.engine.analysis.indicators import wilder_rsi as array_rsi
from rtybt.engine.config import ValidationPolicy
from rtybt.engine.core.errors import UserError
from rtybt.engine.data import load_bars
from rtybt.engine.run.feed import make_feed
from rtybt.strategies.signals import Reclaim, SafeRSI

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# -- the loader and validator ----------------------------------------------------------------------
@st.composite
def damaged_tables(draw):
    """A clean table, then some of: rows shuffled, rows duplicated, rows removed (calendar gaps)."""
    n = draw(st.integers(3, 40))
    closes = draw(st.lists(st.floats(1.0, 5000.0, allow_nan=False), min_size=n, max_size=n))
    dates = pd.bdate_range("2021-01-04", periods=n)
    table = pd.DataFrame({"Date": dates.strftime("%Y-%m-%d"), "Close": closes, "Open": closes,
                          "High": [c * 1.01 for c in closes], "Low": [c * 0.99 for c in closes], "Volume": 100.0})
    keep = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    if draw(st.booleans()):
        table = table[keep]
    if len(table) and draw(st.booleans()):
        extra = draw(st.lists(st.integers(0, len(table) - 1), max_size=4))
        table = pd.concat([table, table.iloc[extra]])
    if draw(st.booleans()):
        table = table.sample(frac=1.0, random_state=draw(st.integers(0, 2**16)))
    return table.reset_index(drop=True)


POLICIES = st.sampled_from([ValidationPolicy(), ValidationPolicy(duplicates="drop", unsorted="sort")])


@FAST
@given(table=damaged_tables(), policy=POLICIES)
def test_loader_loads_correctly_or_refuses_in_one_line(table, policy):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "PROP.csv"
        table.to_csv(path, index=False)
        dates = pd.to_datetime(table["Date"])
        duplicated, unsorted = dates.duplicated().any(), not dates.is_monotonic_increasing
        try:
            bars = load_bars("PROP", tmp, policy, allow_download=False)
        except UserError as exc:
            message = str(exc)
            assert "\n" not in message and str(path) in message
            unique = dates.drop_duplicates()
            forbidden = (duplicated and policy.duplicates == "error") or (unsorted and policy.unsorted == "error")
            # Only a problem the policy forbids, or too little data left, is a reason to refuse.
            assert forbidden or len(unique) < 2, message
            return
        assert not (duplicated and policy.duplicates == "error") and not (unsorted and policy.unsorted == "error")
        # Loaded correctly: the distinct dates, sorted, each with the values of its first row in the file.
        expected = table.assign(Date=dates).drop_duplicates("Date").sort_values("Date", kind="stable")
        frame = bars.frame
        assert frame.index.is_monotonic_increasing and frame.index.is_unique
        assert list(frame.index) == list(expected["Date"])
        np.testing.assert_array_equal(frame["close"].to_numpy(), expected["Close"].to_numpy())
        np.testing.assert_array_equal(frame["high"].to_numpy(), expected["High"].to_numpy())


# -- indicators against their pandas definitions ---------------------------------------------------
def pandas_sma(close: pd.Series, period: int) -> pd.Series:
    return close.rolling(period).mean()


def pandas_wilder_rsi(close: pd.Series, period: int) -> pd.Series:
    """Wilder: averages seeded with the mean of the first `period` moves, then ewm(alpha=1/period)."""
    move = close.diff()
    out = pd.Series(np.nan, index=close.index)
    if len(close) <= period:
        return out

    def smoothed(x: pd.Series) -> pd.Series:
        seeded = pd.concat([pd.Series([x.iloc[1:period + 1].mean()]), x.iloc[period + 1:]])
        return seeded.ewm(alpha=1.0 / period, adjust=False).mean().to_numpy()

    gain, loss = smoothed(move.clip(lower=0)), smoothed((-move).clip(lower=0))
    with np.errstate(divide="ignore", invalid="ignore"):
        rsi = np.where(loss == 0, np.where(gain == 0, 50.0, 100.0), 100.0 - 100.0 / (1.0 + gain / loss))
    out.iloc[period:] = rsi
    return out


def exact_sma(close: pd.Series, period: int) -> pd.Series:
    """SMA with an exactly rounded sum: ties between a close and its average are decided exactly."""
    values = close.to_numpy()
    out = [math.fsum(values[i - period + 1:i + 1]) / period if i >= period - 1 else np.nan for i in range(len(values))]
    return pd.Series(out, index=close.index)


def pandas_reclaim(close: pd.Series, period: int, hold: int) -> pd.Series:
    """The hold-th consecutive close strictly above the SMA after a close at or below it."""
    ma = exact_sma(close, period)
    above = (close > ma).astype(int)
    held = above.rolling(hold).sum() == hold
    return (held & (close.shift(hold) <= ma.shift(hold))).astype(float)


class Recorder(bt.Strategy):
    params = (("period", 5), ("hold", 2))

    def __init__(self):
        self.sma = bt.ind.SMA(self.data.close, period=self.p.period)
        self.rsi = SafeRSI(self.data.close, period=self.p.period)
        self.reclaim = Reclaim(self.data, ma_period=self.p.period, hold_bars=self.p.hold)

    def stop(self):
        # Lines are full after a preloaded runonce pass: read every bar's value at the end.
        n = len(self.data)
        self.values = {name: np.array([line[-n + 1 + i] for i in range(n)])
                       for name, line in (("sma", self.sma), ("rsi", self.rsi), ("reclaim", self.reclaim.signal))}


def backtrader_lines(close: pd.Series, period: int, hold: int) -> dict[str, np.ndarray]:
    frame = pd.DataFrame({"open": close, "high": close, "low": close, "close": close, "volume": 1.0})
    cerebro = bt.Cerebro(stdstats=False)
    cerebro.adddata(make_feed(frame, "X"))
    cerebro.addstrategy(Recorder, period=period, hold=hold)
    return cerebro.run()[0].values


# Closes on a coarse grid make ties with the average (and flat, zero-loss stretches) common.
series = st.integers(25, 60).flatmap(
    lambda n: st.lists(st.integers(95, 105).map(float) | st.floats(90, 110), min_size=n, max_size=n))


@FAST
@given(closes=series, period=st.integers(2, 12), hold=st.integers(1, 4))
def test_backtrader_indicators_match_pandas(closes, period, hold):
    close = pd.Series(closes, index=pd.bdate_range("2020-01-01", periods=len(closes)))
    got = backtrader_lines(close, period, hold)
    warm = period + hold  # from here on every line is defined in both
    np.testing.assert_allclose(got["sma"][period - 1:], pandas_sma(close, period).to_numpy()[period - 1:],
                               rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(got["rsi"][period:], pandas_wilder_rsi(close, period).to_numpy()[period:],
                               rtol=1e-9, atol=1e-7)
    np.testing.assert_array_equal(got["reclaim"][warm:], pandas_reclaim(close, period, hold).to_numpy()[warm:])


@FAST
@given(closes=series, period=st.integers(2, 20))
def test_array_indicators_match_pandas(closes, period):
    close = pd.Series(closes)
    np.testing.assert_allclose(array_sma(close.to_numpy(), period), pandas_sma(close, period).to_numpy(),
                               rtol=1e-12, atol=1e-9, equal_nan=True)
    np.testing.assert_allclose(array_rsi(close.to_numpy(), period), pandas_wilder_rsi(close, period).to_numpy(),
                               rtol=1e-9, atol=1e-7, equal_nan=True)
