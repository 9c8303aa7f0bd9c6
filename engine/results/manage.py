"""Results stage: what the results directory holds (runs by name, their sizes) and pruning it to the newest runs,
never touching anything outside it."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from rtybt.engine.core.errors import ResultsError
from rtybt.engine.results.provenance import MANIFEST


@dataclass(frozen=True)
class StoredRun:
    name: str  # results/<name>/: the config's name, `compare`, `<name>-sweep`, ...
    run_id: str  # starts with the UTC time: sorting by it sorts by age
    path: Path
    size: int  # bytes


@dataclass
class Listing:
    root: Path
    runs: list[StoredRun]
    skipped: list[str]  # entries left alone, and why (a symlink, not a run)

    def names(self) -> dict[str, list[StoredRun]]:
        """Runs by name, newest first."""
        out: dict[str, list[StoredRun]] = {}
        for run in sorted(self.runs, key=lambda r: (r.name, r.run_id)):
            out.setdefault(run.name, []).insert(0, run)
        return out


def _size(folder: Path) -> int:
    return sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve(strict=True).relative_to(root)
        return True
    except (OSError, ValueError):
        return False


def list_runs(root: str | Path) -> Listing:
    """Every run folder (a real folder holding a manifest) under `root`/<name>/. A symlink, or anything that
    resolves outside `root`, is listed as skipped and never counted as a run."""
    root = Path(root)
    if not root.is_dir():
        raise ResultsError(f"{root}: not a results directory (it does not exist or is not a folder)")
    real_root = root.resolve()
    runs, skipped = [], []
    for name_dir in sorted(root.iterdir()):
        if name_dir.name.startswith("."):  # .staging, .variants, .lookahead: the tool's own bookkeeping
            continue
        if name_dir.is_symlink() or not _inside(name_dir, real_root):
            skipped.append(f"{name_dir}: a symlink or outside {root}: left alone")
            continue
        if not name_dir.is_dir():
            continue
        for run_dir in sorted(name_dir.iterdir()):
            if run_dir.is_symlink() or not _inside(run_dir, real_root):
                skipped.append(f"{run_dir}: a symlink or outside {root}: left alone")
            elif run_dir.is_dir() and (run_dir / MANIFEST).is_file() and not (run_dir / MANIFEST).is_symlink():
                runs.append(StoredRun(name_dir.name, run_dir.name, run_dir, _size(run_dir)))
    return Listing(root, runs, skipped)


def runs_to_prune(listing: Listing, keep: int) -> list[StoredRun]:
    """Every run but the newest `keep` of each name."""
    if keep < 1:
        raise ResultsError(f"--keep {keep}: keep at least 1 run of each name")
    return [run for runs in listing.names().values() for run in runs[keep:]]


def remove_runs(listing: Listing, runs: list[StoredRun]) -> None:
    """Delete the given run folders, each checked again just before: a real folder inside the root."""
    real_root = listing.root.resolve()
    for run in runs:
        path = run.path
        if path.is_symlink() or path.parent.is_symlink() or not _inside(path, real_root) \
                or path.resolve().parent.parent != real_root:
            raise ResultsError(f"{path}: not a run folder inside {listing.root}: refused")
        try:
            shutil.rmtree(path)  # never follows a symlink found inside: it removes the link itself
        except OSError as exc:
            raise ResultsError(f"{path}: cannot remove ({exc.strerror})") from None
