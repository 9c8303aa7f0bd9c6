"""The run's verdict follows the standard: a status only when an interval says so, the decade and the present on
the card, words from engine/analysis/standard.py only."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rtybt.engine.analysis import standard
from rtybt.engine.analysis.event_study import event_study
from rtybt.engine.analysis.run.verdict import judge, setup_note, verdict
from tests.engine.analysis.synthetic_markets import paired_returns


def study_with(setup_gain: float):
    # 400 flat bars at 100; after each of 20 setups the close steps to 100 * (1 + gain) for 5 bars.
    close = np.full(400, 100.0)
    setups = np.arange(10, 400, 19)[:20]
    for p in setups:
        close[p + 1 : p + 6] = 100.0 * (1 + setup_gain)
    series = pd.Series(close, index=pd.bdate_range("2010-01-04", periods=400))
    return event_study(series, series.index[setups], horizons=(2,), n_boot=300, seed=0)


def metrics_of(r: pd.Series) -> dict:
    wealth = (1 + r).cumprod()
    return {"cagr": float(wealth.iloc[-1] ** (252 / len(r)) - 1), "sharpe": float(r.mean() / r.std() * 252 ** 0.5),
            "max_drawdown": float((wealth / wealth.cummax() - 1).min()), "exposure": float((r != 0).mean()),
            "trades": 50}


def run(edge: float, seed: int = 0, days: int = 3600, gain: float = 0.0, **kw):
    s, b = paired_returns(np.random.default_rng(seed), days=days, edge_sharpe=edge)
    return judge("ma_reclaim", "^RUT", str(s.index[0].date()), str(s.index[-1].date()), metrics_of(s), metrics_of(b),
                 "^RUT", study_with(gain), 2, s, b, kw.get("params", {"below_ma_period": 200}), seed=seed)


def test_a_planted_edge_pays_off_and_is_coloured():
    v = run(2.0, seed=1)
    assert v.status == standard.PAID_OFF
    assert "paid off against buy-and-hold ^RUT after costs, significantly in its favour" in v.sentences[0]
    assert {h.key: h.tone for h in v.headline}["sharpe"] == "good"
    assert v.text.startswith("Paid off: On ^RUT")


def test_a_planted_loss_did_not_pay_off():
    v = run(-2.0, seed=2)
    assert v.status == standard.DID_NOT_PAY_OFF
    assert {h.key: h.tone for h in v.headline}["sharpe"] == "bad"


def test_no_edge_is_not_distinguishable_and_grey_with_its_intervals():
    v = run(0.0, seed=3)
    assert v.status == standard.NOT_DISTINGUISHABLE
    assert "no difference is significant at 95% (Holm-corrected over the 4 tested)" in v.sentences[0] and "95% interval" in v.sentences[0]
    assert all(h.tone in ("neutral", "") for h in v.headline)
    assert all(d.evidence.low < 0 < d.evidence.high for d in v.differences)


def test_the_card_carries_the_decade_and_the_present():
    v = run(0.0, seed=3)
    p = v.present
    assert p.decade_start is not None and p.decade_cagr is not None and p.days_since_high is not None
    assert v.sentences[1].startswith(f"Last 10 years (from {p.decade_start}):")
    assert "Now: the strategy is" in v.sentences[2] or "at an equity high" in v.sentences[2]
    assert {d.key for d in p.decade_differences} == {"sharpe", "cagr", "matched_return"}


def test_an_edge_that_reversed_in_the_last_decade_is_said():
    # Thirty years with a planted edge, then ten with a planted loss.
    s1, b1 = paired_returns(np.random.default_rng(11), days=7560, edge_sharpe=1.5)
    s2, b2 = paired_returns(np.random.default_rng(12), days=2520, edge_sharpe=-3.0, start="2030-01-01")
    s, b = pd.concat([s1, s2]), pd.concat([b1, b2])
    v = judge("x", "^RUT", "a", "b", metrics_of(s), metrics_of(b), "^RUT", study_with(0.0), 2, s, b, seed=0)
    assert v.present.decade_word == standard.DID_NOT_PAY_OFF
    decade = next(x for x in v.sentences if x.startswith("Last 10 years"))
    assert "the edge has reversed" in decade or "trailed buy-and-hold significantly" in decade


def test_status_words_are_the_standards():
    for edge, seed in ((2.0, 1), (-2.0, 2), (0.0, 3)):
        assert run(edge, seed=seed, days=1500).status in standard.STRATEGY_WORDS


def test_min_episodes_changes_the_verdict(monkeypatch):
    assert run(2.0, seed=1, days=1500).status == standard.PAID_OFF
    monkeypatch.setattr(standard, "MIN_EPISODES", 10_000)
    v = run(2.0, seed=1, days=1500)
    assert v.status == standard.NOT_ENOUGH and "fewer than the 10000" in v.sentences[0]


def test_setup_edge_is_a_claim_word():
    v = run(0.0, seed=3, days=1500, gain=0.02)
    assert v.edge.word == standard.HELD and v.edge.tone == "good"
    assert "beat the every-day baseline at 95% confidence" in v.sentences[-1]


def test_unjudgeable_setup_says_not_enough_evidence():
    close = pd.Series(np.full(60, 100.0), index=pd.bdate_range("2010-01-04", periods=60))
    study = event_study(close, close.index[10:14], horizons=(2,), n_boot=100, seed=0)
    s, b = paired_returns(np.random.default_rng(0), days=600)
    v = judge("x", "^RUT", "a", "b", metrics_of(s), metrics_of(b), "^RUT", study, 2, s, b)
    assert v.edge.word == standard.NOT_ENOUGH and "at least 10 episodes needed" in v.sentences[-1]


def test_without_benchmark_nothing_is_claimed():
    v = judge("x", "^RUT", "a", "b", {"cagr": 0.05}, None, None, study_with(0.02), 2)
    assert v.status == standard.NOT_ENOUGH and "no buy-and-hold benchmark was run" in v.sentences[0]


@pytest.mark.parametrize(("params", "note"), [({"below_ma_period": 200}, False), ({}, True),
                                              ({"below_ma_period": None}, True)])
def test_a_config_that_is_not_the_notes_setup_says_so(params, note):
    assert (setup_note("ma_reclaim", params) is not None) is note
    assert setup_note("rsi_momentum", params) is None
    v = run(0.0, seed=3, days=800, params=params)
    assert ("Not the note's setup" in v.text) is note


def test_string_form_is_the_status_and_sentences():
    s, b = paired_returns(np.random.default_rng(1), days=1500, edge_sharpe=2.0)
    text = verdict("x", "^RUT", "a", "b", metrics_of(s), metrics_of(b), "^RUT", study_with(0.0), 2,
                   returns=s, benchmark_returns=b, seed=1)
    assert text.split(": ", 1)[0] == "Paid off"
