"""Plain-text summary of a run for the terminal."""

from __future__ import annotations

ROWS = [
    ("total return", "total_return", "pct"),
    ("CAGR", "cagr", "pct"),
    ("Sharpe", "sharpe", "num"),
    ("Sortino", "sortino", "num"),
    ("max drawdown", "max_drawdown", "pct"),
    ("Calmar", "calmar", "num"),
    ("exposure", "exposure", "pct"),
    ("trades", "trades", "int"),
    ("win rate", "win_rate", "pct"),
    ("profit factor", "profit_factor", "num"),
    ("avg trade", "avg_trade_return", "pct"),
    ("avg bars held", "avg_bars_held", "num1"),
    ("final equity", "final_equity", "usd"),
]


def fmt(value, kind: str) -> str:
    if value is None or value != value:  # None, or NaN: undefined, never "nan"
        return "-"
    if kind == "pct":
        return f"{value:.2%}"
    if kind == "int":
        return f"{int(value)}"
    if kind == "usd":
        return f"${value:,.0f}"
    if kind == "num1":
        return f"{value:.1f}"
    return f"{value:.2f}"


def format_summary(summary: dict) -> list[str]:
    s, b = summary["strategy_metrics"], summary.get("benchmark_metrics")
    params = ", ".join(f"{k}={v}" for k, v in summary["params"].items()) or "no parameters"
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
            line += f"{fmt(b.get(key), kind):>22}"
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


def fmt_column(values: list, kind: str, decimals: int | None = None) -> list[str]:
    """One column of a table, formatted alike: `decimals`, or by default `column_decimals(values, kind)`."""
    if kind in ("int", "usd"):
        return [fmt(v, kind) for v in values]
    decimals = column_decimals(values, kind) if decimals is None else decimals
    return [_fmt_decimals(v, kind, decimals) for v in values]


def column_decimals(values: list, kind: str, max_extra: int = 4) -> int:
    """The kind's usual decimals, more (up to `max_extra`) when two different values would otherwise print
    the same (two Sharpes of 0.51 that are 0.512 and 0.508). Pass several columns' values together to give
    the same quantity one format wherever it is shown."""
    base = {"pct": 2, "signed_pct": 2, "num1": 1}.get(kind, 2)
    # Values equal to 9 significant digits are one value (float noise, e.g. a twin's Sharpe vs Backtrader's).
    distinct = {float(f"{v:.9g}") for v in values if v is not None and v == v}
    for decimals in range(base, base + max_extra + 1):
        if len({_fmt_decimals(v, kind, decimals) for v in distinct}) == len(distinct):
            return decimals
    return base + max_extra


def _fmt_decimals(value, kind: str, decimals: int) -> str:
    if value is None or value != value:
        return "-"
    if kind == "signed_pct":
        return f"{value:+.{decimals}%}"
    return f"{value:.{decimals}%}" if kind == "pct" else f"{value:.{decimals}f}"


def text_table(header: list[str], rows: list[list[str]], left: int = 1, left_also: tuple[int, ...] = ()) -> list[str]:
    """Rows of cells under a header, each column as wide as its widest cell and two spaces apart, so
    headers never run together; the first `left` columns (and those in `left_also`) are left-aligned,
    the rest (numbers) right-aligned."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells):
        parts = [str(c).ljust(w) if i < left or i in left_also else str(c).rjust(w)
                 for i, (c, w) in enumerate(zip(cells, widths, strict=True))]
        return ("  " + "  ".join(parts)).rstrip()

    return [line(header), *(line(r) for r in rows)]
