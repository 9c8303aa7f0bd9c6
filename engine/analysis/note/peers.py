"""Analysis stage: the note's "lagging Nasdaq and S&P 500 this year" — year-to-date returns against peers.

Year to date = the close on the snapshot bar over the last close of the previous calendar year, each
series read only up to the snapshot date. A symbol lags when its return is below every peer's. This is
evidence for the reasons only: no bias rule reads it (the rules stay on the symbol's own bars).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd


@dataclass(frozen=True)
class PeerReturn:
    symbol: str
    ytd_return: float | None  # None when the series has no bar in the previous year or this year
    since: date | None  # the previous year's last bar

    def to_dict(self) -> dict:
        return {"symbol": self.symbol, "ytd_return": self.ytd_return,
                "since": self.since.isoformat() if self.since else None}


def ytd_return(frame: pd.DataFrame, symbol: str, on: date) -> PeerReturn:
    close = frame["close"].loc[: pd.Timestamp(on)]
    before = close.loc[: pd.Timestamp(on.year - 1, 12, 31)]
    this_year = close.loc[pd.Timestamp(on.year, 1, 1) :]
    if before.empty or this_year.empty:
        return PeerReturn(symbol, None, None)
    return PeerReturn(symbol, float(this_year.iloc[-1] / before.iloc[-1] - 1.0), before.index[-1].date())


def compare(own: PeerReturn, peers: list[PeerReturn]) -> str | None:
    """'lagging SPY and QQQ year to date' / 'leading ...' / 'between ...'; None without comparable data."""
    known = [p for p in peers if p.ytd_return is not None]
    if own.ytd_return is None or not known:
        return None
    names = " and ".join(p.symbol for p in known)
    if all(own.ytd_return < p.ytd_return for p in known):
        return f"lagging {names} year to date"
    if all(own.ytd_return > p.ytd_return for p in known):
        return f"leading {names} year to date"
    return f"between {names} year to date"
