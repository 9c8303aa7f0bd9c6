"""Results stage: an identical stored run (same config hash, data checksums and code version), found and verified
before `rtybt run` makes a new folder for the same numbers."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rtybt.engine.core.errors import ResultsError


@dataclass
class Identical:
    """What the search found: the run to reuse (None: none), its stored summary, and notes on runs it refused."""

    run_dir: Path | None = None
    summary: dict | None = None
    notes: list[str] = field(default_factory=list)


def _same_inputs(stored: dict, wanted: dict) -> bool:
    def shas(record: dict) -> list:
        return [d.get("sha256") for d in record.get("data") or [] if isinstance(d, dict)]

    return (stored.get("config_hash") == wanted["config_hash"]
            and stored.get("strategy_source_sha256") == wanted["strategy_source_sha256"]
            and shas(stored) == shas(wanted))


def find_identical_run(parent: Path, wanted: dict, version: str) -> Identical:
    """The newest run under results/<name>/ written by `rtybt run` of this rtybt version with the same input
    record (`provenance.input_record`: config hash, strategy source sha256, data files' sha256). Every file it
    lists is verified against its manifest first: a damaged run is never reused (a note says why)."""
    from rtybt.engine.results.provenance import read_manifest, verify_files

    found = Identical()
    if not parent.is_dir() or parent.is_symlink():
        return found
    for manifest_path in sorted(parent.glob("*/manifest.json"), reverse=True):
        run_dir = manifest_path.parent
        if run_dir.is_symlink():
            continue
        try:
            manifest = read_manifest(run_dir)
        except ResultsError:
            continue  # not a run this version wrote: never reused
        summary = manifest["details"].get("summary")
        if (manifest.get("command") != "run" or (manifest.get("versions") or {}).get("rtybt") != version
                or not isinstance(summary, dict) or not _same_inputs(manifest["inputs"][0], wanted)):
            continue
        try:
            verify_files(run_dir, manifest)
        except ResultsError as exc:
            found.notes.append(f"an identical run is damaged, not reused: {exc}")
            continue
        found.run_dir, found.summary = run_dir, summary | {"run_dir": str(run_dir)}
        return found
    return found
