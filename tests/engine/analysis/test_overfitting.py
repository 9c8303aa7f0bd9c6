"""DSR and PBO against straightforward re-implementations of the papers' formulas, and known cases."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy import stats

from rtybt.engine.analysis.run.overfitting import (
    cscv_pbo,
    deflated_sharpe,
    expected_max_sharpe,
    probabilistic_sharpe,
)


def reference_dsr(best: np.ndarray, trial_sharpes: np.ndarray) -> float:
    """Bailey & López de Prado (2014), eqs. for SR0 and DSR, written out with scipy."""
    gamma = 0.5772156649015329
    k = len(trial_sharpes)
    v = np.var(trial_sharpes, ddof=1)
    sr0 = math.sqrt(v) * ((1 - gamma) * stats.norm.ppf(1 - 1 / k) + gamma * stats.norm.ppf(1 - 1 / (k * math.e)))
    sr = best.mean() / best.std(ddof=1)
    g3 = stats.skew(best)
    g4 = stats.kurtosis(best, fisher=False)
    z = (sr - sr0) * math.sqrt(len(best) - 1) / math.sqrt(1 - g3 * sr + (g4 - 1) / 4 * sr**2)
    return float(stats.norm.cdf(z))


def reference_pbo(m: np.ndarray, s: int) -> float:
    """Bailey, Borwein, López de Prado & Zhu (2015), CSCV steps 1-6, one split at a time."""
    t, n = m.shape
    size = t // s
    m = m[t - size * s :]
    blocks = [m[i * size : (i + 1) * size] for i in range(s)]
    logits = []
    for chosen in itertools.combinations(range(s), s // 2):
        train = np.vstack([blocks[i] for i in chosen])
        test = np.vstack([blocks[i] for i in range(s) if i not in chosen])
        r_train = train.mean(axis=0) / train.std(axis=0, ddof=1)
        r_test = test.mean(axis=0) / test.std(axis=0, ddof=1)
        best = int(np.argmax(r_train))
        rank = 1 + sorted(r_test).index(r_test[best])
        w = rank / (n + 1)
        logits.append(math.log(w / (1 - w)))
    return float(np.mean(np.array(logits) <= 0))


def test_paper_numerical_example():
    # The paper's example: annualised SR 2.5 over 1,250 days, 100 trials whose annualised Sharpe ratios have
    # variance 0.5, skewness -3, kurtosis 10 -> SR0 = 0.1132 per day and DSR = 0.9004.
    sr0 = expected_max_sharpe(0.5 / 250, 100)
    assert sr0 == pytest.approx(0.1132, abs=5e-5)
    assert probabilistic_sharpe(2.5 / math.sqrt(250), sr0, 1250, -3.0, 10.0) == pytest.approx(0.9004, abs=5e-5)


def test_deflated_sharpe_matches_reference_on_seeded_trials():
    rng = np.random.default_rng(7)
    trials = rng.standard_t(df=5, size=(1500, 40)) * 0.01 + rng.normal(0.0004, 0.0003, size=40)
    sharpes = trials.mean(axis=0) / trials.std(axis=0, ddof=1)
    best = int(np.argmax(sharpes))
    got = deflated_sharpe(trials[:, best], sharpes)
    assert got["trials"] == 40
    assert got["deflated_sharpe"] == pytest.approx(reference_dsr(trials[:, best], sharpes), rel=1e-10)
    assert got["skewness"] == pytest.approx(stats.skew(trials[:, best]), rel=1e-10)


def test_more_trials_deflate_more():
    rng = np.random.default_rng(11)
    best = rng.normal(0.0006, 0.01, 2000)
    few = deflated_sharpe(best, rng.normal(0, 0.02, 5))["deflated_sharpe"]
    many = deflated_sharpe(best, rng.normal(0, 0.02, 500))["deflated_sharpe"]
    assert many < few


@pytest.mark.parametrize("seed", [1, 2])
def test_pbo_matches_reference(seed):
    rng = np.random.default_rng(seed)
    m = rng.normal(0.0002, 0.01, size=(1003, 12))  # 1003 rows: the oldest 3 are dropped for 10 blocks
    assert cscv_pbo(m, blocks=10)["pbo"] == reference_pbo(m, 10)


def test_pbo_of_pure_noise_is_about_one_half():
    rng = np.random.default_rng(3)
    m = rng.normal(0.0, 0.01, size=(1600, 30))
    result = cscv_pbo(m, blocks=16)
    assert result["splits"] == math.comb(16, 8)
    assert 0.35 < result["pbo"] < 0.65


def test_pbo_of_a_dominant_strategy_is_about_zero():
    rng = np.random.default_rng(4)
    m = rng.normal(0.0, 0.01, size=(1600, 30))
    m[:, 17] += 0.004  # a real edge: Sharpe ~0.4 per day, far above the noise
    result = cscv_pbo(m, blocks=16)
    assert result["pbo"] < 0.02
    assert np.all(result["winner_sharpe_out_of_sample"] > 0.2)


def test_pbo_rejects_bad_shapes():
    with pytest.raises(ValueError, match="even"):
        cscv_pbo(np.zeros((100, 3)), blocks=5)
    with pytest.raises(ValueError, match="two variants"):
        cscv_pbo(np.zeros((100, 1)))
