"""Commands stage: `rtybt walkforward`: config + grid + windows -> chosen params per window, stitched OOS equity, files."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from rtybt.engine.commands.sweep import check_variant_levels, sweep_settings
from rtybt.engine.config import RunConfig, load_config
from rtybt.engine.config.sections import WalkForwardConfig
from rtybt.engine.core.csv_text import spreadsheet_safe
from rtybt.engine.core.progress import Stage, announce
from rtybt.engine.results import RunWriter, check_writable, new_run_id
from rtybt.engine.sweep.executors import Executor, SerialExecutor
from rtybt.engine.sweep.grid import check_variant_bars, expand_grid
from rtybt.engine.sweep.runner import Progress
from rtybt.engine.sweep.store import VariantStore
from rtybt.engine.sweep.walkforward import walk_forward


@dataclass
class WalkForwardRun:
    """The walk-forward's results directory, its config and the summary (the CLI's JSON)."""

    run_dir: Path
    config: RunConfig
    summary: dict


def execute_walkforward(config_path: str | Path, overrides: list[str] | None = None,
                        grid_options: list[str] | None = None, executor: Executor | None = None,
                        data_dir: str | None = None, results_dir: str | None = None,
                        command_line: list[str] | None = None, resume: bool = False,
                        on_progress: Progress | None = None, on_stage: Stage | None = None) -> WalkForwardRun:
    from rtybt.engine.analysis.metrics import sharpe
    from rtybt.engine.data import load_run_bars
    from rtybt.engine.results.provenance import input_record, write_manifest

    started = datetime.now(UTC)
    source = str(config_path)
    config = load_config(config_path, overrides)
    settings = config.walkforward or WalkForwardConfig()
    grid = sweep_settings(config, grid_options or [], settings.metric, None, source).grid
    variants = expand_grid(config, grid, source)
    root = Path(results_dir or config.output.dir)
    check_writable(root)
    announce(on_stage, "loading data")
    bars, _ = load_run_bars(config, data_dir)
    check_variant_bars(len(variants), len(bars.frame), source)
    announce(on_stage, "in-sample and out-of-sample backtests")
    # The benchmark is not traded in a walk-forward: only the traded symbol's data is an input.
    inputs = [input_record(config_path, config, bars)]
    store = VariantStore(root, bars.sha256, inputs[0]["strategy_source_sha256"])
    ann = config.analysis
    executor = executor or SerialExecutor()
    check_variant_levels(variants, bars.frame, source)
    result = walk_forward(variants, bars.frame, executor, settings, ann.periods_per_year, ann.risk_free_rate,
                          store, resume, on_progress, source)
    announce(on_stage, "writing results")
    oos = result.oos_returns.to_numpy(dtype=float)
    summary = {
        "windows": len(result.windows), "variants": len(variants), "metric": settings.metric,
        "anchored": settings.anchored, "train_bars": settings.train_bars, "test_bars": settings.test_bars,
        "executor": executor.name, "computed": result.computed, "reused_from_store": result.reused,
        "oos_sharpe": sharpe(oos, ann.risk_free_rate, ann.periods_per_year),
        "oos_total_return": float((1.0 + result.oos_returns).prod() - 1.0),
        "mean_is_sharpe": float(result.windows["is_sharpe"].astype(float).mean()),
        "mean_oos_sharpe": float(result.windows["oos_sharpe"].astype(float).mean()),
    }
    digest = hashlib.sha256(("wf" + json.dumps(settings.model_dump()) + "".join(v.config_hash for v in variants))
                            .encode()).hexdigest()
    writer = RunWriter(root, f"{config.name}-walkforward", new_run_id(digest, started))
    try:
        spreadsheet_safe(result.windows).to_csv(writer.path("windows.csv"), index=False)
        equity = config.broker.cash * (1.0 + result.oos_returns).cumprod()
        frame = result.oos_returns.to_frame().assign(equity=equity)
        frame.index.name = "date"
        frame.to_csv(writer.path("oos_returns.csv"), date_format="%Y-%m-%d")
        writer.write_json("walkforward.json", {**summary, "grid": grid,
                                               "windows_table": result.windows.to_dict("records")})
        if config.output.plots:
            from rtybt.engine.report.run.equity import plot_equity

            plot_equity(writer.path("oos_equity.png"), equity,
                        f"{config.name}: walk-forward out-of-sample equity ({len(result.windows)} windows)")
        write_manifest(writer, "walkforward", inputs, started, command_line,
                       {"variant_config_hashes": [v.config_hash for v in variants]})
        run_dir = writer.commit()
    except BaseException:
        writer.abort()
        raise
    return WalkForwardRun(run_dir, config,
                          {"run_dir": str(run_dir), **summary, "windows_table": result.windows.to_dict("records")})
