"""Report stage: the event-study figures (mean forward path with its band; distribution of outcomes)."""

from __future__ import annotations

import io

import numpy as np


def pyplot():
    """matplotlib.pyplot under the headless Agg backend (imported only when a figure is drawn)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def fit(fig, **margins) -> None:
    """Fixed margins instead of tight_layout, which draws the whole figure once more just to measure it."""
    fig.subplots_adjust(**({"left": 0.08, "right": 0.98, "top": 0.92, "bottom": 0.1, "hspace": 0.3, "wspace": 0.25}
                           | margins))


def to_png(fig, dpi: int = 90) -> bytes:
    """PNG bytes without a software/version stamp, so the same figure gives the same bytes."""
    plt = pyplot()
    buffer = io.BytesIO()
    try:
        fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    finally:
        plt.close(fig)
    return buffer.getvalue()


def event_path_png(path, confidence: float, label: str) -> bytes:
    """Mean cumulative return after a setup with its bootstrap band, against the unconditional path."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(10, 4.5))
    s = path["session"].to_numpy()
    ax.axhline(0, color="#999", lw=0.8)
    ax.fill_between(s, path["setup_ci_low"] * 100, path["setup_ci_high"] * 100, color="#1f5fa8", alpha=0.2,
                    label=f"{confidence:.0%} band (cluster bootstrap)")
    ax.plot(s, path["setup_mean"] * 100, color="#1f5fa8", lw=1.8, label=f"mean after {label}")
    ax.plot(s, path["baseline_mean"] * 100, color="#c0392b", lw=1.4, ls="--", label="unconditional (every day)")
    ax.set_xlabel("sessions after the setup's close")
    ax.set_ylabel("cumulative return, %")
    ax.set_title("Mean forward path after the setup vs the baseline")
    ax.legend(loc="upper left")
    ax.grid(alpha=0.3)
    fit(fig, bottom=0.12)
    return to_png(fig)


def outcome_distribution_png(outcomes, horizons: list[int]) -> bytes:
    """Histogram of forward returns after the setups, one panel per horizon."""
    plt = pyplot()
    fig, axes = plt.subplots(1, len(horizons), figsize=(3.2 * len(horizons) + 1, 3.4), squeeze=False)
    for ax, h in zip(axes[0], horizons, strict=True):
        values = outcomes[f"fwd_{h}"].dropna().to_numpy() * 100
        if len(values):
            ax.hist(values, bins=min(30, max(5, len(values) // 3)), color="#1f5fa8", alpha=0.75)
            ax.axvline(float(np.mean(values)), color="#111", lw=1.2, label="mean")
            ax.axvline(0, color="#c0392b", lw=1.0, ls="--")
        else:
            ax.text(0.5, 0.5, "no setups", ha="center", va="center", transform=ax.transAxes)
        ax.set_title(f"{h} sessions (n={len(values)})")
        ax.set_xlabel("forward return, %")
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel("setups")
    fig.suptitle("Distribution of outcomes after the setup")
    fit(fig, left=0.06, top=0.8, bottom=0.17)
    return to_png(fig)
