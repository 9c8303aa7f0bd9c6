"""Download daily bars with yfinance into the data directory (the local cache for users with internet)."""

from __future__ import annotations

import json
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from engine.data.locate import symbol_file
from engine.errors import DataError

COLUMNS = ["Close", "High", "Low", "Open", "Volume"]


def _yahoo_download(symbol: str) -> pd.DataFrame:
    try:
        import yfinance
    except ImportError:
        raise DataError(
            f"{symbol}: downloading needs yfinance: pip install 'rtybt[download]'"
        ) from None
    # auto_adjust matches the snapshot: ETF prices adjusted for splits and distributions.
    frame = yfinance.download(symbol, period="max", interval="1d", auto_adjust=True, progress=False)
    return frame


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
    target = symbol_file(data_dir, symbol)
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
    fd, tmp = tempfile.mkstemp(dir=data_dir, prefix=f".{symbol}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", newline="") as fh:
            frame.to_csv(fh, date_format="%Y-%m-%d")
        meta_path = target.with_name(target.name + ".meta.json")
        meta_path.write_text(json.dumps(meta, indent=2) + "\n")
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
