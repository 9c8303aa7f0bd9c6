"""Report stage, a run: the tearsheet, its sections, tables and figures, and the terminal summary."""
