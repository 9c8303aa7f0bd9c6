"""CLI wiring: options every command accepts after its own name, not only before it (`rtybt sweep CONFIG -q`)."""

from collections.abc import Callable
from typing import Annotated

import typer
from typer.core import TyperGroup


def verbosity_options(set_verbosity: Callable[[int], None], quiet_help: str, verbose_help: str) -> list:
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

    probe = typer.Typer()

    @probe.command()
    def _flags(
        quiet: Annotated[bool, typer.Option("-q", "--quiet", help=quiet_help, callback=quiet_given,
                                            expose_value=False)] = False,
        verbose: Annotated[bool, typer.Option("-v", "--verbose", help=verbose_help, callback=verbose_given,
                                              expose_value=False)] = False,
    ) -> None:
        """Never run: it only builds the two options."""

    return [p for p in typer.main.get_command(probe).params if p.name in ("quiet", "verbose")]


def add_everywhere(group, options: list) -> None:
    """Give every command under `group` (sub-groups' commands too) the options it does not have yet."""
    for command in group.commands.values():
        if hasattr(command, "commands"):
            add_everywhere(command, options)
            continue
        have = {opt for p in command.params for opt in getattr(p, "opts", [])}
        command.params.extend(o for o in options if not have & set(o.opts))


class LeanHelpGroup(TyperGroup):
    """A command group whose own --help, when not given, costs nothing.

    typer (0.2x) coerces every parameter's value through a pydantic TypeAdapter it builds on first use; only a
    flag whose value is already a bool skips it. A group's --help defaults to None, so `rtybt run --help` would
    import pydantic (a quarter of a second) just to find the group's --help absent. A False default is the same
    answer ("not asked for") and keeps the help screens free of pydantic.
    """

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None and option.default is None:
            option.default = False
        return option
