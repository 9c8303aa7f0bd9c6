"""`rtybt data check`: validate a symbol's whole file with every check reporting and none stopping."""

from __future__ import annotations

from engine.config import ValidationPolicy
from engine.data.load import Bars, load_bars
from engine.data.locate import resolve_data_dir
from engine.data.validate import ValidationReport
from engine.progress import Stage, announce

REPORT_ONLY = ValidationPolicy(
    duplicates="drop", unsorted="sort", nan="drop", non_positive="drop", ohlc="warn", zero_volume="warn",
    partial_last_bar="warn", gaps="warn",
)


def check_symbol(symbol: str, data_dir: str | None = None,
                 on_stage: Stage | None = None) -> tuple[ValidationReport, Bars]:
    announce(on_stage, f"loading and checking {symbol}")
    directory, source = resolve_data_dir(data_dir, symbol=symbol)
    bars = load_bars(symbol, directory, REPORT_ONLY, source_hint=source, key="SYMBOL")
    return bars.report, bars
