"""Report stage: heatmap of a sweep metric over two swept parameters (best over the other parameters)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def heatmap_frame(table: pd.DataFrame, x: str, y: str, metric: str) -> pd.DataFrame:
    """metric[y, x]; where more parameters were swept, each cell holds the best value over them."""
    values = table[[x, y]].copy()
    values[metric] = pd.to_numeric(table[metric], errors="coerce")
    return values.groupby([y, x])[metric].max().unstack(x).sort_index().sort_index(axis=1)


def plot_heatmap(path: Path, table: pd.DataFrame, x: str, y: str, metric: str, title: str) -> pd.DataFrame:
    import matplotlib.pyplot as plt

    fig = heatmap_figure(table, x, y, metric, title)
    try:
        fig.savefig(path, dpi=90, metadata={"Software": None})
    finally:
        plt.close(fig)
    return heatmap_frame(table, x, y, metric)


def heatmap_figure(table: pd.DataFrame, x: str, y: str, metric: str, title: str):
    """The heatmap as a matplotlib Figure."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    grid = heatmap_frame(table, x, y, metric)
    fig, ax = plt.subplots(figsize=(1.0 + 0.8 * grid.shape[1], 1.2 + 0.6 * grid.shape[0]))
    try:
        data = grid.to_numpy(dtype=float)
        image = ax.imshow(np.ma.masked_invalid(data), cmap="RdYlGn", aspect="auto", origin="lower")
        ax.set_xticks(range(grid.shape[1]), [str(v) for v in grid.columns])
        ax.set_yticks(range(grid.shape[0]), [str(v) for v in grid.index])
        ax.set_xlabel(x)
        ax.set_ylabel(y)
        for i in range(data.shape[0]):
            for j in range(data.shape[1]):
                if np.isfinite(data[i, j]):
                    ax.text(j, i, f"{data[i, j]:.2f}", ha="center", va="center", fontsize=7)
        ax.set_title(title, fontsize=9)
        fig.colorbar(image, ax=ax, label=metric)
        fig.tight_layout()
    except BaseException:
        plt.close(fig)
        raise
    return fig
