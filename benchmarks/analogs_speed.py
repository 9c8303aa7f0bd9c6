"""Benchmark: one `rtybt analogs` answer on the full ^RUT history (< 2 s) and the whole walk-forward (< 60 s).

Run from the repo root: python benchmarks/analogs_speed.py [--symbol RTY=F] [--date 2025-05-08] [--repeat N]
Each line is a median of N runs next to its budget, as a ratio (below 1.00x is within budget). The answer
is timed three ways: the search and its statistics alone (find_analogs), the whole flow without the page
with the walk-forward read from its cache (as every answer after the first), and with the walk-forward
recomputed (the first answer on a new data file). The page (matplotlib fan chart, HTML, JSON, CSV) is
timed apart, its first call paying the matplotlib import once per process.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time

ANSWER_BUDGET_S = 2.0
WALK_FORWARD_BUDGET_S = 60.0


def timed(fn, repeat: int) -> tuple[float, list[float], object]:
    runs, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs), runs, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--symbol", default="^RUT")
    parser.add_argument("--date", default="2025-05-08")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from rtybt.engine.analysis.analogs.nearest import AnalogSettings, find_analogs
    from rtybt.engine.analysis.analogs.score import walk_forward
    from rtybt.engine.commands.analogs import run_analogs
    from rtybt.engine.config import ValidationPolicy
    from rtybt.engine.data import load_bars, resolve_data_dir

    directory, source = resolve_data_dir(None, symbol="^RUT")
    history = load_bars("^RUT", directory, ValidationPolicy(), source_hint=source).frame
    query = load_bars(args.symbol, directory, ValidationPolicy(), source_hint=source).frame["close"].loc[: args.date]
    s = AnalogSettings()
    rows = []

    def line(label: str, budget: float, median: float, runs: list[float]) -> None:
        rows.append(f"{label:<52} {median:7.2f} s  budget {budget:5.1f} s  ratio {median / budget:5.2f}x   runs: "
                    + ", ".join(f"{t:.2f}" for t in runs))

    med, runs, _ = timed(lambda: find_analogs(history, query, s), args.repeat)
    line("search + statistics (find_analogs)", ANSWER_BUDGET_S, med, runs)
    with tempfile.TemporaryDirectory() as tmp:
        run_analogs(args.symbol, args.date, results_dir=tmp, write=False)  # fills the walk-forward cache
        med, runs, result = timed(lambda: run_analogs(args.symbol, args.date, results_dir=tmp, write=False),
                                  args.repeat)
        line("one answer, walk-forward from its cache (run_analogs)", ANSWER_BUDGET_S, med, runs)
        med, runs, _ = timed(lambda: run_analogs(args.symbol, args.date, results_dir=None, write=False), args.repeat)
        line("one answer, walk-forward recomputed (run_analogs)", ANSWER_BUDGET_S, med, runs)
        from rtybt.engine.report.analogs.page import fan_png, render_html

        start = time.perf_counter()
        render_html(result, fan_png(result))
        cold = time.perf_counter() - start
        med, runs, _ = timed(lambda: render_html(result, fan_png(result)), args.repeat)
        line("page, first call (matplotlib import)", ANSWER_BUDGET_S, cold, [cold])
        line("page, warm (fan chart + HTML)", ANSWER_BUDGET_S, med, runs)
    med, runs, wf = timed(lambda: walk_forward(history, s), args.repeat)
    line(f"whole walk-forward ({len(wf)} month-ends from 2000)", WALK_FORWARD_BUDGET_S, med, runs)

    print(f"^RUT: {len(history)} bars ({history.index[0].date()} to {history.index[-1].date()}); state of "
          f"{args.symbol} on {args.date}; k={s.k}, horizon {s.horizon}; {args.repeat} repeats, medians")
    for row in rows:
        print(row)


if __name__ == "__main__":
    main()
