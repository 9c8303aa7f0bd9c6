"""Report stage: the page shell every report shares (inline CSS, images as data URIs, no scripts or outside links).

One font, one style, one way to format a number: the tearsheet, the comparison and sweep pages and any
new page (study, analogs) build on `page`, `table`, `figure` and `fmt` so they read and print the same.
Tables sit in a box that scrolls horizontally on a narrow screen; figures never exceed the page width.
"""

from __future__ import annotations

import base64
import html
import math
from collections.abc import Iterable

NARROW_PX = 600  # below this width a page is a phone's: narrow charts, sticky first columns
MINUS = "\u2212"  # a real minus sign: "-0.5" and "−0.5" must not both appear on one page

CSS = """
:root { --ink: #1b1f24; --muted: #5b6470; --line: #d8dde3; --accent: #1f5fa8; --good: #1a7f37; --bad: #b42318;
        --warn: #9a6700; --soft: #f5f7fa; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif;
       color: var(--ink); max-width: 1200px; margin: 0 auto; padding: 1.2em 1.2em 3em; line-height: 1.5;
       font-size: 16px; overflow-wrap: break-word; }
h1 { font-size: 1.55em; line-height: 1.25; margin: 0.2em 0 0.3em; }
h2 { font-size: 1.25em; border-bottom: 2px solid var(--accent); padding-bottom: 0.15em; margin-top: 2em; }
h3 { font-size: 1.05em; margin: 1.4em 0 0.3em; }
p { margin: 0.5em 0; }
.question { font-size: 1.05em; font-style: italic; color: var(--muted); margin: 0 0 0.6em; }
.muted { color: var(--muted); font-size: 0.9em; }
.note { color: var(--muted); font-size: 0.88em; margin-top: -0.4em; }
.scroll { overflow-x: auto; max-width: 100%; margin: 0.5em 0 1.1em; -webkit-overflow-scrolling: touch; }
table { border-collapse: collapse; font-size: 0.9em; font-variant-numeric: tabular-nums; }
caption { caption-side: top; text-align: left; font-weight: 600; padding: 0.2em 0; }
th, td { border-bottom: 1px solid var(--line); padding: 0.3em 0.65em; text-align: right; white-space: nowrap; }
th { font-weight: 600; }
thead th { background: var(--soft); border-bottom: 2px solid var(--line); vertical-align: bottom; white-space: normal;
           min-width: 4.5em; max-width: 9em; hyphens: manual; }
th:first-child, td:first-child, td.text, th.text { text-align: left; }
td.prose { text-align: left; white-space: normal; min-width: 16em; }
td.wrap { white-space: normal; min-width: 7em; }
td.good { color: var(--good); } td.bad { color: var(--bad); }
td.out { color: #9aa3ad; background: repeating-linear-gradient(135deg, #fff, #fff 4px, #f1f3f5 4px, #f1f3f5 8px); }
tr.bench td { color: var(--muted); font-style: italic; }
details.fold { margin: -0.6em 0 1.1em; font-size: 0.92em; }
details.fold > summary { color: var(--muted); cursor: pointer; }
img { max-width: 100%; height: auto; display: block; }
figure { margin: 0.8em 0 1.2em; max-width: 100%; }
figcaption { font-size: 0.88em; color: var(--muted); margin-top: 0.2em; }
code { font-family: ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace; font-size: 0.9em;
       background: var(--soft); padding: 0 0.25em; border-radius: 3px; }
a { color: var(--accent); }
ul.rules { padding-left: 1.3em; margin: 0.4em 0; } ul.rules li { margin: 0.2em 0; }
.verdict { font-size: 1.05em; background: #fbfcfe; border-left: 5px solid var(--accent); padding: 0.8em 1em; }
.card { border: 1px solid var(--line); border-left: 6px solid var(--accent); border-radius: 6px;
        padding: 0.9em 1.1em 0.8em; margin: 0.6em 0 1.2em; background: #fbfcfe; }
.card.paid-off { border-left-color: var(--good); } .card.did-not-pay-off { border-left-color: var(--bad); }
.card.mixed, .card.not-enough-evidence { border-left-color: var(--warn); }
.status { display: inline-block; font-weight: 700; font-size: 0.95em; letter-spacing: 0.02em; padding: 0.15em 0.6em;
          border-radius: 999px; color: #fff; background: var(--accent); text-transform: uppercase; }
.paid-off .status { background: var(--good); } .did-not-pay-off .status { background: var(--bad); }
.mixed .status, .not-enough-evidence .status { background: var(--warn); }
.not-distinguishable-from-buy-and-hold .status { background: var(--muted); }
.card.not-distinguishable-from-buy-and-hold { border-left-color: var(--muted); }
.card.look-ahead-not-judged { border-left-color: var(--bad); } .look-ahead-not-judged .status { background: var(--bad); }
.card p.says { font-size: 1.05em; margin: 0.55em 0; }
.tiles { display: flex; flex-wrap: wrap; gap: 0.5em; margin: 0.7em 0 0.3em; }
.tile { flex: 1 1 9.5em; border: 1px solid var(--line); border-radius: 5px; padding: 0.4em 0.6em; background: #fff; }
.tile .k { font-size: 0.78em; color: var(--muted); text-transform: uppercase; letter-spacing: 0.03em; }
.tile .v { font-size: 1.3em; font-weight: 650; font-variant-numeric: tabular-nums; }
.tile .b { font-size: 0.82em; color: var(--muted); }
.tile.good .v { color: var(--good); } .tile.bad .v { color: var(--bad); }
.track { display: inline-flex; width: 14em; height: 0.8em; vertical-align: middle; margin-right: 0.5em;
         print-color-adjust: exact; -webkit-print-color-adjust: exact; }
.track > span { flex: 1; display: flex; } .track > span.neg { justify-content: flex-end; border-right: 1px solid #888; }
.track i { display: block; height: 100%; } .track .neg i { background: var(--bad); } .track .pos i { background: var(--good); }
.track.muted .neg i, .track.muted .pos i { background: #9aa3ad; }
nav.toc { font-size: 0.88em; color: var(--muted); margin: 0.3em 0 0.8em; }
nav.toc a { margin-right: 0.8em; white-space: nowrap; }
section { break-inside: auto; }
@media (max-width: 600px) {
  body { font-size: 15px; padding: 0.8em 0.8em 2em; }
  h1 { font-size: 1.3em; }
  .tile { flex-basis: 8em; }
  .track { width: 6em; }
  /* Charts scale to the column (a narrow rendering is swapped in by <picture>); tables keep their first column
     in view while the numbers scroll under it. */
  .scroll th:first-child, .scroll td:first-child { position: sticky; left: 0; z-index: 1; background: #fff;
                                                   box-shadow: 1px 0 0 var(--line); }
  .scroll thead th:first-child { background: var(--soft); }
  td.prose { min-width: 8em; }
  .scroll td:first-child { white-space: normal; max-width: 10em; }
}
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 10pt; }
  h2 { break-before: page; } h2.first { break-before: avoid; }
  figure, table, .card { break-inside: avoid; }
  .scroll { overflow: visible; }
  nav.toc { display: none; }
  .card, .tile, .verdict { background: none; }
}
"""


def esc(value) -> str:
    return html.escape(str(value), quote=True)


def png_data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def figure(png: bytes, alt: str, caption: str = "", width: int | None = None, narrow: bytes | None = None) -> str:
    """An embedded PNG that scales to the column; `width` (CSS px) caps its displayed width; `narrow` is the same
    chart drawn for a phone's width (figures.to_pngs), shown there instead, so its text stays legible."""
    cap = f"<figcaption>{esc(caption)}</figcaption>" if caption else ""
    style = f' style="width:{int(width)}px"' if width else ""
    img = f'<img src="{png_data_uri(png)}" alt="{esc(alt)}"{style}>'
    if narrow is not None:
        img = f'<picture><source media="(max-width: {NARROW_PX}px)" srcset="{png_data_uri(narrow)}">{img}</picture>'
    return f"<figure>{img}{cap}</figure>"


def scroll(inner: str) -> str:
    """A box that scrolls horizontally when its content is wider than the screen."""
    return f'<div class="scroll">{inner}</div>'


def _numeric(value) -> bool:
    """Does a cell read as a number (1,234 / −5.2% / $300 / +0.11% / 2025-05-08 / – / n/a)?"""
    text = str(value).strip().replace(MINUS, "-")
    if text in ("", "-", "–", "n/a") or text.startswith("n/a"):
        return True
    core = text.replace(",", "").replace("%", "").replace("$", "").replace("+", "").replace("×", "").strip()
    for part in core.split(" to "):
        part = part.strip()
        try:
            float(part)
            continue
        except ValueError:
            pass
        if len(part) == 10 and part[4] == "-" and part[7] == "-" and part.replace("-", "").isdigit():
            continue
        return False
    return True


def _cell(value, css: str = "") -> str:
    if isinstance(value, Cell):
        return value.html()
    return f'<td class="{css}">{esc(value)}</td>' if css else f"<td>{esc(value)}</td>"


class Cell:
    """A table cell with a CSS class (text, prose, good, bad, out) and optional raw (already escaped) HTML."""

    def __init__(self, text, css: str = "", raw: bool = False, title: str = "", colspan: int = 1):
        self.text, self.css, self.raw, self.title, self.colspan = text, css, raw, title, colspan

    def html(self) -> str:
        body = self.text if self.raw else esc(self.text)
        attrs = (f' class="{self.css}"' if self.css else "") + (f' title="{esc(self.title)}"' if self.title else "")
        attrs += f' colspan="{self.colspan}"' if self.colspan > 1 else ""
        return f"<td{attrs}>{body}</td>"


def table(header: Iterable, rows: Iterable[Iterable], caption: str = "", row_classes: Iterable[str] | None = None,
          fold: Iterable[str] = (), fold_title: str = "More columns") -> str:
    """A table in a horizontal scroll box; a cell is a value (escaped) or a `Cell`.

    `fold` names secondary columns (raw counts, parameters, second-order statistics): they leave the main table,
    so the columns a verdict cites stay in view on a laptop, and go to a second table (the first column, then
    them) inside a closed `<details>` right under it. Any page can use it the same way."""
    header, rows = list(header), [list(r) for r in rows]
    folded = [i for i, name in enumerate(header) if i > 0 and name in set(fold)]
    if folded:
        kept = [i for i in range(len(header)) if i not in folded]
        full = [r for r in rows if len(r) == len(header)]  # a row spanning columns stays in the main table only
        main = table([header[i] for i in kept], [[r[i] for i in kept] if len(r) == len(header) else r for r in rows],
                     caption, row_classes)
        names = [header[i] for i in folded]
        second = table([header[0], *names], [[r[0], *(r[i] for i in folded)] for r in full])
        shown = ", ".join(names) if len(names) <= 5 else f"{', '.join(names[:3])} and {len(names) - 3} more"
        return (main + f'<details class="fold"><summary>{esc(fold_title)}: {esc(shown)}</summary>'
                f"{second}</details>")
    # A column of words is left-aligned, header included: cells marked text/prose, or plain cells none of
    # which reads as a number (numbers, percentages, amounts and dates stay right-aligned).
    width = max((len(r) for r in rows), default=0)
    words = []
    for i in range(width):
        column = [r[i] for r in rows if i < len(r)]
        marked = [c for c in column if isinstance(c, Cell)]
        plain = [c for c in column if not isinstance(c, Cell) and str(c).strip()]
        words.append(bool(column) and (any(set(c.css.split()) & {"text", "prose"} for c in marked)
                                       or (bool(plain) and not marked and not any(_numeric(c) for c in plain))))
    head = "".join(f'<th class="text">{esc(h)}</th>' if i < width and words[i] else f"<th>{esc(h)}</th>"
                   for i, h in enumerate(header))
    classes = list(row_classes) if row_classes is not None else None
    body = []
    for i, row in enumerate(rows):
        tr = f'<tr class="{classes[i]}">' if classes and classes[i] else "<tr>"
        body.append(tr + "".join(_cell(c, "text" if j < width and words[j] else "") for j, c in enumerate(row))
                    + "</tr>")
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return scroll(f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")


def fmt(value, kind: str = "ratio") -> str:
    """A number for people, by its unit, with one decimals rule per unit: pct (1,402.04%: returns, rates,
    shares), spct (+1.23%: a return or excess, signed), pct1 (12.3%: heat-map cells), ratio (0.51), sratio
    (+0.05: a signed score), p (0.042: p-values, probabilities, Brier), num1 (8.5), int (1,234), days
    (45 days), usd ($1,234), price (2,050.0), date (2026-02-20); None/NaN is an en dash. Thousands separators
    and the Unicode minus throughout, and a zero never reads "−0.00%"."""
    if value is None:
        return "–"
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    try:
        x = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(x):
        return "–"
    if math.isinf(x):
        return "∞" if x > 0 else MINUS + "∞"
    if kind == "pct":
        text = f"{x * 100:,.2f}%"
    elif kind == "spct":
        text = f"{x * 100:+,.2f}%"
    elif kind == "pct1":
        text = f"{x * 100:,.1f}%"
    elif kind == "sratio":
        text = f"{x:+,.2f}"
    elif kind == "p":
        text = f"{x:.3f}"
    elif kind == "int":
        text = f"{round(x):,}"
    elif kind == "days":
        text = f"{round(x):,} day" + ("" if round(x) == 1 else "s")
    elif kind == "usd":
        text = f"${x:,.0f}" if x >= 0 else f"-${-x:,.0f}"
    elif kind in ("num1", "price"):
        text = f"{x:,.1f}"
    else:
        text = f"{x:,.2f}"
    if text[:1] in "-+" and set(text[1:]) <= set("0.,%$"):
        text = text[1:]  # "-0.00%" and "+0.00%" are zero
    return text.replace("-", MINUS)


def minus(text: str) -> str:
    """Text written for the terminal or a CSV (an ASCII hyphen before a negative number) in the pages' Unicode minus:
    the one conversion every page uses for a sentence or number it did not format with `fmt`. A hyphen inside a
    word or a date (2025-05-08) stays."""
    import re

    return re.sub(r"(?<![\w.])-(?=\d)", MINUS, text)


def fmt_cell(value) -> str:
    """A raw value of unknown unit (kept for old callers): dates, booleans, counts, two-decimal numbers."""
    if isinstance(value, int) and not isinstance(value, bool):
        return fmt(value, "int")
    return fmt(value, "ratio")


def frame_table(frame, caption: str = "", index_label: str = "") -> str:
    """A pandas DataFrame as an HTML table, every cell formatted by `fmt_cell`."""
    header = [index_label or (frame.index.name or "")] + [str(c) for c in frame.columns]
    rows = [[fmt_cell(i)] + [fmt_cell(v) for v in row] for i, row in zip(frame.index, frame.to_numpy(), strict=True)]
    return table(header, rows, caption)


def page(title: str, body: str, subtitle: str = "", extra_css: str = "", js: bool = False) -> str:
    """The whole HTML document around `body`: viewport, one stylesheet, no script unless `js` (a page with an
    interactive chart: its <html> gets the class "js", so the static fallback hides only where scripts run)."""
    sub = f'<meta name="description" content="{esc(subtitle)}">' if subtitle else ""
    flag = "<script>document.documentElement.classList.add('js')</script>" if js else ""
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"{sub}<title>{esc(title)}</title><style>{CSS}{extra_css}</style>{flag}</head>\n<body>\n{body}\n{how_we_judge_section()}"
        "\n</body></html>\n"
    )


def how_we_judge_section() -> str:
    """The one "How rtybt judges" section, generated from the standard (every page ends with it; verdicts link
    to #how-we-judge)."""
    from rtybt.engine.analysis.standard import how_we_judge

    paras = "".join(f"<p>{esc(p)}</p>" for p in how_we_judge())
    return f'<section id="how-we-judge"><h2>How rtybt judges</h2>{paras}</section>'


def shade(value: float | None, full: float = 0.10) -> str:
    """A calm green/red background for a return, full strength at `full` (10%)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    strength = min(abs(value) / full, 1.0)
    base = (26, 127, 55) if value >= 0 else (180, 35, 24)
    alpha = round(0.08 + 0.32 * strength, 2)
    return f"background:rgba({base[0]},{base[1]},{base[2]},{alpha})"


def heat_table(frame, caption: str = "", out_of_market=None, kind: str = "pct1") -> str:
    """A table of returns shaded green (gain) or red (loss) by size; `out_of_market` (same shape, bool)
    marks cells where the strategy held no position at all (hatched, labelled)."""
    head = "".join(f"<th>{esc(c)}</th>" for c in [frame.index.name or "", *frame.columns])
    rows = []
    mask = out_of_market.to_numpy() if out_of_market is not None else None
    for r, (i, row) in enumerate(zip(frame.index, frame.to_numpy(), strict=True)):
        cells = []
        for c, v in enumerate(row):
            v = None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)
            if v is not None and mask is not None and bool(mask[r, c]):
                cells.append('<td class="out" title="no position this month">out</td>')
            elif v is None:
                cells.append("<td></td>")
            else:
                cells.append(f'<td style="{shade(v)}">{fmt(v, kind)}</td>')
        rows.append(f"<tr><td>{esc(i)}</td>{''.join(cells)}</tr>")
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return scroll(f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")


def bar_cell(value: float | None, scale: float, kind: str = "pct1", muted: bool = False) -> Cell:
    """A value with a horizontal bar around a zero line (left: loss, right: gain), full width at `scale`."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or not scale:
        return Cell("–")
    width = f"{min(abs(value) / scale, 1.0) * 100:.1f}%"
    neg, pos = (width, "0%") if value < 0 else ("0%", width)
    track = (f'<span class="track{" muted" if muted else ""}" aria-hidden="true"><span class="neg"><i style="width:{neg}">'
             f'</i></span><span class="pos"><i style="width:{pos}"></i></span></span>')
    return Cell(f"{track}{esc(fmt(value, kind))}", "text", raw=True)
