"""Benchmark: bars validation throughput (rows/s) on 100k and 1M synthetic rows with many bad rows.

Every check finds something on most rows (minute bars: one date repeated 390 times, zero volumes, OHLC
slips), under `rtybt data check`'s report-only policy, so a step that grows faster than its input shows.
Target (issue #25): 1M rows validated in at most 30 s, i.e. linear: the 1M run at most 15x the 100k one.

Run from the repo root: python benchmarks/validation_speed.py [--rows 100000 1000000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

TARGET_SECONDS_1M = 30.0
MAX_GROWTH = 15.0


def write_minute_bars(path: Path, rows: int) -> None:
    import numpy as np
    import pandas as pd

    days = pd.bdate_range("2001-01-01", periods=rows // 390 + 1).strftime("%Y-%m-%d")
    dates = np.repeat(days.to_numpy(), 390)[:rows]
    close = 100 + np.sin(np.arange(rows) / 50.0)
    frame = pd.DataFrame({"Date": dates, "Open": close, "High": close + 0.5, "Low": close - 0.5,
                          "Close": close, "Volume": np.where(np.arange(rows) % 3 == 0, 0, 1000)})
    frame.loc[frame.index % 7 == 0, "Low"] = frame["Close"] + 1  # an OHLC slip every 7th row
    frame.to_csv(path, index=False, float_format="%.4f")


def time_check(folder: Path, rows: int) -> float:
    from rtybt.engine.data.check import check_symbol

    write_minute_bars(folder / "BENCH.csv", rows)
    start = time.perf_counter()
    report, _ = check_symbol("BENCH", str(folder))
    took = time.perf_counter() - start
    bad = sum(len(c.findings) for c in report.checks)
    print(f"{rows:>9,} rows: {took:6.2f} s  {rows / took:>12,.0f} rows/s  ({bad:,} findings, "
          f"{report.rows_kept:,} rows kept)")
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        times = {rows: time_check(Path(tmp), rows) for rows in args.rows}
    if 1_000_000 in times:
        ok = times[1_000_000] <= TARGET_SECONDS_1M
        print(f"target: 1M rows in at most {TARGET_SECONDS_1M:.0f} s: {'MET' if ok else 'MISSED'} "
              f"({times[1_000_000]:.1f} s)")
    if 100_000 in times and 1_000_000 in times:
        growth = times[1_000_000] / times[100_000]
        print(f"target: 10x the rows in at most {MAX_GROWTH:.0f}x the time (linear): "
              f"{'MET' if growth <= MAX_GROWTH else 'MISSED'} ({growth:.1f}x)")


if __name__ == "__main__":
    main()
