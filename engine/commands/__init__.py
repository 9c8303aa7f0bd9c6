"""Commands stage: one module per command (load -> compute -> write), each returning a typed result."""
