"""Report stage: heatmap of a sweep metric over two swept parameters (best over the other parameters)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def heatmap_frame(table: pd.DataFrame, x: str, y: str, metric: str) -> pd.DataFrame:
    """metric[y, x]; where more parameters were swept, each cell holds the best value over them."""
    values = table[[x, y]].copy()
    values[metric] = pd.to_numeric(table[metric], errors="coerce")
    return values.groupby([y, x])[metric].max().unstack(x).sort_index().sort_index(axis=1)


PERCENT_METRICS = ("cagr", "total_return", "max_drawdown", "annual_volatility", "exposure", "win_rate")


def _cell_text(value: float, metric: str) -> str:
    text = f"{value:.1%}" if metric in PERCENT_METRICS else f"{value:.2f}"
    return text.replace("-", "\u2212")


def heatmap_figure(table: pd.DataFrame, x: str, y: str, metric: str, title: str, centre: float | None = None,
                   centre_label: str = "buy-and-hold"):
    """The grid as coloured cells, each annotated with its value; returns (figure, grid). With `centre` (buy-and-
    hold's value of the metric) the colours are centred on it: green above buy-and-hold, red below, pale near it;
    without, on zero."""
    import numpy as np

    from rtybt.engine.report.run.figures import pyplot

    plt = pyplot()
    grid = heatmap_frame(table, x, y, metric)
    fig, ax = plt.subplots(figsize=(min(9.0, 1.6 + 0.75 * grid.shape[1]), min(7.0, 1.4 + 0.5 * grid.shape[0])))
    data = grid.to_numpy(dtype=float)
    from matplotlib.colors import Normalize

    mid = 0.0 if centre is None else float(centre)
    finite = data[np.isfinite(data)]
    half = float(np.max(np.abs(finite - mid))) if finite.size else 1.0
    half = half if half > 0 else 1.0
    image = ax.imshow(np.ma.masked_invalid(data), cmap="RdYlGn", aspect="auto", origin="lower",
                      norm=Normalize(mid - half, mid + half))
    ax.set_xticks(range(grid.shape[1]), [str(v) for v in grid.columns])
    ax.set_yticks(range(grid.shape[0]), [str(v) for v in grid.index])
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    ax.grid(False)
    if data.size <= 400:
        for i in range(data.shape[0]):
            for j in range(data.shape[1]):
                if np.isfinite(data[i, j]):
                    ax.text(j, i, _cell_text(data[i, j], metric), ha="center", va="center", fontsize=8)
    units = " (%)" if metric in PERCENT_METRICS else ""
    bar = fig.colorbar(image, ax=ax, label=f"{metric}{units}")
    ax.set_title(f"{title}\ncolours centred on {centre_label if centre is not None else 'zero'}"
                 f" ({_cell_text(mid, metric)}, black line)", fontsize=9)
    bar.ax.axhline(mid, color="black", linewidth=1.0)
    if metric in PERCENT_METRICS:
        from matplotlib.ticker import PercentFormatter

        bar.ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    fig.tight_layout()
    return fig, grid


def plot_heatmap(path: Path, table: pd.DataFrame, x: str, y: str, metric: str, title: str,
                 centre: float | None = None, centre_label: str = "buy-and-hold") -> pd.DataFrame:
    from rtybt.engine.report.run.figures import to_png

    fig, grid = heatmap_figure(table, x, y, metric, title, centre, centre_label)
    Path(path).write_bytes(to_png(fig))
    return grid
