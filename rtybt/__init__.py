"""rtybt from Python: run, compare, sweep and walk forward the note's strategies (or your own) in a notebook.

    import rtybt
    result = rtybt.run("configs/ready_to_rally.yaml", overrides={"strategy.params.rsi_min": 50})
    result            # in Jupyter: the verdict card and the headline table
    result.trades     # pandas; also returns, equity, setups, metrics, verdict, run_dir
    result.plot_note_chart()

Every function calls the same code as its CLI command and writes the same files; bad input raises
`rtybt.UserError` (the CLI's exit code 2) with the CLI's one-line message. The implementation lives in
engine/api/; this package only re-exports it.
"""

from __future__ import annotations

from engine import __version__  # noqa: F401  (rtybt.__version__; not part of __all__: no docstring of its own)
from engine.api import (
    BacktestResult,
    CompareResult,
    ConfigError,
    DataError,
    ResultsError,
    SnapshotResult,
    StrategyError,
    SweepResult,
    UserError,
    WalkForwardResult,
    compare,
    load_run,
    run,
    snapshot,
    strategies,
    sweep,
    walkforward,
)

# The same list as engine.api.__all__ (a test holds them equal); `study` and `analogs` join both when they exist.
__all__ = [
    "BacktestResult",
    "CompareResult",
    "ConfigError",
    "DataError",
    "ResultsError",
    "SnapshotResult",
    "StrategyError",
    "SweepResult",
    "UserError",
    "WalkForwardResult",
    "compare",
    "load_run",
    "run",
    "snapshot",
    "strategies",
    "sweep",
    "walkforward",
]
