"""Twins stage: confirm a screen: re-run its top variants in Backtrader, report both numbers, catch divergence."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from rtybt.engine.analysis.metric_keys import metric_keys
from rtybt.engine.twins.parity import result_differences
from rtybt.engine.twins.run import run_twin

CONFIRMED_METRICS = metric_keys("sharpe", "cagr", "max_drawdown", "total_return", "trades", "win_rate", "exposure")


@dataclass
class Confirmation:
    """The top variants' screened and confirmed numbers, and every twin that disagreed with Backtrader."""

    rows: list[dict] = field(default_factory=list)
    diverged: list[str] = field(default_factory=list)

    def table(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows)


def confirm_top(outcome, frame: pd.DataFrame, top: int, screened: set[str]) -> Confirmation:
    """Backtrader runs of the `top` best-ranked variants of a sweep outcome; for each screened one, the twin's
    full run is held to it with the parity contract (engine.twins.parity)."""
    from rtybt.engine.run import run_backtest

    conf = Confirmation()
    table = outcome.table.sort_values("rank", kind="stable").head(top)
    for row in table.itertuples():
        variant = outcome.variants[row.variant]
        bt = run_backtest(variant.config, frame)
        by_twin = variant.config_hash in screened
        screened_metrics = outcome.metrics[variant.config_hash]
        entry = {"rank": int(row.rank), "label": variant.label,
                 "screened_by": "twin" if by_twin else "Backtrader (no twin)"}
        for key in CONFIRMED_METRICS:
            entry[f"screened_{key}"] = screened_metrics.get(key)
            entry[f"confirmed_{key}"] = bt.metrics.get(key)
        diffs = result_differences(bt, run_twin(variant.config, frame)) if by_twin else []
        entry["parity"] = "identical" if not diffs else "DIVERGED"
        if diffs:
            conf.diverged.append(f"{variant.label}: twin differs from Backtrader: {diffs[0]}")
        conf.rows.append(entry)
    return conf
