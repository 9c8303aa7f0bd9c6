"""`rtybt strategies`: what every registered strategy encodes and takes, read from the registry."""

from __future__ import annotations

import inspect

from engine.errors import StrategyError, did_you_mean


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


def strategy_catalog(name: str | None = None) -> list[dict]:
    """Every registered strategy (sorted by name), or only `name`; an unknown name is a StrategyError."""
    from strategies import STRATEGIES

    if name is None:
        return [describe(STRATEGIES[n]) for n in sorted(STRATEGIES)]
    if name not in STRATEGIES:
        known = ", ".join(sorted(STRATEGIES))
        raise StrategyError(f"unknown strategy {name!r}{did_you_mean(name, STRATEGIES)}; known: {known}")
    return [describe(STRATEGIES[name])]


def render_catalog(entries: list[dict], full: bool = False) -> list[str]:
    """Text for the terminal; `full` adds the docstring (entry, exit and fill rules)."""
    lines: list[str] = []
    for entry in entries:
        if lines:
            lines.append("")
        lines.append(entry["name"])
        lines.append(f'  note: "{entry["note"]}"' if entry["note"] else "  note: (none: not a signal of the note)")
        if full and entry["rule"]:
            lines += ["", *("  " + line if line else "" for line in entry["rule"].splitlines()), ""]
        if not entry["params"]:
            lines.append("  parameters: none")
            continue
        rows = [["parameter", "default", "unit", "allowed", "meaning"]]
        for p in entry["params"]:
            rows.append([p["name"], _default_text(p), p["unit"] or "-", p["range"], p["help"]])
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        lines += ["  " + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return lines


def _default_text(p: dict) -> str:
    """The default as YAML spells it; an optional feature that is on by default says it can be turned off."""
    value = p["default"]
    if value is None:
        return "none"
    text = str(value).lower() if isinstance(value, bool) else str(value)
    return f"{text} (or none)" if p["optional"] else text
