"""Data stage: find, load, validate and fingerprint daily bars."""

from rtybt.engine.data.load import Bars, load_bars
from rtybt.engine.data.locate import resolve_data_dir
from rtybt.engine.data.run_bars import load_run_bars

__all__ = ["Bars", "load_bars", "load_run_bars", "resolve_data_dir"]
