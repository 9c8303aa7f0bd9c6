"""Small synthetic markets and configs for the store, cache and run-folder tests (a few hundred bars: fast)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml


def walk_csv(rows: int = 320, seed: int = 7, start: str = "2018-01-01", drift: float = 0.0004) -> str:
    """A seeded random walk of daily bars in the snapshot's column order."""
    rng = np.random.default_rng(seed)
    close = 100.0 * np.exp(np.cumsum(drift + 0.012 * rng.standard_normal(rows)))
    opens = np.concatenate([[close[0]], close[:-1]])
    frame = pd.DataFrame({
        "Date": pd.bdate_range(start, periods=rows).strftime("%Y-%m-%d"),
        "Close": close.round(4), "High": (np.maximum(opens, close) * 1.004).round(4),
        "Low": (np.minimum(opens, close) * 0.996).round(4), "Open": opens.round(4), "Volume": 1000.0,
    })
    return frame.to_csv(index=False)


def market(tmp_path: Path, symbols=("XYZ", "BENCH")) -> Path:
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    for i, symbol in enumerate(symbols):
        (data / f"{symbol}.csv").write_text(walk_csv(seed=7 + i, drift=0.0004 * (1 + i)))
    return data


def config_file(tmp_path: Path, name: str = "small", benchmark: str | None = None, strategy: dict | None = None,
                tearsheet: bool = False, **sections) -> Path:
    """A config on the synthetic market (XYZ), its results under tmp_path/results."""
    raw = {
        "data": {"symbol": "XYZ", "dir": str(tmp_path / "data")},
        "strategy": strategy or {"name": "ma_reclaim", "params": {"ma_period": 10, "hold_bars": 3}},
        "benchmark": {"enabled": benchmark is not None, **({"symbol": benchmark} if benchmark else {})},
        "output": {"dir": str(tmp_path / "results"), "plots": False, "tearsheet": tearsheet},
        **sections,
    }
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path

