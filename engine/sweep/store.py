"""Sweep stage: every finished variant stored at once, atomically, keyed by config hash (+ row window) + data checksum."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from rtybt.engine.core.atomic import write_text_atomic
from rtybt.engine.core.errors import ResultsError

STORE_DIR = ".variants"


class VariantStore:
    """results/.variants/<key>-<data sha>.json, the key being a config hash, or a config hash and a row window
    (`runner.task_key`, walk-forward slices); a Ctrl-C loses at most the variants still running."""

    def __init__(self, results_root: Path, data_sha256: str, strategy_source_sha256: str):
        self.dir = Path(results_root) / STORE_DIR
        self.data_sha256 = data_sha256
        self.source_sha256 = strategy_source_sha256
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ResultsError(f"{self.dir}: cannot create the variant store ({exc.strerror})") from None

    def path(self, key: str) -> Path:
        return self.dir / f"{key}-{self.data_sha256[:16]}.json"

    def save(self, key: str, params: dict, metrics: dict, returns: pd.Series) -> None:
        payload = {
            "key": key,
            "data_sha256": self.data_sha256,
            "strategy_source_sha256": self.source_sha256,
            "params": params,
            "metrics": metrics,
            "index_name": returns.index.name,
            "dates": [d.strftime("%Y-%m-%d") for d in returns.index],
            "returns": returns.to_numpy(dtype=float).tolist(),  # JSON floats round-trip exactly
        }
        target = self.path(key)
        write_text_atomic(target, json.dumps(payload, default=str))

    def load(self, key: str) -> tuple[dict, pd.Series] | None:
        """The stored metrics and returns, or None when absent, unreadable, damaged or from other strategy code:
        a variant that cannot be read back is run again (--resume never trusts nor crashes on a bad entry)."""
        path = self.path(key)
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(payload, dict) or payload.get("key") != key:
            return None
        if payload.get("strategy_source_sha256") != self.source_sha256 or payload.get("data_sha256") != self.data_sha256:
            return None
        metrics, dates, values = payload.get("metrics"), payload.get("dates"), payload.get("returns")
        if not isinstance(metrics, dict) or not isinstance(dates, list) or not isinstance(values, list):
            return None
        if len(dates) != len(values) or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
            return None
        try:
            index = pd.DatetimeIndex(pd.to_datetime(dates, format="%Y-%m-%d"), name=payload.get("index_name"))
        except (ValueError, TypeError):
            return None
        if not index.is_monotonic_increasing or index.has_duplicates:
            return None
        return metrics, pd.Series(values, index=index, name="returns", dtype=float)
