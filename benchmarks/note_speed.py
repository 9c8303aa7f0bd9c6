"""Benchmark: `rtybt note data/note/rty-ready-to-rally.yaml` end to end, against its 60 s budget (median).

Run from the repo root: python benchmarks/note_speed.py [--note PATH] [--repeat N]
Each run is a whole process (`rtybt note NOTE -q`, import and all) in one temporary results folder: a first run
fills the analogs' walk-forward cache (timed apart: the first note on a new data file), then N runs reuse it, on
the process pool (all cores) and in process (--workers 1). It prints the medians and MET or MISSED for the budget.
On a shared machine the same work varies by tens of percent from one minute to the next: read the runs too.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BUDGET_S = 60.0
REPO = Path(__file__).resolve().parents[1]


def run_once(note: Path, cwd: str, workers: int) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "rtybt.engine.cli", "note", str(note), "-q", "--workers", str(workers)],
                   cwd=cwd, check=True, stdout=subprocess.DEVNULL, env=os.environ | {"RTYBT_OFFLINE": "1"})
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--note", type=Path, default=REPO / "data" / "note" / "rty-ready-to-rally.yaml")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    note = args.note.resolve()
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        first = run_once(note, tmp, cores)
        pool = [run_once(note, tmp, cores) for _ in range(args.repeat)]
        serial = [run_once(note, tmp, 1) for _ in range(args.repeat)]
    rows = [("first run (walk-forward computed, then cached)", [first]),
            (f"pool, {cores} workers (walk-forward from its cache)", pool),
            ("in process, --workers 1 (walk-forward from its cache)", serial)]
    print(f"rtybt note {note.relative_to(REPO) if note.is_relative_to(REPO) else note}: whole process, "
          f"{args.repeat} repeats, medians; budget {BUDGET_S:.0f} s")
    for label, runs in rows:
        median = statistics.median(runs)
        print(f"{label:<56} {median:7.2f} s  ratio {median / BUDGET_S:5.2f}x  runs: "
              + ", ".join(f"{t:.2f}" for t in runs))
    verdict = "MET" if statistics.median(pool) < BUDGET_S else "MISSED"
    print(f"{verdict}: the median run on the pool takes {statistics.median(pool):.1f} s against a budget of "
          f"{BUDGET_S:.0f} s (pool / in process: {statistics.median(pool) / statistics.median(serial):.2f}x)")


if __name__ == "__main__":
    main()
