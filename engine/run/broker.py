"""Broker set-up from the config: costs, slippage, fills and sizing per instrument kind."""

from __future__ import annotations

import math

import backtrader as bt

from rtybt.engine.config import BrokerConfig, SizingConfig


class EquityFractionSizer(bt.Sizer):
    """Whole units (or contracts) worth `fraction` of current equity at the signal bar's close.

    Futures are sized by notional (price x multiplier), not by margin: Backtrader's own percent
    sizers would size an RTY position by margin and take ~6x leverage.
    """

    params = (("fraction", 0.95), ("multiplier", 1.0), ("unit", "unit"))

    def _getsizing(self, comminfo, cash, data, isbuy):
        price = data.close[0]
        if not price > 0:
            self.zero_reason = f"no positive close to size from (close {price:g})"
            return 0
        equity = self.broker.getvalue()
        size = int(math.floor(equity * self.p.fraction / (price * self.p.multiplier)))
        if size == 0:
            # Read by the strategy (NoteStrategy.zero_size_reason) so the dropped signal is reported, not lost.
            one = f"close {price:,.2f}"
            if self.p.multiplier != 1:
                one += f" x multiplier {self.p.multiplier:g} = {price * self.p.multiplier:,.2f}"
            self.zero_reason = (
                f"sized to 0: equity_fraction {self.p.fraction:g} x equity {equity:,.2f} = "
                f"{equity * self.p.fraction:,.2f} is less than one {self.p.unit} ({one})"
            )
        return size


def configure(cerebro: bt.Cerebro, broker: BrokerConfig, sizing: SizingConfig) -> None:
    cerebro.broker.setcash(broker.cash)
    if broker.instrument == "future":
        cerebro.broker.setcommission(
            commission=broker.commission_per_contract,
            margin=broker.margin,
            mult=broker.multiplier,
            commtype=bt.CommInfoBase.COMM_FIXED,
            stocklike=False,
        )
        if broker.slippage_ticks:
            cerebro.broker.set_slippage_fixed(
                broker.slippage_ticks * broker.tick, slip_open=True, slip_limit=True, slip_match=True, slip_out=False
            )
    else:
        # setcommission(commission=x) on the broker is a fraction (0.001 = 0.1%), unlike CommInfoBase.
        cerebro.broker.setcommission(commission=broker.commission_rate)
        if broker.slippage_rate:
            cerebro.broker.set_slippage_perc(
                broker.slippage_rate, slip_open=True, slip_limit=True, slip_match=True, slip_out=False
            )
    if broker.fill == "signal_close":
        cerebro.broker.set_coc(True)
    multiplier = broker.multiplier if broker.instrument == "future" else 1.0
    if sizing.fraction is None:
        cerebro.addsizer(bt.sizers.FixedSize, stake=sizing.units)
    else:
        unit = "contract" if broker.instrument == "future" else "unit"
        cerebro.addsizer(EquityFractionSizer, fraction=sizing.fraction, multiplier=multiplier, unit=unit)


def stated_costs(broker: BrokerConfig, symbol: str | None = None) -> str:
    """The costs in force, in words, for every report (a future's: with its contract)."""
    if broker.instrument == "future":
        from rtybt.engine.config.contracts import contract_for, contract_root

        contract = contract_for(symbol) if symbol else None
        named = f" {contract.root} ({contract.name}, {contract.exchange})" if contract else (
            f" {contract_root(symbol)} (terms from the config)" if symbol else "")
        return (
            f"futures{named}: ${broker.commission_per_contract:g} per contract per side, "
            f"{broker.slippage_ticks} tick{'' if broker.slippage_ticks == 1 else 's'} of {broker.tick:g} slippage, "
            f"${broker.multiplier:g}/point, "
            f"${broker.margin:,.0f} margin"
        )
    return (
        f"{broker.instrument}: commission {broker.commission_rate * 1e4:g} bp and slippage "
        f"{broker.slippage_rate * 1e4:g} bp of traded value per side"
    )
