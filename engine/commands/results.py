"""Commands stage: `rtybt results list` and `rtybt results prune`: the results directory's runs, and keeping
only the newest of each name (a dry run unless told to delete)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rtybt.engine.results.manage import Listing, StoredRun, list_runs, remove_runs, runs_to_prune


def megabytes(size: int) -> str:
    return f"{size / 1e6:,.1f} MB"


@dataclass
class ResultsList:
    listing: Listing

    def lines(self) -> list[str]:
        names = self.listing.names()
        total = sum(r.size for r in self.listing.runs)
        lines = [f"{self.listing.root}: {len(self.listing.runs)} run(s), {megabytes(total)}"]
        for name, runs in names.items():
            lines.append(f"  {name:<32} {len(runs):>4} run(s) {megabytes(sum(r.size for r in runs)):>10}  "
                         f"newest {runs[0].run_id}")
        lines += [f"  skipped: {s}" for s in self.listing.skipped]
        return lines


@dataclass
class Pruned:
    listing: Listing
    removed: list[StoredRun]
    keep: int
    applied: bool

    def lines(self) -> list[str]:
        size = megabytes(sum(r.size for r in self.removed))
        verb = "removed" if self.applied else "would remove"
        lines = [f"{verb} {len(self.removed)} run(s) ({size}) under {self.listing.root}, keeping the newest "
                 f"{self.keep} of each name" + ("" if self.applied or not self.removed else "; --yes removes them")]
        lines += [f"  {run.path}" for run in self.removed]
        lines += [f"  skipped: {s}" for s in self.listing.skipped]
        return lines


def results_list(root: str | Path = "results") -> ResultsList:
    return ResultsList(list_runs(root))


def results_prune(root: str | Path = "results", keep: int = 5, apply: bool = False) -> Pruned:
    """The runs beyond the newest `keep` of each name; deleted only with `apply`. Only run folders (a real
    folder with a manifest, inside `root`) are ever removed: symlinks and anything else are left alone."""
    listing = list_runs(root)
    doomed = runs_to_prune(listing, keep)
    if apply:
        remove_runs(listing, doomed)
    return Pruned(listing, doomed, keep, apply)
