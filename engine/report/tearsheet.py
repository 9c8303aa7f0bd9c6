"""Report stage: the tearsheet: the answer first (verdict card), then the setup, the note's chart, the metrics,
the event study, target-first, returns, drawdowns and trades.

`build_report` returns every file as bytes (HTML, PNG, JSON, CSV); the caller decides where they are
written (the run's RunWriter, or an atomic re-render of a stored run), so nothing is half-written.
"""

from __future__ import annotations

import json

import pandas as pd

from engine.analysis.bootstrap import MIN_CLUSTERS
from engine.analysis.event_study import EventStudy, event_study
from engine.analysis.metrics import SHARPE_CONVENTION
from engine.analysis.target_first import LevelRule, TargetFirst, target_first
from engine.analysis.verdict import RULES, Verdict, judge, verdict
from engine.report import html as h
from engine.report.inputs import ReportInputs

QUESTION = "This setup looks ready to rally — did it ever actually pay off?"
SECTIONS = ("verdict", "setup", "chart", "metrics", "event-study", "target-first", "returns", "drawdowns", "trades")

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
                      ("return_pct", "return", "spct"), ("pnl_net", "P&L after costs", "usd")]


def _fmt(value, kind: str) -> str:
    return h.fmt(value, kind)


def _rule(cfg) -> LevelRule:
    return LevelRule(cfg.kind, period=cfg.period, pct=cfg.pct, price=cfg.price)


def _json(payload) -> bytes:
    return (json.dumps(payload, indent=2, default=str, allow_nan=False) + "\n").encode()


def _clean_json(value):
    """NaN/inf as null, numpy scalars as Python numbers (report.json is strict JSON)."""
    import math

    if isinstance(value, dict):
        return {str(k): _clean_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean_json(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def analyse(inputs: ReportInputs) -> tuple[EventStudy, TargetFirst, str]:
    cfg = inputs.config.event_study
    study = event_study(inputs.bars["close"], inputs.setups, cfg.horizons, cfg.bootstrap_samples, cfg.seed,
                        cfg.confidence)
    tf = target_first(inputs.bars, inputs.setups, _rule(cfg.target), _rule(cfg.stop), cfg.max_sessions)
    m = inputs.metrics
    sentence = verdict(inputs.config.strategy.name, inputs.config.data.symbol, m["start"], m["end"], m,
                       inputs.benchmark_metrics, inputs.benchmark_symbol, study, cfg.verdict_horizon)
    return study, tf, sentence


def judge_inputs(inputs: ReportInputs, study: EventStudy) -> Verdict:
    m = inputs.metrics
    return judge(inputs.config.strategy.name, inputs.config.data.symbol, m["start"], m["end"], m,
                 inputs.benchmark_metrics, inputs.benchmark_symbol, study, inputs.config.event_study.verdict_horizon)


def build_figures(inputs: ReportInputs, study: EventStudy) -> dict:
    """Every figure of the tearsheet as a matplotlib Figure, by file name (the Python API can show them)."""
    from engine.report import figures, note_chart
    from strategies import get_strategy

    config = inputs.config
    cls = get_strategy(config.strategy.name)
    units = {p.name: p.unit for p in cls.spec}
    params = config.strategy.params
    absolute = note_chart.config_levels(params, units)
    uses_absolute = bool(absolute) and params.get("levels_valid_from") is not None
    bench_label = f"buy & hold {inputs.benchmark_symbol}" if inputs.benchmark_symbol else "buy & hold"
    zoom = getattr(config.report, "zoom", None)
    start, end = note_chart.zoom_window(inputs.bars.index, config.report.zoom_months, zoom)
    title = f"{config.data.symbol}: {config.strategy.name}"
    last_h = study.horizons[-1] if study.horizons else None
    episodes = {s.horizon: s.clusters for s in study.horizons}
    bench = inputs.benchmark_returns
    figs = {
        "chart_zoom.png": note_chart.note_chart_figure(
            inputs.bars, inputs.trades, f"{title}, {start:%Y-%m-%d} to {end:%Y-%m-%d}", start=start, end=end,
            levels=absolute, note_bands=uses_absolute),
        "chart_full.png": note_chart.note_chart_figure(inputs.bars, inputs.trades, f"{title}, whole history",
                                                       levels=absolute if uses_absolute else []),
        "event_path.png": figures.event_path_figure(
            study.path, study.confidence, "setups", last_h.clusters if last_h else 0, MIN_CLUSTERS,
            last_h.events if last_h else 0),
        "event_distribution.png": figures.outcome_distribution_figure(study.outcomes, config.event_study.horizons,
                                                                      episodes),
        "growth.png": figures.growth_figure(inputs.returns, bench, bench_label),
    }
    return figs


def build_report(inputs: ReportInputs) -> dict[str, bytes]:
    """Every file of the report, by name."""
    from engine.report import figures, tables
    from strategies import get_strategy

    config = inputs.config
    study, tf, _ = analyse(inputs)
    answer = judge_inputs(inputs, study)
    files: dict[str, bytes] = {name: figures.to_png(fig) for name, fig in build_figures(inputs, study).items()}
    stats = people_tables(inputs)

    outcomes = study.outcomes.merge(tf.outcomes, on="date", how="left")
    files["event_outcomes.csv"] = outcomes.to_csv(index=False, float_format="%.10g").encode()
    rf, ppy = config.analysis.risk_free_rate, config.analysis.periods_per_year
    convention = SHARPE_CONVENTION.format(ppy=ppy, rf=rf)
    files["event_study.json"] = _json(study.to_dict() | {"target_first": tf.summary()})
    report = {
        "question": QUESTION,
        "verdict": answer.text,
        "verdict_detail": answer.to_dict(),
        "strategy": config.strategy.name,
        "params": config.strategy.params,
        "symbol": config.data.symbol,
        "period": [inputs.metrics["start"], inputs.metrics["end"]],
        "costs": inputs.costs,
        "sharpe_convention": convention,
        "average_trade": tables.AVERAGE_TRADE,
        "setups": study.setups,
        "strategy_metrics": inputs.metrics,
        "benchmark_symbol": inputs.benchmark_symbol,
        "benchmark_metrics": inputs.benchmark_metrics,
        "tables": {name: json.loads(frame.to_json(orient="split", date_format="iso", default_handler=str))
                   for name, frame in stats.items() if isinstance(frame, pd.DataFrame)},
    }
    files["report.json"] = _json(_clean_json(report))

    cls = get_strategy(config.strategy.name)
    files["tearsheet.html"] = render_html(inputs, cls, study, tf, answer, convention, stats, files).encode()
    return files


def people_tables(inputs: ReportInputs) -> dict:
    from engine.report import tables

    r, b = inputs.returns, inputs.benchmark_returns
    held = tables.in_market_days(r.index, inputs.trades)
    monthly, flat = tables.monthly_table(r, held)
    trailing = tables.trailing_returns(r, b)
    # The whole-period row is the headline's CAGR (its own annualisation), so the two tables never disagree.
    trailing.loc[trailing.index[-1], "strategy"] = inputs.metrics.get("cagr")
    if b is not None and inputs.benchmark_metrics:
        trailing.loc[trailing.index[-1], "benchmark"] = inputs.benchmark_metrics.get("cagr")
    return {
        "drawdowns": tables.worst_drawdowns(r), "benchmark_drawdowns": tables.worst_drawdowns(b) if b is not None else None,
        "under_water": tables.time_under_water(r),
        "benchmark_under_water": tables.time_under_water(b) if b is not None else None,
        "trailing": trailing, "decades": tables.decade_returns(r, b),
        "annual": tables.annual_returns(r, b), "monthly_returns": monthly, "months_out": flat,
        "trade_stats": tables.trade_statistics(inputs.trades),
        "risk": tables.risk_statistics(r, b, inputs.config.analysis.periods_per_year),
    }


# ---------------------------------------------------------------------------------------------------------------
def _status_class(status: str) -> str:
    return status.replace(" ", "-")


def verdict_card(answer: Verdict, bench_symbol: str | None, horizon: int, confidence: float) -> str:
    tiles = []
    for item in answer.headline:
        css = {True: " good", False: " bad"}.get(item.better, "")
        bench = f"buy &amp; hold: {h.esc(h.fmt(item.benchmark, item.kind))}" if bench_symbol and item.benchmark is not None \
            else ""
        tiles.append(f'<div class="tile{css}"><div class="k">{h.esc(item.label)}</div>'
                     f'<div class="v">{h.esc(h.fmt(item.strategy, item.kind))}</div><div class="b">{bench}</div></div>')
    e = answer.edge
    if e is not None:
        if e.judged:
            css = " good" if e.beats else " bad" if e.falls_short else ""
            sub = f"{confidence:.0%}: {h.fmt(e.ci[0], 'spct')} to {h.fmt(e.ci[1], 'spct')}"
            value = h.fmt(e.excess, "spct")
        else:
            css, value = "", "not judged"
            sub = f"{e.episodes} episode{'s' if e.episodes != 1 else ''}, {MIN_CLUSTERS} needed"
        tiles.append(f'<div class="tile{css}"><div class="k">setup edge, {horizon} sessions</div>'
                     f'<div class="v">{h.esc(value)}</div><div class="b">{h.esc(sub)}</div></div>')
    says = "".join(f'<p class="says">{h.esc(s)}</p>' for s in answer.sentences)
    return (f'<div class="card {_status_class(answer.status)}"><span class="status">{h.esc(answer.status)}</span>'
            f'{says}<div class="tiles">{"".join(tiles)}</div>'
            f'<p class="muted">Large: the strategy; below: buy-and-hold; green better, red worse than buy-and-hold.</p>'
            f'<details class="muted"><summary>How the status is decided</summary>{h.esc(RULES)}</details></div>')


def _metrics_table(inputs: ReportInputs, setups: int) -> str:
    b = inputs.benchmark_metrics
    header = ["", "strategy"] + ([f"buy & hold {inputs.benchmark_symbol}"] if b else [])
    rows = [["setup days (entry condition met)", h.fmt(setups, "int")] + (["–"] if b else [])]
    for label, key, kind in METRIC_ROWS:
        rows.append([label, h.fmt(inputs.metrics.get(key), kind)] + ([h.fmt(b.get(key), kind)] if b else []))
    return h.table(header, rows)


def _risk_table(rows, bench: bool, bench_symbol) -> str:
    header = ["", "strategy"] + ([f"buy & hold {bench_symbol}"] if bench else [])
    out = [[label, h.fmt(s, kind)] + ([h.fmt(b, kind)] if bench else []) for label, s, b, kind in rows]
    return h.table(header, out)


def _event_table(study: EventStudy) -> str:
    conf = f"{study.confidence:.0%}"
    header = ["horizon", "setup days", "episodes", "mean", f"{conf} interval", "median", "hit rate",
              "every-day mean", "every-day hit rate", "edge (excess mean)", f"edge {conf} interval", "p-value",
              "beats every day"]
    rows = []
    for s in study.horizons:
        judged = s.p_value is not None
        no = f"– (under {MIN_CLUSTERS} episodes)"
        rows.append([
            f"{s.horizon} sessions", h.fmt(s.events, "int"), h.fmt(s.clusters, "int"), h.fmt(s.mean, "spct"),
            f"{h.fmt(s.mean_ci[0], 'spct')} to {h.fmt(s.mean_ci[1], 'spct')}" if judged else no,
            h.fmt(s.median, "spct"), h.fmt(s.hit_rate, "pct"), h.fmt(s.baseline_mean, "spct"),
            h.fmt(s.baseline_hit_rate, "pct"), h.fmt(s.excess_mean, "spct"),
            f"{h.fmt(s.excess_ci[0], 'spct')} to {h.fmt(s.excess_ci[1], 'spct')}" if judged else no,
            f"{s.p_value:.3f}" if judged else "–", ("yes" if s.beats_baseline else "no") if judged else "not judged",
        ])
    return h.table(header, rows)


def _target_table(tf: TargetFirst) -> str:
    s = tf.summary()
    rows = [
        ["target first", h.fmt(s["target_first"], "int"), h.fmt(s["target_first_rate"], "pct"),
         h.fmt(s["median_sessions_to_target"], "num1")],
        ["stop first", h.fmt(s["stop_first"], "int"), h.fmt(s["stop_first_rate"], "pct"),
         h.fmt(s["median_sessions_to_stop"], "num1")],
        ["neither", h.fmt(s["neither"], "int"), h.fmt(s["neither_rate"], "pct"), "–"],
        ["already at or above the target (left out)", h.fmt(s["above_target_at_setup"], "int"), "–", "–"],
    ]
    return h.table(["outcome", "setup days", f"share of the {s['judged']} judged", "median sessions"], rows)


def _drawdown_table(frame: pd.DataFrame) -> str:
    if frame is None or frame.empty:
        return "<p>Never below a previous peak.</p>"
    rows = [[h.fmt(rank, "int"), h.fmt(r.depth, "pct"), h.fmt(r.peak), h.fmt(r.valley),
             h.fmt(r.recovery) if r.recovery is not None else "not yet", h.fmt(r.peak_to_valley_days, "days"),
             h.fmt(r.valley_to_recovery_days, "days") if r.recovery is not None else "–",
             h.fmt(r.duration_days, "days") + ("" if r.recovery is not None else " so far")]
            for rank, r in zip(frame.index, frame.itertuples(), strict=True)]
    return h.table(["rank", "depth", "peak", "valley", "recovered", "peak to valley", "valley to recovery",
                    "under water"], rows)


def _returns_tables(stats: dict, bench_symbol) -> str:
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


def _annual_bars(annual: pd.DataFrame, bench_symbol) -> str:
    """Calendar-year returns as a table of bars (drawn by the browser: sharp at any size, nothing to encode)."""
    bench = "benchmark" in annual
    scale = float(annual.abs().max().max()) if len(annual) else 0.0
    rows = [[str(year), h.bar_cell(r["strategy"], scale)] + ([h.bar_cell(r["benchmark"], scale, muted=True)] if bench else [])
            for year, r in zip(annual.index, annual.to_dict("records"), strict=True)]
    return h.table(["year", "strategy"] + ([f"buy & hold {bench_symbol}"] if bench else []), rows)


def _trade_tables(inputs: ReportInputs, stats: dict) -> str:
    from engine.report import tables

    trades = inputs.trades
    stat_rows = [[label, h.fmt(value, kind)] for label, value, kind in stats["trade_stats"]]
    parts = [h.table(["closed trades", "value"], stat_rows),
             f'<p class="note">One definition throughout: {h.esc(tables.AVERAGE_TRADE)}.</p>']
    if len(trades) == 0:
        return "".join(parts) + "<p>No trades.</p>"
    shown, hidden = tables.trade_list(trades)
    rows, classes = [], []
    for number, t in zip(shown.index, shown.to_dict("records"), strict=True):
        cells = [h.fmt(number, "int")]
        for key, _, kind in TRADE_LIST_COLUMNS:
            value = t.get(key)
            if kind == "text":
                cells.append(h.Cell(value, "text"))
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
            rows.append([h.Cell(f"… {hidden} more trades in trades.csv …", "text")] + [""] * len(TRADE_LIST_COLUMNS))
            classes.append("")
    parts.append("<h3>Trade list</h3>")
    parts.append(h.table(["#"] + [title for _, title, _ in TRADE_LIST_COLUMNS], rows, row_classes=classes))
    note = f"All {len(trades)} trades" if not hidden else f"The first and last trades of {len(trades)}; all are"
    parts.append(f'<p class="note">{note} in <code>trades.csv</code> beside this page. Prices are fills (next '
                 'open after the signal); return and P&amp;L are after commission and slippage.</p>')
    return "".join(parts)


def render_html(inputs: ReportInputs, cls, study: EventStudy, tf: TargetFirst, answer: Verdict, convention: str,
                stats: dict, files: dict) -> str:
    from engine.report import prose

    config = inputs.config
    m = inputs.metrics
    es = config.event_study
    tfs = tf.summary()
    b_sym = inputs.benchmark_symbol
    under = stats["under_water"]
    b_under = stats["benchmark_under_water"]
    under_text = (f"Under water (below a previous peak) {h.fmt(under['share'], 'pct1')} of the days; longest "
                  f"stretch {h.fmt(under['longest_days'], 'days')}")
    if b_under:
        under_text += (f" (buy &amp; hold: {h.fmt(b_under['share'], 'pct1')}, longest "
                       f"{h.fmt(b_under['longest_days'], 'days')})")
    toc = " ".join(f'<a href="#{s}">{s.replace("-", " ")}</a>' for s in SECTIONS[1:])
    parts = [
        f'<h1>{h.esc(config.name)}: did the setup pay off?</h1>',
        f'<p class="question">{h.esc(QUESTION)}</p>',
        f'<section id="verdict"><h2 class="first" hidden>Verdict</h2>'
        f'{verdict_card(answer, b_sym, es.verdict_horizon, study.confidence)}',
        f'<p class="muted" id="period">{h.esc(config.data.symbol)}, {m["start"]} to {m["end"]} '
        f'({h.fmt(m["bars"], "int")} daily bars). Signals on the close, fills at the next bar\'s open.</p>',
        f'<p class="muted" id="costs">Costs: {h.esc(inputs.costs)}.</p>',
        f'<nav class="toc">{toc}</nav></section>',
        '<section id="setup"><h2>The setup</h2>',
        f'<p>The note: <q>{h.esc(cls.note)}</q></p>',
        f'<p>Strategy <code>{h.esc(config.strategy.name)}</code>, as coded (parameter values in place):</p>',
        prose.rules_html(cls, config.strategy.params),
        "<h3>Parameters</h3>",
        prose.params_table(cls, config.strategy.params) if config.strategy.params else "<p>No parameters.</p>",
        "</section>",
        '<section id="chart"><h2>The note\'s chart</h2>',
        h.figure(files["chart_zoom.png"], "candles, moving averages, zones as they stood, levels, trades: zoom",
                 "Zoom: daily candles; support (green) and resistance (red) zones as the detector saw them each week, "
                 "with no later bar; dashed purple lines are the config's absolute levels."),
        h.figure(files["chart_full.png"], "close, moving averages, RSI and time in the market: whole history",
                 "Whole history on a log scale; shaded: time in the market; RSI as its monthly range (the zones, "
                 "which move with price, are drawn on the zoom)."),
        "</section>",
        '<section id="metrics"><h2>Key metrics: strategy vs buy-and-hold</h2>', _metrics_table(inputs, study.setups),
        f'<p class="note">Both after the same costs. Sharpe and Sortino: {h.esc(convention)}; Sortino uses the root '
        f'mean square of negative excess returns. Average trade: {h.esc(_avg_trade_words())}.</p>',
        "<h3>Other risk statistics</h3>",
        _risk_table(stats["risk"], b_sym is not None, b_sym),
        "</section>",
        '<section id="event-study"><h2>Event study of the setup</h2>',
        f'<p>Return from the close of each of the {h.fmt(study.setups, "int")} setup days (every close where the '
        'entry condition held, in or out of a position) to the close h sessions later, against the same statistic '
        'over every day of the period. Setup days whose windows overlap form one <em>episode</em>; intervals and '
        f'p-values need at least {MIN_CLUSTERS} episodes.</p>',
        _event_table(study),
        f'<p class="note">Uncertainty: {h.esc(study.method)}.</p>',
        h.figure(files["event_path.png"], "mean forward path after the setup against every day"),
        h.figure(files["event_distribution.png"], "distribution of forward returns after the setup days"),
        "</section>",
        '<section id="target-first"><h2>Target before stop?</h2>',
        f'<p>{h.esc(tfs["target_rule"])}; {h.esc(tfs["stop_rule"])}; searched for {tfs["max_sessions"]} sessions '
        f'after each setup day; {h.esc(tfs["tie_rule"])}.</p>',
        _target_table(tf), "</section>",
        '<section id="returns"><h2>Returns</h2>',
        h.figure(files["growth.png"], "growth of 1, drawdown and rolling 1-year Sharpe, strategy vs buy-and-hold",
                 "Rolling Sharpe: the Sharpe of the trailing 252 sessions (risk-free rate 0), annualised."),
        _returns_tables(stats, b_sym),
        "<h3>Calendar-year returns</h3>", _annual_bars(stats["annual"], b_sym),
        "<h3>Monthly returns</h3>",
        h.heat_table(stats["monthly_returns"], out_of_market=stats["months_out"]),
        '<p class="note">Compounded daily returns per month and per year (total). <em>out</em>: no position '
        'at any time that month (the strategy sat in cash).</p>',
        "</section>",
        '<section id="drawdowns"><h2>Drawdowns</h2>',
        f"<p>{under_text}.</p>",
        "<h3>The five worst, strategy</h3>", _drawdown_table(stats["drawdowns"]),
    ]
    if stats["benchmark_drawdowns"] is not None:
        parts += [f"<h3>The five worst, buy &amp; hold {h.esc(b_sym)}</h3>", _drawdown_table(stats["benchmark_drawdowns"])]
    parts += [
        '<p class="note">Depth from the peak to the lowest close; durations in calendar days.</p>',
        "</section>",
        '<section id="trades"><h2>Trades</h2>', _trade_tables(inputs, stats), "</section>",
    ]
    return h.page(f"{config.name}: tearsheet", "\n".join(parts))


def _avg_trade_words() -> str:
    from engine.report.tables import AVERAGE_TRADE

    return AVERAGE_TRADE.removeprefix("average trade = ")
