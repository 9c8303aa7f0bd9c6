"""Report stage: `rtybt strategies` as terminal text: each strategy's note and its parameter table."""

from __future__ import annotations


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
