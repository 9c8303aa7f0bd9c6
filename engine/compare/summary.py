"""Plain-text summary of a comparison for the terminal: the ranked table with the benchmark of each group."""

from __future__ import annotations

from rtybt.engine.analysis.run.comparison import EDGE_NOTE
from rtybt.engine.core.numbers import fmt_column, text_table

# (summary key, header, kind): the main metrics of the HTML table; the rest are in comparison.csv.
TERMINAL_COLUMNS = [("cagr", "CAGR", "pct"), ("sharpe", "Sharpe", "num"), ("max_drawdown", "max DD", "pct"),
                    ("trades", "trades", "int"), ("edge", "edge", "signed_pct")]


def format_compare_summary(summary: dict) -> list[str]:
    rows = summary["rows"]
    groups = sorted({row["group"] for row in rows})
    benchmarks = summary.get("benchmarks", [])
    lines: list[str] = []
    for group in groups:
        ranked = [row for row in rows if row["group"] == group]
        bench = [row for row in benchmarks if row["group"] == group]
        if len(groups) > 1:
            lines.append(f"group {group}: {ranked[0]['symbol']} {ranked[0]['start']}..{ranked[0]['end']}")
        lines += _group_table(ranked, bench, summary["metric"])
        lines.append("")
    lines.append(f"ranked by {summary['metric']}; {EDGE_NOTE}")
    if summary.get("rank_sentence"):
        lines.append(summary["rank_sentence"])
    lines.append(f"results: {summary['run_dir']}")
    return lines


def _group_table(ranked: list[dict], bench: list[dict], metric: str) -> list[str]:
    everything = ranked + bench  # one format per column, benchmark included, so equal values print equally
    columns = [[f"{row['rank']}." for row in ranked] + [""] * len(bench),
               [row["label"] for row in everything],
               [row["symbol"] for row in everything]]
    for key, _, kind in TERMINAL_COLUMNS:
        columns.append(fmt_column([row.get(key) for row in everything], kind))
    columns.append(
        [_interval(row.get("edge_ci_low"), row.get("edge_ci_high")) for row in ranked] + ["-"] * len(bench)
    )
    columns.append([_source(row.get("source", "")) for row in ranked] + ["benchmark"] * len(bench))
    header = ["rank", "config", "symbol", *(h for _, h, _ in TERMINAL_COLUMNS), "edge 95% CI", "run"]
    return text_table(header, [list(cells) for cells in zip(*columns, strict=True)], left=3,
                      left_also=(len(header) - 1,))


def _interval(low, high) -> str:
    if low is None or high is None:
        return "-"
    return f"{low:+.2%} to {high:+.2%}"


def _source(source: str) -> str:
    """'reused: results/x/<id>' -> 'reused'; 'run now: ...' -> 'run now' (the directories are in comparison.json)."""
    return source.split(":", 1)[0] if source else "-"
