"""Results stage: whether a stored run may stand in for running a config again (`rtybt compare`, and any
command that reuses an identical run): the same inputs, and every file still the one the run wrote.

A stored run is reused only when its manifest's input record names the same config hash, strategy source,
rtybt code (`engine/core/verify.py`'s `code_version`) and the same bytes of every data file it read, the
benchmark's included, and when every file it wrote still has the checksum its manifest records. A run that
matches the config but fails either check is passed over with a one-line note (a `StoreNote`), never reused
and never a crash: the caller runs the config again.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from rtybt.engine.core.errors import ResultsError
from rtybt.engine.core.verify import refused

SAME = ("config_hash", "strategy_source_sha256", "code_version")


def data_bytes(record: dict) -> list[tuple]:
    """(role, sha256 of the bytes read) of every data file of an input record, the benchmark's included."""
    data = record.get("data") if isinstance(record, dict) else None
    return [(d.get("role"), d.get("sha256")) for d in data or [] if isinstance(d, dict)]


def input_difference(stored: dict, record: dict) -> str | None:
    """The first input in which a stored run's record differs from the current one, or None."""
    for key in SAME:
        if stored.get(key) != record.get(key):
            return {"config_hash": "config", "strategy_source_sha256": "strategy source",
                    "code_version": "rtybt code"}[key] + " differs"
    mine, theirs = dict(data_bytes(record)), dict(data_bytes(stored))
    for role in sorted(set(mine) | set(theirs), key=str):
        if mine.get(role) != theirs.get(role):
            return f"{role} data differs (other bytes, or {'not read' if role not in theirs else 'not read now'})"
    return None


def check_stored_results(run_dir: Path, dates: list[str] | None = None) -> str | None:
    """Why a stored run's metrics.json and returns.csv cannot be used as numbers, or None; with `dates` (the
    run's bars, ISO), returns.csv must hold one return for each of them."""
    import pandas as pd

    try:
        metrics = json.loads((run_dir / "metrics.json").read_text(encoding="utf-8"))
        frame = pd.read_csv(run_dir / "returns.csv")
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        return f"unreadable results ({exc.__class__.__name__})"
    if not isinstance(metrics, dict) or not isinstance(metrics.get("strategy"), dict) or not metrics["strategy"]:
        return "metrics.json has no strategy metrics"
    for key, value in metrics["strategy"].items():
        if isinstance(value, bool) or (value is not None and not isinstance(value, int | float | str)):
            return f"metrics.json: strategy.{key} is not a number"
    if "returns" not in frame or "date" not in frame or frame.empty:
        return "returns.csv has no returns"
    if not all(isinstance(v, int | float) and math.isfinite(v) for v in frame["returns"].tolist()):
        return "returns.csv holds a return that is not a finite number"
    if dates is not None and frame["date"].astype(str).tolist() != list(dates):
        return f"returns.csv has {len(frame)} dates for the {len(dates)} bars of the run"
    return None


def find_reusable_run(parent: Path, record: dict, dates: list[str] | None = None,
                      command: str = "run") -> Path | None:
    """The newest run under `parent` (results/<name>/) that `record` (engine.results.provenance.input_record of
    the config about to run) may reuse; None when there is none. `dates`: the ISO dates of the bars it would
    run on (a stored run must hold a return for each). A run of the same config that does not verify is named
    in a one-line note and passed over."""
    from rtybt.engine.results.provenance import read_manifest, verify_files

    if not parent.is_dir():
        return None
    passed_over = None
    for manifest_path in sorted(parent.glob("*/manifest.json"), reverse=True):
        run_dir = manifest_path.parent
        if run_dir.name.startswith("."):
            continue  # a run still being copied in from another filesystem (results.INCOMING)
        try:
            manifest = read_manifest(run_dir)
        except ResultsError:
            continue  # not a run this version wrote: never reused
        stored = manifest["inputs"][0]
        if manifest.get("command") != command or stored.get("config_hash") != record.get("config_hash"):
            continue
        why = input_difference(stored, record)
        if why is not None:
            passed_over = passed_over or (run_dir, f"made from other inputs ({why})")
            continue
        try:
            verify_files(run_dir, manifest)
        except ResultsError as exc:
            detail = str(exc).replace(f"{run_dir}/", "").removesuffix("; run the config again")
            refused(f"stored run {run_dir}", f"does not verify ({detail})")
            continue
        why = check_stored_results(run_dir, dates)
        if why is not None:
            refused(f"stored run {run_dir}", why)
            continue
        return run_dir
    if passed_over is not None:
        refused(f"stored run {passed_over[0]}", passed_over[1])
    return None


@dataclass
class Identical:
    """What `find_identical_run` found: the run to reuse (None: none), its stored summary, and notes on runs it
    refused."""

    run_dir: Path | None = None
    summary: dict | None = None
    notes: list[str] = field(default_factory=list)


def find_identical_run(parent: Path, wanted: dict, version: str) -> Identical:
    """The newest run under results/<name>/ written by `rtybt run` of this rtybt version with the same input
    record (`provenance.input_record`: config hash, strategy source, rtybt code, data files' bytes), so that
    `rtybt run` need not make a new folder for the same numbers. Every file it lists is verified against its
    manifest first: a damaged run is never reused (a note says why)."""
    from rtybt.engine.results.provenance import read_manifest, verify_files

    found = Identical()
    if not parent.is_dir() or parent.is_symlink():
        return found
    for manifest_path in sorted(parent.glob("*/manifest.json"), reverse=True):
        run_dir = manifest_path.parent
        if run_dir.is_symlink() or run_dir.name.startswith("."):
            continue
        try:
            manifest = read_manifest(run_dir)
        except ResultsError:
            continue  # not a run this version wrote: never reused
        summary = manifest["details"].get("summary")
        if (manifest.get("command") != "run" or (manifest.get("versions") or {}).get("rtybt") != version
                or not isinstance(summary, dict) or input_difference(manifest["inputs"][0], wanted) is not None):
            continue
        try:
            verify_files(run_dir, manifest)
        except ResultsError as exc:
            found.notes.append(f"an identical run is damaged, not reused: {exc}")
            continue
        found.run_dir, found.summary = run_dir, summary | {"run_dir": str(run_dir)}
        return found
    return found
