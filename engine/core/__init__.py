"""Foundation: errors, exit codes, safe YAML, atomic writes, the process pool, number formats, progress."""
