"""Commands stage: `rtybt run`: config -> data -> engine run -> results directory. One call, no printing."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import yaml

from rtybt.engine.analysis.metric_keys import STRATEGY_SUMMARY, SUMMARY
from rtybt.engine.analysis.metrics import SHARPE_CONVENTION
from rtybt.engine.analysis.run.run_analysis import RunAnalysis, analyse_run
from rtybt.engine.config import RunConfig, load_config
from rtybt.engine.core.csv_text import spreadsheet_safe
from rtybt.engine.core.errors import ResultsError, StrategyError
from rtybt.engine.core.json_text import json_text
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
    lookahead: str | None = None  # the harness's finding, for a file strategy run with --allow-lookahead
    reused: bool = False  # an identical stored run was reused: `result` and `analysis` are then None
    notes: list[str] = field(default_factory=list)  # e.g. an identical run found damaged, not reused


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
                on_stage: Stage | None = None, allow_lookahead: bool = False, reuse: bool = False) -> RunOutcome:
    """`on_stage(text)` is told each step (loading data, backtest, benchmark, results, report) for a status line.

    A strategy from a file is first run through the look-ahead harness on the run's bars (cached under the
    results directory): if its decisions change when later bars are removed, the run is refused
    (StrategyError), or with `allow_lookahead` run with the verdict withheld ('look-ahead: not judged').

    With `reuse` (the CLI's default; --fresh turns it off), an identical stored run (same config hash, data
    checksums, rtybt version and strategy source), verified against its manifest, is returned instead of a new
    folder: `reused` is True and only `run_dir`, `config`, `bars` and `summary` are set."""
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
    lookahead = None
    if config.strategy.file is not None:
        from rtybt.engine.results.lookahead_gate import check_lookahead, refusal

        lookahead = check_lookahead(config, bars, root, on_stage)
        if lookahead and not allow_lookahead:
            raise refusal(config, lookahead)
    notes: list[str] = []
    if reuse:
        from rtybt.engine import __version__
        from rtybt.engine.results.reuse import find_identical_run

        found = find_identical_run(root / config.name, input_record(config_path, config, bars, bench), __version__)
        if found.run_dir is not None:
            return RunOutcome(found.run_dir, config, None, bars, found.summary, None, lookahead, True, found.notes)
        notes = found.notes
    announce(on_stage, "backtest")
    try:
        result = run_backtest(config, bars.frame, bench.frame if bench else None, on_stage=on_stage)
    except (IndexError, StrategyError) as exc:
        # Backtrader's indicators crash when a look-back outgrows the data; say which parameter did.
        if isinstance(exc, StrategyError) and not isinstance(exc.__cause__, IndexError):
            raise
        check_params_fit_bars(config.strategy.name, config.strategy.params, bars.frame, str(config_path),
                              config.strategy.file)
        raise

    announce(on_stage, "analysis")
    analysis = analyse_run(config, bars.frame, list(result.setups), result.metrics, result.benchmark_metrics,
                           result.benchmark_symbol, result.returns, result.benchmark_returns, lookahead)
    writer = RunWriter(root, config.name, new_run_id(config.config_hash(), started))
    try:
        rendered = write_run_files(writer, config, result, bars, bench, analysis, on_stage, lookahead)
        # The terminal summary is kept, so that an identical run later reuses this one and prints the same
        # (without its folder: a run's bytes do not depend on where it lands).
        stored = json.loads(json_text(summarize(None, config, result, bars, analysis), default=str))
        stored.pop("run_dir")
        write_manifest(writer, "run", [input_record(config_path, config, bars, bench)], started, command_line,
                       {"rendered": rendered, "summary": stored})
        run_dir = writer.commit()
    except BaseException:
        writer.abort()
        raise
    return RunOutcome(run_dir, config, result, bars, summarize(run_dir, config, result, bars, analysis), analysis,
                      lookahead, False, notes)


def write_run_files(writer: RunWriter, config: RunConfig, result: RunResult, bars: Bars, bench: Bars | None,
                    analysis: RunAnalysis, on_stage: Stage | None = None, lookahead: str | None = None) -> list[str]:
    """Everything but the manifest; deterministic bytes for the same inputs. Returns the report's file names
    (the files `rtybt report` renders again)."""
    announce(on_stage, "writing results")

    # Optional sections a config does not use are left out rather than written as `null`; data.dir is the
    # folder the bars were read from (--data-dir, $RTYBT_DATA_DIR, ...), so config.yaml alone runs again.
    unused = {key for key in ("sweep", "walkforward", "study") if getattr(config, key) is None}
    resolved = config.model_dump(mode="json", exclude=unused)
    resolved["data"]["dir"] = str(bars.path.parent)
    writer.write_text("config.yaml", yaml.safe_dump(resolved, sort_keys=False))
    rf, ppy = config.analysis.risk_free_rate, config.analysis.periods_per_year
    # Only a run allowed with a look-ahead says so (`rtybt report` keeps it not judged); others are unchanged.
    flagged = {"lookahead": lookahead} if lookahead else {}
    writer.write_json("metrics.json", flagged | {
        "strategy": result.metrics,
        "benchmark": result.benchmark_metrics,
        "benchmark_symbol": result.benchmark_symbol,
        "costs": result.costs,
        "contract": result.contract,
        "sharpe_convention": SHARPE_CONVENTION.format(ppy=ppy, rf=rf),
        "warnings": result.warnings,
    })
    from rtybt.engine.report.run.inputs import write_run_tables

    write_run_tables(writer.path, result)  # trades, returns, setups: what `rtybt report` re-reads
    result.positions.rename_axis("date").to_csv(writer.path("positions.csv"), date_format="%Y-%m-%d")
    spreadsheet_safe(result.transactions).to_csv(writer.path("transactions.csv"), index=False)
    spreadsheet_safe(result.order_issues).to_csv(writer.path("order_issues.csv"), index=False)
    validation = {"data": bars.report.to_dict()}
    text = bars.report.to_text(max_rows=50)
    if bench is not None and bench is not bars:
        validation["benchmark"] = bench.report.to_dict()
        text += "\n\n" + bench.report.to_text(max_rows=50)
    writer.write_json("validation.json", validation)
    writer.write_text("validation.txt", text + "\n")
    if config.output.plots:
        from rtybt.engine.report.run.equity import plot_equity

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
        from rtybt.engine.report.run.inputs import from_result
        from rtybt.engine.report.run.tearsheet import build_report

        inputs = from_result(config, result, bars.frame)
        inputs.lookahead = lookahead
        files = build_report(inputs, analysis)
        for name, payload in files.items():
            writer.path(name).write_bytes(payload)
        return sorted(files)
    return []
