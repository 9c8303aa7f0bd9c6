"""Study stage: each market's full tearsheet, as `rtybt run` writes it, inside the study's folder (within a budget)."""

from __future__ import annotations

from rtybt.engine.config import RunConfig
from rtybt.engine.core.budget import MAX_STUDY_TEARSHEETS, budget_problem
from rtybt.engine.data import Bars
from rtybt.engine.results import RunWriter

FOLDER = "tearsheet"  # markets/<symbol>/tearsheet/tearsheet.html: the market page links it as tearsheet/tearsheet.html


def tearsheet_plan(config: RunConfig, symbols: list[str]) -> dict[str, str | None]:
    """Symbol -> None when its tearsheet is written, else the one-line reason it is not."""
    if not config.output.tearsheet:
        return {s: "the config's output.tearsheet is off" for s in symbols}
    if budget_problem("markets", len(symbols), MAX_STUDY_TEARSHEETS, "") is None:
        return dict.fromkeys(symbols)
    return {s: None if i < MAX_STUDY_TEARSHEETS else
            f"a study writes the full tearsheet of its first {MAX_STUDY_TEARSHEETS} markets only (rtybt study "
            "--yes writes one for every market)" for i, s in enumerate(symbols)}


def write_tearsheet(writer: RunWriter, folder: str, config: RunConfig, bars: Bars) -> None:
    """The market's backtest run again in full (its trades, against its own buy-and-hold) and rendered by the
    tearsheet of `rtybt run`, with its trades and returns as CSV beside it."""
    from rtybt.engine.report.run.inputs import from_result, write_run_tables
    from rtybt.engine.report.run.tearsheet import build_report
    from rtybt.engine.run import run_backtest

    result = run_backtest(config, bars.frame, bars.frame if config.benchmark.enabled else None)
    writer.path(folder).mkdir(parents=True, exist_ok=True)
    for name, payload in build_report(from_result(config, result, bars.frame)).items():
        writer.path(f"{folder}/{name}").write_bytes(payload)
    write_run_tables(lambda name: writer.path(f"{folder}/{name}"), result)
