"""rtybt from Python: run, compare, sweep, walk forward and study the note's strategies (or your own) in a notebook.

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
    AnalogsResult,
    BacktestResult,
    CompareResult,
    ConfigError,
    DataError,
    ResultsError,
    SnapshotResult,
    StrategyError,
    StudyResult,
    SweepResult,
    UserError,
    WalkForwardResult,
    analogs,
    compare,
    list_strategies,
    load_run,
    run,
    snapshot,
    study,
    sweep,
    walkforward,
)

# The same list as engine.api.__all__ (a test holds them equal).
__all__ = [
    "AnalogsResult",
    "BacktestResult",
    "CompareResult",
    "ConfigError",
    "DataError",
    "ResultsError",
    "SnapshotResult",
    "StrategyError",
    "StudyResult",
    "SweepResult",
    "UserError",
    "WalkForwardResult",
    "analogs",
    "compare",
    "list_strategies",
    "load_run",
    "run",
    "snapshot",
    "study",
    "sweep",
    "walkforward",
]
