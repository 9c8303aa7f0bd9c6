"""Commands stage: `rtybt study`: config -> bars per symbol -> runs (sweep executors, stored) -> analysis -> results directory."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pydantic import ValidationError

from rtybt.engine.analysis.study.study import RegimeSpec, StudyAnalysis, analyse_study, note_focus
from rtybt.engine.config import RunConfig, load_config
from rtybt.engine.config.sections import StudyConfig
from rtybt.engine.core.errors import ConfigError
from rtybt.engine.data import Bars, load_bars, resolve_data_dir
from rtybt.engine.data.locate import symbol_file
from rtybt.engine.results import RunWriter, check_writable, new_run_id
from rtybt.engine.run.preflight import check_params_fit_bars
from rtybt.engine.study.runs import MarketRun, Progress, buy_hold_config, run_markets, symbol_config
from rtybt.engine.sweep.executors import Executor, SerialExecutor


@dataclass
class StudyRun:
    """What `execute_study` produced: the run directory, every market's run, the analysis and a JSON-ready summary."""

    run_dir: Path
    config: RunConfig
    settings: StudyConfig
    runs: dict[str, MarketRun]
    bars: dict[str, Bars]
    analysis: StudyAnalysis
    computed: int
    reused: int
    executor: str
    summary: dict


def study_settings(config: RunConfig, symbols_option: str | None, source: str) -> StudyConfig:
    """The config's `study:` section, with --symbols replacing its symbols; the traded symbol always comes first."""
    base = config.study or StudyConfig()
    symbols = base.symbols
    if symbols_option is not None:
        symbols = [s.strip() for s in symbols_option.split(",") if s.strip()]
    traded = config.data.symbol
    key = "--symbols" if symbols_option is not None else "study.symbols"
    try:
        settings = StudyConfig(symbols=[traded, *[s for s in symbols if s != traded]], regimes=base.regimes)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        where = key if where.startswith("symbols") else f"study.{where}"
        raise ConfigError(f"{source}: {where}: {err['msg'].removeprefix('Value error, ')}") from None
    if len(settings.symbols) < 2:
        raise ConfigError(f"{source}: {key}: a study needs at least one symbol besides the traded {traded}")
    return settings


def check_transferable(config: RunConfig, source: str) -> None:
    """Rules that hold on any instrument: no absolute price levels, no futures contract terms."""
    from rtybt.strategies import get_strategy

    for param in get_strategy(config.strategy.name, config.strategy.file).spec:
        value = config.strategy.params.get(param.name)
        if param.unit == "price" and value is not None:
            raise ConfigError(f"{source}: strategy.params.{param.name}: absolute price level {value:g} does not "
                              "transfer between instruments; a study needs relative levels")
    if config.broker.instrument == "future":
        raise ConfigError(f"{source}: broker.instrument: 'future' contract terms do not transfer between "
                          "instruments; a study needs instrument index or etf")


def _load_symbol(config: RunConfig, symbol: str, data_dir: str | None) -> Bars:
    directory, where = resolve_data_dir(data_dir, config.data.dir, symbol)
    d = config.data
    return load_bars(symbol, directory, d.validation, d.start, d.end, where, key="study.symbols")


def _load_vix(config: RunConfig, settings: StudyConfig, data_dir: str | None) -> Bars | None:
    """The volatility index's bars when it is in the data directory (never downloaded: it only labels)."""
    symbol = settings.regimes.vix_symbol
    directory, where = resolve_data_dir(data_dir, config.data.dir, symbol)
    if "vix" not in settings.regimes.by or not symbol_file(directory, symbol).is_file():
        return None
    return load_bars(symbol, directory, config.data.validation, None, config.data.end, where,
                     allow_download=False, key="study.regimes.vix_symbol")


def execute_study(config_path: str | Path, overrides: list[str] | None = None, symbols: str | None = None,
                  executor: Executor | None = None, data_dir: str | None = None, results_dir: str | None = None,
                  resume: bool = False, on_progress: Progress | None = None,
                  command_line: list[str] | None = None) -> StudyRun:
    """Run the config's strategy with the same rules on every symbol, study its setups per market, pooled
    and by regime, and write results/<name>-study/<run id>/. One call, no printing."""
    from rtybt.engine.results.provenance import (
        data_record,
        input_record,
        strategy_source_sha,
        write_manifest,
    )
    from rtybt.engine.study.write import write_study

    started = datetime.now(UTC)
    source = str(config_path)
    config = load_config(config_path, overrides)
    settings = study_settings(config, symbols, source)
    check_transferable(config, source)
    root = Path(results_dir or config.output.dir)
    check_writable(root)
    bars = {s: _load_symbol(config, s, data_dir) for s in settings.symbols}
    vix = _load_vix(config, settings, data_dir)
    configs = {s: symbol_config(config, s) for s in settings.symbols}
    shas = {c.strategy.name: strategy_source_sha(c) for c in (config, buy_hold_config(config))}
    executor = executor or SerialExecutor()
    try:
        runs, computed, reused = run_markets(configs, {s: b.frame for s, b in bars.items()},
                                             {s: b.sha256 for s, b in bars.items()}, shas, executor, root, resume,
                                             on_progress)
    except IndexError:
        # Backtrader's indicators crash when a look-back outgrows a market's bars; say which and on which market.
        for symbol, b in bars.items():
            check_params_fit_bars(config.strategy.name, config.strategy.params, b.frame, f"{source} ({symbol})",
                                      config.strategy.file)
        raise
    study = config.event_study
    regimes = settings.regimes
    analysis = analyse_study(
        {s: b.frame["close"] for s, b in bars.items()}, {s: r.setups for s, r in runs.items()},
        config.data.symbol, None if vix is None else vix.frame["close"],
        RegimeSpec(list(regimes.by), regimes.vix_threshold, regimes.trend_ma_period), study.horizons,
        study.verdict_horizon, study.bootstrap_samples, study.seed, study.confidence,
        note_focus(config.strategy.name, config.strategy.params, regimes.trend_ma_period),
    )
    digest = hashlib.sha256(("study" + "".join(c.config_hash() for c in configs.values())
                             + regimes.model_dump_json()).encode()).hexdigest()
    writer = RunWriter(root, f"{config.name}-study", new_run_id(digest, started))
    try:
        summary = write_study(writer, config, settings, runs, bars, analysis, executor.name, computed, reused)
        # One input per market (each market's config differs only in its symbol); ^VIX labels regimes only.
        inputs = [input_record(source, configs[s], bars[s]) for s in settings.symbols]
        write_manifest(writer, "study", inputs, started, command_line,
                       {"regime_data": data_record(vix, "regime") if vix is not None else None})
        run_dir = writer.commit()
    except BaseException:
        writer.abort()
        raise
    summary["run_dir"] = str(run_dir)
    return StudyRun(run_dir, config, settings, runs, bars, analysis, computed, reused, executor.name, summary)

