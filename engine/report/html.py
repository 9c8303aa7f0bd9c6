"""Report stage: self-contained HTML pieces (inline CSS, images as data URIs, no scripts or outside links)."""

from __future__ import annotations

import base64
import html
from collections.abc import Iterable

CSS = """
body { font-family: Georgia, 'Times New Roman', serif; color: #1d1d1d; max-width: 1100px; margin: 2em auto;
       padding: 0 1.2em; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { border-bottom: 2px solid #1f5fa8; padding-bottom: 0.15em;
     margin-top: 2em; } h3 { margin-bottom: 0.3em; }
.question { font-size: 1.15em; font-style: italic; color: #444; }
.verdict { font-size: 1.15em; background: #eef3fa; border-left: 5px solid #1f5fa8; padding: 0.8em 1em; }
.muted { color: #666; font-size: 0.9em; }
table { border-collapse: collapse; margin: 0.6em 0 1.2em; font-size: 0.88em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: right; }
th:first-child, td:first-child { text-align: left; }
thead th { background: #f2f2f2; }
img { max-width: 100%; height: auto; display: block; margin: 0.6em 0; }
figure { margin: 0.8em 0; } figcaption { font-size: 0.85em; color: #555; }
code { font-family: 'Courier New', monospace; font-size: 0.92em; }
section { page-break-inside: auto; }
@media print {
  body { max-width: none; margin: 0; font-size: 10pt; }
  h2 { page-break-before: always; } h2.first { page-break-before: avoid; }
  figure, table { page-break-inside: avoid; }
  .verdict { background: none; }
}
"""


def esc(value) -> str:
    return html.escape(str(value), quote=True)


def png_data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def figure(png: bytes, alt: str, caption: str = "") -> str:
    cap = f"<figcaption>{esc(caption)}</figcaption>" if caption else ""
    return f'<figure><img src="{png_data_uri(png)}" alt="{esc(alt)}">{cap}</figure>'


def table(header: Iterable, rows: Iterable[Iterable], caption: str = "") -> str:
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in rows)
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def frame_table(frame, caption: str = "", index_label: str = "") -> str:
    """A pandas DataFrame as an HTML table, every cell formatted by `fmt_cell`."""
    header = [index_label or (frame.index.name or "")] + [str(c) for c in frame.columns]
    rows = [[fmt_cell(i)] + [fmt_cell(v) for v in row] for i, row in zip(frame.index, frame.to_numpy(), strict=True)]
    return table(header, rows, caption)


def fmt_cell(value) -> str:
    import math

    import pandas as pd

    if value is None or (not isinstance(value, str) and pd.api.types.is_scalar(value) and pd.isna(value)):
        return "-"
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if math.isnan(value):
            return "-"
        return f"{value:,.4f}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


def page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{esc(title)}</title><style>{CSS}</style></head>\n<body>\n{body}\n</body></html>\n"
    )


def heat_table(frame, caption: str = "") -> str:
    """A table of returns, each cell shaded green (gain) or red (loss) by size; values shown in %."""
    import math

    def cell(v) -> str:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return "<td>-</td>"
        strength = min(abs(v) / 0.10, 1.0)  # full colour at a 10% month
        rgb = (255, round(255 - 140 * strength), round(255 - 140 * strength)) if v < 0 else \
            (round(255 - 140 * strength), 255, round(255 - 140 * strength))
        return f'<td style="background:rgb{rgb}">{v * 100:.1f}</td>'

    head = "".join(f"<th>{esc(c)}</th>" for c in [frame.index.name or "", *frame.columns])
    body = "".join(
        f"<tr><td>{esc(i)}</td>" + "".join(cell(float(v)) for v in row) + "</tr>"
        for i, row in zip(frame.index, frame.to_numpy(), strict=True)
    )
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
