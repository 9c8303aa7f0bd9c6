"""Run stage: the boundary around a user's strategy code: whatever it raises becomes one StrategyError."""

from __future__ import annotations

from contextlib import contextmanager

from rtybt.engine.core.errors import StrategyError, UserError
from rtybt.strategies.files import is_user_strategy, user_code_error


@contextmanager
def user_code(strategy_cls):
    """Run Backtrader on `strategy_cls`: an exception a user's strategy raises (in `__init__`, `next`, an
    exit rule, a custom indicator), a `sys.exit` included, is the user's error: StrategyError naming the
    file, line, function and bar, the original as `__cause__`. A built-in strategy's error is ours: it passes
    unchanged (exit 1, with its traceback). Ctrl-C and SIGTERM always pass."""
    try:
        yield
    except UserError:
        raise
    except (Exception, SystemExit) as exc:
        if not is_user_strategy(strategy_cls):
            raise
        error = user_code_error(exc, phase=f"strategy {strategy_cls.name!r}")
        raise StrategyError(str(error), error.detail) from exc
