"""target_first answers every setup's window from one pass over the bars: the same table, cell for cell and type for
type, as searching each setup's window on its own (the definition, written out below)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rtybt.engine.analysis.event_study import setup_positions
from rtybt.engine.analysis.target_first import LevelRule, outcome_of, target_first


def window_by_window(frame, setup_dates, target, stop, max_sessions) -> pd.DataFrame:
    """Each setup's window searched on its own: the first session whose price crosses that session's level."""
    def first(hits):
        idx = np.flatnonzero(hits)
        return int(idx[0]) + 1 if len(idx) else None

    close = frame["close"]
    closes = close.to_numpy(dtype=float)
    ma_target = target.ma(close) if target.kind == "ma" else None
    ma_stop = stop.ma(close) if stop.kind == "ma" else None
    target_price = frame[target.price].to_numpy(dtype=float)
    stop_price = frame[stop.price].to_numpy(dtype=float)
    rows = []
    for pos in setup_positions(frame.index, setup_dates):
        window = slice(pos + 1, min(pos + 1 + max_sessions, len(frame)))
        t_level = ma_target[window] if ma_target is not None else target.fixed_level(closes[pos], "target")
        s_level = ma_stop[window] if ma_stop is not None else stop.fixed_level(closes[pos], "stop")
        t_hit, s_hit = first(target_price[window] >= t_level), first(stop_price[window] < s_level)
        level_at_setup = ma_target[pos] if ma_target is not None else target.fixed_level(closes[pos], "target")
        rows.append({"date": frame.index[pos].date(), "outcome": outcome_of(closes[pos], level_at_setup, t_hit, s_hit),
                     "sessions_to_target": t_hit, "sessions_to_stop": s_hit})
    return pd.DataFrame(rows, columns=["date", "outcome", "sessions_to_target", "sessions_to_stop"])


@pytest.mark.parametrize("seed", range(2))
def test_one_pass_equals_each_window_on_its_own(seed):
    rng = np.random.default_rng(seed)
    outcomes = set()
    for _ in range(30):
        n = int(rng.integers(1, 300))
        close = 100 * np.cumprod(1 + 0.02 * rng.standard_normal(n))
        frame = pd.DataFrame({"open": close, "high": close * (1 + 0.01 * rng.random(n)), "low": close * 0.99,
                              "close": close}, index=pd.bdate_range("2001-01-01", periods=n))
        setups = frame.index[np.sort(rng.choice(n, int(rng.integers(0, n + 1)), replace=False))]

        def rule():
            price = str(rng.choice(["close", "high", "low"]))
            if rng.random() < 0.25:
                return LevelRule("pct", pct=float(rng.random() * 0.1), price=price)
            return LevelRule("ma", period=int(rng.integers(1, 60)), price=price)

        target, stop, sessions = rule(), rule(), int(rng.integers(1, 400))
        expected = window_by_window(frame, setups, target, stop, sessions)
        got = target_first(frame, setups, target, stop, sessions).outcomes
        pd.testing.assert_frame_equal(got, expected, check_exact=True)
        assert [type(d) for d in got["date"]] == [type(d) for d in expected["date"]]
        outcomes |= set(expected["outcome"])
    assert outcomes == {"above_target", "stop", "target", "neither"}  # every branch was compared


def test_one_pass_on_the_snapshot_history(snapshot_dir):
    raw = pd.read_csv(snapshot_dir / "^RUT.csv", index_col="Date", parse_dates=True)
    frame = raw.rename(columns=str.lower)[["open", "high", "low", "close"]]
    days = frame.index[::7]
    for target, stop, sessions in [(LevelRule("ma", period=200, price="high"), LevelRule("ma", period=50), 60),
                                   (LevelRule("pct", pct=0.05, price="high"), LevelRule("ma", period=50), 250)]:
        pd.testing.assert_frame_equal(target_first(frame, days, target, stop, sessions).outcomes,
                                      window_by_window(frame, days, target, stop, sessions), check_exact=True)
