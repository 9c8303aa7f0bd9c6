"""Where bars live: the data directory's resolution order and a symbol's file name."""

from __future__ import annotations

import os
from pathlib import Path

from rtybt.engine.core.errors import DataError
from rtybt.engine.core.symbols import symbol_problem

ENV_DATA_DIR = "RTYBT_DATA_DIR"
ENV_OFFLINE = "RTYBT_OFFLINE"


def default_data_dir() -> Path:
    """The download cache: $XDG_CACHE_HOME/rtybt/data, else ~/.cache/rtybt/data."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "rtybt" / "data"


# The frozen daily-bar snapshot that ships in the repository (data/snapshot/ beside engine/): a clone
# works offline with no folder beside it. An installed wheel has no such folder and skips this step.
BUNDLED_SNAPSHOT = Path(__file__).resolve().parents[2] / "data" / "snapshot"


def bundled_snapshot_has(symbol: str | None) -> bool:
    if not symbol or symbol_problem(symbol):
        return False
    return (BUNDLED_SNAPSHOT / f"{symbol}.csv").is_file()


def _resolved(path: str | Path, source: str) -> Path:
    """The absolute folder; a symlink loop (RuntimeError before Python 3.13, OSError after) is bad input."""
    try:
        return Path(path).expanduser().resolve()
    except (RuntimeError, OSError) as exc:
        why = "a symlink loop" if isinstance(exc, RuntimeError) else (exc.strerror or exc.__class__.__name__)
        raise DataError(f"{source} {path}: cannot resolve the data directory ({why})") from None


def resolve_data_dir(
    flag: str | Path | None = None, config_dir: str | Path | None = None, symbol: str | None = None
) -> tuple[Path, str]:
    """The data directory and where it came from, in one order: flag, $RTYBT_DATA_DIR, config, the
    bundled snapshot (when it holds `symbol`), then the download cache."""
    if flag:
        return _resolved(flag, "--data-dir"), "--data-dir"
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        return _resolved(env, ENV_DATA_DIR), ENV_DATA_DIR
    if config_dir:
        return _resolved(config_dir, "data.dir"), "config data.dir"
    if bundled_snapshot_has(symbol):
        return BUNDLED_SNAPSHOT, "bundled snapshot"
    return default_data_dir(), "default cache"


def symbol_file(data_dir: Path, symbol: str) -> Path:
    """Yahoo symbols name their files as they are: ^RUT -> ^RUT.csv, RTY=F -> RTY=F.csv."""
    problem = symbol_problem(symbol)
    if problem:
        raise ValueError(f"not a valid symbol: {symbol[:40]!r}{'...' if len(symbol) > 40 else ''} ({problem})")
    return data_dir / f"{symbol}.csv"


def offline() -> bool:
    return os.environ.get(ENV_OFFLINE, "").strip().lower() not in ("", "0", "false", "no")


def _core(symbol: str) -> str:
    """A symbol without its decorations: ^RUT, RUT and rut -> RUT; RTY=F -> RTYF."""
    return "".join(c for c in symbol.upper() if c.isalnum())


def similar_symbol(symbol: str, *folders: Path) -> str | None:
    """A symbol whose bars are at hand (in `folders`, the bundled snapshot or the download cache) that `symbol`
    was probably meant to be: RUT -> ^RUT, RTY -> RTY=F, iwm -> IWM. None when nothing is close."""
    import difflib

    known = sorted({p.stem for folder in (*folders, BUNDLED_SNAPSHOT, default_data_dir())
                    if folder.is_dir() for p in folder.glob("*.csv")} - {symbol})
    core = _core(symbol)
    same = [k for k in known if _core(k) == core]
    if same:
        return same[0]
    # RTY -> RTY=F: a known symbol that is this one plus a suffix such as a futures' =F
    extended = [k for k in known if core and _core(k).startswith(core) and len(_core(k)) - len(core) <= 1]
    if extended:
        return extended[0]
    close = difflib.get_close_matches(symbol.upper(), [k.upper() for k in known], n=1, cutoff=0.75)
    return next((k for k in known if close and k.upper() == close[0]), None)
