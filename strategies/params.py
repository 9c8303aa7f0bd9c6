"""Strategy parameter declarations: one spec per parameter, shared by Backtrader and the config checks."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class Param:
    """A strategy parameter as users see it in YAML: default, unit, meaning and allowed range."""

    name: str
    default: Any
    unit: str
    help: str
    min: float | None = None
    max: float | None = None
    choices: tuple[Any, ...] | None = None
    # None is allowed as a value when the parameter is an optional feature (a stop, a filter).
    optional: bool = False
    # The value's type when the default cannot tell it (an optional date or level whose default is None).
    value_type: type | None = None

    @property
    def kind(self) -> type:
        if self.value_type is not None:
            return self.value_type
        if self.choices is not None:
            return type(self.choices[0])
        if isinstance(self.default, bool):
            return bool
        if isinstance(self.default, int):
            return int
        if isinstance(self.default, float):
            return float
        if self.default is None:
            return float
        return type(self.default)

    def check(self, value: Any) -> Any:
        """Return the value converted to the parameter's type, or raise ValueError saying why."""
        if value is None:
            if self.optional:
                return None
            raise ValueError("must not be empty")
        kind = self.kind
        if kind is bool:
            if not isinstance(value, bool):
                raise ValueError(f"must be true or false (got {value!r})")
        elif kind is int:
            if isinstance(value, bool) or not isinstance(value, int):
                if isinstance(value, float) and value.is_integer():
                    value = int(value)
                else:
                    raise ValueError(f"must be a whole number (got {value!r})")
        elif kind is float:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"must be a number (got {value!r})")
            value = float(value)
            if not math.isfinite(value):  # YAML's .nan / .inf: every comparison with them is False
                raise ValueError(f"must be a finite number (got {value!r})")
        elif kind is str and not isinstance(value, str):
            raise ValueError(f"must be text (got {value!r})")
        elif kind is date:
            value = _as_date(value)
        if self.choices is not None and value not in self.choices:
            allowed = ", ".join(repr(c) for c in self.choices)
            raise ValueError(f"must be one of {allowed} (got {value!r})")
        if self.min is not None and value < self.min:
            raise ValueError(f"must be >= {self.min:g} {self.unit} (got {value!r})".replace("  ", " "))
        if self.max is not None and value > self.max:
            raise ValueError(f"must be <= {self.max:g} {self.unit} (got {value!r})".replace("  ", " "))
        return value


def bt_params(spec: tuple[Param, ...]) -> tuple[tuple[str, Any], ...]:
    """The Backtrader `params` tuple for a spec."""
    return tuple((p.name, p.default) for p in spec)


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"must be a date YYYY-MM-DD (got {value!r})")


def require_shorter(params: dict, short: str, long: str) -> None:
    """Cross-parameter rule of two-speed signals (fast vs slow MA): the short look-back must be shorter."""
    if params[short] >= params[long]:
        raise ValueError(f"{short} ({params[short]}) must be shorter than {long} ({params[long]})")
