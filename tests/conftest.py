"""Shared fixtures: the bundled snapshot (data/snapshot/) through the data-directory setting; no network."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[1]
SNAPSHOT = Path(os.environ.get("RTYBT_DATA_DIR") or (REPO / "data" / "snapshot")).resolve()

# Tests never download: a missing file must fail as it does offline.
os.environ["RTYBT_OFFLINE"] = "1"
os.environ.setdefault("RTYBT_DATA_DIR", str(SNAPSHOT))
os.environ.setdefault("MPLBACKEND", "Agg")
# A machine may set PYTHONDONTWRITEBYTECODE for everything: then each of the suite's hundreds of `rtybt`
# subprocesses, pool workers and Dask workers compiles rtybt from source again (about 0.4 s each). A user's
# Python caches bytecode; so do the tests. User strategy files are unaffected: rtybt compiles them from the
# very bytes it hashed, never from a cache.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
sys.dont_write_bytecode = False


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


# -- parallel runs: `pytest` is `pytest -n auto --dist loadgroup` (pyproject's addopts) -------------------
# Each xdist worker collects the whole suite and sets its own session fixtures up. A test module whose
# tests share a module-scoped fixture (a run, a browser, a results tree) goes to one worker as one unit,
# so the fixture is computed once; every other test is a unit of its own. Tests marked `slow` are queued
# first, so the longest ones start at once and the workers finish together instead of one waiting on the
# other's last long test. Without xdist (`-n 0`) the same order holds.
SHARED_SCOPES = ("module", "package", "class")


def _shares_a_fixture(item) -> bool:
    info = getattr(item, "_fixtureinfo", None)
    defs = info.name2fixturedefs.values() if info is not None else ()
    return any(d.scope in SHARED_SCOPES for chain in defs for d in chain)


@pytest.hookimpl(tryfirst=True)  # before xdist reads the group marks
def pytest_collection_modifyitems(config, items):
    files: dict[str, list] = {}
    for item in items:
        files.setdefault(item.nodeid.split("::")[0], []).append(item)
    rank: dict[int, int] = {}
    for path, members in files.items():
        shared = any(_shares_a_fixture(i) for i in members)
        if shared:
            for i in members:
                i.add_marker(pytest.mark.xdist_group(path))
        slow_file = any(i.get_closest_marker("slow") for i in members)
        for i in members:
            # A shared module stays together (its fixture is set up once even in one process).
            slow = slow_file if shared else bool(i.get_closest_marker("slow"))
            rank[id(i)] = 0 if slow else (1 if shared else 2)
    items.sort(key=lambda i: rank[id(i)])


# The regression suite's table (tests/regression) reaches the end-of-run summary as a property of its test's
# report, which xdist sends from the worker that ran it to the main process, where the summary is written.
REGRESS_TABLE = "rtybt-regress-table"


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    lines = None
    for reports in terminalreporter.stats.values():
        for report in reports:
            for name, value in getattr(report, "user_properties", None) or ():
                if name == REGRESS_TABLE:
                    lines = value
    if lines:
        terminalreporter.section("regression suite (rtybt regress)")
        for line in lines:
            terminalreporter.write_line(line)


# -- the snapshot's recent years, for a flow that the whole history only makes slower ----------------
RECENT_START = "2017-01-01"


@pytest.fixture(scope="session")
def recent_snapshot_dir(tmp_path_factory, snapshot_dir) -> Path:
    """Every CSV of the snapshot from RECENT_START on (real bars, ~9 years: warm-up and setups to spare), for a
    test that checks a notebook, a page or a command's flow rather than the numbers of the whole history."""
    out = tmp_path_factory.mktemp("recent_snapshot")
    for path in sorted(snapshot_dir.glob("*.csv")):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        (out / path.name).write_text("".join([lines[0], *(r for r in lines[1:] if r[:10] >= RECENT_START)]),
                                     encoding="utf-8")
    return out
