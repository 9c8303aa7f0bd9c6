"""Twins stage: confirm a screen: re-run its top variants in Backtrader, report both numbers, catch divergence."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from engine.twins.parity import result_differences
from engine.twins.run import run_twin

CONFIRMED_METRICS = ("sharpe", "cagr", "max_drawdown", "total_return", "trades", "win_rate", "exposure")


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
    from engine.run import run_backtest

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


def screened_sweep(variants, frame: pd.DataFrame, executor, metric: str, confirm: int, store=None,
                   resume: bool = False, on_progress=None):
    """`rtybt sweep --screen`: the whole grid through the twins, the top `confirm` re-run in Backtrader.

    Returns the outcome whose numbers the sweep reports and a JSON-ready account of where each came from.
    Screened numbers never enter the variant store (it holds Backtrader's). If any confirmed twin diverges
    from Backtrader, the screen is thrown away and the whole grid runs on `executor` (Backtrader), saying so.
    """
    from engine.sweep.runner import run_variants
    from engine.twins.executor import TwinExecutor

    twins = TwinExecutor(executor)
    outcome = run_variants(variants, frame, twins, None, False, metric, on_progress)
    conf = confirm_top(outcome, frame, confirm, twins.screened)
    report = {
        "numbers": "screened",
        "screened_by_twin": len(twins.screened),
        "screened_by_backtrader": len(variants) - len(twins.screened),
        "confirm_top": confirm,
        "notes": list(twins.notes),
        "diverged": conf.diverged,
        "confirmed": conf.rows,
    }
    if conf.diverged:
        report["numbers"] = "backtrader"
        report["notes"].append(
            "a twin diverged from Backtrader on a confirmed variant: the screen was discarded and every "
            "variant re-run in Backtrader"
        )
        outcome = run_variants(variants, frame, executor, store, resume, metric, on_progress)
        outcome.table["numbers"] = "Backtrader"
    else:
        outcome.table["numbers"] = [
            "twin screen" if h in twins.screened else "Backtrader (no twin)" for h in outcome.table["config_hash"]
        ]
    confirmed = {row["label"]: row for row in conf.rows}
    for key in ("sharpe", "cagr", "max_drawdown", "trades"):
        outcome.table[f"confirmed_{key}"] = [
            confirmed[label][f"confirmed_{key}"] if label in confirmed else None for label in outcome.table["label"]
        ]
    return outcome, report
