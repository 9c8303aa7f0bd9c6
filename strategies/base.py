"""The strategy base: order bookkeeping shared by every strategy (fills, rejections, one order at a time)."""

from __future__ import annotations

import backtrader as bt

from rtybt.strategies.params import Param

# The status of a signal that never became an order (the sizer gave 0), beside Backtrader's own statuses.
NOT_ORDERED = "Not ordered"
# Why a trade closed, as recorded on its closing fill (engine/run/trades.py puts it on the trade).
EXIT_REASONS = ("signal", "stop", "target", "rejection", "time limit", "end of data")
# Why Backtrader ends a market order without a fill, in words for order_issues.csv.
REFUSAL_REASONS = {
    "Margin": "not enough cash at the fill price for the order's value or margin (e.g. a gap up)",
    "Rejected": "rejected by the broker",
    "Canceled": "canceled before it filled",
    "Expired": "expired before it filled",
}


class SpecParams(type(bt.Strategy)):
    """Backtrader's strategy metaclass, plus: a class's `spec` makes its Backtrader `params`.

    Backtrader's MetaParams pops `params` from the class body before the class exists, so the spec's
    defaults are added to the body here, ahead of it: a strategy declares its parameters once, as `spec`.
    Explicit `params` still work; a spec name they lack is added with the spec's default.
    """

    def __new__(meta, name, bases, dct):
        spec = dct.get("spec")
        if isinstance(spec, tuple) and all(isinstance(p, Param) for p in spec):
            given = dct.get("params", ())
            named = set(given) if isinstance(given, dict) else {pair[0] for pair in given
                                                                if isinstance(pair, tuple | list) and pair}
            extra = tuple((p.name, p.default) for p in spec if p.name not in named)
            if extra:
                dct["params"] = ({**given, **dict(extra)} if isinstance(given, dict)
                                 else tuple(given) + extra)
        return super().__new__(meta, name, bases, dct)


class NoteStrategy(bt.Strategy, metaclass=SpecParams):
    """Base class: subclasses declare `name`, `note` (the sentence they encode) and `spec`.

    The spec is the Backtrader `params` too (SpecParams): no `params = bt_params(spec)` to write.

    Records every completed fill and every order the broker refused, so that nothing is swallowed:
    the engine turns `fills` into trades and `order_issues` into the run's warnings.
    """

    name: str = ""
    note: str = ""
    spec: tuple[Param, ...] = ()

    def __init__(self):
        self.fills: list[dict] = []
        self.order_issues: list[dict] = []
        self.setups: list = []
        self.unfilled_at_end: list[dict] = []
        self._pending = None
        self._exit_reasons: dict[int, str] = {}  # order ref -> why the position is being closed

    def mark_setup(self):
        """Record that the entry condition holds on this bar's close, in or out of a position.

        The event study measures forward returns from every such bar, not only from taken trades.
        """
        self.setups.append(bt.num2date(self.data.datetime[0]).date())

    # -- order helpers: strategies call these, so a signal never stacks a second order --
    def enter_long(self):
        if self._pending is None and not self.position:
            self._pending = self.buy()
            if self._pending is None:
                self._not_ordered("buy")

    def enter_short(self):
        if self._pending is None and not self.position:
            self._pending = self.sell()
            if self._pending is None:
                self._not_ordered("sell")

    def _not_ordered(self, side: str):
        """Backtrader places no order when the sizer says 0: record the signal and the sizer's reason."""
        day = bt.num2date(self.data.datetime[0]).date()
        reason = getattr(self.getsizer(), "zero_reason", None) or "the sizer returned a size of 0"
        self.order_issues.append({
            "date": day, "side": side, "size": 0.0, "status": NOT_ORDERED, "signal_date": day,
            "signal_close": float(self.data.close[0]), "reason": reason,
        })

    def exit_position(self, reason: str = "signal"):
        """Close the position at the next open; `reason` (one of EXIT_REASONS) goes on the trade."""
        if reason not in EXIT_REASONS:
            raise ValueError(f"exit reason {reason!r} is not one of {', '.join(EXIT_REASONS)}")
        if self._pending is None and self.position:
            self._pending = self.close()
            if self._pending is not None:
                self._exit_reasons[self._pending.ref] = reason

    def stop(self):
        # An order signalled on the last bar has no next open to fill at: report it, never drop it silently.
        if self._pending is not None:
            self.unfilled_at_end.append({
                "side": "buy" if self._pending.isbuy() else "sell",
                "size": float(self._pending.created.size),
                "signal_date": bt.num2date(self._pending.created.dt).date(),
            })

    @property
    def busy(self) -> bool:
        return self._pending is not None

    def notify_order(self, order):
        if order.status in (order.Submitted, order.Accepted, order.Partial):
            return
        # Backtrader notifies with a clone of the order: compare references, not objects.
        if self._pending is not None and order.ref == self._pending.ref:
            self._pending = None
        when = bt.num2date(self.data.datetime[0]).date()
        if order.status == order.Completed:
            self.fills.append(
                {
                    "date": bt.num2date(order.executed.dt).date(),
                    "side": "buy" if order.isbuy() else "sell",
                    "size": float(order.executed.size),
                    "price": float(order.executed.price),
                    "commission": float(order.executed.comm),
                    "signal_date": bt.num2date(order.created.dt).date(),
                    "reason": self._exit_reasons.pop(order.ref, None),
                }
            )
        else:
            status = order.getstatusname()
            self.order_issues.append(
                {
                    "date": when,
                    "side": "buy" if order.isbuy() else "sell",
                    "size": float(order.created.size),
                    "status": status,
                    "signal_date": bt.num2date(order.created.dt).date(),
                    "signal_close": float(order.created.price or 0.0),
                    "reason": REFUSAL_REASONS.get(status, f"the broker ended the order as {status}"),
                }
            )


class LongRuleStrategy(NoteStrategy):
    """A long-only rule: subclasses say when the setup holds and when to get out; the bar loop is shared.

    Every bar whose close meets `entry_condition()` is a setup (recorded in or out of a position);
    flat, a setup enters; long, `exit_condition()` exits. Orders fill at the next bar's open.
    """

    def entry_condition(self) -> bool:
        raise NotImplementedError

    def exit_condition(self) -> bool:
        raise NotImplementedError

    def exit_kind(self) -> str:
        """Why `exit_condition()` holds, for the trade list (a rule with a stop says "stop" when it is the stop)."""
        return "signal"

    def next(self):
        enter = self.entry_condition()
        if enter:
            self.mark_setup()
        if self.busy:
            return
        if not self.position and enter:
            self.enter_long()
        elif self.position and self.exit_condition():
            self.exit_position(self.exit_kind())
