"""Bars -> Backtrader feed, loading from numpy arrays (the stock PandasData reads one cell at a time)."""

from __future__ import annotations

import backtrader as bt
import numpy as np
import pandas as pd

# Backtrader's float day number of 1970-01-01 (date2num counts days from 0001-01-01, plus one).
_EPOCH_NUM = bt.date2num(pd.Timestamp("1970-01-01").to_pydatetime())


def date_numbers(index: pd.DatetimeIndex) -> np.ndarray:
    """Vectorised bt.date2num for a naive DatetimeIndex."""
    seconds = index.values.astype("datetime64[s]").astype(np.int64)
    return _EPOCH_NUM + seconds / 86400.0


class ArrayData(bt.feed.DataBase):
    """A daily feed over a validated frame with columns open, high, low, close, volume."""

    params = (("frame", None),)

    def start(self):
        super().start()
        frame: pd.DataFrame = self.p.frame
        self._rows = list(
            zip(
                date_numbers(frame.index).tolist(),
                frame["open"].tolist(),
                frame["high"].tolist(),
                frame["low"].tolist(),
                frame["close"].tolist(),
                frame["volume"].tolist(),
                strict=True,
            )
        )
        self._next_row = 0

    def _load(self):
        if self._next_row >= len(self._rows):
            return False
        dt, o, h, low, c, v = self._rows[self._next_row]
        self._next_row += 1
        lines = self.lines
        lines.datetime[0] = dt
        lines.open[0] = o
        lines.high[0] = h
        lines.low[0] = low
        lines.close[0] = c
        lines.volume[0] = v
        lines.openinterest[0] = 0.0
        return True


def make_feed(frame: pd.DataFrame, name: str) -> ArrayData:
    return ArrayData(frame=frame, name=name, timeframe=bt.TimeFrame.Days, compression=1)
