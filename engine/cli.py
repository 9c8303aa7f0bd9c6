"""The command line: typer wiring only (parse, call one function, print)."""

# Annotations stay text until typer builds a command: only the command being run is built (LazyGroup), so
# `rtybt --help` evaluates none of the other commands' option declarations.
from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from rtybt.engine.cli_shared import (
    LazyGroup,
    LeanHelpGroup,
    ReadableTyper,
    add_options,
    verbosity_options,
)
from rtybt.engine.core.exit_codes import ExitCodeGroup
from rtybt.engine.core.json_text import json_text

# Where the commands are registered; the `app` below builds each from here when it is asked for.
commands = ReadableTyper()


class RtybtGroup(LazyGroup, ExitCodeGroup):
    """The command group; -q and -v work after any command's name as they do before it."""

    registry = commands

    def main(self, *args, **kwargs):
        options: list = []

        def give_options(command) -> None:
            if not options:
                options.extend(verbosity_options(lambda level: _state.update(verbosity=level), QUIET_HELP,
                                                 VERBOSE_HELP, lambda: _state.update(traceback=True)))
            add_options(command, options)

        self.commands.when_built(give_options)
        return super().main(*args, **kwargs)

    def show_detail(self) -> bool:
        return _state["verbosity"] >= 2 or _state["traceback"]


QUIET_HELP = "Only errors and the final result (no status line or progress bar)."
VERBOSE_HELP = "Also data-validation details (and the traceback of an error in your strategy's code)."
TRACEBACK_HELP = "On an error in your strategy's code, print its full traceback before the one-line message."

app = ReadableTyper(
    name="rtybt",
    cls=RtybtGroup,
    help="Backtest the signals of the Russell 2000 'ready to rally' note on real data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain click help: rich's help formatter costs more start-up time than the rest of the CLI together.
    rich_markup_mode=None,
)
data_app = ReadableTyper(cls=LeanHelpGroup, help="Inspect and fetch daily bars.", no_args_is_help=True)
config_app = ReadableTyper(cls=LeanHelpGroup, help="Config helpers.", no_args_is_help=True)
commands.add_typer(data_app, name="data")
commands.add_typer(config_app, name="config")
results_app = ReadableTyper(cls=LeanHelpGroup, help="List the results directory's runs; prune it to the newest of each name.",
                          no_args_is_help=True)
commands.add_typer(results_app, name="results")

_state = {"verbosity": 1, "traceback": False}

ConfigArg = Annotated[str, typer.Argument(metavar="CONFIG", help="YAML config file, e.g. configs/ma_reclaim.yaml", show_default=False)]
SetOpt = Annotated[
    list[str] | None,
    typer.Option("--set", metavar="KEY=VALUE", help="Override a config key before validation: KEY.PATH=VALUE (repeatable)."),
]
DataDirOpt = Annotated[
    str | None,
    typer.Option("--data-dir", metavar="DIR", help="Data directory (beats $RTYBT_DATA_DIR, then the config's data.dir, then the cache)."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
YesOpt = Annotated[bool, typer.Option("--yes", help="Run even when the work passes its budget (variants x bars, "
                                      "horizons x bootstrap draws).")]


def budget(yes: bool):
    """--yes lifts the budgets of engine/core/budget.py for this command."""
    from rtybt.engine.core.budget import over_budget_allowed

    return over_budget_allowed(yes)


def echo(text: str = "", level: int = 1) -> None:
    from rtybt.engine.core.terminal import printable

    if _state["verbosity"] >= level:
        typer.echo(printable(text))


def status(description: str, json_out: bool = False):
    """The status line or progress bar on stderr: on a terminal only, never with -q or --json."""
    from rtybt.engine.core.progress import progress_bar

    return progress_bar(description, enabled=_state["verbosity"] > 0 and not json_out)


def _print_version(asked: bool) -> None:
    if asked:
        from rtybt.engine.core.version import version_text

        typer.echo(version_text())
        raise typer.Exit()


@app.callback()
def _main(
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help=QUIET_HELP)] = False,
    verbose: Annotated[bool, typer.Option("-v", "--verbose", help=VERBOSE_HELP)] = False,
    traceback: Annotated[bool, typer.Option("--traceback", help=TRACEBACK_HELP)] = False,
    version: Annotated[bool, typer.Option("--version", is_eager=True, callback=_print_version,
                                          help="Print the version (and the git commit of a checkout) and exit.")] = False,
) -> None:
    _state["verbosity"] = 0 if quiet else 2 if verbose else 1
    _state["traceback"] = traceback
    _print_store_notes()


def _print_store_notes() -> None:
    """A cached or stored entry refused and recomputed (engine/core/verify.py) is one line on stderr, every time."""
    import warnings

    from rtybt.engine.core.errors import StoreNote

    shown = warnings.showwarning
    if getattr(shown, "rtybt_notes", False):  # installed by an earlier command in this process
        return

    def show(message, category, *args, **kwargs):
        if issubclass(category, StoreNote):
            from rtybt.engine.core.terminal import printable_line

            typer.echo(printable_line(f"rtybt: note: {message}"), err=True)
        else:
            shown(message, category, *args, **kwargs)

    show.rtybt_notes = True
    warnings.simplefilter("always", StoreNote)
    warnings.showwarning = show


AllowLookaheadOpt = Annotated[bool, typer.Option(
    "--allow-lookahead",
    help="Run a strategy file even when the look-ahead check fails; its status is then 'look-ahead: not judged'.")]


@commands.command()
def run(config: ConfigArg, set_: SetOpt = None, data_dir: DataDirOpt = None, json_out: JsonOpt = False,
        allow_lookahead: AllowLookaheadOpt = False,
        fresh: Annotated[bool, typer.Option("--fresh", help="Run again even when an identical run is stored.")] = False,
        yes: YesOpt = False,
) -> None:
    """Run one config end to end and write results/<name>/<run id>/ (an identical stored run is reused)."""
    from rtybt.engine.commands.run import execute_run

    with budget(yes), status(f"run {Path(config).name}", json_out) as shown:
        outcome = execute_run(config, set_ or [], data_dir, command_line=["rtybt", *sys.argv[1:]],
                              on_stage=shown.stage, allow_lookahead=allow_lookahead, reuse=not fresh)
    for note in outcome.notes:
        typer.echo(f"rtybt: note: {note}", err=True)
    if json_out:
        typer.echo(json_text(outcome.summary | ({"reused": True} if outcome.reused else {}), default=str))
        return
    if outcome.reused:
        echo("an identical run exists (same config hash, data checksum and code version): reusing it; "
             "--fresh runs it again")
    from rtybt.engine.report.run.summary import format_summary

    if _state["verbosity"] >= 2:
        echo(outcome.bars.report.to_text(), 2)
    for line in format_summary(outcome.summary):
        if outcome.lookahead and line.startswith("verdict:"):
            line = typer.style(line, fg="red", bold=True)  # plain text when not on a terminal
        echo(line, 0 if line.startswith("results:") else 1)


@commands.command()
def snapshot(
    symbol: Annotated[str, typer.Option("--symbol", metavar="SYMBOL", help="Yahoo symbol, e.g. ^RUT, RTY=F, IWM")] = "^RUT",
    on: Annotated[
        str | None,
        typer.Option("--date", metavar="YYYY-MM-DD", help="YYYY-MM-DD; a non-trading day uses the bar before it. Default: the last bar"),
    ] = None,
    peers: Annotated[
        str | None,
        typer.Option("--peers", metavar="SYMBOLS", help="Comma-separated symbols to compare year to date ('' for none). "
                     "Default: SPY,QQQ when their files are in the data directory"),
    ] = None,
    data_dir: DataDirOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """The note's table for one date: price, MAs, RSI, levels, bull/bear checklists, Final Call."""
    from rtybt.engine.commands.snapshot import take_snapshot

    with status(f"snapshot {symbol}", json_out) as shown:
        snap = take_snapshot(symbol, on, data_dir, peers=peers, on_stage=shown.stage).snapshot
    if json_out:
        typer.echo(json_text(snap.to_dict(), ensure_ascii=False))
        return
    from rtybt.engine.report.note.snapshot_text import render_snapshot

    for line in render_snapshot(snap):
        echo(line, 0)


@commands.command()
def analogs(
    symbol: Annotated[str, typer.Option("--symbol", metavar="SYMBOL", help="Symbol whose state is read, e.g. RTY=F")] = "^RUT",
    on: Annotated[
        str | None,
        typer.Option("--date", metavar="YYYY-MM-DD", help="YYYY-MM-DD; a non-trading day uses the bar before it. Default: the last bar"),
    ] = None,
    history: Annotated[str, typer.Option("--history", metavar="SYMBOL", help="Series searched for past states")] = "^RUT",
    k: Annotated[int, typer.Option("--k", metavar="N", help="Number of analogs (one per episode)")] = 20,
    horizon: Annotated[int, typer.Option("--horizon", metavar="SESSIONS", help="Sessions followed after each analog")] = 60,
    data_dir: DataDirOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """The k past states nearest to a date's close, what happened next, and the method's walk-forward score."""
    from rtybt.engine.commands.analogs import run_analogs

    with status(f"analogs {symbol}", json_out) as shown:
        result = run_analogs(symbol, on, history, k, horizon, data_dir, command_line=["rtybt", *sys.argv[1:]],
                             on_stage=shown.stage)
    if json_out:
        typer.echo(json_text(result.to_dict(), ensure_ascii=False))
        return
    from rtybt.engine.report.analogs.text import render_analogs

    for line in render_analogs(result, brief=_state["verbosity"] == 0):
        echo(line, 0)


@commands.command("strategies")
def strategies_(
    name: Annotated[str | None, typer.Argument(metavar="NAME", help="Show one strategy in full (its rules too).")] = None,
    json_out: JsonOpt = False,
) -> None:
    """List every registered strategy: parameters, defaults, units, allowed range and the note's sentence."""
    from rtybt.engine.commands.strategies import strategy_catalog

    catalog = strategy_catalog(name)
    if json_out:
        typer.echo(json_text(catalog.to_json(), ensure_ascii=False))
        return
    from rtybt.engine.report.strategies_text import render_catalog

    for line in render_catalog(catalog.entries, full=catalog.one):
        echo(line, 0)


@commands.command("check-strategy")
def check_strategy(
    file: Annotated[str, typer.Argument(metavar="FILE", help="Your strategy file, e.g. my_strategies/pullback.py", show_default=False)],
    data_dir: DataDirOpt = None,
) -> None:
    """Run the no-look-ahead harness on every strategy of a file: one line per check; exit 1 if one fails."""
    from rtybt.engine.commands.check_strategy import check_strategy_file

    with status(f"check-strategy {Path(file).name}") as shown:
        checked = check_strategy_file(file, data_dir, on_stage=shown.stage)
    for line in checked.lines:
        echo(line.line(), 0)
    if not checked.passed:
        sys.exit(1)


@commands.command()
def regress(
    configs: Annotated[list[str] | None, typer.Argument(metavar="CONFIG", help="configs to check (default: configs/*.yaml)", show_default=False)] = None,
    update: Annotated[bool, typer.Option("--update", help="Write the baselines instead of comparing (review the diff, commit it).")] = False,
    set_: SetOpt = None,
    data_dir: DataDirOpt = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", min=1, metavar="N", help="Worker processes (default: one per core).")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Re-run configs and compare with tests/regression/baselines/: exit 0 all hold, 1 regression, 2 refused."""
    from rtybt.engine.commands.regress import execute_regress
    from rtybt.engine.core.errors import UserError
    from rtybt.engine.regress.render import format_table, refusal_message, to_json

    with status("regress: configs", json_out) as shown:
        outcome = execute_regress(configs, update=update, overrides=set_ or [], data_dir=data_dir, jobs=jobs,
                                  on_progress=shown, command_line=["rtybt", *sys.argv[1:]])
    report, report_dir = outcome.report, outcome.report_dir
    if json_out:
        typer.echo(json_text(to_json(report, report_dir), default=str))
    else:
        for line in format_table(report):
            echo(line, 0)
        echo(f"report: {report_dir}", 0)
    if report.exit_code == 2:
        raise UserError(refusal_message(report))
    sys.exit(report.exit_code)


@commands.command()
def report(
    run_dir: Annotated[str, typer.Argument(metavar="RUN_DIR", help="A run directory, e.g. results/ma_reclaim/<run id>", show_default=False)],
    data_dir: DataDirOpt = None,
    trust_strategy_file: Annotated[bool, typer.Option(
        "--trust-strategy-file", help="Load the strategy file the run's config names (for its rules and units), "
        "only if its source matches the sha256 the run pinned; by default no code from a run folder runs.")] = False,
) -> None:
    """Re-render tearsheet.html (and its PNG/JSON) from a run's stored results, without re-running it."""
    from rtybt.engine.commands.report import rerender

    with status(f"report {Path(run_dir).name}") as shown:
        tearsheet = rerender(run_dir, data_dir, on_stage=shown.stage, trust_strategy_file=trust_strategy_file)
    echo(f"report: {tearsheet}", 0)


GridOpt = Annotated[
    list[str] | None,
    typer.Option("--grid", metavar="PARAM=V1,V2,...", help="Sweep a strategy parameter: PARAM=V1,V2,... (repeatable; beats the config's sweep.grid)."),
]
WorkersOpt = Annotated[int | None, typer.Option("--workers", min=1, metavar="N", help="Local worker processes, or workers of --cluster local (default: all cores; 1 = in process).")]
ClusterOpt = Annotated[
    str | None,
    typer.Option("--cluster", metavar="ADDRESS", help="Run on Dask: a scheduler address (tcp://HOST:8786) or 'local' for a LocalCluster."),
]
MetricOpt = Annotated[str | None, typer.Option("--metric", metavar="METRIC", help="Metric that ranks variants (default: the config's, else sharpe).")]


@commands.command()
def sweep(
    config: ConfigArg, grid: GridOpt = None, set_: SetOpt = None, data_dir: DataDirOpt = None,
    workers: WorkersOpt = None, cluster: ClusterOpt = None, metric: MetricOpt = None,
    top: Annotated[int | None, typer.Option("--top", min=1, metavar="N", help="Best variants in the comparison report.")] = None,
    heatmap: Annotated[str | None, typer.Option("--heatmap", metavar="X,Y", help="Heatmap of the metric over two swept params: X,Y.")] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Reuse variants already stored by an earlier (interrupted) sweep.")] = False,
    screen: Annotated[bool, typer.Option("--screen", help="Screen the grid with the vectorised twins, then confirm the top in Backtrader.")] = False,
    confirm_top: Annotated[int, typer.Option("--confirm-top", min=1, metavar="N", help="With --screen: variants re-run in Backtrader.")] = 5,
    json_out: JsonOpt = False, yes: YesOpt = False,
) -> None:
    """Run every combination of a parameter grid and write results/<name>-sweep/<run id>/."""
    from rtybt.engine.commands.sweep import execute_sweep
    from rtybt.engine.sweep.executors import make_executor

    with budget(yes), status(f"sweep {Path(config).name}", json_out) as shown:
        outcome = execute_sweep(config, set_ or [], grid or [], make_executor(workers, cluster), data_dir,
                                metric=metric, top=top, heatmap=heatmap, resume=resume, on_progress=shown,
                                command_line=["rtybt", *sys.argv[1:]], screen=screen, confirm_top=confirm_top,
                                on_stage=shown.stage)
    if json_out:
        typer.echo(json_text(outcome.summary, default=str))
        return
    from rtybt.engine.sweep.summary import format_sweep_summary

    for line in format_sweep_summary(outcome.summary):
        echo(line, 0 if line.startswith("results:") else 1)


@commands.command()
def compare(
    configs: Annotated[list[str], typer.Argument(metavar="CONFIG", help="YAML configs to compare", show_default=False)],
    set_: SetOpt = None, data_dir: DataDirOpt = None,
    metric: Annotated[str, typer.Option("--metric", metavar="METRIC", help="Metric that ranks the runs.")] = "sharpe",
    rerun: Annotated[bool, typer.Option("--rerun", help="Run every config even when a stored run matches.")] = False,
    json_out: JsonOpt = False, yes: YesOpt = False,
) -> None:
    """Compare configs side by side (reusing stored runs) and write results/compare/<run id>/."""
    from rtybt.engine.commands.compare import execute_compare

    with budget(yes), status("compare", json_out) as shown:
        outcome = execute_compare(configs, set_ or [], data_dir, metric=metric, rerun=rerun,
                                  command_line=["rtybt", *sys.argv[1:]], on_stage=shown.stage)
    if json_out:
        typer.echo(json_text(outcome.summary, default=str))
        return
    from rtybt.engine.compare.summary import format_compare_summary

    for line in format_compare_summary(outcome.summary):
        echo(line, 0 if line.startswith("results:") else 1)


@commands.command()
def walkforward(
    config: ConfigArg, grid: GridOpt = None, set_: SetOpt = None, data_dir: DataDirOpt = None,
    workers: WorkersOpt = None, cluster: ClusterOpt = None,
    resume: Annotated[bool, typer.Option("--resume", help="Reuse backtests already stored by an earlier (interrupted) walk-forward.")] = False,
    json_out: JsonOpt = False, yes: YesOpt = False,
) -> None:
    """In-sample windows pick the best variant; the next window trades it. Writes results/<name>-walkforward/."""
    from rtybt.engine.commands.walkforward import execute_walkforward
    from rtybt.engine.sweep.executors import make_executor

    with budget(yes), status(f"walk-forward {Path(config).name}", json_out) as shown:
        outcome = execute_walkforward(config, set_ or [], grid or [], make_executor(workers, cluster),
                                      data_dir, command_line=["rtybt", *sys.argv[1:]], resume=resume,
                                      on_progress=shown, on_stage=shown.stage)
    if json_out:
        typer.echo(json_text(outcome.summary, default=str))
        return
    from rtybt.engine.sweep.summary import format_walkforward_summary

    for line in format_walkforward_summary(outcome.summary):
        echo(line, 0 if line.startswith("results:") else 1)


@commands.command()
def study(
    config: ConfigArg, set_: SetOpt = None, data_dir: DataDirOpt = None,
    symbols: Annotated[str | None, typer.Option("--symbols", metavar="SYMBOLS", help="Comma-separated symbols, e.g. ^RUT,IWM,SPY,QQQ (beats the config's study.symbols).")] = None,
    workers: WorkersOpt = None, cluster: ClusterOpt = None,
    resume: Annotated[bool, typer.Option("--resume", help="Reuse market runs already stored by an earlier (interrupted) study.")] = False,
    json_out: JsonOpt = False, yes: YesOpt = False,
) -> None:
    """Run the config's strategy on several symbols; per-market, pooled and regime event studies in results/<name>-study/."""
    from rtybt.engine.commands.study import execute_study
    from rtybt.engine.sweep.executors import make_executor
    from rtybt.engine.sweep.progress import progress_bar

    with budget(yes), progress_bar("study", enabled=_state["verbosity"] > 0) as on_progress:
        outcome = execute_study(config, set_ or [], symbols, make_executor(workers, cluster), data_dir,
                                resume=resume, on_progress=on_progress, command_line=["rtybt", *sys.argv[1:]])
    if json_out:
        typer.echo(json_text(outcome.summary, default=str))
        return
    from rtybt.engine.study.summary import format_study_summary

    for line in format_study_summary(outcome.summary):
        echo(line, 0 if line.startswith("results:") else 1)


@commands.command()
def note(
    args: Annotated[list[str], typer.Argument(help="NOTE.yaml (test its claims), `schema` (print the note file's "
                                              "JSON Schema) or `init NOTE.txt` (draft a note file from a note's text)",
                                              show_default=False, metavar="NOTE.yaml | schema | init NOTE.txt")],
    symbol: Annotated[str | None, typer.Option("--symbol", help="init: the traded symbol (default: from the title)")] = None,
    on: Annotated[str | None, typer.Option("--date", help="init: YYYY-MM-DD (default: the date whose bars match the "
                                           "note's readings)")] = None,
    output: Annotated[str | None, typer.Option("-o", "--output", help="init: write the note file here (default: print it)")] = None,
    workers: Annotated[int | None, typer.Option("--workers", min=1, help="Local worker processes for the markets, "
                                                "the analogs and the supporting run (default: 1, in process).")] = None,
    data_dir: DataDirOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """A chart note's claims, each tested on the instrument's history, across markets, in its regime and from its analogs."""
    from rtybt.engine.core.errors import UserError

    if args[0] == "schema" and len(args) == 1:
        import json

        from rtybt.engine.analysis.note.model import note_json_schema

        typer.echo(json.dumps(note_json_schema(), indent=2, ensure_ascii=False))
        return
    if args[0] == "init":
        if len(args) != 2:
            raise UserError("rtybt note init: give one note text file, e.g. rtybt note init my-note.txt")
        from rtybt.engine.commands.note_init import draft_note

        with status(f"note init {Path(args[1]).name}", json_out) as shown:
            draft = draft_note(args[1], symbol, on, data_dir, output, on_stage=shown.stage)
        if json_out:
            typer.echo(json_text(draft.to_dict(), ensure_ascii=False))
            return
        for line in draft.report_lines():
            if _state["verbosity"] >= 1 or line.startswith("wrote "):
                typer.echo(line, err=output is None)
        if output is None:
            typer.echo(draft.yaml_text, nl=False)
        return
    if len(args) != 1:
        raise UserError(f"rtybt note: expected one note file, `schema` or `init NOTE.txt`, got {' '.join(args)[:80]}")
    if symbol or on or output:
        raise UserError("rtybt note NOTE.yaml: --symbol, --date and -o belong to `rtybt note init`")
    from rtybt.engine.commands.note import run_note

    with status(f"note {Path(args[0]).name}", json_out) as shown:
        # In process by default: the pieces take seconds, and starting a pool's workers costs as much (measured
        # by benchmarks/note_speed.py); --workers N runs them on the pool with the same result.
        result = run_note(args[0], data_dir, workers=workers or 1,
                          command_line=["rtybt", *sys.argv[1:]], on_stage=shown.stage)
    if json_out:
        from rtybt.engine.report.note.page import result_dict

        typer.echo(json_text(result_dict(result), ensure_ascii=False))
        return
    from rtybt.engine.report.note.text import render_note

    for line in render_note(result, brief=_state["verbosity"] == 0):
        echo(line, 0)


@data_app.command("check")
def data_check(
    symbol: Annotated[str, typer.Argument(metavar="SYMBOL", help="Yahoo symbol, e.g. ^RUT, RTY=F, IWM")],
    data_dir: DataDirOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Print the validation report of a symbol's bars (every check set to report, none to stop)."""
    from rtybt.engine.data.check import check_symbol

    with status("data check", json_out) as shown:
        report, bars = check_symbol(symbol, data_dir, on_stage=shown.stage)
    if json_out:
        payload = report.to_dict() | {"sha256": bars.sha256, "checksum": bars.checksum_status}
        typer.echo(json_text(payload, default=str))
        return
    from rtybt.engine.data.check import check_text

    echo(check_text(report, bars, max_rows=10 if _state["verbosity"] < 2 else 1000), 0)


@data_app.command("fetch")
def data_fetch(
    symbol: Annotated[str, typer.Argument(metavar="SYMBOL", help="Yahoo symbol to download, e.g. ^RUT")],
    data_dir: DataDirOpt = None,
) -> None:
    """Download a symbol's daily bars with yfinance into the data directory (needs internet)."""
    from rtybt.engine.data.fetch import fetch_symbol
    from rtybt.engine.data.locate import resolve_data_dir

    with status(f"data fetch {symbol}") as shown:
        shown.stage("downloading")
        path = fetch_symbol(symbol, resolve_data_dir(data_dir)[0])
    echo(f"wrote {path}", 0)


@config_app.command("schema")
def config_schema() -> None:
    """Print the config's JSON Schema (for editor completion)."""
    import json

    from rtybt.engine.config import config_json_schema

    typer.echo(json.dumps(config_json_schema(), indent=2))


ResultsDirOpt = Annotated[str, typer.Option("--dir", help="The results directory (a config's output.dir).")]


@results_app.command("list")
def results_list(results_dir: ResultsDirOpt = "results") -> None:
    """Every run under the results directory, by name: how many, their size, the newest."""
    from rtybt.engine.commands.results import results_list as listing

    for line in listing(results_dir).lines():
        echo(line, 0)


@results_app.command("prune")
def results_prune(
    keep: Annotated[int, typer.Option("--keep", min=1, help="Runs kept of each name (the newest).")] = 5,
    results_dir: ResultsDirOpt = "results",
    apply: Annotated[bool, typer.Option("--yes", "--apply", help="Delete them (without it: only say what would go).")] = False,
) -> None:
    """Remove all but the newest --keep runs of each name; a dry run unless --yes. Nothing outside the
    results directory is touched (a symlink is left alone)."""
    from rtybt.engine.commands.results import results_prune as prune

    for line in prune(results_dir, keep, apply).lines():
        echo(line, 0)


def main(argv: list[str] | None = None) -> None:
    """Entry point: exit codes are mapped by ExitCodeGroup (0 ok, 2 bad input, 1 internal error)."""
    app(args=argv)


if __name__ == "__main__":
    main()
