"""Results stage: the one provenance record (manifest.json) of every command that writes results, and its check."""

from __future__ import annotations

import hashlib
import inspect
import json
import platform
import sys
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from rtybt.engine import __version__
from rtybt.engine.core.errors import ResultsError
from rtybt.engine.core.verify import code_version
from rtybt.engine.data.load import sha256_file

if TYPE_CHECKING:
    from rtybt.engine.data import Bars

MANIFEST = "manifest.json"
SCHEMA = 2  # 2: `inputs` (one entry per config) and `files` (sha256 of every file written)
LIBRARIES = ("backtrader", "pandas", "numpy", "pyfolio-reloaded", "matplotlib")


def library_versions() -> dict[str, str]:
    versions = {"rtybt": __version__, "python": platform.python_version()}
    for dist in LIBRARIES:
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = "not installed"
    return versions


def strategy_source_sha(config) -> str:
    """sha256 of the source of the module that defines the config's strategy."""
    from rtybt.strategies import get_strategy

    cls = get_strategy(config.strategy.name, config.strategy.file)
    source = inspect.getsource(sys.modules[cls.__module__])
    return hashlib.sha256(source.encode()).hexdigest()


def data_record(bars, role: str) -> dict:
    """A data file a command read, and in which role: where, its checksum, the dates and rows kept."""
    return {
        "role": role,
        "symbol": bars.symbol,
        "file": str(bars.path),
        "sha256": bars.sha256,
        "checksum": bars.checksum_status,
        "first_date": str(bars.first_date),
        "last_date": str(bars.last_date),
        "rows": len(bars.frame),
        "rows_dropped": len(bars.report.dropped),
    }


def _data(files: list[tuple[str, Bars | None]]) -> list[dict]:
    seen: list[Bars] = []
    out = []
    for role, bars in files:
        if bars is not None and not any(bars is s for s in seen):  # a benchmark on the traded symbol: once
            seen.append(bars)
            out.append(data_record(bars, role))
    return out


def input_record(config_path, config, bars=None, bench=None) -> dict:
    """One config as run: its file, hash, strategy source, the folder its data came from and the data files.

    `bars` is None only for a config whose data was never read (`rtybt regress` refusing a changed file)."""
    return {
        "config_path": str(config_path),
        "name": config.name,
        "config_hash": config.config_hash(),
        "strategy": config.strategy.name,
        "strategy_source_sha256": strategy_source_sha(config),
        "code_version": code_version(),
        "data_dir": str(bars.path.parent) if bars is not None else None,
        "data": _data([("traded", bars), ("benchmark", bench)]),
    }


def parameters_record(name: str, parameters: dict, files: list[tuple[str, Bars]]) -> dict:
    """The same record for a command driven by options, not a config (`rtybt analogs`): no strategy."""
    blob = json.dumps(parameters, sort_keys=True, separators=(",", ":"), default=str)
    return {
        "config_path": None,
        "name": name,
        "config_hash": hashlib.sha256(blob.encode()).hexdigest(),
        "strategy": None,
        "strategy_source_sha256": None,
        "code_version": code_version(),
        "data_dir": str(files[0][1].path.parent),
        "data": _data(files),
    }


def traded_data(manifest: dict) -> dict:
    """The first input's traded data file (what `rtybt report` re-reads and `rtybt compare` matches)."""
    data = manifest["inputs"][0].get("data") or []
    return next((d for d in data if isinstance(d, dict) and d.get("role") == "traded"), {})


def file_hashes(folder: Path) -> dict[str, str]:
    """sha256 of every file under `folder` but the manifest itself, by relative path, sorted."""
    return {
        path.relative_to(folder).as_posix(): sha256_file(path)
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != MANIFEST
    }


def write_manifest(writer, command: str, inputs: list[dict], started: datetime, command_line: list[str] | None,
                   details: dict | None = None) -> dict:
    """Written last, into the writer's staging folder, so that `files` covers every other file of the run."""
    manifest = {
        "schema": SCHEMA,
        "command": command,
        "run_id": writer.run_id,
        "command_line": list(command_line or sys.argv),
        "started_utc": started.isoformat(timespec="seconds"),
        "finished_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "versions": library_versions(),
        "inputs": inputs,
        "details": details or {},
        "files": file_hashes(writer.stage),
    }
    writer.write_json(MANIFEST, manifest)
    return manifest


def _is_record(manifest) -> bool:
    if not isinstance(manifest, dict):
        return False
    inputs, files = manifest.get("inputs"), manifest.get("files")
    return (isinstance(inputs, list) and bool(inputs) and all(isinstance(i, dict) for i in inputs)
            and isinstance(manifest.get("details"), dict) and isinstance(files, dict)
            and all(isinstance(v, str) and not Path(k).is_absolute() and ".." not in Path(k).parts
                    for k, v in files.items()))


def read_manifest(run_dir: Path) -> dict:
    """A run directory's provenance record; anything else (older, edited, not JSON) is a one-line ResultsError."""
    path = Path(run_dir) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ResultsError(f"{path}: missing") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ResultsError(f"{path}: unreadable ({exc.__class__.__name__})") from None
    if not _is_record(manifest):
        raise ResultsError(f"{path}: not a provenance record with `inputs` and `files` (written by an older rtybt "
                           "or edited): run the config again")
    return manifest


def verify_files(run_dir: Path, manifest: dict, skip: frozenset[str] | set[str] = frozenset()) -> None:
    """Every file the run wrote must still be the one it wrote (a truncated or edited file is refused)."""
    run_dir = Path(run_dir)
    for name, expected in manifest["files"].items():
        if name in skip:
            continue
        path = run_dir / name
        if not path.is_file():
            raise ResultsError(f"{path}: listed in {MANIFEST} but missing")
        actual = sha256_file(path)
        if actual != expected:
            raise ResultsError(f"{path}: changed since the run wrote it (sha256 {actual[:12]} != {expected[:12]} "
                               f"in {MANIFEST}); run the config again")
