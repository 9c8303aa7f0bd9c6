"""Sweep progress: the terminal status of engine/core/progress.py (kept here so older imports still work)."""

from rtybt.engine.core.progress import Progress, Status, progress_bar

__all__ = ["Progress", "Status", "progress_bar"]
