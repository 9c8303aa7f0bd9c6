"""Analysis stage: forward returns after every setup against the unconditional forward returns of the period."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from rtybt.engine.analysis import standard
from rtybt.engine.analysis.bootstrap import METHOD, bootstrap_mean, overlap_clusters


def forward_returns(close: np.ndarray, horizon: int) -> np.ndarray:
    """close[t + h] / close[t] - 1 for every bar t; NaN where the window runs past the last bar."""
    close = np.asarray(close, dtype=float)
    out = np.full(len(close), np.nan)
    if horizon < len(close):
        out[: len(close) - horizon] = close[horizon:] / close[: len(close) - horizon] - 1.0
    return out


def setup_positions(index: pd.DatetimeIndex, setup_dates) -> np.ndarray:
    """Bar positions of the setup dates (sorted, unique); a date that is not a bar is an error."""
    dates = pd.DatetimeIndex(pd.to_datetime(list(setup_dates))).normalize().unique().sort_values()
    positions = index.normalize().get_indexer(dates)
    missing = dates[positions < 0]
    if len(missing):
        raise ValueError(f"setup date {missing[0].date()} is not a bar of the price series")
    return positions.astype(np.int64)


@dataclass(frozen=True)
class HorizonStats:
    """The setup's forward returns at one horizon against the baseline (every bar of the same period)."""

    horizon: int
    events: int
    clusters: int
    mean: float | None
    median: float | None
    hit_rate: float | None
    mean_ci: tuple[float | None, float | None]
    hit_rate_ci: tuple[float | None, float | None]
    baseline_windows: int
    baseline_mean: float | None
    baseline_median: float | None
    baseline_hit_rate: float | None
    excess_mean: float | None
    excess_ci: tuple[float | None, float | None]
    p_value: float | None
    beats_baseline: bool  # the whole interval of the excess mean is above zero


@dataclass(frozen=True)
class EventStudy:
    horizons: list[HorizonStats]
    outcomes: pd.DataFrame  # one row per setup: date, fwd_<h> for each horizon
    path: pd.DataFrame  # session 0..max h: setup mean, its interval, baseline mean
    setups: int
    confidence: float
    method: str

    def horizon(self, h: int) -> HorizonStats:
        for stats in self.horizons:
            if stats.horizon == h:
                return stats
        raise KeyError(h)

    def to_dict(self) -> dict:
        return {
            "setups": self.setups,
            "confidence": self.confidence,
            "method": self.method,
            "baseline": "forward returns from every bar of the same period (all windows that fit)",
            "horizons": [_clean(asdict(s)) for s in self.horizons],
            "path": _clean(self.path.to_dict(orient="list")),
        }


def _num(x) -> float | None:
    x = float(x)
    return x if np.isfinite(x) else None


def _clean(obj):
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    if isinstance(obj, float | np.floating):
        return _num(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    return obj


def _horizon_stats(close: np.ndarray, positions: np.ndarray, h: int, n_boot: int, seed: int,
                   confidence: float) -> tuple[HorizonStats, np.ndarray]:
    fwd = forward_returns(close, h)
    baseline = fwd[~np.isnan(fwd)]
    event_fwd = fwd[positions]
    kept = ~np.isnan(event_fwd)
    values = event_fwd[kept]
    clusters = overlap_clusters(positions[kept], h)
    base_mean = float(baseline.mean()) if len(baseline) else np.nan
    # Mean and hit rate share the same cluster draws; the seed is per horizon so adding one changes no other.
    boot = bootstrap_mean(np.column_stack([values, values > 0, values - base_mean]), clusters, n_boot,
                          [seed, h], confidence)
    n = len(values)
    if boot.clusters < standard.MIN_EPISODES:
        nan = np.full(3, np.nan)
        boot = type(boot)(boot.estimate, boot.draws, nan, nan, boot.clusters)
    judged = boot.clusters >= standard.MIN_EPISODES
    stats = HorizonStats(
        horizon=h,
        events=n,
        clusters=boot.clusters,
        mean=_num(values.mean()) if n else None,
        median=_num(np.median(values)) if n else None,
        hit_rate=_num((values > 0).mean()) if n else None,
        mean_ci=(_num(boot.ci_low[0]), _num(boot.ci_high[0])),
        hit_rate_ci=(_num(boot.ci_low[1]), _num(boot.ci_high[1])),
        baseline_windows=len(baseline),
        baseline_mean=_num(base_mean),
        baseline_median=_num(np.median(baseline)) if len(baseline) else None,
        baseline_hit_rate=_num((baseline > 0).mean()) if len(baseline) else None,
        excess_mean=_num(values.mean() - base_mean) if n else None,
        excess_ci=(_num(boot.ci_low[2]), _num(boot.ci_high[2])),
        p_value=_num(boot.p_value(0.0)[2]) if judged else None,
        beats_baseline=bool(judged and boot.ci_low[2] > 0),
    )
    return stats, event_fwd


def _mean_or_nan(values: np.ndarray) -> float:
    """np.nanmean, but NaN (undefined, shown as n/a) without numpy's warning when no value is defined."""
    return float(np.nanmean(values)) if (~np.isnan(values)).any() else float("nan")


def _mean_path(close: np.ndarray, positions: np.ndarray, max_h: int, n_boot: int, seed: int,
               confidence: float) -> pd.DataFrame:
    """Average cumulative return path from the setups with a full window, and the unconditional path."""
    sessions = np.arange(max_h + 1)
    full = positions[positions + max_h < len(close)]
    base_path = np.array([_mean_or_nan(forward_returns(close, s)[: len(close) - max_h]) for s in sessions])
    if len(full):
        paths = close[full[:, None] + sessions[None, :]] / close[full][:, None] - 1.0
        boot = bootstrap_mean(paths, overlap_clusters(full, max_h), n_boot, [seed, 0], confidence)
        mean, low, high = boot.estimate, boot.ci_low, boot.ci_high
    else:
        mean = low = high = np.full(len(sessions), np.nan)
    return pd.DataFrame({"session": sessions, "setup_mean": mean, "setup_ci_low": low, "setup_ci_high": high,
                         "baseline_mean": base_path})


def event_study(close: pd.Series, setup_dates, horizons=(5, 10, 20, 60), n_boot: int = 2000, seed: int = 0,
                confidence: float = 0.95) -> EventStudy:
    """Forward returns from the close of every setup to the close h sessions later, for each horizon h."""
    values = close.to_numpy(dtype=float)
    positions = setup_positions(close.index, setup_dates)
    horizons = sorted(set(int(h) for h in horizons))
    stats, columns = [], {"date": close.index[positions].date}
    for h in horizons:
        s, fwd = _horizon_stats(values, positions, h, n_boot, seed, confidence)
        stats.append(s)
        columns[f"fwd_{h}"] = fwd
    path = _mean_path(values, positions, max(horizons), n_boot, seed, confidence)
    return EventStudy(
        horizons=stats, outcomes=pd.DataFrame(columns), path=path, setups=len(positions), confidence=confidence,
        method=METHOD.format(n_boot=n_boot, seed=seed, confidence=confidence,
                                     min_episodes=standard.MIN_EPISODES),
    )
