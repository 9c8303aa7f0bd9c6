"""Report stage, the analogs: page and terminal text."""
