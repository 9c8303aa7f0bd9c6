"""Cross-market pooling: calendar clusters, the one-market case equals the event study, group differences."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rtybt.engine.analysis.bootstrap import MIN_CLUSTERS, overlap_clusters
from rtybt.engine.analysis.event_study import event_study
from rtybt.engine.analysis.study.cross_market import (
    calendar_clusters,
    group_difference,
    pooled_horizon,
    setup_table,
    shared_calendar,
)
from tests.engine.analysis.synthetic_markets import correlated_markets


@pytest.mark.parametrize(("start", "end", "expected"), [
    ([0, 3, 5, 9], [5, 8, 10, 14], [0, 0, 0, 0]),       # a chain: each window starts before the reach so far
    ([0, 3, 5, 10], [5, 8, 10, 15], [0, 0, 0, 1]),      # 10 starts where the chain's reach ends
    ([0, 5, 5, 20], [5, 10, 7, 25], [0, 1, 1, 2]),      # a window starting where the previous ends does not overlap
    ([0, 1, 30], [40, 3, 35], [0, 0, 0]),               # a long window swallows later short ones
])
def test_calendar_clusters_follow_overlap_in_time(start, end, expected):
    assert calendar_clusters(np.array(start), np.array(end)).tolist() == expected


def test_one_market_clusters_are_the_event_study_clusters():
    rng = np.random.default_rng(3)
    positions = np.sort(rng.choice(np.arange(2000), size=150, replace=False))
    for h in (1, 5, 20, 60):
        assert calendar_clusters(positions, positions + h).tolist() == overlap_clusters(positions, h).tolist()


def test_one_market_pool_reproduces_its_event_study_exactly():
    closes, setups = correlated_markets(np.random.default_rng(7), ["^RUT"], bars=3000, market_day=0.02, own_day=0.01)
    study = event_study(closes["^RUT"], setups["^RUT"], (5, 20), n_boot=500, seed=11)
    for h in (5, 20):
        pooled = pooled_horizon(setup_table(closes, setups, h), "^RUT", h, 500, 11, 0.95)
        s = study.horizon(h)
        assert (pooled.setups, pooled.excess.clusters) == (s.events, s.clusters)
        assert pooled.excess.estimate == pytest.approx(s.excess_mean, abs=1e-15)
        assert pooled.excess.ci == pytest.approx(s.excess_ci, abs=1e-15)
        assert pooled.excess.p_value == pytest.approx(s.p_value, abs=1e-15)


def test_same_day_setups_on_two_markets_are_one_cluster_and_holidays_do_not_split_them():
    days = pd.bdate_range("2020-01-01", periods=200)
    a = pd.Series(np.linspace(100, 120, 200), index=days)
    b = pd.Series(np.linspace(50, 40, 199), index=days.delete(10))  # b misses a session a has
    setups = {"A": [days[5].date(), days[100].date()], "B": [days[5].date(), days[12].date(), days[150].date()]}
    table = setup_table({"A": a, "B": b}, setups, horizon=10)
    assert len(shared_calendar({"A": a, "B": b})) == 200
    clusters = calendar_clusters(table["start"].to_numpy(), table["end"].to_numpy())
    keys = zip(table["symbol"], table["date"].dt.day_of_year, strict=True)
    by_setup = dict(zip(keys, clusters, strict=True))
    # A and B on day 5 share a window; B on day 12 starts inside it (B's 10 sessions skip the missing one).
    assert by_setup[("A", days[5].day_of_year)] == by_setup[("B", days[5].day_of_year)] == by_setup[("B", days[12].day_of_year)]
    assert len(set(clusters)) == 3
    # Each market's excess is over its own baseline: B falls every day, so its baseline is negative.
    assert (table.loc[table["symbol"] == "B", "baseline"] < 0).all()


def test_group_difference_finds_a_planted_gap_and_refuses_with_few_clusters():
    rng = np.random.default_rng(1)
    clusters = np.repeat(np.arange(60), 2)
    in_group = np.tile([True, False], 60)
    excess = rng.normal(0, 0.01, 120) + np.where(in_group, 0.02, 0.0)
    diff, n_in, n_out = group_difference(excess, in_group, clusters, 1000, 5, 0.95)
    assert (n_in, n_out) == (60, 60)
    assert diff.ci[0] > 0 and diff.p_value < 0.01 and diff.estimate == pytest.approx(0.02, abs=0.006)
    few = clusters < MIN_CLUSTERS - 1  # the group has only MIN_CLUSTERS - 1 clusters
    refused, n_in, _ = group_difference(excess, few & in_group, clusters, 1000, 5, 0.95)
    assert n_in == MIN_CLUSTERS - 1 and refused.ci == (None, None) and refused.p_value is None
    assert refused.estimate is not None  # the estimate is still shown, only the interval is refused
