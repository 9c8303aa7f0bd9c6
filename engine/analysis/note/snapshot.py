"""Analysis stage: the note's table for one date — readings, key levels, checklists, Final Call — from bars.

Pure functions on a bars frame (float64 open/high/low/close on a sorted DatetimeIndex); nothing after
the snapshot bar is read: the frame is cut at that bar before anything is computed.
Readings: close; simple 50- and 200-day MAs of closes and whether the close is above each; Wilder's
RSI(14) and its slope (RSI now minus RSI `rsi_slope_bars` bars ago); the golden-cross state (50-day MA
above the 200-day MA) and the date of the last golden or death cross; the MACD(12, 26, 9) state
(bullish when the MACD line is above its signal line).
Key levels: zones of clustered swing pivots from rtybt.strategies.zones (the same detector the strategies
use) plus the moving averages as dynamic levels; the nearest `max_zones` of each side are listed.
Checklists: engine.analysis.note.checklists (rules in its docstring). Final Call: engine.analysis.note.final_call
(rules in its docstring). Peers (optional): engine.analysis.note.peers, year-to-date returns as evidence only.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from rtybt.engine.analysis.indicators import macd, sma, wilder_rsi
from rtybt.engine.analysis.note import checklists, peers
from rtybt.engine.analysis.note.final_call import Call, CallFacts, final_call
from rtybt.engine.analysis.price_range import price_range
from rtybt.engine.core.errors import DataError
from rtybt.strategies import zones as zones_core


@dataclass(frozen=True)
class SnapshotSettings:
    """Every threshold of the snapshot's rules, with the note's values as defaults."""

    fast_ma: int = 50
    slow_ma: int = 200
    rsi_period: int = 14
    rsi_slope_bars: int = 5
    rsi_min: float = 55.0  # "approaching bullish zone"
    rsi_bullish: float = 60.0  # the bullish zone itself
    macd_fast: int = 12
    macd_slow: int = 26
    macd_signal: int = 9
    reclaim_window: int = 5
    reclaim_min_closes: int = 2
    reclaim_lookback: int = 20
    candle_window: int = 5
    candle_min_count: int = 2
    candle_body_frac: float = 0.6
    candle_avg_bars: int = 20
    target_reach_pct: float = 10.0
    resistance_near_pct: float = 3.0
    max_zones: int = 3

    @property
    def warmup_bars(self) -> int:
        """Bars needed up to the snapshot date for every reading to exist."""
        return max(
            self.slow_ma,
            self.rsi_period + self.rsi_slope_bars + 1,
            self.macd_slow + self.macd_signal,
            self.reclaim_window + self.reclaim_lookback + self.fast_ma,
            self.candle_window + self.candle_avg_bars,
        )


@dataclass(frozen=True)
class Level:
    kind: str  # resistance | support
    low: float
    high: float
    type: str
    detail: str
    distance_pct: float  # from the close to the nearest edge; 0 when the close is inside

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Readings:
    close: float
    sma_fast: float
    sma_slow: float
    above_fast: bool
    above_slow: bool
    sma_fast_change: float  # over rsi_slope_bars: the note's "flattening of the 50-day MA"
    rsi: float
    rsi_then: float
    rsi_slope: float
    golden_cross: bool
    last_cross: str | None  # "golden cross on YYYY-MM-DD" / "death cross on ..."
    macd: float
    macd_signal: float
    macd_bullish: bool

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Snapshot:
    symbol: str
    requested_date: date | None
    bar_date: date
    date_note: str | None
    settings: SnapshotSettings
    readings: Readings
    resistance: list[Level]
    support: list[Level]
    bull_case: list[checklists.Item]
    bear_case: list[checklists.Item]
    calls: list[Call]
    not_computable: list[str] = field(default_factory=list)
    data: dict | None = None  # provenance of the bars (file, checksum, validation), set by the caller
    peers: dict | None = None  # year-to-date returns of the symbol and its peers, when peers were given

    def to_dict(self) -> dict:
        return {
            "symbol": self.symbol,
            "requested_date": self.requested_date.isoformat() if self.requested_date else None,
            "bar_date": self.bar_date.isoformat(),
            "date_note": self.date_note,
            "readings": self.readings.to_dict(),
            "key_levels": {
                "resistance": [z.to_dict() for z in self.resistance],
                "support": [z.to_dict() for z in self.support],
            },
            "bull_case": [i.to_dict() for i in self.bull_case],
            "bear_case": [i.to_dict() for i in self.bear_case],
            "final_call": [c.to_dict() for c in self.calls],
            "peers": self.peers,
            "not_computable": self.not_computable,
            "settings": asdict(self.settings),
            "data": self.data,
        }


def locate_bar(index: pd.DatetimeIndex, on: date | None, source: str) -> tuple[int, str | None]:
    """Position of the last bar on or before `on` (the last bar when None), and a note when it is not `on`."""
    if on is None:
        return len(index) - 1, None
    first, last = index[0].date(), index[-1].date()
    if on < first or on > last:
        raise DataError(f"{source}: --date {on} is outside the data ({first} to {last})")
    pos = int(index.searchsorted(pd.Timestamp(on), side="right")) - 1
    found = index[pos].date()
    if found == on:
        return pos, None
    return pos, f"{on} is not a trading day in {source}: using the last bar on or before it, {found}"


def _last_cross(fast: np.ndarray, slow: np.ndarray, index: pd.DatetimeIndex) -> str | None:
    above = fast > slow
    valid = ~(np.isnan(fast) | np.isnan(slow))
    changes = np.flatnonzero(valid[1:] & valid[:-1] & (above[1:] != above[:-1])) + 1
    if not len(changes):
        return None
    i = changes[-1]
    return f"{'golden' if above[i] else 'death'} cross on {index[i].date()}"


def compute_readings(frame: pd.DataFrame, s: SnapshotSettings) -> tuple[Readings, dict]:
    """Readings on the frame's last bar, and the full indicator arrays the checklists need."""
    close = frame["close"].to_numpy(dtype=float)
    fast, slow = sma(close, s.fast_ma), sma(close, s.slow_ma)
    rsi = wilder_rsi(close, s.rsi_period)
    line, signal = macd(close, s.macd_fast, s.macd_slow, s.macd_signal)
    lag = s.rsi_slope_bars
    readings = Readings(
        close=float(close[-1]),
        sma_fast=float(fast[-1]),
        sma_slow=float(slow[-1]),
        above_fast=bool(close[-1] > fast[-1]),
        above_slow=bool(close[-1] > slow[-1]),
        sma_fast_change=float(fast[-1] - fast[-1 - lag]),
        rsi=float(rsi[-1]),
        rsi_then=float(rsi[-1 - lag]),
        rsi_slope=float(rsi[-1] - rsi[-1 - lag]),
        golden_cross=bool(fast[-1] > slow[-1]),
        last_cross=_last_cross(fast, slow, frame.index),
        macd=float(line[-1]),
        macd_signal=float(signal[-1]),
        macd_bullish=bool(line[-1] > signal[-1]),
    )
    return readings, {"sma_fast": fast}


def _zone_label(zone, highs: list, lows: list, index: pd.DatetimeIndex) -> tuple[str, str]:
    """Describe a pivot zone the way the note does (swing highs, congestion, a prior low), and since when."""
    inside_h = [p for p in highs if zone.low <= p[0] <= zone.high]
    inside_l = [p for p in lows if zone.low <= p[0] <= zone.high]
    many = len(inside_h) + len(inside_l) > 1
    if inside_h and inside_l:
        kind = "congestion zone (swing highs and lows)"
    elif zone.kind == "resistance":
        kind = ("swing-high congestion" if many else "swing high") if inside_h else "prior swing low(s), now overhead"
    else:
        kind = ("swing-low support zone" if many else "swing low") if inside_l else "prior swing high(s), now below"
    bars = [b for _, b in inside_h + inside_l]
    detail = f"{zone.touches} pivot{'s' if zone.touches != 1 else ''}" + (
        f", last on {index[max(bars)].date()}" if bars else ""
    )
    return kind, detail


def _distance_pct(low: float, high: float, close: float) -> float:
    if low <= close <= high:
        return 0.0
    edge = low if low > close else high
    return abs(edge / close - 1.0) * 100.0


def key_levels(frame: pd.DataFrame, s: SnapshotSettings) -> tuple[list[Level], list[Level], tuple | None]:
    """(resistance, support) nearest first, and the nearest pivot resistance zone (low, high) if any."""
    high = frame["high"].to_numpy(dtype=float)
    low = frame["low"].to_numpy(dtype=float)
    close = frame["close"].to_numpy(dtype=float)
    upto = len(close) - 1
    price = float(close[upto])
    zones = zones_core.detect_zones(high, low, close, upto)
    is_high, is_low = zones_core.find_pivots(high, low)
    first = max(0, upto - zones_core.LOOKBACK_BARS)
    known = upto - zones_core.PIVOT_RIGHT  # a pivot is known only `right` bars after it
    highs = [(float(high[i]), int(i)) for i in np.flatnonzero(is_high) if first <= i <= known]
    lows = [(float(low[i]), int(i)) for i in np.flatnonzero(is_low) if first <= i <= known]

    def as_level(zone) -> Level:
        if zone.source == "pivots":
            kind, detail = _zone_label(zone, highs, lows, frame.index)
        else:
            period = zone.source.removeprefix("sma")
            kind, detail = "MA-based dynamic level", f"{period}-day MA"
        return Level(zone.kind, zone.low, zone.high, kind, detail, _distance_pct(zone.low, zone.high, price))

    pivots_r = sorted((z for z in zones if z.kind == "resistance"), key=lambda z: z.low)[: s.max_zones]
    pivots_s = sorted((z for z in zones if z.kind == "support"), key=lambda z: -z.high)[: s.max_zones]
    mas = zones_core.moving_average_levels(close, upto, (s.fast_ma, s.slow_ma))
    resistance = [as_level(z) for z in pivots_r + [m for m in mas if m.kind == "resistance"]]
    support = [as_level(z) for z in pivots_s + [m for m in mas if m.kind == "support"]]
    resistance.sort(key=lambda lv: lv.low)
    support.sort(key=lambda lv: -lv.high)
    # The strategies' own choice of "the resistance overhead", so the checklist and a rejection exit agree.
    overhead = zones_core.nearest_resistance([z for z in zones if z.source == "pivots"], price)
    nearest = (overhead.low, overhead.high) if overhead else None
    return resistance, support, nearest


NOT_COMPUTABLE = [
    "interest rates, inflation and the Fed's tone (the note's Broader Context and the rate-environment bull item)",
    "market breadth and risk appetite (the short-term 'improving breadth' reason, the risk-appetite bear item)",
    "earnings growth (the bear item on sluggish small-cap earnings)",
]
NO_PEERS = "the structure versus peers (Nasdaq, S&P 500) in the long-term reason: no peer bars given"


def compute_snapshot(
    frame: pd.DataFrame, symbol: str, on: date | None = None, settings: SnapshotSettings | None = None,
    source: str | None = None, peer_frames: dict[str, pd.DataFrame] | None = None,
) -> Snapshot:
    """The note's full table for the last bar on or before `on`, from bars up to that bar only.

    `peer_frames` (symbol -> bars, e.g. SPY and QQQ) adds the year-to-date comparison of the note's
    Broader Context; each peer is read only up to the same date.
    """
    s = settings or SnapshotSettings()
    source = source or symbol
    pos, date_note = locate_bar(frame.index, on, source)
    cut = frame.iloc[: pos + 1]
    if len(cut) < s.warmup_bars:
        raise DataError(
            f"{source}: only {len(cut)} bars up to {cut.index[-1].date()}; the snapshot needs {s.warmup_bars} "
            f"(the {s.slow_ma}-day MA and its look-backs)"
        )
    readings, arrays = compute_readings(cut, s)
    resistance, support, nearest = key_levels(cut, s)
    context = checklists.BarContext(
        open=cut["open"].to_numpy(dtype=float), high=cut["high"].to_numpy(dtype=float),
        low=cut["low"].to_numpy(dtype=float), close=cut["close"].to_numpy(dtype=float),
        sma_fast=arrays["sma_fast"], rsi_now=readings.rsi, rsi_then=readings.rsi_then,
        sma_slow_now=readings.sma_slow, nearest_resistance=nearest,
    )
    bull, bear = checklists.evaluate(context, s)
    overhead = [lv for lv in resistance if lv.type != "MA-based dynamic level"]
    confirm = " and ".join(
        [f"{price_range(lv.low, lv.high, decimals=0)} resistance" for lv in overhead[:1]]
        + ([f"the {s.slow_ma}-day MA ({readings.sma_slow:,.0f})"] if not readings.above_slow else [])
    )
    bar_date = cut.index[-1].date()
    peer_block, peer_note = None, None
    if peer_frames:
        own = peers.ytd_return(cut, symbol, bar_date)
        others = [peers.ytd_return(f, name, bar_date) for name, f in peer_frames.items()]
        peer_note = peers.compare(own, others)
        peer_block = {"returns": [own.to_dict()] + [p.to_dict() for p in others], "relation": peer_note}
    below = support[0] if support else None
    facts = CallFacts(
        above_fast=readings.above_fast, above_slow=readings.above_slow,
        rsi_rising=readings.rsi_slope > 0, golden_cross=readings.golden_cross,
        fast_label=f"{s.fast_ma}-MA", slow_label=f"{s.slow_ma}-MA",
        confirm_above=confirm or None,
        support_below=f"{price_range(below.low, below.high, decimals=0)} ({below.type})" if below else None,
        peer_note=peer_note,
    )
    return Snapshot(
        symbol=symbol, requested_date=on, bar_date=bar_date, date_note=date_note, settings=s,
        readings=readings, resistance=resistance, support=support, bull_case=bull, bear_case=bear,
        calls=final_call(facts), not_computable=NOT_COMPUTABLE + ([] if peer_note else [NO_PEERS]),
        peers=peer_block,
    )
