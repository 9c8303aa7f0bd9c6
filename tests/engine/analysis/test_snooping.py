"""The best of many variants against buy-and-hold after data snooping: Hansen's SPA right where the truth is
planted, the deflated Sharpe against buy-and-hold's Sharpe, and the sentence that reconciles them."""

from __future__ import annotations

import numpy as np
import pytest

from rtybt.engine.analysis import standard
from rtybt.engine.analysis.run.overfitting import deflated_sharpe, per_period_sharpe
from rtybt.engine.analysis.run.snooping import spa_test, sweep_sentence


def family(rng, days: int, k: int, best_edge: float, vol: float = 0.01):
    """K variants around a benchmark: each the benchmark plus noise; one with a planted mean excess (daily)."""
    bench = 0.0003 + vol * rng.standard_normal(days)
    variants = bench[:, None] + 0.6 * vol * rng.standard_normal((days, k))
    variants[:, 0] += best_edge
    return variants, bench


def test_no_variant_better_rarely_rejects():
    # 10 seeds of 20 zero-edge variants: nominal 5% each; 3 or more rejections has probability ~1%.
    rejected = sum(spa_test(*family(np.random.default_rng(s), 1500, 20, 0.0), draws=200, seed=s).p_value < 0.05
                   for s in range(10))
    assert rejected <= 2


def test_a_planted_winner_is_found_among_many():
    found = [spa_test(*family(np.random.default_rng(s), 2000, 20, 0.0012), draws=200, seed=s) for s in range(5)]
    assert sum(rc.p_value < 0.05 for rc in found) >= 4
    assert all(rc.best == 0 for rc in found if rc.p_value < 0.05)


def test_all_variants_worse_gives_p_one_and_the_words_say_not_more_than_luck():
    v, b = family(np.random.default_rng(0), 800, 5, -0.002)
    v[:, 1:] -= 0.002
    rc = spa_test(v, b, draws=100)
    assert rc.p_value == 1.0
    word, text = sweep_sentence(rc, "x=1", {"deflated_sharpe": 0.999, "deflated_sharpe_vs_benchmark": 0.2,
                                            "trials": 5}, {"pbo": 0.915})
    assert word == standard.NOT_MORE_THAN_LUCK
    assert text.startswith("The best of 5 variants is not distinguishable from buy-and-hold after accounting for the "
                           "5 tries (SPA p = 1.000)")
    assert "PBO 0.92 says the in-sample winner usually ranks in the bottom half out of sample" in text
    assert "0.999 against a Sharpe of zero" in text


def test_spa_is_seeded():
    v, b = family(np.random.default_rng(3), 600, 4, 0.0005)
    assert spa_test(v, b, draws=100, seed=9) == spa_test(v, b, draws=100, seed=9)


def test_deflated_sharpe_against_the_benchmark_is_lower_than_against_zero():
    rng = np.random.default_rng(1)
    v, b = family(rng, 3000, 10, 0.0)
    sharpes = per_period_sharpe(v)
    best = int(np.argmax(sharpes))
    out = deflated_sharpe(v[:, best], sharpes, float(per_period_sharpe(b)[0]))
    assert out["deflated_sharpe_vs_benchmark"] < out["deflated_sharpe"]
    assert out["probabilistic_sharpe_vs_benchmark"] >= out["deflated_sharpe_vs_benchmark"]
    assert "deflated_sharpe_vs_benchmark" not in deflated_sharpe(v[:, best], sharpes)


@pytest.mark.parametrize("p,word", [(0.01, standard.MORE_THAN_LUCK), (0.2, standard.NOT_MORE_THAN_LUCK)])
def test_the_word_follows_the_standards_threshold(p, word, monkeypatch):
    from rtybt.engine.analysis.run.snooping import RealityCheck

    rc = RealityCheck(10, 100, 0, 1.0, p, 5, 100, 0, "m")
    assert sweep_sentence(rc, "x", None, None)[0] == word
    monkeypatch.setattr(standard, "CONFIDENCE", 0.999)
    assert sweep_sentence(rc, "x", None, None)[0] == standard.NOT_MORE_THAN_LUCK


def test_block_sum_means_are_stationary_bootstrap_means():
    from rtybt.engine.analysis.run.snooping import stationary_means

    rng = np.random.default_rng(0)
    d = rng.standard_normal((400, 3))
    # One block per draw (a block longer than the data): every draw is the whole series, rotated: its mean.
    whole = stationary_means(d, 5, 10**9, np.random.default_rng(1))
    assert np.allclose(whole, d.mean(axis=0))
    # Blocks of one day: iid resampling, the spread of the means is sd / sqrt(n).
    iid = stationary_means(d, 2000, 1, np.random.default_rng(2))
    assert np.allclose(iid.std(axis=0), d.std(axis=0) / np.sqrt(400), rtol=0.1)
    assert np.allclose(iid.mean(axis=0), d.mean(axis=0), atol=0.01)
