"""Commands stage: `rtybt strategies`: what every registered strategy encodes and takes, read from the registry."""

from __future__ import annotations

import inspect
from dataclasses import dataclass

from rtybt.engine.core.errors import StrategyError, did_you_mean


def _range(param) -> str:
    if param.choices is not None:
        return " | ".join(str(c) for c in param.choices)
    if param.kind is bool:
        return "true | false"
    lo = "-inf" if param.min is None else f"{param.min:g}"
    hi = "inf" if param.max is None else f"{param.max:g}"
    if param.min is None and param.max is None:
        return "any"
    return f"{lo} .. {hi}"


def describe(cls) -> dict:
    """A strategy as data: name, the note's sentence, the rule (docstring) and each parameter."""
    params = [
        {
            "name": p.name, "default": p.default, "unit": p.unit, "help": p.help, "min": p.min, "max": p.max,
            "choices": list(p.choices) if p.choices is not None else None, "optional": p.optional,
            "range": _range(p),
        }
        for p in cls.spec
    ]
    return {"name": cls.name, "note": cls.note, "rule": inspect.cleandoc(cls.__doc__ or ""), "params": params}


@dataclass
class StrategyCatalog:
    """`describe` of every registered strategy, or of the one asked for by name (shown in full, rules too)."""

    entries: list[dict]
    one: bool = False

    def to_json(self) -> list[dict] | dict:
        return self.entries[0] if self.one else self.entries


def strategy_catalog(name: str | None = None) -> StrategyCatalog:
    """Every registered strategy (sorted by name), or only `name`; an unknown name is a StrategyError."""
    from rtybt.strategies import STRATEGIES

    if name is None:
        return StrategyCatalog([describe(STRATEGIES[n]) for n in sorted(STRATEGIES)])
    if name not in STRATEGIES:
        known = ", ".join(sorted(STRATEGIES))
        raise StrategyError(f"unknown strategy {name!r}{did_you_mean(name, STRATEGIES)}; known: {known}")
    return StrategyCatalog([describe(STRATEGIES[name])], one=True)
