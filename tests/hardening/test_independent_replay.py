"""Independent replay: ma_reclaim and rsi_momentum re-derived with pandas/numpy from their written rules.

Written from the strategy docstrings and Backtrader's documented semantics (signals on a bar's close,
market orders fill at the next bar's open, next() starts once every indicator has its warm-up), not
from the strategy code. The closed-trade list must match Backtrader's exactly on ^RUT, IWM and SPY.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rtybt.engine.config import ValidationPolicy, validate_config
from rtybt.engine.data import load_bars
from rtybt.engine.run import run_backtest


# -- the rules, vectorised --------------------------------------------------------------------
def sma(close: pd.Series, period: int) -> pd.Series:
    return close.rolling(period, min_periods=period).mean()


def wilder_rsi(close: pd.Series, period: int) -> pd.Series:
    """Wilder's RSI seeded with the simple mean of the first `period` moves; 0 loss reads 100, no move 50."""
    diff = close.diff().to_numpy()
    up, down = np.clip(diff, 0, None), np.clip(-diff, 0, None)
    avg_up, avg_down = np.full(len(close), np.nan), np.full(len(close), np.nan)
    if len(close) > period:
        avg_up[period], avg_down[period] = up[1:period + 1].mean(), down[1:period + 1].mean()
        for i in range(period + 1, len(close)):
            avg_up[i] = (avg_up[i - 1] * (period - 1) + up[i]) / period
            avg_down[i] = (avg_down[i - 1] * (period - 1) + down[i]) / period
    with np.errstate(divide="ignore", invalid="ignore"):
        rsi = 100.0 - 100.0 / (1.0 + avg_up / avg_down)
    rsi = np.where((avg_down == 0) & (avg_up > 0), 100.0, rsi)
    rsi = np.where((avg_down == 0) & (avg_up == 0), 50.0, rsi)
    return pd.Series(rsi, index=close.index)


def pair_trades(frame: pd.DataFrame, entry: np.ndarray, exit_: np.ndarray, first_bar: int) -> pd.DataFrame:
    """Long-only, one order at a time: a signal on bar t's close fills at bar t+1's open.

    Entry signals count while flat (from `first_bar`, the first bar every indicator is warm); exit
    signals count from the fill bar on (the position exists at that bar's close). After an exit fill
    the strategy is flat again on that same bar. Only trades whose exit filled are closed trades.
    """
    entries = np.flatnonzero(entry[: len(frame) - 1])  # a signal on the last bar has no bar to fill on
    exits = np.flatnonzero(exit_)
    entries, exits = entries[entries >= first_bar], exits[exits >= first_bar]
    dates, opens = frame.index.date, frame["open"].to_numpy()
    rows, free_from = [], first_bar
    while True:
        k = np.searchsorted(entries, free_from)
        if k == len(entries):
            break
        e = entries[k]
        j = np.searchsorted(exits, e + 1)
        if j == len(exits) or exits[j] + 1 >= len(frame):
            break  # still open at the end
        x = exits[j]
        rows.append((dates[e], dates[e + 1], opens[e + 1], dates[x], dates[x + 1], opens[x + 1]))
        free_from = x + 1
    return pd.DataFrame(rows, columns=["entry_signal_date", "entry_date", "entry_price", "exit_signal_date",
                                       "exit_date", "exit_price"])


def replay_ma_reclaim(frame: pd.DataFrame, ma_period: int, hold_bars: int) -> pd.DataFrame:
    """Entry: the hold_bars-th consecutive close strictly above SMA after a close at or below it.
    Exit: a close strictly below the SMA."""
    close = frame["close"]
    ma = sma(close, ma_period)
    above = (close > ma).to_numpy()
    below_or_at = (close <= ma).to_numpy()  # False while the SMA is still warming up (NaN)
    signal = np.zeros(len(frame), dtype=bool)
    h = hold_bars
    held = np.ones(len(frame) - h, dtype=bool)
    for k in range(h):
        held &= above[h - k: len(frame) - k]
    signal[h:] = held & below_or_at[: len(frame) - h]
    exit_ = (close < ma).to_numpy()
    return pair_trades(frame, signal, exit_, first_bar=ma_period - 1 + h)


def replay_rsi_momentum(frame: pd.DataFrame, rsi_period: int, rsi_min: float, rsi_bullish: float,
                        rsi_exit: float, exit_ma_period: int) -> pd.DataFrame:
    """Entry: RSI crosses strictly above rsi_min (at or below it on the bar before) while <= rsi_bullish.
    Exit: RSI below rsi_exit or the close strictly below SMA(exit_ma_period)."""
    close = frame["close"]
    rsi = wilder_rsi(close, rsi_period)
    prev = rsi.shift(1)
    entry = ((rsi > rsi_min) & (prev <= rsi_min) & (rsi <= rsi_bullish)).to_numpy()
    exit_ = ((rsi < rsi_exit) | (close < sma(close, exit_ma_period))).to_numpy()
    return pair_trades(frame, entry, exit_, first_bar=max(rsi_period + 1, exit_ma_period - 1))


# -- Backtrader, frictionless, never refused -----------------------------------------------------
def backtrader_closed_trades(frame: pd.DataFrame, strategy: str, params: dict) -> pd.DataFrame:
    config = validate_config({
        "strategy": {"name": strategy, "params": params},
        # One unit with ample cash: sizing and margin can never refuse an order.
        "broker": {"cash": 1e9, "commission_rate": 0.0, "slippage_rate": 0.0},
        "sizing": {"method": "fixed_units", "units": 1},
        "benchmark": {"enabled": False},
    }, "replay")
    trades = run_backtest(config, frame).trades
    closed = trades[trades["status"] == "closed"].reset_index(drop=True)
    return closed[["entry_signal_date", "entry_date", "entry_price", "exit_signal_date", "exit_date", "exit_price"]]


@pytest.fixture(scope="session")  # cheap: once per xdist worker, the tests spread over the workers
def frames(snapshot_dir):
    return {s: load_bars(s, snapshot_dir, ValidationPolicy()).frame for s in ("^RUT", "IWM", "SPY")}


CASES = [  # the note's defaults for each strategy, and a second ma_reclaim setting
    ("ma_reclaim", {"ma_period": 50, "hold_bars": 3}, replay_ma_reclaim),
    ("ma_reclaim", {"ma_period": 20, "hold_bars": 1}, replay_ma_reclaim),
    ("rsi_momentum", {"rsi_period": 14, "rsi_min": 55.0, "rsi_bullish": 60.0, "rsi_exit": 45.0,
                      "exit_ma_period": 50}, replay_rsi_momentum),
]


# Each case is a full-history Backtrader run: the note's defaults on all three symbols, a second
# ma_reclaim setting (single-bar reclaim, more trades and more ties near the SMA) on IWM only.
RUNS = [(s, *CASES[0]) for s in ("^RUT", "IWM", "SPY")] + [(s, *CASES[2]) for s in ("^RUT", "IWM", "SPY")] + [
    ("IWM", *CASES[1])]


@pytest.mark.parametrize(("symbol", "strategy", "params", "replay"), RUNS,
                         ids=[f"{r[1]}-{'-'.join(str(v) for v in r[2].values())}-{r[0]}" for r in RUNS])
def test_replay_matches_backtrader_trade_for_trade(frames, symbol, strategy, params, replay):
    frame = frames[symbol]
    expected = replay(frame, **params)
    actual = backtrader_closed_trades(frame, strategy, params)
    assert len(expected) > 20, "too few trades to mean anything"
    pd.testing.assert_frame_equal(actual, expected, check_dtype=False, check_exact=True)


def test_wilder_rsi_is_the_textbook_one():
    # Hand-checkable: 15 closes rising by 1 then one fall of 2: the first RSI is 100 (no loss yet),
    # the next is 100 - 100 / (1 + (13/14) / (2/14)) = 100 - 100 / 7.5.
    close = pd.Series([float(x) for x in range(1, 16)] + [13.0])
    rsi = wilder_rsi(close, 14)
    assert np.isnan(rsi.iloc[13]) and rsi.iloc[14] == 100.0
    assert rsi.iloc[15] == pytest.approx(100 - 100 / 7.5)
