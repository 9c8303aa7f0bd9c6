"""Report stage: the tearsheet: the answer first (verdict card), then the setup, the note's chart, the metrics,
the event study, target-first, returns, drawdowns and trades.

`build_report` returns every file as bytes (HTML, PNG, JSON, CSV); the caller decides where they are
written (the run's RunWriter, or an atomic re-render of a stored run), so nothing is half-written.
"""

from __future__ import annotations

import json

import pandas as pd

from rtybt.engine.analysis import standard
from rtybt.engine.analysis.event_study import EventStudy
from rtybt.engine.analysis.metrics import SHARPE_CONVENTION
from rtybt.engine.analysis.run.run_analysis import RunAnalysis, analyse_run
from rtybt.engine.analysis.run.verdict import Verdict
from rtybt.engine.analysis.target_first import TargetFirst
from rtybt.engine.report import html as h
from rtybt.engine.report.run import sections as sec
from rtybt.engine.report.run.inputs import ReportInputs

QUESTION = "This setup looks ready to rally — did it ever actually pay off?"
SECTIONS = ("verdict", "setup", "chart", "metrics", "event-study", "target-first", "returns", "drawdowns", "trades")

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


def analyse(inputs: ReportInputs) -> RunAnalysis:
    """The analysis of a stored run being rendered again (a fresh run hands the report its own)."""
    return analyse_run(inputs.config, inputs.bars, inputs.setups, inputs.metrics, inputs.benchmark_metrics,
                       inputs.benchmark_symbol, inputs.returns, inputs.benchmark_returns, inputs.lookahead)


def build_figures(inputs: ReportInputs, study: EventStudy) -> dict:
    """Every figure of the tearsheet as a matplotlib Figure, by file name (the Python API can show them)."""
    from rtybt.engine.report.note import note_chart
    from rtybt.engine.report.run import figures

    config = inputs.config
    bench_label = f"buy & hold {inputs.benchmark_symbol}" if inputs.benchmark_symbol else "buy & hold"
    last_h = study.horizons[-1] if study.horizons else None
    episodes = {s.horizon: s.clusters for s in study.horizons}
    bench = inputs.benchmark_returns
    figs = {
        "chart_zoom.png": note_chart.config_chart(inputs.bars, inputs.trades, config, zoom=True),
        "chart_full.png": note_chart.config_chart(inputs.bars, inputs.trades, config, zoom=False),
        "event_path.png": figures.event_path_figure(
            study.path, study.confidence, "setups", last_h.clusters if last_h else 0, standard.MIN_EPISODES,
            last_h.events if last_h else 0),
        "event_distribution.png": figures.outcome_distribution_figure(study.outcomes, config.event_study.horizons,
                                                                      episodes),
        "growth.png": figures.growth_figure(inputs.returns, bench, bench_label, inputs.metrics.get("exposure")),
    }
    return figs


def build_report(inputs: ReportInputs, analysis: RunAnalysis | None = None) -> dict[str, bytes]:
    """Every file of the report, by name, from the run's inputs and its analysis (worked out here only when the
    caller has none: a stored run rendered again)."""
    from rtybt.engine.config import strategy_of
    from rtybt.engine.report.run import figures, tables

    config = inputs.config
    analysis = analyse(inputs) if analysis is None else analysis
    study, tf, answer = analysis.study, analysis.target_first, analysis.verdict
    files: dict[str, bytes] = {}
    narrow: dict[str, bytes] = {}  # each chart drawn again for a phone's width: inlined in the page, not written
    for name, fig in build_figures(inputs, study).items():
        # The zoom's phone rendering is not drawn: there the interactive chart stands in for it.
        if name == "chart_zoom.png":
            files[name] = figures.to_png(fig)
        else:
            files[name], narrow[name] = figures.to_pngs(fig)
    stats = people_tables(inputs)

    outcomes = study.outcomes.merge(tf.outcomes, on="date", how="left")
    files["event_outcomes.csv"] = outcomes.to_csv(index=False, float_format="%.10g").encode()
    rf, ppy = config.analysis.risk_free_rate, config.analysis.periods_per_year
    convention = SHARPE_CONVENTION.format(ppy=ppy, rf=rf)
    files["event_study.json"] = _json(_clean_json(study.to_dict() | {"target_first": tf.summary(),
                                                                     "target_first_evidence": analysis.target_evidence}))
    report = {
        "question": QUESTION,
        "verdict": answer.text,
        "verdict_detail": answer.to_dict(),
        "strategy": config.strategy.name,
        "params": config.strategy.params,
        "symbol": config.data.symbol,
        "period": [inputs.metrics["start"], inputs.metrics["end"]],
        "costs": inputs.costs,
        "contract": inputs.contract,
        "warnings": inputs.warnings,
        "sharpe_convention": convention,
        "average_trade": tables.AVERAGE_TRADE,
        "setups": study.setups,
        "strategy_metrics": inputs.metrics,
        "benchmark_symbol": inputs.benchmark_symbol,
        "benchmark_metrics": inputs.benchmark_metrics,
        "tables": {name: json.loads(frame.to_json(orient="split", date_format="iso", default_handler=str))
                   for name, frame in stats.items() if isinstance(frame, pd.DataFrame)},
        # The risk rows as shown (a statistic with no finite value is "n/a: <why>", never a bare NaN).
        "risk": {name: {"strategy": s, "benchmark": b} for name, s, b, _ in stats["risk"]},
    }
    files["report.json"] = _json(_clean_json(report))

    cls = strategy_of(config.strategy)
    from rtybt.engine.report.note.note_chart import live_chart_data

    live = live_chart_data(inputs.bars, inputs.trades, config)
    files["tearsheet.html"] = render_html(inputs, cls, study, tf, answer, convention, stats, files, narrow,
                                          live, analysis.target_evidence).encode()
    return files


def people_tables(inputs: ReportInputs) -> dict:
    from rtybt.engine.report.run import tables

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
        "trailing": trailing, "decades": tables.decade_returns(r, b, inputs.config.analysis.periods_per_year),
        "annual": tables.annual_returns(r, b), "monthly_returns": monthly, "months_out": flat,
        "trade_stats": tables.trade_statistics(inputs.trades),
        "risk": tables.risk_statistics(r, b, inputs.config.analysis.periods_per_year),
    }


# ---------------------------------------------------------------------------------------------------------------
def render_html(inputs: ReportInputs, cls, study: EventStudy, tf: TargetFirst, answer: Verdict, convention: str,
                stats: dict, files: dict, narrow: dict | None = None, live: dict | None = None,
                target_evidence: dict | None = None) -> str:
    from rtybt.engine.report.run import prose

    config = inputs.config
    m = inputs.metrics
    es = config.event_study
    narrow = narrow or {}

    def figure(name: str, alt: str, caption: str = "", css: str = "") -> str:
        out = h.figure(files[name], alt, caption, narrow=narrow.get(name))
        return out.replace("<figure>", f'<figure class="{css}">', 1) if css else out

    from rtybt.engine.report.note import live_chart

    interactive = (live_chart.library() + live_chart.chart_html(live)) if live else ""

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
        f'{sec.verdict_card(answer, b_sym, es.verdict_horizon, study.confidence)}',
        f'<p class="muted" id="period">{h.esc(config.data.symbol)}, {m["start"]} to {m["end"]} '
        f'({h.fmt(m["bars"], "int")} daily bars). Signals on the close, fills at the next bar\'s open.</p>',
        f'<p class="muted" id="costs">Costs: {h.esc(inputs.costs)}.</p>',
        "".join(f'<p class="muted warn">warning: {h.esc(w)}</p>' for w in inputs.warnings),
        f'<nav class="toc">{toc}</nav></section>',
        '<section id="setup"><h2>The setup</h2>',
        f'<p>The note: <q>{h.esc(cls.note)}</q></p>',
        f'<p>Strategy <code>{h.esc(config.strategy.name)}</code>, as coded (parameter values in place):</p>',
        prose.rules_html(cls, config.strategy.params),
        "<h3>Parameters</h3>",
        prose.params_table(cls, config.strategy.params) if config.strategy.params else "<p>No parameters.</p>",
        "</section>",
        '<section id="chart"><h2>The note\'s chart</h2>',
        interactive,
        figure("chart_zoom.png", "candles, moving averages, zones as they stood, levels, trades: zoom",
                 "Zoom: daily candles; support (green) and resistance (red) zones as the detector saw them each week, "
                 "with no later bar" + _levels_caption(live) + ".",
               css="no-script" if live else ""),
        figure("chart_full.png", "close, moving averages, RSI and time in the market: whole history",
                 "Whole history on a log scale; shaded: time in the market; under it, the days the RSI(14) stood at or above "
                 "the note's 55 (the daily RSI is under the zoom chart; the zones, "
                 "which move with price, are drawn on the zoom)."),
        "</section>",
        '<section id="metrics"><h2>Key metrics: strategy vs buy-and-hold</h2>', sec.metrics_table(inputs, study.setups),
        f'<p class="note">Both after the same costs. Sharpe and Sortino: {h.esc(convention)}; Sortino uses the root '
        f'mean square of negative excess returns. Average trade: {h.esc(_avg_trade_words())}.</p>',
        "<h3>Other risk statistics</h3>",
        sec.risk_table(stats["risk"], b_sym is not None, b_sym),
        "</section>",
        '<section id="event-study"><h2>Event study of the setup</h2>',
        f'<p>Return from the close of each of the {h.fmt(study.setups, "int")} setup days (every close where the '
        'entry condition held, in or out of a position) to the close h sessions later, against the same statistic '
        'over every day of the period. Setup days whose windows overlap form one <em>episode</em>; intervals and '
        f'p-values need at least {standard.MIN_EPISODES} episodes.</p>',
        sec.event_table(study),
        f'<p class="note">Uncertainty: {h.esc(study.method)}.</p>',
        figure("event_path.png", "mean forward path after the setup against every day"),
        figure("event_distribution.png", "distribution of forward returns after the setup days"),
        "</section>",
        '<section id="target-first"><h2>Target before stop?</h2>',
        f'<p>{h.esc(tfs["target_rule"])}; {h.esc(tfs["stop_rule"])}; searched for {tfs["max_sessions"]} sessions '
        f'after each setup day; {h.esc(tfs["tie_rule"])}.</p>',
        sec.target_table(tf, target_evidence), "</section>",
        '<section id="returns"><h2>Returns</h2>',
        figure("growth.png", "growth of 1, drawdown and rolling 1-year Sharpe, strategy vs buy-and-hold",
                 "Rolling Sharpe: the Sharpe of the trailing 252 sessions (risk-free rate 0), annualised"
                 + ("; the strategy's is left out: it was in the market under 10% of the time, so it would measure "
                    "days in cash." if (m.get("exposure") or 0) < figures_min_exposure() else ".")),
        sec.returns_tables(stats, b_sym),
        "<h3>Calendar-year returns</h3>", sec.annual_bars(stats["annual"], b_sym),
        "<h3>Monthly returns</h3>",
        h.heat_table(stats["monthly_returns"], out_of_market=stats["months_out"]),
        '<p class="note">Compounded daily returns per month and per year (total). <em>out</em>: no position '
        'at any time that month (the strategy sat in cash).</p>',
        "</section>",
        '<section id="drawdowns"><h2>Drawdowns</h2>',
        f"<p>{under_text}.</p>",
        "<h3>The five worst, strategy</h3>", sec.drawdown_table(stats["drawdowns"]),
    ]
    if stats["benchmark_drawdowns"] is not None:
        parts += [f"<h3>The five worst, buy &amp; hold {h.esc(b_sym)}</h3>", sec.drawdown_table(stats["benchmark_drawdowns"])]
    parts += [
        '<p class="note">Depth from the peak to the lowest close; durations in calendar days.</p>',
        "</section>",
        '<section id="trades"><h2>Trades</h2>', sec.trade_tables(inputs, stats), "</section>",
    ]
    return h.page(f"{config.name}: tearsheet", "\n".join(parts), extra_css=live_chart.CSS if live else "",
                  js=bool(live))


def _levels_caption(live: dict | None) -> str:
    """What the chart's level lines are, naming only the kinds it draws."""
    colours = {lv["color"] for lv in (live or {}).get("levels", [])}
    from rtybt.engine.report.note.live_chart import LEVEL_COLOR, NOTE_COLOR

    kinds = (["dashed purple lines: the config's absolute levels"] if LEVEL_COLOR in colours else []) + \
        (["ochre bands: the note's levels"] if NOTE_COLOR in colours else [])
    return "; " + "; ".join(kinds) if kinds else ""


def figures_min_exposure() -> float:
    from rtybt.engine.report.run.figures import MIN_EXPOSURE_FOR_SHARPE

    return MIN_EXPOSURE_FOR_SHARPE


def _avg_trade_words() -> str:
    from rtybt.engine.report.run.tables import AVERAGE_TRADE

    return AVERAGE_TRADE.removeprefix("average trade = ")
