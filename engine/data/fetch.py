"""Download daily bars with yfinance into the data directory (the local cache for users with internet)."""

from __future__ import annotations

import io
import json
import logging
import warnings
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from rtybt.engine.core.atomic import write_text_atomic
from rtybt.engine.core.errors import DataError
from rtybt.engine.data.locate import ENV_OFFLINE, offline, symbol_file

COLUMNS = ["Close", "High", "Low", "Open", "Volume"]


def _yahoo_download(symbol: str) -> pd.DataFrame:
    # yfinance is imported only here, when a download is really attempted, and its own deprecation
    # noise on this pandas (Pandas4Warning from yfinance/multi.py) is not the user's business.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", module=r"yfinance(\..*)?$")
        try:
            import yfinance
        except ImportError:
            raise DataError(
                f"{symbol}: downloading needs yfinance: pip install 'rtybt[download]'"
            ) from None
        # Again after the import: yfinance's __init__ puts its own "show DeprecationWarning" filter first.
        warnings.filterwarnings("ignore", module=r"yfinance(\..*)?$")
        # yfinance logs its failures over several lines of stderr; ours is the one-line error.
        log = logging.getLogger("yfinance")
        level = log.level
        log.setLevel(logging.CRITICAL)
        try:
            # auto_adjust matches the snapshot: ETF prices adjusted for splits and distributions.
            return yfinance.download(symbol, period="max", interval="1d", auto_adjust=True, progress=False)
        finally:
            log.setLevel(level)


def _normalise(frame: pd.DataFrame, symbol: str) -> pd.DataFrame:
    if isinstance(frame.columns, pd.MultiIndex):
        # yfinance returns (field, ticker) columns even for one ticker.
        frame = frame.xs(symbol, axis=1, level=-1) if symbol in frame.columns.get_level_values(-1) else frame.droplevel(-1, axis=1)
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise DataError(f"{symbol}: download returned no {', '.join(missing)} column(s)")
    out = frame[COLUMNS].copy()
    index = pd.DatetimeIndex(out.index)
    if index.tz is not None:
        index = index.tz_localize(None)
    out.index = index.normalize()
    out.index.name = "Date"
    return out


def fetch_symbol(symbol: str, data_dir: Path) -> Path:
    """Download `symbol` into data_dir/<symbol>.csv plus a .meta.json sidecar; atomic, never half-written."""
    try:
        target = symbol_file(data_dir, symbol)
    except ValueError as exc:
        raise DataError(str(exc)) from None
    if offline():
        raise DataError(f"{symbol}: not downloading, {ENV_OFFLINE} is set; put {target.name} in {data_dir} yourself")
    try:
        frame = _yahoo_download(symbol)
    except DataError:
        raise
    except Exception as exc:  # network and API errors from yfinance come in many types
        raise DataError(f"{symbol}: download failed ({exc.__class__.__name__}: {exc})") from None
    if frame is None or len(frame) == 0:
        raise DataError(f"{symbol}: download returned no rows (offline, or an unknown symbol)")
    frame = _normalise(frame, symbol)
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataError(f"{data_dir}: cannot create data directory ({exc.strerror})") from None
    fetched_at = datetime.now(UTC).isoformat(timespec="seconds")
    meta = {"symbol": symbol, "source": "yfinance", "fetched_at": fetched_at, "rows": len(frame)}
    buffer = io.StringIO()
    frame.to_csv(buffer, date_format="%Y-%m-%d")
    # Bars first, then the sidecar: a crash in between leaves new bars with an older download date,
    # which can only over-report (not hide) a partial last bar.
    write_text_atomic(target, buffer.getvalue())
    write_text_atomic(target.with_name(target.name + ".meta.json"), json.dumps(meta, indent=2) + "\n")
    return target
