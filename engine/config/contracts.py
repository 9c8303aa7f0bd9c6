"""Config stage: contract terms of common futures roots (multiplier, tick, default margin), chosen from the symbol."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Contract:
    """One futures root: USD per price point, minimum price increment, a default initial margin (USD)."""

    root: str
    name: str
    exchange: str
    multiplier: float
    tick: float
    margin: float

    @property
    def tick_value(self) -> float:
        return self.multiplier * self.tick

    def to_dict(self) -> dict:
        return asdict(self) | {"tick_value": self.tick_value}


# Multiplier and tick: the exchanges' contract specifications (CME Group, NYMEX, COMEX). Margins are
# approximate initial margins per contract as of 2025 (the exchanges change them often): defaults only,
# set `broker.margin` for the current one. RTY keeps the project's long-standing 7,500 so that existing
# runs do not move.
CONTRACTS: dict[str, Contract] = {c.root: c for c in (
    Contract("RTY", "E-mini Russell 2000", "CME", 50.0, 0.10, 7_500.0),
    Contract("M2K", "Micro E-mini Russell 2000", "CME", 5.0, 0.10, 750.0),
    Contract("ES", "E-mini S&P 500", "CME", 50.0, 0.25, 12_650.0),
    Contract("MES", "Micro E-mini S&P 500", "CME", 5.0, 0.25, 1_265.0),
    Contract("NQ", "E-mini Nasdaq-100", "CME", 20.0, 0.25, 19_800.0),
    Contract("MNQ", "Micro E-mini Nasdaq-100", "CME", 2.0, 0.25, 1_980.0),
    Contract("YM", "E-mini Dow ($5)", "CBOT", 5.0, 1.0, 9_500.0),
    Contract("MYM", "Micro E-mini Dow", "CBOT", 0.5, 1.0, 950.0),
    Contract("CL", "Crude Oil (WTI)", "NYMEX", 1_000.0, 0.01, 6_000.0),
    Contract("NG", "Henry Hub Natural Gas", "NYMEX", 10_000.0, 0.001, 3_500.0),
    Contract("GC", "Gold", "COMEX", 100.0, 0.10, 10_000.0),
    Contract("SI", "Silver", "COMEX", 5_000.0, 0.005, 10_000.0),
    Contract("HG", "Copper", "COMEX", 25_000.0, 0.0005, 6_000.0),
)}

TERMS = ("multiplier", "tick", "margin")


def contract_root(symbol: str) -> str:
    """Yahoo's continuous front month `ES=F` -> `ES`; any other symbol is taken as the root itself."""
    text = symbol.strip().upper()
    return text[: -len("=F")] if text.endswith("=F") else text


def contract_for(symbol: str) -> Contract | None:
    return CONTRACTS.get(contract_root(symbol))


def contract_terms(config) -> dict | None:
    """A future's terms in force, with the table's row they came from (None for an index or ETF)."""
    broker = config.broker
    if broker.instrument != "future":
        return None
    row = contract_for(config.data.symbol)
    terms = {key: getattr(broker, key) for key in TERMS}
    return {
        "root": contract_root(config.data.symbol),
        "name": row.name if row else None,
        "exchange": row.exchange if row else None,
        **terms,
        "tick_value": terms["multiplier"] * terms["tick"],
        "from_config": [key for key in TERMS if row is None or getattr(row, key) != terms[key]],
    }
