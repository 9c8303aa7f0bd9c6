"""Checks shared by the page tests: a page opens from a file with no network at view time."""

from __future__ import annotations

import re


def assert_self_contained(text: str, parser) -> None:
    """No outside script, stylesheet or link: only embedded images and links to the page's own sections, and as
    scripts only the vendored chart library (inlined byte for byte), the chart's data and its code."""
    from importlib.resources import files

    names = {tag for tag, _ in parser.tags}
    assert not names & {"link", "iframe", "object", "embed"}
    for tag, attrs in parser.tags:
        for key in ("src", "href"):
            value = attrs.get(key)
            assert value is None or value.startswith(("data:image/png;base64,", "#")), (tag, key, value[:40])
    library = (files("rtybt.engine.report.vendor") / "lightweight-charts.standalone.production.js").read_text("utf-8")
    scripts = re.findall(r"<script[^>]*>(.*?)</script>", text, flags=re.S)
    assert library in scripts and len(scripts) == 4  # the js flag, the library, the chart's data and its code
    # Outside the embedded images (base64 can spell anything) and the scripts, no URL of any kind.
    words = re.sub(r"<script[^>]*>.*?</script>", "", text, flags=re.S)
    words = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", words).lower()
    assert "@import" not in words and "url(" not in words and "http" not in words and "//" not in words
    code = "".join(s for s in scripts if s != library)
    assert "http" not in code and "fetch(" not in code and "XMLHttpRequest" not in code  # no network at view time
