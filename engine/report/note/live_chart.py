"""Report stage: the interactive note chart (TradingView's lightweight-charts, vendored in engine/report/vendor/ and
inlined): candles, the 50/200-day MAs, the note's and the config's levels as labelled price lines, trades as
markers beside the candles, RSI(14) with the note's 55 in a pane below; zoom and pan; a crosshair line reads OHLC,
the MAs, the RSI and the nearest level.

Any page can use it: `chart_data(...)` builds the data, `chart_html(data, element_id)` the markup, and `library()`
the script, inlined once per page. Data sent: daily bars over the zoom window and a year before it (the whole
history when it has at most `DAILY_LIMIT` bars), and the whole history at weekly resolution (a button switches),
so a 40-year history stays near 200 KB. The static PNG stays as the print and no-script fallback.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

DAILY_LIMIT = 2600  # about ten years of sessions: up to this, every daily bar is sent
CONTEXT_BARS = 260  # daily bars sent before the zoom window (a year of context to pan into)
LEVEL_COLOR, NOTE_COLOR = "#6f42c1", "#9a6700"


@dataclass(frozen=True)
class PriceLine:
    price: float
    label: str  # role and value, e.g. "target 4,500"
    source: str  # "config" or "note"


@cache
def library() -> str:
    """The vendored standalone build of lightweight-charts, as one inline <script> (read once per process)."""
    from importlib.resources import files

    text = (files("rtybt.engine.report.vendor") / "lightweight-charts.standalone.production.js").read_text("utf-8")
    return f"<script>{text}</script>"


def _bars_json(frame: pd.DataFrame) -> list[dict]:
    dates = frame.index.strftime("%Y-%m-%d")
    o, h, lo, c = (np.round(frame[k].to_numpy(dtype=float), 4) for k in ("open", "high", "low", "close"))
    return [{"time": t, "open": float(a), "high": float(b), "low": float(x), "close": float(y)}
            for t, a, b, x, y in zip(dates, o, h, lo, c, strict=True)]


def _line_json(series: pd.Series) -> list[dict]:
    s = series.dropna()
    return [{"time": t, "value": round(float(v), 4)} for t, v in zip(s.index.strftime("%Y-%m-%d"), s.to_numpy(),
                                                                      strict=True)]


def _weekly(frame: pd.DataFrame) -> pd.DataFrame:
    """Week bars (first open, highest high, lowest low, last close), dated by the week's last session."""
    week = frame.index.to_period("W")
    g = frame.groupby(week)
    out = pd.DataFrame({"open": g["open"].first(), "high": g["high"].max(), "low": g["low"].min(),
                        "close": g["close"].last()})
    out.index = pd.DatetimeIndex(pd.Series(frame.index, index=frame.index).groupby(week).last().to_numpy())
    return out


def _markers(trades: pd.DataFrame, first: pd.Timestamp, valid: set[str]) -> list[dict]:
    """Entries under the bar (an up arrow), exits above it (a down arrow, with why it closed): beside the candles,
    never on them."""
    out = []
    if trades is None or not len(trades):
        return out
    for t in trades.to_dict("records"):
        entry = pd.Timestamp(t["entry_date"])
        if entry >= first and entry.strftime("%Y-%m-%d") in valid:
            out.append({"time": entry.strftime("%Y-%m-%d"), "position": "belowBar", "color": "#1a7f37",
                        "shape": "arrowUp", "text": ""})
        exit_ = t.get("exit_date")
        if exit_ is not None and not pd.isna(exit_):
            when = pd.Timestamp(exit_)
            if when >= first and when.strftime("%Y-%m-%d") in valid:
                reason = t.get("exit_reason")
                out.append({"time": when.strftime("%Y-%m-%d"), "position": "aboveBar", "color": "#b42318",
                            "shape": "arrowDown", "text": reason if isinstance(reason, str) else ""})
    return sorted(out, key=lambda m: m["time"])


def chart_data(bars: pd.DataFrame, trades: pd.DataFrame | None, start, end, levels: list[PriceLine],
               title: str) -> dict:
    """Everything the page's script draws, as plain JSON-ready values."""
    from rtybt.engine.analysis.indicators import sma, wilder_rsi
    from rtybt.engine.report.note.note_chart import RSI_LINE

    close = bars["close"].to_numpy(dtype=float)
    ma50 = pd.Series(sma(close, 50), index=bars.index)
    ma200 = pd.Series(sma(close, 200), index=bars.index)
    rsi = pd.Series(wilder_rsi(close, 14), index=bars.index)
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    if len(bars) <= DAILY_LIMIT:
        daily = bars
    else:
        first = max(0, int(bars.index.searchsorted(start)) - CONTEXT_BARS)
        daily = bars.iloc[first:]
    weekly = _weekly(bars)
    daily_dates = set(daily.index.strftime("%Y-%m-%d"))
    weekly_dates = set(weekly.index.strftime("%Y-%m-%d"))
    return {
        "title": title,
        "zoom": [start.strftime("%Y-%m-%d"), min(end, bars.index[-1]).strftime("%Y-%m-%d")],
        "daily": {"bars": _bars_json(daily), "ma50": _line_json(ma50.loc[daily.index]),
                  "ma200": _line_json(ma200.loc[daily.index]), "rsi": _line_json(rsi.loc[daily.index]),
                  "markers": _markers(trades, daily.index[0], daily_dates)},
        "weekly": {"bars": _bars_json(weekly), "ma50": _line_json(ma50.reindex(weekly.index)),
                   "ma200": _line_json(ma200.reindex(weekly.index)), "rsi": _line_json(rsi.reindex(weekly.index)),
                   "markers": _markers(trades, weekly.index[0], weekly_dates) if trades is not None and
                   len(trades) <= 60 else []},
        "daily_note": ("daily bars from " + daily.index[0].strftime("%Y-%m-%d") if len(daily) < len(bars)
                       else "every daily bar"),
        "rsi_line": RSI_LINE,
        "levels": [{"price": lv.price, "label": lv.label, "color": NOTE_COLOR if lv.source == "note" else LEVEL_COLOR}
                   for lv in levels],
    }


SCRIPT = """
(function () {
  var id = %(id)s, D = JSON.parse(document.getElementById(id + '-data').textContent);
  var LW = window.LightweightCharts, box = document.getElementById(id);
  if (!LW) return;
  var MINUS = '\\u2212';
  function num(v, d) {
    return v == null ? '\\u2013' : v.toLocaleString('en-US', {minimumFractionDigits: d, maximumFractionDigits: d})
      .replace('-', MINUS);
  }
  var chart = LW.createChart(box.querySelector('.lc-canvas'), {
    autoSize: true,
    layout: {background: {color: '#ffffff'}, textColor: '#1b1f24', fontSize: 12},
    grid: {vertLines: {color: '#eef1f4'}, horzLines: {color: '#eef1f4'}},
    rightPriceScale: {borderColor: '#d8dde3'}, timeScale: {borderColor: '#d8dde3'},
    crosshair: {mode: LW.CrosshairMode.Normal},
    localization: {priceFormatter: function (p) { return num(p, 0); }}
  });
  var candles = chart.addSeries(LW.CandlestickSeries, {upColor: '#1a7f37', downColor: '#b42318', borderVisible: false,
    wickUpColor: '#1a7f37', wickDownColor: '#b42318', priceLineVisible: false, lastValueVisible: false});
  var ma50 = chart.addSeries(LW.LineSeries, {color: '#1f77b4', lineWidth: 2, title: '50-day MA',
    priceLineVisible: false, crosshairMarkerVisible: false});
  var ma200 = chart.addSeries(LW.LineSeries, {color: '#e67e22', lineWidth: 2, title: '200-day MA',
    priceLineVisible: false, crosshairMarkerVisible: false});
  // On a phone the lines keep their values on the axis; their names (which would cover candles) go to the
  // crosshair line, as do the exits' reasons.
  var narrow = box.clientWidth < 700;
  if (narrow) [ma50, ma200].forEach(function (s) { s.applyOptions({title: ''}); });
  // RSI(14) in a pane of its own under the candles, the note's threshold a labelled line.
  var rsi = chart.addSeries(LW.LineSeries, {color: '#8e44ad', lineWidth: 1, title: narrow ? '' : 'RSI(14)',
    priceLineVisible: false, crosshairMarkerVisible: false}, 1);
  rsi.createPriceLine({price: D.rsi_line, color: '#e67e22', lineWidth: 1, lineStyle: LW.LineStyle.Dashed,
    axisLabelVisible: true, title: narrow ? '' : "the note's " + D.rsi_line});
  chart.panes()[1].setStretchFactor(0.6);
  D.levels.forEach(function (l) {
    candles.createPriceLine({price: l.price, color: l.color, lineWidth: 1, lineStyle: LW.LineStyle.Dashed,
      axisLabelVisible: true, title: narrow ? '' : l.label});
  });
  if (narrow) ['daily', 'weekly'].forEach(function (m) { D[m].markers.forEach(function (k) { k.text = ''; }); });
  var markers = LW.createSeriesMarkers(candles, []);
  var mode = null, buttons = box.querySelectorAll('button[data-mode]');
  function show(m) {
    mode = m;
    candles.setData(D[m].bars); ma50.setData(D[m].ma50); ma200.setData(D[m].ma200); rsi.setData(D[m].rsi);
    markers.setMarkers(D[m].markers);
    buttons.forEach(function (b) { b.setAttribute('aria-pressed', String(b.dataset.mode === m)); });
    if (m === 'daily') {
      var ts = chart.timeScale();
      ts.setVisibleRange({from: D.zoom[0], to: D.zoom[1]});
      // Room right of the last bar for the levels' labels, so that no label sits on a candle.
      var r = ts.getVisibleLogicalRange(), room = narrow || !D.levels.length ? 0 : 190, w = ts.width();
      if (r && room && w > 2 * room) ts.setVisibleLogicalRange({from: r.from, to: r.to + (r.to - r.from) * room / (w - room)});
    } else chart.timeScale().fitContent();
  }
  buttons.forEach(function (b) { b.addEventListener('click', function () { show(b.dataset.mode); }); });
  var legend = box.querySelector('.lc-legend');
  function at(series, time) {
    var rows = D[mode][series], lo = 0, hi = rows.length - 1;
    while (lo <= hi) { var mid = (lo + hi) >> 1; if (rows[mid].time === time) return rows[mid];
      if (rows[mid].time < time) lo = mid + 1; else hi = mid - 1; }
    return null;
  }
  chart.subscribeCrosshairMove(function (p) {
    if (!p || !p.time || !p.point) { legend.textContent = legend.dataset.idle; return; }
    var b = p.seriesData.get(candles), a = at('ma50', p.time), c = at('ma200', p.time), r = at('rsi', p.time);
    var price = candles.coordinateToPrice(p.point.y), near = null;
    D.levels.forEach(function (l) { if (near === null || Math.abs(l.price - price) < Math.abs(near.price - price)) near = l; });
    var text = p.time + (b ? '  O ' + num(b.open, 1) + '  H ' + num(b.high, 1) + '  L ' + num(b.low, 1) +
      '  C ' + num(b.close, 1) : '') + '  50-day ' + num(a && a.value, 1) + '  200-day ' + num(c && c.value, 1) +
      '  RSI ' + num(r && r.value, 1);
    if (near && price != null && Math.abs(near.price - price) / near.price < 0.02) text += '  level: ' + near.label;
    legend.textContent = text;
  });
  show('daily');
  window.rtybtCharts = (window.rtybtCharts || []).concat([chart]);
})();
"""


def chart_html(data: dict, element_id: str = "live-chart") -> str:
    """The chart's markup, its data (JSON in a script tag) and the script that draws it (the library goes in once
    per page, before it: `library()`)."""
    from rtybt.engine.report import html as h

    # "<" as its JSON escape: no text from a file (a symbol, a level's label) can open or close a tag in the page.
    payload = json.dumps(data, separators=(",", ":"), allow_nan=False).replace("<", "\\u003c")
    idle = ("Scroll or pinch to zoom, drag to pan; the crosshair reads the bar, the MAs, the RSI and the nearest "
            f"level. Daily: {data['daily_note']}; weekly: the whole history.")
    return (
        f'<div class="live-chart" id="{h.esc(element_id)}"><div class="lc-head"><b>{h.esc(data["title"])}</b> '
        '<span class="lc-modes"><button type="button" data-mode="daily">daily</button>'
        '<button type="button" data-mode="weekly">weekly, whole history</button></span></div>'
        f'<div class="lc-canvas"></div><div class="lc-legend" data-idle="{h.esc(idle)}">{h.esc(idle)}</div></div>'
        f'<script type="application/json" id="{h.esc(element_id)}-data">{payload}</script>'
        f"<script>{SCRIPT % {'id': json.dumps(element_id)}}</script>"
    )


CSS = """
.live-chart { margin: 0.8em 0 0.3em; }
.lc-head { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 0.4em; font-size: 0.92em; }
.lc-modes button { font: inherit; font-size: 0.9em; margin-left: 0.3em; padding: 0.1em 0.6em; border: 1px solid var(--line);
                   border-radius: 4px; background: #fff; cursor: pointer; }
.lc-modes button[aria-pressed="true"] { background: var(--accent); border-color: var(--accent); color: #fff; }
.lc-canvas { width: 100%; height: 560px; margin-top: 0.3em; }
.lc-legend { font-size: 0.85em; color: var(--muted); font-variant-numeric: tabular-nums; min-height: 2.8em; }
html:not(.js) .live-chart { display: none; }
html.js figure.no-script { display: none; }
@media (max-width: 600px) { .lc-canvas { height: 440px; } }
@media print { .live-chart { display: none !important; } html.js figure.no-script { display: block; } }
"""
