"""Report stage: what a tearsheet is built from: a fresh run, or a run directory's stored results."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
import yaml

from rtybt.engine.config import RunConfig, validate_config
from rtybt.engine.core.errors import DataError, ResultsError
from rtybt.engine.core.safe_yaml import safe_load_unique

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
    contract: dict | None = None  # a future's contract terms (engine/config/contracts.py)
    lookahead: str | None = None  # the look-ahead harness's finding, for a run allowed with one: not judged


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


def write_run_tables(path, result) -> None:
    """trades.csv, returns.csv and setups.csv of a run, where `path(name)` says (a run's folder, a study market's
    tearsheet folder): the tables `from_run_dir` reads back to render the report again."""
    from rtybt.engine.core.csv_text import spreadsheet_safe

    spreadsheet_safe(result.trades).to_csv(path("trades.csv"), index=False)
    frame = pd.DataFrame({"returns": result.returns, "equity": result.equity})
    if result.benchmark_returns is not None:
        frame["benchmark_returns"] = result.benchmark_returns
    frame.rename_axis("date").to_csv(path("returns.csv"), date_format="%Y-%m-%d")
    setups_frame(result.setups).to_csv(path("setups.csv"), index=False)


def _read_csv(path: Path, **kwargs) -> pd.DataFrame:
    try:
        return pd.read_csv(path, **kwargs)
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise ResultsError(f"{path}: cannot read ({exc.__class__.__name__}: {str(exc).splitlines()[0]})") from None


def _require_columns(frame: pd.DataFrame, columns: tuple[str, ...], path: Path) -> None:
    missing = [c for c in columns if c not in frame]
    if missing:
        raise ResultsError(f"{path}: missing column(s) {', '.join(missing)}")


def _stored_dates(values: pd.Series, path: Path, column: str, empty_ok: bool = False) -> pd.Series:
    """ISO dates as the run wrote them; anything else names its CSV line (header = line 1)."""
    dates = pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")
    bad = dates.isna() & ~(values.isna() if empty_ok else False)
    if bad.any():
        i = int(bad.to_numpy().argmax())
        raise ResultsError(f"{path}: line {i + 2}: {column}: cannot read date {str(values.iloc[i])[:40]!r}")
    return dates


def _stored_numbers(values: pd.Series, path: Path, column: str) -> pd.Series:
    numbers = pd.to_numeric(values, errors="coerce")
    bad = numbers.isna() & values.notna()
    if bad.any():
        i = int(bad.to_numpy().argmax())
        raise ResultsError(f"{path}: line {i + 2}: {column}: not a number {str(values.iloc[i])[:40]!r}")
    return numbers.astype(float)


def read_setups(run_dir: Path) -> list[date]:
    """A stored run's setup days (setups.csv)."""
    setups = _read_csv(run_dir / "setups.csv")
    if "date" not in setups:
        raise ResultsError(f"{run_dir / 'setups.csv'}: no `date` column")
    return [d.date() for d in _stored_dates(setups["date"].astype(str), run_dir / "setups.csv", "date")]


def check_pinned_strategy(raw: dict, manifest: dict, run_dir: Path) -> None:
    """`--trust-strategy-file`: the stored config's strategy file is loaded only if its source is the one the
    run pinned (manifest.json's strategy_source_sha256); an edited or missing file is refused in one line."""
    from rtybt.strategies.files import StrategyFileError, source_sha256

    file = raw["strategy"]["file"]
    if not isinstance(file, str) or not file.strip():
        raise ResultsError(f"{run_dir / 'config.yaml'}: strategy.file: not a file path")
    pinned = manifest["inputs"][0].get("strategy_source_sha256")
    try:
        actual = source_sha256(file)
    except StrategyFileError as exc:
        raise ResultsError(f"{run_dir}: strategy.file {file}: {exc}") from None
    if not isinstance(pinned, str) or actual != pinned:
        raise ResultsError(f"{run_dir}: strategy.file {file} is not the source the run used (sha256 {actual[:12]} "
                           f"!= {str(pinned)[:12]} in manifest.json); not loaded")


def from_run_dir(run_dir: Path, data_dir: str | None = None, trust_strategy_file: bool = False) -> ReportInputs:
    """Stored results + the run's bars re-read from the data file the manifest pins (checksum verified).

    Code named by the run is never run: a `strategy.file` in its config.yaml is not imported (the report shows
    its name and params as stored) unless `trust_strategy_file`, and then only if its source hash is the pinned one.
    """
    from rtybt.engine.data import load_bars, resolve_data_dir

    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        why = "not a folder" if run_dir.exists() else "does not exist"
        raise ResultsError(f"{run_dir}: not a run directory ({why})")
    missing = [name for name in STORED if not (run_dir / name).is_file()]
    if missing:
        raise ResultsError(f"{run_dir}: not a complete run directory (missing {', '.join(missing)})")
    from rtybt.engine.results.provenance import read_manifest, traded_data, verify_files

    manifest = read_manifest(run_dir)
    # Every file the run wrote is checked, but the report's own files, which are about to be rendered again.
    verify_files(run_dir, manifest, skip=set(manifest["details"].get("rendered") or []))
    loaded = {}
    for name, parse in (("config.yaml", safe_load_unique), ("metrics.json", json.loads)):
        try:
            loaded[name] = parse((run_dir / name).read_text(encoding="utf-8"))
        except (OSError, ValueError, yaml.YAMLError) as exc:
            problem = getattr(exc, "problem", None) or exc.__class__.__name__
            raise ResultsError(f"{run_dir / name}: unreadable run file ({problem})") from None
    raw, metrics = loaded["config.yaml"], loaded["metrics.json"]
    if not isinstance(raw, dict):
        raise ResultsError(f"{run_dir / 'config.yaml'}: not a config mapping")
    if not isinstance(metrics, dict):
        raise ResultsError(f"{run_dir / 'metrics.json'}: expected a JSON object, got a {type(metrics).__name__}")
    for key in ("strategy",):
        if not isinstance(metrics.get(key), dict):
            raise ResultsError(f"{run_dir / 'metrics.json'}: {key}: missing or not an object of metrics")
    for key in ("benchmark",):
        if metrics.get(key) is not None and not isinstance(metrics[key], dict):
            raise ResultsError(f"{run_dir / 'metrics.json'}: {key}: not an object of metrics")
    strategy = raw.get("strategy")
    named_file = isinstance(strategy, dict) and strategy.get("file") is not None
    if named_file and trust_strategy_file:
        check_pinned_strategy(raw, manifest, run_dir)
    elif named_file:
        import warnings

        from rtybt.engine.core.verify import StoreNote

        warnings.warn(f"{run_dir}: strategy.file {strategy['file']} not loaded (no code from a run folder runs): "
                      "its rules and units are left out; --trust-strategy-file loads it if its sha256 is the pinned one",
                      StoreNote, stacklevel=2)
    config = validate_config(raw, str(run_dir / "config.yaml"), load_strategy_file=trust_strategy_file)

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

    rets = _read_csv(run_dir / "returns.csv")
    _require_columns(rets, ("date", "returns", "equity"), run_dir / "returns.csv")
    rets.index = pd.DatetimeIndex(_stored_dates(rets["date"], run_dir / "returns.csv", "date"), name="date")
    rets = rets.drop(columns="date")
    for col in rets.columns:
        rets[col] = _stored_numbers(rets[col], run_dir / "returns.csv", col)
    if not rets.index.equals(bars.frame.index[: len(rets)]) or len(rets) != len(bars.frame):
        raise ResultsError(f"{run_dir / 'returns.csv'}: dates do not match the run's bars")
    trades = _read_csv(run_dir / "trades.csv")
    for col in ("entry_signal_date", "entry_date", "exit_signal_date", "exit_date"):
        if col in trades:
            trades[col] = _stored_dates(trades[col], run_dir / "trades.csv", col, empty_ok=True).dt.date
    transactions = _read_csv(run_dir / "transactions.csv")
    bench = rets.get("benchmark_returns")
    return ReportInputs(
        config=config, bars=bars.frame, returns=rets["returns"], equity=rets["equity"],
        benchmark_returns=bench, benchmark_symbol=metrics.get("benchmark_symbol"),
        metrics=metrics["strategy"], benchmark_metrics=metrics.get("benchmark"), costs=metrics.get("costs", ""),
        trades=trades, transactions=transactions,
        setups=read_setups(run_dir),
        warnings=list(metrics.get("warnings") or []), contract=metrics.get("contract"),
        lookahead=metrics.get("lookahead") if isinstance(metrics.get("lookahead"), str) else None,
    )
