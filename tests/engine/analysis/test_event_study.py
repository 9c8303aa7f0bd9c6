"""The event study on synthetic closes whose forward returns are known by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rtybt.engine.analysis.event_study import event_study, forward_returns


def flat_with_spikes(n: int, spikes: list[int], spike_len: int = 3) -> pd.Series:
    """Close 100 everywhere, except 110 on the `spike_len` bars after each spike start."""
    close = np.full(n, 100.0)
    for p in spikes:
        close[p + 1 : p + 1 + spike_len] = 110.0
    return pd.Series(close, index=pd.bdate_range("2021-01-04", periods=n))


def test_forward_returns_of_a_geometric_series():
    close = 100.0 * 1.01 ** np.arange(30)
    fwd = forward_returns(close, 5)
    assert np.allclose(fwd[:25], 1.01**5 - 1.0, rtol=0, atol=1e-12)
    assert np.isnan(fwd[25:]).all()


def test_event_study_recovers_known_forward_returns():
    # Setups on bars 10, 40, ..., 340 (12, never overlapping); after each, the close is 110 for three
    # bars, then 100 again. From a setup (close 100): h=1 -> 110/100 - 1 = +10%; h=2 -> +10%;
    # h=5 -> back to 100: 0%. Baseline h=1 over all 399 windows: 12 windows of +10% (setup -> spike),
    # 12 of 100/110 - 1 (spike end), every other window 0%.
    n, spikes = 400, list(range(10, 341, 30))
    close = flat_with_spikes(n, spikes)
    dates = close.index[spikes].date
    study = event_study(close, dates, horizons=(1, 2, 5), n_boot=500, seed=1)
    h1, h2, h5 = study.horizon(1), study.horizon(2), study.horizon(5)
    assert (h1.events, h2.events, h5.events) == (12, 12, 12) and h1.clusters == 12
    assert h1.mean == pytest.approx(0.10, abs=1e-12) and h1.median == pytest.approx(0.10, abs=1e-12)
    assert h2.mean == pytest.approx(0.10, abs=1e-12)
    assert h5.mean == pytest.approx(0.0, abs=1e-12) and h5.hit_rate == 0.0
    assert h1.hit_rate == 1.0
    expected_base = (12 * 0.10 + 12 * (100 / 110 - 1)) / 399
    assert h1.baseline_windows == 399
    assert h1.baseline_mean == pytest.approx(expected_base, abs=1e-15)
    assert h1.baseline_hit_rate == pytest.approx(12 / 399)
    assert h1.excess_mean == pytest.approx(0.10 - expected_base, abs=1e-15)
    # Every setup has the same forward return: every bootstrap draw equals it.
    assert h1.mean_ci == (pytest.approx(0.10), pytest.approx(0.10))
    assert h1.beats_baseline and h1.p_value == pytest.approx(2 / 501)
    assert study.outcomes["fwd_1"].tolist() == pytest.approx([0.10] * 12)
    # The mean path: +10% on sessions 1-3, then back to 0.
    assert study.path["setup_mean"].tolist() == pytest.approx([0, 0.1, 0.1, 0.1, 0, 0], abs=1e-12)


def test_windows_past_the_last_bar_are_left_out():
    close = flat_with_spikes(30, [5, 26])
    study = event_study(close, close.index[[5, 26]], horizons=(2, 5), n_boot=100, seed=0)
    assert study.horizon(2).events == 2  # 26 + 2 = 28 < 30
    assert study.horizon(5).events == 1  # 26 + 5 = 31: no bar
    assert np.isnan(study.outcomes["fwd_5"].iloc[1])


def test_same_seed_same_numbers():
    rng = np.random.default_rng(5)
    close = pd.Series(100 * np.exp(np.cumsum(rng.normal(0, 0.01, 500))), index=pd.bdate_range("2000-01-03", periods=500))
    setups = close.index[rng.choice(440, 40, replace=False)]
    a = event_study(close, setups, horizons=(5, 20), n_boot=300, seed=9).to_dict()
    b = event_study(close, setups, horizons=(5, 20), n_boot=300, seed=9).to_dict()
    c = event_study(close, setups, horizons=(5, 20), n_boot=300, seed=10).to_dict()
    assert a == b and a != c
    # Adding a horizon leaves the others' bootstrap untouched (per-horizon seeds).
    d = event_study(close, setups, horizons=(5, 10, 20), n_boot=300, seed=9)
    assert d.horizon(20).excess_ci == tuple(a["horizons"][1]["excess_ci"])


def test_no_setups_gives_empty_stats_not_an_error():
    close = flat_with_spikes(50, [])
    study = event_study(close, [], horizons=(5,), n_boot=50, seed=0)
    s = study.horizon(5)
    assert study.setups == 0 and s.events == 0 and s.mean is None and not s.beats_baseline
    assert s.baseline_mean == 0.0


def test_a_setup_that_is_not_a_bar_is_refused():
    close = flat_with_spikes(20, [])
    with pytest.raises(ValueError, match="2020-01-01 is not a bar"):
        event_study(close, ["2020-01-01"], horizons=(5,), n_boot=10, seed=0)


def test_too_few_independent_setups_get_no_interval_and_no_verdict():
    # Nine setups on consecutive bars: at h=5 their windows overlap into one cluster; at h=1 they are
    # nine clusters, still fewer than the ten a bootstrap interval needs.
    close = flat_with_spikes(100, [50])
    study = event_study(close, close.index[40:49], horizons=(1, 5), n_boot=100, seed=0)
    for h, clusters in ((1, 9), (5, 1)):
        s = study.horizon(h)
        assert s.clusters == clusters and s.events == 9
        assert s.mean is not None and s.mean_ci == (None, None) and s.excess_ci == (None, None)
        assert s.p_value is None and not s.beats_baseline
