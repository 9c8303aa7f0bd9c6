"""Report stage: the note's chart: candles or close with the 50/200-day MAs, RSI(14) with the 55 line, the zones
as they stood on each date, the config's absolute levels, and the trades (thinned on long spans)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from rtybt.engine.analysis.indicators import sma, wilder_rsi
from rtybt.engine.report.run.figures import fit, plain_price_axis, pyplot, to_png

RSI_LINE = 55.0  # the note: "RSI (14): 58.26 — gaining momentum, approaching bullish zone"
NOTE_DATE = date(2025, 5, 8)  # the day data/note/rty-ready-to-rally.txt was written
ZONE_STEP = 5  # zones are re-detected every this many bars (a week) across the zoom window
MAX_ZONES = 3  # per side, the nearest ones, as `rtybt snapshot` lists them
MARKER_LIMIT = 60  # more trades than this in view: shade the time in the market instead of drawing markers
RES_COLOR, SUP_COLOR = "#c0392b", "#1a7f37"
NOTE_COLOR = "#9a6700"  # the note's own levels (ochre), apart from the config's (purple)
LABEL_BOX = {"facecolor": "white", "alpha": 0.75, "lw": 0, "pad": 1.0}
# The note's own absolute bands, drawn when the strategy trades the note's absolute levels.
NOTE_BANDS = ((2150.0, 2200.0, "note: upside target 2,150–2,200"), (1850.0, 1880.0, "note: April low 1,850–1,880"))
# The note's key levels (data/note/rty-ready-to-rally.txt, "Key Levels to Watch" and the bull case), in its own
# words; (low, high, role in the note, what it is). A level's side of price is worked out on the chart's date.
NOTE_LEVELS = ((2050.0, 2070.0, "resistance", "swing highs / congestion"),
               (2150.0, 2200.0, "upside target", "200-day test"),
               (1850.0, 1880.0, "support", "April low"))
NOTE_SYMBOLS = ("RTY=F", "^RUT")  # the note's index and its future: the only charts its absolute levels belong on


def note_levels(symbol: str, price: float) -> list[tuple[float, float, str]]:
    """The note's levels for a chart of `symbol` whose last close is `price`: (low, high, label), the label with the
    role as of that close (a resistance the price has risen through is now support) and the values (what each
    level is, in the note's words, is in NOTE_LEVELS)."""
    if symbol not in NOTE_SYMBOLS:
        return []
    out = []
    for low, high, role, _what in NOTE_LEVELS:
        if role in ("resistance", "support"):
            role = "resistance" if price < low else "support" if price > high else "inside"
        out.append((low, high, f"note {role} {low:,.0f}–{high:,.0f}"))
    return out
LEVEL_ROLES = {"confirm_level": "confirm", "breakout_level": "breakout", "target_level": "target",
               "stop_level": "stop", "resistance_low": "resistance", "resistance_high": "resistance top",
               "support_level": "support"}


@dataclass(frozen=True)
class Level:
    price: float
    label: str


def config_levels(params: dict, units: dict[str, str]) -> list[Level]:
    """The absolute price levels a strategy's parameters set (unit 'price', not None), labelled by role."""
    out = []
    for name, value in params.items():
        if units.get(name) == "price" and value is not None and not isinstance(value, bool):
            role = LEVEL_ROLES.get(name, name.replace("_", " "))
            out.append(Level(float(value), f"{role} {float(value):,.0f}"))
    return out


LABEL_MARGIN = 0.30  # the right margin (a share of the window's span) where the level labels sit, clear of candles


def spread_labels(values: list[float], gap: float, low: float, high: float) -> list[float]:
    """Heights for labels that want to sit at `values`: each as near its value as it can, none closer than `gap`
    to another, all within [low, high]; returned in the order given. Pure, so the placement can be tested."""
    if not values:
        return []
    order = sorted(range(len(values)), key=lambda i: values[i])
    ys = [min(max(values[i], low), high) for i in order]
    for k in range(1, len(ys)):  # push up from the lowest
        ys[k] = max(ys[k], ys[k - 1] + gap)
    if ys[-1] > high:  # then down from the top, if the stack ran over it
        ys[-1] = high
        for k in range(len(ys) - 2, -1, -1):
            ys[k] = min(ys[k], ys[k + 1] - gap)
    out = [0.0] * len(values)
    for k, i in enumerate(order):
        out[i] = ys[k]
    return out


def zoom_window(index: pd.DatetimeIndex, months: int, chosen: tuple | None = None) -> tuple[pd.Timestamp, pd.Timestamp]:
    """`chosen` (report.zoom) if given; else the last `months` months, moved back to hold the note's date
    when the data covers that date but the last months do not."""
    last = index[-1]
    if chosen:
        return pd.Timestamp(chosen[0]), pd.Timestamp(chosen[1])
    start = last - pd.DateOffset(months=months)
    note = pd.Timestamp(NOTE_DATE)
    if index[0] <= note < start:
        start = note - pd.DateOffset(months=3)
        return start, start + pd.DateOffset(months=months)
    return start, last


def zone_history(bars: pd.DataFrame, first: int, last: int, step: int = ZONE_STEP):
    """[(from_bar, to_bar, zone)] : the nearest zones on each side as detected on bar `i` (no later bar used),
    held until the next re-detection.

    Same zones as `detect_zones(..., upto=i)` on every step (tested), with the pivots found once: a pivot at
    bar j is the same on the whole series as on one cut after j + right (strategies/levels.py).
    """
    from rtybt.strategies.levels import (
        LOOKBACK_BARS,
        PIVOT_RIGHT,
        TOLERANCE_PCT,
        cluster_zones,
        find_pivots,
    )

    high, low, close = (bars[c].to_numpy(dtype=float) for c in ("high", "low", "close"))
    is_high, is_low = find_pivots(high, low)
    highs, lows = np.flatnonzero(is_high), np.flatnonzero(is_low)
    spans = []
    for i in range(first, last + 1, step):
        lo_bar = max(0, i - LOOKBACK_BARS)
        h_idx = highs[(highs >= lo_bar) & (highs + PIVOT_RIGHT <= i)]
        l_idx = lows[(lows >= lo_bar) & (lows + PIVOT_RIGHT <= i)]
        pivots = [(float(high[j]), int(j + PIVOT_RIGHT)) for j in h_idx]
        pivots += [(float(low[j]), int(j + PIVOT_RIGHT)) for j in l_idx]
        zones = cluster_zones(pivots, float(close[i]), TOLERANCE_PCT)
        res = sorted((z for z in zones if z.kind == "resistance"), key=lambda z: z.low)[:MAX_ZONES]
        sup = sorted((z for z in zones if z.kind == "support"), key=lambda z: -z.high)[:MAX_ZONES]
        for z in res + sup:
            spans.append((i, min(i + step, last), z))
    return spans


def _candles(ax, frame: pd.DataFrame) -> None:
    """Wicks and bodies as two line collections (hundreds of bar patches cost seconds to draw)."""
    x = frame.index.to_numpy()
    o, h, lo, c = (frame[k].to_numpy(dtype=float) for k in ("open", "high", "low", "close"))
    color = np.where(c >= o, "#1a7f37", "#b42318")
    ax.vlines(x, lo, h, colors=color, lw=0.7)
    top = np.maximum(o, c)
    bottom = np.minimum(o, c)
    flat = top - bottom < (h - lo) * 0.02  # a doji still shows a body
    bottom = np.where(flat, bottom - (h - lo) * 0.01, bottom)
    top = np.where(flat, top + (h - lo) * 0.01, top)
    width = max(1.0, min(4.0, 520.0 / max(len(frame), 1)))  # points: about a session's width on a 9-inch axis
    ax.vlines(x, bottom, top, colors=color, lw=width)


def _zone_rectangles(ax, idx: pd.DatetimeIndex, spans) -> set[str]:
    """The zones' spans merged where a zone held unchanged, drawn as one collection per kind."""
    import matplotlib.dates as mdates
    from matplotlib.collections import PolyCollection

    merged: dict[tuple, list[int]] = {}
    order = []
    for a, b, z in spans:
        key = (z.kind, z.low, z.high)
        if key in merged and merged[key][1] >= a:
            merged[key][1] = b
        else:
            if key in merged:
                order.append((key, tuple(merged[key])))
            merged[key] = [a, b]
    order += [(key, tuple(v)) for key, v in merged.items()]
    x = mdates.date2num(idx.to_pydatetime())
    kinds = set()
    for kind, color in (("resistance", RES_COLOR), ("support", SUP_COLOR)):
        verts = []
        for (k, low, high), (a, b) in order:
            if k != kind:
                continue
            mid = (low + high) / 2
            pad = max(0.0, 0.0015 * mid - (high - low)) / 2  # a one-pivot zone is still visible
            verts.append([(x[a], low - pad), (x[b], low - pad), (x[b], high + pad), (x[a], high + pad)])
        if verts:
            ax.add_collection(PolyCollection(verts, facecolors=color, alpha=0.22, linewidths=0))
            kinds.add(kind)
    return kinds


def note_chart_figure(bars: pd.DataFrame, trades: pd.DataFrame, title: str, start=None, end=None,
                      levels: list[Level] = (), note_bands: bool | list = False, candles: bool | None = None,
                      zones: bool = True, bands_label: str = "the note's levels"):
    """The chart from `start` to `end` (default: every bar); MAs and RSI are computed on the whole history first.

    A window of up to ~2 years is drawn with candles, every zone as it stood on each date and each trade's
    entry and exit, and the daily RSI(14) with the note's threshold; a longer one with the close on a log axis
    (plain ticks), the time in the market shaded, and a strip marking the days the RSI was at or above the
    threshold (a daily line over decades is a smear, a monthly range a zigzag no one can read).
    """
    plt = pyplot()
    close = bars["close"]
    values = close.to_numpy(dtype=float)
    ma50 = pd.Series(sma(values, 50), index=close.index)
    ma200 = pd.Series(sma(values, 200), index=close.index)
    rsi = pd.Series(wilder_rsi(values, 14), index=close.index)
    window = slice(pd.Timestamp(start) if start is not None else None, pd.Timestamp(end) if end is not None else None)
    frame = bars.loc[window]
    c, m50, m200, r = close.loc[window], ma50.loc[window], ma200.loc[window], rsi.loc[window]
    long_span = len(frame) > 520
    candles = (not long_span) if candles is None else candles
    # A long span's RSI is a thin strip of the days at or above the note's threshold; a zoom's is the daily line.
    fig, (ax, ax_rsi) = plt.subplots(2, 1, figsize=(9, 5.6), sharex=True,
                                     gridspec_kw={"height_ratios": [7, 1] if long_span else [3, 1.1]})
    if len(frame) == 0:
        ax.text(0.5, 0.5, "no bars in this window", transform=ax.transAxes, ha="center")
        return fig
    if candles:
        _candles(ax, frame)
        ax.plot([], [], color="#1a7f37", lw=4, label="daily candle (green: up, red: down)")
    else:
        ax.plot(c.index, c.to_numpy(), color="#222", lw=0.8, label="close")
    ax.plot(m50.index, m50.to_numpy(), color="#1f77b4", lw=1.3, label="50-day MA")
    ax.plot(m200.index, m200.to_numpy(), color="#e67e22", lw=1.3, label="200-day MA")

    idx = bars.index
    first, last = idx.get_indexer([frame.index[0]])[0], idx.get_indexer([frame.index[-1]])[0]
    if zones and not long_span:
        drawn = _zone_rectangles(ax, idx, zone_history(bars, first, last))
        for kind, color in (("resistance", RES_COLOR), ("support", SUP_COLOR)):
            if kind in drawn:
                ax.plot([], [], color=color, alpha=0.35, lw=7, label=f"{kind} zone as detected that week")
    lo_view, hi_view = float(frame["low"].min()), float(frame["high"].max())
    span = hi_view - lo_view
    bands = list(NOTE_BANDS) if note_bands is True else list(note_bands or [])
    labels: list[tuple[float, str, str]] = []  # (price, text, colour): placed together in the right margin
    # A level within a window's height of the prices is drawn, and the price axis stretches to hold it: the note's
    # levels always appear on the note's chart (a level far from every price belongs to another era's scale).
    near = span * (1.0 if not long_span else 0.3)
    shown_bands = [bd for bd in bands if lo_view - near <= bd[1] and bd[0] <= hi_view + near]
    if shown_bands and not long_span:
        for lo_b, hi_b, label in shown_bands:
            ax.axhspan(lo_b, hi_b, color=NOTE_COLOR, alpha=0.13, lw=0)
            labels.append(((lo_b + hi_b) / 2, label, NOTE_COLOR))
        ax.plot([], [], color=NOTE_COLOR, alpha=0.35, lw=7, label=bands_label)
    shown_levels = [lv for lv in levels if lo_view - near <= lv.price <= hi_view + near]
    for lv in shown_levels:
        ax.axhline(lv.price, color="#6f42c1", lw=1.1, ls=(0, (4, 3)))
        labels.append((lv.price, lv.label, "#6f42c1"))
    if shown_levels:
        ax.plot([], [], color="#6f42c1", lw=1.1, ls=(0, (4, 3)), label="the config's absolute levels")
    for name, series, color in (("50-day MA", m50, "#1f77b4"), ("200-day MA", m200, "#e67e22")):
        last_ma = series.dropna()
        if len(last_ma) and not long_span:
            labels.append((float(last_ma.iloc[-1]), f"{name} {float(last_ma.iloc[-1]):,.1f}", color))
    note = pd.Timestamp(NOTE_DATE)
    if not long_span and frame.index[0] <= note <= frame.index[-1]:
        ax.axvline(note, color="#555", lw=1.0, ls=":", label=f"the note ({NOTE_DATE:%Y-%m-%d})")
        ax_rsi.axvline(note, color="#555", lw=1.0, ls=":")

    if len(trades):
        t = trades.copy()
        t["entry_ts"] = pd.to_datetime(t["entry_date"])
        t["exit_ts"] = pd.to_datetime(t["exit_date"])
        in_view = t[(t["entry_ts"] <= frame.index[-1]) & (t["exit_ts"].isna() | (t["exit_ts"] >= frame.index[0]))]
        if len(in_view) > MARKER_LIMIT or long_span:
            held = np.zeros(len(frame), dtype=bool)
            for e, x in zip(in_view["entry_ts"], in_view["exit_ts"], strict=True):
                lo_i = frame.index.searchsorted(e)
                hi_i = len(frame) if pd.isna(x) else frame.index.searchsorted(x, "right")
                held[lo_i:hi_i] = True
            ax.fill_between(frame.index, 0, 1, where=held, transform=ax.get_xaxis_transform(), color="#1f5fa8",
                            alpha=0.12, lw=0, step="mid", label=_held_label(in_view))
        else:
            entries = in_view[in_view["entry_ts"] >= frame.index[0]]
            exits = in_view[in_view["exit_ts"].notna() & (in_view["exit_ts"] <= frame.index[-1])]
            # Beside the candles, never on them: an entry under its bar's low, an exit over its bar's high.
            below = frame["low"].reindex(pd.DatetimeIndex(entries["entry_ts"])).to_numpy() - 0.035 * span
            above = frame["high"].reindex(pd.DatetimeIndex(exits["exit_ts"])).to_numpy() + 0.035 * span
            ax.scatter(entries["entry_ts"], below, marker="^", color="#1a7f37", edgecolor="#0b3d1a",
                       s=40, zorder=5, label=f"entry ({len(entries)}), under its bar")
            ax.scatter(exits["exit_ts"], above, marker="v", color="#b42318", edgecolor="#5c110b",
                       s=40, zorder=5, label=f"exit ({len(exits)}), over its bar")
    if long_span:
        ax.set_yscale("log")
        plain_price_axis(ax)
    else:
        from matplotlib.ticker import FuncFormatter

        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    drawn = [lv.price for lv in shown_levels] + ([p for bd in shown_bands for p in bd[:2]] if not long_span else [])
    y_lo, y_hi = min([lo_view, *drawn]), max([hi_view, *drawn])
    pad = y_hi - y_lo
    ax.set_ylim(y_lo - 0.04 * pad if not long_span else None, y_hi + 0.06 * pad if not long_span else None)
    _margin_labels(ax, frame.index, labels, long_span)
    ax.set_ylabel("price" + (" (log)" if long_span else ""))
    # The legend above the price panel, clear of every candle and line.
    n_items = len(ax.get_legend_handles_labels()[0])
    rows = -(-n_items // 3)
    ax.set_title(title, pad=6 + rows * 12)
    ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=3, fontsize=8, borderaxespad=0.2)

    _rsi_panel(ax_rsi, r, frame.index, long_span, margin=bool(labels))
    fit(fig, left=0.085, right=0.99, top=0.93 - rows * 0.036, bottom=0.06, hspace=0.16 if long_span else 0.06)
    return fig


def _rsi_panel(ax, rsi: pd.Series, index: pd.DatetimeIndex, long_span: bool, margin: bool) -> None:
    """RSI(14) against the note's threshold, labelled on the panel itself (no legend to decode)."""
    import matplotlib.dates as mdates
    from matplotlib.transforms import blended_transform_factory

    color, line = "#8e44ad", "#e67e22"
    known = rsi.dropna()
    above = (rsi >= RSI_LINE).to_numpy()
    if long_span:
        # One bar per run of such days (a fill over every day of decades costs a report a tenth of a second).
        edges = np.diff(np.concatenate([[0], above.astype(np.int8), [0]]))
        starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
        x = mdates.date2num(rsi.index)
        x = np.append(x, x[-1] + (x[-1] - x[-2] if len(x) > 1 else 1.0))
        ax.broken_barh(list(zip(x[starts], x[ends] - x[starts], strict=True)), (0, 1), color=color, alpha=0.6, lw=0)
        ax.set_ylim(0, 1)
        ax.set_yticks([])
        ax.set_ylabel(f"RSI ≥ {RSI_LINE:g}", rotation=0, ha="right", va="center", fontsize=8.5)
        share = f"{above.sum() / len(known):.0%} of the days" if len(known) else "no day"
        ax.set_title(f"Days with RSI(14) at or above {RSI_LINE:g}, the note's threshold: {share}", fontsize=8,
                     loc="left", pad=3, color="#444")
        return
    ax.plot(rsi.index, rsi.to_numpy(), color=color, lw=1.0)
    ax.fill_between(rsi.index, RSI_LINE, rsi.to_numpy(), where=above, color=color, alpha=0.18, lw=0, interpolate=True)
    ax.axhline(RSI_LINE, color=line, lw=1.0, ls="--")
    low = min(30.0, float(known.min()) - 3) if len(known) else 0.0
    high = max(70.0, float(known.max()) + 3) if len(known) else 100.0
    ax.set_ylim(max(0.0, low), min(100.0, high))
    ax.set_yticks([30, RSI_LINE, 70])
    ax.set_ylabel("RSI(14)")
    # The threshold's name beside its line: in the labels' margin right of the last bar, else at the panel's left.
    where = blended_transform_factory(ax.transData if margin else ax.transAxes, ax.transData)
    x = index[-1] + (index[-1] - index[0]) * 0.03 if margin else 0.005
    ax.text(x, RSI_LINE, f"the note's {RSI_LINE:g}", transform=where, fontsize=7.5, color=line,
            va="center", ha="left", bbox=LABEL_BOX)


def _margin_labels(ax, index: pd.DatetimeIndex, labels: list[tuple[float, str, str]], log: bool) -> None:
    """Every level's and MA's label in a margin right of the last bar (no candle there), spread so that none
    overlaps another (`spread_labels`), with a thin leader to its price where it had to move."""
    if not labels:
        return
    width = index[-1] - index[0]
    ax.set_xlim(index[0] - width * 0.01, index[-1] + width * LABEL_MARGIN)
    y0, y1 = ax.get_ylim()
    to_axis = (lambda v: np.log(v)) if log else (lambda v: v)
    from_axis = (lambda v: float(np.exp(v))) if log else (lambda v: v)
    a0, a1 = to_axis(y0), to_axis(y1)
    gap = (a1 - a0) * 0.048  # one 8-point line on the chart's price axis
    wanted = [to_axis(p) for p, _, _ in labels]
    placed = spread_labels(wanted, gap, a0 + gap / 2, a1 - gap / 2)
    x_text = index[-1] + width * 0.03
    for (price, text, color), y in zip(labels, placed, strict=True):
        ax.annotate(text, xy=(index[-1], price), xytext=(x_text, from_axis(y)), fontsize=7.5, color=color,
                    va="center", ha="left", annotation_clip=False, bbox=LABEL_BOX,
                    arrowprops={"arrowstyle": "-", "color": color, "lw": 0.6, "alpha": 0.7})


def _held_label(trades: pd.DataFrame) -> str:
    """The shading's legend counts trades as the headline does: closed ones, and an open one apart."""
    closed = int(trades["exit_ts"].notna().sum())
    open_ = len(trades) - closed
    return f"in the market ({closed} closed trade{'s' if closed != 1 else ''}" + (f", {open_} open)" if open_ else ")")


def config_chart(bars: pd.DataFrame, trades: pd.DataFrame, config, zoom: bool = True):
    """The tearsheet's note chart for a run's config: the zoom window (report.zoom, else the last
    report.zoom_months) with the config's absolute levels, or the whole history."""
    from rtybt.engine.config import strategy_of

    cls = strategy_of(config.strategy)
    params = config.strategy.params
    absolute = config_levels(params, {p.name: p.unit for p in cls.spec})
    uses_absolute = bool(absolute) and params.get("levels_valid_from") is not None
    title = f"{config.data.symbol}: {config.strategy.name}"
    if not zoom:
        return note_chart_figure(bars, trades, f"{title}, whole history", levels=absolute if uses_absolute else [])
    start, end = zoom_window(bars.index, config.report.zoom_months, getattr(config.report, "zoom", None))
    in_view = bars.loc[start:end]
    last = float(in_view["close"].iloc[-1]) if len(in_view) else float(bars["close"].iloc[-1])
    # The note's levels on every chart of the note's index, whatever the strategy (roles as of the last close).
    return note_chart_figure(bars, trades, f"{title}, {start:%Y-%m-%d} to {end:%Y-%m-%d}", start=start, end=end,
                             levels=absolute, note_bands=note_levels(config.data.symbol, last))


def live_chart_data(bars: pd.DataFrame, trades: pd.DataFrame, config) -> dict:
    """The interactive chart's data for a run's config: the zoom window, the config's absolute levels and, on the
    note's own index, the note's levels (each band as its two edges, the lower one labelled)."""
    from rtybt.engine.config import strategy_of
    from rtybt.engine.report.note.live_chart import PriceLine, chart_data

    cls = strategy_of(config.strategy)  # a stored run's stand-in: never imports its strategy file
    levels = [PriceLine(lv.price, lv.label, "config")
              for lv in config_levels(config.strategy.params, {p.name: p.unit for p in cls.spec})]
    start, end = zoom_window(bars.index, config.report.zoom_months, getattr(config.report, "zoom", None))
    in_view = bars.loc[start:end]
    last = float(in_view["close"].iloc[-1]) if len(in_view) else float(bars["close"].iloc[-1])
    for low, high, label in note_levels(config.data.symbol, last):
        levels += [PriceLine(low, label, "note"), PriceLine(high, "", "note")]
    title = f"{config.data.symbol}: {config.strategy.name}, daily candles"
    return chart_data(bars, trades, start, end, levels, title)


def note_chart_png(bars: pd.DataFrame, trades: pd.DataFrame, title: str, zones=(), start=None,
                   zone_bars: int = 250, **kwargs) -> bytes:
    """PNG of `note_chart_figure` (the `zones`/`zone_bars` arguments of the old chart are ignored: zones are
    now re-detected on every week of the window)."""
    del zones, zone_bars
    return to_png(note_chart_figure(bars, trades, title, start=start, **kwargs))
