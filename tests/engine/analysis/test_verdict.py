"""The verdict sentence follows the numbers: flip a number and the words flip with it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from engine.analysis.event_study import event_study
from engine.analysis.verdict import beat_benchmark, verdict


def study_with(setup_gain: float):
    # 400 flat bars at 100; after each of 20 setups the close steps to 100 * (1 + gain) for 5 bars.
    close = np.full(400, 100.0)
    setups = np.arange(10, 400, 19)[:20]
    for p in setups:
        close[p + 1 : p + 6] = 100.0 * (1 + setup_gain)
    series = pd.Series(close, index=pd.bdate_range("2010-01-04", periods=400))
    return event_study(series, series.index[setups], horizons=(2,), n_boot=300, seed=0)


STRAT = {"cagr": 0.08, "sharpe": 0.7}
BENCH = {"cagr": 0.06, "sharpe": 0.5}


def test_strategy_and_setup_both_win():
    text = verdict("ma_reclaim", "^RUT", "2000-01-03", "2020-12-31", STRAT, BENCH, "^RUT", study_with(0.02), 2)
    assert text.startswith("On ^RUT from 2000-01-03 to 2020-12-31, ma_reclaim beat buy-and-hold ^RUT after costs")
    assert "CAGR 8.00% vs 6.00%" in text and "Sharpe 0.70 vs 0.50, higher" in text
    assert "after its 20 setups beat the unconditional baseline at 95% confidence" in text
    assert "mean +2.00%" in text and text.endswith(".")


def test_losing_strategy_and_setup_that_falls_short():
    text = verdict("x", "IWM", "a", "b", BENCH, STRAT, "IWM", study_with(-0.02), 2)
    assert "x did not beat buy-and-hold IWM after costs" in text and "not higher" in text
    assert "fell short of the unconditional baseline at 95% confidence" in text


def test_no_setups_and_no_benchmark():
    text = verdict("x", "^RUT", "a", "b", STRAT, None, None, study_with(0.0).__class__(
        horizons=[], outcomes=pd.DataFrame(), path=pd.DataFrame(), setups=0, confidence=0.95, method=""), 2)
    assert "no benchmark was run" in text and "the setup never occurred" in text
    assert beat_benchmark(STRAT, None) is None and beat_benchmark(STRAT, BENCH) is True


def test_too_few_clusters_cannot_be_judged():
    close = pd.Series(np.full(60, 100.0), index=pd.bdate_range("2010-01-04", periods=60))
    study = event_study(close, close.index[10:14], horizons=(5,), n_boot=100, seed=0)
    text = verdict("x", "^RUT", "a", "b", STRAT, BENCH, "^RUT", study, 5)
    assert "cannot be judged against the baseline: they form only 1 non-overlapping group(s) (at least 10 needed)" in text
