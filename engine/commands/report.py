"""Commands stage: `rtybt report RUN_DIR`: rebuild the tearsheet from a run's stored results, written atomically."""

from __future__ import annotations

from pathlib import Path

from rtybt.engine.core.atomic import write_files_atomic, write_text_atomic
from rtybt.engine.core.errors import ResultsError
from rtybt.engine.core.progress import Stage, announce
from rtybt.engine.report.run.inputs import from_run_dir
from rtybt.engine.report.run.tearsheet import build_report


def rerender(run_dir: str | Path, data_dir: str | None = None, on_stage: Stage | None = None,
             trust_strategy_file: bool = False) -> Path:
    """Rebuild every report file of `run_dir` without re-running the backtest; returns the tearsheet's path.

    The report renders from the stored files alone: a strategy file the run's config names is never imported,
    unless `trust_strategy_file`, and then only when its source matches the hash the manifest pinned.

    Each file is written under a temporary name in the run directory and renamed over the old one,
    so a reader sees either the old file or the new one, never a partial file.
    """
    run_dir = Path(run_dir)
    announce(on_stage, "loading the run and its data")
    inputs = from_run_dir(run_dir, data_dir, trust_strategy_file)
    announce(on_stage, "report")
    files = build_report(inputs)
    try:
        write_files_atomic({run_dir / name: payload for name, payload in files.items()})
        _record_rendered(run_dir, files)
    except OSError as exc:
        raise ResultsError(f"{run_dir}: cannot write the report ({exc.strerror})") from None
    return run_dir / "tearsheet.html"


def _record_rendered(run_dir: Path, files: dict[str, bytes]) -> None:
    """Keep manifest.json's checksums true when the report's files changed (a newer renderer, or a run written
    with output.tearsheet off); untouched when the re-render is byte-identical, as it is for the same code."""
    import hashlib
    import json

    from rtybt.engine.results.provenance import MANIFEST, read_manifest

    manifest = read_manifest(run_dir)
    hashes = {name: hashlib.sha256(payload).hexdigest() for name, payload in files.items()}
    rendered = sorted(set(manifest["details"].get("rendered") or []) | set(files))
    if all(manifest["files"].get(name) == sha for name, sha in hashes.items()) and \
            rendered == manifest["details"].get("rendered"):
        return
    manifest["files"] = dict(sorted({**manifest["files"], **hashes}.items()))
    manifest["details"]["rendered"] = rendered
    write_text_atomic(run_dir / MANIFEST, json.dumps(manifest, indent=2, sort_keys=False, default=str) + "\n")
