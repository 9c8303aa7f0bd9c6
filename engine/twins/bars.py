"""Twins stage: a bar table as numpy arrays and Python lists, shared by every variant of a screen."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class BarArrays:
    """Validated bars as float64 arrays (for indicators) and lists (fast scalar reads in the trade loop)."""

    index: pd.DatetimeIndex
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    open_list: list[float]
    high_list: list[float]
    low_list: list[float]
    close_list: list[float]

    @property
    def n(self) -> int:
        return len(self.close)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> BarArrays:
        cols = {k: np.ascontiguousarray(frame[k].to_numpy(dtype=np.float64)) for k in ("open", "high", "low", "close")}
        return cls(
            index=frame.index,
            **cols,
            open_list=cols["open"].tolist(),
            high_list=cols["high"].tolist(),
            low_list=cols["low"].tolist(),
            close_list=cols["close"].tolist(),
        )
