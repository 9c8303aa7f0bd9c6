"""Differences against buy-and-hold on paired daily returns: right where the truth is planted, seeded, fast."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rtybt.engine.analysis import standard
from rtybt.engine.analysis.run import paired
from tests.engine.analysis.synthetic_markets import paired_returns


def words(edge: float, seeds: range, days: int = 2520) -> list[str]:
    out = []
    for seed in seeds:
        s, b = paired_returns(np.random.default_rng(seed), days=days, edge_sharpe=edge)
        diffs = paired.differences(s.values, b.values, None, seed=seed, draws=150)
        out.append(standard.strategy_word([d.evidence for d in diffs]))
    return out


def test_no_planted_edge_is_mostly_not_distinguishable():
    # 12 seeds, nominal 5% false verdicts: 3 or more false ones has probability ~2% under the nominal rate.
    found = words(0.0, range(100, 112))
    assert sum(w != standard.NOT_DISTINGUISHABLE for w in found) <= 2, found


@pytest.mark.parametrize(("edge", "word"), [(1.5, standard.PAID_OFF), (-1.5, standard.DID_NOT_PAY_OFF)])
def test_a_planted_edge_is_found_in_its_direction(edge, word):
    found = words(edge, range(200, 208))
    assert sum(w == word for w in found) >= 6, found
    assert not any(w in (standard.MIXED, {standard.PAID_OFF: standard.DID_NOT_PAY_OFF,
                                             standard.DID_NOT_PAY_OFF: standard.PAID_OFF}[word]) for w in found)


def test_same_inputs_same_intervals():
    s, b = paired_returns(np.random.default_rng(1), days=600)
    one = paired.differences(s.values, b.values, 0.6, seed=7, draws=100)
    two = paired.differences(s.values, b.values, 0.6, seed=7, draws=100)
    assert [d.evidence for d in one] == [d.evidence for d in two]


def test_sharpe_difference_matches_its_definition_and_hac_widens_for_clustered_errors():
    s, b = paired_returns(np.random.default_rng(3), days=3000, edge_sharpe=0.5)
    est, se = paired.sharpe_difference(s.values, b.values, 252)
    plain = (s.mean() / s.std(ddof=0) - b.mean() / b.std(ddof=0)) * math.sqrt(252)
    assert est == pytest.approx(plain, rel=1e-12)
    # An iid-normal delta-method SE of the Sharpe difference (Jobson-Korkie without autocorrelation): the HAC one
    # is of the same order (a factor, not an order of magnitude, apart).
    iid = math.sqrt(2 * (1 - np.corrcoef(s, b)[0, 1]) / (3000 / 252))
    assert 0.5 * iid < se < 2.5 * iid


def test_stationary_indices_are_blocks_of_consecutive_days():
    idx = paired.stationary_indices(500, 50, 20, np.random.default_rng(0))
    assert idx.shape == (50, 500) and idx.min() >= 0 and idx.max() < 500
    steps = np.diff(idx, axis=1)
    consecutive = ((steps == 1) | (steps == -499)).mean()
    assert 0.9 < consecutive < 0.99  # new blocks start with probability 1/20


def test_drawdown_is_compared_at_the_strategys_exposure():
    # A strategy that holds the market 30% of the time, on the same days' returns: its drawdown is shallower than
    # buy-and-hold's, but not than buy-and-hold scaled to 30%, and the difference is not credited to it.
    rng = np.random.default_rng(5)
    s, b = paired_returns(rng, days=2000)
    inside = rng.random(2000) < 0.3
    strat = np.where(inside, b.values, 0.0)
    d = {x.key: x for x in paired.differences(strat, b.values, float(inside.mean()), seed=1, draws=150)}
    assert d["max_drawdown"].benchmark > paired.max_drawdown_rows(b.values)
    assert d["max_drawdown"].evidence.sign() in (0, None)


def test_too_few_episodes_is_not_enough_evidence():
    s, b = paired_returns(np.random.default_rng(2), days=1000)
    strat = np.zeros(1000)
    strat[100:110] = b.values[100:110]  # one short stretch in the market
    diffs = paired.differences(strat, b.values, None, seed=0, draws=50)
    assert standard.strategy_word([d.evidence for d in diffs]) == standard.NOT_ENOUGH


def test_min_episodes_is_read_when_judging(monkeypatch):
    s, b = paired_returns(np.random.default_rng(4), days=800, edge_sharpe=3.0)
    diffs = paired.differences(s.values, b.values, None, seed=0, draws=50)
    assert standard.strategy_word([d.evidence for d in diffs]) != standard.NOT_ENOUGH
    monkeypatch.setattr(standard, "MIN_EPISODES", 10_000)
    assert standard.strategy_word([d.evidence for d in diffs]) == standard.NOT_ENOUGH
