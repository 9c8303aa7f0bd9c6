"""Regression stage: baseline files on disk (stable, reviewable JSON) and the tolerances file."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from rtybt.engine.core.atomic import write_text_atomic
from rtybt.engine.core.errors import ConfigError, ResultsError, did_you_mean
from rtybt.engine.core.safe_yaml import safe_load_unique
from rtybt.engine.regress.record import (
    BENCHMARK_KEYS,
    EXACT_METRICS,
    EXACT_TRADE_COLUMNS,
    METRIC_KEYS,
    TRADE_COLUMNS,
)

BASELINES_DIR = Path("tests/regression/baselines")
TOLERANCES_FILE = Path("tests/regression/tolerances.yaml")


def baseline_path(baselines_dir: Path, config_path: str | Path) -> Path:
    return Path(baselines_dir) / f"{Path(config_path).stem}.json"


def dump_baseline(record: dict) -> str:
    """Pretty JSON in the record's own key order; each trade row and each year of returns on one line."""
    lines = ["{"]
    items = list(record.items())
    for i, (key, value) in enumerate(items):
        comma = "," if i < len(items) - 1 else ""
        if key == "trades":
            rows = [f"    {json.dumps(row)}" for row in value]
            body = "[\n" + ",\n".join(rows) + "\n  ]" if rows else "[]"
        elif key == "trade_columns":
            body = json.dumps(value)
        elif key == "returns":
            body = _returns_block(value)
        else:
            body = json.dumps(value, indent=2).replace("\n", "\n  ")
        lines.append(f"  {json.dumps(key)}: {body}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _returns_block(block: dict) -> str:
    head = {k: v for k, v in block.items() if k != "years"}
    parts = [f"    {json.dumps(k)}: {json.dumps(v)}" for k, v in head.items()]
    years = [f"      {json.dumps(y)}: {json.dumps(b)}" for y, b in block["years"].items()]
    parts.append('    "years": {\n' + ",\n".join(years) + "\n    }")
    return "{\n" + ",\n".join(parts) + "\n  }"


def write_baseline(path: Path, record: dict) -> None:
    """Atomic: a baseline is never left half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        write_text_atomic(path, dump_baseline(record))
    except OSError as exc:
        raise ResultsError(f"{path}: cannot write baseline ({exc.strerror})") from None


def read_baseline(path: Path) -> dict:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ResultsError(f"{path}: not a readable baseline (invalid JSON at line {exc.lineno})") from None
    except UnicodeDecodeError as exc:
        raise ResultsError(f"{path}: not a readable baseline (not UTF-8 text at byte {exc.start})") from None
    except OSError as exc:
        raise ResultsError(f"{path}: cannot read baseline ({exc.strerror})") from None
    if not isinstance(record, dict) or "schema" not in record:
        raise ResultsError(f"{path}: not a baseline (no schema key)")
    try:
        _Baseline.model_validate(record)
    except ValidationError as exc:
        err = exc.errors()[0]
        # pydantic names the union member tried (metrics.sharpe.float): the key path is what a reader needs.
        where = ".".join(str(p) for p in err["loc"] if p not in _UNION_MEMBERS)
        where = f"{where}: " if where else ""
        raise ResultsError(f"{path}: not a valid baseline: {where}{err['msg'].removeprefix('Value error, ')}; "
                           "restore it from git or re-create it with `rtybt regress --update`") from None
    return record


# --- the shape of a baseline, checked on read: a hand-edited or damaged file is refused in one line ------------
# A baseline holds no NaN nor infinity (an undefined metric is null): a non-finite value would compare as holding.
_Number = Annotated[float, Field(allow_inf_nan=False)] | int | None
_UNION_MEMBERS = {"float", "int", "none", "str", "_Benchmark", "constrained-float"}


class _Shape(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)


class _Year(_Shape):
    first: str
    last: str
    bars: int
    compound: _Number
    values: str

    @field_validator("values")
    @classmethod
    def _numbers(cls, text: str) -> str:
        for token in text.split():
            try:
                value = float(token)
            except ValueError:
                raise ValueError(f"{token[:20]!r} is not a number") from None
            if not math.isfinite(value):
                raise ValueError(f"{token[:20]!r} is not a finite number")
        return text

    @model_validator(mode="after")
    def _one_value_a_bar(self):
        if len(self.values.split()) != self.bars:
            raise ValueError(f"{len(self.values.split())} values for {self.bars} bars")
        return self


class _Returns(_Shape):
    first: str
    last: str
    bars: int
    years: dict[str, _Year]


class _DataFile(_Shape):
    file: str
    sha256: str


class _Benchmark(_Shape):
    metrics: dict[str, _Number]


class _Baseline(_Shape):
    config: str
    config_hash: str
    resolved_config: dict
    versions: dict
    data: list[_DataFile]
    metrics: dict[str, _Number]
    benchmark: _Benchmark | None
    trade_columns: list[str]
    trades: list[list[Any]]
    returns: _Returns

    @model_validator(mode="after")
    def _rows_fit_columns(self):
        for i, row in enumerate(self.trades):
            if len(row) != len(self.trade_columns):
                raise ValueError(f"trades row {i + 1} has {len(row)} values for {len(self.trade_columns)} columns")
            for column, value in zip(self.trade_columns, row, strict=True):
                if isinstance(value, list | dict) or (isinstance(value, float) and not math.isfinite(value)):
                    raise ValueError(f"trades row {i + 1}: {column}: {json.dumps(value)[:20]} is not a finite "
                                     "number, a text or null")
        return self


# --- tolerances -------------------------------------------------------------------------------
class Tolerance(BaseModel):
    """Values a and b agree when |a - b| <= max(rel * max(|a|, |b|), abs)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    rel: float = Field(1e-9, ge=0, lt=1)
    abs: float = Field(0.0, ge=0)

    def holds(self, a: float, b: float) -> bool:
        return abs(a - b) <= max(self.rel * max(abs(a), abs(b)), self.abs)

    def __str__(self) -> str:
        return f"rel {self.rel:g}" + (f", abs {self.abs:g}" if self.abs else "")


class Tolerances(BaseModel):
    """Default tolerance, per-field overrides, and per-config overrides of those (keyed by config stem)."""

    model_config = ConfigDict(extra="forbid")
    default: Tolerance = Tolerance()
    fields: dict[str, Tolerance] = Field(default_factory=dict)
    configs: dict[str, dict[str, Tolerance]] = Field(default_factory=dict)

    def for_field(self, field: str, config_stem: str = "") -> Tolerance:
        """Most specific first: config+field, config+group, field, group, default."""
        group = field.split(".", 1)[0]
        own = self.configs.get(config_stem, {})
        for table in (own, self.fields):
            if field in table:
                return table[field]
            if group in table:
                return table[group]
        return self.default


def tolerance_fields() -> set[str]:
    """Field names a tolerance may be given for (counts and dates are always exact)."""
    names = {"metrics", "benchmark", "trades", "returns"}
    names |= {f"metrics.{k}" for k in METRIC_KEYS if k not in EXACT_METRICS}
    names |= {f"benchmark.{k}" for k in BENCHMARK_KEYS}
    names |= {f"trades.{c}" for c in TRADE_COLUMNS if c not in EXACT_TRADE_COLUMNS}
    return names


def load_tolerances(path: Path | None) -> Tolerances:
    if path is None or not Path(path).is_file():
        return Tolerances()
    try:
        raw = safe_load_unique(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read tolerances ({exc.__class__.__name__})") from None
    try:
        tolerances = Tolerances.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "(top level)"
        raise ConfigError(f"{path}: {where}: {err['msg']}") from None
    known = tolerance_fields()
    tables = [("fields", tolerances.fields)] + [(f"configs.{k}", v) for k, v in tolerances.configs.items()]
    for where, table in tables:
        for field in table:
            if field not in known:
                exact = field.split(".", 1)[-1] in EXACT_METRICS | EXACT_TRADE_COLUMNS
                why = " (counts and dates are compared exactly)" if exact else did_you_mean(field, known)
                raise ConfigError(f"{path}: {where}.{field}: no tolerance can be set for this field{why}")
    return tolerances
