"""The strategy registry: an explicit name -> class mapping; strategies never import the engine.

The registry is built on first use (`STRATEGIES`, `get_strategy`), not when the package is imported: the
strategies import Backtrader, and the Backtrader-free modules of this package (`strategies.zones`, the
level detector's numpy core; `strategies.params`) must be importable by engine.analysis without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rtybt.strategies.base import NoteStrategy

_REGISTRY: dict[str, type[NoteStrategy]] | None = None


def _registry() -> dict[str, type[NoteStrategy]]:
    global _REGISTRY
    if _REGISTRY is None:
        from rtybt.strategies.breakout_confirmation import BreakoutConfirmation
        from rtybt.strategies.buy_and_hold import BuyAndHold
        from rtybt.strategies.golden_cross import GoldenCross
        from rtybt.strategies.ma_reclaim import MaReclaim
        from rtybt.strategies.macd_cross import MacdCross
        from rtybt.strategies.ready_to_rally import ReadyToRally
        from rtybt.strategies.resistance_rejection import ResistanceRejection
        from rtybt.strategies.rsi_momentum import RsiMomentum

        _REGISTRY = {
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
    return _REGISTRY


class UnknownStrategy(KeyError):
    """Raised by get_strategy for a name that is not registered."""


def get_strategy(name: str, file: str | None = None) -> type[NoteStrategy]:
    """The registered strategy `name`, or with `file` the one of that name in a user's strategy file
    (strategies.files: a StrategyFileError says why it cannot be loaded)."""
    if file is not None:
        from rtybt.strategies.files import load_strategy_file

        return load_strategy_file(file, name)
    try:
        return _registry()[name]
    except KeyError:
        raise UnknownStrategy(name) from None


def __getattr__(name: str):
    # PEP 562: `from rtybt.strategies import STRATEGIES` (or NoteStrategy) builds the registry on first use.
    if name == "STRATEGIES":
        return _registry()
    if name == "NoteStrategy":
        from rtybt.strategies.base import NoteStrategy

        return NoteStrategy
    raise AttributeError(f"module 'strategies' has no attribute {name!r}")


__all__ = ["STRATEGIES", "NoteStrategy", "UnknownStrategy", "get_strategy"]
