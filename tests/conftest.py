"""Shared fixtures: the bundled snapshot (data/snapshot/) through the data-directory setting; no network."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[1]
SNAPSHOT = Path(os.environ.get("RTYBT_DATA_DIR") or (REPO / "data" / "snapshot")).resolve()

# Tests never download: a missing file must fail as it does offline.
os.environ["RTYBT_OFFLINE"] = "1"
os.environ.setdefault("RTYBT_DATA_DIR", str(SNAPSHOT))
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(scope="session")
def snapshot_dir() -> Path:
    if not (SNAPSHOT / "^RUT.csv").is_file():
        pytest.fail(f"the bundled snapshot is not at {SNAPSHOT}: restore data/snapshot/ from git")
    return SNAPSHOT


def bars_frame(closes, opens=None, highs=None, lows=None, start="2020-01-01", volume=1_000.0) -> pd.DataFrame:
    """A hand-made daily table: by default open = previous close + 0.5 so fills are easy to tell apart."""
    closes = [float(c) for c in closes]
    if opens is None:
        opens = [closes[0]] + [c + 0.5 for c in closes[:-1]]
    highs = highs or [max(o, c) + 1.0 for o, c in zip(opens, closes, strict=True)]
    lows = lows or [min(o, c) - 1.0 for o, c in zip(opens, closes, strict=True)]
    index = pd.bdate_range(start, periods=len(closes))
    return pd.DataFrame(
        {"open": opens, "high": highs, "low": lows, "close": closes, "volume": volume}, index=index, dtype=float
    )


# -- the one config builder of the tests ------------------------------------------------------------
FRICTIONLESS_BROKER = {"cash": 10_000, "commission_rate": 0.0, "slippage_rate": 0.0}


def fixed_units(units: float = 10) -> dict:
    return {"method": "fixed_units", "units": units}


def make_config(strategy: str = "ma_reclaim", params: dict | None = None, *, broker: dict | None = None,
                sizing: dict | None = None, benchmark: bool | str = False, source: str = "test", **sections):
    """A validated RunConfig from the sections a test cares about; the rest keep the config's defaults.

    The benchmark is off unless `benchmark` is True or names its symbol; other sections (data, analysis,
    output, ...) pass through as given.
    """
    from rtybt.engine.config import validate_config

    raw: dict = {"strategy": {"name": strategy, "params": dict(params or {})}}
    raw["benchmark"] = {"enabled": bool(benchmark)}
    if isinstance(benchmark, str):
        raw["benchmark"]["symbol"] = benchmark
    if broker is not None:
        raw["broker"] = broker
    if sizing is not None:
        raw["sizing"] = sizing
    raw.update(sections)
    return validate_config(raw, source)


def frictionless(strategy: str = "ma_reclaim", params: dict | None = None, units: float = 10, **sections):
    """No costs and a fixed size, so fills and P&L can be checked by hand."""
    return make_config(strategy, params, broker=dict(FRICTIONLESS_BROKER), sizing=fixed_units(units), **sections)


def error_lines(stderr: str) -> list[str]:
    """A bad-input error as the CLI prints it: one line, or two when the second says how to fix it."""
    lines = stderr.strip("\n").splitlines()
    assert len(lines) in (1, 2) and lines[0].startswith("rtybt: error: "), stderr
    assert len(lines) == 1 or lines[1].startswith("  fix: "), stderr
    return lines
