"""Terminal progress for long sweeps: a rich bar with ETA on stderr (the CLI owns it; library code never prints)."""

from __future__ import annotations

from contextlib import contextmanager


@contextmanager
def progress_bar(description: str, enabled: bool = True):
    """Yields an `on_progress(done, total)` callback; a no-op when disabled (-q)."""
    if not enabled:
        yield lambda done, total: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TextColumn("ETA"), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=False) as progress:
        task = progress.add_task(description, total=None)

        def update(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        yield update
