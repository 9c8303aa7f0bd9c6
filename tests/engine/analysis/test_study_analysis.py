"""The study's analysis on synthetic markets: a planted edge is found where it is, coverage with none, verdicts."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from rtybt.engine.analysis.study.study import RegimeSpec, analyse_study
from tests.conftest import REPO
from tests.engine.analysis.synthetic_markets import correlated_markets

SYMBOLS = ["^RUT", "IWM", "SPY", "QQQ"]
NO_REGIMES = RegimeSpec(by=[])


def study(edge: dict[str, float] | None, seed: int = 2025):
    closes, setups = correlated_markets(np.random.default_rng(seed), SYMBOLS, bars=5000, market_day=0.01,
                                        own_day=0.004, edge=edge)
    return analyse_study(closes, setups, "^RUT", None, NO_REGIMES, horizons=(20,), verdict_horizon=20,
                         n_boot=1000, seed=3)


def beats(analysis) -> dict[str, bool]:
    return {s: m.horizon(20).beats_baseline for s, m in analysis.markets.items()}


def test_edge_planted_in_the_traded_market_only_is_found_there_and_nowhere_else():
    analysis = study({"^RUT": 0.03})
    assert beats(analysis) == {"^RUT": True, "IWM": False, "SPY": False, "QQQ": False}
    rut = analysis.markets["^RUT"].horizon(20)
    assert rut.excess_mean == pytest.approx(0.03, abs=0.01)
    for symbol in SYMBOLS[1:]:
        assert abs(analysis.markets[symbol].horizon(20).excess_mean) < 0.01
    pooled = analysis.pooled_at(20)
    assert pooled.difference.ci[0] > 0  # ^RUT's excess is above the others', on the same clusters
    assert analysis.verdict_kind == "traded only"
    assert analysis.verdict.startswith("The setup's 20-session edge is specific to ^RUT: it shows there but not on "
                                       "IWM, SPY and QQQ")
    assert "^RUT's excess minus the others'" in analysis.verdict and ": a difference)" in analysis.verdict


def test_edge_planted_in_the_small_caps_is_called_specific_to_small_caps():
    analysis = study({"^RUT": 0.03, "IWM": 0.03})
    assert beats(analysis) == {"^RUT": True, "IWM": True, "SPY": False, "QQQ": False}
    assert analysis.verdict_kind == "small caps"
    assert "is specific to small caps: it shows on ^RUT and IWM but not on SPY and QQQ" in analysis.verdict


def test_edge_everywhere_is_shared_and_no_edge_is_absent():
    shared = study(dict.fromkeys(SYMBOLS, 0.03))
    assert shared.verdict_kind == "shared" and "is shared by all 4 markets" in shared.verdict
    none = study(None)
    assert not any(beats(none).values()) and none.verdict_kind == "absent"
    low, high = none.pooled_at(20).excess.ci
    assert low < 0 < high
    assert "is absent everywhere" in none.verdict


def test_pooled_interval_covers_zero_at_the_stated_rate_small_version():
    # The full check (500 repetitions, within 3 points) is benchmarks/study_coverage.py; this is its small version.
    sys.path.insert(0, str(REPO / "benchmarks"))
    from study_coverage import coverage

    result = coverage(reps=160, n_boot=400, seed=15, design="sparse")
    assert result["judged"] == 160
    assert abs(result["coverage"] - 0.95) <= 0.04, result
    # The same data with every setup its own cluster is far too confident: the clusters are what fixes it.
    assert result["naive_coverage"] < result["coverage"] - 0.08, result
