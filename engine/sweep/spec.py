"""Config stage: former home of the sweep sections; engine.config_sections owns them (kept for old imports)."""

from engine.config_sections import RANKABLE, SweepConfig, WalkForwardConfig

__all__ = ["RANKABLE", "SweepConfig", "WalkForwardConfig"]
