"""The snapshot's array indicators against independent pandas computations and Backtrader's own."""

from __future__ import annotations

import backtrader as bt
import numpy as np
import pandas as pd
import pytest

from rtybt.engine.analysis.indicators import ema, macd, sma, wilder_rsi
from rtybt.engine.data import load_bars
from rtybt.engine.run.feed import make_feed


@pytest.fixture(scope="module")
def walk() -> pd.Series:
    rng = np.random.default_rng(7)
    return pd.Series(100.0 * np.exp(np.cumsum(rng.normal(0.0003, 0.012, 600))))


def pandas_wilder_rsi(close: pd.Series, period: int) -> pd.Series:
    """Textbook Wilder: seed = simple mean of the first `period` moves, then y += (x - y) / period."""
    move = close.diff()
    gain, loss = move.clip(lower=0.0), (-move).clip(lower=0.0)

    def smooth(x: pd.Series) -> pd.Series:
        seeded = pd.concat([pd.Series([x.iloc[1 : period + 1].mean()], index=[x.index[period]]), x.iloc[period + 1 :]])
        return seeded.ewm(alpha=1.0 / period, adjust=False).mean()

    return (100.0 - 100.0 / (1.0 + smooth(gain) / smooth(loss))).reindex(close.index)


def pandas_sma_seeded_ema(x: pd.Series, period: int) -> pd.Series:
    """EMA seeded with the mean of its first `period` defined values (Backtrader's convention)."""
    x = x.dropna()
    seed = pd.Series([x.iloc[:period].mean()], index=[x.index[period - 1]])
    return pd.concat([seed, x.iloc[period:]]).ewm(span=period, adjust=False).mean()


def test_sma_equals_rolling_mean(walk):
    ours = sma(walk.to_numpy(), 20)
    ref = walk.rolling(20).mean().to_numpy()
    assert np.array_equal(np.isnan(ours), np.isnan(ref))
    assert np.allclose(ours[19:], ref[19:], rtol=0, atol=1e-9)


def test_wilder_rsi_equals_textbook_pandas(walk):
    ours = wilder_rsi(walk.to_numpy(), 14)
    ref = pandas_wilder_rsi(walk, 14).to_numpy()
    assert np.isnan(ours[:14]).all() and not np.isnan(ours[14:]).any()
    assert np.allclose(ours[14:], ref[14:], rtol=0, atol=1e-9)


def test_rsi_without_losses_reads_100_and_without_moves_50():
    assert wilder_rsi(np.arange(1.0, 30.0), 14)[-1] == 100.0
    assert wilder_rsi(np.full(30, 5.0), 14)[-1] == 50.0


def test_rsi_is_not_pandas_ewm_span():
    """The trap in NOTES-backtrader: ewm(span=14) is the wrong alpha and reads differently."""
    close = pd.Series(np.r_[np.linspace(100, 120, 30), np.linspace(120, 90, 30)])
    move = close.diff()
    wrong = 100 - 100 / (1 + move.clip(lower=0).ewm(span=14).mean() / (-move).clip(lower=0).ewm(span=14).mean())
    assert abs(wilder_rsi(close.to_numpy(), 14)[-1] - wrong.iloc[-1]) > 1.0


def test_macd_equals_sma_seeded_pandas_emas(walk):
    line, signal = macd(walk.to_numpy(), 12, 26, 9)
    ref_line = pandas_sma_seeded_ema(walk, 12) - pandas_sma_seeded_ema(walk, 26)
    ref_signal = pandas_sma_seeded_ema(ref_line, 9)
    assert np.isnan(line[:25]).all() and np.isnan(signal[: 25 + 8]).all()
    assert np.allclose(line[25:], ref_line.dropna().to_numpy(), rtol=0, atol=1e-9)
    assert np.allclose(signal[33:], ref_signal.to_numpy(), rtol=0, atol=1e-9)


def test_ema_skips_leading_nans():
    values = np.r_[np.nan, np.nan, 1.0, 2.0, 3.0, 4.0]
    out = ema(values, 3)
    assert np.isnan(out[:4]).all()
    # seed = mean(1, 2, 3) = 2 at index 4; next = 2 + 0.5 * (4 - 2) = 3
    assert out[4] == pytest.approx(2.0) and out[5] == pytest.approx(3.0)


class _Record(bt.Strategy):
    def __init__(self):
        self.sma = bt.ind.SMA(self.data.close, period=50)
        self.rsi = bt.ind.RSI(self.data.close, period=14)
        self.macd = bt.ind.MACD(self.data.close)
        self.rows = []

    def next(self):
        self.rows.append((len(self) - 1, self.sma[0], self.rsi[0], self.macd.macd[0], self.macd.signal[0]))


def test_same_values_as_the_backtrader_indicators_the_strategies_use(snapshot_dir):
    """Strategies read bt.ind.SMA/RSI/MACD; the snapshot reads ours: both must say the same on real bars."""
    frame = load_bars("^RUT", snapshot_dir, start=pd.Timestamp("2016-01-01").date(),
                      end=pd.Timestamp("2019-12-31").date()).frame
    cerebro = bt.Cerebro(stdstats=False)
    cerebro.adddata(make_feed(frame, "^RUT"))
    cerebro.addstrategy(_Record)
    rows = np.array(cerebro.run()[0].rows)
    at = rows[:, 0].astype(int)
    close = frame["close"].to_numpy()
    line, signal = macd(close)
    assert len(at) > 900
    assert np.allclose(sma(close, 50)[at], rows[:, 1], rtol=0, atol=1e-8)
    assert np.allclose(wilder_rsi(close, 14)[at], rows[:, 2], rtol=0, atol=1e-8)
    assert np.allclose(line[at], rows[:, 3], rtol=0, atol=1e-8)
    assert np.allclose(signal[at], rows[:, 4], rtol=0, atol=1e-8)
