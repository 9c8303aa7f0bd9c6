"""Plain-text summary of a run for the terminal."""

from __future__ import annotations

from rtybt.engine.analysis.metric_keys import SUMMARY, metric_rows
from rtybt.engine.core.numbers import fmt
from rtybt.engine.report.run.prose import param_value

ROWS = metric_rows(*SUMMARY)


def format_summary(summary: dict) -> list[str]:
    s, b = summary["strategy_metrics"], summary.get("benchmark_metrics")
    params = ", ".join(f"{k}={param_value(v)}" for k, v in summary["params"].items()) or "no parameters"
    lines = [
        f"{summary['name']}: {summary['strategy']} ({params}) on {summary['symbol']}, "
        f"{summary['period'][0]} to {summary['period'][1]}",
        f"costs: {summary['costs']}",
        "",
        f"  {'':<15}{'strategy':>14}" + (f"{'buy & hold ' + summary['benchmark']:>22}" if b else ""),
    ]
    for label, key, kind in ROWS:
        line = f"  {label:<15}{fmt(s.get(key), kind):>14}"
        if b:
            # Buy-and-hold buys once and holds: its "0 trades" would read as never in the market.
            shown = "held throughout" if key == "trades" else fmt(b.get(key), kind)
            line += f"{shown:>22}"
        lines.append(line)
    lines.append("")
    if summary["data_rows_dropped"] or summary["data_warnings"]:
        lines.append(
            f"data: {summary['data_rows_dropped']} row(s) dropped, {summary['data_warnings']} warning(s) "
            "(see validation.txt; -v to print)"
        )
    if summary.get("verdict"):
        lines.append(f"verdict: {summary['verdict']}")
    for warning in summary["warnings"]:
        lines.append(f"warning: {warning}")
    lines.append(f"results: {summary['run_dir']}")
    return lines
