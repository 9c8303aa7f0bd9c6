"""Analysis stage: one setup on several markets -> per-market event studies, the pooled study, regime splits, verdict."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from rtybt.engine.analysis import standard
from rtybt.engine.analysis.bootstrap import METHOD
from rtybt.engine.analysis.event_study import EventStudy, event_study
from rtybt.engine.analysis.study.cross_market import (
    PooledHorizon,
    pooled_horizon,
    setup_table,
    shared_calendar,
)
from rtybt.engine.analysis.study.regimes import label_setups, regime_splits
from rtybt.engine.analysis.study.study_verdict import focus_sentence, regime_sentence, study_verdict

CLUSTERS_NOTE = ("pooled clusters: setups on any market whose forward windows overlap in calendar time (the "
                 "window runs from the setup's close to the close h sessions later on its own market) form one "
                 "cluster; whole clusters are resampled")
BASELINE_NOTE = ("each setup's excess is over its own market's baseline (every forward window of that market's "
                 "period); the pooled baseline is those baselines averaged over the setups")


REGIME_COLUMNS = ["scope", "regime", "level", "horizon", "setups", "days", "clusters", "excess_mean", "excess_ci",
                  "p_value", "rest_setups", "rest_clusters", "difference", "difference_ci", "difference_p_value",
                  "p_adjusted", "difference_p_adjusted"]


def note_focus(strategy: str, params: dict | None, trend_ma_period: int) -> tuple[str, str] | None:
    """The regime level the note's setup lives in, when the config encodes it: the note's "while still below the
    200-day MA" is the trend split's "at or below" level when the strategy enters only there."""
    params = params or {}
    below = params.get("below_ma_period") if strategy == "ma_reclaim" else \
        params.get("trend_ma_period", 200) if strategy == "ready_to_rally" else None
    if below is None or int(below) != int(trend_ma_period):
        return None
    return "trend", f"at or below {trend_ma_period}-day MA"


def adjust_family(rows: list[dict]) -> None:
    """Holm (the standard's rule) over one scope's splits at one horizon, in place: every labelled level's excess is
    a test; a two-level split's difference from the rest is one comparison (its second level's is the first's)."""
    levels = [r for r in rows if r["level"] != "no label"]
    for r, q in zip(levels, standard.adjust([r["p_value"] for r in levels]), strict=True):
        r["p_adjusted"] = q
    comparisons = []
    for kind in dict.fromkeys(r["regime"] for r in levels):
        of_kind = [r for r in levels if r["regime"] == kind]
        comparisons += of_kind[:1] if len(of_kind) == 2 else of_kind
    for r, q in zip(comparisons, standard.adjust([r["difference_p_value"] for r in comparisons]), strict=True):
        r["difference_p_adjusted"] = q
    for kind in dict.fromkeys(r["regime"] for r in levels):
        of_kind = [r for r in levels if r["regime"] == kind]
        if len(of_kind) == 2:
            of_kind[1]["difference_p_adjusted"] = of_kind[0].get("difference_p_adjusted")


@dataclass(frozen=True)
class RegimeSpec:
    by: list[str] = field(default_factory=lambda: ["vix", "trend", "decade"])
    vix_threshold: float = 20.0
    trend_ma_period: int = 200


@dataclass(frozen=True)
class StudyAnalysis:
    traded: str
    symbols: list[str]
    markets: dict[str, EventStudy]
    pooled: list[PooledHorizon]
    regimes: pd.DataFrame  # scope (pooled: every horizon; a symbol: the verdict horizon), regime, level, counts, ...
    setups: pd.DataFrame  # one row per setup with a full window at the verdict horizon: labels, fwd, excess
    verdict_horizon: int
    verdict_kind: str
    verdict: str
    regime_verdicts: dict[str, str]  # scope (pooled, the traded symbol) -> one sentence about its regime splits
    confidence: float
    method: str
    notes: list[str]

    def pooled_at(self, horizon: int) -> PooledHorizon:
        return next(p for p in self.pooled if p.horizon == horizon)


def analyse_study(closes: dict[str, pd.Series], setups: dict[str, list], traded: str, vix: pd.Series | None,
                  regimes: RegimeSpec, horizons=(5, 10, 20, 60), verdict_horizon: int = 20, n_boot: int = 2000,
                  seed: int = 0, confidence: float = 0.95, focus: tuple[str, str] | None = None) -> StudyAnalysis:
    """`closes` and `setups` by symbol (the traded symbol among them); `vix` labels the vix regime; `focus` (regime,
    level) is the split the note's setup lives in (note_focus), named in the verdict with its adjusted figure."""
    horizons = sorted(set(int(h) for h in horizons))
    if verdict_horizon not in horizons:
        raise ValueError(f"verdict_horizon {verdict_horizon} is not one of horizons {horizons}")
    markets = {s: event_study(closes[s], setups.get(s, []), horizons, n_boot, seed, confidence) for s in closes}
    calendar = shared_calendar(closes)
    tables = {h: setup_table(closes, setups, h, calendar) for h in horizons}
    pooled = [pooled_horizon(tables[h], traded, h, n_boot, seed, confidence) for h in horizons]
    notes = [CLUSTERS_NOTE, BASELINE_NOTE]
    by = list(regimes.by)
    if "vix" in by and vix is None:
        by.remove("vix")
        notes.append("no VIX bars were found, so the vix split was left out")
    rows = []
    labelled = {}
    for h in horizons:
        labelled[h] = label_setups(tables[h], closes, vix, by, regimes.vix_threshold, regimes.trend_ma_period)
        # Every horizon for the pool; each market alone at the verdict horizon (what the page shows).
        scopes = {"pooled": labelled[h]}
        if h == verdict_horizon:
            scopes |= {s: labelled[h][labelled[h]["symbol"] == s] for s in closes}
        for scope, table in scopes.items():
            family = [{"scope": scope, **row, "p_adjusted": None, "difference_p_adjusted": None}
                      for row in regime_splits(table, by, h, n_boot, seed, confidence)]
            adjust_family(family)
            rows += family
    kind, sentence = study_verdict({s: m.horizon(verdict_horizon) for s, m in markets.items()},
                                   next(p for p in pooled if p.horizon == verdict_horizon), verdict_horizon,
                                   confidence)
    if focus is not None:
        sentence += " " + focus_sentence(rows, focus, traded, verdict_horizon, confidence)
    regime_frame = pd.DataFrame(rows, columns=REGIME_COLUMNS, dtype=object)
    regime_verdicts = {}
    for scope, where in (("pooled", "all markets pooled"), (traded, f"{traded} alone")):
        at = [r for r in rows if r["scope"] == scope and r["horizon"] == verdict_horizon]
        regime_verdicts[scope] = regime_sentence(at, where, verdict_horizon, confidence)
    return StudyAnalysis(
        traded=traded, symbols=list(closes), markets=markets, pooled=pooled, regimes=regime_frame,
        setups=labelled[verdict_horizon].drop(columns=["start", "end"]), verdict_horizon=verdict_horizon,
        verdict_kind=kind, verdict=sentence, regime_verdicts=regime_verdicts, confidence=confidence,
        method=METHOD.format(n_boot=n_boot, seed=seed, confidence=confidence,
                                     min_episodes=standard.MIN_EPISODES), notes=notes,
    )
