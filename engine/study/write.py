"""Report stage of `rtybt study`: study.html, study.json, the CSVs and one folder per market, into a staged run."""

from __future__ import annotations

import pandas as pd

from rtybt.engine.analysis.event_study import _clean
from rtybt.engine.analysis.study.study import StudyAnalysis
from rtybt.engine.config import RunConfig
from rtybt.engine.config.sections import StudyConfig
from rtybt.engine.core.csv_text import spreadsheet_safe
from rtybt.engine.data import Bars
from rtybt.engine.results import RunWriter
from rtybt.engine.study.runs import MarketRun
from rtybt.engine.study.tearsheets import FOLDER as TEARSHEET_FOLDER
from rtybt.engine.study.tearsheets import tearsheet_plan, write_tearsheet

HEADLINE = ("cagr", "sharpe", "max_drawdown", "trades")


def market_rows(analysis: StudyAnalysis, runs: dict[str, MarketRun], horizon: int | None = None) -> list[dict]:
    """One row per market (and horizon, or only `horizon`): backtest headline, its buy-and-hold, the event study."""
    rows = []
    for symbol, study in analysis.markets.items():
        run = runs[symbol]
        for s in study.horizons:
            if horizon is not None and s.horizon != horizon:
                continue
            rows.append({
                "symbol": symbol, "period": [run.metrics.get("start"), run.metrics.get("end")],
                **{k: run.metrics.get(k) for k in HEADLINE},
                **{f"buy_hold_{k}": run.buy_hold_metrics.get(k) for k in HEADLINE if k != "trades"},
                "horizon": s.horizon, "setups": s.events, "clusters": s.clusters, "mean": s.mean,
                "baseline_mean": s.baseline_mean, "excess_mean": s.excess_mean, "excess_ci": list(s.excess_ci),
                "p_value": s.p_value, "beats_baseline": s.beats_baseline,
                "run_page": f"markets/{symbol}/market.html",
            })
    return rows


def _flat(rows: list[dict]) -> pd.DataFrame:
    """Lists become two columns (an interval: _low/_high; a period: start/end) for the CSVs."""
    out = []
    for row in rows:
        flat = {}
        for key, value in row.items():
            if key == "period":
                flat["start"], flat["end"] = value
            elif isinstance(value, list):
                flat[f"{key}_low"], flat[f"{key}_high"] = value
            else:
                flat[key] = value
        out.append(flat)
    return pd.DataFrame(out, dtype=object)  # counts stay integers beside a blank


def write_study(writer: RunWriter, config: RunConfig, settings: StudyConfig, runs: dict[str, MarketRun],
                bars: dict[str, Bars], analysis: StudyAnalysis, executor: str, computed: int, reused: int) -> dict:
    """Write every file of the study; returns the JSON-ready summary (the terminal's and `--json`'s)."""
    from rtybt.engine.report.study.page import forest_pngs, market_html, study_html

    hv = analysis.verdict_horizon
    regimes_rows = _clean(analysis.regimes.to_dict("records"))
    summary = {
        "name": config.name, "strategy": config.strategy.name, "params": config.strategy.params,
        "traded": analysis.traded, "symbols": analysis.symbols, "verdict_horizon": hv,
        "confidence": analysis.confidence, "verdict": analysis.verdict, "verdict_kind": analysis.verdict_kind,
        "regime_verdicts": analysis.regime_verdicts,
        "markets": _clean(market_rows(analysis, runs, hv)), "pooled": _clean(analysis.pooled_at(hv).to_dict()),
        "regimes": settings.regimes.model_dump(mode="json"),
        "regime_table": [r for r in regimes_rows if r["scope"] == "pooled" and r["horizon"] == hv],
        "executor": executor, "computed": computed, "reused_from_store": reused, "run_dir": None,
    }
    files = ["study.json", "markets.csv", "pooled.csv", "regimes.csv", "setups.csv", "forest.png", "manifest.json"]
    writer.write_json("study.json", {
        **{k: v for k, v in summary.items() if k != "run_dir"},
        "method": analysis.method, "notes": analysis.notes,
        "pooled_horizons": [_clean(p.to_dict()) for p in analysis.pooled],
        "market_horizons": _clean(market_rows(analysis, runs)),
        "event_studies": {s: study.to_dict() for s, study in analysis.markets.items()},
        "regime_splits": regimes_rows,
    })
    spreadsheet_safe(_flat(_clean(market_rows(analysis, runs)))).to_csv(writer.path("markets.csv"), index=False)
    spreadsheet_safe(_flat([_clean(p.to_dict()) for p in analysis.pooled])).to_csv(writer.path("pooled.csv"), index=False)
    spreadsheet_safe(_flat(regimes_rows)).to_csv(writer.path("regimes.csv"), index=False)
    setups = analysis.setups.copy()
    setups["date"] = pd.DatetimeIndex(setups["date"]).strftime("%Y-%m-%d")
    setups.rename(columns={"fwd": f"fwd_{hv}", "excess": f"excess_{hv}"}).to_csv(writer.path("setups.csv"),
                                                                                  index=False)
    forest, forest_narrow = forest_pngs(analysis)
    writer.path("forest.png").write_bytes(forest)
    title = f"{config.name}: the setup across {len(analysis.symbols)} markets"
    writer.write_text("study.html", study_html(title, analysis, summary, forest, files, forest_narrow))
    plan = tearsheet_plan(config, [row["symbol"] for row in summary["markets"]])
    for row in summary["markets"]:
        symbol = row["symbol"]
        folder = writer.path(f"markets/{symbol}")
        folder.mkdir(parents=True)
        study = analysis.markets[symbol]
        if plan[symbol] is None:
            write_tearsheet(writer, f"markets/{symbol}/{TEARSHEET_FOLDER}", runs[symbol].config, bars[symbol])
        tearsheet = (f"{TEARSHEET_FOLDER}/tearsheet.html", None) if plan[symbol] is None else (None, plan[symbol])
        writer.write_text(f"markets/{symbol}/market.html",
                          market_html(f"{config.name} on {symbol}", symbol, row, study, runs[symbol], config.name,
                                      tearsheet))
        writer.write_json(f"markets/{symbol}/metrics.json",
                          {"strategy": runs[symbol].metrics, "buy_and_hold": runs[symbol].buy_hold_metrics,
                           "data_sha256": bars[symbol].sha256})
        writer.write_json(f"markets/{symbol}/event_study.json", study.to_dict())
        study.outcomes.to_csv(writer.path(f"markets/{symbol}/setups.csv"), index=False)
    return summary
