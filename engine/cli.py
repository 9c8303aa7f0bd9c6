"""The rtybt command line: typer wiring only (parse, call one function, print)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from rtybt.engine.cli_shared import add_everywhere, verbosity_options
from rtybt.engine.core.exit_codes import ExitCodeGroup
from rtybt.engine.core.json_text import json_text


class RtybtGroup(ExitCodeGroup):
    """The command group; -q and -v work after any command's name as they do before it."""

    def main(self, *args, **kwargs):
        add_everywhere(self, verbosity_options(lambda level: _state.update(verbosity=level), QUIET_HELP, VERBOSE_HELP))
        return super().main(*args, **kwargs)


QUIET_HELP = "Only errors and the final result (no status line or progress bar)."
VERBOSE_HELP = "Also data-validation details."

app = typer.Typer(
    name="rtybt",
    cls=RtybtGroup,
    help="Backtest the signals of the Russell 2000 'ready to rally' note on real data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain click help: rich's help formatter costs more start-up time than the rest of the CLI together.
    rich_markup_mode=None,
)
data_app = typer.Typer(help="Inspect and fetch daily bars.", no_args_is_help=True)
config_app = typer.Typer(help="Config helpers.", no_args_is_help=True)
app.add_typer(data_app, name="data")
app.add_typer(config_app, name="config")

_state = {"verbosity": 1}

ConfigArg = Annotated[str, typer.Argument(help="YAML config file, e.g. configs/ma_reclaim.yaml", show_default=False)]
SetOpt = Annotated[
    list[str] | None,
    typer.Option("--set", help="Override a config key before validation: KEY.PATH=VALUE (repeatable)."),
]
DataDirOpt = Annotated[
    str | None,
    typer.Option("--data-dir", help="Data directory (beats $RTYBT_DATA_DIR, then the config's data.dir, then the cache)."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
YesOpt = Annotated[bool, typer.Option("--yes", help="Run even when the work passes its budget (variants x bars, "
                                      "horizons x bootstrap draws).")]


def budget(yes: bool):
    """--yes lifts the budgets of engine/core/budget.py for this command."""
    from rtybt.engine.core.budget import over_budget_allowed

    return over_budget_allowed(yes)


def echo(text: str = "", level: int = 1) -> None:
    if _state["verbosity"] >= level:
        typer.echo(text)


def status(description: str, json_out: bool = False):
    """The status line or progress bar on stderr: on a terminal only, never with -q or --json."""
    from rtybt.engine.core.progress import progress_bar

    return progress_bar(description, enabled=_state["verbosity"] > 0 and not json_out)


@app.callback()
def _main(
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help=QUIET_HELP)] = False,
    verbose: Annotated[bool, typer.Option("-v", "--verbose", help=VERBOSE_HELP)] = False,
) -> None:
    _state["verbosity"] = 0 if quiet else 2 if verbose else 1


@app.command()
def run(config: ConfigArg, set_: SetOpt = None, data_dir: DataDirOpt = None, json_out: JsonOpt = False,
        yes: YesOpt = False) -> None:
    """Run one config end to end and write results/<name>/<run id>/."""
    from rtybt.engine.commands.run import execute_run

    with budget(yes), status(f"run {Path(config).name}", json_out) as shown:
        outcome = execute_run(config, set_ or [], data_dir, command_line=["rtybt", *sys.argv[1:]],
                              on_stage=shown.stage)
    if json_out:
        typer.echo(json_text(outcome.summary, default=str))
        return
    from rtybt.engine.report.summary import format_summary

    if _state["verbosity"] >= 2:
        echo(outcome.bars.report.to_text(), 2)
    for line in format_summary(outcome.summary):
        echo(line, 0 if line.startswith("results:") else 1)


@app.command()
def snapshot(
    symbol: Annotated[str, typer.Option("--symbol", help="Yahoo symbol, e.g. ^RUT, RTY=F, IWM")] = "^RUT",
    on: Annotated[
        str | None,
        typer.Option("--date", help="YYYY-MM-DD; a non-trading day uses the bar before it. Default: the last bar"),
    ] = None,
    peers: Annotated[
        str | None,
        typer.Option("--peers", help="Comma-separated symbols to compare year to date ('' for none). "
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
    from rtybt.engine.report.snapshot_text import render_snapshot

    for line in render_snapshot(snap):
        typer.echo(line)


@app.command()
def analogs(
    symbol: Annotated[str, typer.Option("--symbol", help="Symbol whose state is read, e.g. RTY=F")] = "^RUT",
    on: Annotated[
        str | None,
        typer.Option("--date", help="YYYY-MM-DD; a non-trading day uses the bar before it. Default: the last bar"),
    ] = None,
    history: Annotated[str, typer.Option("--history", help="Series searched for past states")] = "^RUT",
    k: Annotated[int, typer.Option("--k", help="Number of analogs (one per episode)")] = 20,
    horizon: Annotated[int, typer.Option("--horizon", help="Sessions followed after each analog")] = 60,
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
    from rtybt.engine.report.analogs_text import render_analogs

    for line in render_analogs(result, brief=_state["verbosity"] == 0):
        typer.echo(line)


@app.command("strategies")
def strategies_(
    name: Annotated[str | None, typer.Argument(help="Show one strategy in full (its rules too).")] = None,
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
        typer.echo(line)


@app.command("check-strategy")
def check_strategy(
    file: Annotated[str, typer.Argument(help="Your strategy file, e.g. my_strategies/pullback.py", show_default=False)],
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


@app.command()
def regress(
    configs: Annotated[list[str] | None, typer.Argument(help="configs to check (default: configs/*.yaml)", show_default=False)] = None,
    update: Annotated[bool, typer.Option("--update", help="Write the baselines instead of comparing (review the diff, commit it).")] = False,
    set_: SetOpt = None,
    data_dir: DataDirOpt = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", min=1, help="Worker processes (default: one per core).")] = None,
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


@app.command()
def report(
    run_dir: Annotated[str, typer.Argument(help="A run directory, e.g. results/ma_reclaim/<run id>", show_default=False)],
    data_dir: DataDirOpt = None,
) -> None:
    """Re-render tearsheet.html (and its PNG/JSON) from a run's stored results, without re-running it."""
    from rtybt.engine.commands.report import rerender

    with status(f"report {Path(run_dir).name}") as shown:
        tearsheet = rerender(run_dir, data_dir, on_stage=shown.stage)
    echo(f"report: {tearsheet}", 0)


GridOpt = Annotated[
    list[str] | None,
    typer.Option("--grid", help="Sweep a strategy parameter: PARAM=V1,V2,... (repeatable; beats the config's sweep.grid)."),
]
WorkersOpt = Annotated[int | None, typer.Option("--workers", min=1, help="Local worker processes, or workers of --cluster local (default: all cores; 1 = in process).")]
ClusterOpt = Annotated[
    str | None,
    typer.Option("--cluster", help="Run on Dask: a scheduler address (tcp://HOST:8786) or 'local' for a LocalCluster."),
]
MetricOpt = Annotated[str | None, typer.Option("--metric", help="Metric that ranks variants (default: the config's, else sharpe).")]


@app.command()
def sweep(
    config: ConfigArg, grid: GridOpt = None, set_: SetOpt = None, data_dir: DataDirOpt = None,
    workers: WorkersOpt = None, cluster: ClusterOpt = None, metric: MetricOpt = None,
    top: Annotated[int | None, typer.Option("--top", min=1, help="Best variants in the comparison report.")] = None,
    heatmap: Annotated[str | None, typer.Option("--heatmap", help="Heatmap of the metric over two swept params: X,Y.")] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Reuse variants already stored by an earlier (interrupted) sweep.")] = False,
    screen: Annotated[bool, typer.Option("--screen", help="Screen the grid with the vectorised twins, then confirm the top in Backtrader.")] = False,
    confirm_top: Annotated[int, typer.Option("--confirm-top", min=1, help="With --screen: variants re-run in Backtrader.")] = 5,
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


@app.command()
def compare(
    configs: Annotated[list[str], typer.Argument(help="YAML configs to compare", show_default=False)],
    set_: SetOpt = None, data_dir: DataDirOpt = None,
    metric: Annotated[str, typer.Option("--metric", help="Metric that ranks the runs.")] = "sharpe",
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


@app.command()
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


@app.command()
def study(
    config: ConfigArg, set_: SetOpt = None, data_dir: DataDirOpt = None,
    symbols: Annotated[str | None, typer.Option("--symbols", help="Comma-separated symbols, e.g. ^RUT,IWM,SPY,QQQ (beats the config's study.symbols).")] = None,
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


@data_app.command("check")
def data_check(
    symbol: Annotated[str, typer.Argument(help="Yahoo symbol, e.g. ^RUT, RTY=F, IWM")],
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

    typer.echo(check_text(report, bars, max_rows=10 if _state["verbosity"] < 2 else 1000))


@data_app.command("fetch")
def data_fetch(
    symbol: Annotated[str, typer.Argument(help="Yahoo symbol to download, e.g. ^RUT")],
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
    from rtybt.engine.config import config_json_schema

    typer.echo(json.dumps(config_json_schema(), indent=2))


def main(argv: list[str] | None = None) -> None:
    """Entry point: exit codes are mapped by ExitCodeGroup (0 ok, 2 bad input, 1 internal error)."""
    app(args=argv)


if __name__ == "__main__":
    main()
