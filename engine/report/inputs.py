"""Report stage: what a tearsheet is built from: a fresh run, or a run directory's stored results."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
import yaml

from engine.config import RunConfig, validate_config
from engine.errors import DataError, ResultsError

STORED = ("config.yaml", "manifest.json", "metrics.json", "returns.csv", "trades.csv", "transactions.csv",
          "positions.csv", "setups.csv")


@dataclass
class ReportInputs:
    config: RunConfig
    bars: pd.DataFrame  # the traded symbol's validated OHLC bars, the run's calendar
    returns: pd.Series
    equity: pd.Series
    benchmark_returns: pd.Series | None
    benchmark_symbol: str | None
    metrics: dict
    benchmark_metrics: dict | None
    costs: str
    trades: pd.DataFrame
    transactions: pd.DataFrame
    setups: list[date]
    warnings: list[str] = field(default_factory=list)  # the run's own (refused orders, signals not ordered)
    contract: dict | None = None  # a future's contract terms (engine/contracts.py)


def from_result(config: RunConfig, result, bars: pd.DataFrame) -> ReportInputs:
    """From an engine.run.RunResult and the bars it ran on."""
    return ReportInputs(
        config=config, bars=bars, returns=result.returns, equity=result.equity,
        benchmark_returns=result.benchmark_returns, benchmark_symbol=result.benchmark_symbol,
        metrics=result.metrics, benchmark_metrics=result.benchmark_metrics, costs=result.costs,
        trades=result.trades, transactions=result.transactions, setups=list(result.setups),
        warnings=list(result.warnings), contract=result.contract,
    )


def setups_frame(setups) -> pd.DataFrame:
    return pd.DataFrame({"date": [str(d) for d in setups]})


def _read_csv(path: Path, **kwargs) -> pd.DataFrame:
    try:
        return pd.read_csv(path, **kwargs)
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise ResultsError(f"{path}: cannot read ({exc.__class__.__name__}: {str(exc).splitlines()[0]})") from None


def from_run_dir(run_dir: Path, data_dir: str | None = None) -> ReportInputs:
    """Stored results + the run's bars re-read from the data file the manifest pins (checksum verified)."""
    from engine.data import load_bars, resolve_data_dir

    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise ResultsError(f"{run_dir}: not a run directory (does not exist)")
    missing = [name for name in STORED if not (run_dir / name).is_file()]
    if missing:
        raise ResultsError(f"{run_dir}: not a complete run directory (missing {', '.join(missing)})")
    from engine.provenance import read_manifest, traded_data, verify_files

    manifest = read_manifest(run_dir)
    # Every file the run wrote is checked, but the report's own files, which are about to be rendered again.
    verify_files(run_dir, manifest, skip=set(manifest["details"].get("rendered") or []))
    try:
        raw = yaml.safe_load((run_dir / "config.yaml").read_text(encoding="utf-8"))
        metrics = json.loads((run_dir / "metrics.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise ResultsError(f"{run_dir}: unreadable run file ({exc.__class__.__name__})") from None
    if not isinstance(raw, dict):
        raise ResultsError(f"{run_dir / 'config.yaml'}: not a config mapping")
    config = validate_config(raw, str(run_dir / "config.yaml"))

    pinned = traded_data(manifest)
    folder, source = resolve_data_dir(data_dir, Path(pinned["file"]).parent if pinned.get("file") else None)
    d = config.data
    try:
        bars = load_bars(d.symbol, folder, d.validation, d.start, d.end, source)
    except DataError as exc:
        raise ResultsError(f"{run_dir}: cannot re-read the run's bars: {exc}") from None
    if pinned.get("sha256") and bars.sha256 != pinned["sha256"]:
        raise ResultsError(
            f"{run_dir}: the bars at {bars.path} are not the ones the run used (sha256 {bars.sha256[:12]} "
            f"!= {pinned['sha256'][:12]} in manifest.json)"
        )

    rets = _read_csv(run_dir / "returns.csv", index_col="date", parse_dates=["date"])
    if not rets.index.equals(bars.frame.index[: len(rets)]) or len(rets) != len(bars.frame):
        raise ResultsError(f"{run_dir / 'returns.csv'}: dates do not match the run's bars")
    trades = _read_csv(run_dir / "trades.csv")
    for col in ("entry_signal_date", "entry_date", "exit_signal_date", "exit_date"):
        if col in trades:
            trades[col] = pd.to_datetime(trades[col]).dt.date
    transactions = _read_csv(run_dir / "transactions.csv")
    setups = _read_csv(run_dir / "setups.csv")
    if "date" not in setups:
        raise ResultsError(f"{run_dir / 'setups.csv'}: no `date` column")
    bench = rets.get("benchmark_returns")
    return ReportInputs(
        config=config, bars=bars.frame, returns=rets["returns"], equity=rets["equity"],
        benchmark_returns=bench, benchmark_symbol=metrics.get("benchmark_symbol"),
        metrics=metrics["strategy"], benchmark_metrics=metrics.get("benchmark"), costs=metrics.get("costs", ""),
        trades=trades, transactions=transactions,
        setups=[date.fromisoformat(s) for s in setups["date"].astype(str)],
        warnings=list(metrics.get("warnings") or []), contract=metrics.get("contract"),
    )
