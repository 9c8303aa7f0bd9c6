"""Sweep stage: every finished variant stored at once, atomically, keyed by config hash (+ row window) + data checksum."""

from __future__ import annotations

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

    def inputs(self, key: str) -> dict:
        """What an entry was computed from: a stored one is reused only if every one of these is the same."""
        from rtybt.engine.core.verify import code_version

        return {"key": key, "data_sha256": self.data_sha256, "strategy_source_sha256": self.source_sha256,
                "code_version": code_version()}

    def save(self, key: str, params: dict, metrics: dict, returns: pd.Series, setups: list | None = None) -> None:
        from rtybt.engine.core.verify import seal_json

        content = {
            "params": params,
            "metrics": metrics,
            "index_name": returns.index.name,
            # One vectorised call: a Python strftime per day costs a walk-forward's many slices about a second.
            "dates": pd.DatetimeIndex(returns.index).strftime("%Y-%m-%d").tolist(),
            "returns": returns.to_numpy(dtype=float).tolist(),  # JSON floats round-trip exactly
        }
        if setups is not None:  # the report's event-study edge needs them; a twin's result has none
            content["setups"] = [d.isoformat() for d in setups]
        write_text_atomic(self.path(key), seal_json(content, self.inputs(key)))

    def load(self, key: str) -> tuple[dict, pd.Series] | None:
        """The stored metrics and returns, or None when absent; an entry that is damaged, edited, or made from
        other data bytes, strategy source or rtybt code is refused with a one-line note (engine/core/verify.py)
        and run again: --resume never trusts nor crashes on a bad entry."""
        entry = self.load_entry(key)
        return None if entry is None else entry[:2]

    def load_entry(self, key: str) -> tuple[dict, pd.Series, list | None] | None:
        """As `load`, plus the setup days, or None for them when the entry has none (or none readable): whoever
        needs them runs that variant again rather than trust a guess."""
        from rtybt.engine.core.verify import open_json, refused

        path = self.path(key)
        content = open_json(path, self.inputs(key), "variant store entry")
        if content is None:
            return None
        why = _shape_problem(content)
        if why is None:
            try:
                index = pd.DatetimeIndex(pd.to_datetime(content["dates"], format="%Y-%m-%d"),
                                         name=content.get("index_name"))
            except (ValueError, TypeError):
                index, why = None, "unreadable dates"
            if index is not None and (not index.is_monotonic_increasing or index.has_duplicates):
                why = "dates out of order"
        if why is not None:
            refused(f"variant store entry {path}", why)
            return None
        returns = pd.Series(content["returns"], index=index, name="returns", dtype=float)
        return content["metrics"], returns, _setups(content.get("setups"))


def _setups(stored) -> list | None:
    """The stored setup days as dates, or None when absent or not a list of ISO dates."""
    from datetime import date

    if not isinstance(stored, list) or not all(isinstance(d, str) for d in stored):
        return None
    try:
        return [date.fromisoformat(d) for d in stored]
    except ValueError:
        return None


def _shape_problem(content) -> str | None:
    """Why a checksummed entry still cannot be a variant's result (an entry sealed by a faulty writer)."""
    if not isinstance(content, dict):
        return "not an entry"
    metrics, dates, values = content.get("metrics"), content.get("dates"), content.get("returns")
    if not isinstance(metrics, dict) or not metrics:
        return "no metrics"
    if not isinstance(dates, list) or not isinstance(values, list) or len(dates) != len(values) or not dates:
        return "returns and dates do not match"
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return "a return that is not a number"
    return None
