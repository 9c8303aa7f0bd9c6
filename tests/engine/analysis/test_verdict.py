"""The verdict follows the numbers: flip a number and the status and words flip with it; return and risk together."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rtybt.engine.analysis.event_study import event_study
from rtybt.engine.analysis.verdict import (
    DID_NOT,
    MIXED,
    NOT_ENOUGH,
    PAID_OFF,
    beat_benchmark,
    judge,
    verdict,
)


def study_with(setup_gain: float):
    # 400 flat bars at 100; after each of 20 setups the close steps to 100 * (1 + gain) for 5 bars.
    close = np.full(400, 100.0)
    setups = np.arange(10, 400, 19)[:20]
    for p in setups:
        close[p + 1 : p + 6] = 100.0 * (1 + setup_gain)
    series = pd.Series(close, index=pd.bdate_range("2010-01-04", periods=400))
    return event_study(series, series.index[setups], horizons=(2,), n_boot=300, seed=0)


STRAT = {"cagr": 0.08, "sharpe": 0.7, "max_drawdown": -0.2, "trades": 40, "exposure": 0.5}
BENCH = {"cagr": 0.06, "sharpe": 0.5, "max_drawdown": -0.4, "trades": 0, "exposure": 1.0}


def run(metrics, bench=BENCH, gain=0.02, study=None):
    return judge("ma_reclaim", "^RUT", "2000-01-03", "2020-12-31", metrics, bench, "^RUT" if bench else None,
                 study if study is not None else study_with(gain), 2)


def test_strategy_and_setup_both_win_paid_off():
    v = run(STRAT)
    assert v.status == PAID_OFF
    first, second = v.sentences[:2]
    assert first.startswith("On ^RUT from 2000-01-03 to 2020-12-31, ma_reclaim earned more than buy-and-hold ^RUT")
    assert "(CAGR 8.00% vs 6.00% a year) and with less risk (Sharpe 0.70 vs 0.50; worst drawdown −20.00% vs −40.00%)" in first
    assert "beat the every-day baseline at 95% confidence" in second and "20 setup days in 20 separate episodes" in second
    assert v.text.startswith("Paid off: On ^RUT") and v.text.endswith(".")


def test_less_return_less_risk_is_mixed_not_a_loss():
    # The ma_reclaim case: lower CAGR, but higher Sharpe and a shallower drawdown.
    v = run({**STRAT, "cagr": 0.054, "sharpe": 0.51, "max_drawdown": -0.328},
            {**BENCH, "cagr": 0.073, "sharpe": 0.44, "max_drawdown": -0.593})
    assert v.status == MIXED
    assert "earned less than buy-and-hold ^RUT after costs (CAGR 5.40% vs 7.30% a year) but with less risk" in v.sentences[0]
    assert [h.better for h in v.headline[:3]] == [False, True, True]


def test_behind_on_both_did_not_pay_off_and_short_setup():
    v = run({**STRAT, "cagr": 0.03, "sharpe": 0.2, "max_drawdown": -0.5}, gain=-0.02)
    assert v.status == DID_NOT
    assert "earned less" in v.sentences[0] and "and with more risk" in v.sentences[0]
    assert "fell short of the every-day baseline at 95% confidence" in v.sentences[1]


def test_winning_strategy_whose_setup_falls_short_is_mixed():
    assert run(STRAT, gain=-0.02).status == MIXED


def test_too_few_trades_and_unjudgeable_setup_is_not_enough_evidence():
    close = pd.Series(np.full(60, 100.0), index=pd.bdate_range("2010-01-04", periods=60))
    study = event_study(close, close.index[10:14], horizons=(2,), n_boot=100, seed=0)
    v = run({**STRAT, "trades": 3}, study=study)
    assert v.status == NOT_ENOUGH
    text = " ".join(v.sentences)
    assert "cannot be judged: its 4 setup days in 1 separate episode are too few" in text
    assert "at least 10 episodes needed" in text and "Only 3 trades" in text
    assert "(s)" not in text and "((" not in text and "))" not in text
    assert v.edge is not None and not v.edge.judged


def test_no_setups_and_no_benchmark():
    empty = study_with(0.0).__class__(horizons=[], outcomes=pd.DataFrame(), path=pd.DataFrame(), setups=0,
                                      confidence=0.95, method="")
    v = run(STRAT, bench=None, study=empty)
    assert v.status == NOT_ENOUGH
    assert "no benchmark was run" in v.sentences[0] and "the setup never occurred" in v.sentences[1].lower()
    assert beat_benchmark(STRAT, None) is None and beat_benchmark(STRAT, BENCH) is True


@pytest.mark.parametrize("gain,status", [(0.02, PAID_OFF), (-0.02, DID_NOT)])
def test_without_benchmark_the_setup_decides(gain, status):
    assert run(STRAT, bench=None, gain=gain).status == status


def test_string_form_is_the_status_and_sentences():
    text = verdict("x", "^RUT", "a", "b", STRAT, BENCH, "^RUT", study_with(0.02), 2)
    v = run(STRAT)
    assert text.split(": ", 1)[0] == "Paid off" and v.to_dict()["status"] == PAID_OFF
    assert v.to_dict()["headline"][0] == {"label": "CAGR", "key": "cagr", "kind": "pct", "strategy": 0.08,
                                          "benchmark": 0.06, "better": True}


def test_mixed_risk_reads_as_one_clause():
    v = run({**STRAT, "cagr": 0.001, "sharpe": 0.04, "max_drawdown": -0.06},
            {**BENCH, "cagr": 0.06, "sharpe": 0.38, "max_drawdown": -0.32})
    assert v.sentences[0].endswith("a year), with a lower Sharpe (0.04 vs 0.38) but a shallower worst drawdown "
                                   "(−6.00% vs −32.00%).")
    assert v.sentences[0].count("but") == 1
