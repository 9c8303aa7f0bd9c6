"""Foundation: the work a command may take on without being asked twice. A grid or a config whose cost passes
its budget is refused before any work, naming the product and how to narrow it; `--yes` runs it anyway."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from rtybt.engine.core.errors import UserError

# Variants x bars a sweep or walk-forward runs: 20 million is ~2,000 variants on the whole ^RUT history
# (~9,700 bars), half an hour of one core; a typo in a grid (1000 x 100 x 10) is a million variants.
MAX_VARIANT_BARS = 20_000_000
# Variants a grid expands to, checked before the expansion itself (each is a validated config in memory).
MAX_VARIANTS = 100_000
# Event-study horizons x bootstrap draws: the bootstrap holds one draw per horizon at a time (8 bytes each,
# twice): 2 million is ~32 MB; the default (4 horizons x 2,000 draws) is 8,000.
MAX_HORIZON_DRAWS = 2_000_000
# Markets of a study that get a full tearsheet (a second backtest and a dozen charts each, about ten seconds on
# decades of bars): the first ones in the study's order, the traded market first; `--yes` writes one for each.
MAX_STUDY_TEARSHEETS = 8

_allowed: ContextVar[bool] = ContextVar("rtybt_over_budget_allowed", default=False)


class OverBudget(UserError):
    """The work asked for passes its budget (the CLI's --yes, or over_budget_allowed(), runs it anyway)."""


@contextmanager
def over_budget_allowed(allowed: bool = True) -> Iterator[None]:
    """Within this block, work beyond a budget runs (the CLI's --yes)."""
    token = _allowed.set(allowed)
    try:
        yield
    finally:
        _allowed.reset(token)


def budget_problem(product: str, cost: int, limit: int, narrow: str) -> str | None:
    """The refusal for `cost` beyond `limit` (None within it, or when allowed)."""
    if cost <= limit or _allowed.get():
        return None
    return f"{product} = {cost:,} passes the budget of {limit:,}; {narrow}, or pass --yes to run it anyway"


def check_budget(where: str, product: str, cost: int, limit: int, narrow: str) -> None:
    """Refuse `cost` beyond `limit` unless allowed: '<where>: <product> = <cost> passes the budget of ...'."""
    problem = budget_problem(product, cost, limit, narrow)
    if problem:
        raise OverBudget(f"{where}: {problem}")
