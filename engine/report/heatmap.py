"""Report stage: heatmap of a sweep metric over two swept parameters (best over the other parameters)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def heatmap_frame(table: pd.DataFrame, x: str, y: str, metric: str) -> pd.DataFrame:
    """metric[y, x]; where more parameters were swept, each cell holds the best value over them."""
    values = table[[x, y]].copy()
    values[metric] = pd.to_numeric(table[metric], errors="coerce")
    return values.groupby([y, x])[metric].max().unstack(x).sort_index().sort_index(axis=1)


def heatmap_figure(table: pd.DataFrame, x: str, y: str, metric: str, title: str):
    """The grid as coloured cells, each annotated with its value; returns (figure, grid)."""
    import numpy as np

    from rtybt.engine.report.figures import pyplot

    plt = pyplot()
    grid = heatmap_frame(table, x, y, metric)
    fig, ax = plt.subplots(figsize=(min(9.0, 1.6 + 0.75 * grid.shape[1]), min(7.0, 1.4 + 0.5 * grid.shape[0])))
    data = grid.to_numpy(dtype=float)
    image = ax.imshow(np.ma.masked_invalid(data), cmap="RdYlGn", aspect="auto", origin="lower")
    ax.set_xticks(range(grid.shape[1]), [str(v) for v in grid.columns])
    ax.set_yticks(range(grid.shape[0]), [str(v) for v in grid.index])
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    ax.grid(False)
    if data.size <= 400:
        for i in range(data.shape[0]):
            for j in range(data.shape[1]):
                if np.isfinite(data[i, j]):
                    ax.text(j, i, f"{data[i, j]:.2f}".replace("-", "\u2212"), ha="center", va="center", fontsize=8)
    ax.set_title(title, fontsize=10)
    fig.colorbar(image, ax=ax, label=metric)
    fig.tight_layout()
    return fig, grid


def plot_heatmap(path: Path, table: pd.DataFrame, x: str, y: str, metric: str, title: str) -> pd.DataFrame:
    from rtybt.engine.report.figures import to_png

    fig, grid = heatmap_figure(table, x, y, metric, title)
    Path(path).write_bytes(to_png(fig))
    return grid
