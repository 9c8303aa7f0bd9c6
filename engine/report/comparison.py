"""Report stage: the comparison report — ranked table, overlaid equity and drawdown curves — as HTML, JSON and CSV."""

from __future__ import annotations

import base64
import html
import io
import json
import math

import pandas as pd

from engine.analysis.comparison import COLUMNS, Entry


def _fmt(value, kind: str) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    if kind == "pct":
        return f"{value:.2%}"
    if kind == "int":
        return f"{int(value)}"
    if kind == "num":
        return f"{value:.2f}"
    return html.escape(str(value))


def curves_png(entries: list[Entry], benchmark: tuple[str, pd.Series] | None, cash: float = 1.0) -> bytes:
    """Equity (log) and drawdown of every entry, overlaid, with the benchmark in grey."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax, ax_dd) = plt.subplots(2, 1, figsize=(11, 7), sharex=True, gridspec_kw={"height_ratios": [3, 2]})
    try:
        series = [(e.label, e.returns, None) for e in entries]
        if benchmark is not None:
            series.append((benchmark[0], benchmark[1], "#888888"))
        for label, returns, color in series:
            wealth = cash * (1.0 + returns.fillna(0.0)).cumprod()
            dd = wealth / wealth.cummax() - 1.0
            style = {"color": color, "lw": 1.6, "ls": "--"} if color else {"lw": 1.0}
            ax.plot(wealth.index, wealth.to_numpy(), label=label, **style)
            ax_dd.plot(dd.index, dd.to_numpy() * 100, **style)
        ax.set_yscale("log")
        ax.set_ylabel("growth of 1 (log)")
        ax.legend(loc="upper left", fontsize=7)
        ax.grid(alpha=0.3)
        ax_dd.set_ylabel("drawdown, %")
        ax_dd.grid(alpha=0.3)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=90, metadata={"Software": None})
        return buf.getvalue()
    finally:
        plt.close(fig)


def table_html(table: pd.DataFrame, extra_columns: list[tuple[str, str, str]] = ()) -> str:
    columns = [("rank", "rank", "int"), ("label", "variant", "text"), ("strategy", "strategy", "text"),
               ("params", "params", "text"), ("symbol", "symbol", "text"), ("start", "from", "text"),
               ("end", "to", "text"), *COLUMNS, *extra_columns]
    columns = [c for c in columns if c[0] in table.columns]
    head = "".join(f"<th>{html.escape(title)}</th>" for _, title, _ in columns)
    body = []
    for row in table.to_dict("records"):
        cells = "".join(f"<td>{_fmt(row.get(key), kind)}</td>" for key, _, kind in columns)
        flag = row.get("flag") or ""
        body.append(f"<tr title='{html.escape(flag)}'>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def write_comparison(writer, entries: list[Entry], table: pd.DataFrame, title: str, metric: str,
                     benchmark: tuple[str, pd.Series] | None = None, notes: list[str] = (),
                     sections: dict[str, dict] | None = None, stem: str = "comparison",
                     extra_columns: list[tuple[str, str, str]] = ()) -> None:
    """comparison.csv, comparison.json and a self-contained comparison.html (charts inlined as PNG)."""
    table.to_csv(writer.path(f"{stem}.csv"), index=False)
    writer.write_json(f"{stem}.json", {"title": title, "ranked_by": metric, "notes": list(notes),
                                       "rows": json.loads(table.to_json(orient="records")),
                                       **(sections or {})})
    png = base64.b64encode(curves_png(entries, benchmark)).decode("ascii")
    flags = sorted({f for f in table.get("flag", pd.Series(dtype=str)) if f})
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>{html.escape(title)}</title><style>body{{font-family:sans-serif;margin:2em}}"
        "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 7px;"
        "text-align:right}th{background:#eee}.warn{color:#a33}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f"<p>Ranked by {html.escape(metric)} (1 = best).</p>",
    ]
    if flags:
        parts.append("<p class='warn'>Runs on different instruments or periods are not ranked together:</p><ul>")
        parts += [f"<li class='warn'>{html.escape(f)}</li>" for f in flags]
        parts.append("</ul>")
    parts.append(table_html(table, list(extra_columns)))
    for note in notes:
        parts.append(f"<p>{html.escape(note)}</p>")
    for name, payload in (sections or {}).items():
        rows = "".join(f"<tr><th>{html.escape(str(k))}</th><td>{_fmt(v, 'num' if isinstance(v, float) else 'text')}</td></tr>"
                       for k, v in payload.items() if not isinstance(v, list | dict))
        parts.append(f"<h2>{html.escape(name)}</h2><table>{rows}</table>")
    parts.append(f"<h2>Equity and drawdown</h2><img alt='equity and drawdown' src='data:image/png;base64,{png}'>")
    parts.append("</body></html>")
    writer.write_text(f"{stem}.html", "\n".join(parts) + "\n")
