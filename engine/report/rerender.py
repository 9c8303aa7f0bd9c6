"""Report stage: `rtybt report RUN_DIR`: rebuild the tearsheet from a run's stored results, written atomically."""

from __future__ import annotations

import os
from pathlib import Path

from engine.errors import ResultsError
from engine.progress import Stage, announce
from engine.report.inputs import from_run_dir
from engine.report.tearsheet import build_report


def rerender(run_dir: str | Path, data_dir: str | None = None, on_stage: Stage | None = None) -> Path:
    """Rebuild every report file of `run_dir` without re-running the backtest; returns the tearsheet's path.

    Each file is written under a temporary name in the run directory and renamed over the old one,
    so a reader sees either the old file or the new one, never a partial file.
    """
    run_dir = Path(run_dir)
    announce(on_stage, "loading the run and its data")
    inputs = from_run_dir(run_dir, data_dir)
    announce(on_stage, "report")
    files = build_report(inputs)
    temps = []
    try:
        for name, payload in files.items():
            tmp = run_dir / f".{name}.tmp.{os.getpid()}"
            temps.append((tmp, run_dir / name))
            with tmp.open("wb") as fh:
                fh.write(payload)
                fh.flush()
                os.fsync(fh.fileno())
        for tmp, final in temps:
            os.replace(tmp, final)
    except OSError as exc:
        for tmp, _ in temps:
            tmp.unlink(missing_ok=True)
        raise ResultsError(f"{run_dir}: cannot write the report ({exc.strerror})") from None
    return run_dir / "tearsheet.html"
