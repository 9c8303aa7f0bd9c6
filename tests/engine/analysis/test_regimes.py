"""Regime labels: known at the setup's close (no look-ahead), hand-checked, and the splits' counts and refusals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rtybt.engine.analysis.bootstrap import MIN_CLUSTERS
from rtybt.engine.analysis.study.cross_market import setup_table
from rtybt.engine.analysis.study.regimes import (
    UNKNOWN,
    decade_labels,
    label_setups,
    regime_splits,
    trend_labels,
    vix_labels,
)
from rtybt.engine.data import load_bars


def test_vix_label_is_the_last_close_on_or_before_the_setup():
    vix = pd.Series([18.0, 20.0, 25.0], index=pd.to_datetime(["2020-01-02", "2020-01-03", "2020-01-07"]))
    dates = pd.to_datetime(["2020-01-01", "2020-01-02", "2020-01-03", "2020-01-06", "2020-01-07"])
    # No VIX yet; 18; exactly 20 is not above; the 6th has no VIX bar, so the 3rd's 20 (never the 7th's 25).
    assert vix_labels(dates, vix, 20) == [UNKNOWN, "VIX <= 20", "VIX <= 20", "VIX <= 20", "VIX > 20"]


def test_trend_label_compares_the_close_with_its_moving_average_including_that_close():
    close = pd.Series([10.0, 11.0, 12.0, 9.0, 13.0], index=pd.bdate_range("2020-01-01", periods=5))
    # SMA(3): -, -, 11, 10.67, 11.33 -> warm-up, warm-up, above, below, above.
    assert trend_labels(close, close.index, 3) == [UNKNOWN, UNKNOWN, "above 3-day MA", "at or below 3-day MA",
                                                   "above 3-day MA"]
    assert decade_labels(pd.to_datetime(["1989-12-29", "1990-01-02", "2025-06-30"])) == ["1980s", "1990s", "2020s"]


def test_labels_do_not_change_when_future_bars_change(snapshot_dir):
    rut = load_bars("^RUT", snapshot_dir).frame["close"]
    vix = load_bars("^VIX", snapshot_dir).frame["close"]
    rng = np.random.default_rng(0)
    setups = sorted(rng.choice(rut.index[250:-30], size=300, replace=False))
    cutoff = setups[150]
    before = setup_table({"^RUT": rut}, {"^RUT": setups}, 20)
    labels = label_setups(before, {"^RUT": rut}, vix, ["vix", "trend", "decade"], 20.0, 200)
    # Every bar after the cutoff changes, of the market and of the VIX.
    future = rut.index > cutoff
    rut2 = rut.where(~future, rut * rng.uniform(0.5, 1.5, len(rut)))
    vix2 = vix.where(vix.index <= cutoff, vix * rng.uniform(0.3, 3.0, len(vix)))
    after = setup_table({"^RUT": rut2}, {"^RUT": setups}, 20)
    labels2 = label_setups(after, {"^RUT": rut2}, vix2, ["vix", "trend", "decade"], 20.0, 200)
    known = labels["date"] <= cutoff
    assert known.sum() == 151
    cols = ["date", "vix", "trend", "decade"]
    pd.testing.assert_frame_equal(labels.loc[known, cols].reset_index(drop=True),
                                  labels2.loc[labels2["date"] <= cutoff, cols].reset_index(drop=True))
    # ...while what happens after the setups (their forward returns) did change: the test can see a change.
    assert not np.allclose(labels.loc[~known, "fwd"], labels2.loc[labels2["date"] > cutoff, "fwd"])
    assert (labels.loc[~known, "trend"].to_numpy() != labels2.loc[labels2["date"] > cutoff, "trend"].to_numpy()).any()


def test_splits_count_setups_days_and_clusters_and_refuse_small_levels():
    days = pd.bdate_range("1997-06-02", periods=6000)  # to 2020-08: a short 2020s
    rng = np.random.default_rng(4)
    close = pd.Series(100 * np.cumprod(1 + rng.normal(0.0003, 0.01, len(days))), index=days)
    setups = sorted(rng.choice(days[:-30], size=120, replace=False))
    table = setup_table({"X": close}, {"X": setups}, 20)
    labelled = label_setups(table, {"X": close}, None, ["decade"], 20.0, 200)
    rows = regime_splits(labelled, ["decade"], 20, 500, 1, 0.95)
    assert [r["level"] for r in rows] == ["1990s", "2000s", "2010s", "2020s"]
    assert sum(r["setups"] for r in rows) == len(table)
    for r in rows:
        assert r["rest_setups"] == len(table) - r["setups"]
        if r["clusters"] < MIN_CLUSTERS:
            assert r["excess_ci"] == [None, None] and r["p_value"] is None and r["excess_mean"] is not None
        else:
            assert r["excess_ci"][0] <= r["excess_mean"] <= r["excess_ci"][1]
    small = [r for r in rows if r["clusters"] < MIN_CLUSTERS]
    assert small and small[0]["difference_ci"] == [None, None]  # too few clusters on one side: no difference CI
    assert any(r["clusters"] >= MIN_CLUSTERS for r in rows)


def test_two_level_split_difference_is_the_one_level_minus_the_other():
    days = pd.bdate_range("2000-01-03", periods=4000)
    rng = np.random.default_rng(9)
    close = pd.Series(100 * np.cumprod(1 + rng.normal(0.0003, 0.01, len(days))), index=days)
    vix = pd.Series(rng.uniform(10, 30, len(days)), index=days)
    setups = sorted(rng.choice(days[:-30], size=200, replace=False))
    labelled = label_setups(setup_table({"X": close}, {"X": setups}, 20), {"X": close}, vix, ["vix"], 20.0, 200)
    low, high = regime_splits(labelled, ["vix"], 20, 500, 1, 0.95)
    assert (low["level"], high["level"]) == ("VIX <= 20", "VIX > 20")
    assert low["difference"] == pytest.approx(low["excess_mean"] - high["excess_mean"], abs=1e-12)
    assert low["difference"] == pytest.approx(-high["difference"], abs=1e-12)


def _row(regime, level, diff, low, high, p=None):
    return {"regime": regime, "level": level, "difference": diff, "difference_ci": [low, high],
            "difference_p_value": p, "difference_p_adjusted": None}


def test_regime_sentence_counts_a_two_level_split_once_and_names_what_holds_after_holm():
    from rtybt.engine.analysis.study.study import adjust_family
    from rtybt.engine.analysis.study.study_verdict import regime_sentence

    rows = [_row("trend", "above 200-day MA", -0.02, -0.04, -0.004, 0.001),
            _row("trend", "at or below 200-day MA", 0.02, 0.004, 0.04, 0.001),
            _row("trend", "no label", None, None, None),
            _row("decade", "1980s", 0.01, None, None), _row("decade", "1990s", 0.01, -0.01, 0.03, 0.3),
            _row("decade", "2000s", -0.01, -0.03, 0.01, 0.4), _row("decade", "2010s", 0.0, -0.02, 0.02, 0.5)]
    for r in rows:
        r["p_value"] = r["difference_p_value"]
    adjust_family(rows)
    assert regime_sentence(rows, "X alone", 20, 0.95) == (
        "By regime (X alone, 20 sessions): above 200-day MA (-2.00% against the rest, 95% CI -4.00% to -0.40%, "
        "p 0.001, adjusted 0.004) — 1 of 4 comparisons, after Holm's correction.")
    # A raw p of 0.02 excludes zero alone, but not after Holm over the four comparisons.
    rows[0]["difference_p_value"] = rows[1]["difference_p_value"] = 0.02
    adjust_family(rows)
    assert "no split's excess differs from the rest's at 95% confidence after Holm's correction for the 4 " \
        "comparisons" in regime_sentence(rows, "X alone", 20, 0.95)
    calm = [r for r in rows if r["regime"] == "decade"]
    assert regime_sentence(calm, "all", 20, 0.95) == (
        "By regime (all, 20 sessions): no split's excess differs from the rest's at 95% confidence after Holm's "
        "correction for the 3 comparisons.")
    assert "no split has enough clusters" in regime_sentence(calm[:1], "all", 20, 0.95)
