"""Plain-text summary of a sweep for the terminal."""

from __future__ import annotations

from engine.numbers import fmt


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
    screen = summary.get("screen")
    if screen:
        lines.extend(_screen_lines(screen))
    lines.append(f"results: {summary['run_dir']}")
    return lines


def _screen_lines(screen: dict) -> list[str]:
    """Which numbers were screened by the twins and which Backtrader confirmed (engine/sweep/screen.py, engine/twins/confirm.py)."""
    lines = ["", f"screen: {screen['screened_by_twin']} variants screened by the twins, "
             f"{screen['screened_by_backtrader']} by Backtrader; table and statistics above: {screen['numbers']} numbers"]
    lines += [f"note: {note}" for note in screen["notes"]]
    lines.append(f"  confirmed in Backtrader (top {screen['confirm_top']}):")
    lines.append(f"  {'rank':>4}  {'variant':<40}{'screened Sharpe':>16}{'confirmed':>10}{'trades':>8}  parity")
    for row in screen["confirmed"]:
        lines.append(f"  {row['rank']:>4}  {row['label']:<40}{fmt(row['screened_sharpe'], 'num'):>16}"
                     f"{fmt(row['confirmed_sharpe'], 'num'):>10}{fmt(row['confirmed_trades'], 'int'):>8}  {row['parity']}")
    return lines


def _three(value) -> str:
    return fmt(value, "num3")
