"""Target before stop, on hand-made bars where every level and crossing is computed by hand."""

from __future__ import annotations

import pandas as pd

from rtybt.engine.analysis.target_first import LevelRule, target_first


def frame(closes, highs=None):
    highs = highs or [c + 0.5 for c in closes]
    return pd.DataFrame({"open": closes, "high": highs, "low": [c - 0.5 for c in closes], "close": closes},
                        index=pd.bdate_range("2022-03-01", periods=len(closes)), dtype=float)


def test_moving_average_target_and_stop():
    #            0   1   2   3  4  5   6   7
    f = frame([10, 10, 10, 9, 8, 12, 12, 12])
    # MA(3) of closes (target, on highs):  -, -, 10, 9.667, 9, 9.667, 10.667, 12
    # MA(2) of closes (stop, on closes):   -, 10, 10, 9.5, 8.5, 10, 12, 12
    # setup 3 (close 9 < MA3 9.667): session 1 (bar 4) close 8 < 8.5 -> stop at 1; bar 5 high 12.5 >= 9.667 -> target at 2
    # setup 4 (close 8 < MA3 9): session 1 (bar 5) high 12.5 >= 9.667 -> target at 1; closes 12 never below 10, 12, 12
    # setup 7: close 12 is already at its MA3 12 -> above_target, left out of the rates
    result = target_first(f, f.index[[3, 4, 7]], LevelRule("ma", period=3, price="high"),
                          LevelRule("ma", period=2, price="close"), max_sessions=10)
    o = result.outcomes
    assert o["outcome"].tolist() == ["stop", "target", "above_target"]
    assert o["sessions_to_stop"].iloc[0] == 1 and o["sessions_to_target"].iloc[0] == 2
    assert o["sessions_to_target"].iloc[1] == 1 and pd.isna(o["sessions_to_stop"].iloc[1])
    s = result.summary()
    assert (s["target_first"], s["stop_first"], s["neither"], s["above_target_at_setup"]) == (1, 1, 0, 1)
    assert s["judged"] == 2 and s["target_first_rate"] == 0.5 and s["stop_first_rate"] == 0.5
    assert s["median_sessions_to_target"] == 1.0 and s["median_sessions_to_stop"] == 1.0


def test_percentage_levels_and_the_window_limit():
    # Setup on bar 0 (close 100): target high >= 105, stop close < 97.
    f = frame([100, 101, 103, 104, 106], highs=[100, 101, 103, 105, 106])
    target, stop = LevelRule("pct", pct=0.05, price="high"), LevelRule("pct", pct=0.03, price="close")
    hit = target_first(f, f.index[[0]], target, stop, max_sessions=10).outcomes.iloc[0]
    assert hit["outcome"] == "target" and hit["sessions_to_target"] == 3
    # With only two sessions in the window the target (session 3) is out of reach.
    assert target_first(f, f.index[[0]], target, stop, max_sessions=2).outcomes["outcome"].iloc[0] == "neither"


def test_target_and_stop_on_one_session_count_as_stop():
    f = frame([100, 96], highs=[100, 106])  # session 1: high 106 >= 105 and close 96 < 97
    o = target_first(f, f.index[[0]], LevelRule("pct", pct=0.05, price="high"),
                     LevelRule("pct", pct=0.03, price="close")).outcomes.iloc[0]
    assert o["outcome"] == "stop" and o["sessions_to_stop"] == 1 and o["sessions_to_target"] == 1


def test_rules_describe_themselves():
    assert LevelRule("ma", period=200, price="high").describe("target") == \
        "target: the session's high at or above the 200-day MA"
    assert LevelRule("ma", period=50, price="close").describe("stop") == "stop: the session's close below the 50-day MA"


def test_target_first_share_carries_episodes_interval_and_every_day_baseline(monkeypatch):
    import numpy as np
    import pandas as pd

    from rtybt.engine.analysis import standard
    from rtybt.engine.analysis.target_first import target_first, target_first_evidence

    rng = np.random.default_rng(0)
    close = 100 * np.cumprod(1 + 0.0003 + 0.01 * rng.standard_normal(1500))
    index = pd.bdate_range("2000-01-03", periods=1500)
    frame = pd.DataFrame({"open": close, "high": close * 1.005, "low": close * 0.995, "close": close}, index=index)
    setups = index[250::25]
    tf = target_first(frame, setups)
    ev = target_first_evidence(frame, tf, 20, 300, 1, 0.95)
    judged = tf.summary()["judged"]
    assert ev["judged"] == judged and ev["episodes"] == judged  # 25 sessions apart: each its own episode
    assert ev["ci"][0] <= ev["rate"] <= ev["ci"][1] and ev["baseline_rate"] is not None
    few = target_first_evidence(frame, target_first(frame, index[300:310]), 20, 300, 1, 0.95)
    assert few["episodes"] == 1 and few["ci"] == (None, None)
    monkeypatch.setattr(standard, "MIN_EPISODES", 10_000)
    assert target_first_evidence(frame, tf, 20, 300, 1, 0.95)["ci"] == (None, None)
