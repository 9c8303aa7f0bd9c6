"""Analogs' walk-forward score: past data only, Brier arithmetic, and a random predictor scores at the base rate."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rtybt.engine.analysis.analogs.nearest import AnalogSettings
from rtybt.engine.analysis.analogs.score import month_end_positions, score, score_call, walk_forward
from tests.engine.analysis.test_analogs import walk

FAST = AnalogSettings(k=20, horizon=60, n_boot=500)


def test_month_ends_are_the_last_bar_of_each_month():
    index = pd.DatetimeIndex(["1999-12-30", "1999-12-31", "2000-01-28", "2000-01-31", "2000-02-01", "2000-02-29",
                              "2000-03-01"])
    assert month_end_positions(index, pd.Timestamp("2000-01-01").date()).tolist() == [3, 5]


def test_brier_and_hit_rate_by_hand():
    p = np.array([0.9, 0.2, 0.6, 0.4] * 5)
    clim = np.full(20, 0.5)
    outcome = np.array([1.0, 0.0, 0.0, 1.0] * 5)
    c = score_call("q", p, clim, outcome, np.arange(20) * 30, 20, FAST)
    assert c.brier == pytest.approx((0.01 + 0.04 + 0.36 + 0.36) / 4)
    assert c.climatology_brier == pytest.approx(0.25)
    assert c.skill == pytest.approx(1 - 0.1925 / 0.25)
    assert c.hit_rate == pytest.approx(0.5) and c.base_rate == pytest.approx(0.5)
    assert c.climatology_hit_rate == pytest.approx(0.5)  # 0.5 is not above one half: always "no"
    low, high = c.skill_ci
    assert low <= c.skill <= high


def test_rows_use_the_past_only():
    frame = walk(7000, seed=11)
    rows = walk_forward(frame, FAST)
    cut_at = frame.index[5200]
    cut = walk_forward(frame.loc[:cut_at], FAST)
    full = rows[rows["date"] <= cut_at.date()]
    cols = ["date", "position", "p_up", "clim_up", "p_target", "clim_target", "analogs", "analogs_judged"]
    pd.testing.assert_frame_equal(full[cols].reset_index(drop=True), cut[cols].reset_index(drop=True))
    known = cut["up"].notna()
    np.testing.assert_array_equal(full["up"][known.to_numpy()], cut["up"][known])
    # A score "before" a date keeps only outcomes known by then, so it matches the cut run's score.
    assert score(rows, "X", FAST, before=cut_at.date()) == score(cut, "X", FAST, before=cut_at.date())


def test_random_analogs_score_at_the_base_rate():
    frame = walk(8000, seed=12, drift=0.0004)
    rows = walk_forward(frame, FAST, select="random", seed=3)
    s = score(rows, "RANDOM", FAST)
    d = s.direction
    assert d.month_ends > 200
    low, high = d.hit_rate_ci
    assert low <= d.climatology_hit_rate <= high
    assert abs(d.hit_rate - d.climatology_hit_rate) < 0.06
    assert d.verdict != "skill" and s.target.verdict != "skill"
    assert "have had skill" not in s.sentence


def test_a_predictor_that_knows_the_future_shows_skill():
    frame = walk(8000, seed=12, drift=0.0004)
    rows = walk_forward(frame, FAST)
    rows["p_up"] = rows["up"].fillna(0.5)  # an oracle: the scoring must tell it apart from the base rate
    s = score(rows, "ORACLE", FAST)
    assert s.direction.verdict == "skill" and s.direction.hit_rate == 1.0
    assert s.sentence.startswith("Analogs have had skill on ORACLE for the 20-session direction")
