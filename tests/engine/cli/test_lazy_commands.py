"""The command table builds only the command being run: `rtybt --help` builds none, `rtybt run --help` builds
`run` alone, and what the help lists is what the built commands would list."""

from __future__ import annotations

import pytest
import typer.main

from rtybt.engine.cli import app
from rtybt.engine.cli_shared import LazyCommands


def fresh_group():
    """The group as the console script builds it (typer.main.get_command, like Typer.__call__)."""
    group = typer.main.get_command(app)
    assert isinstance(group.commands, LazyCommands)
    return group


def run_main(group, argv: list[str], capsys) -> str:
    with pytest.raises(SystemExit) as stop:
        group.main(argv, prog_name="rtybt")
    assert stop.value.code in (0, None)
    return capsys.readouterr().out


def test_top_level_help_builds_no_command(capsys):
    group = fresh_group()
    out = run_main(group, ["--help"], capsys)
    assert "Commands:" in out and "check-strategy" in out and "results" in out
    assert group.commands.built == set()


@pytest.mark.parametrize("argv, built", [(["run", "--help"], {"run"}), (["data", "check", "--help"], {"data"}),
                                         (["--version"], set())])
def test_a_command_builds_only_itself(argv, built, capsys):
    group = fresh_group()
    run_main(group, argv, capsys)
    assert group.commands.built == built


def test_the_lazy_list_is_what_the_built_commands_list(capsys):
    # The list printed from the registrations (names, first docstring lines, hidden) must equal typer's own
    # list, which builds every command.
    group = fresh_group()
    lazy_help = run_main(group, ["--help"], capsys)
    assert group.commands.built == set()
    built = typer.main.get_command(app)
    with built.context_class(built, info_name="rtybt") as ctx:
        for name in built.commands:  # build them all, then list them the way typer does
            built.commands[name]
        assert built.commands.built == set(built.commands)
        formatter = ctx.make_formatter()
        typer.core.TyperGroup.format_commands(built, ctx, formatter)
    eager_list = formatter.getvalue()
    assert eager_list.strip() and eager_list in lazy_help


def test_options_given_everywhere_reach_a_command_built_later(capsys):
    group = fresh_group()
    run_main(group, ["run", "--help"], capsys)
    opts = {opt for p in group.commands["run"].params for opt in getattr(p, "opts", [])}
    assert {"-q", "-v"} <= opts
    # a command built after main() started gets them too
    opts = {opt for p in group.commands["sweep"].params for opt in getattr(p, "opts", [])}
    assert {"-q", "-v"} <= opts


def test_an_unknown_command_is_still_suggested(capsys):
    group = fresh_group()
    with pytest.raises(SystemExit) as stop:
        group.main(["rnu"], prog_name="rtybt")
    assert stop.value.code == 2
    assert "Did you mean 'run'?" in capsys.readouterr().err
    assert group.commands.built == set()
