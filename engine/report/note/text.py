"""Report stage: the note's claims table as terminal lines."""

from __future__ import annotations

from rtybt.engine.analysis import standard
from rtybt.engine.report.note.numbers import diff_text, interval_text, value_text

METHODS = {"holm": "Holm", "bh": "Benjamini-Hochberg"}


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    return ["  " + "  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows]


def _short(text: str, width: int = 46) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def render_note(result, brief: bool = False) -> list[str]:
    """The claims table; `brief` (the CLI's --quiet): only the table and the results folder."""
    note = result.note
    lines = [f"{note.title}", f"{note.instrument.symbol} on {result.bar_date}, history {result.history_symbol}: "
             f"{len(result.verdicts)} claims tested ({result.setups.get(result.history_symbol, 0)} setup days on "
             f"{result.history_symbol}; the note's regime: {result.regime.describe()})", ""]
    conf = f"{standard.CONFIDENCE:.0%}"
    rows = [["claim", "answer", "after", "baseline", "difference", f"{conf} CI", "episodes", "where else it held"]]
    for v in result.verdicts:
        c = v.claim
        rows.append([f"{c.id}: {_short(c.quote)}", v.word, value_text(c, v.answer.mean),
                     value_text(c, v.answer.baseline), diff_text(c, v.answer.evidence.estimate),
                     interval_text(c, v.answer), str(v.answer.evidence.episodes), ", ".join(v.where_else) or "–"])
    lines += _table(rows)
    if not brief:
        method = METHODS.get(standard.MULTIPLE_TESTING, standard.MULTIPLE_TESTING)
        lines += ["", f"Verdicts by engine/analysis/standard.py: {conf} intervals (cluster bootstrap over separate "
                      f"episodes), at least {standard.MIN_EPISODES} episodes, the {len(result.verdicts)} claims "
                      f"corrected as one family ({method}). Baseline: every day of {result.history_symbol}'s history "
                      "unless the row says otherwise."]
        for name, why in result.missing.items():
            lines.append(f"not found: {name} ({why})")
    if result.run_dir:
        lines += ["", f"results: {result.run_dir}"]
    return lines
