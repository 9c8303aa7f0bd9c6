"""Report stage: the tearsheet's figures. Each builder returns a matplotlib Figure; `to_png` encodes it.

Builders never draw more than their table says: below the bootstrap's cluster threshold there is no band;
counts name setup days and the separate episodes they form; every drawn line is in its legend.
"""

from __future__ import annotations

import io

import numpy as np

DPI = 150  # sharp on 2x screens at the page's width
STRATEGY_COLOR, BENCH_COLOR, BASE_COLOR = "#1f5fa8", "#8a8f98", "#c0392b"


def pyplot():
    """matplotlib.pyplot under the headless Agg backend, with the reports' one style (imported when drawn)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    matplotlib.rcParams.update({
        "font.size": 10.5, "axes.titlesize": 11.5, "axes.labelsize": 10.5, "legend.fontsize": 9.5,
        "xtick.labelsize": 9.5, "ytick.labelsize": 9.5, "axes.spines.top": False, "axes.spines.right": False,
        "axes.grid": True, "grid.alpha": 0.3, "legend.frameon": False, "figure.dpi": 100,
        "axes.titlelocation": "left", "axes.titleweight": "bold", "path.simplify": True,
        # A fixed title height: automatic placement measures every axis on each draw (a second a report).
        "axes.titley": 1.0,
    })
    return plt


def fit(fig, **margins) -> None:
    """Fixed margins instead of tight_layout, which draws the whole figure once more just to measure it."""
    fig.subplots_adjust(**({"left": 0.08, "right": 0.98, "top": 0.9, "bottom": 0.12, "hspace": 0.3, "wspace": 0.25}
                           | margins))


def to_png(fig, dpi: int = DPI) -> bytes:
    """PNG bytes without a software/version stamp, so the same figure gives the same bytes; closes the figure."""
    plt = pyplot()
    try:
        return to_png_keep(fig, dpi)
    finally:
        plt.close(fig)


NARROW_INCHES = 4.8  # a phone's column (about 360 CSS px) shows this many inches: text stays near 9 px


def to_pngs(fig, dpi: int = DPI) -> tuple[bytes, bytes]:
    """The figure at its own size and again at a phone's width (same content; margins kept in inches, so labels
    keep their room; dates thinned), as (wide, narrow) PNG bytes; closes the figure."""
    wide = to_png_keep(fig, dpi)
    # Each legend's place in its axes' own coordinates, taken before the resize moves the display ones.
    anchors = {}
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is not None:
            box = legend.get_bbox_to_anchor().transformed(ax.transAxes.inverted())
            anchors[ax] = (legend._loc, (box.x0, box.y0, box.width, box.height), getattr(legend, "_ncols", 1))
    width, height = fig.get_size_inches()
    sp = fig.subplotpars
    left, right = sp.left * width, (1 - sp.right) * width
    narrow_w = min(NARROW_INCHES, width)
    fig.set_size_inches(narrow_w, height * (0.85 + 0.15 * narrow_w / width))
    fig.subplots_adjust(left=min(0.4, left / narrow_w), right=max(0.6, 1 - right / narrow_w))
    for ax in fig.axes:
        ax.tick_params(axis="x", labelsize=8)
        xlabel = ax.get_xlabel()
        if len(xlabel) > 48:  # a long axis title wraps onto two lines instead of running off the narrow figure
            import textwrap

            ax.set_xlabel("\n".join(textwrap.wrap(xlabel, 48)), fontsize=8)
        for title in (ax.title, ax._left_title):  # a long title shrinks to fit the narrow width
            chars = len(title.get_text())
            if chars:
                title.set_fontsize(max(6.5, min(9.0, 9.0 * (narrow_w - 0.9) / (0.075 * chars))))
        ax.xaxis.set_major_locator(_fewer_ticks(ax))
        if ax in anchors:  # the legend drawn again in at most two columns, so it fits the narrow width
            loc, box, ncol = anchors[ax]
            handles, labels = ax.get_legend_handles_labels()
            ax.legend(handles, labels, loc=loc, bbox_to_anchor=box, bbox_transform=ax.transAxes,
                      ncol=min(2, ncol), fontsize=6.5, borderaxespad=0.2)
            title = ax.get_title(loc="left") or ax.get_title()
            if box[1] >= 0.99 and title:  # a legend above the axes: the title and top margin make room
                rows = -(-len(labels) // min(2, ncol))
                ax.set_title(title, pad=10 + rows * 11, fontsize=9, loc="left" if ax.get_title(loc="left") else "center")
                fig.subplots_adjust(top=min(fig.subplotpars.top, 1 - (0.42 + rows * 0.155) / fig.get_size_inches()[1]))
    return wide, to_png(fig, dpi)


def _fewer_ticks(ax):
    """At most four or five ticks on a narrow x axis (dates or numbers), so labels never run into each other."""
    from matplotlib.dates import AutoDateLocator
    from matplotlib.ticker import MaxNLocator

    locator = ax.xaxis.get_major_locator()
    if isinstance(locator, AutoDateLocator) or "Date" in type(locator).__name__:
        return AutoDateLocator(minticks=2, maxticks=4)
    return MaxNLocator(nbins=5)


def to_png_keep(fig, dpi: int = DPI) -> bytes:
    """PNG bytes of a figure that stays open (to be drawn again at another size).

    Drawn once by Agg and encoded by Pillow as RGB when every pixel is opaque (the charts' white ground): a
    quarter fewer bytes to compress than matplotlib's RGBA PNG, with the same pixels. Fast zlib level: drawing,
    not squeezing bytes, is what a report should spend its time on. No software/version stamp, so the same
    figure gives the same bytes."""
    import numpy as np
    from PIL import Image

    original = fig.get_dpi()
    fig.set_dpi(dpi)
    try:
        fig.canvas.draw()
        pixels = np.asarray(fig.canvas.buffer_rgba())
        image = (Image.fromarray(np.ascontiguousarray(pixels[..., :3])) if (pixels[..., 3] == 255).all()
                 else Image.fromarray(pixels.copy()))
    finally:
        fig.set_dpi(original)
    buffer = io.BytesIO()
    image.save(buffer, format="png", compress_level=1, dpi=(dpi, dpi))
    return buffer.getvalue()


def plain_price_axis(ax) -> None:
    """Log axis with plain tick labels (1,000, 2,000) instead of 10^3 notation."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}" if v >= 10 else f"{v:g}"))
    ax.yaxis.set_minor_formatter(NullFormatter())


def episodes_text(days: int, episodes: int) -> str:
    return f"{days} setup day{'s' if days != 1 else ''} in {episodes} episode{'s' if episodes != 1 else ''}"


def event_path_figure(path, confidence: float, label: str, episodes: int, min_episodes: int, days: int):
    """Mean cumulative return after a setup against the every-day path; the band only when it can be judged."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(9, 3.8))
    s = path["session"].to_numpy()
    ax.axhline(0, color="#999", lw=0.8, label="zero")
    judged = episodes >= min_episodes
    if judged:
        ax.fill_between(s, path["setup_ci_low"] * 100, path["setup_ci_high"] * 100, color=STRATEGY_COLOR, alpha=0.18,
                        lw=0, label=f"{confidence:.0%} interval (cluster bootstrap, {episodes} episodes)")
    ax.plot(s, path["setup_mean"] * 100, color=STRATEGY_COLOR, lw=2, label=f"mean after the {label}")
    ax.plot(s, path["baseline_mean"] * 100, color=BASE_COLOR, lw=1.5, ls="--", label="mean after every day")
    ax.set_xlabel("sessions after the setup's close")
    ax.set_ylabel("cumulative return, %")
    title = f"Mean path after the setup ({episodes_text(days, episodes)})"
    if not judged:
        title += f"\nno interval drawn: too few episodes ({min_episodes} needed)"
    ax.set_title(title)
    ax.legend(loc="upper left")
    fit(fig, bottom=0.14, top=0.88)
    return fig


def event_path_png(path, confidence: float, label: str, episodes: int | None = None, min_episodes: int = 0,
                   days: int = 0) -> bytes:
    episodes = len(path) if episodes is None else episodes
    return to_png(event_path_figure(path, confidence, label, episodes, min_episodes, days))


def outcome_distribution_figure(outcomes, horizons: list[int], episodes: dict[int, int] | None = None):
    """Forward returns after the setup days, one row per horizon: the middle half (thick), 5th to 95th percentile
    (thin), median (white dot) and mean (black diamond); each row says its setup days and episodes."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(9, 0.55 * len(horizons) + 1.3))
    labels = []
    for row, h in enumerate(horizons):
        values = outcomes[f"fwd_{h}"].dropna().to_numpy() * 100 if f"fwd_{h}" in outcomes else np.array([])
        n_ep = (episodes or {}).get(h)
        labels.append(f"{h} sessions: {len(values)} days" + (f", {n_ep} episodes" if n_ep is not None else ""))
        if not len(values):
            continue
        p5, p25, p50, p75, p95 = np.percentile(values, [5, 25, 50, 75, 95])
        ax.hlines(row, p5, p95, color=STRATEGY_COLOR, lw=1.4, label="5th to 95th percentile" if row == 0 else None)
        ax.hlines(row, p25, p75, color=STRATEGY_COLOR, lw=9, alpha=0.55, label="middle half" if row == 0 else None)
        ax.plot([p50], [row], "o", color="white", mec=STRATEGY_COLOR, ms=6, label="median" if row == 0 else None)
        ax.plot([float(np.mean(values))], [row], "D", color="#111", ms=5, label="mean" if row == 0 else None)
    ax.axvline(0, color=BASE_COLOR, lw=1.0, ls="--", label="zero")
    ax.set_yticks(range(len(horizons)), labels)
    ax.set_ylim(len(horizons) - 0.4, -0.6)
    ax.set_xlabel("forward return after the setup day, %")
    ax.set_title("Distribution of outcomes after the setup")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22 - 0.1 / max(len(horizons), 1)), ncol=5, fontsize=8.5)
    fit(fig, left=0.3, right=0.97, top=0.86, bottom=0.36 if len(horizons) <= 4 else 0.25)
    return fig


def outcome_distribution_png(outcomes, horizons: list[int], episodes: dict[int, int] | None = None) -> bytes:
    return to_png(outcome_distribution_figure(outcomes, horizons, episodes))


ROLLING = 252  # sessions in the rolling window: one trading year


def rolling_sharpe(returns, window: int = ROLLING, periods_per_year: int = 252):
    """Annualised Sharpe (risk-free 0) over the trailing `window` sessions; NaN until the window is full."""
    r = returns.fillna(0.0)
    mean = r.rolling(window).mean()
    std = r.rolling(window).std(ddof=1)
    return (mean / std.where(std > 0)) * np.sqrt(periods_per_year)


MIN_EXPOSURE_FOR_SHARPE = 0.10  # below this time in the market a rolling Sharpe measures idle days, not the rule


def growth_ticks(ax, values) -> None:
    """Log axis ticks that always label several values: 1-2-5 decades on a wide range, evenly spaced plain
    values (0.95×, 1×, 1.05×) on a narrow one, where the decades would label only "1×"."""
    from matplotlib.ticker import (
        FixedLocator,
        FuncFormatter,
        LogLocator,
        MaxNLocator,
        NullFormatter,
    )

    lo, hi = float(np.nanmin(values)), float(np.nanmax(values))
    if hi / max(lo, 1e-12) < 8:
        ticks = [t for t in MaxNLocator(nbins=7).tick_values(lo, hi) if t > 0]
        if lo <= 1.0 <= hi and not any(abs(t - 1.0) < 1e-9 for t in ticks):
            ticks = sorted([*ticks, 1.0])  # the start, growth of 1, always reads
        ax.yaxis.set_major_locator(FixedLocator(ticks))
    else:
        ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.4g}×".replace("-", "\u2212")))
    ax.yaxis.set_minor_formatter(NullFormatter())


def growth_figure(returns, benchmark=None, benchmark_label: str = "buy & hold", exposure: float | None = None):
    """Growth of 1 (log axis, plain ticks) strategy vs benchmark, both drawdowns (time under water), and the
    rolling one-year Sharpe of each (the strategy's only when it was in the market at least 10% of the time:
    otherwise a line says why). One legend above the panels, clear of every line."""
    plt = pyplot()
    fig, (ax, ax_dd, ax_sh) = plt.subplots(3, 1, figsize=(9, 6.6), sharex=True,
                                           gridspec_kw={"height_ratios": [2.2, 1, 1]})
    series = [("strategy", returns, STRATEGY_COLOR, 1.6)]
    if benchmark is not None:
        series.append((benchmark_label, benchmark, BENCH_COLOR, 1.2))
    idle = exposure is not None and exposure < MIN_EXPOSURE_FOR_SHARPE
    wealth = []
    for label, r, color, lw in series:
        w = (1.0 + r.fillna(0.0)).cumprod()
        wealth.append(w.to_numpy())
        ax.plot(w.index, w.to_numpy(), color=color, lw=lw, label=label)
        dd = w / np.maximum(w.cummax(), 1.0) - 1.0
        ax_dd.plot(dd.index, dd.to_numpy() * 100, color=color, lw=0.9, label=label)
        if not (idle and label == "strategy"):
            sh = rolling_sharpe(r)
            ax_sh.plot(sh.index, sh.to_numpy(), color=color, lw=0.9, label=label)
    ax.set_yscale("log")
    growth_ticks(ax, np.concatenate(wealth))
    ax.set_ylabel("growth of 1 (log)")
    ax.set_title("Growth of 1 after costs; drawdown from the running peak; rolling 1-year Sharpe", pad=22)
    ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=len(series), borderaxespad=0.2)
    ax_dd.set_ylabel("drawdown, %")
    ax_sh.axhline(0, color="#444", lw=0.8)
    ax_sh.set_ylabel("1-year Sharpe")
    if idle:
        ax_sh.text(0.01, 0.92, f"strategy's not drawn: in the market {exposure * 100:.2f}% of the time, a rolling "
                   "Sharpe would measure idle days", transform=ax_sh.transAxes, fontsize=8.5, va="top", color="#555")
    fit(fig, left=0.09, top=0.89, bottom=0.05, hspace=0.08)
    return fig


def annual_returns_figure(annual, benchmark_label: str = "buy & hold"):
    """Calendar-year returns, strategy and benchmark side by side."""
    plt = pyplot()
    years = annual.index.to_numpy()
    fig, ax = plt.subplots(figsize=(9, 3.2))
    has_b = "benchmark" in annual
    width = 0.42 if has_b else 0.8
    # Bars as thick vertical lines: one collection instead of a patch per bar.
    lw = max(1.5, min(14.0, 300.0 / max(len(years), 1) * (0.45 if has_b else 0.9)))
    ax.vlines(years - (width / 2 if has_b else 0), 0, annual["strategy"].to_numpy() * 100, color=STRATEGY_COLOR,
              lw=lw, label="strategy")
    if has_b:
        ax.vlines(years + width / 2, 0, annual["benchmark"].to_numpy() * 100, color=BENCH_COLOR, lw=lw,
                  label=benchmark_label)
    ax.axhline(0, color="#444", lw=0.8)
    ax.set_ylabel("return, %")
    ax.set_title("Calendar-year returns")
    ax.legend(loc="upper left", ncol=2)
    fit(fig, left=0.09, bottom=0.12, top=0.88)
    return fig
