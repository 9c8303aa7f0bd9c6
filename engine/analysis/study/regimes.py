"""Analysis stage: regime labels known at a setup's close, and the event study split by them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from rtybt.engine.analysis.indicators import sma
from rtybt.engine.analysis.study.cross_market import (
    calendar_clusters,
    clustered_excess,
    group_difference,
)

UNKNOWN = ""  # no label: the VIX had no close yet, or the moving average was still warming up


def vix_labels(dates: pd.DatetimeIndex, vix: pd.Series | None, threshold: float) -> list[str]:
    """"VIX > t" or "VIX <= t" from the last VIX close on or before each date (never a later one)."""
    if vix is None or vix.empty:
        return [UNKNOWN] * len(dates)
    index = vix.index.normalize()
    at = np.searchsorted(index.to_numpy(), pd.DatetimeIndex(dates).normalize().to_numpy(), side="right") - 1
    closes = vix.to_numpy(dtype=float)
    return [UNKNOWN if i < 0 or not np.isfinite(closes[i]) else
            (f"VIX > {threshold:g}" if closes[i] > threshold else f"VIX <= {threshold:g}") for i in at]


def trend_labels(close: pd.Series, dates: pd.DatetimeIndex, ma_period: int) -> list[str]:
    """The market's close against its SMA of the `ma_period` closes up to and including the setup's."""
    values = close.to_numpy(dtype=float)
    average = sma(values, ma_period)
    positions = close.index.normalize().get_indexer(pd.DatetimeIndex(dates).normalize())
    out = []
    for p in positions:
        if p < 0 or not np.isfinite(average[p]):
            out.append(UNKNOWN)
        else:
            out.append(f"above {ma_period}-day MA" if values[p] > average[p] else f"at or below {ma_period}-day MA")
    return out


def decade_labels(dates: pd.DatetimeIndex) -> list[str]:
    return [f"{year // 10 * 10}s" for year in pd.DatetimeIndex(dates).year]


def label_setups(table: pd.DataFrame, closes: dict[str, pd.Series], vix: pd.Series | None, by: list[str],
                 vix_threshold: float, ma_period: int) -> pd.DataFrame:
    """`table` (symbol, date, ...) with one label column per regime kind in `by`."""
    out = table.copy()
    for kind in by:
        labels = pd.Series(UNKNOWN, index=out.index, dtype=object)
        for symbol, rows in out.groupby("symbol", sort=False):
            dates = pd.DatetimeIndex(rows["date"])
            if kind == "vix":
                labels[rows.index] = vix_labels(dates, vix, vix_threshold)
            elif kind == "trend":
                labels[rows.index] = trend_labels(closes[symbol], dates, ma_period)
            elif kind == "decade":
                labels[rows.index] = decade_labels(dates)
            else:
                raise ValueError(f"unknown regime kind {kind!r}")
        out[kind] = labels
    return out


def _level_order(kind: str, levels: list[str]) -> list[str]:
    if kind == "decade":
        return sorted(levels)
    # The risk-on side first: VIX at or below the threshold, price above its MA.
    first = [lv for lv in levels if lv.startswith("VIX <=") or lv.startswith("above")]
    return first + sorted(lv for lv in levels if lv not in first)


def regime_splits(labelled: pd.DataFrame, by: list[str], horizon: int, n_boot: int, seed: int,
                  confidence: float) -> list[dict]:
    """For each regime kind and level: setups, days, clusters, mean excess with its interval (or refusal),
    and the level's excess minus that of the kind's other labelled setups with its interval. Clusters
    are the cross-market calendar clusters of the setups compared (recomputed for each subset)."""
    rows = []
    for kind in by:
        known = labelled[labelled[kind] != UNKNOWN]
        levels = _level_order(kind, list(dict.fromkeys(known[kind])))
        all_clusters = calendar_clusters(known["start"].to_numpy(), known["end"].to_numpy())
        excess_all = known["excess"].to_numpy(dtype=float)
        for level in levels:
            mask = (known[kind] == level).to_numpy()
            part = known[mask]
            clusters = calendar_clusters(part["start"].to_numpy(), part["end"].to_numpy())
            excess = clustered_excess(part["excess"].to_numpy(dtype=float), clusters, n_boot, [seed, horizon],
                                      confidence)
            diff, _, rest_clusters = group_difference(excess_all, mask, all_clusters, n_boot, [seed, horizon],
                                                      confidence)
            rows.append({
                "regime": kind, "level": level, "horizon": horizon, "setups": len(part),
                "days": int(part["date"].nunique()), "clusters": excess.clusters,
                "excess_mean": excess.estimate, "excess_ci": list(excess.ci), "p_value": excess.p_value,
                "rest_setups": int((~mask).sum()), "rest_clusters": rest_clusters,
                "difference": diff.estimate, "difference_ci": list(diff.ci), "difference_p_value": diff.p_value,
            })
        unknown = int((labelled[kind] == UNKNOWN).sum())
        if unknown:
            rows.append({"regime": kind, "level": "no label", "horizon": horizon, "setups": unknown,
                         "days": int(labelled.loc[labelled[kind] == UNKNOWN, "date"].nunique()), "clusters": None,
                         "excess_mean": None, "excess_ci": [None, None], "p_value": None, "rest_setups": None,
                         "rest_clusters": None, "difference": None, "difference_ci": [None, None],
                         "difference_p_value": None})
    return rows
