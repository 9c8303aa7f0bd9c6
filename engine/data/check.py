"""`rtybt data check`: validate a symbol's whole file with every check reporting and none stopping."""

from __future__ import annotations

from rtybt.engine.config import ValidationPolicy
from rtybt.engine.core.progress import Stage, announce
from rtybt.engine.data.load import Bars, load_bars
from rtybt.engine.data.locate import resolve_data_dir
from rtybt.engine.data.validate import ValidationReport

REPORT_ONLY = ValidationPolicy(
    duplicates="drop", unsorted="sort", nan="drop", non_positive="drop", ohlc="warn", zero_volume="warn",
    partial_last_bar="warn", gaps="warn",
)


def check_symbol(symbol: str, data_dir: str | None = None,
                 on_stage: Stage | None = None) -> tuple[ValidationReport, Bars]:
    announce(on_stage, f"loading and checking {symbol}")
    directory, source = resolve_data_dir(data_dir, symbol=symbol)
    bars = load_bars(symbol, directory, REPORT_ONLY, source_hint=source, key="")
    return bars.report, bars


def check_text(report: ValidationReport, bars: Bars, max_rows: int = 10) -> str:
    """The report as terminal text, then the file's checksum and whether it matched its sidecar."""
    return f"{report.to_text(max_rows=max_rows)}\n  sha256 {bars.sha256} ({bars.checksum_status})"
