"""Sweep stage: `rtybt sweep --screen`: the twins plug in as the sweep's executor, Backtrader confirms the top.

The one place where sweep meets the twins (tests/test_architecture.py holds it to that): it builds a
`TwinExecutor` around the real executor, runs the grid through it, and asks it to confirm the best variants.
The twins never import the sweep.
"""

from __future__ import annotations

import pandas as pd

from rtybt.engine.sweep.runner import run_variants
from rtybt.engine.twins.executor import TwinExecutor


def screened_sweep(variants, frame: pd.DataFrame, executor, metric: str, confirm: int, store=None,
                   resume: bool = False, on_progress=None):
    """`rtybt sweep --screen`: the whole grid through the twins, the top `confirm` re-run in Backtrader.

    Returns the outcome whose numbers the sweep reports and a JSON-ready account of where each came from.
    Screened numbers never enter the variant store (it holds Backtrader's). If any confirmed twin diverges
    from Backtrader, the screen is thrown away and the whole grid runs on `executor` (Backtrader), saying so.
    """
    twins = TwinExecutor(executor)
    outcome = run_variants(variants, frame, twins, None, False, metric, on_progress)
    conf = twins.confirm(outcome, frame, confirm)
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
