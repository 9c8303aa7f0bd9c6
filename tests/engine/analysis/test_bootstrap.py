"""The cluster bootstrap: cluster boundaries by hand, and interval coverage on seeded cases with a known mean."""

from __future__ import annotations

import numpy as np
import pytest

from rtybt.engine.analysis.bootstrap import bootstrap_mean, overlap_clusters


@pytest.mark.parametrize(
    ("horizon", "expected"),
    [
        (1, [0, 1, 2, 3, 4]),  # no two windows of one session overlap
        (5, [0, 0, 0, 1, 2]),  # 0,1,2 overlap; 10 is 8 away from 2; 30 is 20 away from 10
        (8, [0, 0, 0, 1, 2]),  # a gap of exactly h: the windows [2,10] and [10,18] only touch
        (9, [0, 0, 0, 0, 1]),
        (25, [0, 0, 0, 0, 0]),
    ],
)
def test_overlap_clusters(horizon, expected):
    assert overlap_clusters(np.array([0, 1, 2, 10, 30]), horizon).tolist() == expected


def test_unsorted_positions_are_refused():
    with pytest.raises(ValueError, match="sorted"):
        overlap_clusters(np.array([3, 1]), 5)


def test_same_seed_same_draws_and_a_cluster_is_drawn_whole():
    values = np.array([1.0, 1.0, 5.0, 5.0, 5.0])
    clusters = np.array([0, 0, 1, 1, 1])
    a = bootstrap_mean(values, clusters, 500, seed=3)
    b = bootstrap_mean(values, clusters, 500, seed=3)
    assert np.array_equal(a.draws, b.draws)
    assert not np.array_equal(a.draws, bootstrap_mean(values, clusters, 500, seed=4).draws)
    # Two clusters of sizes 2 and 3 drawn whole: the only possible means are 1, 5 and (2*1 + 3*5)/5 = 3.4.
    assert set(np.round(a.draws, 12)) == {1.0, 5.0, 3.4}
    assert a.estimate == pytest.approx(3.4)
    assert a.clusters == 2


def test_p_value_matches_the_interval():
    rng = np.random.default_rng(0)
    values = rng.normal(0.5, 1.0, 200)  # mean far from 0: interval excludes 0, p tiny
    boot = bootstrap_mean(values, np.arange(200), 2000, seed=1)
    assert boot.ci_low > 0
    assert boot.p_value(0.0) == pytest.approx(2 / 2001)
    # A null inside the interval has a large p-value.
    assert boot.p_value(boot.estimate) > 0.5


def _coverage(n_reps: int, true_mean: float, make_sample, n_boot: int = 500) -> float:
    covered = 0
    for rep in range(n_reps):
        values, clusters = make_sample(np.random.default_rng(1000 + rep))
        boot = bootstrap_mean(values, clusters, n_boot, seed=rep)
        covered += boot.ci_low <= true_mean <= boot.ci_high
    return covered / n_reps


def test_coverage_of_independent_events_with_a_known_mean():
    # 60 independent events ~ N(1%, 5%): the 95% interval should contain 1% in about 95% of samples
    # (Monte Carlo s.e. with 300 replications: 1.3 points).
    def sample(rng):
        return rng.normal(0.01, 0.05, 60), np.arange(60)

    assert 0.91 <= _coverage(300, 0.01, sample) <= 0.985


def test_coverage_with_overlapping_windows_needs_clusters():
    # A random walk with a known drift; setups come in runs of 8 consecutive days (as when a strategy
    # marks every day its condition holds), so their 10-session forward returns overlap heavily.
    # True mean of a 10-session sum of N(0.001, 0.01) steps: 0.01. Resampling clusters keeps the
    # interval honest; resampling single events (ignoring the overlap) makes it far too narrow.
    h, drift = 10, 0.001

    def sample(rng, clustered=True):
        steps = rng.normal(drift, 0.01, 30 * 60 + h)
        level = np.concatenate([[0.0], np.cumsum(steps)])
        starts = np.arange(30) * 60 + rng.integers(0, 40, 30)  # runs never overlap each other
        positions = (starts[:, None] + np.arange(8)[None, :]).ravel()
        fwd = level[positions + h] - level[positions]
        return fwd, overlap_clusters(positions, h) if clustered else np.arange(len(positions))

    clustered = _coverage(200, drift * h, sample, n_boot=300)
    naive = _coverage(200, drift * h, lambda rng: sample(rng, clustered=False), n_boot=300)
    assert clustered >= 0.90
    assert naive <= 0.80
