"""Sweep progress: the terminal status of engine/progress.py (kept here so older imports still work)."""

from rtybt.engine.progress import Progress, Status, progress_bar

__all__ = ["Progress", "Status", "progress_bar"]
