"""Python API stage: the CLI's commands as typed functions returning result objects (re-exported as `rtybt`).

Each function calls the same command as the CLI (engine.commands.run, compare, sweep, walkforward, snapshot,
study, analogs, strategies) and writes the same files.
Bad input raises engine.core.errors.UserError (ConfigError, DataError, StrategyError, ResultsError): the
one-line message the CLI prints before exiting with code 2. An exception raised by a user's strategy file (on
import or while it runs, in this process or a pool worker) is a StrategyError naming the file, line and function,
with the original exception as `__cause__` (in this process) and the traceback as its `detail`. Nothing is printed; `progress=True` shows
the CLI's status line or progress bar (on stderr).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date as Date
from pathlib import Path
from typing import Any

import pandas as pd

from rtybt.engine.api import arguments as check
from rtybt.engine.api.results import (
    AnalogsResult,
    BacktestResult,
    CompareResult,
    NoteResult,
    SnapshotResult,
    StudyResult,
    SweepResult,
    WalkForwardResult,
)
from rtybt.engine.core.errors import ConfigError, DataError, ResultsError, StrategyError, UserError

ConfigLike = str | Path | Mapping[str, Any]
Overrides = Mapping[str, Any] | Sequence[str] | None


def _config_source(config: ConfigLike):
    """A path as given, or a mapping as an InlineConfig (validated exactly like a file by engine.config)."""
    from rtybt.engine.config import InlineConfig

    if isinstance(config, Mapping):
        return config if isinstance(config, InlineConfig) else InlineConfig(config)
    if isinstance(config, str | Path):
        return config
    raise ConfigError(f"config: expected a path to a YAML file or a mapping, got a {type(config).__name__}")


def _value_text(value: Any) -> str:
    """A Python value as the YAML text `--set` and `--grid` read back to the same value."""
    if isinstance(value, Date):
        return value.isoformat()
    return json.dumps(value, default=str)


def _overrides(overrides: Overrides) -> list[str]:
    """{'strategy.params.ma_period': 40} or ['strategy.params.ma_period=40'] -> the CLI's --set strings."""
    if overrides is None:
        return []
    if isinstance(overrides, Mapping):
        return [f"{key}={_value_text(value)}" for key, value in overrides.items()]
    if isinstance(overrides, str):
        return [overrides]
    return [str(text) for text in overrides]


def _grid(grid: Mapping[str, Sequence[Any]] | Sequence[str] | None) -> list[str]:
    """{'ma_period': [20, 30]} or ['ma_period=20,30'] -> the CLI's --grid strings."""
    if grid is None:
        return []
    if isinstance(grid, Mapping):
        out = []
        for key, values in grid.items():
            values = [values] if isinstance(values, str) or not isinstance(values, Sequence) else values
            out.append(f"{key}=" + ",".join(_value_text(v) for v in values))
        return out
    return [grid] if isinstance(grid, str) else [str(text) for text in grid]


@contextmanager
def _progress(description: str, enabled: bool) -> Iterator:
    """The CLI's status line and progress bar (engine.core.progress.Status), shown only when asked for."""
    from rtybt.engine.core.progress import Status

    status = Status(description, enabled)
    # Asked for explicitly: shown even where stderr is no terminal (a notebook renders rich's bar itself).
    status.enabled = enabled
    try:
        yield status
    finally:
        status.stop()


def _door(function):
    """An API function's errors name its arguments (`k=0: ...`), not the CLI's flags (`--k 0: ...`)."""

    @functools.wraps(function)
    def called(*args, **kwargs):
        with check.api_errors():
            return function(*args, **kwargs)

    return called


def _command_line(name: str, *args: Any) -> list[str]:
    """What the manifest records as the command: the API call, its config and its overrides."""
    return [f"rtybt.{name}", *(str(a) for a in args)]


@_door
def run(config_or_path: ConfigLike, overrides: Overrides = None, data_dir: str | Path | None = None,
        progress: bool = False, results_dir: str | Path | None = None, allow_lookahead: bool = False) -> BacktestResult:
    """Run one config end to end, as `rtybt run`, and return its BacktestResult.

    `config_or_path`: a YAML file, or a mapping with the same sections (relative paths in it are relative to
    the working directory). `overrides`: {"strategy.params.ma_period": 40} (or "KEY=VALUE" strings, as
    `--set`). `data_dir`: as `--data-dir`. `results_dir`: instead of the config's `output.dir`.
    `progress=True` shows the CLI's status line (loading data, backtest, report) on stderr.
    Writes results/<name>/<run id>/ exactly as the CLI does. Raises UserError on bad input.

    A strategy from a file (`strategy.file`) is checked for look-ahead first (cached): one that reads later
    bars raises StrategyError, unless `allow_lookahead=True` (its verdict is then 'look-ahead: not judged').
    An exception the strategy's own code raises is a StrategyError too, naming its file, line and function,
    with the original exception as `__cause__`.
    """
    from rtybt.engine.commands.run import execute_run
    from rtybt.engine.report.run.inputs import from_result

    _paths(data_dir=data_dir, results_dir=results_dir)
    check.flag("progress", progress)
    source, sets = _config_source(config_or_path), _overrides(overrides)
    with _progress(f"run {source}", progress) as shown:
        outcome = execute_run(source, sets, _opt(data_dir), _opt(results_dir),
                              command_line=_command_line("run", source, *sets), on_stage=shown.stage,
                              allow_lookahead=allow_lookahead)
    return BacktestResult.from_inputs(outcome.run_dir, from_result(outcome.config, outcome.result, outcome.bars.frame),
                                      outcome.analysis.verdict.text)


@_door
def load_run(run_dir: str | Path, data_dir: str | Path | None = None,
             trust_strategy_file: bool = False) -> BacktestResult:
    """A stored run directory (results/<name>/<run id>/) as a BacktestResult, without re-running it.

    The bars are re-read from the data file its manifest pins (refused if their checksum differs), as
    `rtybt report` does. Raises ResultsError for a missing or incomplete run directory. No code from the
    run folder runs: a strategy file its config names is not imported unless `trust_strategy_file`, and then
    only when its source matches the sha256 the manifest pinned.
    """
    from rtybt.engine.report.run.inputs import from_run_dir

    check.path("run_dir", run_dir, optional=False)
    _paths(data_dir=data_dir)
    check.flag("trust_strategy_file", trust_strategy_file)
    return BacktestResult.from_inputs(Path(run_dir), from_run_dir(Path(run_dir), _opt(data_dir), trust_strategy_file))


@_door
def compare(configs: Sequence[ConfigLike], overrides: Overrides = None, data_dir: str | Path | None = None,
            metric: str = "sharpe", rerun: bool = False, progress: bool = False,
            results_dir: str | Path | None = None) -> CompareResult:
    """Compare configs side by side, as `rtybt compare` (reusing stored runs unless `rerun`), and return the
    ranked table. Each config is a path or a mapping (give mappings distinct `name`s: the name labels the row).
    `progress=True` shows the CLI's status line on stderr.
    """
    from rtybt.engine.commands.compare import execute_compare

    if isinstance(configs, str | Path | Mapping) or not isinstance(configs, Sequence):
        raise ConfigError("configs: expected a list of configs (paths or mappings), e.g. [a.yaml, b.yaml]")
    check.text("metric", metric, example="sharpe")
    check.flag("rerun", rerun)
    check.flag("progress", progress)
    _paths(data_dir=data_dir, results_dir=results_dir)
    sources, sets = [_config_source(c) for c in configs], _overrides(overrides)
    with _progress("compare", progress) as shown:
        outcome = execute_compare(sources, sets, _opt(data_dir), _opt(results_dir), metric=metric, rerun=rerun,
                                  command_line=_command_line("compare", *sources, *sets), on_stage=shown.stage)
    return CompareResult(outcome.run_dir, metric, outcome.table, outcome.summary)


@_door
def sweep(config_or_path: ConfigLike, grid: Mapping[str, Sequence[Any]] | Sequence[str] | None = None,
          overrides: Overrides = None, data_dir: str | Path | None = None, metric: str | None = None,
          top: int | None = None, heatmap: str | None = None, workers: int | None = None,
          cluster: str | None = None, screen: bool = False, confirm_top: int = 5, resume: bool = False,
          progress: bool = False, results_dir: str | Path | None = None) -> SweepResult:
    """Run every combination of a parameter grid, as `rtybt sweep`, and return the ranked variants.

    `grid`: {"ma_period": [20, 30, 40]} (beats the config's `sweep.grid` key by key). `workers`, `cluster`,
    `screen`, `confirm_top`, `resume`, `heatmap` ("X,Y"), `metric` and `top` are the CLI's options
    (`workers=1` runs in this process). `progress=True` shows a progress bar on stderr.
    """
    from rtybt.engine.commands.sweep import execute_sweep
    from rtybt.engine.sweep.executors import make_executor

    check.text("metric", metric, optional=True, example="sharpe")
    check.whole_number("top", top, minimum=1, optional=True)
    check.text("heatmap", heatmap, optional=True, example="ma_period,hold_bars")
    _executor_arguments(workers, cluster)
    check.flag("screen", screen)
    check.whole_number("confirm_top", confirm_top, minimum=1)
    check.flag("resume", resume)
    check.flag("progress", progress)
    _paths(data_dir=data_dir, results_dir=results_dir)
    source, sets, grid_options = _config_source(config_or_path), _overrides(overrides), _grid(grid)
    with _progress(f"sweep {source}", progress) as shown:
        outcome = execute_sweep(source, sets, grid_options, make_executor(workers, cluster), _opt(data_dir),
                                _opt(results_dir), metric=metric, top=top, heatmap=heatmap, resume=resume,
                                on_progress=shown, screen=screen, confirm_top=confirm_top,
                                command_line=_command_line("sweep", source, *sets, *grid_options),
                                on_stage=shown.stage)
    metric = outcome.summary["metric"]
    table = outcome.outcome.table.sort_values("rank", kind="stable").reset_index(drop=True)
    swept = list(outcome.outcome.variants[0].swept) if outcome.outcome.variants else []
    return SweepResult(outcome.run_dir, outcome.config.name, metric, swept, table, outcome.outcome.returns,
                       outcome.statistics, outcome.summary.get("screen"), outcome.summary)


@_door
def walkforward(config_or_path: ConfigLike, grid: Mapping[str, Sequence[Any]] | Sequence[str] | None = None,
                overrides: Overrides = None, data_dir: str | Path | None = None, workers: int | None = None,
                cluster: str | None = None, resume: bool = False, progress: bool = False,
                results_dir: str | Path | None = None) -> WalkForwardResult:
    """Walk forward, as `rtybt walkforward`: each in-sample window picks the best variant of `grid`, the next
    window trades it. Returns the windows and the stitched out-of-sample returns."""
    from rtybt.engine.commands.walkforward import execute_walkforward
    from rtybt.engine.sweep.executors import make_executor

    _executor_arguments(workers, cluster)
    check.flag("resume", resume)
    check.flag("progress", progress)
    _paths(data_dir=data_dir, results_dir=results_dir)
    source, sets, grid_options = _config_source(config_or_path), _overrides(overrides), _grid(grid)
    with _progress(f"walk-forward {source}", progress) as shown:
        outcome = execute_walkforward(source, sets, grid_options, make_executor(workers, cluster),
                                      _opt(data_dir), _opt(results_dir), resume=resume,
                                      on_progress=shown, on_stage=shown.stage,
                                      command_line=_command_line("walkforward", source, *sets, *grid_options))
    run_dir, summary = outcome.run_dir, outcome.summary
    oos = pd.read_csv(run_dir / "oos_returns.csv", index_col="date", parse_dates=["date"])
    name = run_dir.parent.name.removesuffix("-walkforward")  # the flow writes results/<name>-walkforward/<run id>/
    return WalkForwardResult(run_dir, name, pd.DataFrame(summary["windows_table"]), oos.iloc[:, 0], oos["equity"],
                             summary)


@_door
def snapshot(symbol: str = "^RUT", date: str | Date | None = None, data_dir: str | Path | None = None,
             peers: str | Sequence[str] | None = None, progress: bool = False) -> SnapshotResult:
    """The note's table for one date, as `rtybt snapshot`: readings, key levels, checklists, Final Call.

    `date` defaults to the last bar (a non-trading day uses the bar before it); `peers` as `--peers`.
    """
    from rtybt.engine.commands.snapshot import take_snapshot
    from rtybt.engine.report.note.snapshot_text import render_snapshot

    check.text("symbol", symbol, example="^RUT")
    check.day("date", date)
    check.texts("peers", peers, example='["SPY", "QQQ"]')
    check.flag("progress", progress)
    _paths(data_dir=data_dir)
    with _progress(f"snapshot {symbol}", progress) as shown:
        snap = take_snapshot(symbol, date, _opt(data_dir), peers=peers if peers is None or isinstance(peers, str)
                                else list(peers), on_stage=shown.stage).snapshot
    return SnapshotResult(snap, snap.to_dict(), render_snapshot(snap))


@_door
def list_strategies(name: str | None = None, file: str | Path | None = None) -> pd.DataFrame:
    """Every registered strategy's parameters as a table (as `rtybt strategies`), or only `name`'s; with `file`,
    the strategies of your own strategy file. One row per parameter: default, unit, allowed range, meaning,
    with none, true and false spelled as in YAML."""
    from rtybt.engine.commands.strategies import describe, strategy_catalog

    check.text("name", name, optional=True, example="ma_reclaim")
    check.path("file", file)
    if file is not None:
        from rtybt.strategies.files import StrategyFileError, strategies_in_file

        try:
            found = strategies_in_file(file)
        except StrategyFileError as exc:
            raise StrategyError(f"{file}: {exc}") from None
        entries = [describe(found[n]) for n in sorted(found) if name is None or n == name]
        if not entries:
            raise StrategyError(f"{file}: no strategy named {name!r}; defined: {', '.join(sorted(found))}")
    else:
        entries = strategy_catalog(name).entries
    rows = []
    for entry in entries:
        # A notebook shows this table to a person, who never sees None, True or NaN: a default of none, true or
        # false reads as YAML (and `rtybt strategies`) spell it; numbers and words stay values.
        for p in entry["params"]:
            default = p["default"]
            if default is None or isinstance(default, bool):
                default = "none" if default is None else str(default).lower()
            rows.append({"strategy": entry["name"], "parameter": p["name"], "default": default,
                         "unit": p["unit"] or "-", "allowed": p["range"], "meaning": p["help"], "note": entry["note"]})
        if not entry["params"]:
            rows.append({"strategy": entry["name"], "parameter": "(none)", "default": "-", "unit": "-",
                         "allowed": "-", "meaning": "takes no parameters", "note": entry["note"]})
    return pd.DataFrame(rows).set_index(["strategy", "parameter"])


@_door
def study(config_or_path: ConfigLike, overrides: Overrides = None, symbols: str | Sequence[str] | None = None,
          data_dir: str | Path | None = None, workers: int | None = None, cluster: str | None = None,
          resume: bool = False, progress: bool = False, results_dir: str | Path | None = None) -> StudyResult:
    """Run the config's strategy on several markets, as `rtybt study`, and return the per-market, pooled and
    regime event studies. `symbols`: ["^RUT", "IWM", "SPY"] or "^RUT,IWM,SPY" (beats the config's
    `study.symbols`); `workers`, `cluster` and `resume` are the CLI's options. `progress=True` shows a progress
    bar on stderr. Writes results/<name>-study/<run id>/ exactly as the CLI does.
    """
    from rtybt.engine.commands.study import execute_study
    from rtybt.engine.sweep.executors import make_executor

    check.texts("symbols", symbols, example='["^RUT", "IWM"]')
    _executor_arguments(workers, cluster)
    check.flag("resume", resume)
    check.flag("progress", progress)
    _paths(data_dir=data_dir, results_dir=results_dir)
    source, sets = _config_source(config_or_path), _overrides(overrides)
    chosen = symbols if symbols is None or isinstance(symbols, str) else ",".join(str(s) for s in symbols)
    with _progress(f"study {source}", progress) as shown:
        outcome = execute_study(source, sets, chosen, make_executor(workers, cluster), _opt(data_dir),
                                _opt(results_dir), resume=resume, on_progress=shown,
                                command_line=_command_line("study", source, *sets))
    a, s = outcome.analysis, outcome.summary
    return StudyResult(outcome.run_dir, outcome.config.name, a.verdict, pd.DataFrame(s["markets"]),
                       pd.DataFrame([p.to_dict() for p in a.pooled]), a.regimes.copy(), a.setups.copy(), s)


@_door
def analogs(symbol: str = "^RUT", date: str | Date | None = None, history: str = "^RUT", k: int = 20,
            horizon: int = 60, data_dir: str | Path | None = None, progress: bool = False,
            results_dir: str | Path = "results") -> AnalogsResult:
    """The `k` past states of `history` nearest to `symbol`'s close on `date`, what followed each over `horizon`
    sessions and the method's walk-forward score, as `rtybt analogs`. `date` defaults to the last bar (a
    non-trading day uses the bar before it). Writes results/analogs/<symbol>-<date>-<id>/ as the CLI does.
    """
    from rtybt.engine.commands.analogs import run_analogs
    from rtybt.engine.report.analogs.page import analog_rows, answer_sentence
    from rtybt.engine.report.analogs.text import render_analogs

    check.text("symbol", symbol, example="RTY=F")
    check.day("date", date)
    check.text("history", history, example="^RUT")
    check.whole_number("k", k)
    check.whole_number("horizon", horizon)
    check.flag("progress", progress)
    _paths(data_dir=data_dir, results_dir=results_dir)
    with _progress(f"analogs {symbol}", progress) as shown:
        found = run_analogs(symbol, date, history, k, horizon, _opt(data_dir), str(results_dir),
                            command_line=_command_line("analogs", symbol, *([date] if date else []), history),
                            on_stage=shown.stage)
    rows = pd.DataFrame(analog_rows(found))
    rows["date"] = pd.to_datetime(rows["date"])
    forward = pd.DataFrame(found.answer.study.to_dict()["horizons"])
    return AnalogsResult(found.run_dir, symbol, found.bar_date, answer_sentence(found), rows, found.answer.fan.copy(),
                         forward, found.score.to_dict(), found.to_dict(), render_analogs(found))


def note(path: str | Path, data_dir: str | Path | None = None, workers: int = 1, progress: bool = False,
         results_dir: str | Path = "results") -> NoteResult:
    """Test every claim of a note file, as `rtybt note`: on the instrument's history, across markets, in the note's
    regime and from its analogs, each judged by the one standard. Writes results/note/<stem>-<id>/ as the CLI does;
    `workers` > 1 computes the markets and the analogs on the local process pool (the same answer)."""
    from rtybt.engine.commands.note import run_note
    from rtybt.engine.report.note.numbers import diff_text, interval_text
    from rtybt.engine.report.note.page import result_dict
    from rtybt.engine.report.note.text import render_note

    with _progress(f"note {Path(path).name}", progress) as shown:
        found = run_note(path, _opt(data_dir), str(results_dir), workers=workers,
                         command_line=_command_line("note", path), on_stage=shown.stage)
    claims = found.table()
    claims.insert(4, "difference", [diff_text(v.claim, v.answer.evidence.estimate) for v in found.verdicts])
    claims.insert(5, "interval", [interval_text(v.claim, v.answer) for v in found.verdicts])
    return NoteResult(found.run_dir, found.note.title, found.bar_date, claims, result_dict(found), render_note(found))


def _paths(**given) -> None:
    for name, value in given.items():
        check.path(name, value)


def _executor_arguments(workers, cluster) -> None:
    check.whole_number("workers", workers, minimum=1, optional=True)
    check.text("cluster", cluster, optional=True, example="tcp://HOST:8786 or local")


def _opt(path: str | Path | None) -> str | None:
    return None if path is None else str(path)


__all__ = [
    "AnalogsResult",
    "BacktestResult",
    "CompareResult",
    "ConfigError",
    "DataError",
    "NoteResult",
    "ResultsError",
    "SnapshotResult",
    "StrategyError",
    "StudyResult",
    "SweepResult",
    "UserError",
    "WalkForwardResult",
    "analogs",
    "compare",
    "list_strategies",
    "load_run",
    "note",
    "run",
    "snapshot",
    "study",
    "sweep",
    "walkforward",
]
