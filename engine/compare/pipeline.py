"""The `rtybt compare` flow: each config's run (stored with the same config hash and data checksum, or run now)
-> one ranked comparison report (HTML, JSON, CSV) with overlaid equity and drawdown curves."""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from engine.analysis.comparison import EDGE_COLUMNS, EDGE_NOTE, Entry, comparison_table, edge_at
from engine.config import load_config
from engine.errors import ConfigError
from engine.results import RunWriter, check_writable, new_run_id


@dataclass
class CompareRun:
    run_dir: Path
    table: pd.DataFrame
    summary: dict


def find_stored_run(parent: Path, config_hash: str, data_sha256: str) -> Path | None:
    """The newest run under results/<name>/ whose manifest has this config hash and data checksum."""
    if not parent.is_dir():
        return None
    for manifest in sorted(parent.glob("*/manifest.json"), reverse=True):
        try:
            m = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(m, dict) or not isinstance(m.get("data") or {}, dict):
            continue  # a damaged manifest: not a run to reuse
        same = m.get("config_hash") == config_hash and (m.get("data") or {}).get("sha256") == data_sha256
        if same and _readable_run(manifest.parent):
            return manifest.parent
    return None


def _readable_run(run_dir: Path) -> bool:
    """A stored run compare can read back (metrics and daily returns); a damaged one is run again, not reused."""
    try:
        metrics = json.loads((run_dir / "metrics.json").read_text(encoding="utf-8"))
        frame = pd.read_csv(run_dir / "returns.csv", index_col="date", parse_dates=["date"], nrows=2)
    except (OSError, ValueError, pd.errors.ParserError):
        return False
    return isinstance(metrics, dict) and isinstance(metrics.get("strategy"), dict) and "returns" in frame


def event_study_edge(run_dir: Path, horizon: int) -> dict:
    """Excess forward return of the setups over the baseline at `horizon`, with its interval, when the run has one."""
    path = run_dir / "event_study.json"
    try:
        study = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except (OSError, ValueError):
        study = {}
    horizons = study.get("horizons") if isinstance(study, dict) else None
    return edge_at(horizons if isinstance(horizons, list) else [], horizon)


def execute_compare(config_paths: list[str], overrides: list[str] | None = None, data_dir: str | None = None,
                    results_dir: str | None = None, metric: str = "sharpe", rerun: bool = False,
                    command_line: list[str] | None = None) -> CompareRun:
    from engine.pipeline import execute_run, load_run_bars
    from engine.sweep.spec import RANKABLE

    if metric not in RANKABLE:
        raise ConfigError(f"--metric {metric!r}: unknown metric; known: {', '.join(RANKABLE)}")
    if not config_paths:
        raise ConfigError("compare needs at least one config file")
    started = datetime.now(UTC)
    entries, benchmarks, hashes = [], {}, []
    root_for_output = None
    prepared = []
    # Every config, results folder and data file is checked before the first run: a bad input in the last
    # config must not leave the earlier ones' runs behind.
    for path in config_paths:
        config = load_config(path, overrides)
        root = Path(results_dir or config.output.dir)
        root_for_output = root_for_output or root
        check_writable(root)
        bars, _ = load_run_bars(config, data_dir)
        prepared.append((path, config, root, bars))
    for path, config, root, bars in prepared:
        config_hash = config.config_hash()
        hashes.append(config_hash)
        stored = None if rerun else find_stored_run(root / config.name, config_hash, bars.sha256)
        if stored is None:
            stored = execute_run(path, overrides, data_dir, results_dir, command_line=command_line).run_dir
            source = f"run now: {stored}"
        else:
            source = f"reused: {stored}"
        metrics = json.loads((stored / "metrics.json").read_text(encoding="utf-8"))
        frame = pd.read_csv(stored / "returns.csv", index_col="date", parse_dates=["date"])
        entries.append(Entry(config.name, config.strategy.name, config.strategy.params, config.data.symbol,
                             metrics["strategy"], frame["returns"], source,
                             event_study_edge(stored, config.event_study.verdict_horizon)))
        if "benchmark_returns" in frame and metrics.get("benchmark_symbol"):
            label = f"buy & hold {metrics['benchmark_symbol']}"
            benchmarks.setdefault(label, frame["benchmark_returns"])
    table = comparison_table(entries, metric)
    digest = hashlib.sha256("".join(hashes).encode()).hexdigest()
    writer = RunWriter(root_for_output, "compare", new_run_id(digest, started))
    try:
        from engine.report.comparison import write_comparison

        label, bench = next(iter(benchmarks.items())) if benchmarks else (None, None)
        notes = [EDGE_NOTE]
        if len(benchmarks) > 1:
            notes.append(f"benchmarks differ; the chart shows {label}.")
        write_comparison(writer, entries, table, f"compare: {', '.join(e.label for e in entries)}", metric,
                         (label, bench) if bench is not None else None, notes, stem="comparison",
                         extra_columns=EDGE_COLUMNS)
        writer.write_json("manifest.json", {
            "run_id": writer.run_id, "configs": list(config_paths), "config_hashes": hashes,
            "sources": [e.source for e in entries], "command_line": command_line or sys.argv,
            "started_utc": started.isoformat(timespec="seconds"),
            "finished_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        })
        run_dir = writer.commit()
    except BaseException:
        writer.abort()
        raise
    summary = {"run_dir": str(run_dir), "metric": metric,
               "rows": json.loads(table.to_json(orient="records"))}
    return CompareRun(run_dir, table, summary)
