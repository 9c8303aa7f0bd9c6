"""CLI wiring: options every command accepts after its own name, not only before it (`rtybt sweep CONFIG -q`),
help screens that name no Python type, and help screens that import nothing heavy."""

import re
from collections.abc import Callable
from typing import Annotated

import typer
from typer.core import TyperCommand, TyperGroup


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


def _placeholder(param) -> str:
    return param.metavar or param.name.rstrip("_").upper()


def _argument_text(param) -> str:
    """CONFIG, [NAME], CONFIG... or [CONFIG]...: as a man page writes them."""
    text = _placeholder(param) if param.required else f"[{_placeholder(param)}]"
    return text + ("..." if param.nargs != 1 else "")


def _option_text(param) -> str:
    names = ", ".join(sorted(param.opts, key=len))
    return names if param.is_flag or param.count else f"{names} {_placeholder(param)}"


class ReadableCommand(TyperCommand):
    """A command whose help reads like a man page, not like Python: `--set KEY=VALUE` and `CONFIG` where typer
    (0.2x) writes `--set <list[str]>` and `{config} <str>`, and `[at least 1]` for `[x>=1]`."""

    def collect_usage_pieces(self, ctx) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                pieces.append(_argument_text(param))
        return pieces

    def format_options(self, ctx, formatter) -> None:
        sections: dict[str, list[tuple[str, str]]] = {"Arguments": [], "Options": []}
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            help_text = re.sub(r"\bx>=([^;\]]+)", r"at least \1", record[1])
            if param.param_type_name == "argument":
                sections["Arguments"].append((_argument_text(param), help_text))
            elif param.param_type_name == "option":
                sections["Options"].append((_option_text(param), help_text))
        for title, rows in sections.items():
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


class ReadableTyper(typer.Typer):
    """typer.Typer whose commands default to ReadableCommand (a command may still name its own `cls`)."""

    def command(self, *args, cls=None, **kwargs):
        return super().command(*args, cls=cls or ReadableCommand, **kwargs)
