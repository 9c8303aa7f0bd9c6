"""Analysis stage: a run's analysis, computed once: the event study of its setups, target-first, the verdict and the
setup's edge. The report, the summary, compare and the sweep are handed it; none works it out again."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from rtybt.engine.analysis.event_study import EventStudy, event_study
from rtybt.engine.analysis.run.comparison import edge_at
from rtybt.engine.analysis.run.verdict import Verdict, judge, not_judged
from rtybt.engine.analysis.target_first import (
    LevelRule,
    TargetFirst,
    target_first,
    target_first_evidence,
)

if TYPE_CHECKING:
    from rtybt.engine.config import RunConfig


@dataclass(frozen=True)
class RunAnalysis:
    study: EventStudy
    target_first: TargetFirst
    verdict: Verdict
    edge: dict  # the comparison table's edge columns at the verdict horizon (setup_edge)
    target_evidence: dict | None = None  # target-first's episodes, interval and every-day baseline


def level_rule(cfg) -> LevelRule:
    """A target or stop section of the config as a target-first rule."""
    return LevelRule(cfg.kind, period=cfg.period, pct=cfg.pct, price=cfg.price)


def setup_study(config: RunConfig, close: pd.Series, setups) -> EventStudy:
    """The event study of a run's setup days, under the config's event_study section (seeded: reproducible)."""
    cfg = config.event_study
    return event_study(close, setups, cfg.horizons, cfg.bootstrap_samples, cfg.seed, cfg.confidence)


def setup_edge(study: EventStudy, horizon: int) -> dict:
    """Excess forward return of the setups over every day at `horizon`, with its interval: the edge columns of
    `rtybt compare` and the sweep's report (blank when `horizon` is not studied)."""
    return edge_at(study.to_dict()["horizons"], horizon)


def analyse_run(config: RunConfig, bars: pd.DataFrame, setups, metrics: dict, benchmark_metrics: dict | None,
                benchmark_symbol: str | None, returns: pd.Series | None = None,
                benchmark_returns: pd.Series | None = None, lookahead: str | None = None) -> RunAnalysis:
    """Everything the run's answer rests on, from its bars, setup days, metrics and daily returns (the paired
    returns give the differences against buy-and-hold their intervals). `lookahead`: the harness's finding for a
    strategy that reads later bars (run with --allow-lookahead): no verdict."""
    cfg = config.event_study
    study = setup_study(config, bars["close"], setups)
    tf = target_first(bars, setups, level_rule(cfg.target), level_rule(cfg.stop), cfg.max_sessions)
    answer = judge(config.strategy.name, config.data.symbol, metrics["start"], metrics["end"], metrics,
                   benchmark_metrics, benchmark_symbol, study, cfg.verdict_horizon, returns, benchmark_returns,
                   config.strategy.params, config.analysis.periods_per_year, cfg.seed)
    if lookahead:
        answer = not_judged(answer, lookahead)
    evidence = target_first_evidence(bars, tf, cfg.verdict_horizon, cfg.bootstrap_samples, cfg.seed, cfg.confidence)
    return RunAnalysis(study, tf, answer, setup_edge(study, cfg.verdict_horizon), evidence)
