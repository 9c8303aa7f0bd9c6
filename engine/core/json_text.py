"""Output stage helper: payloads as strict JSON text (NaN and infinities become null: `Infinity` is not JSON)."""

from __future__ import annotations

import math
import re
from typing import Any

# JSON escapes C0 controls itself; C1 controls and bidi overrides (which a terminal may obey) are escaped too.
_TERMINAL_ACTIVE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def finite(value: Any) -> Any:
    """A copy of `value` with every non-finite float (also numpy's) replaced by None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    if hasattr(value, "dtype") and getattr(value, "shape", None) == () and value.dtype.kind == "f":
        return finite(float(value))
    return value


def json_text(payload: Any, **options) -> str:
    """json.dumps with allow_nan=False over `finite(payload)` (indent 2 unless told otherwise)."""
    import json  # here, not at the top: `rtybt --help` imports this module and never prints JSON

    options.setdefault("indent", 2)
    text = json.dumps(finite(payload), allow_nan=False, **options)
    return _TERMINAL_ACTIVE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
