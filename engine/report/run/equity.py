"""equity.png: the strategy's equity against the benchmark, with the drawdown below."""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def plot_equity(path: Path, equity: pd.Series, title: str, benchmark_equity: pd.Series | None = None,
                benchmark_label: str = "benchmark") -> None:
    import matplotlib.pyplot as plt

    fig = equity_figure(equity, title, benchmark_equity, benchmark_label)
    try:
        fig.savefig(path, dpi=100)
    finally:
        plt.close(fig)


def equity_figure(equity: pd.Series, title: str, benchmark_equity: pd.Series | None = None,
                  benchmark_label: str = "benchmark"):
    """The figure of equity.png as a matplotlib Figure (log equity over drawdown)."""
    import matplotlib

    matplotlib.use("Agg")  # headless: Backtrader's own plot forces TkAgg
    import matplotlib.pyplot as plt

    fig, (ax, ax_dd) = plt.subplots(2, 1, figsize=(11, 6.5), sharex=True, gridspec_kw={"height_ratios": [3, 1]})
    try:
        ax.plot(equity.index, equity.to_numpy(), color="#1f5fa8", lw=1.2, label="strategy")
        if benchmark_equity is not None:
            ax.plot(benchmark_equity.index, benchmark_equity.to_numpy(), color="#888888", lw=1.0,
                    label=benchmark_label)
        ax.set_yscale("log")
        ax.set_ylabel("equity, USD (log)")
        ax.set_title(title)
        ax.legend(loc="upper left")
        ax.grid(alpha=0.3)
        dd = equity / equity.cummax() - 1.0
        ax_dd.fill_between(dd.index, dd.to_numpy() * 100, 0, color="#c0392b", alpha=0.5)
        ax_dd.set_ylabel("drawdown, %")
        ax_dd.grid(alpha=0.3)
        # Fixed margins (those tight_layout picks for this figure): tight_layout draws the whole figure once
        # more just to measure it, a quarter of a run's report time.
        fig.subplots_adjust(left=0.07, right=0.985, top=0.94, bottom=0.06, hspace=0.08)
    except BaseException:
        plt.close(fig)
        raise
    return fig
