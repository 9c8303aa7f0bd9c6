"""Report stage: a claim's numbers in words — the one formatting the page, the terminal, the JSON and the CSV share."""

from __future__ import annotations

import pandas as pd

from rtybt.engine.analysis.note.claims import POOLED

RATE_KINDS = ("target_before_stop", "rejection")
BASELINE = {"confirmation": "at the setup", "bias": "every day"}


def is_rate(claim) -> bool:
    return claim.kind in RATE_KINDS


def value_text(claim, x: float | None) -> str:
    """A mean after the events or its baseline: a share of outcomes, or a return."""
    if x is None:
        return "–"
    return f"{x:.0%}" if is_rate(claim) else f"{x:+.2%}"


def diff_text(claim, x: float | None) -> str:
    """The tested difference: percentage points for a share, a signed return otherwise."""
    if x is None:
        return "–"
    return f"{x * 100:+.1f} pts" if is_rate(claim) else f"{x:+.2%}"


def interval_text(claim, tested) -> str:
    e = tested.evidence
    if e.low is None or e.high is None:
        return tested.reason or "no interval"
    unit = " pts" if is_rate(claim) else ""
    lo, hi = (f"{e.low * 100:+.1f}", f"{e.high * 100:+.1f}") if is_rate(claim) else (f"{e.low:+.2%}", f"{e.high:+.2%}")
    return f"{lo} to {hi}{unit}"


def measure(claim) -> str:
    """What the number of a claim is, in a few words."""
    if claim.kind == "forward_return":
        return f"{claim.horizon}-session return after the setup, against every day's"
    if claim.kind == "target_before_stop":
        return f"share of setups reaching the target before the stop within {claim.sessions} sessions, against every day's"
    if claim.kind == "rejection":
        return (f"share rejected at the band (of those reaching it within {claim.sessions} sessions), against "
                "every day's")
    if claim.kind == "confirmation":
        return (f"{claim.horizon}-session return after the confirming close, against entering at the setup")
    if claim.kind == "relative":
        return f"{claim.horizon}-session return relative to {claim.peer} after the setup, against every day's"
    return f"{claim.horizon}-session return on days the Final Call says {claim.term}-term {claim.bias}, against every day's"


def baseline_name(claim) -> str:
    return BASELINE.get(claim.kind, "every day")


def claims_frame(result) -> pd.DataFrame:
    """One row per claim with every number of every scope (the page's, the CSV's and the Python API's table)."""
    rows = []
    for v in result.verdicts:
        c, e = v.claim, v.answer.evidence
        row = {"id": c.id, "kind": c.kind, "claim": c.quote, "answer": v.word, "measure": measure(c),
               "mean": v.answer.mean, "baseline": v.answer.baseline, "estimate": e.estimate, "ci_low": e.low,
               "ci_high": e.high, "p_value": e.p_value, "p_adjusted": e.p_adjusted, "episodes": e.episodes,
               "events": v.answer.events, "reason": v.answer.reason, "where_else": "; ".join(v.where_else)}
        scopes = {**{m: (t, v.market_words[m]) for m, t in v.markets.items()}, "regime": (v.regime, v.regime_word)}
        if v.analogs is not None:
            scopes["analogs"] = (v.analogs, v.analogs_word)
        for name, (t, w) in scopes.items():
            key = "pooled" if name == POOLED else name
            row |= {f"{key}: answer": w, f"{key}: estimate": t.evidence.estimate, f"{key}: ci_low": t.evidence.low,
                    f"{key}: ci_high": t.evidence.high, f"{key}: p_value": t.evidence.p_value,
                    f"{key}: p_adjusted": t.evidence.p_adjusted, f"{key}: episodes": t.evidence.episodes,
                    f"{key}: events": t.events}
        rows.append(row)
    return pd.DataFrame(rows)
