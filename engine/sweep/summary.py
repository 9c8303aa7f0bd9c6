"""Plain-text summary of a sweep for the terminal."""

from __future__ import annotations

from engine.summary import fmt


def format_sweep_summary(summary: dict) -> list[str]:
    metric = summary["metric"]
    lines = [f"{summary['variants']} variants on {summary['executor']}: {summary['computed']} run, "
             f"{summary['reused']} reused from the store", "",
             f"  {'rank':>4}  {'variant':<40}{'CAGR':>9}{'Sharpe':>8}{'max DD':>9}{'trades':>7}"]
    for row in summary["top"]:
        lines.append(f"  {row['rank']:>4}  {row['label']:<40}{fmt(row['cagr'], 'pct'):>9}"
                     f"{fmt(row['sharpe'], 'num'):>8}{fmt(row['max_drawdown'], 'pct'):>9}{fmt(row['trades'], 'int'):>7}")
    lines.append("")
    lines.append(f"best by {metric}: {summary['best']['label']}")
    dsr, pbo = summary.get("deflated_sharpe"), summary.get("pbo")
    lines.append(f"deflated Sharpe ratio {_three(dsr)}; probability of backtest overfitting {_three(pbo)}")
    lines.append(f"results: {summary['run_dir']}")
    return lines


def _three(value) -> str:
    return "-" if value is None else f"{value:.3f}"
