"""Non-finite pyfolio statistics are shown as "n/a: <reason>", and empyrical's 0/0 warning never reaches the user."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from engine.report.pyfolio_section import explain_non_finite, tables


def mostly_flat(n=300, every=40, gain=0.01, loss=0.0):
    """Out of the market on most days, as ready_to_rally is: both the 5th and 95th percentiles are 0."""
    rets = pd.Series(0.0, index=pd.bdate_range("2020-01-01", periods=n), name="returns")
    rets.iloc[::every] = gain
    if loss:
        rets.iloc[7::every] = loss
    return rets


def test_tail_ratio_of_a_mostly_flat_strategy_is_na_with_its_reason_and_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning that escapes fails the test
        stats = tables(mostly_flat(loss=-0.005), None, pd.DataFrame())["perf_stats"]
    tail = stats.loc["Tail ratio", "strategy"]
    assert tail.startswith("n/a: the 5th percentile of daily returns is 0")
    assert isinstance(stats.loc["Sharpe ratio", "strategy"], float)  # finite values stay numbers


def test_ratios_of_a_strategy_that_never_loses_say_why():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        stats = tables(mostly_flat(), None, pd.DataFrame())["perf_stats"]["strategy"]
    assert stats["Calmar ratio"] == "n/a: no drawdown (max drawdown is 0)"
    assert stats["Sortino ratio"] == "n/a: no losing day"
    assert np.isfinite(stats["Annual return"])


def test_finite_statistics_are_left_alone():
    rng = np.random.default_rng(5)
    rets = pd.Series(rng.normal(0.0005, 0.01, 300), index=pd.bdate_range("2020-01-01", periods=300))
    stats = pd.Series({"Tail ratio": 1.1, "Sharpe ratio": 0.7})
    assert explain_non_finite(stats, rets) is stats
    out = explain_non_finite(pd.Series({"Tail ratio": 1.1, "Omega ratio": float("inf")}), rets)
    assert out["Tail ratio"] == pytest.approx(1.1)
    assert out["Omega ratio"] == "n/a: not a finite number on these returns"  # it does lose on some days
