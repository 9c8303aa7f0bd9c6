"""Report stage: note.html (answer first: the claims table), note.json and claims.csv, written atomically with a manifest."""

from __future__ import annotations

import hashlib
import json
import os
from datetime import datetime
from pathlib import Path

from rtybt.engine.analysis import standard
from rtybt.engine.analysis.note.claims import POOLED
from rtybt.engine.analysis.note.setup import ATR_PERIOD
from rtybt.engine.report import html as h
from rtybt.engine.report.note import live_chart
from rtybt.engine.report.note.chart import level_sides, note_chart_png, wrong_side
from rtybt.engine.report.note.numbers import (
    baseline_name,
    claims_frame,
    diff_text,
    interval_text,
    is_rate,
    measure,
    value_text,
)

QUESTION = "A chart note makes claims. Was each of them right before?"
# The claims table's quote and "where else" columns wrap, so the answer, its number, interval and episodes stay in
# view on a laptop's first screen. On a phone the fixed columns would squeeze six columns into 390 px and the
# numbers (which never wrap) would run into their neighbours: there the table keeps its natural widths and
# scrolls in its box under its sticky first column, as every other table does.
CLAIMS_CSS = (f"@media (min-width: {h.NARROW_PX + 1}px) {{ "
              "table.claims { width: 100%; table-layout: fixed; } table.claims td, table.claims th { white-space: normal; "
              "overflow-wrap: anywhere; } table.claims th:nth-child(1) { width: 25%; } table.claims th:nth-child(2) "
              "{ width: 14%; } table.claims th:nth-child(3) { width: 21%; } table.claims th:nth-child(4) { width: 15%; } "
              "table.claims th:nth-child(5) { width: 8%; } table.claims th:nth-child(6) { width: 17%; } }")
CSS = """
.word { display: inline-block; font-weight: 650; padding: 0.05em 0.5em; border-radius: 999px; font-size: 0.88em;
        white-space: nowrap; background: #eef1f5; color: var(--ink); }
.word.held { background: var(--good); color: #fff; } .word.did-not-hold { background: var(--bad); color: #fff; }
.word.not-enough-evidence { background: #f6ecd2; color: var(--warn); }
table.claims { font-size: 0.86em; } table.claims td { padding: 0.25em 0.5em; }
table.claims td.prose { min-width: 15em; max-width: 23em; }
table.claims td.num { white-space: nowrap; text-align: left; }
table.claims td:last-child { white-space: normal; min-width: 8em; max-width: 14em; }
table.claims td.num b { font-weight: 650; }
"""


def _css_word(word: str) -> str:
    return word.replace(" ", "-")


def word_cell(word: str | None) -> h.Cell:
    if word is None:
        return h.Cell("–")
    return h.Cell(f'<span class="word verdict-word {_css_word(word)}">{h.esc(word)}</span>', "text", raw=True)


def _short(text: str, width: int = 72) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _p(x) -> str:
    return "–" if x is None else f"{x:.3f}"


def claims_table(result) -> str:
    rows = []
    for v in result.verdicts:
        c = v.claim
        # The numbers are the terminal's and the CSV's text (numbers.py), in the pages' Unicode minus.
        number = (f"<b>{h.esc(h.minus(diff_text(c, v.answer.evidence.estimate)))}</b><br>"
                  f"{h.esc(h.minus(value_text(c, v.answer.mean)))} "
                  f"vs {h.esc(h.minus(value_text(c, v.answer.baseline)))} {h.esc(baseline_name(c))}")
        peer = f" (vs {c.peer})" if c.kind == "relative" else ""
        rows.append([h.Cell(f'<a href="#claim-{h.esc(c.id)}">{h.esc(_short(c.quote))}</a>{h.esc(peer)}', "prose",
                            raw=True, title=c.quote),
                     word_cell(v.word), h.Cell(number, "num", raw=True), h.minus(interval_text(c, v.answer)),
                     v.answer.evidence.episodes, h.Cell(", ".join(v.where_else) or "nowhere else", "text")])
    conf = f"{standard.CONFIDENCE:.0%}"
    table = h.table(["the note says", "the history says", "difference", f"{conf} interval", "episodes",
                     "where else it held"], rows)
    return table.replace("<table>", '<table class="claims">', 1)


def readings_table(result) -> str:
    inst, hist = result.note.instrument.symbol, result.history_symbol
    rows = []
    for r in result.readings:
        diff = "–" if r.note is None else h.fmt(r.instrument - r.note, "sratio")
        rows.append([r.name, "–" if r.note is None else h.fmt(r.note), h.fmt(r.instrument), diff,
                     "–" if r.history is None else h.fmt(r.history), h.Cell(r.why, "prose")])
    return h.table(["reading", "the note", f"{inst} close", "difference", f"{hist} close", "why they differ"], rows)


def setup_table(result) -> str:
    inst, hist = result.note.instrument.symbol, result.history_symbol

    def yes(x):
        return "–" if x is None else "yes" if x else "no"

    rows = [[h.Cell(text, "prose"), yes(a), yes(b)] for text, a, b in result.setup_on_date]
    return h.table(["condition (on bars up to the close)", f"{inst} on {result.bar_date}", hist], rows)


def scope_rows(v, history: str) -> list[list]:
    c = v.claim
    rows = []
    scopes = [(f"{m} among the markets" if m != POOLED else "all markets pooled", v.markets[m], v.market_words[m])
              for m in v.markets]
    scopes.insert(0, (f"the answer: {history}", v.answer, v.word))
    scopes.append(("the note's regime", v.regime, v.regime_word))
    if v.analogs is not None:
        scopes.append(("the analogs (states nearest the note's)", v.analogs, v.analogs_word))
    for name, t, w in scopes:
        e = t.evidence
        rows.append([name, word_cell(w), t.events, e.episodes, h.minus(value_text(c, t.mean)),
                     h.minus(value_text(c, t.baseline)), h.minus(diff_text(c, e.estimate)),
                     h.minus(interval_text(c, t)), _p(e.p_value), _p(e.p_adjusted)])
    return rows


def levels_how(result, c) -> str:
    """How an absolute level was asked of other years and markets: its distance in ATRs on the note's date."""
    s = result.scale
    prices = c.absolute_prices()
    if not prices:
        return ""
    said = "; ".join(s.describe(p) for p in dict.fromkeys(prices))
    return (f"Absolute levels, relative: on {result.bar_date} {result.note.instrument.symbol} closed at "
            f"{s.close:,.1f} with an ATR({ATR_PERIOD}) of {s.atr:,.1f}, so {said}. On every other day and market "
            f"each level is put at the same number of ATRs from that day's close.")


def claim_section(result, v) -> str:
    c = v.claim
    conf = f"{standard.CONFIDENCE:.0%}"
    table = h.table(["scope", "answer", "events", "episodes", "after", "baseline", "difference", f"{conf} interval",
                     "p", "p adjusted"], scope_rows(v, result.history_symbol), fold=("events", "after", "baseline"),
                    fold_title="Raw counts and levels")
    how = levels_how(result, c)
    unit = "percentage points" if is_rate(c) else "returns"
    return "\n".join([
        f'<section id="claim-{h.esc(c.id)}"><h3>{h.esc(c.id)}: “{h.esc(c.quote)}”</h3>',
        f"<p>Tested as the {h.esc(measure(c))} (difference in {unit}). Answer: {word_cell(v.word).text}.</p>",
        f'<p class="muted">{h.esc(how)}</p>' if how else "",
        table, "</section>"])


def links_section(result, page_dir: Path) -> str:
    items = []
    a = result.analogs
    if a is not None and a.run_dir is not None:
        rel = Path(os.path.relpath(Path(a.run_dir) / "analogs.html", page_dir)).as_posix()
        items.append(f'<li><a href="{h.esc(rel)}">The analogs page</a>: the {len(a.answer.analogs)} states of '
                     f"{h.esc(a.history)} nearest to the note's, what followed, and the method's walk-forward score. "
                     f"{h.esc(h.minus(a.score.sentence))}</li>")
    inst = result.note.instrument
    for sup in result.supporting:
        config = h.esc(Path(sup["config"]).name)
        shown = os.path.relpath(sup["config"]) if Path(sup["config"]).is_relative_to(Path.cwd()) else sup["config"]
        if sup["tearsheet"]:
            rel = Path(os.path.relpath(Path(sup["tearsheet"]) / "tearsheet.html", page_dir)).as_posix()
            how = "stored, same config, data and strategy source" if sup["how"] == "reused" else "run now"
            items.append(f'<li><a href="{h.esc(rel)}">The tearsheet of {config}</a> ({how}): the setup traded as a '
                         "strategy, with its event study and target-first analysis.</li>")
        else:
            items.append(f"<li>No tearsheet of {config} was written with this page: "
                         f"<code>rtybt run {h.esc(shown)}</code>.</li>")
        if sup["study"]:
            rel = Path(os.path.relpath(Path(sup["study"]) / "study.html", page_dir)).as_posix()
            items.append(f'<li><a href="{h.esc(rel)}">The study of {config} across markets</a> (the newest stored '
                         "study of the same config).</li>")
        else:
            items.append(f"<li>No stored study of {config} across markets: <code>rtybt study "
                         f"{h.esc(shown)}</code> writes one, and this page links it on its next run.</li>")
    items.append(f"<li><code>rtybt snapshot --symbol {h.esc(inst.symbol)} --date {result.bar_date}</code> prints "
                 "the note's table for the date.</li>")
    return '<section id="links"><h2>Supporting pages</h2><ul class="rules">' + "".join(items) + "</ul></section>"


def live_data(result) -> dict:
    """The interactive chart's data: the instrument around the note's date, the note's levels as price lines (a band
    as its two edges, the lower one labelled with its range, role and side as of the date)."""
    import pandas as pd

    from rtybt.engine.report.note.chart import MONTHS_AFTER, MONTHS_BEFORE

    note, frame = result.note, result.bars[result.note.instrument.symbol].frame
    on = pd.Timestamp(result.bar_date)
    close = float(frame["close"].iloc[frame.index.get_loc(on)])
    lines = []
    for level, side in level_sides(note, close):
        span = f"{level.low:,.0f}" if level.low == level.high else f"{level.low:,.0f}–{level.high:,.0f}"
        lines.append(live_chart.PriceLine(level.low, f"{level.type} {span}: {level.label} ({side})", "note"))
        if level.high != level.low:
            lines.append(live_chart.PriceLine(level.high, "", "note"))
    return live_chart.chart_data(frame, None, on - pd.DateOffset(months=MONTHS_BEFORE),
                                 on + pd.DateOffset(months=MONTHS_AFTER), lines,
                                 f"{note.instrument.symbol} around {result.bar_date}, daily candles")


def render_html(result, chart: bytes, page_dir: Path) -> str:
    note = result.note
    close = result.scale.close
    sides = level_sides(note, close)
    level_rows = [[lv.type, f"{lv.low:,.0f}" if lv.low == lv.high else f"{lv.low:,.0f}–{lv.high:,.0f}", lv.label,
                   f"{side} the close" + (" — on the other side of the close for its type" if wrong_side(lv, side)
                                          else "")] for lv, side in sides]
    markets = ", ".join(m for m in note.markets if m in result.setups)
    live = live_data(result)
    parts = [
        f"<style>{CSS}</style>",
        f"<h1>{h.esc(note.title)}: the note, answered</h1>",
        f'<p class="question">{h.esc(QUESTION)} {h.esc(note.instrument.symbol)} on {result.bar_date}, tested on '
        f"{h.esc(result.history_symbol)} since {result.bars[result.history_symbol].frame.index[0].year} "
        f"({result.setups.get(result.history_symbol, 0)} days with the note's setup).</p>",
        '<section id="claims">', claims_table(result),
        f'<p class="muted">Each claim tested on every day of {h.esc(result.history_symbol)}’s history with the '
        f"note's setup (a Final Call row: the days its rules give that call), against the baseline named; "
        f"“where else”: the markets ({h.esc(markets)}), their pool, the note's regime "
        f"({h.esc(result.regime.describe())}) and the analogs. <a href=\"#judging\">How rtybt judges</a>.</p>",
        "</section>",
        '<section id="chart"><h2>The note’s chart</h2>',
        live_chart.library() + live_chart.chart_html(live),
        h.figure(chart, f"{note.instrument.symbol} around {result.bar_date} with the note's levels").replace(
            "<figure>", '<figure class="no-script">', 1),
        h.table(["type", "price", "the note's label", f"on {result.bar_date}"], level_rows),
        "</section>",
        '<section id="readings"><h2>The readings on the date</h2>', readings_table(result),
        "<h3>The setup, as stated, on the date</h3>",
        f"<p>“{h.esc(note.setup.quote)}”</p>", setup_table(result), "</section>",
        '<section id="evidence"><h2>Each claim’s evidence</h2>',
        "<p>Every scope of every claim: events (with a complete window), separate episodes (events whose windows "
        "overlap in calendar time, on any market, are one), the mean after them, the baseline, the difference and "
        "its interval, the raw p-value and the family's adjusted one. Each scope is one family: the claims on the "
        "history; every claim on every market and the pool; the claims in the note's regime; the claims from the "
        "analogs.</p>",
        *[claim_section(result, v) for v in result.verdicts], "</section>",
        links_section(result, page_dir),
        '<section id="judging"><h2>How rtybt judges</h2>',
        *[f"<p>{h.esc(p)}</p>" for p in standard.how_we_judge()], "</section>",
        '<section id="data"><h2>Data</h2>',
        h.table(["symbol", "file", "sha256", "dates", "rows"],
                [[s, str(b.path.name), b.sha256[:16], f"{b.first_date} to {b.last_date}", f"{len(b.frame):,}"]
                 for s, b in result.bars.items()]),
        "".join(f'<p class="muted">Not found: {h.esc(s)} ({h.esc(w)})</p>' for s, w in result.missing.items()),
        "</section>",
    ]
    return h.page(f"{note.title}: the note, answered", "\n".join(parts), extra_css=live_chart.CSS + CLAIMS_CSS, js=True)


def result_dict(result) -> dict:
    from rtybt.engine.analysis.event_study import _clean

    frame = claims_frame(result)
    claims = []
    for v, row in zip(result.verdicts, frame.to_dict(orient="records"), strict=True):
        scopes = {"history": v.answer.to_dict() | {"answer": v.word}}
        scopes |= {m: t.to_dict() | {"answer": v.market_words[m]} for m, t in v.markets.items()}
        scopes["regime"] = v.regime.to_dict() | {"answer": v.regime_word}
        if v.analogs is not None:
            scopes["analogs"] = v.analogs.to_dict() | {"answer": v.analogs_word}
        claims.append({"id": v.claim.id, "kind": v.claim.kind, "quote": v.claim.quote, "answer": v.word,
                       "measure": row["measure"], "where_else": v.where_else, "scopes": scopes,
                       "parameters": v.claim.model_dump(mode="json", exclude_none=True)})
    a = result.analogs
    payload = {
        "question": QUESTION, "note": result.note.model_dump(mode="json", exclude_none=True),
        "bar_date": result.bar_date.isoformat(), "history": result.history_symbol,
        "readings": [r.__dict__ for r in result.readings],
        "setup_on_date": [{"condition": t, "instrument": a_, "history": b_} for t, a_, b_ in result.setup_on_date],
        "setups": result.setups, "scale": {"close": result.scale.close, "atr": result.scale.atr, "atr_period": ATR_PERIOD},
        "regime": {"vix": result.regime.vix, "trend": result.regime.trend},
        "claims": claims,
        "analogs": None if a is None else {"run_dir": str(a.run_dir) if a.run_dir else None,
                                           "dates": [x.date.isoformat() for x in a.answer.analogs],
                                           "score": a.score.sentence},
        "missing": result.missing,
        "how_we_judge": standard.how_we_judge(),
        "run_dir": str(result.run_dir) if result.run_dir else None,
    }
    return _clean(json.loads(json.dumps(payload, default=str)))


def write_note(result, results_root: Path, started: datetime, command_line: list[str] | None) -> Path:
    """results/note/<stem>-<run id>/: note.html, note.json, claims.csv and manifest.json, staged then renamed."""
    from dataclasses import replace

    from rtybt.engine.results import RunWriter, new_run_id
    from rtybt.engine.results.provenance import parameters_record, write_manifest

    text = result.path.read_bytes()
    key = hashlib.sha256(text + "".join(b.sha256 for b in result.bars.values()).encode())
    writer = RunWriter(results_root, "note", f"{result.path.stem}-{new_run_id(key.hexdigest(), started)}")
    final = writer.final_parent / writer.run_id
    shown = replace(result, run_dir=final)
    try:
        writer.write_text("note.html", render_html(shown, note_chart_png(shown), final))
        writer.write_text("note.json", json.dumps(result_dict(shown), indent=2, allow_nan=False) + "\n")
        writer.write_text("claims.csv", claims_frame(shown).to_csv(index=False, float_format="%.10g"))
        roles = [("traded", result.bars[result.note.instrument.symbol])]
        roles += [("history" if s == result.history_symbol else "market", b) for s, b in result.bars.items()
                  if s != result.note.instrument.symbol]
        inputs = [parameters_record("note", {"note": str(result.path), "note_sha256": hashlib.sha256(text).hexdigest()},
                                    roles)]
        write_manifest(writer, "note", inputs, started, command_line,
                       {"analogs_run": str(result.analogs.run_dir) if result.analogs and result.analogs.run_dir
                        else None})
        return writer.commit()
    except BaseException:
        writer.abort()
        raise
