"""Analysis stage: the small table that maps an instrument's name or ticker in a note's title to bundled symbols.

The one place in the note pipeline that names particular instruments (a test holds every other module of it free
of them): each row gives the names and tickers a note may write, the traded symbol whose bars the note's prices
are read from, and the longer history that stands for it. `POOL` is the cross-market pool (the study's markets).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KnownInstrument:
    name: str
    aliases: tuple[str, ...]  # as a note writes them; matched as whole words, case-sensitively for tickers
    symbol: str
    history: str | None = None


TABLE = (
    KnownInstrument("Russell 2000", ("Russell 2000", "Russell", "RTY", "M2K", "IWM", "small caps"), "RTY=F", "^RUT"),
    KnownInstrument("S&P 500", ("S&P 500", "S&P", "SPX", "ES", "SPY"), "SPY"),
    KnownInstrument("Nasdaq-100", ("Nasdaq-100", "Nasdaq 100", "Nasdaq", "NDX", "NQ", "QQQ"), "QQQ"),
)
POOL = ("^RUT", "IWM", "SPY", "QQQ")


def find(text: str) -> list[KnownInstrument]:
    """The table's instruments named in `text`, in the table's order."""
    import re

    return [row for row in TABLE if any(re.search(rf"(?<![\w&]){re.escape(a)}(?![\w])", text) for a in row.aliases)]
