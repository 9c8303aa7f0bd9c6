"""Commands stage: `rtybt run`: config -> data -> engine run -> results directory. One call, no printing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import yaml

from rtybt.engine.analysis.metric_keys import STRATEGY_SUMMARY, SUMMARY
from rtybt.engine.analysis.metrics import SHARPE_CONVENTION
from rtybt.engine.analysis.run_analysis import RunAnalysis, analyse_run
from rtybt.engine.config import RunConfig, load_config
from rtybt.engine.core.errors import ResultsError
from rtybt.engine.core.progress import Stage, announce
from rtybt.engine.data import Bars, load_run_bars
from rtybt.engine.results import RunWriter, check_writable, new_run_id
from rtybt.engine.results.provenance import input_record, write_manifest
from rtybt.engine.run import RunResult, run_backtest
from rtybt.engine.run.preflight import check_levels_in_price_range, check_params_fit_bars


@dataclass
class RunOutcome:
    run_dir: Path
    config: RunConfig
    result: RunResult
    bars: Bars
    summary: dict
    analysis: RunAnalysis  # event study, target-first, verdict and edge, computed once


def summarize(outcome_dir: Path | None, config: RunConfig, result: RunResult, bars: Bars,
              analysis: RunAnalysis) -> dict:
    return {
        "run_dir": str(outcome_dir) if outcome_dir else None,
        "name": config.name,
        "strategy": config.strategy.name,
        "params": config.strategy.params,
        "symbol": config.data.symbol,
        "period": [result.metrics["start"], result.metrics["end"]],
        "costs": result.costs,
        "strategy_metrics": {k: result.metrics.get(k) for k in STRATEGY_SUMMARY},
        "benchmark": result.benchmark_symbol,
        "benchmark_metrics": {k: result.benchmark_metrics.get(k) for k in SUMMARY} if result.benchmark_metrics else None,
        "data_rows_dropped": len(bars.report.dropped),
        "data_warnings": sum(len(c.findings) for c in bars.report.checks if c.action == "warn"),
        "warnings": result.warnings,
        "verdict": analysis.verdict.text,
    }


def execute_run(config_path: str | Path, overrides: list[str] | None = None, data_dir: str | None = None,
                results_dir: str | None = None, command_line: list[str] | None = None,
                on_stage: Stage | None = None) -> RunOutcome:
    """`on_stage(text)` is told each step (loading data, backtest, benchmark, results, report) for a status line."""
    started = datetime.now(UTC)
    config = load_config(config_path, overrides)
    root = Path(results_dir or config.output.dir)
    try:
        check_writable(root)
    except ResultsError as exc:
        key = "results directory" if results_dir else "output.dir"
        raise ResultsError(f"{config_path}: {key}: {exc}") from None
    announce(on_stage, "loading data")
    bars, bench = load_run_bars(config, data_dir)
    check_levels_in_price_range(config.strategy.name, config.strategy.params, bars.frame, str(config_path),
                                config.strategy.file)
    announce(on_stage, "backtest")
    try:
        result = run_backtest(config, bars.frame, bench.frame if bench else None, on_stage=on_stage)
    except IndexError:
        # Backtrader's indicators crash when a look-back outgrows the data; say which parameter did.
        check_params_fit_bars(config.strategy.name, config.strategy.params, bars.frame, str(config_path),
                              config.strategy.file)
        raise

    announce(on_stage, "analysis")
    analysis = analyse_run(config, bars.frame, list(result.setups), result.metrics, result.benchmark_metrics,
                           result.benchmark_symbol, result.returns, result.benchmark_returns)
    writer = RunWriter(root, config.name, new_run_id(config.config_hash(), started))
    try:
        rendered = write_run_files(writer, config, result, bars, bench, analysis, on_stage)
        write_manifest(writer, "run", [input_record(config_path, config, bars, bench)], started, command_line,
                       {"rendered": rendered})
        run_dir = writer.commit()
    except BaseException:
        writer.abort()
        raise
    return RunOutcome(run_dir, config, result, bars, summarize(run_dir, config, result, bars, analysis), analysis)


def write_run_files(writer: RunWriter, config: RunConfig, result: RunResult, bars: Bars, bench: Bars | None,
                    analysis: RunAnalysis, on_stage: Stage | None = None) -> list[str]:
    """Everything but the manifest; deterministic bytes for the same inputs. Returns the report's file names
    (the files `rtybt report` renders again)."""
    import pandas as pd

    announce(on_stage, "writing results")

    # Optional sections a config does not use are left out rather than written as `null`; data.dir is the
    # folder the bars were read from (--data-dir, $RTYBT_DATA_DIR, ...), so config.yaml alone runs again.
    unused = {key for key in ("sweep", "walkforward", "study") if getattr(config, key) is None}
    resolved = config.model_dump(mode="json", exclude=unused)
    resolved["data"]["dir"] = str(bars.path.parent)
    writer.write_text("config.yaml", yaml.safe_dump(resolved, sort_keys=False))
    rf, ppy = config.analysis.risk_free_rate, config.analysis.periods_per_year
    writer.write_json("metrics.json", {
        "strategy": result.metrics,
        "benchmark": result.benchmark_metrics,
        "benchmark_symbol": result.benchmark_symbol,
        "costs": result.costs,
        "contract": result.contract,
        "sharpe_convention": SHARPE_CONVENTION.format(ppy=ppy, rf=rf),
        "warnings": result.warnings,
    })
    result.trades.to_csv(writer.path("trades.csv"), index=False)
    frame = pd.DataFrame({"returns": result.returns, "equity": result.equity})
    if result.benchmark_returns is not None:
        frame["benchmark_returns"] = result.benchmark_returns
    frame.index.name = "date"
    frame.to_csv(writer.path("returns.csv"), date_format="%Y-%m-%d")
    result.positions.rename_axis("date").to_csv(writer.path("positions.csv"), date_format="%Y-%m-%d")
    result.transactions.to_csv(writer.path("transactions.csv"), index=False)
    result.order_issues.to_csv(writer.path("order_issues.csv"), index=False)
    from rtybt.engine.report.inputs import setups_frame

    setups_frame(result.setups).to_csv(writer.path("setups.csv"), index=False)  # `rtybt report` re-reads it
    validation = {"data": bars.report.to_dict()}
    text = bars.report.to_text(max_rows=50)
    if bench is not None and bench is not bars:
        validation["benchmark"] = bench.report.to_dict()
        text += "\n\n" + bench.report.to_text(max_rows=50)
    writer.write_json("validation.json", validation)
    writer.write_text("validation.txt", text + "\n")
    if config.output.plots:
        from rtybt.engine.report.equity import plot_equity

        bench_equity = None
        if result.benchmark_returns is not None:
            bench_equity = config.broker.cash * (1.0 + result.benchmark_returns).cumprod()
        plot_equity(
            writer.path("equity.png"), result.equity,
            f"{config.name}: {config.strategy.name} on {config.data.symbol} ({result.costs})",
            bench_equity, f"buy & hold {result.benchmark_symbol}",
        )
    if config.output.tearsheet:
        announce(on_stage, "report")
        from rtybt.engine.report.inputs import from_result
        from rtybt.engine.report.tearsheet import build_report

        files = build_report(from_result(config, result, bars.frame), analysis)
        for name, payload in files.items():
            writer.path(name).write_bytes(payload)
        return sorted(files)
    return []
