"""Analysis stage: a ranked comparison table of runs; runs on different instruments or periods are never ranked together."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from rtybt.engine.analysis.metric_keys import metric_rows
from rtybt.engine.core.numbers import setting_text

COLUMNS = [(key, label, kind) for label, key, kind in metric_rows(
    "cagr", "sharpe", "sortino", "max_drawdown", "calmar", "exposure", "trades", "win_rate", "profit_factor")]
# The event-study edge: excess mean forward return of the setups over every bar of the period, with its interval.
EDGE_COLUMNS = [("edge", "event-study edge", "pct"), ("edge_ci_low", "edge CI low", "pct"),
                ("edge_ci_high", "edge CI high", "pct")]
EDGE_NOTE = ("event-study edge: mean forward return after the setups minus that of every bar of the period, "
             "at the verdict horizon, with its bootstrap interval (blank when there is no event study).")


def edge_at(horizons: list[dict], horizon: int) -> dict:
    """The edge columns from an event study's `horizons` (as in event_study.json); blank when `horizon` is absent."""
    for h in horizons:
        if h.get("horizon") == horizon:
            low, high = h.get("excess_ci") or (None, None)
            return {"edge": h.get("excess_mean"), "edge_ci_low": low, "edge_ci_high": high}
    return {"edge": None, "edge_ci_low": None, "edge_ci_high": None}


@dataclass
class Entry:
    """One run to compare: what it is, its headline metrics and its daily returns."""

    label: str
    strategy: str
    params: dict
    symbol: str
    metrics: dict
    returns: pd.Series
    source: str = ""  # where it came from: a run directory, "computed", a sweep variant
    extra: dict = field(default_factory=dict)  # more columns (e.g. event-study edge and its interval)
    run_dir: str | None = None  # the stored run (its tearsheet is linked from the comparison page)

    @property
    def period(self) -> tuple[str, str]:
        return str(self.returns.index[0].date()), str(self.returns.index[-1].date())


def comparison_table(entries: list[Entry], metric: str = "sharpe") -> pd.DataFrame:
    """One row per entry. `group` numbers the (symbol, period) sets; `rank` is 1 = best by `metric`
    within its group only; `flag` says why a row is not ranked against the others."""
    rows = []
    for e in entries:
        start, end = e.period
        rows.append({"label": e.label, "strategy": e.strategy,
                     "params": ", ".join(f"{k}={setting_text(v)}" for k, v in e.params.items()),
                     "symbol": e.symbol, "start": start, "end": end,
                     **{key: e.metrics.get(key) for key, _, _ in COLUMNS}, **e.extra, "source": e.source})
    table = pd.DataFrame(rows)
    keys = list(zip(table["symbol"], table["start"], table["end"], strict=True))
    groups = {k: i + 1 for i, k in enumerate(dict.fromkeys(keys))}
    table["group"] = [groups[k] for k in keys]
    values = pd.to_numeric(table[metric], errors="coerce").to_numpy(dtype=float)
    # Every ranked metric is "larger is better" (drawdowns are negative, so the shallowest ranks first).
    score = np.where(np.isnan(values), -np.inf, values)
    ranks = np.zeros(len(table), dtype=int)
    for g in set(table["group"]):
        idx = [i for i in range(len(table)) if table["group"][i] == g]
        for r, i in enumerate(sorted(idx, key=lambda i: (-score[i], i)), start=1):
            ranks[i] = r
    table["rank"] = ranks
    flags = []
    for k in keys:
        if len(groups) == 1:
            flags.append("")
        else:
            flags.append(f"group {groups[k]}: {k[0]} {k[1]}..{k[2]} (ranked only within its group)")
    table["flag"] = flags
    return table.sort_values(["group", "rank"], kind="stable").reset_index(drop=True)


GAP_METRICS = {"sharpe": "Sharpe", "cagr": "CAGR"}


def rank_gaps(entries: list[Entry], table: pd.DataFrame, metric: str, periods_per_year: int = 252) -> list[dict]:
    """Each ranked row against the next one down (same group), on the paired daily returns: the gap in the ranking
    metric with its HAC interval (engine/analysis/run/paired.py), corrected over the table's gaps by the standard's
    multiple-testing rule, and its word ("held": the higher rank is ahead beyond noise). Only Sharpe and CAGR
    rankings are tested."""
    from rtybt.engine.analysis import standard
    from rtybt.engine.analysis.run import paired

    if metric not in GAP_METRICS:
        return []
    by_label = {e.label: e for e in entries}
    gaps = []
    for _, group in table.groupby("group", sort=True):
        ordered = list(group.sort_values("rank")["label"])
        for hi, lo in zip(ordered, ordered[1:], strict=False):
            a, b = by_label[hi].returns, by_label[lo].returns
            both = pd.concat([a, b], axis=1, join="inner").dropna().to_numpy(dtype=float)
            if len(both) < 3:
                continue
            rs, rb = both[:, 0], both[:, 1]
            if metric == "sharpe":
                est, se = paired.sharpe_difference(rs, rb, periods_per_year)
            else:
                est, se, _, _ = paired.cagr_difference(rs, rb, periods_per_year)
            low, high, p = paired._normal_interval(est, se, standard.CONFIDENCE)
            gaps.append({"higher": hi, "lower": lo, "metric": metric, "difference": est, "low": low, "high": high,
                         "p_value": p, "days": len(rs), "episodes": len(rs) // paired.block_length(len(rs))})
    for gap, q in zip(gaps, standard.adjust([g["p_value"] for g in gaps]), strict=True):
        ev = standard.Evidence(gap["difference"], gap["low"], gap["high"], gap["p_value"], gap["episodes"],
                               p_adjusted=q)
        gap["p_adjusted"] = q
        gap["word"] = standard.claim_word(ev)
    return gaps


def rank_sentence(gaps: list[dict]) -> str:
    """The ranking's gaps in words: which ranks are ahead beyond noise and which are not."""
    from rtybt.engine.analysis import standard

    if not gaps:
        return ""
    title = GAP_METRICS[gaps[0]["metric"]]
    method = {"holm": "Holm", "bh": "Benjamini-Hochberg"}[standard.MULTIPLE_TESTING]

    def value(x):
        return "n/a" if x is None else (f"{x:+.3f}" if title == "Sharpe" else f"{x:+.2%}").replace("-", "−")

    parts = []
    for g in gaps:
        if g["low"] is None:
            parts.append(f"{g['higher']} over {g['lower']}: no interval")
            continue
        verdict = "ahead beyond noise" if g["word"] == standard.HELD else g["word"]
        parts.append(f"{g['higher']} over {g['lower']}: {title} {value(g['difference'])} "
                     f"({standard.CONFIDENCE:.0%} interval {value(g['low'])} to {value(g['high'])}; p "
                     f"{g['p_value']:.3f}, {method}-adjusted {g['p_adjusted']:.3f}): {verdict}")
    return "Is each rank ahead of the next beyond noise? " + "; ".join(parts) + "."
