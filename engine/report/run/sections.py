"""Report stage: the tearsheet's sections as HTML (verdict card, metrics, event study, target-first, returns,
drawdowns, trades), every number through `html.fmt`."""

from __future__ import annotations

import re

import pandas as pd

from rtybt.engine.analysis import standard
from rtybt.engine.analysis.event_study import EventStudy
from rtybt.engine.analysis.run.verdict import Verdict, rules
from rtybt.engine.analysis.standard import NOT_ENOUGH
from rtybt.engine.analysis.target_first import TargetFirst
from rtybt.engine.report import html as h
from rtybt.engine.report.run.inputs import ReportInputs

METRIC_ROWS = [
    ("total return", "total_return", "pct"), ("CAGR", "cagr", "pct"), ("Sharpe", "sharpe", "ratio"),
    ("Sortino", "sortino", "ratio"), ("worst drawdown", "max_drawdown", "pct"), ("Calmar", "calmar", "ratio"),
    ("annual volatility", "annual_volatility", "pct"), ("time in the market", "exposure", "pct"),
    ("trades", "trades", "int"), ("win rate", "win_rate", "pct"), ("profit factor", "profit_factor", "ratio"),
    ("average trade", "avg_trade_return", "spct"), ("average bars held", "avg_bars_held", "ratio"),
    ("final equity", "final_equity", "usd"),
]
TRADE_LIST_COLUMNS = [("direction", "side", "text"), ("entry_date", "entry", "date"), ("entry_price", "entry price", "price"),
                      ("exit_date", "exit", "date"), ("exit_price", "exit price", "price"), ("bars_held", "bars", "int"),
                      ("return_pct", "return", "spct"), ("pnl_net", "P&L after costs", "usd"),
                      ("exit_reason", "exit reason", "text")]

# Second-order columns of the event study: the verdict cites the mean, every-day mean, edge, interval and p-value.
EVENT_FOLD = ("median", "hit rate", "every-day hit rate")


def status_class(status: str) -> str:
    return re.sub(r"[^a-z]+", "-", status)  # 'look-ahead: not judged' -> look-ahead-not-judged


def verdict_card(answer: Verdict, bench_symbol: str | None, horizon: int, confidence: float) -> str:
    tiles = []
    for item in answer.headline:
        css = f" {item.tone}" if item.tone in ("good", "bad") else ""
        bench = f"buy &amp; hold: {h.esc(h.fmt(item.benchmark, item.kind))}" if bench_symbol and item.benchmark is not None \
            else ""
        note = f'<div class="b">{h.esc(item.note)}</div>' if item.note else ""
        tiles.append(f'<div class="tile{css}"><div class="k">{h.esc(item.label)}</div>'
                     f'<div class="v">{h.esc(h.fmt(item.strategy, item.kind))}</div><div class="b">{bench}</div>'
                     f'{note}</div>')
    e = answer.edge
    if e is not None:
        if e.judged:
            css = f" {e.tone}" if e.tone in ("good", "bad") else ""
            sub = f"{confidence:.0%}: {h.fmt(e.ci[0], 'spct')} to {h.fmt(e.ci[1], 'spct')}; {e.word}"
            value = h.fmt(e.excess, "spct")
        else:
            css, value = " neutral", NOT_ENOUGH
            sub = f"{e.episodes} episode{'s' if e.episodes != 1 else ''}, {standard.MIN_EPISODES} needed"
        tiles.append(f'<div class="tile{css}"><div class="k">setup edge, {horizon} sessions</div>'
                     f'<div class="v">{h.esc(value)}</div><div class="b">{h.esc(sub)}</div></div>')
    says = "".join(f'<p class="says">{h.esc(s)}</p>' for s in answer.sentences)
    note = f'<p class="setup-note warn">{h.esc(answer.setup_note[:1].upper() + answer.setup_note[1:])}.</p>' if answer.setup_note else ""
    return (f'<div class="card {status_class(answer.status)}"><span class="status verdict-word">'
            f'{h.esc(answer.status)}</span>{note}'
            f'{says}<div class="tiles">{"".join(tiles)}</div>'
            f'{differences_table(answer)}'
            f'<p class="muted">Large: the strategy; below: buy-and-hold. Green or red only where the difference is '
            f'significant by the standard (<a href="#how-we-judge">how we judge</a>); grey otherwise.</p>'
            f'<details class="muted"><summary>How the status is decided</summary>{h.esc(rules())}</details></div>')


def _diff_value(x, kind: str) -> str:
    return h.fmt(x, "sratio" if kind == "ratio" else "spct")  # a difference: signed, as the verdict writes it


def differences_table(answer: Verdict) -> str:
    """The differences against buy-and-hold with their intervals (whole history and the last decade)."""
    if not answer.differences:
        return ""
    conf = f"{standard.CONFIDENCE:.0%}"
    rows, classes = [], []
    decade = {d.key: d for d in (answer.present.decade_differences if answer.present else [])}
    for d in answer.differences:
        e = d.evidence
        tone = standard.tone(e)
        interval = (f"{_diff_value(e.low, d.kind)} to {_diff_value(e.high, d.kind)}" if e.low is not None
                    else f"{NOT_ENOUGH}")
        dd = decade.get(d.key)
        last = (f"{_diff_value(dd.evidence.estimate, d.kind)} ({_diff_value(dd.evidence.low, d.kind)} to "
                f"{_diff_value(dd.evidence.high, d.kind)})" if dd is not None and dd.evidence.low is not None else "–")
        rows.append([d.label, h.fmt(d.strategy, d.kind), h.fmt(d.benchmark, d.kind),
                     h.Cell(_diff_value(e.estimate, d.kind), tone if tone != "neutral" else ""), interval,
                     f"{e.p_value:.3f}" if e.p_value is not None else "–", h.fmt(e.episodes, "int"), last])
        classes.append("")
    by_key = {d.key: d for d in answer.differences}
    method = "; ".join(dict.fromkeys(
        f"{label}: {by_key[key].method}" for key, label in (("sharpe", "Sharpe, CAGR and the matched return"),
                                                           ("max_drawdown", "worst drawdown")) if key in by_key))
    return ('<div class="differences">'
            + h.table(["against buy-and-hold", "strategy", "buy-and-hold", "difference", f"{conf} interval", "p",
                       "episodes", "last 10 years"], rows, row_classes=classes,
                      # the decade's verdict is a sentence of the card; its numbers fold, so the whole
                      # history's intervals stay in view on a laptop
                      fold=("last 10 years",), fold_title="The same differences, judged on")
            + f'<p class="note">Above zero is in the strategy\'s favour. {h.esc(method)}.</p></div>')


def metrics_table(inputs: ReportInputs, setups: int) -> str:
    b = inputs.benchmark_metrics
    header = ["", "strategy"] + ([f"buy & hold {inputs.benchmark_symbol}"] if b else [])
    rows = [["setup days (entry condition met)", h.fmt(setups, "int")] + (["–"] if b else [])]
    for label, key, kind in METRIC_ROWS:
        # Buy-and-hold buys once and holds: "0 trades" at full exposure would misread it.
        bench = ["held throughout" if key == "trades" else _metric(b, key, kind)] if b else []
        rows.append([label, _metric(inputs.metrics, key, kind)] + bench)
    return h.table(header, rows)


def not_finite_reason(metrics: dict, key: str) -> str | None:
    """Why a ratio has no finite value on these returns, in words (None when it has one or no reason is known)."""
    if metrics.get(key) is not None:
        return None
    if key == "calmar" and metrics.get("max_drawdown") == 0:
        return "n/a: no drawdown (max drawdown is 0)"
    if key == "sortino" and metrics.get("max_drawdown") == 0:
        return "n/a: no losing day"
    if key == "profit_factor" and metrics.get("trades"):
        return "n/a: no losing trade"
    return None


def _metric(metrics: dict, key: str, kind: str) -> str:
    return not_finite_reason(metrics, key) or h.fmt(metrics.get(key), kind)


def risk_table(rows, bench: bool, bench_symbol) -> str:
    header = ["", "strategy"] + ([f"buy & hold {bench_symbol}"] if bench else [])
    out = [[label, h.fmt(s, kind)] + ([h.fmt(b, kind)] if bench else []) for label, s, b, kind in rows]
    return h.table(header, out)


def event_table(study: EventStudy) -> str:
    conf = f"{study.confidence:.0%}"
    header = ["horizon", "setup days", "episodes", "mean", f"{conf} interval", "median", f"hit rate ({conf} interval)",
              "every-day mean", "every-day hit rate", "edge (excess mean)", f"edge {conf} interval", "p-value",
              "beats every day"]
    rows = []
    for s in study.horizons:
        judged = s.p_value is not None
        no = f"– (under {standard.MIN_EPISODES} episodes)"
        rows.append([
            f"{s.horizon} sessions", h.fmt(s.events, "int"), h.fmt(s.clusters, "int"), h.fmt(s.mean, "spct"),
            f"{h.fmt(s.mean_ci[0], 'spct')} to {h.fmt(s.mean_ci[1], 'spct')}" if judged else no,
            h.fmt(s.median, "spct"),
            (f"{h.fmt(s.hit_rate, 'pct')} ({h.fmt(s.hit_rate_ci[0], 'pct')} to {h.fmt(s.hit_rate_ci[1], 'pct')})"
             if judged and s.hit_rate_ci[0] is not None else h.Cell("too few episodes", "text muted")),
            h.fmt(s.baseline_mean, "spct"),
            h.fmt(s.baseline_hit_rate, "pct"), h.fmt(s.excess_mean, "spct"),
            f"{h.fmt(s.excess_ci[0], 'spct')} to {h.fmt(s.excess_ci[1], 'spct')}" if judged else no,
            f"{s.p_value:.3f}" if judged else "–", ("yes" if s.beats_baseline else "no") if judged else "not judged",
        ])
    return h.table(header, rows, fold=EVENT_FOLD, fold_title="More statistics")


def target_table(tf: TargetFirst, evidence: dict | None = None) -> str:
    """Target first, stop first, neither; the target-first share with its episodes and interval (greyed, with
    "too few episodes", below the standard's minimum) and its every-day baseline beside it."""
    s = tf.summary()
    few = evidence is not None and evidence["episodes"] < standard.MIN_EPISODES

    def rate(value):
        if few:
            return h.Cell(f"too few episodes ({evidence['episodes']} of {standard.MIN_EPISODES} needed)", "text muted")
        return h.fmt(value, "pct")

    first = ["target first", h.fmt(s["target_first"], "int"), rate(s["target_first_rate"]),
             h.fmt(s["median_sessions_to_target"], "num1")]
    if evidence is not None:
        ci = evidence["ci"]
        first += [h.fmt(evidence["episodes"], "int"),
                  "–" if ci[0] is None else f"{h.fmt(ci[0], 'pct')} to {h.fmt(ci[1], 'pct')}",
                  h.fmt(evidence["baseline_rate"], "pct")]
    pad = ["–", "–", "–"] if evidence is not None else []
    rows = [
        first,
        ["stop first", h.fmt(s["stop_first"], "int"), rate(s["stop_first_rate"]),
         h.fmt(s["median_sessions_to_stop"], "num1")] + pad,
        ["neither", h.fmt(s["neither"], "int"), rate(s["neither_rate"]), "–"] + pad,
        ["already at or above the target (left out)", h.fmt(s["above_target_at_setup"], "int"), "–", "–"] + pad,
    ]
    header = ["outcome", "setup days", f"share of the {s['judged']} judged", "median sessions"]
    if evidence is not None:
        header += ["episodes", f"{evidence['confidence']:.0%} interval", "every day"]
    note = ""
    if evidence is not None:
        note = (f'<p class="note">Episodes: judged setup days fewer than the verdict horizon apart count as one. '
                f'Every day: the same question asked on {h.esc(evidence["baseline_rule"])} '
                f'({h.fmt(evidence["baseline_judged"], "int")} judged).</p>')
    return h.table(header, rows) + note


def drawdown_table(frame: pd.DataFrame) -> str:
    if frame is None or frame.empty:
        return "<p>Never below a previous peak.</p>"
    rows = [[h.fmt(rank, "int"), h.fmt(r.depth, "pct"), h.fmt(r.peak), h.fmt(r.valley),
             h.fmt(r.recovery) if r.recovery is not None else "not yet", h.fmt(r.peak_to_valley_days, "days"),
             h.fmt(r.valley_to_recovery_days, "days") if r.recovery is not None else "–",
             h.fmt(r.duration_days, "days") + ("" if r.recovery is not None else " so far")]
            for rank, r in zip(frame.index, frame.itertuples(), strict=True)]
    return h.table(["rank", "depth", "peak", "valley", "recovered", "peak to valley", "valley to recovery",
                    "under water"], rows)


def returns_tables(stats: dict, bench_symbol) -> str:
    bench = "benchmark" in stats["trailing"]
    bh = f"buy & hold {bench_symbol}"
    trailing = [[r["period"], h.fmt(r["strategy"], "pct")] + ([h.fmt(r["benchmark"], "pct")] if bench else [])
                for r in stats["trailing"].to_dict("records")]
    decades = [[r["decade"], f"{h.fmt(r['from'])} to {h.fmt(r['to'])}", h.fmt(r["strategy"], "pct"),
                h.fmt(r["strategy_cagr"], "pct")]
               + ([h.fmt(r["benchmark"], "pct"), h.fmt(r["benchmark_cagr"], "pct")] if bench else [])
               for r in stats["decades"].to_dict("records")]
    return (
        "<h3>Trailing returns, a year</h3>"
        + h.table(["period", "strategy"] + ([bh] if bench else []), trailing)
        + '<p class="note">Annualised (compounded) return over the last N calendar years to the last bar; the '
        '1-year value is the plain return.</p>'
        + "<h3>Returns by decade</h3>"
        + h.table(["decade", "bars from / to", "strategy, total", "strategy, a year"]
                  + ([f"{bh}, total", f"{bh}, a year"] if bench else []), decades)
    )


def annual_bars(annual: pd.DataFrame, bench_symbol) -> str:
    """Calendar-year returns as a table of bars (drawn by the browser: sharp at any size, nothing to encode)."""
    bench = "benchmark" in annual
    scale = float(annual.abs().max().max()) if len(annual) else 0.0
    partial = annual.attrs.get("partial", {})
    rows = [[partial.get(year, str(year)), h.bar_cell(r["strategy"], scale)]
            + ([h.bar_cell(r["benchmark"], scale, muted=True)] if bench else [])
            for year, r in zip(annual.index, annual.to_dict("records"), strict=True)]
    table = h.table(["year", "strategy"] + ([f"buy & hold {bench_symbol}"] if bench else []), rows)
    if partial:
        table += '<p class="note">A year marked "part" has bars on only part of it (the data start or end there).</p>'
    return table


def trade_tables(inputs: ReportInputs, stats: dict) -> str:
    from rtybt.engine.report.run import tables

    trades = inputs.trades
    stat_rows = [[label, h.fmt(value, kind)] for label, value, kind in stats["trade_stats"]]
    parts = [h.table(["closed trades", "value"], stat_rows),
             f'<p class="note">One definition throughout: {h.esc(tables.AVERAGE_TRADE)}. Costs over every trade: '
             'commission, and slippage (the fill against the bar\'s open, already in the prices and the P&amp;L).</p>']
    reasons = tables.exit_reasons(trades)
    if reasons:
        parts.append("<h3>Why trades closed</h3>")
        parts.append(h.table(["exit reason", "trades", "share"],
                             [[h.Cell(r, "text"), h.fmt(n, "int"), h.fmt(s, "pct")] for r, n, s in reasons]))
    if len(trades) == 0:
        return "".join(parts) + "<p>No trades.</p>"
    shown, hidden = tables.trade_list(trades)
    rows, classes = [], []
    for number, t in zip(shown.index, shown.to_dict("records"), strict=True):
        cells = [h.fmt(number, "int")]
        for key, _, kind in TRADE_LIST_COLUMNS:
            value = t.get(key)
            if kind == "text":
                cells.append(h.Cell(value if isinstance(value, str) else "–", "text"))
            elif kind == "date":
                cells.append(h.fmt(value) if value is not None and not pd.isna(value) else "open")
            else:
                css = ""
                if kind in ("spct", "usd") and value is not None and not pd.isna(value):
                    css = "good" if value > 0 else "bad" if value < 0 else ""
                cells.append(h.Cell(h.fmt(value, kind), css))
        rows.append(cells)
        classes.append("")
        if hidden and number == shown.index[len(shown) // 2 - 1]:
            rows.append([h.Cell(f"… {hidden} more trades in trades.csv …", "text", colspan=len(TRADE_LIST_COLUMNS) + 1)])
            classes.append("")
    parts.append("<h3>Trade list</h3>")
    parts.append(h.table(["#"] + [title for _, title, _ in TRADE_LIST_COLUMNS], rows, row_classes=classes))
    note = f"All {len(trades)} trades" if not hidden else f"The first and last trades of {len(trades)}; all are"
    parts.append(f'<p class="note">{note} in <code>trades.csv</code> beside this page. Prices are fills (next '
                 'open after the signal); return and P&amp;L are after commission and slippage.</p>')
    return "".join(parts)
