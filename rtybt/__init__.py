"""rtybt from Python: run, compare, sweep, walk forward and study the note's strategies (or your own) in a notebook.

    import rtybt
    result = rtybt.run("configs/ready_to_rally.yaml", overrides={"strategy.params.rsi_min": 50})
    result            # in Jupyter: the verdict card and the headline table
    result.trades     # pandas; also returns, equity, setups, metrics, verdict, run_dir
    result.plot_note_chart()

Every function calls the same code as its CLI command and writes the same files; bad input raises
`rtybt.UserError` (the CLI's exit code 2) with the CLI's one-line message. The implementation lives in
engine/api/; this package only re-exports it, lazily: `import rtybt` (and the command line, which lives
under it) loads no pandas, Backtrader or pydantic until a name of the API is first used.
"""

from __future__ import annotations

from pathlib import Path as _Path
from typing import TYPE_CHECKING

# The installed distribution maps rtybt.engine and rtybt.strategies onto the repository's engine/ and
# strategies/ folders (pyproject's package-dir). A source checkout put on PYTHONPATH without an install
# resolves them the same way: the folder beside this one joins the package's search path. An installed
# wheel holds rtybt/engine itself and skips this.
if not (_Path(__file__).parent / "engine").is_dir() and (_Path(__file__).resolve().parents[1] / "engine").is_dir():
    __path__.append(str(_Path(__file__).resolve().parents[1]))

from rtybt.engine import __version__  # noqa: E402, F401  (rtybt.__version__; not part of __all__: no docstring of its own)

if TYPE_CHECKING:  # editors and type checkers see the API statically; at run time __getattr__ resolves it
    from rtybt.engine.api import (  # noqa: F401
        AnalogsResult,
        BacktestResult,
        CompareResult,
        ConfigError,
        DataError,
        NoteResult,
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
        note,
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
    "NoteResult",
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
    "note",
    "run",
    "snapshot",
    "study",
    "sweep",
    "walkforward",
]

# The error family is light (no pandas): catching rtybt.UserError costs nothing until an API call is made.
_ERRORS = {"ConfigError", "DataError", "ResultsError", "StrategyError", "UserError"}


def __getattr__(name: str):
    """PEP 562: an API name is imported on first use, then kept as an ordinary attribute of the package."""
    if name not in __all__:
        raise AttributeError(f"module 'rtybt' has no attribute {name!r}")
    if name in _ERRORS:
        from rtybt.engine.core import errors as source
    else:
        from rtybt.engine import api as source
    value = getattr(source, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
