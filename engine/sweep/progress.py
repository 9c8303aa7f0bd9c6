"""Terminal progress for long sweeps: a rich bar with ETA on stderr (the CLI owns it; library code never prints)."""

from __future__ import annotations

from contextlib import contextmanager


@contextmanager
def progress_bar(description: str, enabled: bool = True):
    """Yields an `on_progress(done, total)` callback. The bar appears at the first call — after the config
    and data were checked, so a bad input is one clean line — and not at all when disabled (-q)."""
    state: dict = {}

    def update(done: int, total: int) -> None:
        if not enabled:
            return
        if "progress" not in state:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                                console=Console(stderr=True))
            progress.start()
            state["progress"], state["task"] = progress, progress.add_task(description, total=total)
        state["progress"].update(state["task"], completed=done, total=total)

    try:
        yield update
    except BaseException:
        if "progress" in state:  # an error or Ctrl-C: its one line stands alone on stderr, the bar goes
            progress = state["progress"]
            progress.live.transient = True  # a terminal: the bar is erased
            if not progress.console.is_terminal:
                progress.console.quiet = True  # a file or pipe: not even the final newline
        raise
    finally:
        if "progress" in state:
            state["progress"].stop()
