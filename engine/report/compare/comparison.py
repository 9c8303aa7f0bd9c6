"""Report stage: the comparison report (compare and sweep pages): a generated summary, the ranked table with a
buy-and-hold row and links to each run's tearsheet, overfitting in words, the heatmap and the curves."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd

from rtybt.engine.analysis.run.comparison import COLUMNS, Entry
from rtybt.engine.core.csv_text import spreadsheet_safe
from rtybt.engine.report import html as h

CURVES_ALT = "equity and drawdown"
VARIANTS_SHOWN = 200
FOLDED = ("sortino", "calmar")  # ranked-table columns shown in the fold under it
HELD_THROUGHOUT = "held throughout"  # a longer sweep table is cut to its best rows; sweep.csv holds every variant


def _fmt(value, kind: str) -> str:
    if kind == "text":
        return "–" if value is None else str(value)
    if kind == "num":
        kind = "ratio"
    return h.fmt(value, kind)


def curves_figure(entries: list[Entry], benchmark: tuple[str, pd.Series] | None, cash: float = 1.0):
    """Equity (log) and drawdown of every entry, overlaid, with the benchmark dashed in grey."""
    from rtybt.engine.report.run.figures import fit, pyplot

    plt = pyplot()
    fig, (ax, ax_dd) = plt.subplots(2, 1, figsize=(9, 5.6), sharex=True, gridspec_kw={"height_ratios": [3, 2]})
    series = [(e.label, e.returns, None) for e in entries]
    if benchmark is not None:
        series.append((benchmark[0], benchmark[1], "#888888"))
    for label, returns, color in series:
        wealth = cash * (1.0 + returns.fillna(0.0)).cumprod()
        dd = wealth / wealth.cummax() - 1.0
        style = {"color": color, "lw": 1.6, "ls": "--"} if color else {"lw": 1.1}
        ax.plot(wealth.index, wealth.to_numpy(), label=label, **style)
        ax_dd.plot(dd.index, dd.to_numpy() * 100, **style)
    ax.set_yscale("log")
    from rtybt.engine.report.run.figures import growth_ticks

    growth_ticks(ax, np.concatenate([(1.0 + r.fillna(0.0)).cumprod().to_numpy() * cash for _, r, _ in series]))
    ax.set_ylabel("growth of 1 (log)")
    # The legend above the panel, clear of the lines.
    ncol = min(len(series), 4)
    rows = -(-len(series) // ncol)
    ax.set_title("Growth of 1 after costs, and drawdown from the peak", pad=8 + rows * 13)
    ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), fontsize=8.5, ncol=ncol, borderaxespad=0.2)
    ax_dd.set_ylabel("drawdown, %")
    fit(fig, left=0.09, top=0.92 - rows * 0.035, bottom=0.07, hspace=0.08)
    return fig


def curves_png(entries: list[Entry], benchmark: tuple[str, pd.Series] | None, cash: float = 1.0) -> bytes:
    return curves_pngs(entries, benchmark, cash)[0]


def curves_pngs(entries: list[Entry], benchmark: tuple[str, pd.Series] | None, cash: float = 1.0) -> tuple[bytes, bytes]:
    """The curves at the page's width and at a phone's."""
    from rtybt.engine.report.run.figures import to_pngs

    return to_pngs(curves_figure(entries, benchmark, cash))


def _distinct_digits(values: list, kind: str) -> str:
    """The format of the ranking column: enough decimals that different ranks never print the same value."""
    finite = [float(v) for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]
    base = 2
    for digits in range(base, 6):
        scale = 100 if kind == "pct" else 1
        shown = [round(v * scale, digits) for v in finite]
        if len(set(shown)) == len(set(finite)):
            return str(digits)
    return "5"


def _fmt_ranked(value, kind: str, digits: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if kind == "pct":
        return f"{value * 100:.{digits}f}%".replace("-", h.MINUS)
    if kind in ("num", "ratio"):
        return f"{value:,.{int(digits)}f}".replace("-", h.MINUS)
    return _fmt(value, kind)


def summary_sentence(table: pd.DataFrame, metric: str, metric_title: str, bench_label: str | None,
                     bench_metrics: dict | None, kind: str = "ratio", digits: str | None = None,
                     population: pd.DataFrame | None = None) -> str:
    """Who ranks first, by how much, and how many rows beat buy-and-hold on the ranking metric and on CAGR
    (the ranking metric printed with the table's digits); `population` is every variant when the table shows
    only the best ones."""
    every = population if population is not None else table
    digits = digits or _distinct_digits(list(table[metric]), kind)

    def shown(value) -> str:
        return _fmt_ranked(value, kind, digits)

    ranked = table[table["rank"] == 1]
    groups = table["group"].nunique() if "group" in table else 1
    best = ranked.iloc[0]
    parts = [f"Ranked by {metric_title}, {best['label']} comes first"
             + (" in its group" if groups > 1 else f" of {len(every)}")
             + f" ({metric_title} {shown(best.get(metric))}, CAGR {_fmt(best.get('cagr'), 'pct')}, worst drawdown "
               f"{_fmt(best.get('max_drawdown'), 'pct')})."]
    if bench_metrics and groups == 1:
        b_val, b_cagr = bench_metrics.get(metric), bench_metrics.get("cagr")
        if b_val is not None and b_cagr is not None:
            on_metric = int((pd.to_numeric(every[metric], errors="coerce") > b_val).sum())
            on_cagr = int((pd.to_numeric(every["cagr"], errors="coerce") > b_cagr).sum())
            parts.append(f"{bench_label[:1].upper() + bench_label[1:]} had {metric_title} {shown(b_val)} and CAGR "
                         f"{_fmt(b_cagr, 'pct')}: {on_metric} of {len(every)} were above it on {metric_title}, {on_cagr} on CAGR "
                         "(point estimates, not a test: only an interval says whether a gap is more than noise).")
    return " ".join(parts)


def overfitting_words(dsr: dict | None, pbo: dict | None, verdict: dict | None = None) -> str:
    """The sweep's verdict (reality check against buy-and-hold, deflated Sharpe, PBO reconciled in one sentence,
    with the standard's word), then what each number means."""
    parts = []
    if verdict:
        parts.append(f'<p class="says"><span class="status verdict-word">{h.esc(verdict["word"])}</span> '
                     f'{h.esc(verdict["text"])} <a href="#how-we-judge">How we judge</a>.</p>')
    if dsr:
        value = dsr.get("deflated_sharpe")
        trials = dsr.get("trials")
        vs_b = dsr.get("deflated_sharpe_vs_benchmark")
        if value is not None:
            against = (f"; against buy-and-hold's Sharpe it is <b>{vs_b:.3f}</b>: the probability that the best "
                       "variant's true Sharpe beats buy-and-hold's by more than that luck" if vs_b is not None else "")
            parts.append(
                f"<p><b>Deflated Sharpe ratio {value:.3f}</b> against zero skill: the probability that the best "
                f"variant's true Sharpe is above what the best of {trials} zero-skill variants would show by luck, "
                f"allowing for its returns' skew and fat tails{against}.</p>")
    if pbo:
        value = pbo.get("pbo")
        if value is not None:
            parts.append(
                f"<p><b>Probability of backtest overfitting {value:.3f}</b>: the history was cut into "
                f"{pbo.get('blocks')} blocks and split {h.fmt(pbo.get('splits'), 'int')} ways into halves; in that "
                f"share of splits the variant that ranked best on one half ranked in the bottom half on the other "
                f"(0.5 is a coin toss).</p>")
    return "".join(parts)


def table_html(table: pd.DataFrame, extra_columns: list[tuple[str, str, str]] = (), metric: str | None = None,
               links: dict[str, str] | None = None, bench: tuple[str, dict] | None = None,
               params: dict[str, str] | None = None, digits: str | None = None) -> str:
    """The ranked table; `links` maps a label to its tearsheet (relative path); `bench` adds buy-and-hold last."""
    groups = table["group"].nunique() if "group" in table else 1
    redundant = "strategy" in table and (table["strategy"].nunique() == 1 or (table["strategy"] == table["label"]).all())
    columns = [("rank", "rank", "int"), ("label", "variant", "text")]
    if not redundant:
        columns.append(("strategy", "strategy", "text"))
    if groups > 1:
        columns += [("symbol", "symbol", "text"), ("start", "from", "text"), ("end", "to", "text")]
    columns += [*COLUMNS, *extra_columns]
    # The parameters (long prose that makes rows tall) go to a fold under the table, one row per variant.
    fold_params = "params" in table and not (table["params"] == table["label"]).all()
    columns = [c for c in columns if c[0] in table.columns]
    if {"edge_ci_low", "edge_ci_high"} <= {c[0] for c in columns}:  # one interval column, "low to high"
        columns = [c for c in columns if c[0] != "edge_ci_high"]
        columns = [("edge_ci_low", "edge interval", "interval") if c[0] == "edge_ci_low" else c for c in columns]
    # The answer's numbers first: return, risk and the setup's edge (an excess: signed, like its interval) sit
    # on the first screen of a laptop; the other ratios and the parameters follow.
    columns = [(key, title, "spct") if key == "edge" else (key, title, kind) for key, title, kind in columns]
    lead = {"rank", "label", "strategy", "symbol", "start", "end", "cagr", "sharpe", "max_drawdown", "edge", "edge_ci_low"}
    columns = [c for c in columns if c[0] in lead] + [c for c in columns if c[0] not in lead]
    kinds = {key: kind for key, _, kind in columns}
    if digits is None:
        digits = _distinct_digits(list(table[metric]), kinds.get(metric, "num")) if metric in kinds else "2"
    header = [title for _, title, _ in columns]
    rows, classes = [], []
    for row in table.to_dict("records"):
        cells = []
        for key, _, kind in columns:
            value = row.get(key)
            if key == metric:
                cells.append(h.Cell(f"<b>{h.esc(_fmt_ranked(value, kind, digits))}</b>", raw=True))
            elif kind == "interval":
                low, high = row.get("edge_ci_low"), row.get("edge_ci_high")
                cells.append("–" if low is None or high is None else f"{h.fmt(low, 'spct')} to {h.fmt(high, 'spct')}")
            elif key == "label" and links and links.get(value):
                cells.append(h.Cell(f'<a href="{h.esc(links[value])}">{h.esc(value)}</a>', "text wrap", raw=True,
                                    title=row.get("flag") or ""))
            elif key == "label":
                cells.append(h.Cell(value, "text wrap", title=row.get("flag") or ""))
            else:
                cells.append(h.Cell(_fmt(value, kind), "text" if kind == "text" else ""))
        if fold_params:
            cells.append(h.Cell((params or {}).get(row.get("label")) or _fmt(row.get("params"), "text"), "prose"))
        rows.append(cells)
        classes.append("")
    if bench is not None:
        label, metrics = bench
        cells = []
        for key, _, kind in columns:
            if key == "rank":
                cells.append("–")
            elif key == "label":
                cells.append(h.Cell(label, "text"))
            elif key == metric:
                cells.append(_fmt_ranked(metrics.get(key), kind, digits))
            elif key == "trades":
                cells.append(HELD_THROUGHOUT)  # buy-and-hold never trades: it holds
            elif key in metrics:
                cells.append(_fmt(metrics.get(key), kind))
            else:
                cells.append(h.Cell("", "text") if kind in ("text", "prose") else "–")
        if fold_params:
            cells.append(h.Cell("–", "prose"))
        rows.append(cells)
        classes.append("bench")
    if fold_params:
        header.append("parameters")
    # Second-order ratios and the parameters (long prose that makes rows tall) fold under the table, so return,
    # risk, the edge, trades, win rate and profit factor stay in view on a laptop.
    fold = [title for key, title, _ in columns if key in FOLDED] + (["parameters"] if fold_params else [])
    return h.table(header, rows, row_classes=classes, fold=fold, fold_title="More columns")


def variants_table(variants: pd.DataFrame, params: list[str], metric: str, csv_name: str = "sweep.csv",
                   digits: str = "2") -> str:
    """Every variant of the grid (its best `VARIANTS_SHOWN` when there are more), ranked, with the CSV linked."""
    shown = variants.sort_values("rank", kind="stable").head(VARIANTS_SHOWN)
    cols = [("rank", "rank", "int"), *[(p, p, "text") for p in params if p in shown], *COLUMNS]
    cols = [c for c in cols if c[0] in shown.columns]
    rows = []
    for row in shown.to_dict("records"):
        cells = []
        for key, _, kind in cols:
            text = _fmt(row.get(key), kind)
            if key == metric:
                text = _fmt_ranked(row.get(key), kind, digits)
                cells.append(h.Cell(f"<b>{h.esc(text)}</b>", raw=True))
            else:
                cells.append(h.Cell(text, "text" if kind == "text" else ""))
        rows.append(cells)
    more = (f"the best {len(shown)} of {len(variants)} shown; " if len(variants) > len(shown) else "")
    folded = [title for key, title, _ in cols if key in FOLDED]
    return (h.table([title for _, title, _ in cols], rows, fold=folded, fold_title="More columns")
            + f'<p class="note">Every variant of the grid, ranked by {h.esc(metric)} ({more}all of them, with every '
              f'metric, in <a href="{csv_name}">{csv_name}</a>).</p>')


def write_comparison(writer, entries: list[Entry], table: pd.DataFrame, title: str, metric: str,
                     benchmark: tuple[str, pd.Series] | None = None, notes: list[str] = (),
                     sections: dict[str, dict] | None = None, stem: str = "comparison",
                     extra_columns: list[tuple[str, str, str]] = (), benchmark_metrics: dict | None = None,
                     links: dict[str, str] | None = None, heatmap_png: bytes | None = None,
                     variants: pd.DataFrame | None = None, variant_params: list[str] = (),
                     intro: str = "", rank_words: str = "") -> None:
    """comparison.csv, comparison.json and a self-contained comparison.html (charts inlined as PNG)."""
    spreadsheet_safe(table).to_csv(writer.path(f"{stem}.csv"), index=False)
    writer.write_json(f"{stem}.json", {"title": title, "ranked_by": metric, "notes": list(notes),
                                       "rows": json.loads(table.to_json(orient="records")),
                                       **(sections or {})})
    png, png_narrow = curves_pngs(entries, benchmark)
    flags = sorted({f for f in table.get("flag", pd.Series(dtype=str)) if f})
    titles = {key: (title_, kind) for key, title_, kind in [*COLUMNS, *extra_columns]}
    metric_title, metric_kind = titles.get(metric, (metric, "num"))
    bench_label = benchmark[0] if benchmark else None
    parts = [f"<h1>{h.esc(title)}</h1>"]
    ranked_values = list((variants if variants is not None else table)[metric])
    digits = _distinct_digits(ranked_values, metric_kind)
    summary = summary_sentence(table, metric, metric_title, bench_label, benchmark_metrics, metric_kind, digits,
                               variants)
    parts.append(f'<div class="card"><p class="says">{h.esc(summary)}</p>')
    if rank_words:  # whether each rank is ahead of the next beyond noise (engine/analysis/comparison.rank_gaps)
        parts.append(f'<p class="says">{h.esc(rank_words)} <a href="#how-we-judge">How we judge</a>.</p>')
    if sections:
        dsr = sections.get("deflated Sharpe ratio")
        pbo = sections.get("probability of backtest overfitting")
        parts.append(overfitting_words(dsr, pbo, sections.get("verdict")))
    parts.append("</div>")
    if intro:
        parts.append(f'<p class="muted">{h.esc(intro)}</p>')
    if flags:
        parts.append('<p class="muted">Runs on different instruments or periods are not ranked together:</p><ul>')
        parts += [f"<li class='muted'>{h.esc(f)}</li>" for f in flags]
        parts.append("</ul>")
    parts.append(f"<h2>Ranked by {h.esc(metric_title)} (1 = best)</h2>")
    bench_row = (bench_label, benchmark_metrics) if bench_label and benchmark_metrics else None
    from rtybt.engine.report.run.prose import param_value

    params = {e.label: ", ".join(f"{k} {param_value(v)}" for k, v in e.params.items()) for e in entries}
    parts.append(table_html(table, list(extra_columns), metric, links, bench_row, params, digits))
    if links:
        parts.append('<p class="note">Each variant links to its own tearsheet.</p>')
    for note in notes:
        parts.append(f'<p class="note">{h.esc(note)}</p>')
    if heatmap_png is not None:
        parts.append("<h2>Heatmap</h2>")
        parts.append(h.figure(heatmap_png, "heatmap of the ranking metric over two swept parameters"))
    if variants is not None:
        parts.append("<h2>Every variant</h2>")
        parts.append(variants_table(variants, list(variant_params), metric, digits=digits))
    parts.append("<h2>Equity and drawdown</h2>")
    parts.append(h.figure(png, CURVES_ALT, narrow=png_narrow))
    writer.write_text(f"{stem}.html", h.page(title, "\n".join(parts)))
