"""CLI wiring: options every command accepts after its own name, not only before it (`rtybt sweep CONFIG -q`)."""

from collections.abc import Callable
from typing import Annotated

import typer


def verbosity_options(set_verbosity: Callable[[int], None], quiet_help: str, verbose_help: str,
                      set_traceback: Callable[[], None] | None = None) -> list:
    """The -q/-v flags as click parameters built by typer itself (its public API), for any command.

    A flag calls `set_verbosity` only when given, so `rtybt -q run X` stays quiet; its value is not passed
    to the command's function.
    """

    def quiet_given(value: bool) -> None:
        if value:
            set_verbosity(0)

    def verbose_given(value: bool) -> None:
        if value:
            set_verbosity(2)

    def traceback_given(value: bool) -> None:
        if value and set_traceback is not None:
            set_traceback()

    probe = typer.Typer()

    @probe.command()
    def _flags(
        quiet: Annotated[bool, typer.Option("-q", "--quiet", help=quiet_help, callback=quiet_given,
                                            expose_value=False)] = False,
        verbose: Annotated[bool, typer.Option("-v", "--verbose", help=verbose_help, callback=verbose_given,
                                              expose_value=False)] = False,
        traceback: Annotated[bool, typer.Option("--traceback", hidden=True, callback=traceback_given,
                                                expose_value=False)] = False,
    ) -> None:
        """Never run: it only builds the options."""

    # --traceback is accepted after any command but listed once, in `rtybt --help`.
    wanted = ("quiet", "verbose", "traceback") if set_traceback is not None else ("quiet", "verbose")
    return [p for p in typer.main.get_command(probe).params if p.name in wanted]


def add_everywhere(group, options: list) -> None:
    """Give every command under `group` (sub-groups' commands too) the options it does not have yet."""
    for command in group.commands.values():
        if hasattr(command, "commands"):
            add_everywhere(command, options)
            continue
        have = {opt for p in command.params for opt in getattr(p, "opts", [])}
        command.params.extend(o for o in options if not have & set(o.opts))
