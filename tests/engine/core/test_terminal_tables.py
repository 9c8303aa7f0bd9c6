"""Terminal tables: columns never run together, different values never print alike, one-value zones print once."""

from __future__ import annotations

from rtybt.engine.analysis.price_range import price_range
from rtybt.engine.compare.summary import format_compare_summary
from rtybt.engine.core.numbers import fmt_column, text_table


def test_a_column_gets_the_decimals_that_tell_its_values_apart():
    assert fmt_column([0.5124, 0.5051, None], "num") == ["0.512", "0.505", "-"]
    assert fmt_column([0.51, 0.51], "num") == ["0.51", "0.51"]  # equal values may print alike
    assert fmt_column([0.05412, 0.05409], "pct") == ["5.412%", "5.409%"]
    assert fmt_column([0.0011, -0.0002], "signed_pct") == ["+0.11%", "-0.02%"]
    assert fmt_column([197, 253], "int") == ["197", "253"]
    assert fmt_column([float("nan"), 1.5], "num") == ["-", "1.50"]  # undefined is "-", never "nan"
    assert fmt_column([0.2090951, 0.2090951 + 1e-13], "num") == ["0.21", "0.21"]  # float noise is one value


def test_the_sweep_shows_a_sharpe_with_one_format_in_both_of_its_tables():
    from rtybt.engine.sweep.summary import format_sweep_summary

    top = [{"rank": 1, "label": "ma_period=50", "cagr": 0.0188, "sharpe": 0.20909, "max_drawdown": -0.32, "trades": 64},
           {"rank": 2, "label": "ma_period=30", "cagr": 0.0181, "sharpe": 0.20712, "max_drawdown": -0.29, "trades": 82}]
    screen = {"screened_by_twin": 2, "screened_by_backtrader": 0, "numbers": "screened", "notes": [],
              "confirm_top": 1, "confirmed": [{"rank": 1, "label": "ma_period=50", "screened_sharpe": 0.20909,
                                               "confirmed_sharpe": 0.20909 + 1e-13, "confirmed_trades": 64,
                                               "parity": "identical"}]}
    summary = {"variants": 2, "executor": "serial", "computed": 2, "reused": 0, "metric": "sharpe",
               "best": {"label": "ma_period=50"}, "deflated_sharpe": 0.75, "pbo": None, "top": top,
               "screen": screen, "run_dir": "r"}
    text = "\n".join(format_sweep_summary(summary))
    assert text.count("0.209") == 3 and "0.207" in text and "0.21 " not in text


def test_walkforward_windows_print_as_a_table_with_undefined_sharpes_as_dashes():
    from rtybt.engine.sweep.summary import format_walkforward_summary

    row = {"oos_start": "2020-01-02", "oos_end": "2020-12-31", "chosen": "ma_period=30", "is_sharpe": 0.68,
           "oos_sharpe": None, "flag": "few in-sample trades"}
    summary = {"windows_table": [row], "oos_sharpe": None, "oos_total_return": 0.1865, "mean_is_sharpe": 0.68,
               "mean_oos_sharpe": float("nan"), "computed": 2, "executor": "serial", "reused_from_store": 0,
               "run_dir": "results/x"}
    lines = format_walkforward_summary(summary)
    assert lines[0].split()[:3] == ["out", "of", "sample"] and "OOS Sharpe" in lines[0]
    assert "0.00" not in lines[1] and lines[1].split()[3] == "-" and lines[1].endswith("few in-sample trades")
    assert lines[2] == "out-of-sample Sharpe -, total return 18.65% (mean IS Sharpe 0.68 vs mean OOS -)"


def test_headers_never_run_together_even_when_cells_are_wider():
    lines = text_table(["rank", "variant", "max DD", "trades"],
                       [["1", "ma_period=20, hold_bars=3 and a long label", "-100.00%", "12345"]], left=2)
    header = lines[0]
    assert "max DD  " in header and "DDtrades" not in header and "DD trades" not in header
    widths = [len(line) for line in lines]
    assert len(set(widths)) == 1  # right-aligned numbers: every line as wide as the widest


def test_a_zone_whose_edges_print_alike_prints_as_one_value():
    assert price_range(2058.21, 2058.24) == "2,058.2"
    assert price_range(2050.0, 2100.0) == "2,050.0–2,100.0"
    assert price_range(2049.6, 2050.4, decimals=0) == "2,050"


def _row(rank, label, sharpe, group=1, symbol="^RUT"):
    return {"rank": rank, "label": label, "symbol": symbol, "start": "2000-01-03", "end": "2020-12-31",
            "group": group, "cagr": 0.054, "sharpe": sharpe, "max_drawdown": -0.33, "trades": 200,
            "edge": 0.001, "edge_ci_low": -0.008, "edge_ci_high": 0.01, "source": "reused: results/x/1"}


def test_compare_prints_a_ranked_table_with_the_benchmark_and_distinct_sharpes():
    summary = {"run_dir": "results/compare/1", "metric": "sharpe",
               "rows": [_row(1, "rsi_momentum", 0.5124), _row(2, "ma_reclaim", 0.5051)],
               "benchmarks": [{"group": 1, "label": "buy & hold ^RUT", "symbol": "^RUT", "cagr": 0.073,
                               "sharpe": 0.439, "max_drawdown": -0.59, "trades": 0}]}
    lines = format_compare_summary(summary)
    header = lines[0].split()
    assert header[:4] == ["rank", "config", "symbol", "CAGR"] and "Sharpe" in header and "edge" in header
    assert lines[1].split()[:2] == ["1.", "rsi_momentum"] and "0.512" in lines[1]
    assert lines[2].split()[:2] == ["2.", "ma_reclaim"] and "0.505" in lines[2]
    assert "buy & hold ^RUT" in lines[3] and "0.439" in lines[3] and lines[3].rstrip().endswith("benchmark")
    assert "-0.80% to +1.00%" in lines[1]
    assert lines[-1] == "results: results/compare/1"


def test_compare_prints_one_table_per_group():
    summary = {"run_dir": "r", "metric": "sharpe", "benchmarks": [],
               "rows": [_row(1, "a", 0.5), _row(1, "b", 0.4, group=2, symbol="IWM")]}
    text = "\n".join(format_compare_summary(summary))
    assert "group 1: ^RUT" in text and "group 2: IWM" in text


def test_terminal_numbers_have_thousands_separators_and_no_negative_zero():
    from rtybt.engine.core.numbers import fmt, fmt_column

    assert fmt(14.0204, "pct") == "1,402.04%" and fmt(9176, "int") == "9,176" and fmt(40531.2, "usd") == "$40,531"
    assert fmt(-0.00001, "pct") == "0.00%" and fmt(-0.001, "num") == "0.00" and fmt(-0.5, "pct") == "-50.00%"
    assert fmt_column([-0.00001, 12.5], "signed_pct", 2) == ["0.00%", "+1,250.00%"]
