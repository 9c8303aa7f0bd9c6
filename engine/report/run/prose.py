"""Report stage: a strategy's docstring as rendered prose (paragraphs, lists, parameter values in place) and its
parameters formatted for people."""

from __future__ import annotations

import inspect
import re

from rtybt.engine.report import html as h


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def param_value(value, unit: str = "") -> str:
    """A parameter's value as a person reads it: on/off, 2,050, 0.5%, 2021-01-01, 'none'."""
    if value is None:
        return "off"
    if isinstance(value, bool):
        return "on" if value else "off"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, int | float):
        x = float(value)
        text = f"{x:,.0f}" if x.is_integer() and abs(x) >= 1000 else (f"{int(x)}" if x.is_integer() else f"{x:g}")
        if unit == "%":
            return f"{text}%"
        if unit in ("bars", "sessions"):
            return f"{text} bar{'s' if x != 1 else ''}" if unit == "bars" else f"{text} {unit}"
        return text
    return str(value)


def _sub(text: str, params: dict) -> str:
    """Escape `text`, then put each `param` in code, followed by its value where it reads naturally."""
    out = h.esc(text)

    def nth(m):
        name = m.group(1)
        v = params.get(name)
        return ordinal(int(v)) if isinstance(v, int | float) and not isinstance(v, bool) else f"<code>{name}</code>-th"

    out = re.sub(r"`([A-Za-z_][A-Za-z0-9_]*)`-th", nth, out)

    def code(m):
        name = m.group(1)
        if name in params and params[name] is not None and not isinstance(params[name], bool | str):
            return f'<span title="{name}">{h.esc(param_value(params[name]))}</span>'
        return f"<code>{name}</code>"

    return re.sub(r"`([^`]+)`", code, out)


def rules_html(cls, params: dict) -> str:
    """The docstring's rule paragraphs (not its summary line nor the quoted note) as HTML."""
    doc = inspect.getdoc(cls) or ""
    blocks = [b for b in re.split(r"\n\s*\n", doc) if b.strip()]
    body = blocks[1:] if len(blocks) > 1 else blocks
    parts = []
    for block in body:
        if block.lstrip().startswith("Note:"):
            continue  # the note is quoted once, above
        lines = block.splitlines()
        para, items = [], []
        for line in lines:
            stripped = line.strip()
            if stripped.startswith("- "):
                items.append(stripped[2:])
            elif items:
                items[-1] += " " + stripped
            else:
                para.append(stripped)
        if para:
            parts.append(f"<p>{_sub(' '.join(para), params)}</p>")
        if items:
            parts.append('<ul class="rules">' + "".join(f"<li>{_sub(i, params)}</li>" for i in items) + "</ul>")
    return "\n".join(parts)


def params_table(cls, params: dict) -> str:
    spec = {p.name: p for p in cls.spec}
    rows = []
    for name, value in params.items():
        p = spec.get(name)
        unit = p.unit if p else ""
        rows.append([h.Cell(name, "text"), param_value(value, unit),
                     h.Cell(p.help if p else "", "prose")])
    return h.table(["parameter", "value", "meaning"], rows)
