"""resistance_rejection on hand-made tables: the rejection as a long's exit and as a short's entry."""

from __future__ import annotations

from tests.conftest import bars_frame
from tests.strategies.runner import run, setup_bars, trade_rows

WINDOW = {"levels_valid_from": "2019-01-01", "levels_valid_to": "2020-12-31"}
DATES = {"start": "2020-01-01", "end": "2020-03-31"}
# The note's zone scaled down: 20-21, rejection = high >= 20 and close <= 20 * (1 - 1%) = 19.8.
ZONE = dict(zone_mode="absolute", zone_low=20, zone_high=21, reject_pct=1.0, **WINDOW)

#  bar    0   1   2   3   4   5     6     7   8
CLOSES = [16, 16, 16, 17, 18, 19.4, 19.5, 19, 18]
# open   16 16.5 16.5 16.5 17.5 18.5 19.9 20   19.5   (previous close + 0.5)
# high   17 17.5 17.5 18   19   20.4 20.9 21   20.5   (max(open, close) + 1)
# Rejections: bars 5 (20.4 / 19.4), 6 (20.9 / 19.5), 7 (21 / 19), 8 (20.5 / 18); none before.


def test_long_exits_on_the_first_rejection():
    frame = bars_frame(CLOSES)
    result = run("resistance_rejection", frame, data=DATES, side="long", ma_period=3, **ZONE)
    # bar 3: 17 > SMA(3) 16.33 after 16 <= 16 (a tie): buy at bar 4's open 17.5.
    # bar 5 reaches 20.4 and closes 19.4: rejection, sell at bar 6's open 19.9 (the close is above the SMA).
    assert trade_rows(result, frame) == [("long", 3, 4, 17.5, 5, 6, 19.9)]
    assert setup_bars(result, frame) == [3]


def test_short_entry_on_rejection_covered_after_max_hold():
    frame = bars_frame(CLOSES)
    result = run("resistance_rejection", frame, data=DATES, side="short", max_hold_bars=2, **ZONE)
    # short at bar 6's open 19.9; bars 6 and 7 are the two bars in the trade: cover at bar 8's open 19.5.
    # bar 8 is another rejection, but its order has no next bar to fill on.
    assert trade_rows(result, frame) == [("short", 5, 6, 19.9, 7, 8, 19.5)]
    assert result.trades.iloc[0].pnl_net == 10 * (19.9 - 19.5)
    assert setup_bars(result, frame) == [5, 6, 7, 8]


def test_short_is_covered_when_price_closes_back_above_the_zone():
    frame = bars_frame([16, 16, 16, 17, 18, 19.4, 21.5, 22, 22])
    result = run("resistance_rejection", frame, data=DATES, side="short", max_hold_bars=20, **ZONE)
    # short at bar 6's open 19.9; bar 6 closes 21.5 > 21: the rejection failed, cover at bar 7's open 22.
    assert trade_rows(result, frame) == [("short", 5, 6, 19.9, 6, 7, 22.0)]


def test_reversal_bar_counts_only_with_reversal():
    # bar 3: open 20.2, high 20.5, close 19.9 is bearish and closes below 20, but only 0.5% below it.
    frame = bars_frame([16, 17, 19, 19.9, 19.9, 19.9], opens=[16, 16.5, 17.5, 20.2, 19.9, 19.9],
                       highs=[16.5, 17.5, 19.5, 20.5, 19.95, 19.95], lows=[15.5, 16.5, 17.5, 19.4, 19.8, 19.8])
    firm = run("resistance_rejection", frame, data=DATES, side="short", **ZONE)
    assert firm.setups == []
    reversal = run("resistance_rejection", frame, data=DATES, side="short", reversal=True, **ZONE)
    assert setup_bars(reversal, frame) == [3]
    assert trade_rows(reversal, frame)[0][:4] == ("short", 3, 4, 19.9)


def test_short_on_a_rejection_at_the_detected_zone():
    # Default bars (open = previous close + 0.5, high = max(open, close) + 1). With 2 bars each side,
    # bar 4's high 20.5 is the only swing high (known at bar 6): the resistance zone [20.5, 20.5].
    #   bar    0   1   2   3   4   5   6   7   8     9     10    11    12
    closes = [15, 16, 18, 19, 17, 16, 17, 18, 19.2, 19.9, 19, 18.5, 18]
    # bar 9: open 19.7, high 20.9 >= 20.5, close 19.9 <= 20.5 * 0.995 = 20.3975: rejection (bar 8's high
    # 20.2 fell short). Bars 10 (high 21.4, close 19) and 11 (high 20.5, close 18.5) are rejections too.
    frame = bars_frame(closes)
    result = run("resistance_rejection", frame, side="short", zone_mode="zone", pivot_bars=2, reject_pct=0.5,
                 max_hold_bars=2)
    # short at bar 10's open 20.4; after bars 10 and 11 in the trade, cover at bar 12's open 19.0.
    assert trade_rows(result, frame) == [("short", 9, 10, 20.4, 11, 12, 19.0)]
    assert setup_bars(result, frame) == [9, 10, 11]
