"""Analysis stage: the report's one-sentence answer, derived from the numbers (never written by hand)."""

from __future__ import annotations

from engine.analysis.bootstrap import MIN_CLUSTERS
from engine.analysis.event_study import EventStudy


def _pct(x: float | None, signed: bool = False) -> str:
    if x is None:
        return "n/a"
    return f"{x:+.2%}" if signed else f"{x:.2%}"


def _num(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.2f}"


def beat_benchmark(metrics: dict, benchmark: dict | None) -> bool | None:
    """True when the strategy's CAGR after costs is above the benchmark's; None without a comparison."""
    if not benchmark or metrics.get("cagr") is None or benchmark.get("cagr") is None:
        return None
    return metrics["cagr"] > benchmark["cagr"]


def benchmark_clause(strategy: str, metrics: dict, benchmark: dict | None, benchmark_symbol: str | None) -> str:
    won = beat_benchmark(metrics, benchmark)
    if won is None:
        return f"{strategy} compounded at {_pct(metrics.get('cagr'))} a year after costs (no benchmark was run)"
    sharpe_word = "higher" if (metrics.get("sharpe") or float("-inf")) > (benchmark.get("sharpe") or float("-inf")) \
        else "not higher"
    return (
        f"{strategy} {'beat' if won else 'did not beat'} buy-and-hold {benchmark_symbol} after costs "
        f"(CAGR {_pct(metrics.get('cagr'))} vs {_pct(benchmark.get('cagr'))}; Sharpe {_num(metrics.get('sharpe'))} "
        f"vs {_num(benchmark.get('sharpe'))}, {sharpe_word})"
    )


def setup_clause(study: EventStudy | None, horizon: int) -> str:
    if study is None:
        return "the event study was not run"
    if study.setups == 0:
        return "the setup never occurred in the period, so its forward returns cannot be judged"
    s = study.horizon(horizon)
    if s.events == 0:
        return f"none of the {study.setups} setups has {horizon} sessions of data after it, so they cannot be judged"
    conf = f"{study.confidence:.0%}"
    if s.p_value is None:
        return (
            f"the {horizon}-session forward return after its {s.events} setups cannot be judged against the "
            f"baseline: they form only {s.clusters} non-overlapping group(s) (at least {MIN_CLUSTERS} needed) "
            f"(mean {_pct(s.mean, True)} vs {_pct(s.baseline_mean, True)})"
        )
    if s.beats_baseline:
        judged = f"beat the unconditional baseline at {conf} confidence"
    elif s.excess_ci[1] is not None and s.excess_ci[1] < 0:
        judged = f"fell short of the unconditional baseline at {conf} confidence"
    else:
        judged = f"did not beat the unconditional baseline at {conf} confidence"
    return (
        f"the {horizon}-session forward return after its {s.events} setups {judged} "
        f"(mean {_pct(s.mean, True)} vs {_pct(s.baseline_mean, True)}, excess {conf} CI "
        f"{_pct(s.excess_ci[0], True)} to {_pct(s.excess_ci[1], True)}, p = {s.p_value:.3f})"
    )


def verdict(strategy: str, symbol: str, start: str, end: str, metrics: dict, benchmark: dict | None,
            benchmark_symbol: str | None, study: EventStudy | None, horizon: int) -> str:
    """One sentence: did the strategy beat the benchmark after costs, and did the setup beat the baseline?"""
    return (
        f"On {symbol} from {start} to {end}, {benchmark_clause(strategy, metrics, benchmark, benchmark_symbol)}, "
        f"and {setup_clause(study, horizon)}."
    )
