"""Analysis stage: setups pooled across markets, bootstrapped by clusters that overlap in calendar time.

Correlated markets set up on the same days: a ma_reclaim on SPY and one on IWM in the same week are one
market event seen twice, and their forward windows share the same sessions. Pooling them as independent
would make the interval too narrow, so every setup gets a forward window on the calendar shared by all
markets (from its close to the close `h` of its own sessions later), setups whose windows overlap — on
any market — form one cluster, and whole clusters are resampled (`bootstrap.py`, the same draws,
threshold and percentile conventions as the single-market event study). On one market the clusters
are exactly `overlap_clusters`, so a one-market pool reproduces that market's event study.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from rtybt.engine.analysis import standard
from rtybt.engine.analysis.bootstrap import (
    BootstrapMean,
    bootstrap_mean,
    cluster_weights,
)
from rtybt.engine.analysis.event_study import _num, forward_returns, setup_positions


def shared_calendar(closes: dict[str, pd.Series]) -> pd.DatetimeIndex:
    """Every session of any market, sorted: the time axis on which windows of different markets meet."""
    index = pd.DatetimeIndex([])
    for close in closes.values():
        index = index.union(close.index.normalize())
    return index.sort_values()


def setup_table(closes: dict[str, pd.Series], setups: dict[str, list], horizon: int,
                calendar: pd.DatetimeIndex | None = None) -> pd.DataFrame:
    """One row per setup with a full forward window: symbol, date, start/end on the shared calendar
    (end = the session `horizon` bars later on its own market), forward return, its market's baseline, excess."""
    calendar = shared_calendar(closes) if calendar is None else calendar
    frames = []
    for symbol, close in closes.items():
        values = close.to_numpy(dtype=float)
        positions = setup_positions(close.index, setups.get(symbol, []))
        fwd = forward_returns(values, horizon)
        baseline = fwd[~np.isnan(fwd)]
        event_fwd = fwd[positions]
        kept = ~np.isnan(event_fwd)
        positions = positions[kept]
        own = close.index.normalize()
        frames.append(pd.DataFrame({
            "symbol": symbol,
            "date": own[positions],
            "start": calendar.get_indexer(own[positions]),
            "end": calendar.get_indexer(own[positions + horizon]),
            "fwd": event_fwd[kept],
            "baseline": float(baseline.mean()) if len(baseline) else np.nan,
        }))
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["symbol", "date", "start", "end", "fwd", "baseline"])
    table["excess"] = table["fwd"] - table["baseline"]
    # Calendar order (then the order the markets were given): the cluster ids follow time.
    return table.sort_values(["start", "end"], kind="stable").reset_index(drop=True)


def calendar_clusters(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Cluster id of each window [start, end) (sorted by start): a new cluster when a window starts at or
    after the end of every window before it, i.e. overlaps none of them, on any market."""
    start, end = np.asarray(start, dtype=np.int64), np.asarray(end, dtype=np.int64)
    if len(start) == 0:
        return np.zeros(0, dtype=np.int64)
    if np.any(np.diff(start) < 0):
        raise ValueError("windows must be sorted by start")
    reach = np.maximum.accumulate(end)
    new_cluster = np.concatenate([[False], start[1:] >= reach[:-1]])
    return np.cumsum(new_cluster)


@dataclass(frozen=True)
class Interval:
    """A bootstrapped statistic: estimate, percentile interval and p-value, or None where refused."""

    estimate: float | None
    ci: tuple[float | None, float | None]
    p_value: float | None
    clusters: int

    @property
    def judged(self) -> bool:
        return self.p_value is not None

    @property
    def above_zero(self) -> bool:
        return self.judged and self.ci[0] is not None and self.ci[0] > 0

    @property
    def below_zero(self) -> bool:
        return self.judged and self.ci[1] is not None and self.ci[1] < 0


def _interval(estimate: float, draws: np.ndarray, clusters: int, confidence: float, judged: bool) -> Interval:
    draws = draws[np.isfinite(draws)]
    if not judged or len(draws) == 0:
        return Interval(_num(estimate) if np.isfinite(estimate) else None, (None, None), None, clusters)
    alpha = (1.0 - confidence) / 2.0
    low, high = np.quantile(draws, [alpha, 1.0 - alpha])
    p = BootstrapMean(estimate, draws, low, high, clusters).p_value(0.0)
    return Interval(_num(estimate), (_num(low), _num(high)), _num(p), clusters)


def clustered_excess(excess: np.ndarray, clusters: np.ndarray, n_boot: int, seed, confidence: float) -> Interval:
    """Mean excess with the cluster bootstrap; no interval under standard.MIN_EPISODES clusters."""
    boot = bootstrap_mean(excess, clusters, n_boot, seed, confidence)
    estimate = float(boot.estimate) if len(excess) else np.nan
    return _interval(estimate, np.asarray(boot.draws, dtype=float), boot.clusters, confidence,
                     boot.clusters >= standard.MIN_EPISODES)


def group_difference(excess: np.ndarray, in_group: np.ndarray, clusters: np.ndarray, n_boot: int, seed,
                     confidence: float) -> tuple[Interval, int, int]:
    """Mean excess of the group minus that of the rest, both from the same cluster draws (a cluster holding
    setups of both sides moves both means together). Returns (difference, clusters with group setups,
    clusters with the rest's); no interval unless each side has standard.MIN_EPISODES clusters."""
    excess, in_group = np.asarray(excess, dtype=float), np.asarray(in_group, dtype=bool)
    if len(excess) == 0 or in_group.all() or not in_group.any():
        return Interval(None, (None, None), None, 0), int(in_group.any()), int((~in_group).any())
    _, cluster_of = np.unique(clusters, return_inverse=True)
    k = int(cluster_of.max()) + 1
    columns = np.column_stack([excess * in_group, in_group, excess * ~in_group, ~in_group]).astype(float)
    sums = np.zeros((k, 4))
    np.add.at(sums, cluster_of, columns)
    estimate = sums[:, 0].sum() / sums[:, 1].sum() - sums[:, 2].sum() / sums[:, 3].sum()
    weights = cluster_weights(k, n_boot, np.random.default_rng(seed))
    drawn = weights @ sums
    with np.errstate(invalid="ignore", divide="ignore"):
        draws = drawn[:, 0] / drawn[:, 1] - drawn[:, 2] / drawn[:, 3]  # NaN when a draw misses one side
    in_clusters, out_clusters = int((sums[:, 1] > 0).sum()), int((sums[:, 3] > 0).sum())
    judged = min(in_clusters, out_clusters) >= standard.MIN_EPISODES
    return _interval(estimate, draws, k, confidence, judged), in_clusters, out_clusters


@dataclass(frozen=True)
class PooledHorizon:
    """All markets' setups at one horizon: pooled excess over the pooled baseline, and the traded market
    against the others on the same cross-market clusters."""

    horizon: int
    setups: int
    days: int  # distinct setup dates
    mean: float | None
    baseline_mean: float | None  # each setup's own-market baseline, averaged over the setups
    excess: Interval
    traded: str
    traded_excess: float | None
    others_excess: float | None
    difference: Interval  # traded minus others
    traded_clusters: int
    others_clusters: int

    def to_dict(self) -> dict:
        return {
            "horizon": self.horizon, "setups": self.setups, "days": self.days, "clusters": self.excess.clusters,
            "mean": self.mean, "baseline_mean": self.baseline_mean, "excess_mean": self.excess.estimate,
            "excess_ci": list(self.excess.ci), "p_value": self.excess.p_value,
            "beats_baseline": self.excess.above_zero, "traded": self.traded, "traded_excess": self.traded_excess,
            "others_excess": self.others_excess, "difference": self.difference.estimate,
            "difference_ci": list(self.difference.ci), "difference_p_value": self.difference.p_value,
            "traded_clusters": self.traded_clusters, "others_clusters": self.others_clusters,
        }


def _group_mean(values: np.ndarray) -> float | None:
    return _num(values.mean()) if len(values) else None


def pooled_horizon(table: pd.DataFrame, traded: str, horizon: int, n_boot: int, seed: int,
                   confidence: float) -> PooledHorizon:
    """The pooled event study of `setup_table(..., horizon)`; the seed is per horizon, as in the event study."""
    clusters = calendar_clusters(table["start"].to_numpy(), table["end"].to_numpy())
    excess = table["excess"].to_numpy(dtype=float)
    is_traded = (table["symbol"] == traded).to_numpy()
    pooled = clustered_excess(excess, clusters, n_boot, [seed, horizon], confidence)
    difference, in_c, out_c = group_difference(excess, is_traded, clusters, n_boot, [seed, horizon], confidence)
    return PooledHorizon(
        horizon=horizon, setups=len(table), days=int(table["date"].nunique()),
        mean=_group_mean(table["fwd"].to_numpy(dtype=float)),
        baseline_mean=_group_mean(table["baseline"].to_numpy(dtype=float)),
        excess=pooled, traded=traded, traded_excess=_group_mean(excess[is_traded]),
        others_excess=_group_mean(excess[~is_traded]), difference=difference,
        traded_clusters=in_c, others_clusters=out_c,
    )
