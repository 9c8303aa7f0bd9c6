"""Results stage: write a run directory atomically (staged aside, then renamed into place)."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
from datetime import UTC, datetime
from pathlib import Path

from rtybt.engine.core.errors import ResultsError

STAGING = ".staging"
# Test hook: RTYBT_TEST_KILL_AT=write|commit SIGKILLs the process after its first file is written or just
# before the rename, so tests prove "a complete run directory or none" without racing a timer.
KILL_AT_ENV = "RTYBT_TEST_KILL_AT"


def _kill_point(point: str) -> None:
    if os.environ.get(KILL_AT_ENV) == point:
        os.kill(os.getpid(), signal.SIGKILL)


def new_run_id(config_hash: str, now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    return f"{now:%Y%m%dT%H%M%S}-{config_hash[:8]}-{secrets.token_hex(3)}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale_staging(root: Path) -> None:
    """Remove staging folders of runs whose process died (killed mid-write): never a visible run."""
    staging = root / STAGING
    if not staging.is_dir():
        return
    for entry in staging.iterdir():
        pid = entry.name.rsplit(".", 1)[-1]
        if pid.isdigit() and not _pid_alive(int(pid)):
            shutil.rmtree(entry, ignore_errors=True)


def check_writable(root: Path) -> None:
    """Fail before the backtest, not after, when results cannot be written."""
    try:
        root.mkdir(parents=True, exist_ok=True)
        (root / STAGING).mkdir(exist_ok=True)
    except OSError as exc:
        raise ResultsError(f"{root}: cannot create results directory ({exc.strerror})") from None
    if not os.access(root, os.W_OK | os.X_OK) or not os.access(root / STAGING, os.W_OK | os.X_OK):
        raise ResultsError(f"{root}: results directory is not writable")


class RunWriter:
    """Collects a run's files in a staging folder; `commit()` renames it to results/<name>/<run id>."""

    def __init__(self, root: Path, name: str, run_id: str):
        if "/" in name or "\\" in name or name.startswith(".") or not name:
            raise ResultsError(f"run name {name!r} must not be a path")
        self.root = root
        self.final_parent = root / name
        self.run_id = run_id
        check_writable(root)
        clean_stale_staging(root)
        self.stage = root / STAGING / f"{run_id}.{os.getpid()}"
        self.stage.mkdir(parents=True)

    def path(self, name: str) -> Path:
        return self.stage / name

    def write_text(self, name: str, text: str) -> None:
        (self.stage / name).write_text(text, encoding="utf-8")
        _kill_point("write")

    def write_json(self, name: str, payload) -> None:
        self.write_text(name, json.dumps(payload, indent=2, sort_keys=False, default=str) + "\n")

    def commit(self) -> Path:
        try:
            self.final_parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ResultsError(f"{self.final_parent}: cannot create ({exc.strerror})") from None
        for entry in self.stage.rglob("*"):
            if entry.is_file():
                with entry.open("rb") as fh:
                    os.fsync(fh.fileno())
        _kill_point("commit")
        target = self.final_parent / self.run_id
        os.rename(self.stage, target)  # atomic on one filesystem; fails rather than merge into an existing run
        return target

    def abort(self) -> None:
        shutil.rmtree(self.stage, ignore_errors=True)
