"""README and `--help` agree: every option of every command is in the command reference, and every
`rtybt COMMAND --option` the README writes exists."""

from __future__ import annotations

import re

import pytest
import typer.main
from typer.testing import CliRunner

from rtybt.engine.cli import app
from tests.project.readme import mention_tokens, reference_rows, rtybt_mentions

runner = CliRunner()


def command_paths() -> list[list[str]]:
    paths = []

    def walk(group, prefix):
        for name, sub in group.commands.items():
            if hasattr(sub, "commands"):
                walk(sub, [*prefix, name])
            else:
                paths.append([*prefix, name])

    walk(typer.main.get_command(app), [])
    return paths


def help_options(path: list[str]) -> list[set[str]]:
    """The options of `rtybt PATH --help`, each as the set of its spellings ({'-j', '--jobs'}); --help left out."""
    result = runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    text = result.output.split("Options:", 1)[1] if "Options:" in result.output else ""
    options = []
    for line in text.splitlines():
        if not re.match(r"^ {1,4}-", line):
            continue
        declared = re.split(r"\s{2,}", line.strip(), maxsplit=1)[0]
        names = set(re.findall(r"(?<![\w-])--?[A-Za-z][\w-]*", declared))
        if names and "--help" not in names:
            options.append(names)
    return options


COMMANDS = command_paths()


def test_the_help_parser_reads_short_and_long_spellings():
    assert {"-j", "--jobs"} in help_options(["regress"])
    assert {"--confirm-top"} in help_options(["sweep"])


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_every_option_of_the_command_is_in_the_readme_reference(path):
    rows = reference_rows()
    name = " ".join(path)
    assert name in rows, f"README's command reference has no row for `rtybt {name}`"
    row = rows[name]
    options = help_options(path)
    missing = [sorted(o) for o in options if not o & row]
    assert not missing, f"`rtybt {name}`: options not in the README's reference row: {missing}"
    known = set().union(*options) if options else set()
    stale = sorted(row - known)
    assert not stale, f"`rtybt {name}`: the README's reference row names options --help does not have: {stale}"


def test_the_reference_has_no_row_for_a_command_that_does_not_exist():
    assert set(reference_rows()) == {" ".join(p) for p in COMMANDS}


def test_every_rtybt_option_the_readme_writes_exists():
    top = typer.main.get_command(app)
    global_options = {"--help"}.union(*help_options([]))  # -q, -v, --version: before any command
    problems = []
    mentions = rtybt_mentions()
    assert len(mentions) > 20  # the scan really reads the README
    for mention in mentions:
        tokens = mention_tokens(mention)[1:]
        if tokens and tokens[0].isupper():
            continue  # `rtybt COMMAND --help`: a placeholder, not a command
        path, group = [], top
        while tokens and hasattr(group, "commands") and tokens[0] in group.commands:
            group = group.commands[tokens[0]]
            path.append(tokens.pop(0))
        allowed = set(global_options)
        if path and not hasattr(group, "commands"):
            allowed |= set().union(*help_options(path))
        for token in tokens:
            if token.startswith("-") and token.split("=", 1)[0] not in allowed:
                problems.append(f"{mention!r}: {token.split('=', 1)[0]}")
        if tokens and not path and not tokens[0].startswith("-"):
            problems.append(f"{mention!r}: no command {tokens[0]!r}")
    assert not problems, problems


def test_the_scan_would_catch_a_misspelled_option():
    from tests.project.readme import rtybt_mentions as scan

    text = "Run `rtybt sweep X --workrs 2` or `pip install rtybt[x]`\n```bash\nrtybt run c.yaml --jsn\n```\n"
    assert scan(text) == ["rtybt sweep X --workrs 2", "rtybt run c.yaml --jsn"]
    sweep = set().union(*help_options(["sweep"]))
    assert "--workrs" not in sweep and "--workers" in sweep
