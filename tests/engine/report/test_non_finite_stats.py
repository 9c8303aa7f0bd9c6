"""Non-finite statistics are shown as "n/a: <reason>", and no 0/0 warning reaches the user."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from rtybt.engine.report.run.sections import not_finite_reason
from rtybt.engine.report.run.tables import risk_statistics


def mostly_flat(n=300, every=40, gain=0.01, loss=0.0):
    """Out of the market on most days, as ready_to_rally is: both the 5th and 95th percentiles are 0."""
    rets = pd.Series(0.0, index=pd.bdate_range("2020-01-01", periods=n), name="returns")
    rets.iloc[::every] = gain
    if loss:
        rets.iloc[7::every] = loss
    return rets


def rows(rets, bench=None):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning that escapes fails the test
        return {label: (s, b) for label, s, b, _ in risk_statistics(rets, bench)}


def test_tail_ratio_of_a_mostly_flat_strategy_is_na_with_its_reason_and_no_warning():
    stats = rows(mostly_flat(loss=-0.005))
    assert stats["tail ratio"][0].startswith("n/a: the 5th percentile of daily returns is 0")
    assert isinstance(stats["skew"][0], float)  # finite values stay numbers


def test_a_strategy_that_never_moves_says_why():
    flat = pd.Series(0.0, index=pd.bdate_range("2020-01-01", periods=50))
    stats = rows(flat, flat)
    assert stats["stability"][0] == "n/a: the wealth curve never moves"
    assert stats["skew"][0] == "n/a: every daily return is the same"
    assert stats["beta to buy-and-hold"][0] is None  # no variance in the benchmark: shown as a dash


def test_ratios_of_a_strategy_that_never_loses_say_why():
    metrics = {"calmar": None, "sortino": None, "max_drawdown": 0.0, "profit_factor": None, "trades": 3,
               "sharpe": 1.2}
    assert not_finite_reason(metrics, "calmar") == "n/a: no drawdown (max drawdown is 0)"
    assert not_finite_reason(metrics, "sortino") == "n/a: no losing day"
    assert not_finite_reason(metrics, "profit_factor") == "n/a: no losing trade"
    assert not_finite_reason(metrics, "sharpe") is None


def test_finite_statistics_are_left_alone():
    rng = np.random.default_rng(5)
    rets = pd.Series(rng.normal(0.0005, 0.01, 300), index=pd.bdate_range("2020-01-01", periods=300))
    assert all(isinstance(s, float) for s, _ in rows(rets).values())
