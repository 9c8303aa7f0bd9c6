"""Report stage: vendored third-party files the pages inline (see VERSION); read with importlib.resources."""
