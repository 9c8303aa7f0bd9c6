"""Broker set-up from the config: costs, slippage, fills and sizing per instrument kind."""

from __future__ import annotations

import math

import backtrader as bt

from engine.config import BrokerConfig, SizingConfig


class EquityFractionSizer(bt.Sizer):
    """Whole units (or contracts) worth `fraction` of current equity at the signal bar's close.

    Futures are sized by notional (price x multiplier), not by margin: Backtrader's own percent
    sizers would size an RTY position by margin and take ~6x leverage.
    """

    params = (("fraction", 0.95), ("multiplier", 1.0))

    def _getsizing(self, comminfo, cash, data, isbuy):
        price = data.close[0]
        if not price > 0:
            return 0
        return int(math.floor(self.broker.getvalue() * self.p.fraction / (price * self.p.multiplier)))


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
    if sizing.method == "fixed_units":
        cerebro.addsizer(bt.sizers.FixedSize, stake=sizing.units)
    else:
        cerebro.addsizer(EquityFractionSizer, fraction=sizing.equity_fraction, multiplier=multiplier)


def stated_costs(broker: BrokerConfig) -> str:
    """The costs in force, in words, for every report."""
    if broker.instrument == "future":
        return (
            f"futures: ${broker.commission_per_contract:g} per contract per side, "
            f"{broker.slippage_ticks} tick{'' if broker.slippage_ticks == 1 else 's'} of {broker.tick:g} slippage, "
            f"${broker.multiplier:g}/point, "
            f"${broker.margin:,.0f} margin"
        )
    return (
        f"{broker.instrument}: commission {broker.commission_rate * 1e4:g} bp and slippage "
        f"{broker.slippage_rate * 1e4:g} bp of traded value per side"
    )
