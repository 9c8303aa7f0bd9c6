"""Analogs: readings from the past only, history-scaled nearest states one per episode, planted patterns found."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rtybt.engine.analysis.analogs.nearest import (
    AnalogSettings,
    candidate_pool,
    expanding_scale,
    find_analogs,
    pick_episodes,
    scale_upto,
    state_table,
)
from rtybt.engine.analysis.indicators import sma, wilder_rsi
from rtybt.engine.core.errors import UserError


def walk(n: int, seed: int, start: str = "1990-01-01", drift: float = 0.0003, vol: float = 0.01,
         log_moves: np.ndarray | None = None) -> pd.DataFrame:
    """A seeded random-walk OHLC table (high/low 0.5% around the close)."""
    moves = np.random.default_rng(seed).normal(drift, vol, n) if log_moves is None else log_moves
    close = 1000.0 * np.exp(np.cumsum(moves))
    index = pd.bdate_range(start, periods=n)
    return pd.DataFrame({"open": close, "high": close * 1.005, "low": close * 0.995, "close": close,
                         "volume": 1.0}, index=index)


def test_readings_match_their_definitions_on_one_bar():
    frame = walk(400, seed=1)
    c = frame["close"].to_numpy()
    s = AnalogSettings()
    table = state_table(frame["close"], s)
    t = 350
    fast, slow, rsi = sma(c, 50), sma(c, 200), wilder_rsi(c, 14)
    expected = {
        "dist_fast": c[t] / fast[t] - 1, "dist_slow": c[t] / slow[t] - 1, "fast_slope": fast[t] / fast[t - 5] - 1,
        "rsi": rsi[t], "rsi_change": rsi[t] - rsi[t - 5],
        "realised_vol": np.std(np.diff(np.log(c[t - 20 : t + 1])), ddof=1) * np.sqrt(252),
        "drawdown": c[t] / c[t - 251 : t + 1].max() - 1,
    }
    got = table.readings(t)
    assert got == pytest.approx(expected, rel=1e-12)
    assert not table.valid[250] and table.valid[251]  # the 252-bar high is the longest look-back


def test_readings_use_no_later_bar():
    frame = walk(600, seed=2)
    s = AnalogSettings()
    full = state_table(frame["close"], s).values
    cut = state_table(frame["close"].iloc[:400], s).values
    np.testing.assert_array_equal(full[:400], cut)


def test_expanding_scale_is_the_scale_of_each_prefix():
    frame = walk(900, seed=3)
    table = state_table(frame["close"], AnalogSettings())
    running = expanding_scale(table.values, table.valid)
    for t in (260, 500, 899):
        np.testing.assert_allclose(running[t], scale_upto(table.values, table.valid, t), rtol=1e-9)


def test_one_analog_per_episode_greedy_by_distance():
    positions = np.array([100, 110, 150, 171, 300])
    order = np.array([1, 0, 3, 2, 4])  # nearest first: 110, 100, 171, 150, 300
    taken = positions[pick_episodes(order, positions, k=5, separation=60)]
    # 100 is 10 bars from 110 (same episode); 150 is 40 from 110; 171 is 61 from 110 (a new episode).
    assert taken.tolist() == [110, 171, 300]
    assert positions[pick_episodes(order, positions, k=2, separation=60)].tolist() == [110, 171]


def test_candidates_end_their_window_before_the_date():
    frame = walk(800, seed=4)
    s = AnalogSettings(horizon=60)
    table = state_table(frame["close"], s)
    pool = candidate_pool(table, 700, s)
    assert pool.max() + 60 < 700 and pool.max() == 639 and pool.min() == 251


def _planted(n=4000, seed=5, starts=(600, 1300, 2000, 2700, 3400), length=300):
    rng = np.random.default_rng(seed)
    moves = rng.normal(0.0002, 0.01, n)
    shape = np.concatenate([np.full(150, -0.002), np.full(40, 0.004), np.zeros(length - 190)])
    pattern = shape + np.random.default_rng(seed + 1).normal(0, 0.008, length)
    for start in starts:
        moves[start : start + length] = pattern
    return moves, starts


def test_planted_repeating_pattern_is_found():
    moves, starts = _planted()
    frame = walk(len(moves), seed=0, log_moves=moves)
    offset = 280  # every look-back (252-bar high, 200-day SMA) lies inside the pattern
    query = starts[-1] + offset
    answer = find_analogs(frame, frame["close"].iloc[: query + 1], AnalogSettings(k=4, horizon=60))
    found = sorted(frame.index.get_indexer(pd.to_datetime([a.date for a in answer.analogs])))
    assert found == [s + offset for s in starts[:-1]]
    assert max(a.distance for a in answer.analogs) < 0.05


def test_planted_pattern_found_from_another_series_at_another_price_level():
    moves, starts = _planted()
    history = walk(len(moves), seed=0, log_moves=moves)
    other = np.random.default_rng(9).normal(0.0, 0.012, 600)
    other[200:500] = moves[starts[0] : starts[0] + 300]
    query = walk(len(other), seed=0, start="2015-01-01", log_moves=other)
    query["close"] *= 3.0
    answer = find_analogs(history, query["close"].iloc[: 200 + 280 + 1], AnalogSettings(k=5, horizon=60))
    found = sorted(history.index.get_indexer(pd.to_datetime([a.date for a in answer.analogs])))
    assert found == [s + 280 for s in starts]


def _answer_facts(answer) -> dict:
    return {
        "analogs": [(a.date, a.distance, a.readings, a.calls, a.forward, a.target_outcome, a.path.tolist())
                    for a in answer.analogs],
        "scale": answer.scale, "candidates": answer.candidates, "target": answer.target,
        "fan": answer.fan.to_dict(orient="list"),
        "study": [(h.horizon, h.mean, h.mean_ci, h.baseline_mean, h.hit_rate) for h in answer.study.horizons],
    }


def test_bars_after_the_date_change_nothing():
    frame = walk(3000, seed=7)
    on = 2400
    changed = frame.copy()
    later = changed.index > changed.index[on]
    ramp = np.linspace(1.0, 1.8, later.sum())[:, None]
    changed.loc[later, ["open", "high", "low", "close"]] *= ramp
    s = AnalogSettings(k=10, horizon=40)
    a = find_analogs(frame, frame["close"].iloc[: on + 1], s)
    b = find_analogs(changed, changed["close"].iloc[: on + 1], s)
    assert _answer_facts(a) == _answer_facts(b)
    assert all(x.date < frame.index[on].date() for x in a.analogs)


def test_too_long_a_horizon_is_a_user_error():
    frame = walk(600, seed=8)
    with pytest.raises(UserError, match="--horizon 400"):
        find_analogs(frame, frame["close"], AnalogSettings(horizon=400))
