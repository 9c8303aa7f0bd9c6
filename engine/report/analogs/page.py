"""Report stage: the analogs answer as a page (analogs.html), analogs.json and analogs.csv, written atomically."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from rtybt.engine.analysis import standard
from rtybt.engine.analysis.analogs.nearest import FEATURES
from rtybt.engine.analysis.event_study import _clean
from rtybt.engine.report import html as h
from rtybt.engine.report.html import minus

QUESTION = "Ready to rally now? From states like this one, what happened next — and how much are such answers worth?"
HORIZON_NAMES = ("short", "medium", "long")
SECTIONS = ("question", "answer", "state", "analogs", "fan", "score", "data")


def pct(x) -> str:
    """A return or a distance: signed, the pages' one percent format (html.fmt)."""
    return "–" if x is None or not np.isfinite(x) else h.fmt(x, "spct")


def share(x) -> str:
    """A rate or a share of cases."""
    return "–" if x is None or not np.isfinite(x) else h.fmt(x, "pct")


def num(x, digits: int = 2) -> str:
    """A signed score (Brier skill)."""
    return "–" if x is None or not np.isfinite(x) else h.fmt(x, "sratio")


def reading(name: str, value: float) -> str:
    kind = {n: k for n, _, k in FEATURES}[name]
    if name == "rsi":
        return h.fmt(value, "num1")
    if name == "realised_vol":
        return h.fmt(value, "pct")
    return pct(value) if kind == "pct" else h.fmt(value, "sratio")


def interval(ci, fmt) -> str:
    low, high = ci
    return "–" if low is None or high is None else f"{fmt(low)} to {fmt(high)}"


def skill_lead(call, question: str, conf: float) -> str | None:
    """The method's walk-forward skill on `question` first, when it has not beaten the base rate there."""
    low, high = call.skill_ci
    if call.skill is not None and low is not None and low > 0:
        return None
    if call.skill is None or low is None:
        return (f"The method has not been shown to beat the base rate on {question}: too few month-ends to score it "
                f"({call.clusters} episodes, {standard.MIN_EPISODES} needed).")
    worse = "did worse than" if high < 0 else "has not beaten"
    return (f"The method {worse} the base rate on {question} in its walk-forward: Brier skill {call.skill:+.2f} "
            f"({conf:.0%} interval {low:+.2f} to {high:+.2f}).")


def answer_sentence(result) -> str:
    """What the analogs did next, against every past day; led by the method's skill when it has none."""
    a = result.answer
    n = len(a.analogs)
    up = [x.forward.get(20) for x in a.analogs if x.forward.get(20) is not None]
    h20 = next((hs for hs in a.study.horizons if hs.horizon == 20), None)
    t = a.target
    sc = result.score
    leads = [lead for lead in (skill_lead(sc.direction, "the 20-session direction", sc.confidence),
                               skill_lead(sc.target, "the 200-day MA before the stop", sc.confidence)
                               if t["judged"] else None) if lead]
    fewer = f" (only {n} episodes fit before the date, of the {a.settings.k} asked)" if n < a.settings.k else ""
    parts = [f"The {n} past states of {result.history} nearest to {result.symbol}'s close on {a.bar_date}{fewer}"]
    if up and h20 is not None:
        higher = sum(v > 0 for v in up)
        parts.append(f"were higher 20 sessions later in {standard.share_words(higher, len(up), h20.hit_rate_ci)} "
                     f"(median {pct(h20.median)}; every past day: {share(h20.baseline_hit_rate)} higher, "
                     f"median {pct(h20.baseline_median)})")
    if t["judged"]:
        parts.append(f"and of the {t['judged']} below their 200-day MA, "
                     f"{standard.share_words(t['target_first'], t['judged'])} reached it before a close below the "
                     f"50-day MA within {t['max_sessions']} sessions (every past day: "
                     f"{share(t['all_days_target_first_rate'])})")
    else:
        parts.append("and none was below its 200-day MA, so the target-first question does not apply")
    return " ".join(leads + [" ".join(parts) + "."])


BASE_RATES = ("Two base rates appear on this page. Every past day: the share of all closes of the history up to the "
              "date that were higher 20 sessions later (or reached the target first); the analogs' shares are set "
              "against it. The score's base rate: the same share as it was known at each scored month-end (the "
              "climatology the walk-forward calls are scored against); its column shows how often the answer was yes "
              "over those month-ends.")


def analog_rows(result) -> list[dict]:
    rows = []
    for x in result.answer.analogs:
        row = {"rank": x.rank, "date": x.date.isoformat(), "distance": round(x.distance, 4)}
        row |= {name: x.readings[name] for name in x.readings}
        row |= {f"{hz}_term_bias": bias for hz, bias in zip(HORIZON_NAMES, x.calls, strict=True)}
        row |= {f"fwd_{hz}": x.forward[hz] for hz in x.forward}
        row |= {"target_outcome": x.target_outcome, "sessions_to_target": x.sessions_to_target,
                "sessions_to_stop": x.sessions_to_stop}
        rows.append(row)
    return rows


def result_dict(result) -> dict:
    a, snap = result.answer, result.snapshot
    payload = {
        "question": QUESTION,
        "answer": answer_sentence(result),
        "score_sentence": result.score.sentence,
        "symbol": result.symbol,
        "history": result.history,
        "requested_date": result.requested_date.isoformat() if result.requested_date else None,
        "bar_date": a.bar_date.isoformat(),
        "date_note": snap.date_note,
        "state": {"readings": a.readings, "final_call": [c.to_dict() for c in snap.calls]},
        "features": [{"name": n, "meaning": m} for n, m, _ in FEATURES],
        "scale": a.scale,
        "settings": asdict(a.settings),
        "history_span": [a.history_first.isoformat(), a.history_last.isoformat()],
        "candidates": a.candidates,
        "analogs": [row | {"path": x.path.tolist()} for row, x in zip(analog_rows(result), a.analogs, strict=True)],
        "forward_returns": a.study.to_dict(),
        "target_first": a.target,
        "fan": a.fan.to_dict(orient="list"),
        "score": result.score.to_dict(),
        "data": result.data,
        "run_dir": str(result.run_dir) if result.run_dir else None,
    }
    return _clean(json.loads(json.dumps(payload, default=str)))


def analogs_csv(result) -> str:
    return pd.DataFrame(analog_rows(result)).to_csv(index=False, float_format="%.10g")


def fan_png(result) -> bytes:
    return fan_pngs(result)[0]


def fan_pngs(result) -> tuple[bytes, bytes]:
    """The k forward paths, their median and bands, against the same quantiles over every past day."""
    from rtybt.engine.report.run.figures import fit, pyplot, to_pngs

    plt = pyplot()
    fan, s = result.answer.fan, result.answer.settings
    x = fan["session"].to_numpy()
    fig, ax = plt.subplots(figsize=(10, 4.8))
    ax.axhline(0, color="#999", lw=0.8)
    for analog in result.answer.analogs:
        ax.plot(x, analog.path * 100, color="#1f5fa8", lw=0.5, alpha=0.3)
    lo, q1, q3, hi = (f"q{round(q * 100):02d}" for q in s.bands)
    ax.fill_between(x, fan[f"analog_{lo}"] * 100, fan[f"analog_{hi}"] * 100, color="#1f5fa8", alpha=0.12,
                    label=f"analogs {lo[1:]}–{hi[1:]}th percentile")
    ax.fill_between(x, fan[f"analog_{q1}"] * 100, fan[f"analog_{q3}"] * 100, color="#1f5fa8", alpha=0.22,
                    label=f"analogs {q1[1:]}–{q3[1:]}th percentile")
    ax.plot(x, fan["analog_q50"] * 100, color="#1f5fa8", lw=2.0, label=f"analogs median (k={len(result.answer.analogs)})")
    ax.plot(x, fan["all_q50"] * 100, color="#c0392b", lw=1.4, ls="--", label="every past day: median")
    ax.plot(x, fan[f"all_{lo}"] * 100, color="#c0392b", lw=0.9, ls=":", label=f"every past day: {lo[1:]}th and {hi[1:]}th")
    ax.plot(x, fan[f"all_{hi}"] * 100, color="#c0392b", lw=0.9, ls=":")
    ax.set_xlabel("sessions after the analog's close")
    ax.set_ylabel("cumulative return, %")
    ax.set_title(f"What followed the {len(result.answer.analogs)} analogs of {result.symbol} on {result.answer.bar_date}")
    ax.legend(loc="upper left", fontsize=8)
    ax.grid(alpha=0.3)
    fit(fig, bottom=0.12)
    return to_pngs(fig)


def _chart_levels(result) -> list[tuple[float, float, str]]:
    """The note's key levels on the date (the snapshot's nearest zones, detected on bars up to the close):
    (low, high, label)."""
    out = []
    for z in [*result.snapshot.resistance, *result.snapshot.support]:
        span = f"{z.low:,.0f}" if z.low == z.high else f"{z.low:,.0f}–{z.high:,.0f}"
        out.append((z.low, z.high, f"{z.kind} {span}"))
    return out


def chart_window(result):
    """The months leading to the close, as the note's chart shows them (no bar after the date)."""
    from rtybt.engine.report.note.chart import MONTHS_BEFORE

    on = pd.Timestamp(result.answer.bar_date)
    return on - pd.DateOffset(months=MONTHS_BEFORE), on


def live_data(result) -> dict | None:
    """The interactive chart's data: the symbol's daily bars up to the date, its MAs, the key levels as labelled
    price lines (a zone as its two edges, the lower one labelled); None when the result carries no bars."""
    from rtybt.engine.report.note import live_chart

    if result.bars is None or not len(result.bars):
        return None
    lines = []
    for low, high, label in _chart_levels(result):
        lines.append(live_chart.PriceLine(low, label, "note"))
        if high != low:
            lines.append(live_chart.PriceLine(high, "", "note"))
    start, end = chart_window(result)
    return live_chart.chart_data(result.bars, None, start, end, lines,
                                 f"{result.symbol} up to {result.answer.bar_date}, daily candles")


def window_pngs(result) -> tuple[bytes, bytes] | None:
    """The same window as a static chart (candles, MAs, RSI(14), the key levels): the print and no-script view."""
    from rtybt.engine.report.note.note_chart import note_chart_figure
    from rtybt.engine.report.run.figures import to_pngs

    if result.bars is None or not len(result.bars):
        return None
    start, end = chart_window(result)
    fig = note_chart_figure(result.bars, pd.DataFrame(), f"{result.symbol} up to {result.answer.bar_date}",
                            start=start, end=end, note_bands=_chart_levels(result), zones=False,
                            bands_label="key levels on the date")
    return to_pngs(fig)


def _state_table(result) -> str:
    a = result.answer
    rows = [[label, reading(name, a.readings[name]), reading(name, a.scale[name]).lstrip("+")]
            for name, label, _ in FEATURES]
    return h.table(["reading", f"{result.symbol} on {a.bar_date}", f"scale (std over {result.history} to the date)"],
                   rows)


def _analogs_table(result) -> str:
    header = ["#", "date", "distance"] + [label for _, label, _ in FEATURES] + [
        "short-term", "medium", "long-term"] + [f"{hz} sessions" for hz in result.answer.settings.horizons] + [
        "target first?", "sessions"]
    rows = []
    for x in result.answer.analogs:
        sessions = x.sessions_to_target if x.target_outcome == "target" else \
            x.sessions_to_stop if x.target_outcome == "stop" else None
        rows.append([x.rank, x.date, h.fmt(x.distance, "ratio")] + [reading(n, x.readings[n]) for n, _, _ in FEATURES]
                    + x.calls + [pct(x.forward[hz]) for hz in x.forward]
                    + [x.target_outcome.replace("_", " "), h.fmt(sessions, "int")])
    # The state's readings and the Final Call are the match, not the outcome: they fold under the table, so the
    # forward returns and the target-first outcome stay in view.
    fold = [label for _, label, _ in FEATURES] + ["short-term", "medium", "long-term"]
    return h.table(header, rows, fold=fold, fold_title="What matched: the readings and the Final Call of each analog")


def _forward_table(result) -> str:
    conf = f"{result.answer.study.confidence:.0%}"
    rows = [[hs.horizon, h.fmt(hs.events, "int"), pct(hs.mean), interval(hs.mean_ci, pct), pct(hs.median), share(hs.hit_rate),
             interval(hs.hit_rate_ci, share), pct(hs.baseline_mean), pct(hs.baseline_median),
             share(hs.baseline_hit_rate), pct(hs.excess_mean), interval(hs.excess_ci, pct)]
            for hs in result.answer.study.horizons]
    return h.table(["sessions", "analogs", "mean", f"mean {conf} CI", "median", "higher", f"higher {conf} CI",
                    "every day: mean", "every day: median", "every day: higher", "excess mean", f"excess {conf} CI"],
                   rows, fold=("analogs", f"mean {conf} CI", f"higher {conf} CI"), fold_title="More columns")


def _target_table(result) -> str:
    t = result.answer.target
    def med(v) -> str:
        return h.fmt(v, "int")

    rows = [
        ["analogs", *(h.fmt(t[k], "int") for k in ("setups", "judged", "target_first")),
         share(t["target_first_rate"]), med(t["median_sessions_to_target"]), h.fmt(t["stop_first"], "int"),
         h.fmt(t["neither"], "int")],
        ["every past day", h.fmt(t["all_days"], "int"), h.fmt(t["all_days_judged"], "int"), "–",
         share(t["all_days_target_first_rate"]), med(t["all_days_median_sessions_to_target"]), "–", "–"],
    ]
    return h.table(["", "states", "below the 200-day MA (judged)", "target first", "share", "median sessions",
                    "stop first", "neither"], rows)


def _score_table(result) -> str:
    sc = result.score
    rows = []
    for c in (sc.direction, sc.target):
        rows.append([h.Cell(c.question, "prose"), h.fmt(c.month_ends, "int"), share(c.base_rate), share(c.hit_rate),
                     interval(c.hit_rate_ci, share), share(c.climatology_hit_rate), h.fmt(c.brier, "p"),
                     h.fmt(c.climatology_brier, "p"), num(c.skill),
                     interval(c.skill_ci, num)])
    conf = f"{sc.confidence:.0%}"
    return h.table(["call", "month-ends", "base rate", "hit rate", f"hit rate {conf} CI", "base-rate hit rate", "Brier",
                    "base-rate Brier", "Brier skill", f"Brier skill {conf} CI"], rows,
                   fold=(f"hit rate {conf} CI", "Brier", "base-rate Brier"), fold_title="More columns")


def _chart(result, window: tuple[bytes, bytes] | None) -> str:
    """The window leading to the close: the interactive chart, and the static one for print and no script."""
    from rtybt.engine.report.note import live_chart

    live = live_data(result)
    if live is None and window is None:
        return ""
    out = [f"<h3>{h.esc(result.symbol)} in the months up to the close</h3>"]
    if live is not None:
        out.append(live_chart.library() + live_chart.chart_html(live))
    if window is not None:
        fig = h.figure(window[0], f"{result.symbol} daily candles, moving averages, RSI(14) and the key levels up to "
                       f"{result.answer.bar_date}", "Ochre bands: the key levels on the date (the nearest support "
                       "and resistance zones, from bars up to the close).", narrow=window[1])
        out.append(fig.replace("<figure>", '<figure class="no-script">', 1) if live is not None else fig)
    return "".join(out)


def render_html(result, fan: bytes, fan_narrow: bytes | None = None,
                window: tuple[bytes, bytes] | None = None) -> str:
    from rtybt.engine.report.note import live_chart

    a, snap, s = result.answer, result.snapshot, result.answer.settings
    data = result.data
    chart = _chart(result, window)
    parts = [
        f"<h1>{h.esc(result.symbol)} on {a.bar_date}: historical analogs</h1>",
        f'<section id="question"><p class="question">{h.esc(QUESTION)}</p>',
        (f'<p class="muted">{h.esc(snap.date_note)}</p>' if snap.date_note else "") + "</section>",
        f'<section id="answer"><h2 class="first">Answer</h2><p class="verdict">{h.esc(minus(answer_sentence(result)))}</p>',
        f'<p class="verdict">How much such answers are worth: {h.esc(minus(result.score.sentence))}</p>'
        f'<p class="muted">{h.esc(BASE_RATES)} <a href="#how-we-judge">How we judge</a>.</p></section>',
        '<section id="state"><h2>The state at the close</h2>',
        f'<p>Seven readings of {h.esc(result.symbol)}, each from bars up to {a.bar_date} only. Distances divide each '
        f'reading by its standard deviation over {h.esc(result.history)} from {a.history_first} to {a.history_last}.</p>',
        _state_table(result), "<h3>The note's Final Call on that day</h3>",
        h.table(["time frame", "bias", "reasoning"], [[c.horizon, c.bias, c.reasoning] for c in snap.calls]),
        chart, "</section>",
        f'<section id="analogs"><h2>The {len(a.analogs)} nearest past states</h2>',
        f'<p>From {a.candidates:,} past states of {h.esc(result.history)} whose {s.window}-session window ended before '
        f'{a.bar_date}; one per episode (a state fewer than {s.horizon} sessions from a nearer one is skipped). '
        "Final Call: the note's rules on that day's close. Forward returns from "
        "that close.</p>",
        _analogs_table(result), "</section>",
        '<section id="fan"><h2>What happened next</h2>',
        h.figure(fan, "fan chart of the analogs' forward paths against every past day", narrow=fan_narrow),
        "<h3>Forward returns against every past day</h3>", _forward_table(result),
        f'<p class="muted">Every day: forward returns from every close of {h.esc(result.history)} up to the date. '
        f"Uncertainty: {h.esc(a.study.method)}.</p>",
        f"<h3>The note's target before its stop, within {s.horizon} sessions</h3>", _target_table(result),
        f'<p class="muted">{h.esc(a.target["target_rule"])}; {h.esc(a.target["stop_rule"])}; '
        f'{h.esc(a.target["tie_rule"])}; a state already above its 200-day MA is not judged.</p></section>',
        '<section id="score"><h2>An honest score for the method</h2>',
        f'<p class="verdict">{h.esc(minus(result.score.sentence))}</p>', _score_table(result),
        f'<p class="muted">{h.esc(result.score.method)}. Only month-ends whose outcome was known before '
        f"{a.bar_date} are scored. Brier skill = 1 − Brier(analogs) / Brier(base rate); above zero is better "
        f"than the base rate of the past. A share of {s.k} analogs is a noisy probability: even analogs that carry the "
        f"base rate exactly lose about 1/{s.k} = {1 / s.k:.2f} of Brier skill to sampling noise.</p></section>",
        '<section id="data"><h2>Data</h2>',
        h.table(["role", "file", "sha256", "checksum", "rows kept"],
                [[role, Path(d["file"]).name, d["sha256"][:16], d["checksum"], f'{h.fmt(d["rows_kept"], "int")} of {h.fmt(d["rows_read"], "int")}']
                 for role, d in data.items()]),
        "</section>",
    ]
    live = "live-chart" in chart
    return h.page(f"{result.symbol} {a.bar_date}: analogs", "\n".join(parts),
                  extra_css=live_chart.CSS if live else "", js=live)


def write_result(result, results_root: Path, started: datetime, command_line: list[str] | None,
                 inputs: list[dict]) -> Path:
    """results/analogs/<symbol>-<date>-<run id>/: staged, then renamed in one step (engine.results)."""
    from dataclasses import replace

    from rtybt.engine.results import RunWriter, new_run_id
    from rtybt.engine.results.provenance import write_manifest

    settings = json.dumps(asdict(result.answer.settings), sort_keys=True)
    key = hashlib.sha256(f"{settings}|{result.data['symbol']['sha256']}|{result.data['history']['sha256']}".encode())
    run_id = new_run_id(key.hexdigest(), started)
    writer = RunWriter(results_root, "analogs", f"{result.symbol}-{result.answer.bar_date}-{run_id}")
    final = writer.final_parent / writer.run_id
    shown = replace(result, run_dir=final)
    try:
        fan, fan_narrow = fan_pngs(shown)
        writer.write_text("analogs.html", render_html(shown, fan, fan_narrow, window_pngs(shown)))
        writer.write_text("analogs.json", json.dumps(result_dict(shown), indent=2, allow_nan=False) + "\n")
        writer.write_text("analogs.csv", analogs_csv(shown))
        write_manifest(writer, "analogs", inputs, started, command_line, {"score_source": result.score_source})
        return writer.commit()
    except BaseException:
        writer.abort()
        raise
