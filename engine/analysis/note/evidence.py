"""Analysis stage: a claim's event rows -> the standard's Evidence (engine.analysis.standard), with the numbers behind it.

Rows from one market or several are laid on one calendar; events whose windows overlap in calendar time, on any
market, form one episode (engine.analysis.study.cross_market's clusters, the study's), and whole episodes are
resampled (engine.analysis.bootstrap). The estimate is the mean of (value - its market's baseline); for a
conditional claim, the mean over the group minus the mean over the rest, from the same draws.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from rtybt.engine.analysis.standard import CONFIDENCE, Evidence
from rtybt.engine.analysis.study.cross_market import (
    calendar_clusters,
    clustered_excess,
    group_difference,
)

N_BOOT = 2000
SEED = 20250508  # the event study's default seed


@dataclass(frozen=True)
class Tested:
    """One claim tested in one scope: the standard's Evidence and the plain numbers a reader checks it with."""

    evidence: Evidence
    events: int  # rows (events with a complete window)
    mean: float | None  # mean value after the events (the group's, for a conditional claim)
    baseline: float | None  # mean baseline (the rest's mean, for a conditional claim)
    reason: str | None = None  # why there is no interval, when there is none

    def to_dict(self) -> dict:
        e = self.evidence
        return {"estimate": e.estimate, "low": e.low, "high": e.high, "p_value": e.p_value,
                "p_adjusted": e.p_adjusted, "episodes": e.episodes, "events": self.events, "mean": self.mean,
                "baseline": self.baseline, "reason": self.reason}


def _num(x) -> float | None:
    return float(x) if x is not None and np.isfinite(x) else None


def test_rows(rows: pd.DataFrame, seed, n_boot: int = N_BOOT, confidence: float = CONFIDENCE,
              why_empty: str = "no event had a complete window") -> Tested:
    """Evidence from event rows (any number of markets); no interval below the standard's minimum episodes."""
    from rtybt.engine.analysis.standard import MIN_EPISODES

    if rows.empty:
        return Tested(Evidence(None, None, None, None, 0, confidence), 0, None, None, why_empty)
    rows = rows.sort_values(["start", "end"], kind="stable").reset_index(drop=True)
    calendar = pd.DatetimeIndex(rows["start"]).append(pd.DatetimeIndex(rows["end"])).unique().sort_values()
    start, end = calendar.get_indexer(rows["start"]), calendar.get_indexer(rows["end"])
    clusters = calendar_clusters(start, end)
    excess = (rows["value"] - rows["baseline"]).to_numpy(dtype=float)
    group = rows["group"].to_numpy(dtype=bool)
    if group.any():
        interval, in_c, out_c = group_difference(excess, group, clusters, n_boot, seed, confidence)
        episodes = min(in_c, out_c)
        mean = _num(rows.loc[group, "value"].mean())
        base = _num(rows.loc[~group, "value"].mean()) if (~group).any() else None
    else:
        interval = clustered_excess(excess, clusters, n_boot, seed, confidence)
        episodes = interval.clusters
        mean, base = _num(rows["value"].mean()), _num(rows["baseline"].mean())
    low, high = interval.ci
    reason = None
    if interval.p_value is None:
        reason = f"only {episodes} separate episode{'s' if episodes != 1 else ''} (fewer than {MIN_EPISODES})"
    ev = Evidence(interval.estimate, low if interval.p_value is not None else None,
                  high if interval.p_value is not None else None, interval.p_value, episodes, confidence)
    return Tested(ev, len(rows), mean, base, reason)
