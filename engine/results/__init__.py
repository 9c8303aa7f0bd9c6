"""Results stage: write a run directory atomically (staged aside, then renamed into place)."""

from __future__ import annotations

import errno
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
    from rtybt.engine.core.pool import parent_alive

    return parent_alive(pid)  # one liveness test (a zombie counts as gone), shared with the pool's workers


def clean_stale_staging(root: Path) -> None:
    """Remove staging folders of runs whose process died (killed mid-write): never a visible run."""
    staging = root / STAGING
    if not staging.is_dir():
        return
    for entry in staging.iterdir():
        pid = entry.name.rsplit(".", 1)[-1]
        if pid.isdigit() and not _pid_alive(int(pid)):
            shutil.rmtree(entry, ignore_errors=True)


INCOMING = ".incoming-"


def _clean_stale_incoming(parent: Path) -> None:
    """Remove copies of runs whose process died while copying them across filesystems."""
    for entry in parent.glob(f"{INCOMING}*"):
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
        try:
            (self.stage / name).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise ResultsError(f"{self.final_parent / self.run_id / name}: cannot write "
                               f"({exc.strerror or exc.__class__.__name__}); earlier runs are untouched") from None
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
        try:
            os.rename(self.stage, target)  # atomic on one filesystem; fails rather than merge into an existing run
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise ResultsError(f"{target}: cannot move the finished run into place "
                                   f"({exc.strerror or exc.__class__.__name__})") from None
            self._commit_across(target)
        return target

    def _commit_across(self, target: Path) -> None:
        """The staging folder and the run's folder are on two filesystems (a symlinked results/<name> or
        .staging): copy the run beside its target under a hidden name, then rename it, so a reader still sees
        a whole run or none; a copy cut short is removed here or, after a kill, by the next run."""
        incoming = self.final_parent / f"{INCOMING}{self.run_id}.{os.getpid()}"
        _clean_stale_incoming(self.final_parent)
        try:
            shutil.copytree(self.stage, incoming)
            for entry in incoming.rglob("*"):
                if entry.is_file():
                    with entry.open("rb") as fh:
                        os.fsync(fh.fileno())
            os.rename(incoming, target)
        except OSError as exc:
            shutil.rmtree(incoming, ignore_errors=True)
            reason = exc.strerror or exc.__class__.__name__
            raise ResultsError(f"{target}: cannot copy the finished run into place ({reason}); "
                               "earlier runs are untouched") from None
        shutil.rmtree(self.stage, ignore_errors=True)

    def abort(self) -> None:
        shutil.rmtree(self.stage, ignore_errors=True)
