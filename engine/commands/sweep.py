"""Commands stage: `rtybt sweep`: config + grid -> variants -> executor -> ranked table, statistics, heatmap, report."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from pydantic import ValidationError

from rtybt.engine.analysis.metric_keys import metric_keys
from rtybt.engine.config import RunConfig, load_config
from rtybt.engine.config.sections import SweepConfig
from rtybt.engine.core.csv_text import spreadsheet_safe
from rtybt.engine.core.errors import ConfigError
from rtybt.engine.core.progress import Stage, announce
from rtybt.engine.results import RunWriter, check_writable, new_run_id
from rtybt.engine.sweep.executors import Executor, SerialExecutor
from rtybt.engine.sweep.grid import Variant, check_variant_bars, expand_grid, parse_grid_options
from rtybt.engine.sweep.runner import Progress, SweepOutcome, run_variants
from rtybt.engine.sweep.store import VariantStore


@dataclass
class SweepRun:
    run_dir: Path
    config: RunConfig
    outcome: SweepOutcome
    statistics: dict
    summary: dict


def sweep_settings(config: RunConfig, grid_options: list[str], metric: str | None, top: int | None,
                   source: str) -> SweepConfig:
    """The config's `sweep:` section, with --grid keys replacing (or adding to) its grid."""
    base = config.sweep or SweepConfig()
    grid = {**base.grid, **parse_grid_options(grid_options)}
    if not grid:
        raise ConfigError(f"{source}: nothing to sweep: add a `sweep: {{grid: {{PARAM: [V1, V2]}}}}` "
                          "section or pass --grid PARAM=V1,V2")
    try:
        return SweepConfig(grid=grid, metric=metric or base.metric, top=top or base.top)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise ConfigError(f"{source}: sweep.{where}: {err['msg'].removeprefix('Value error, ')}") from None


def check_variant_levels(variants: list[Variant], frame, source: str) -> None:
    """As `rtybt run` does: an absolute level no bar comes near is refused, not run to zero trades."""
    from rtybt.engine.run.preflight import check_levels_in_price_range
    from rtybt.engine.sweep.runner import variant_source

    for v in variants:
        check_levels_in_price_range(v.config.strategy.name, v.config.strategy.params, frame, variant_source(source, v),
                                    v.config.strategy.file)


def benchmark_daily_returns(outcome: SweepOutcome, bench_close) -> np.ndarray | None:
    """Buy-and-hold's daily returns on the sweep's days (close to close; its one entry's cost is negligible here)."""
    if bench_close is None:
        return None
    r = bench_close.pct_change().reindex(outcome.returns.index)
    return r.fillna(0.0).to_numpy(dtype=float)


def benchmark_metric(bench_close, metric: str, risk_free_rate: float, periods_per_year: int) -> float | None:
    """Buy-and-hold's value of the ranking metric (the heatmap's centre), None for a metric it has no value of."""
    from rtybt.engine.analysis import metrics as m

    if bench_close is None:
        return None
    r = bench_close.pct_change().fillna(0.0).to_numpy(dtype=float)
    value = {"sharpe": lambda: m.sharpe(r, risk_free_rate, periods_per_year),
             "sortino": lambda: m.sortino(r, risk_free_rate, periods_per_year),
             "cagr": lambda: m.cagr(r, periods_per_year), "total_return": lambda: m.total_return(r),
             "max_drawdown": lambda: m.max_drawdown(r)}.get(metric)
    return None if value is None else float(value())


def overfitting_statistics(outcome: SweepOutcome, periods_per_year: int, bench_close=None,
                           benchmark_symbol: str | None = None, seed: int = 0) -> dict:
    """Deflated Sharpe of the best variant by Sharpe (against zero and against buy-and-hold's Sharpe), Hansen's SPA
    of all K variants against buy-and-hold, PBO (CSCV, 16 blocks), and the sentence that reconciles them."""
    from rtybt.engine.analysis.run.overfitting import cscv_pbo, deflated_sharpe, per_period_sharpe
    from rtybt.engine.analysis.run.snooping import spa_test, sweep_sentence

    matrix = outcome.returns.fillna(0.0).to_numpy(dtype=float)
    sharpes = per_period_sharpe(matrix)
    best = int(np.argmax(sharpes))
    bench = benchmark_daily_returns(outcome, bench_close)
    bench_sharpe = float(per_period_sharpe(bench)[0]) if bench is not None else None
    dsr = deflated_sharpe(matrix[:, best], sharpes, bench_sharpe)
    stats = {
        "trials": len(sharpes),
        "best_by_sharpe": outcome.variants[best].label,
        "best_sharpe_annualised": float(sharpes[best] * np.sqrt(periods_per_year)),
        "benchmark_sharpe_annualised": None if bench_sharpe is None else bench_sharpe * float(np.sqrt(periods_per_year)),
        "deflated_sharpe": dsr,
    }
    rc = spa_test(matrix, bench, seed=seed) if bench is not None and matrix.shape[0] >= 32 else None
    if rc is not None:
        stats["reality_check"] = rc.to_dict() | {"best_label": outcome.variants[rc.best].label}
    if len(sharpes) >= 2 and matrix.shape[0] >= 32:
        pbo = cscv_pbo(matrix, blocks=16)
        stats["pbo"] = {k: v for k, v in pbo.items() if not isinstance(v, np.ndarray)}
        stats["pbo"]["median_logit"] = float(np.median(pbo["logits"]))
    stats["verdict"], stats["verdict_text"] = sweep_sentence(rc, stats["best_by_sharpe"], dsr, stats.get("pbo"),
                                                             benchmark_symbol)
    return stats


def execute_sweep(config_path: str | Path, overrides: list[str] | None = None, grid_options: list[str] | None = None,
                  executor: Executor | None = None, data_dir: str | None = None, results_dir: str | None = None,
                  metric: str | None = None, top: int | None = None, heatmap: str | None = None,
                  resume: bool = False, on_progress: Progress | None = None,
                  command_line: list[str] | None = None, screen: bool = False, confirm_top: int = 5,
                  on_stage: Stage | None = None) -> SweepRun:
    from rtybt.engine.data import load_run_bars
    from rtybt.engine.results.provenance import input_record, write_manifest
    from rtybt.engine.run import run_backtest

    started = datetime.now(UTC)
    source = str(config_path)
    config = load_config(config_path, overrides)
    settings = sweep_settings(config, grid_options or [], metric, top, source)
    axes = _heatmap_axes(heatmap, settings, source)
    variants = expand_grid(config, settings.grid, source)
    root = Path(results_dir or config.output.dir)
    check_writable(root)
    announce(on_stage, "loading data")
    bars, bench = load_run_bars(config, data_dir)
    check_variant_bars(len(variants), len(bars.frame), source)
    check_variant_levels(variants, bars.frame, source)
    inputs = [input_record(config_path, config, bars, bench)]
    announce(on_stage, f"{len(variants)} variants")
    store = VariantStore(root, bars.sha256, inputs[0]["strategy_source_sha256"])
    executor = executor or SerialExecutor()
    screen_report = None
    if screen:  # the twins screen the grid, Backtrader confirms the top (engine/sweep/screen.py)
        from rtybt.engine.sweep.screen import screened_sweep

        outcome, screen_report = screened_sweep(variants, bars.frame, executor, settings.metric, confirm_top,
                                                store, resume, on_progress)
    else:
        outcome = run_variants(variants, bars.frame, executor, store, resume, settings.metric, on_progress, source)
    announce(on_stage, "statistics and report")
    statistics = overfitting_statistics(outcome, config.analysis.periods_per_year,
                                        bench.frame["close"] if bench is not None else None,
                                        (config.benchmark.symbol or config.data.symbol) if bench is not None else None,
                                        config.event_study.seed)

    digest = hashlib.sha256("".join(v.config_hash for v in variants).encode()).hexdigest()
    writer = RunWriter(root, f"{config.name}-sweep", new_run_id(digest, started))
    try:
        table = outcome.table.sort_values("rank", kind="stable")
        spreadsheet_safe(table).to_csv(writer.path("sweep.csv"), index=False)
        best = [outcome.variants[i] for i in table["variant"].head(settings.top)]
        writer.write_json("sweep.json", {
            "name": config.name, "strategy": config.strategy.name, "symbol": config.data.symbol,
            "grid": settings.grid, "metric": settings.metric, "variants": len(variants),
            "executor": outcome.executor, "computed": outcome.computed, "reused_from_store": outcome.reused,
            "statistics": statistics, "screen": screen_report, "rows": table.to_dict("records"),
        })
        if screen_report is not None:
            writer.write_json("screen.json", screen_report)
        if axes:
            from rtybt.engine.report.compare.heatmap import plot_heatmap

            others = [k for k in settings.grid if k not in axes]
            title = f"{config.name}: {settings.metric}" + (f" (best over {', '.join(others)})" if others else "")
            centre = benchmark_metric(bench.frame["close"] if bench is not None else None, settings.metric,
                                      config.analysis.risk_free_rate, config.analysis.periods_per_year)
            plot_heatmap(writer.path(f"heatmap_{axes[0]}_{axes[1]}.png"), outcome.table, axes[0], axes[1],
                         settings.metric, title, centre,
                         f"buy-and-hold {config.benchmark.symbol or config.data.symbol}")
        heatmap = writer.path(f"heatmap_{axes[0]}_{axes[1]}.png").read_bytes() if axes else None
        _write_best_report(writer, config, outcome, best, settings.metric, statistics, bars, bench, run_backtest,
                           heatmap, table, list(settings.grid))
        write_manifest(writer, "sweep", inputs, started, command_line,
                       {"variant_config_hashes": [v.config_hash for v in variants]})
        run_dir = writer.commit()
    except BaseException:
        writer.abort()
        raise
    top_row = table.iloc[0]
    summary = {
        "run_dir": str(run_dir), "variants": len(variants), "computed": outcome.computed,
        "reused": outcome.reused, "executor": outcome.executor, "metric": settings.metric,
        "best": {"label": top_row["label"], settings.metric: top_row[settings.metric]},
        "deflated_sharpe": statistics["deflated_sharpe"]["deflated_sharpe"],
        "pbo": statistics.get("pbo", {}).get("pbo"),
        "deflated_sharpe_vs_benchmark": statistics["deflated_sharpe"].get("deflated_sharpe_vs_benchmark"),
        "spa_p": statistics.get("reality_check", {}).get("p_value"),
        "verdict": statistics["verdict"], "verdict_text": statistics["verdict_text"],
        "top": table.head(settings.top)[["rank", "label", *RANKABLE_SHOWN]].to_dict("records"),
        "screen": screen_report,
    }
    return SweepRun(run_dir, config, outcome, statistics, summary)


RANKABLE_SHOWN = metric_keys("cagr", "sharpe", "max_drawdown", "trades")


def _heatmap_axes(heatmap: str | None, settings: SweepConfig, source: str) -> tuple[str, str] | None:
    if not heatmap:
        return None
    axes = [a.strip() for a in heatmap.split(",")]
    if len(axes) != 2 or axes[0] == axes[1]:
        raise ConfigError(f"--heatmap {heatmap!r}: expected two different swept parameters, e.g. ma_period,hold_bars")
    for axis in axes:
        if axis not in settings.grid:
            raise ConfigError(f"{source}: --heatmap {axis}: not a swept parameter; swept: {', '.join(settings.grid)}")
    return axes[0], axes[1]


def _write_best_report(writer, config, outcome, best: list[Variant], metric, statistics, bars, bench, run_backtest,
                       heatmap: bytes | None = None, all_variants=None, swept: list[str] = ()):
    from rtybt.engine.analysis.run.comparison import (
        EDGE_COLUMNS,
        EDGE_NOTE,
        Entry,
        comparison_table,
    )
    from rtybt.engine.analysis.run.run_analysis import setup_edge, setup_study
    from rtybt.engine.report.compare.comparison import write_comparison
    from rtybt.engine.run import run_benchmark

    # Each variant shown gets its event-study edge as in `rtybt compare`, from the setup days its sweep run kept;
    # only a variant without them (a twin's screen, an older store entry) runs once more for them. Buy-and-hold
    # runs alone on the variants' calendar (the whole frame), unless the first variant runs again anyway.
    entries, benchmark, bench_metrics = [], None, None
    study_cfg = config.event_study
    for i, v in enumerate(best):
        with_bench = i == 0 and bench is not None
        setups = outcome.setups.get(v.config_hash)
        if setups is None or (with_bench and not outcome.returns.index.equals(bars.frame.index)):
            run = run_backtest(v.config, bars.frame, bench.frame if with_bench else None)
            setups = run.setups
            if with_bench:
                benchmark = (f"buy & hold {run.benchmark_symbol}", run.benchmark_returns)
                bench_metrics = run.benchmark_metrics
        elif with_bench:
            alone = run_benchmark(v.config, bars.frame, bars.frame.index, bench.frame)
            benchmark, bench_metrics = (f"buy & hold {alone.symbol}", alone.returns), alone.metrics
        edge = setup_edge(setup_study(config, bars.frame["close"], setups), study_cfg.verdict_horizon)
        entries.append(Entry(v.label, config.strategy.name, v.swept, config.data.symbol,
                             outcome.metrics[v.config_hash], outcome.returns[v.config_hash], "sweep variant", edge))
    dsr, pbo = statistics["deflated_sharpe"], statistics.get("pbo")
    notes = [EDGE_NOTE, f"{statistics['trials']} variants tried. Best by Sharpe: {statistics['best_by_sharpe']} "
             f"(annualised Sharpe {statistics['best_sharpe_annualised']:.2f}); deflated Sharpe ratio "
             f"{dsr['deflated_sharpe']:.3f} against zero skill"
             + (f", {dsr['deflated_sharpe_vs_benchmark']:.3f} against buy-and-hold's Sharpe"
                if dsr.get("deflated_sharpe_vs_benchmark") is not None else "") + "."]
    if statistics.get("reality_check"):
        notes.append(statistics["reality_check"]["method"] + f": p = {statistics['reality_check']['p_value']:.3f}.")
    if pbo:
        notes.append(f"Probability of backtest overfitting (CSCV, {pbo['blocks']} blocks, {pbo['splits']} splits): "
                     f"{pbo['pbo']:.3f}.")
    sections = {"deflated Sharpe ratio": dsr, "verdict": {"word": statistics["verdict"],
                                                          "text": statistics["verdict_text"]}}
    if pbo:
        sections["probability of backtest overfitting"] = pbo
    write_comparison(writer, entries, comparison_table(entries, metric),
                     f"{config.name}: best {len(best)} of {len(outcome.variants)} variants", metric,
                     benchmark, notes, sections, extra_columns=EDGE_COLUMNS, benchmark_metrics=bench_metrics,
                     heatmap_png=heatmap, variants=all_variants, variant_params=swept,
                     intro="Sweep variants have no tearsheet each: run the config with --set "
                           "strategy.params.NAME=VALUE for one.")
