"""Commands stage: `rtybt compare`: each config's run (stored from the same inputs and verified, or run now)
-> one ranked comparison report (HTML, JSON, CSV) with overlaid equity and drawdown curves."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from rtybt.engine.analysis.run.comparison import (
    EDGE_COLUMNS,
    EDGE_NOTE,
    Entry,
    comparison_table,
    rank_gaps,
    rank_sentence,
)
from rtybt.engine.config import RunConfig, load_config
from rtybt.engine.core.errors import ConfigError
from rtybt.engine.core.progress import Stage, announce, stage_of
from rtybt.engine.results import RunWriter, check_writable, new_run_id


@dataclass
class CompareRun:
    run_dir: Path
    table: pd.DataFrame
    summary: dict


def stored_edge(run_dir: Path, config: RunConfig, close: pd.Series) -> dict:
    """A reused run's event-study edge: its stored setup days (verified against its manifest) studied on the same
    bars, by the same function a fresh run uses, so a reused run and a fresh one show the same edge."""
    from rtybt.engine.analysis.run.run_analysis import setup_edge, setup_study
    from rtybt.engine.report.run.inputs import read_setups

    study = setup_study(config, close, read_setups(run_dir))
    return setup_edge(study, config.event_study.verdict_horizon)


def tearsheet_link(run_dir: str | None, page_dir: Path) -> str | None:
    """The run's tearsheet relative to the comparison page (results move as one tree), if it has one."""
    if not run_dir or not (Path(run_dir) / "tearsheet.html").is_file():
        return None
    return Path(os.path.relpath(Path(run_dir) / "tearsheet.html", page_dir)).as_posix()


def execute_compare(config_paths: list[str], overrides: list[str] | None = None, data_dir: str | None = None,
                    results_dir: str | None = None, metric: str = "sharpe", rerun: bool = False,
                    command_line: list[str] | None = None, on_stage: Stage | None = None) -> CompareRun:
    """`on_stage(text)` is told which config of N is at which step, for a status line."""
    from rtybt.engine.commands.run import execute_run
    from rtybt.engine.config.sections import RANKABLE
    from rtybt.engine.data import load_run_bars
    from rtybt.engine.results.provenance import input_record, write_manifest
    from rtybt.engine.results.reuse import find_reusable_run

    if metric not in RANKABLE:
        raise ConfigError(f"--metric {metric!r}: unknown metric; known: {', '.join(RANKABLE)}")
    if not config_paths:
        raise ConfigError("compare needs at least one config file")
    started = datetime.now(UTC)
    entries, benchmarks, hashes, bench_rows, bench_metrics = [], {}, [], {}, {}
    root_for_output = None
    prepared = []
    # Every config, results folder and data file is checked before the first run: a bad input in the last
    # config must not leave the earlier ones' runs behind.
    for i, path in enumerate(config_paths, start=1):
        announce(on_stage, f"config {i} of {len(config_paths)}: loading data")
        config = load_config(path, overrides)
        root = Path(results_dir or config.output.dir)
        root_for_output = root_for_output or root
        check_writable(root)
        bars, bench = load_run_bars(config, data_dir)
        prepared.append((path, config, root, bars, bench))
    inputs = [input_record(path, config, bars, bench) for path, config, _, bars, bench in prepared]
    for i, ((path, config, root, bars, _), record) in enumerate(zip(prepared, inputs, strict=True), start=1):
        step = stage_of(on_stage, f"config {i} of {len(prepared)} ({config.name})")
        hashes.append(config.config_hash())
        # Reused only with the same config, strategy source, code and data bytes (the benchmark's too), every
        # file verified; anything else is run again with a one-line note (engine/results/reuse.py).
        dates = pd.DatetimeIndex(bars.frame.index).strftime("%Y-%m-%d").tolist()  # vectorised: same text
        stored = None if rerun else find_reusable_run(root / config.name, record, dates)
        if stored is None:
            outcome = execute_run(path, overrides, data_dir, results_dir, command_line=command_line, on_stage=step)
            stored, edge = outcome.run_dir, outcome.analysis.edge
            source = f"run now: {stored}"
        else:
            source = f"reused: {stored}"
            announce(step, "reusing the stored run")
            edge = stored_edge(stored, config, bars.frame["close"])
        metrics = json.loads((stored / "metrics.json").read_text(encoding="utf-8"))
        frame = pd.read_csv(stored / "returns.csv", index_col="date", parse_dates=["date"])
        entries.append(Entry(config.name, config.strategy.name, config.strategy.params, config.data.symbol,
                             metrics["strategy"], frame["returns"], source,
                             edge, str(stored)))
        if "benchmark_returns" in frame and metrics.get("benchmark_symbol"):
            label = f"buy & hold {metrics['benchmark_symbol']}"
            benchmarks.setdefault(label, frame["benchmark_returns"])
            bench_metrics.setdefault(label, metrics.get("benchmark"))
            period = (str(frame.index[0].date()), str(frame.index[-1].date()))
            bench_rows.setdefault((config.data.symbol, *period, label), metrics.get("benchmark") or {})
    announce(on_stage, "report")
    table = comparison_table(entries, metric)
    gaps = rank_gaps(entries, table, metric)
    digest = hashlib.sha256("".join(hashes).encode()).hexdigest()
    writer = RunWriter(root_for_output, "compare", new_run_id(digest, started))
    try:
        from rtybt.engine.report.compare.comparison import write_comparison

        label, bench = next(iter(benchmarks.items())) if benchmarks else (None, None)
        notes = [EDGE_NOTE]
        if len(benchmarks) > 1:
            notes.append(f"benchmarks differ; the chart shows {label}.")
        final = writer.final_parent / writer.run_id
        links = {e.label: tearsheet_link(e.run_dir, final) for e in entries}
        write_comparison(writer, entries, table, f"compare: {', '.join(e.label for e in entries)}", metric,
                         (label, bench) if bench is not None else None, notes, stem="comparison",
                         extra_columns=EDGE_COLUMNS, benchmark_metrics=bench_metrics.get(label), links=links,
                         rank_words=rank_sentence(gaps))
        write_manifest(writer, "compare", inputs, started, command_line,
                       {"metric": metric, "sources": [e.source for e in entries]})
        run_dir = writer.commit()
    except BaseException:
        writer.abort()
        raise
    summary = {"run_dir": str(run_dir), "metric": metric,
               "rows": json.loads(table.to_json(orient="records")),
               "benchmarks": benchmark_rows(table, bench_rows), "rank_gaps": gaps,
               "rank_sentence": rank_sentence(gaps)}
    return CompareRun(run_dir, table, summary)


def benchmark_rows(table: pd.DataFrame, bench_rows: dict) -> list[dict]:
    """Buy-and-hold's metrics once per group of runs (same instrument and period), beside the ranked rows."""
    from rtybt.engine.analysis.run.comparison import COLUMNS

    groups = {(r.symbol, r.start, r.end): r.group for r in table.itertuples()}
    rows = []
    for (symbol, start, end, label), metrics in bench_rows.items():
        group = groups.get((symbol, start, end))
        if group is not None:
            rows.append({"group": group, "label": label, "symbol": symbol,
                         **{key: metrics.get(key) for key, _, _ in COLUMNS}})
    return rows
