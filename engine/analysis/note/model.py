"""Analysis stage: the note file (YAML) as typed, validated models, read with the config's error treatment.

A note file says what a chart note states (its instrument, date, readings, levels, setup) and what it claims,
each claim of a known kind with its parameters and the note's sentence it tests. `rtybt note schema` prints
the JSON Schema of `NoteFile`. Errors name the file, the key path and the bad value, with a "did you mean".
"""

from __future__ import annotations

from datetime import date as Date
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from rtybt.engine.analysis.note.instruments import POOL
from rtybt.engine.core.errors import ConfigError
from rtybt.engine.core.section import Section
from rtybt.engine.core.symbols import symbol_problem

BIASES = ("Bullish", "Cautiously Bullish", "Neutral", "Cautiously Bearish", "Bearish")
TERMS = ("short", "medium", "long")
CLAIM_KINDS = ("forward_return", "target_before_stop", "rejection", "confirmation", "relative", "bias")
CONDITION_KINDS = ("reclaimed_ma", "above_ma", "below_ma", "rsi_above", "rsi_rising", "near_resistance")
CONDITION_NEEDS = {"reclaimed_ma": ("period", "bars", "window", "within_bars"), "above_ma": ("period",), "below_ma": ("period",),
                   "rsi_above": ("period", "level"), "rsi_rising": ("period", "bars"), "near_resistance": ("pct",)}
CLAIM_NEEDS = {"forward_return": ("horizon", "direction"), "target_before_stop": ("target", "stop", "sessions"),
               "rejection": ("band", "sessions"), "confirmation": ("band", "within_bars", "horizon"),
               "relative": ("peer", "horizon"), "bias": ("term", "bias", "horizon")}
CLAIM_FIELDS = ("horizon", "direction", "target", "stop", "sessions", "band", "within_bars", "peer", "term", "bias")


def _symbol(value: str | None) -> str | None:
    if value is not None and symbol_problem(value):
        raise ValueError(symbol_problem(value))
    return value


class Instrument(Section):
    """What the note is about: the traded symbol its prices are quoted in, and the long history that stands for it."""

    name: str | None = Field(None, description="the instrument's name as the note writes it, e.g. S&P 500")
    symbol: str = Field(..., description="traded symbol whose bars the note's prices are read from, e.g. SPY")
    history: str | None = Field(None, description="a longer series standing for the instrument (default: symbol)")

    @field_validator("symbol", "history")
    @classmethod
    def _symbols(cls, value):
        return _symbol(value)

    @property
    def history_symbol(self) -> str:
        return self.history or self.symbol


class MovingAverage(Section):
    period: int = Field(..., ge=2, le=1000, description="sessions of the simple moving average of closes")
    value: float = Field(..., gt=0, description="its value as the note states it")


class Rsi(Section):
    period: int = Field(14, ge=2, le=200, description="Wilder RSI length")
    value: float = Field(..., ge=0, le=100, description="its value as the note states it")


class Readings(Section):
    """The note's stated readings on its date (each compared with the bars' own)."""

    price: float | None = Field(None, gt=0, description="the note's current price")
    moving_averages: list[MovingAverage] = Field(default_factory=list, description="stated simple MAs")
    rsi: Rsi | None = Field(None, description="stated RSI")


class Level(Section):
    """A row of the note's levels table: a price or a band, its type and label."""

    type: Literal["resistance", "support"] = Field(..., description="resistance or support")
    price: float | None = Field(None, gt=0, description="one price (or give `band`)")
    band: tuple[float, float] | None = Field(None, description="[low, high] of a zone (or give `price`)")
    label: str = Field("", description="the note's words for the level")

    @model_validator(mode="after")
    def _price_or_band(self):
        if (self.price is None) == (self.band is None):
            raise ValueError("give exactly one of `price` and `band`")
        if self.band is not None and not 0 < self.band[0] <= self.band[1]:
            raise ValueError(f"band {list(self.band)} must be [low, high] with 0 < low <= high")
        return self

    @property
    def low(self) -> float:
        return self.band[0] if self.band else self.price

    @property
    def high(self) -> float:
        return self.band[1] if self.band else self.price


class Levels(Section):
    """The levels table, with the window of dates in which its absolute prices mean what the note says."""

    valid_from: Date = Field(..., description="first date the absolute levels apply to")
    valid_to: Date = Field(..., description="last date the absolute levels apply to")
    table: list[Level] = Field(default_factory=list, description="the note's Key Levels rows")

    @model_validator(mode="after")
    def _ordered(self):
        if self.valid_to < self.valid_from:
            raise ValueError(f"valid_to {self.valid_to} is before valid_from {self.valid_from}")
        return self


class Condition(Section):
    """One condition of the setup, on bars up to the close.

    reclaimed_ma: the close is above SMA(`period`), at least `bars` of the last `window` closes were, and a close
    at or below it came in the `within_bars` closes before that window (a reclaim, not a long trend); above_ma / below_ma: the close against SMA(`period`); rsi_above: RSI(`period`)
    above `level`; rsi_rising: RSI(`period`) above its value `bars` closes ago; near_resistance: a swing-high
    pivot (known by the close) at most `pct` percent above the close.
    """

    kind: Literal[CONDITION_KINDS] = Field(..., description=", ".join(CONDITION_KINDS))
    period: int | None = Field(None, ge=2, le=1000, description="MA or RSI length")
    bars: int | None = Field(None, ge=1, le=250, description="reclaimed_ma: closes above; rsi_rising: look-back")
    window: int | None = Field(None, ge=1, le=250, description="reclaimed_ma: the last closes counted")
    within_bars: int | None = Field(None, ge=2, le=500, description="reclaimed_ma: the reclaim is this recent")
    level: float | None = Field(None, ge=0, le=100, description="rsi_above: the RSI threshold")
    pct: float | None = Field(None, gt=0, le=50, description="near_resistance: the pivot is this close above")

    @model_validator(mode="after")
    def _fields_of_kind(self):
        needs = CONDITION_NEEDS[self.kind]
        missing = [f for f in needs if getattr(self, f) is None]
        if missing:
            raise ValueError(f"kind '{self.kind}' needs {', '.join(missing)}")
        extra = [f for f in ("period", "bars", "window", "within_bars", "level", "pct") if f not in needs
                 and getattr(self, f) is not None]
        if extra:
            raise ValueError(f"kind '{self.kind}' does not take {', '.join(extra)} (it takes {', '.join(needs)})")
        if self.kind == "reclaimed_ma" and self.bars > self.window:
            raise ValueError(f"bars ({self.bars}) cannot exceed window ({self.window})")
        return self


class Setup(Section):
    quote: str = Field(..., min_length=1, description="the note's sentence describing the setup")
    conditions: list[Condition] = Field(..., min_length=1, description="all must hold on a close")


class LevelRef(Section):
    """A target or stop: a moving average, or an absolute price or band (tested relative to ATR on history)."""

    ma: int | None = Field(None, ge=2, le=1000, description="SMA(ma) of closes")
    price: float | None = Field(None, gt=0, description="an absolute price")
    band: tuple[float, float] | None = Field(None, description="an absolute [low, high] zone")

    @model_validator(mode="after")
    def _one(self):
        if sum(x is not None for x in (self.ma, self.price, self.band)) != 1:
            raise ValueError("give exactly one of `ma`, `price` and `band`")
        if self.band is not None and not 0 < self.band[0] <= self.band[1]:
            raise ValueError(f"band {list(self.band)} must be [low, high] with 0 < low <= high")
        return self

    @property
    def absolute(self) -> bool:
        return self.ma is None

    def edges(self) -> tuple[float, float]:
        return self.band if self.band is not None else (self.price, self.price)


class Claim(Section):
    """One claim of the note, of a known kind, quoting the sentence it tests.

    forward_return: after the setup, the return over `horizon` sessions is above (direction up) or below every
    day's. target_before_stop: after the setup, `target` is reached (a session's high) before `stop` (a close
    below it) within `sessions`, more often than from every day. rejection: price reaching `band` closes back
    below it before closing above it, within `sessions`, more often than from every day. confirmation: a close
    above `band` (its upper edge) within `within_bars` after the setup improves the `horizon`-session return
    over entering at the setup. relative: after the setup the instrument beats `peer` over `horizon` sessions
    by more than on every day. bias: on days the note's Final Call rules give `bias` for `term`, the
    `horizon`-session return is above (bullish), below (bearish) or not different from (neutral) every day's.
    """

    id: str = Field(..., pattern=r"^[a-z0-9][a-z0-9-]{0,40}$", description="short name, e.g. setup-edge")
    kind: Literal[CLAIM_KINDS] = Field(..., description=", ".join(CLAIM_KINDS))
    quote: str = Field(..., min_length=1, description="the note's sentence this claim tests")
    horizon: int | None = Field(None, ge=1, le=500, description="sessions of the forward return")
    direction: Literal["up", "down"] | None = Field(None, description="forward_return: the claimed sign")
    target: LevelRef | None = Field(None, description="target_before_stop: the target")
    stop: LevelRef | None = Field(None, description="target_before_stop: the stop")
    sessions: int | None = Field(None, ge=1, le=500, description="sessions searched after the setup")
    band: tuple[float, float] | None = Field(None, description="rejection / confirmation: the [low, high] zone")
    within_bars: int | None = Field(None, ge=1, le=500, description="confirmation: sessions allowed for the break")
    peer: str | None = Field(None, description="relative: the symbol the instrument is claimed to beat")
    term: Literal[TERMS] | None = Field(None, description="bias: short, medium or long")
    bias: Literal[BIASES] | None = Field(None, description="bias: the Final Call's word")

    @field_validator("peer")
    @classmethod
    def _peer_symbol(cls, value):
        return _symbol(value)

    @model_validator(mode="after")
    def _fields_of_kind(self):
        needs = CLAIM_NEEDS[self.kind]
        missing = [f for f in needs if getattr(self, f) is None]
        if missing:
            raise ValueError(f"kind '{self.kind}' needs {', '.join(missing)}")
        extra = [f for f in CLAIM_FIELDS if f not in needs and getattr(self, f) is not None]
        if extra:
            raise ValueError(f"kind '{self.kind}' does not take {', '.join(extra)} (it takes {', '.join(needs)})")
        if self.band is not None and not 0 < self.band[0] <= self.band[1]:
            raise ValueError(f"band {list(self.band)} must be [low, high] with 0 < low <= high")
        return self

    @property
    def claimed_sign(self) -> int:
        """+1 above the baseline, -1 below it, 0 no difference (a neutral bias)."""
        if self.kind == "forward_return":
            return 1 if self.direction == "up" else -1
        if self.kind == "bias":
            return 1 if "Bullish" in self.bias else -1 if "Bearish" in self.bias else 0
        return 1

    def absolute_prices(self) -> list[float]:
        out = list(self.band or ())
        for ref in (self.target, self.stop):
            if ref is not None and ref.absolute:
                out += list(ref.edges())
        return out


class NoteFile(Section):
    """A chart note: what it states and what it claims."""

    title: str = Field(..., min_length=1, description="the note's title")
    source: str | None = Field(None, description="the note's text file, relative to this file")
    instrument: Instrument
    date: Date = Field(..., description="the date of the note's readings (a close)")
    readings: Readings = Readings()
    levels: Levels | None = Field(None, description="the Key Levels table and its validity window")
    setup: Setup
    markets: list[str] = Field(list(POOL), min_length=1, description="the cross-market pool")
    vix_symbol: str = Field("^VIX", description="labels the note's volatility regime")
    claims: list[Claim] = Field(..., min_length=1, description="the note's claims, each tested")
    supporting: list[str] = Field(default_factory=list, description="run configs of the setup's strategy, relative "
                                  "to this file: the page links their tearsheet (a stored run, or one run now) and "
                                  "their stored study across markets")

    @field_validator("markets")
    @classmethod
    def _market_symbols(cls, value):
        return [_symbol(s) for s in value]

    @field_validator("vix_symbol")
    @classmethod
    def _vix_symbol(cls, value):
        return _symbol(value)

    def supporting_path(self, config: str, note_path) -> Path:
        """A supporting config's path, relative to the note file's folder."""
        path = Path(config).expanduser()
        return path if path.is_absolute() else (Path(note_path).parent / path).resolve()

    @model_validator(mode="after")
    def _unique_ids_and_levels_window(self):
        seen = set()
        for i, claim in enumerate(self.claims):
            if claim.id in seen:
                raise ValueError(f"claims[{i}].id: {claim.id!r} is used twice")
            seen.add(claim.id)
        if any(c.absolute_prices() for c in self.claims) and self.levels is None:
            raise ValueError("claims with absolute prices need `levels` (with valid_from/valid_to)")
        if self.levels is not None and not self.levels.valid_from <= self.date <= self.levels.valid_to:
            raise ValueError(f"date {self.date} is outside levels.valid_from/valid_to "
                             f"({self.levels.valid_from} to {self.levels.valid_to})")
        return self


def note_json_schema() -> dict:
    return NoteFile.model_json_schema()


def validate_note(raw: dict, source: str) -> NoteFile:
    """The config's treatment: unknown keys with a did-you-mean, then pydantic's first error in one line."""
    from rtybt.engine.config import _check_keys, _format_validation_error

    _check_lists(raw, source)
    _check_keys(raw, NoteFile, [], source)
    try:
        return NoteFile.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(_format_validation_error(exc, raw, source)) from None


def _check_lists(raw, source: str) -> None:
    """Unknown keys inside list items (levels.table, setup.conditions, claims), which _check_keys does not enter."""
    from rtybt.engine.config import _check_keys

    if not isinstance(raw, dict):
        return
    lists = [(raw.get("claims"), Claim, ["claims"]),
             ((raw.get("setup") or {}).get("conditions") if isinstance(raw.get("setup"), dict) else None,
              Condition, ["setup", "conditions"]),
             ((raw.get("levels") or {}).get("table") if isinstance(raw.get("levels"), dict) else None,
              Level, ["levels", "table"]),
             ((raw.get("readings") or {}).get("moving_averages") if isinstance(raw.get("readings"), dict) else None,
              MovingAverage, ["readings", "moving_averages"])]
    for items, model, where in lists:
        if isinstance(items, list):
            for i, item in enumerate(items):
                _check_keys(item, model, [*where, str(i)], source)


def load_note(path: str | Path) -> NoteFile:
    """Read and validate a note file; any problem is a one-line ConfigError naming the file and key path."""
    from rtybt.engine.config import read_yaml

    path = Path(path)
    raw = read_yaml(path)
    return validate_note(raw, str(path))
