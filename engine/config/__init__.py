"""Config stage: YAML -> typed, validated RunConfig (errors name the file, key path and bad value)."""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import stat
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any, Literal, get_args

import yaml
from pydantic import (
    BaseModel,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_serializer,
    model_validator,
)

from rtybt.engine.config.sections import StudyConfig, SweepConfig, WalkForwardConfig
from rtybt.engine.core.budget import MAX_HORIZON_DRAWS, budget_problem
from rtybt.engine.core.errors import ConfigError, StrategyError, did_you_mean
from rtybt.engine.core.safe_yaml import MAX_CONFIG_BYTES, safe_load_unique
from rtybt.engine.core.section import Section
from rtybt.engine.core.symbols import symbol_problem

RUN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")


def _check_symbol(value: str) -> str:
    # A symbol names a file in the data directory: it must not reach outside it, nor overflow a file name.
    problem = symbol_problem(value)
    if problem:
        raise ValueError(problem)
    return value


class _Section(Section):
    pass


class ValidationPolicy(_Section):
    """What to do with each kind of data problem: stop (error), report and keep (warn), or report and drop."""

    duplicates: Literal["error", "drop"] = Field("error", description="repeated dates; drop keeps the first")
    unsorted: Literal["error", "sort"] = Field("error", description="dates out of order; sort reorders them, reported")
    nan: Literal["error", "drop"] = Field("error", description="missing or non-numeric prices")
    non_positive: Literal["error", "drop"] = Field("error", description="a price <= 0")
    ohlc: Literal["error", "warn", "drop"] = Field("warn", description="Low above Open/Close or High below them")
    zero_volume: Literal["error", "warn", "drop"] = Field("warn", description="Volume 0 on an instrument that trades")
    partial_last_bar: Literal["error", "warn", "drop"] = Field("drop", description="a last bar dated on the download day")
    gaps: Literal["error", "warn"] = Field("warn", description="more than `max_gap_days` weekdays without a bar")
    max_gap_days: int = Field(3, ge=1, description="weekdays without a bar before a gap is reported")


class DataConfig(_Section):
    symbol: str = Field("^RUT", min_length=1, description="Yahoo symbol: ^RUT, RTY=F, IWM, SPY, QQQ, ^VIX")
    start: date | None = Field(None, description="first date (inclusive); default: first bar")
    end: date | None = Field(None, description="last date (inclusive); default: last bar")
    dir: str | None = Field(None, description="data directory; relative paths are relative to this config file")
    validation: ValidationPolicy = ValidationPolicy()

    @field_validator("symbol")
    @classmethod
    def _symbol_not_a_path(cls, value):
        return _check_symbol(value)

    @model_validator(mode="after")
    def _dates_in_order(self):
        if self.start and self.end and self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class StrategyConfig(_Section):
    name: str = Field(..., description="registered strategy name (see `rtybt strategies`), or a strategy's name "
                      "in `file`")
    file: str | None = Field(None, description="a Python file of your own NoteStrategy subclasses; relative paths "
                             "are relative to this config file")

    @model_serializer(mode="wrap")
    def _omit_unused_file(self, handler):
        # A registry strategy dumps as before (no `file: null`): config hashes and config.yaml stay unchanged.
        data = handler(self)
        if data.get("file") is None:
            data.pop("file", None)
        return data
    params: dict[str, Any] = Field(default_factory=dict, description="strategy parameters; missing ones take defaults")
    # A stored run's strategy file is never imported (`rtybt report`, `load_run`): a stand-in that names it.
    _not_loaded: type | None = PrivateAttr(default=None)


# Realistic default costs per instrument kind; every report states the ones in force.
DEFAULT_COSTS = {
    "index": {"commission_rate": 0.0002, "slippage_rate": 0.0003},
    "etf": {"commission_rate": 0.0001, "slippage_rate": 0.0002},
    "future": {"commission_per_contract": 2.5, "slippage_ticks": 1},
}

# Contract terms: meaningful for futures only, so setting one on an index or ETF is a mistake. A future takes
# them from its root's row in engine/config/contracts.py unless the config sets them; an index or ETF keeps these
# inert values (RTY's), which have always been part of its config hash.
FUTURE_ONLY = ("multiplier", "margin", "tick")
INERT_TERMS = {"multiplier": 50.0, "margin": 7_500.0, "tick": 0.10}


class BrokerConfig(_Section):
    cash: float = Field(100_000.0, gt=0, description="starting cash, USD")
    instrument: Literal["index", "etf", "future"] = Field("index", description="how the symbol is traded")
    commission_rate: float | None = Field(None, ge=0, lt=0.1, description="index/etf: fraction of traded value per side")
    slippage_rate: float | None = Field(None, ge=0, lt=0.1, description="index/etf: fraction of price against each fill")
    commission_per_contract: float | None = Field(None, ge=0, description="future: USD per contract per side")
    slippage_ticks: int | None = Field(None, ge=0, description="future: ticks against each fill")
    multiplier: float | None = Field(None, gt=0, description="future: USD per price point; default: the "
                                     "contract table's for the symbol's root (RTY: 50)")
    margin: float | None = Field(None, gt=0, description="future: initial margin per contract, USD; default: "
                                 "the contract table's")
    tick: float | None = Field(None, gt=0, description="future: minimum price increment, price points; default: "
                               "the contract table's (RTY: 0.10)")
    fill: Literal["next_open", "signal_close"] = Field(
        "next_open", description="next_open (default) or signal_close (cheat-on-close, explicit only)"
    )

    @field_validator("commission_rate", "slippage_rate", "commission_per_contract", "slippage_ticks")
    @classmethod
    def _cost_fits_instrument(cls, value, info: ValidationInfo):
        # A field validator (not a model one) so that the error names broker.<key> and its value.
        instrument = info.data.get("instrument")
        if value is not None and instrument is not None and info.field_name not in DEFAULT_COSTS[instrument]:
            raise ValueError(f"does not apply to instrument '{instrument}' (its cost keys: "
                             f"{', '.join(DEFAULT_COSTS[instrument])})")
        return value

    @model_validator(mode="after")
    def _default_costs(self):
        if self.instrument != "future":
            for key in FUTURE_ONLY:
                # The inert value is tolerated: a resolved config.yaml lists every key and must load again.
                value = getattr(self, key)
                if key in self.model_fields_set and value is not None and value != INERT_TERMS[key]:
                    raise ValueError(f"{key}={value!r} applies only to instrument 'future' "
                                     f"(instrument is '{self.instrument}')")
                setattr(self, key, INERT_TERMS[key])
        for key, value in DEFAULT_COSTS[self.instrument].items():
            if getattr(self, key) is None:
                setattr(self, key, value)
        return self


class SizingConfig(_Section):
    method: Literal["percent_equity", "fixed_units"] = Field("percent_equity", description="how entries are sized")
    equity_fraction: float = Field(0.95, gt=0, le=1.0, description="percent_equity: fraction of equity per entry")
    units: float | None = Field(None, gt=0, description="fixed_units: shares, index units or contracts per entry")

    @model_validator(mode="after")
    def _units_for_fixed(self):
        if self.method == "fixed_units" and self.units is None:
            raise ValueError("fixed_units needs `units`")
        return self

    @property
    def fraction(self) -> float | None:
        """percent_equity: the fraction of equity per entry; None with fixed units (the broker and the twins
        both size from this)."""
        return None if self.method == "fixed_units" else self.equity_fraction


class BenchmarkConfig(_Section):
    enabled: bool = Field(True, description="run buy-and-hold on the benchmark symbol with the same costs")
    symbol: str | None = Field(None, description="benchmark symbol; default: the traded symbol")

    @field_validator("symbol")
    @classmethod
    def _symbol_not_a_path(cls, value):
        return None if value is None else _check_symbol(value)


class AnalysisConfig(_Section):
    risk_free_rate: float = Field(0.0, ge=-0.05, le=0.5, description="annual risk-free rate for Sharpe/Sortino")
    periods_per_year: int = Field(252, ge=1, le=366, description="bars per year used to annualise")


class LevelRuleConfig(_Section):
    """A target or stop level for the target-first analysis."""

    kind: Literal["ma", "pct"] = Field("ma", description="ma: simple moving average of closes; pct: % from the setup close")
    period: int | None = Field(None, ge=2, le=1000, description="ma: length in sessions")
    pct: float | None = Field(None, gt=0, lt=1, description="pct: distance from the setup's close, as a fraction")
    price: Literal["close", "high", "low"] = Field("close", description="which price of each session is compared")

    @model_validator(mode="after")
    def _needs_its_number(self):
        if self.kind == "ma" and self.period is None:
            raise ValueError("kind 'ma' needs `period`")
        if self.kind == "pct" and self.pct is None:
            raise ValueError("kind 'pct' needs `pct`")
        return self


class EventStudyConfig(_Section):
    """Forward returns after every setup, bootstrap and target-first analysis (the tearsheet's statistics)."""

    horizons: list[int] = Field([5, 10, 20, 60], min_length=1, description="forward horizons, sessions")
    verdict_horizon: int = Field(20, ge=1, description="the horizon the one-sentence verdict is about (one of horizons)")
    bootstrap_samples: int = Field(2000, ge=100, le=100_000, description="cluster-bootstrap draws")
    seed: int = Field(20250508, ge=0, description="bootstrap seed (results are reproducible)")
    confidence: float = Field(0.95, gt=0.5, lt=1.0, description="confidence level of intervals and the verdict")
    target: LevelRuleConfig = Field(
        LevelRuleConfig(kind="ma", period=200, price="high"), description="the note's upside target: a 200-day MA test"
    )
    stop: LevelRuleConfig = Field(
        LevelRuleConfig(kind="ma", period=50, price="close"), description="the note's failure: a close below the 50-day MA"
    )
    max_sessions: int = Field(250, ge=1, description="sessions after a setup searched for target or stop")

    @field_validator("horizons")
    @classmethod
    def _positive_horizons(cls, value):
        if any(h < 1 or h > 2000 for h in value):
            raise ValueError("every horizon must be between 1 and 2000 sessions")
        return sorted(set(value))

    @model_validator(mode="after")
    def _verdict_horizon_studied(self):
        if self.verdict_horizon not in self.horizons:
            raise ValueError(f"verdict_horizon {self.verdict_horizon} is not one of horizons {self.horizons}")
        return self

    @model_validator(mode="after")
    def _within_budget(self):
        problem = budget_problem(f"horizons x bootstrap_samples ({len(self.horizons):,} x {self.bootstrap_samples:,})",
                                 len(self.horizons) * self.bootstrap_samples, MAX_HORIZON_DRAWS,
                                 "study fewer horizons or draw fewer bootstrap samples")
        if problem:
            raise ValueError(problem)
        return self


class ReportConfig(_Section):
    zoom_months: int = Field(12, ge=1, le=600, description="the note's chart zoomed on the last N months of data")
    zoom: tuple[date, date] | None = Field(None, description="the note's chart zoomed on [start, end] instead "
                                           "(default: the last zoom_months months, moved to hold the note's date)")

    @model_validator(mode="after")
    def _zoom_ordered(self):
        if self.zoom is not None and self.zoom[0] >= self.zoom[1]:
            raise ValueError(f"zoom: start {self.zoom[0]} must be before end {self.zoom[1]}")
        return self


class OutputConfig(_Section):
    dir: str = Field("results", description="results root; relative paths are relative to the working directory")
    plots: bool = Field(True, description="write equity.png")
    tearsheet: bool = Field(True, description="write tearsheet.html, its figures (PNG) and statistics (JSON)")


class RunConfig(_Section):
    name: str | None = Field(None, description="run name; default: the config file's stem")
    data: DataConfig = DataConfig()
    strategy: StrategyConfig
    broker: BrokerConfig = BrokerConfig()
    sizing: SizingConfig = SizingConfig()
    benchmark: BenchmarkConfig = BenchmarkConfig()
    analysis: AnalysisConfig = AnalysisConfig()
    output: OutputConfig = OutputConfig()
    event_study: EventStudyConfig = EventStudyConfig()
    report: ReportConfig = ReportConfig()
    sweep: SweepConfig | None = Field(None, description="parameter grid for `rtybt sweep` (not part of a run)")
    walkforward: WalkForwardConfig | None = Field(None, description="windows for `rtybt walkforward`")
    study: StudyConfig | None = Field(None, description="symbols and regimes for `rtybt study` (not part of a run)")

    @field_validator("name")
    @classmethod
    def _safe_name(cls, value):
        if value is not None and not RUN_NAME.match(value):
            raise ValueError("must be letters, digits, '_', '-' or '.', not starting with '.' (no paths)")
        return value

    def backtest_payload(self) -> dict:
        """Everything that can change the backtest (not where results go, how the report reads them,
        nor the sweep and walk-forward settings that generate variants)."""
        return self.model_dump(mode="json", exclude={
            "output": True, "name": True, "report": True, "event_study": True, "data": {"dir"},
            "sweep": True, "walkforward": True, "study": True,
        })

    def config_hash(self) -> str:
        """Hash of `backtest_payload()`."""
        blob = json.dumps(self.backtest_payload(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode()).hexdigest()


# ---------------------------------------------------------------------------------------------
def parse_override(text: str) -> tuple[list[str], Any]:
    """'a.b.c=value' -> (['a','b','c'], value parsed as YAML)."""
    key, sep, raw = text.partition("=")
    path = [part.strip() for part in key.split(".")]
    if not sep or not all(path):
        raise ConfigError(f"--set {text!r}: expected KEY.PATH=VALUE, e.g. strategy.params.ma_period=40")
    try:
        value = safe_load_unique(raw) if raw.strip() else None
    except yaml.YAMLError:
        value = raw
    return path, value


def apply_overrides(raw: dict, overrides: list[str], source: str) -> dict:
    for text in overrides:
        try:
            path, value = parse_override(text)
        except ConfigError as exc:
            raise ConfigError(f"{source}: {exc}") from None
        node = raw
        for i, part in enumerate(path[:-1]):
            child = node.get(part)
            if child is None:
                child = node[part] = {}
            if not isinstance(child, dict):
                where = ".".join(path[: i + 1])
                raise ConfigError(f"{source}: --set {text}: {where} is not a mapping (got {child!r})")
            node = child
        node[path[-1]] = value
    return raw


def read_yaml(path: Path) -> dict:
    """Safe-load a YAML mapping; any problem becomes a one-line ConfigError naming the file."""
    try:
        # A named pipe or a socket would block the read until something writes to it: refused unopened.
        kind = os.stat(path).st_mode
        if stat.S_ISFIFO(kind) or stat.S_ISSOCK(kind):
            raise ConfigError(f"{path}: not a regular file (a named pipe or socket); expected a YAML config file")
        # Bounded before parsing: `rtybt run /dev/zero` or a huge file must not be read whole.
        with path.open("rb") as fh:
            blob = fh.read(MAX_CONFIG_BYTES + 1)
        if len(blob) > MAX_CONFIG_BYTES:
            raise ConfigError(f"{path}: config is larger than {MAX_CONFIG_BYTES // 1024} KiB (the limit); "
                              "is this the right file?")
        text = blob.decode("utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a directory, expected a YAML config file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config ({exc.__class__.__name__}: {exc})") from None
    try:
        raw = safe_load_unique(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{path}: invalid YAML: {where}{problem}") from None
    if raw is None:
        raise ConfigError(f"{path}: config is empty (expected a mapping with at least `strategy:`)")
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: top level must be a mapping of sections, got a {type(raw).__name__}")
    return raw


def _check_keys(raw: Any, model: type[BaseModel], where: list[str], source: str) -> None:
    """Reject unknown keys with a did-you-mean, before pydantic (which only says 'extra inputs')."""
    if not isinstance(raw, dict):
        return
    fields = model.model_fields
    for key, value in raw.items():
        if not isinstance(key, str) or key not in fields:
            path = ".".join([*where, str(key)])
            hint = did_you_mean(str(key), fields)
            raise ConfigError(f"{source}: {path}: unknown key{hint}; allowed: {', '.join(fields)}")
        annotation = fields[key].annotation
        if not isinstance(annotation, type):  # `Section | None`: check the section's keys
            annotation = next((a for a in get_args(annotation) if isinstance(a, type) and a is not type(None)), None)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            _check_keys(value, annotation, [*where, key], source)


def short_repr(value: Any, limit: int = 60) -> str:
    """repr() cut to `limit` characters: a message echoes the bad value, never a whole pasted file."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text):,} characters)"


def _format_validation_error(exc: ValidationError, raw: dict, source: str) -> str:
    err = exc.errors()[0]
    loc = [str(p) for p in err["loc"]]
    msg = err["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    path = ".".join(loc) or "(top level)"
    if err["type"] in ("model_type", "dict_type"):
        msg = "must be a mapping of key: value entries"
    got = ""
    if err["type"] not in ("missing",) and "input" in err and not isinstance(err["input"], dict):
        got = f" (got {short_repr(err['input'])})"
    return f"{source}: {path}: {msg}{got}"


def validate_config(raw: dict, source: str, load_strategy_file: bool = True) -> RunConfig:
    """A typed, checked config. With `load_strategy_file=False` (a stored run's config.yaml) a `strategy.file`
    is never imported: its params stay as stored (a run stores them resolved) and the config carries a
    stand-in for the class (`strategy_of`)."""
    _check_keys(raw, RunConfig, [], source)
    try:
        config = RunConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(_format_validation_error(exc, raw, source)) from None
    if config.strategy.file is not None and not load_strategy_file:
        config.strategy._not_loaded = _stand_in(config.strategy)
        _resolve_contract(config, source)
        return config
    config.strategy.params = resolve_strategy_params(config.strategy, source)
    _check_strategy_dates(config, source)
    _resolve_contract(config, source)
    return config


def _resolve_contract(config: RunConfig, source: str) -> None:
    """A future's missing contract terms come from its root's row of the table; an unknown root needs them all."""
    from rtybt.engine.config.contracts import CONTRACTS, TERMS, contract_for, contract_root

    broker = config.broker
    if broker.instrument != "future":
        return
    missing = [key for key in TERMS if getattr(broker, key) is None]
    if not missing:
        return
    contract = contract_for(config.data.symbol)
    if contract is None:
        keys = ", ".join(f"broker.{key}" for key in missing)
        raise ConfigError(
            f"{source}: broker: unknown futures root {contract_root(config.data.symbol)!r} "
            f"(data.symbol {config.data.symbol!r}): set {keys}, or trade a known root: {', '.join(CONTRACTS)}"
        )
    for key in missing:
        setattr(broker, key, getattr(contract, key))


def _check_strategy_dates(config: RunConfig, source: str) -> None:
    """A strategy with absolute price levels checks the run's dates against the window those levels hold in."""
    check = getattr(strategy_class(config.strategy, source), "check_data_window", None)
    if check is None:
        return
    try:
        check(config.strategy.params, config.data.start, config.data.end)
    except ValueError as exc:
        raise ConfigError(f"{source}: data: {exc}") from None


NOT_LOADED = ("not loaded: rtybt never runs code named by a stored run (pass --trust-strategy-file to load "
              "it once its source matches the sha256 the run pinned)")


def _stand_in(strategy: StrategyConfig) -> type:
    """What a page shows of a strategy file it did not import: its name, its file, why; no spec, no rules."""
    note = f"{strategy.name}, from {Path(strategy.file).name}: {NOT_LOADED}"
    return type("StoredStrategy", (), {"name": strategy.name, "note": note, "spec": (), "__doc__": ""})


def strategy_of(strategy: StrategyConfig) -> type:
    """The strategy class a config names, or its stand-in when the config came from a stored run untrusted."""
    if strategy._not_loaded is not None:
        return strategy._not_loaded
    from rtybt.strategies import get_strategy

    return get_strategy(strategy.name, strategy.file)


def strategy_class(strategy: StrategyConfig, source: str) -> type:
    """The registered strategy, or the user's from `strategy.file`; a bad name or file is a ConfigError."""
    from rtybt.strategies import (
        STRATEGIES,  # the registry imports Backtrader: only when a config is validated
    )

    if strategy.file is not None:
        from rtybt.strategies.files import StrategyCodeError, StrategyFileError, load_strategy_file

        try:
            return load_strategy_file(strategy.file, strategy.name)
        except StrategyCodeError as exc:  # the file's own code raised on import: the user's error, not ours
            raise StrategyError(f"{source}: strategy.file: {exc}", exc.detail) from exc.__cause__
        except StrategyFileError as exc:
            raise ConfigError(f"{source}: strategy.file: {strategy.file}: {exc}") from None
    cls = STRATEGIES.get(strategy.name)
    if cls is None:
        hint = did_you_mean(strategy.name, STRATEGIES)
        raise ConfigError(
            f"{source}: strategy.name: unknown strategy {strategy.name!r}{hint}; known: {', '.join(sorted(STRATEGIES))}"
        )
    return cls


def resolve_strategy_params(strategy: StrategyConfig, source: str) -> dict[str, Any]:
    """Check params against the strategy's declared spec; return every param (defaults filled in)."""
    cls = strategy_class(strategy, source)
    spec = {p.name: p for p in cls.spec}
    resolved: dict[str, Any] = {}
    for key, value in strategy.params.items():
        if key not in spec:
            hint = did_you_mean(str(key), spec)
            known = ", ".join(spec) or "none"
            raise ConfigError(
                f"{source}: strategy.params.{key}: unknown parameter of {strategy.name}{hint}; known: {known}"
            )
        try:
            resolved[key] = spec[key].check(value)
        except ValueError as exc:
            raise ConfigError(f"{source}: strategy.params.{key}: {exc}") from None
    for name, param in spec.items():
        resolved.setdefault(name, param.default)
    check = getattr(cls, "check_params", None)
    if check is not None:
        try:
            check(resolved)
        except ValueError as exc:
            raise ConfigError(f"{source}: strategy.params: {exc}") from None
    return resolved


class InlineConfig(dict):
    """A config given as a Python mapping (the Python API): validated exactly like a file. Relative paths
    (data.dir, strategy.file) are relative to `base_dir` (default: the working directory); errors and
    manifests name it by `label`; the run's name defaults to the strategy's."""

    def __init__(self, mapping: Mapping, base_dir: str | Path | None = None, label: str = "config dict"):
        super().__init__(copy.deepcopy(dict(mapping)))
        self.base_dir = Path(base_dir) if base_dir is not None else Path.cwd()
        self.label = label

    def __str__(self) -> str:
        return self.label


def _resolve_strategy_file(raw: dict, base: Path) -> None:
    """strategy.file relative to the config's folder, before validation loads it."""
    strategy = raw.get("strategy")
    if isinstance(strategy, dict) and isinstance(strategy.get("file"), str) and strategy["file"].strip():
        file = Path(strategy["file"]).expanduser()
        strategy["file"] = str(file if file.is_absolute() else (base / file).resolve())


def load_config(path: str | Path | InlineConfig, overrides: list[str] | None = None) -> RunConfig:
    """Read (or take the InlineConfig), override, validate. Relative data.dir and strategy.file are made
    absolute against the config's folder."""
    if isinstance(path, InlineConfig):
        raw, base, source = copy.deepcopy(dict(path)), path.base_dir, str(path)
        stem = raw["strategy"].get("name") if isinstance(raw.get("strategy"), dict) else None
    else:
        path = Path(path)
        raw, base, source, stem = read_yaml(path), path.parent, str(path), path.stem
    raw = apply_overrides(raw, overrides or [], source)
    _resolve_strategy_file(raw, base)
    config = validate_config(raw, source)
    if config.name is None:
        config.name = stem if isinstance(stem, str) and RUN_NAME.match(stem) else "run"
    if config.data.dir is not None:
        data_dir = Path(config.data.dir).expanduser()
        if not data_dir.is_absolute():
            data_dir = (base / data_dir).resolve()
        config.data.dir = str(data_dir)
    return config


def config_json_schema() -> dict:
    return RunConfig.model_json_schema()
