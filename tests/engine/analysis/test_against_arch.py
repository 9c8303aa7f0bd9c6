"""The vectorised stationary bootstrap and SPA (engine/analysis/run/paired.py, snooping.py) against arch's, the
well-kept reference implementation (Sheppard's `arch`): same block length, same kind of bootstrap."""

from __future__ import annotations

import numpy as np
import pytest

from rtybt.engine.analysis.run.paired import max_drawdown_rows, stationary_indices
from rtybt.engine.analysis.run.snooping import spa_test, stationary_means


def family(seed: int, planted: float):
    rng = np.random.default_rng(seed)
    bench = 0.0003 + 0.01 * rng.standard_normal(1500)
    variants = bench[:, None] + 0.006 * rng.standard_normal((1500, 8))
    variants[:, 0] += planted
    return variants, bench


@pytest.mark.parametrize(("seed", "planted"), [(0, 0.0), (1, 0.0), (2, 0.0008), (3, 0.0015)])
def test_spa_p_value_agrees_with_arch(seed, planted):
    from arch.bootstrap import SPA

    v, b = family(seed, planted)
    mine = spa_test(v, b, draws=1000, seed=seed, block=12).p_value
    # arch works on losses (lower is better): a return's loss is its negative.
    ref = SPA(-b, -v, block_size=12, reps=1000, bootstrap="stationary", studentize=True, seed=seed)
    ref.compute()
    theirs = float(ref.pvalues["consistent"])
    assert abs(mine - theirs) < 0.08, (mine, theirs)
    assert (mine < 0.05) == (theirs < 0.05) or abs(mine - 0.05) < 0.03


def test_bootstrap_spread_of_means_and_drawdowns_agrees_with_arch():
    from arch.bootstrap import StationaryBootstrap

    rng = np.random.default_rng(4)
    # Autocorrelated returns with clustered volatility: where block bootstraps differ from iid ones.
    shocks = rng.standard_normal(2000) * np.repeat(rng.uniform(0.5, 2.0, 40), 50) * 0.01
    r = np.convolve(shocks, [1.0, 0.5, 0.25], mode="same")
    ours_mean = stationary_means(r[:, None], 2000, 20, np.random.default_rng(5))[:, 0].std()
    ours_dd = max_drawdown_rows(r[stationary_indices(2000, 1000, 20, np.random.default_rng(6))]).std()
    bs = StationaryBootstrap(20, r, seed=7)
    theirs_mean = bs.apply(lambda x: np.array([x.mean()]), 2000)[:, 0].std()
    bs = StationaryBootstrap(20, r, seed=8)
    theirs_dd = bs.apply(lambda x: np.array([max_drawdown_rows(x)]), 1000)[:, 0].std()
    assert ours_mean == pytest.approx(theirs_mean, rel=0.12)
    assert ours_dd == pytest.approx(theirs_dd, rel=0.15)
