"""The signal indicators against independent numpy/pandas computations on real ^RUT bars and small tables."""

from __future__ import annotations

from datetime import date

import backtrader as bt
import numpy as np
import pandas as pd
import pytest

from rtybt.engine.data import load_bars
from rtybt.engine.run.feed import make_feed
from rtybt.strategies.signals import (
    Breakout,
    ClosesAbove,
    ConsecutiveAbove,
    CrossAbove,
    Rejection,
    SafeRSI,
)
from tests.conftest import bars_frame


def wilder_rsi(close: np.ndarray, period: int) -> np.ndarray:
    """Textbook Wilder RSI: averages seeded with the simple mean of the first `period` moves."""
    moves = np.diff(close)
    up, down = np.clip(moves, 0, None), np.clip(-moves, 0, None)
    out = np.full(len(close), np.nan)
    avg_up, avg_down = up[:period].mean(), down[:period].mean()
    for i in range(period, len(close)):
        if i > period:
            avg_up = (avg_up * (period - 1) + up[i - 1]) / period
            avg_down = (avg_down * (period - 1) + down[i - 1]) / period
        out[i] = 100.0 if avg_down == 0 else 100.0 - 100.0 / (1.0 + avg_up / avg_down)
    return out


def sma_seeded_ema(values: np.ndarray, period: int, first: int) -> np.ndarray:
    """EMA with alpha 2/(period+1) seeded by the simple mean of its first `period` values from `first` on."""
    out = np.full(len(values), np.nan)
    seed = first + period - 1
    out[seed] = values[first : seed + 1].mean()
    alpha = 2.0 / (period + 1)
    for i in range(seed + 1, len(values)):
        out[i] = out[i - 1] + alpha * (values[i] - out[i - 1])
    return out


class _Lines(bt.Strategy):
    def __init__(self):
        self.rsi = SafeRSI(self.data.close, period=14)
        self.macd = bt.ind.MACD(self.data.close, period_me1=12, period_me2=26, period_signal=9)
        self.rows = []

    def next(self):
        self.rows.append((len(self) - 1, self.rsi[0], self.macd.macd[0], self.macd.signal[0]))


@pytest.fixture(scope="module")
def rut_lines(snapshot_dir):
    bars = load_bars("^RUT", snapshot_dir, None, date(1987, 9, 10), date(1993, 12, 31), allow_download=False)
    frame = bars.frame
    cerebro = bt.Cerebro(stdstats=False)
    cerebro.adddata(make_feed(frame, "^RUT"))
    cerebro.addstrategy(_Lines)
    rows = np.array(cerebro.run()[0].rows)
    return frame["close"].to_numpy(), rows


def test_safe_rsi_is_wilders_rsi(rut_lines):
    close, rows = rut_lines
    expected = wilder_rsi(close, 14)
    idx = rows[:, 0].astype(int)
    np.testing.assert_allclose(rows[:, 1], expected[idx], rtol=0, atol=1e-9)


class _Rsi(bt.Strategy):
    def __init__(self):
        self.rsi = SafeRSI(self.data.close, period=3)
        self.rows = []

    def next(self):
        self.rows.append(self.rsi[0])


@pytest.mark.parametrize("closes, expected", [([10, 11, 12, 13, 14], 100.0), ([10, 10, 10, 10, 10], 50.0)])
def test_safe_rsi_without_losses_or_moves(closes, expected):
    # no down move: average loss 0 -> 100; no move at all: 0 / 0 -> 50 (plain RSI would divide by zero)
    cerebro = bt.Cerebro(stdstats=False)
    cerebro.adddata(make_feed(bars_frame(closes), "t"))
    cerebro.addstrategy(_Rsi)
    assert cerebro.run()[0].rows == [expected, expected]


def test_macd_matches_sma_seeded_emas(rut_lines):
    close, rows = rut_lines
    fast, slow = sma_seeded_ema(close, 12, 0), sma_seeded_ema(close, 26, 0)
    macd = fast - slow
    signal = sma_seeded_ema(macd, 9, 25)
    idx = rows[:, 0].astype(int)
    np.testing.assert_allclose(rows[:, 2], macd[idx], atol=1e-9)
    np.testing.assert_allclose(rows[:, 3], signal[idx], atol=1e-9)
    # pandas' ewm(adjust=False) seeds differently but converges: equal within 1e-6 after 400 bars
    pandas_macd = (pd.Series(close).ewm(span=12, adjust=False).mean() - pd.Series(close).ewm(span=26, adjust=False).mean())
    late = idx > 400
    np.testing.assert_allclose(rows[late, 2], pandas_macd.to_numpy()[idx[late]], atol=1e-6)


class _Signals(bt.Strategy):
    params = (("level", 12.0),)

    def __init__(self):
        edge = self.data.close * 0.0 + self.p.level
        self.cross = CrossAbove(self.data.close, level=self.p.level)
        self.brk = Breakout(self.data, edge, margin_pct=1.0)
        self.held = ClosesAbove(self.data, edge, bars=2)
        self.count = ConsecutiveAbove(self.data, edge)
        self.rej = Rejection(self.data, edge, reject_pct=1.0)
        self.rows = []

    def next(self):
        self.rows.append((self.cross.signal[0], self.brk.signal[0], self.held.signal[0], self.count.count[0],
                          self.rej.signal[0]))


def test_small_signals_on_a_table():
    #         bar 0   1   2     3      4   5      6
    closes = [11, 12, 12.1, 12.2, 13, 11.85, 12.5]
    highs = [11.5, 12.5, 12.6, 12.7, 13.5, 12.9, 13]
    frame = bars_frame(closes, highs=highs, lows=[c - 1 for c in closes])
    cerebro = bt.Cerebro(stdstats=False)
    cerebro.adddata(make_feed(frame, "t"))
    cerebro.addstrategy(_Signals)
    rows = cerebro.run()[0].rows
    # level 12: cross above on bar 2 (12 -> 12.1; 12 is a tie, not above) and bar 6 (11.85 -> 12.5);
    # breakout = close > 12.12: bars 3, 4, 6; two prior closes above 12: bars 4 (12.1, 12.2) and 5;
    # consecutive closes above: 0, 0, 1, 2, 3, 0, 1 from bar 0; rejection = high >= 12 and close <= 11.88:
    # bar 5 (12.9 / 11.85) only.
    first = len(closes) - len(rows)
    assert [r[0] for r in rows] == [0, 0, 1, 0, 0, 0, 1][first:]
    assert [r[1] for r in rows] == [0, 0, 0, 1, 1, 0, 1][first:]
    assert [r[2] for r in rows] == [0, 0, 0, 0, 1, 1, 0][first:]
    assert [r[3] for r in rows] == [0, 0, 1, 2, 3, 0, 1][first:]
    assert [r[4] for r in rows] == [0, 0, 0, 0, 0, 1, 0][first:]
    assert first <= 2
