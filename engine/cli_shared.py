"""CLI wiring: options every command accepts after its own name, not only before it (`rtybt sweep CONFIG -q`),
help screens that name no Python type, help screens that import nothing heavy, and a command table that builds
only the command being run."""

import inspect
import re
from collections.abc import Callable, Iterator, MutableMapping
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


def add_options(command, options: list) -> None:
    """Give `command` (a group: each command under it) the options it does not have yet."""
    if hasattr(command, "commands"):
        for sub in command.commands.values():
            add_options(sub, options)
        return
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


class LazyCommands(MutableMapping):
    """A group's commands by name, each built from its typer registration the first time it is asked for.

    typer turns every registered function into a click command (signature, type hints, parameters) before it
    parses a single argument; with eighteen commands that was a tenth of `rtybt --help`. Here `rtybt run CONFIG`
    builds `run` alone and `rtybt --help` builds none: its list of commands reads names and first docstring
    lines from the registrations (`summary`), which is what typer's own list would print.
    """

    def __init__(self, registry: typer.Typer, rich_markup_mode=None, suggest_commands: bool = True) -> None:
        self._options = {"pretty_exceptions_short": registry.pretty_exceptions_short,
                         "rich_markup_mode": rich_markup_mode}
        self._suggest = suggest_commands
        self._entries: dict[str, object] = {}
        for info in registry.registered_commands:
            self._entries[info.name or typer.main.get_command_name(info.callback.__name__)] = info
        for info in registry.registered_groups:
            self._entries[info.name or info.typer_instance.info.name] = info
        self._built: dict[str, object] = {}
        self._on_build: list[Callable] = []

    @property
    def built(self) -> set[str]:
        return set(self._built)

    def when_built(self, hook: Callable) -> None:
        """Run `hook(command)` on every command built so far and on each one built later."""
        self._on_build.append(hook)
        for command in self._built.values():
            hook(command)

    def _build(self, info):
        if isinstance(info, typer.models.TyperInfo):
            return typer.main.get_group_from_info(info, suggest_commands=self._suggest, **self._options)
        return typer.main.get_command_from_info(info, **self._options)

    def __getitem__(self, name: str):
        if name not in self._built:
            command = self._build(self._entries[name])  # KeyError: no such command
            for hook in self._on_build:
                hook(command)
            self._built[name] = command
        return self._built[name]

    def __setitem__(self, name: str, command) -> None:
        self._entries[name] = command
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        del self._entries[name]
        self._built.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def summary(self, name: str):
        """The command as a list of commands shows it (name, help, hidden), without building its parameters."""
        if name in self._built or not isinstance(self._entries[name], (typer.models.CommandInfo,
                                                                         typer.models.TyperInfo)):
            return self[name]
        info = self._entries[name]
        if isinstance(info, typer.models.TyperInfo):
            hidden = info.hidden if isinstance(info.hidden, bool) else info.typer_instance.info.hidden
            return typer.core.TyperCommand(name=name, help=typer.main.solve_typer_info_help(info),
                                           hidden=hidden is True)
        help_text = inspect.cleandoc(info.help) if info.help is not None else inspect.getdoc(info.callback)
        return typer.core.TyperCommand(name=name, help=help_text, short_help=info.short_help,
                                       hidden=info.hidden, deprecated=info.deprecated)


class LazyGroup(LeanHelpGroup):
    """A command group whose commands come from `registry` (a typer.Typer used only to register them), built one
    at a time as LazyCommands builds them; options and the group's own callback come from the Typer that names
    this class as its `cls`."""

    registry: typer.Typer | None = None

    def __init__(self, *, commands=None, **attrs) -> None:
        super().__init__(commands=commands, **attrs)
        if self.registry is not None:
            lazy = LazyCommands(self.registry, self.rich_markup_mode, self.suggest_commands)
            for name, command in self.commands.items():
                lazy[name] = command
            self.commands = lazy

    def list_commands(self, ctx) -> list[str]:
        return list(self.commands)  # typer's own walks .items(), which would build every command

    def format_commands(self, ctx, formatter) -> None:
        summary = getattr(self.commands, "summary", None)
        if summary is None:
            return super().format_commands(ctx, formatter)
        rows = [(name, summary(name)) for name in self.list_commands(ctx)]
        rows = [(name, command) for name, command in rows if not command.hidden]
        if rows:
            limit = formatter.width - 6 - max(len(name) for name, _ in rows)
            with formatter.section("Commands"):
                formatter.write_dl([(name, command.get_short_help_str(limit)) for name, command in rows])
