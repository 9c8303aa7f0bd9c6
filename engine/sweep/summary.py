"""Plain-text summary of a sweep for the terminal."""

from __future__ import annotations

from rtybt.engine.core.numbers import column_decimals, fmt, fmt_column, text_table


def format_sweep_summary(summary: dict) -> list[str]:
    metric = summary["metric"]
    lines = [f"{summary['variants']} variants on {summary['executor']}: {summary['computed']} run, "
             f"{summary['reused']} reused from the store", ""]
    top, screen = summary["top"], summary.get("screen")
    # Sharpe is shown in the table and again in the screen's table: one format for both.
    sharpes = [row["sharpe"] for row in top] + [
        row[key] for row in (screen or {}).get("confirmed", []) for key in ("screened_sharpe", "confirmed_sharpe")]
    sharpe_decimals = column_decimals(sharpes, "num")
    columns = [[str(row["rank"]) for row in top], [row["label"] for row in top],
               fmt_column([row["cagr"] for row in top], "pct"),
               fmt_column([row["sharpe"] for row in top], "num", sharpe_decimals),
               fmt_column([row["max_drawdown"] for row in top], "pct"),
               fmt_column([row["trades"] for row in top], "int")]
    lines += text_table(["rank", "variant", "CAGR", "Sharpe", "max DD", "trades"],
                        [list(cells) for cells in zip(*columns, strict=True)], left=2)
    lines.append("")
    lines.append(f"best by {metric}: {summary['best']['label']}")
    dsr, pbo = summary.get("deflated_sharpe"), summary.get("pbo")
    vs_b = summary.get("deflated_sharpe_vs_benchmark")
    lines.append(f"deflated Sharpe ratio {_three(dsr)} against zero"
                 + (f", {_three(vs_b)} against buy-and-hold" if vs_b is not None else "")
                 + (f"; SPA p {_three(summary.get('spa_p'))}" if summary.get("spa_p") is not None else "")
                 + f"; probability of backtest overfitting {_three(pbo)}")
    if summary.get("verdict_text"):
        lines.append(f"verdict: {summary['verdict_text']}")
    if screen:
        lines.extend(_screen_lines(screen, sharpe_decimals))
    lines.append(f"results: {summary['run_dir']}")
    return lines


def _screen_lines(screen: dict, sharpe_decimals: int) -> list[str]:
    """Which numbers were screened by the twins and which Backtrader confirmed (engine/sweep/screen.py, engine/twins/confirm.py)."""
    lines = ["", f"screen: {screen['screened_by_twin']} variants screened by the twins, "
             f"{screen['screened_by_backtrader']} by Backtrader; table and statistics above: {screen['numbers']} numbers"]
    lines += [f"note: {note}" for note in screen["notes"]]
    lines.append(f"  confirmed in Backtrader (top {screen['confirm_top']}):")
    rows = screen["confirmed"]
    columns = [[str(row["rank"]) for row in rows], [row["label"] for row in rows],
               fmt_column([row["screened_sharpe"] for row in rows], "num", sharpe_decimals),
               fmt_column([row["confirmed_sharpe"] for row in rows], "num", sharpe_decimals),
               fmt_column([row["confirmed_trades"] for row in rows], "int"), [str(row["parity"]) for row in rows]]
    table = text_table(["rank", "variant", "screened Sharpe", "confirmed", "trades", "parity"],
                       [list(cells) for cells in zip(*columns, strict=True)], left=2)
    return lines + ["  " + line for line in table]


def _three(value) -> str:
    return fmt(value, "num3")


def format_walkforward_summary(summary: dict) -> list[str]:
    """One row per out-of-sample window (what was chosen, in- vs out-of-sample Sharpe), then the stitched result."""
    rows = summary["windows_table"]
    columns = [[f"{r['oos_start']}..{r['oos_end']}" for r in rows], [str(r["chosen"]) for r in rows],
               fmt_column([r["is_sharpe"] for r in rows], "num"), fmt_column([r["oos_sharpe"] for r in rows], "num"),
               [r["flag"] or "" for r in rows]]
    lines = text_table(["out of sample", "chosen in sample", "IS Sharpe", "OOS Sharpe", "note"],
                       [list(cells) for cells in zip(*columns, strict=True)], left=2, left_also=(4,))
    lines += [
        f"out-of-sample Sharpe {_two(summary['oos_sharpe'])}, total return {fmt(summary['oos_total_return'], 'pct')} "
        f"(mean IS Sharpe {_two(summary['mean_is_sharpe'])} vs mean OOS {_two(summary['mean_oos_sharpe'])})",
        f"{summary['computed']} backtests run on {summary['executor']}, {summary['reused_from_store']} reused from the store",
        f"results: {summary['run_dir']}",
    ]
    return lines


def _two(value) -> str:
    return fmt(value, "num")
