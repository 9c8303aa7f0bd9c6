"""Report stage: the study page (verdict, forest plot, markets, pooled, regimes) and one page per market."""

from __future__ import annotations

import math
from urllib.parse import quote

from rtybt.engine.analysis import standard
from rtybt.engine.analysis.event_study import EventStudy
from rtybt.engine.analysis.study.study import StudyAnalysis
from rtybt.engine.report import html as h
from rtybt.engine.report.run.figures import fit, pyplot, to_png

QUESTION = "Is it small caps, or every market? The same setup, with the same rules, on every instrument and regime."
FOREST_DPI = 150
# Secondary columns (raw counts, the span, the second ratio) go to a fold under each table, so the excess, its
# interval and p-value that the verdict cites stay in view on a laptop (html.table's `fold`).
MARKETS_FOLD = ("period", "Sharpe", "buy & hold Sharpe", "setups", "clusters")
POOLED_FOLD = ("setups", "days", "clusters", "mean", "pooled baseline", "others' excess")


def fmt(value, kind: str) -> str:
    """Every number on the study pages: pct (CAGR, drawdown), signed (returns, excess), num (Sharpe), p, int."""
    if value is None or (isinstance(value, float) and math.isnan(value)):  # a table's missing cell
        return "–"
    return h.fmt(value, {"pct": "pct", "signed": "spct", "num": "ratio", "p": "p", "int": "int"}[kind])


def ci_cell(ci) -> str:
    low, high = ci
    return f"no interval (< {standard.MIN_EPISODES} clusters)" if low is None or high is None else \
        f"{fmt(low, 'signed')} to {fmt(high, 'signed')}"


def market_link(symbol: str) -> str:
    return f"markets/{quote(symbol, safe='')}/market.html"


def forest_png(analysis: StudyAnalysis) -> bytes:
    return to_png(forest_figure(analysis), dpi=FOREST_DPI)


# A forest of a thousand markets is a 80,000-pixel-tall image no one reads (and Pillow calls a decompression
# bomb): past this many markets the figure shows the highest and lowest halves of it, the markets table all.
FOREST_MAX_MARKETS = 40
GAP = -1  # the setups count of the gap row: it has no marker and no note


def forest_rows(rows: list[tuple]) -> list[tuple]:
    """At most FOREST_MAX_MARKETS rows: the markets with the highest and the lowest excess, a gap row between."""
    if len(rows) <= FOREST_MAX_MARKETS:
        return rows
    keep = FOREST_MAX_MARKETS // 2
    ranked = sorted(rows, key=lambda r: -math.inf if r[1] is None or math.isnan(r[1]) else r[1], reverse=True)
    hidden = len(rows) - 2 * keep
    gap = (f"... {hidden} more markets (in the table)", None, (None, None), GAP, GAP)
    return [*ranked[:keep], gap, *ranked[-keep:]]


def forest_pngs(analysis: StudyAnalysis) -> tuple[bytes, bytes]:
    """The forest plot at the page's width and at a phone's."""
    from rtybt.engine.report.run.figures import to_pngs

    return to_pngs(forest_figure(analysis), dpi=FOREST_DPI)


def forest_figure(analysis: StudyAnalysis):
    """Excess mean forward return at the verdict horizon per market and pooled, with intervals where judged."""
    plt = pyplot()
    h_ = analysis.verdict_horizon
    pooled = analysis.pooled_at(h_)
    rows = [(s, m.horizon(h_).excess_mean, m.horizon(h_).excess_ci, m.horizon(h_).events, m.horizon(h_).clusters)
            for s, m in analysis.markets.items()]
    rows = forest_rows(rows)
    rows.append((f"pooled ({len(analysis.markets)} markets)", pooled.excess.estimate, pooled.excess.ci,
                 pooled.setups, pooled.excess.clusters))
    height = 0.55 * len(rows) + 1.0
    fig, ax = plt.subplots(figsize=(8, height))
    for i, (_, estimate, ci, events, clusters) in enumerate(rows):
        y = len(rows) - 1 - i
        is_pooled = i == len(rows) - 1
        if ci[0] is not None and ci[1] is not None:
            ax.plot([ci[0] * 100, ci[1] * 100], [y, y], color="#1f5fa8", lw=2.2 if is_pooled else 1.6)
        if estimate is not None:
            ax.plot(estimate * 100, y, marker="D" if is_pooled else "o", ms=8 if is_pooled else 6,
                    color="#b03a2e" if is_pooled else "#1f5fa8")
        if events == GAP:
            continue  # the gap row of a forest cut to its top and bottom markets
        note = f"{events} setups, {clusters} clusters" + ("" if ci[0] is not None else ", no interval")
        ax.annotate(note, xy=(1.01, y), xycoords=("axes fraction", "data"), va="center", fontsize=8, color="#555")
    ax.axvline(0, color="#444", lw=0.8, ls="--")
    ax.set_yticks(range(len(rows)), [r[0] for r in reversed(rows)])
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.set_xlabel(f"excess mean {h_}-session forward return over the baseline, % ({analysis.confidence:.0%} interval)")
    ax.grid(axis="x", alpha=0.3)
    fit(fig, left=0.22, right=0.74, top=1 - 0.15 / height, bottom=0.6 / height)
    return fig


def _markets_table(analysis: StudyAnalysis, summary_rows: list[dict]) -> str:
    conf = f"{analysis.confidence:.0%}"
    header = ["market", "period", "CAGR", "Sharpe", "max drawdown", "buy & hold CAGR", "buy & hold Sharpe",
              "buy & hold max drawdown", "setups", "clusters", "excess mean", f"excess {conf} CI", "p-value",
              "adjusted p", "beats baseline"]
    adjusted = standard.adjust([r["p_value"] for r in summary_rows])
    rows = [[r["symbol"], f"{r['period'][0]} to {r['period'][1]}", fmt(r["cagr"], "pct"), fmt(r["sharpe"], "num"),
             fmt(r["max_drawdown"], "pct"), fmt(r["buy_hold_cagr"], "pct"), fmt(r["buy_hold_sharpe"], "num"),
             fmt(r["buy_hold_max_drawdown"], "pct"), r["setups"], r["clusters"], fmt(r["excess_mean"], "signed"),
             ci_cell(r["excess_ci"]), fmt(r["p_value"], "p"), fmt(q, "p"),
             "yes" if r["beats_baseline"] and q is not None and q < 1 - standard.CONFIDENCE else "no"]
            for r, q in zip(summary_rows, adjusted, strict=True)]
    return h.table(header, rows, fold=MARKETS_FOLD, fold_title="More columns")


def _pooled_table(analysis: StudyAnalysis) -> str:
    conf = f"{analysis.confidence:.0%}"
    header = ["horizon (sessions)", "setups", "days", "clusters", "mean", "pooled baseline", "excess mean",
              f"excess {conf} CI", "p-value", f"{analysis.traded} excess", "others' excess",
              f"{analysis.traded} minus others", f"difference {conf} CI", "difference p-value"]
    rows = [[p.horizon, p.setups, p.days, p.excess.clusters, fmt(p.mean, "signed"), fmt(p.baseline_mean, "signed"),
             fmt(p.excess.estimate, "signed"), ci_cell(p.excess.ci), fmt(p.excess.p_value, "p"),
             fmt(p.traded_excess, "signed"), fmt(p.others_excess, "signed"), fmt(p.difference.estimate, "signed"),
             ci_cell(p.difference.ci), fmt(p.difference.p_value, "p")] for p in analysis.pooled]
    return h.table(header, rows, fold=POOLED_FOLD, fold_title="Raw counts and parts of the difference")


def _horizons_table(analysis: StudyAnalysis) -> str:
    conf = f"{analysis.confidence:.0%}"
    header = ["market", "horizon (sessions)", "setups", "clusters", "mean", "baseline mean", "excess mean",
              f"excess {conf} CI", "p-value"]
    rows = [[symbol, s.horizon, s.events, s.clusters, fmt(s.mean, "signed"), fmt(s.baseline_mean, "signed"),
             fmt(s.excess_mean, "signed"), ci_cell(s.excess_ci), fmt(s.p_value, "p")]
            for symbol, study in analysis.markets.items() for s in study.horizons]
    return h.table(header, rows)


def regime_table(analysis: StudyAnalysis, scope: str) -> str:
    conf = f"{analysis.confidence:.0%}"
    frame = analysis.regimes
    frame = frame[(frame["scope"] == scope) & (frame["horizon"] == analysis.verdict_horizon)]
    header = ["regime", "level", "setups", "days", "clusters", "excess mean", f"excess {conf} CI", "p-value",
              "adjusted p", "minus the rest", f"difference {conf} CI", "difference p-value", "adjusted p"]
    rows = []
    for r in frame.to_dict("records"):
        unlabelled = r["level"] == "no label"
        rows.append([r["regime"], r["level"], fmt(r["setups"], "int"), fmt(r["days"], "int"), "–" if unlabelled else fmt(r["clusters"], "int"),
                     fmt(r["excess_mean"], "signed"), "–" if unlabelled else ci_cell(r["excess_ci"]),
                     fmt(r["p_value"], "p"), fmt(r.get("p_adjusted"), "p"), fmt(r["difference"], "signed"),
                     "–" if unlabelled else ci_cell(r["difference_ci"]), fmt(r["difference_p_value"], "p"),
                     fmt(r.get("difference_p_adjusted"), "p")])
    method = {"holm": "Holm's step-down", "bh": "Benjamini-Hochberg"}[standard.MULTIPLE_TESTING]
    return h.table(header, rows, fold=("days", "clusters"), fold_title="Raw counts") + (f'<p class="note">Adjusted p: {method} correction over this table\'s family '
                                    '(every labelled level; a two-level split\'s difference counts once), the '
                                    'raw p beside it. <a href="#how-we-judge">How we judge</a>.</p>')


def pooled_word(analysis: StudyAnalysis) -> str:
    """The standard's word for the pooled edge at the verdict horizon (is the setup's excess above zero across the
    markets?), as the page's verdict marker."""
    excess = analysis.pooled_at(analysis.verdict_horizon).excess
    low, high = excess.ci
    word = standard.claim_word(standard.Evidence(excess.estimate, low, high, excess.p_value, excess.clusters))
    return (f'<span class="status verdict-word">{h.esc(word)}</span> <a href="#how-we-judge">(how we judge)</a> '
            f'<span class="muted">pooled edge over every market\'s baseline:</span>')


def study_html(title: str, analysis: StudyAnalysis, summary: dict, forest: bytes, files: list[str],
               forest_narrow: bytes | None = None) -> str:
    hv, conf = analysis.verdict_horizon, f"{analysis.confidence:.0%}"
    links = "".join(f'<li><a href="{h.esc(market_link(s))}">{h.esc(s)}</a>: strategy, buy &amp; hold and event '
                    f'study</li>' for s in analysis.markets)
    regimes = summary["regimes"]
    parts = [
        f"<h1>{h.esc(title)}</h1>",
        f'<section id="question"><p class="question">{h.esc(QUESTION)}</p>',
        f'<p class="muted">Strategy <code>{h.esc(summary["strategy"])}</code> '
        f'({h.esc(", ".join(f"{k}={h.fmt_cell(v)}" for k, v in summary["params"].items() if v is not None))}) on '
        f'{h.esc(", ".join(analysis.symbols))}, with the config\'s broker, costs and sizing on every market; traded '
        f'symbol {h.esc(analysis.traded)}.</p></section>',
        f'<section id="verdict"><h2 class="first">Verdict</h2><p class="verdict">{pooled_word(analysis)} '
        f'{h.esc(analysis.verdict)}</p>',
        f'<p class="muted">Derived from the intervals below: a market "beats the baseline" when the whole {conf} '
        f'interval of its excess mean {hv}-session forward return lies above zero; no interval and no verdict '
        f'with fewer than {standard.MIN_EPISODES} clusters.</p></section>',
        '<section id="forest"><h2>Excess return after the setup, market by market</h2>',
        h.figure(forest, f"forest plot of the {hv}-session excess per market and pooled",
                 "Dots: excess mean forward return over the market's baseline; bars: its interval (none drawn where "
                 "the table refuses one); diamond: all markets pooled."
                 + (f" Of {len(analysis.markets)} markets, the {FOREST_MAX_MARKETS // 2} highest and the "
                    f"{FOREST_MAX_MARKETS // 2} lowest are drawn; the table below lists every one."
                    if len(analysis.markets) > FOREST_MAX_MARKETS else ""), narrow=forest_narrow),
        "</section>",
        f'<section id="markets"><h2>Markets at {hv} sessions</h2>', _markets_table(analysis, summary["markets"]),
        '<p class="muted">Backtest headline after costs against each market\'s own buy-and-hold; event study '
        'of the setup days against that market\'s unconditional baseline.</p>',
        f"<ul>{links}</ul></section>",
        '<section id="pooled"><h2>All markets pooled</h2>', _pooled_table(analysis),
        "".join(f'<p class="muted">{h.esc(n)}.</p>' for n in analysis.notes),
        "</section>",
        f'<section id="regimes"><h2>Regimes at {hv} sessions (all markets pooled)</h2>',
        f'<p>Labels known at the setup\'s close: the {h.esc(regimes["vix_symbol"])} close against '
        f'{regimes["vix_threshold"]:g}, the market\'s close against its {regimes["trend_ma_period"]}-day moving '
        'average, and the decade. "Minus the rest": the level\'s excess minus that of the other labelled '
        'setups, on the same clusters.</p>',
        f'<p class="verdict">{h.esc(analysis.regime_verdicts["pooled"])}</p>',
        regime_table(analysis, "pooled"),
        f"<h3>{h.esc(analysis.traded)} alone</h3>",
        f'<p class="verdict">{h.esc(analysis.regime_verdicts[analysis.traded])}</p>',
        regime_table(analysis, analysis.traded),
        f'<p class="muted">Many splits are shown: at {conf} about one interval in {round(1 / (1 - analysis.confidence))} '
        'excludes zero by chance alone; read a lone one as a description of the sample, not a discovery.</p>',
        "</section>",
        '<section id="horizons"><h2>Every horizon, market by market</h2>', _horizons_table(analysis), "</section>",
        f'<section id="method"><h2>Method</h2><p class="muted">Uncertainty: {h.esc(analysis.method)}.</p>',
        f'<p class="muted">Files beside this page: {h.esc(", ".join(files))}.</p></section>',
    ]
    return h.page(title, "\n".join(parts))


def market_curves(run) -> tuple[bytes, bytes] | None:
    """The market's growth of 1 and drawdown against its own buy-and-hold (page and phone widths)."""
    from types import SimpleNamespace

    from rtybt.engine.report.compare.comparison import curves_pngs

    if run is None or run.returns is None or not len(run.returns):
        return None
    bench = (f"buy & hold {run.symbol}", run.buy_hold_returns) if run.buy_hold_returns is not None else None
    return curves_pngs([SimpleNamespace(label=f"strategy on {run.symbol}", returns=run.returns)], bench)


def market_html(title: str, symbol: str, row: dict, study: EventStudy, run=None, config_name: str = "",
                tearsheet: tuple[str | None, str | None] = (None, None)) -> str:
    """`tearsheet`: (the market's full tearsheet, relative to this page, or None; why there is none)."""
    conf = f"{study.confidence:.0%}"
    headline = h.table(["", "strategy", "buy & hold"], [
        ["CAGR", fmt(row["cagr"], "pct"), fmt(row["buy_hold_cagr"], "pct")],
        ["Sharpe", fmt(row["sharpe"], "num"), fmt(row["buy_hold_sharpe"], "num")],
        ["max drawdown", fmt(row["max_drawdown"], "pct"), fmt(row["buy_hold_max_drawdown"], "pct")],
        ["trades", fmt(row["trades"], "int"), "held throughout"],
    ])
    events = h.table(
        ["horizon (sessions)", "setups", "clusters", "mean", "baseline mean", "excess mean", f"excess {conf} CI",
         "p-value", "beats baseline"],
        [[s.horizon, s.events, s.clusters, fmt(s.mean, "signed"), fmt(s.baseline_mean, "signed"),
          fmt(s.excess_mean, "signed"), ci_cell(s.excess_ci), fmt(s.p_value, "p"), "yes" if s.beats_baseline else "no"]
         for s in study.horizons])
    pngs = market_curves(run)
    curves = h.figure(pngs[0], f"growth of 1 and drawdown, strategy on {symbol} against buy-and-hold",
                      "After the config's costs, on a log scale; buy-and-hold dashed grey.", narrow=pngs[1]) \
        if pngs else ""
    link, why_not = tearsheet
    config_words = f" (with CONFIG the study's config, {h.esc(config_name)})" if config_name else ""
    tearsheet = (f'<p><a href="{h.esc(link)}">The full tearsheet of {h.esc(symbol)}</a>: the same backtest with '
                 "every trade, the note's chart, the event study, target before stop and every table.</p>"
                 if link else
                 f'<p class="muted">No full tearsheet of {h.esc(symbol)} with this study: {h.esc(why_not or "not asked")}'
                 f'. <code>rtybt run CONFIG --set data.symbol={h.esc(symbol)}</code> writes one{config_words}.</p>')
    body = "\n".join([
        f"<h1>{h.esc(title)}</h1>",
        f'<p class="muted">{h.esc(symbol)}, {row["period"][0]} to {row["period"][1]}. '
        '<a href="../../study.html">Back to the study</a>.</p>', tearsheet,
        '<section id="metrics"><h2 class="first">Backtest against its own buy-and-hold</h2>', headline,
        curves, "</section>",
        f'<section id="event-study"><h2>Event study of the {study.setups} setups</h2>', events,
        f'<p class="muted">Uncertainty: {h.esc(study.method)}. Setups: setups.csv; metrics: metrics.json.</p>',
        "</section>",
    ])
    return h.page(title, body)
