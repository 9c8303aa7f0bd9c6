"""Report stage: the analogs answer as terminal lines (the state, the analogs, what followed, the method's score)."""

from __future__ import annotations

from rtybt.engine.analysis.analogs.nearest import FEATURES
from rtybt.engine.report.analogs.page import answer_sentence, interval, num, pct, reading, share


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    return ["  " + "  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows]


def render_analogs(result, brief: bool = False) -> list[str]:
    """Every table; `brief` (the CLI's --quiet): only the answer, the method's score and the results folder."""
    a, s, sc = result.answer, result.answer.settings, result.score
    if brief:
        return [answer_sentence(result), sc.sentence] + ([f"results: {result.run_dir}"] if result.run_dir else [])
    lines = [f"{result.symbol} on {a.bar_date}: {len(a.analogs)} analogs in {result.history} "
             f"({a.history_first} to {a.history_last}, {a.candidates:,} past states; k={s.k}, horizon {s.horizon})"]
    if result.snapshot.date_note:
        lines.append(f"note: {result.snapshot.date_note}")
    lines += ["", "  " + "; ".join(f"{label} {reading(name, a.readings[name])}" for name, label, _ in FEATURES),
              "  Final Call: " + ", ".join(f"{c.horizon} {c.bias}" for c in result.snapshot.calls), ""]
    rows = [["#", "date", "dist", "short", "medium", "long", *[f"{h}d" for h in s.horizons], "target first?"]]
    for x in a.analogs:
        rows.append([str(x.rank), str(x.date), f"{x.distance:.2f}", *x.calls, *[pct(x.forward[h]) for h in s.horizons],
                     x.target_outcome.replace("_", " ")])
    lines += _table(rows)
    conf = f"{a.study.confidence:.0%}"
    rows = [["sessions", "analogs mean", f"{conf} CI", "higher", "every day mean", "every day higher"]]
    rows += [[str(hs.horizon), pct(hs.mean), interval(hs.mean_ci, pct), share(hs.hit_rate), pct(hs.baseline_mean),
              share(hs.baseline_hit_rate)] for hs in a.study.horizons]
    lines += ["", *_table(rows), "", answer_sentence(result), ""]
    rows = [["call", "month-ends", "hit rate", "base-rate hit rate", "Brier skill", f"{conf} CI"]]
    rows += [[c.question, str(c.month_ends), share(c.hit_rate), share(c.climatology_hit_rate), num(c.skill),
              interval(c.skill_ci, num)] for c in (sc.direction, sc.target)]
    lines += ["Method score (walk-forward, past data only):", *_table(rows), sc.sentence]
    if result.run_dir:
        lines += ["", f"results: {result.run_dir}"]
    return lines
