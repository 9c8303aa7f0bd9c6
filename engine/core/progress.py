"""Terminal status of long commands: a rich status line or progress bar on stderr (the CLI owns it; library
code only calls the callbacks it is handed and never prints)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from contextlib import contextmanager

Progress = Callable[[int, int], None]  # on_progress(done, total): a bar with ETA
Stage = Callable[[str], None]  # on_stage("backtest"): what the command is doing now


class Status:
    """Both callbacks in one object: `status.stage(text)` names the step, `status(done, total)` moves a bar.

    Nothing is drawn unless enabled and stderr is a terminal, so piped output, `-q` and `--json` stay clean.
    The line appears at the first call — after the config and data were checked, so a bad input is one
    clean line — and disappears when the command is done (the results follow it).
    """

    def __init__(self, description: str, enabled: bool):
        self.description = description
        self.enabled = enabled and sys.stderr.isatty()
        self._progress = None
        self._task = None
        self._stage = ""

    def stage(self, text: str) -> None:
        if not self.enabled:
            return
        self._stage = text
        self._show(None, None)

    def __call__(self, done: int, total: int) -> None:
        if self.enabled:
            self._show(done, total)

    def _text(self) -> str:
        from rtybt.engine.core.terminal import printable_line

        text = f"{self.description}: {self._stage}" if self._stage else self.description
        # rich reads "[...]" as markup: a symbol or a name from a file is shown as written, not interpreted.
        return printable_line(text).replace("[", r"\[")

    def _show(self, done: int | None, total: int | None) -> None:
        if self._progress is None:
            self._progress = _new_progress()
            self._progress.start()
        elif (total is None) != (self._progress.tasks[0].total is None):
            # rich's update() cannot take a total back to None: a plain status line is a new task.
            self._progress.remove_task(self._task)
            self._task = None
        created = self._task is None
        if created:
            self._task = self._progress.add_task(self._text(), total=total)
        # A new step or a new bar is drawn at once (a short one would otherwise fall between two 10 Hz
        # refreshes); bar ticks wait for the next refresh.
        self._progress.update(self._task, description=self._text(), completed=done or 0, total=total,
                              refresh=created or done is None)

    def stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None


def _new_progress():
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class WhenCounted(ProgressColumn):
        """A column shown only while a count is known (a bar of N configs), blank on a plain status line."""

        def __init__(self, column):
            super().__init__()
            self.column = column

        def render(self, task):
            return self.column.render(task) if task.total is not None else Text("")

    return Progress(SpinnerColumn(), TextColumn("{task.description}"), WhenCounted(BarColumn()),
                    WhenCounted(MofNCompleteColumn()), TimeElapsedColumn(), WhenCounted(TextColumn("ETA")),
                    WhenCounted(TimeRemainingColumn()), console=Console(stderr=True), transient=True)


@contextmanager
def progress_bar(description: str, enabled: bool = True):
    """Yields a `Status`: hand `status` as `on_progress` and `status.stage` as `on_stage` to a flow."""
    status = Status(description, enabled)
    try:
        yield status
    finally:
        status.stop()


def stage_of(on_stage: Stage | None, prefix: str) -> Stage | None:
    """A stage callback that prefixes each step ("config 2 of 5 (rsi_momentum): backtest")."""
    if on_stage is None:
        return None
    return lambda text: on_stage(f"{prefix}: {text}")


def announce(on_stage: Stage | None, text: str) -> None:
    if on_stage is not None:
        on_stage(text)
