"""Report stage: the tearsheet: verdict, metrics, event study, target-first, pyfolio, the note's chart.

`build_report` returns every file as bytes (HTML, PNG, JSON, CSV); the caller decides where they are
written (the run's RunWriter, or an atomic re-render of a stored run), so nothing is half-written.
"""

from __future__ import annotations

import inspect
import json

import pandas as pd

from engine.analysis.event_study import EventStudy, event_study
from engine.analysis.metrics import SHARPE_CONVENTION
from engine.analysis.target_first import LevelRule, TargetFirst, target_first
from engine.analysis.verdict import verdict
from engine.report import html as h
from engine.report.inputs import ReportInputs

QUESTION = "This setup looks ready to rally — did it ever actually pay off?"
SECTIONS = ("question", "setup", "verdict", "metrics", "event-study", "target-first", "pyfolio", "chart")

METRIC_ROWS = [
    ("total return", "total_return", "pct"), ("CAGR", "cagr", "pct"), ("Sharpe", "sharpe", "num"),
    ("Sortino", "sortino", "num"), ("max drawdown", "max_drawdown", "pct"), ("Calmar", "calmar", "num"),
    ("annual volatility", "annual_volatility", "pct"), ("exposure", "exposure", "pct"), ("trades", "trades", "int"),
    ("win rate", "win_rate", "pct"), ("profit factor", "profit_factor", "num"),
    ("average trade", "avg_trade_return", "pct"), ("average bars held", "avg_bars_held", "num"),
    ("final equity", "final_equity", "usd"),
]


def _fmt(value, kind: str) -> str:
    if value is None:
        return "-"
    return {"pct": f"{value:.2%}", "int": f"{int(value)}", "usd": f"${value:,.0f}"}.get(kind, f"{value:.2f}")


def _rule(cfg) -> LevelRule:
    return LevelRule(cfg.kind, period=cfg.period, pct=cfg.pct, price=cfg.price)


def _json(payload) -> bytes:
    return (json.dumps(payload, indent=2, default=str, allow_nan=False) + "\n").encode()


def _zones(bars: pd.DataFrame):
    """Support/resistance zones as of the last bar, from the one shared detector (strategies/levels.py).

    Drawn: zones touched at least twice (the note's congestion zones), or every zone if none is.
    """
    from strategies.levels import detect_zones

    zones = detect_zones(bars["high"].to_numpy(), bars["low"].to_numpy(), bars["close"].to_numpy(), len(bars) - 1)
    repeated = [z for z in zones if z.touches >= 2]
    return repeated or zones


def analyse(inputs: ReportInputs) -> tuple[EventStudy, TargetFirst, str]:
    cfg = inputs.config.event_study
    study = event_study(inputs.bars["close"], inputs.setups, cfg.horizons, cfg.bootstrap_samples, cfg.seed,
                        cfg.confidence)
    tf = target_first(inputs.bars, inputs.setups, _rule(cfg.target), _rule(cfg.stop), cfg.max_sessions)
    m = inputs.metrics
    sentence = verdict(inputs.config.strategy.name, inputs.config.data.symbol, m["start"], m["end"], m,
                       inputs.benchmark_metrics, inputs.benchmark_symbol, study, cfg.verdict_horizon)
    return study, tf, sentence


def build_report(inputs: ReportInputs) -> dict[str, bytes]:
    """Every file of the report, by name."""
    from engine.report import figures, note_chart, pyfolio_section
    from strategies import get_strategy

    config = inputs.config
    study, tf, sentence = analyse(inputs)
    files: dict[str, bytes] = {}

    trips = pyfolio_section.round_trips(inputs.trades, inputs.equity, config.data.symbol)
    pf_tables = pyfolio_section.tables(inputs.returns, inputs.benchmark_returns, trips)
    files.update(pyfolio_section.figures(inputs.returns, inputs.benchmark_returns))

    last = inputs.bars.index[-1]
    zoom_start = last - pd.DateOffset(months=config.report.zoom_months)
    title = f"{config.data.symbol}: {config.strategy.name}"
    zones = _zones(inputs.bars)
    files["chart_full.png"] = note_chart.note_chart_png(inputs.bars, inputs.trades, f"{title}, whole history",
                                                        zones)
    files["chart_zoom.png"] = note_chart.note_chart_png(
        inputs.bars, inputs.trades, f"{title}, last {config.report.zoom_months} months", zones, start=zoom_start)
    files["event_path.png"] = figures.event_path_png(study.path, study.confidence, "setups")
    files["event_distribution.png"] = figures.outcome_distribution_png(study.outcomes, config.event_study.horizons)

    outcomes = study.outcomes.merge(tf.outcomes, on="date", how="left")
    files["event_outcomes.csv"] = outcomes.to_csv(index=False, float_format="%.10g").encode()
    rf, ppy = config.analysis.risk_free_rate, config.analysis.periods_per_year
    convention = SHARPE_CONVENTION.format(ppy=ppy, rf=rf)
    files["event_study.json"] = _json(study.to_dict() | {"target_first": tf.summary()})
    report = {
        "question": QUESTION,
        "verdict": sentence,
        "strategy": config.strategy.name,
        "params": config.strategy.params,
        "symbol": config.data.symbol,
        "period": [inputs.metrics["start"], inputs.metrics["end"]],
        "costs": inputs.costs,
        "contract": inputs.contract,
        "warnings": inputs.warnings,
        "sharpe_convention": convention,
        "setups": study.setups,
        "strategy_metrics": inputs.metrics,
        "benchmark_symbol": inputs.benchmark_symbol,
        "benchmark_metrics": inputs.benchmark_metrics,
        "pyfolio": {name: json.loads(frame.to_json(orient="split", date_format="iso", default_handler=str))
                    for name, frame in pf_tables.items()},
    }
    files["report.json"] = _json(report)

    cls = get_strategy(config.strategy.name)
    files["tearsheet.html"] = render_html(inputs, cls, study, tf, sentence, convention, pf_tables, files).encode()
    return files


def _metrics_table(inputs: ReportInputs, setups: int) -> str:
    b = inputs.benchmark_metrics
    header = ["", "strategy"] + ([f"buy & hold {inputs.benchmark_symbol}"] if b else [])
    rows = [["setups (entry condition met)", str(setups)] + (["-"] if b else [])]
    for label, key, kind in METRIC_ROWS:
        rows.append([label, _fmt(inputs.metrics.get(key), kind)] + ([_fmt(b.get(key), kind)] if b else []))
    return h.table(header, rows)


def _event_table(study: EventStudy) -> str:
    conf = f"{study.confidence:.0%}"
    header = ["horizon (sessions)", "setups", "clusters", "mean", f"{conf} CI", "median", "hit rate",
              "baseline mean", "baseline median", "baseline hit rate", "excess mean", f"excess {conf} CI", "p-value",
              "beats baseline"]
    rows = []
    for s in study.horizons:
        rows.append([
            s.horizon, s.events, s.clusters, _fmt(s.mean, "pct"),
            f"{_fmt(s.mean_ci[0], 'pct')} to {_fmt(s.mean_ci[1], 'pct')}", _fmt(s.median, "pct"),
            _fmt(s.hit_rate, "pct"), _fmt(s.baseline_mean, "pct"), _fmt(s.baseline_median, "pct"),
            _fmt(s.baseline_hit_rate, "pct"), _fmt(s.excess_mean, "pct"),
            f"{_fmt(s.excess_ci[0], 'pct')} to {_fmt(s.excess_ci[1], 'pct')}",
            "-" if s.p_value is None else f"{s.p_value:.3f}", "yes" if s.beats_baseline else "no",
        ])
    return h.table(header, rows)


def _target_table(tf: TargetFirst) -> str:
    s = tf.summary()
    rows = [
        ["target first", s["target_first"], _fmt(s["target_first_rate"], "pct"), _fmt(s["median_sessions_to_target"], "num")],
        ["stop first", s["stop_first"], _fmt(s["stop_first_rate"], "pct"), _fmt(s["median_sessions_to_stop"], "num")],
        ["neither", s["neither"], _fmt(s["neither_rate"], "pct"), "-"],
        ["already at or above the target at the setup (left out)", s["above_target_at_setup"], "-", "-"],
    ]
    return h.table(["outcome", "setups", f"share of the {s['judged']} judged", "median sessions"], rows)


def render_html(inputs: ReportInputs, cls, study: EventStudy, tf: TargetFirst, sentence: str, convention: str,
                pf_tables: dict, files: dict) -> str:
    config = inputs.config
    spec = {p.name: p for p in cls.spec}
    params = [[name, value, spec[name].unit if name in spec else "", spec[name].help if name in spec else ""]
              for name, value in config.strategy.params.items()]
    doc = inspect.getdoc(cls) or ""
    m = inputs.metrics
    es = config.event_study
    tfs = tf.summary()
    parts = [
        f'<h1>{h.esc(config.name)}: did the setup pay off?</h1>',
        f'<section id="question"><p class="question">{h.esc(QUESTION)}</p>',
        f'<p class="muted">{h.esc(config.data.symbol)}, {m["start"]} to {m["end"]} ({m["bars"]} daily bars); '
        f'costs: {h.esc(inputs.costs)}; fills at the next bar\'s open.</p>',
        "".join(f'<p class="muted">warning: {h.esc(w)}</p>' for w in inputs.warnings) + "</section>",
        '<section id="setup"><h2 class="first">The setup</h2>',
        f'<p>The note: <q>{h.esc(cls.note)}</q></p>',
        f'<p>Strategy <code>{h.esc(config.strategy.name)}</code>: '
        + "<br>".join(h.esc(line) for line in doc.splitlines() if line.strip()) + "</p>",
        h.table(["parameter", "value", "unit", "meaning"], params) if params else "<p>No parameters.</p>",
        "</section>",
        f'<section id="verdict"><h2>Verdict</h2><p class="verdict">{h.esc(sentence)}</p>',
        f'<p class="muted">Derived from the numbers below. "Beat the baseline" means the {study.confidence:.0%} '
        f'interval of the excess mean forward return at {es.verdict_horizon} sessions lies above zero. '
        f'Sharpe convention: {h.esc(convention)}.</p></section>',
        '<section id="metrics"><h2>Key metrics: strategy vs benchmark</h2>', _metrics_table(inputs, study.setups),
        f'<p class="muted">Both after the same costs. Sharpe and Sortino: {h.esc(convention)}; '
        'Sortino uses the root mean square of negative excess returns.</p></section>',
        '<section id="event-study"><h2>Event study of the setup</h2>',
        f'<p>Forward return from the close of each of the {study.setups} setup days (every close where the entry '
        'condition held, in or out of a position) to the close h sessions later, against the same statistic '
        'over every day of the period (the unconditional baseline).</p>',
        _event_table(study),
        f'<p class="muted">Uncertainty: {h.esc(study.method)}.</p>',
        h.figure(files["event_path.png"], "mean forward path after the setup with its band, against the baseline"),
        h.figure(files["event_distribution.png"], "distribution of forward returns after the setups"),
        "</section>",
        '<section id="target-first"><h2>Target before stop?</h2>',
        f'<p>{h.esc(tfs["target_rule"])}; {h.esc(tfs["stop_rule"])}; searched for {tfs["max_sessions"]} sessions '
        f'after each setup; {h.esc(tfs["tie_rule"])}.</p>',
        _target_table(tf), "</section>",
        '<section id="pyfolio"><h2>pyfolio-reloaded tearsheet</h2>',
        '<h3>Performance statistics</h3>', h.frame_table(pf_tables["perf_stats"]),
        h.figure(files["pf_cumulative_returns.png"], "cumulative returns vs benchmark"),
        '<h3>Worst drawdown periods</h3>', h.frame_table(pf_tables["drawdowns"], index_label="rank"),
        h.figure(files["pf_drawdowns.png"], "drawdown periods and underwater chart"),
        '<h3>Monthly and annual returns, %</h3>', h.heat_table(pf_tables["monthly_returns"]),
        '<h3>Rolling Sharpe and volatility</h3>', h.figure(files["pf_rolling_risk.png"], "rolling Sharpe and volatility"),
        '<h3>Round trips</h3>',
    ]
    trip_tables = [name for name in pf_tables if name.startswith("round_trips_")]
    if trip_tables:
        parts.append('<p class="muted">Built from the run\'s own closed trades, P&amp;L net of costs.</p>')
        parts += [h.frame_table(pf_tables[name], caption=name.removeprefix("round_trips_")) for name in trip_tables]
    else:
        parts.append("<p>No closed trades.</p>")
    parts += [
        "</section>",
        '<section id="chart"><h2>The note\'s chart</h2>',
        h.figure(files["chart_zoom.png"], "price, moving averages, RSI, zones, trades: zoom",
                 f"last {config.report.zoom_months} months"),
        h.figure(files["chart_full.png"], "price, moving averages, RSI, zones, trades: whole history", "whole history"),
        "</section>",
    ]
    return h.page(f"{config.name}: tearsheet", "\n".join(parts))
