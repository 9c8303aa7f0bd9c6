"""The strategy registry: an explicit name -> class mapping; strategies never import the engine."""

from __future__ import annotations

from strategies.base import NoteStrategy
from strategies.breakout_confirmation import BreakoutConfirmation
from strategies.buy_and_hold import BuyAndHold
from strategies.golden_cross import GoldenCross
from strategies.ma_reclaim import MaReclaim
from strategies.macd_cross import MacdCross
from strategies.ready_to_rally import ReadyToRally
from strategies.resistance_rejection import ResistanceRejection
from strategies.rsi_momentum import RsiMomentum

STRATEGIES: dict[str, type[NoteStrategy]] = {
    cls.name: cls
    for cls in (
        MaReclaim,
        RsiMomentum,
        BreakoutConfirmation,
        ResistanceRejection,
        ReadyToRally,
        GoldenCross,
        MacdCross,
        BuyAndHold,
    )
}


class UnknownStrategy(KeyError):
    """Raised by get_strategy for a name that is not registered."""


def get_strategy(name: str, file: str | None = None) -> type[NoteStrategy]:
    """The registered strategy `name`, or with `file` the one of that name in a user's strategy file
    (strategies.files: a StrategyFileError says why it cannot be loaded)."""
    if file is not None:
        from strategies.files import load_strategy_file

        return load_strategy_file(file, name)
    try:
        return STRATEGIES[name]
    except KeyError:
        raise UnknownStrategy(name) from None


__all__ = ["STRATEGIES", "NoteStrategy", "UnknownStrategy", "get_strategy"]
