"""Render a report as JSON: complete and machine-readable.

The document carries the same numbers the app computes, not their rounded
display: for each scenario the scenario itself and ``evaluate(scenario)
.to_dict(unit="bits")`` (every ``_nats`` key with a ``_bits`` twin), the
diagnosis, the ranked recommendations, the optimiser's result, the
comparison table and the reproducibility protocol (:attr:`Report.data`). The
document's sections follow, as text and tables, with each figure described by
its title, caption, alt text and the SHA-256 of its PNG (the images themselves
are in the HTML, PDF and Markdown exports).

Only finite numbers are written (``allow_nan=False``): JSON has no NaN.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from advisor.report.model import Figure, Formula, KeyValues, Paragraph, Report, Table

FORMAT_NAME = "annotation-advisor-report"
FORMAT_VERSION = 1


def _block(block: object) -> dict[str, Any]:
    if isinstance(block, Paragraph):
        return {"type": "paragraph", "style": block.style, "text": block.text}
    if isinstance(block, KeyValues):
        return {"type": "key_values", "title": block.title,
                "rows": [{"label": r.label, "value": r.value, "unit": r.unit} for r in block.rows]}
    if isinstance(block, Table):
        return {"type": "table", "key": block.key, "caption": block.caption, "headers": list(block.headers),
                "rows": [list(row) for row in block.rows]}
    if isinstance(block, Figure):
        return {"type": "figure", "title": block.title, "caption": block.caption, "alt_text": block.alt_text,
                "png_sha256": hashlib.sha256(block.png).hexdigest(), "width_px": block.width_px,
                "height_px": block.height_px}
    if isinstance(block, Formula):
        return {"type": "formula", "text": block.text, "explanation": block.explanation, "reference": block.reference}
    raise TypeError(f"unknown report block {type(block).__name__}")


def report_document(report: Report) -> dict[str, Any]:
    """The JSON document as plain Python data."""
    document: dict[str, Any] = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "title": report.title,
        "created": report.created,
    }
    document.update(report.data)
    document["comparison"] = {
        "headers": list(report.comparison.headers),
        "rows": [list(row) for row in report.comparison.rows],
    }
    document["sections"] = [
        {"key": s.key, "title": s.title, "level": s.level, "anchor": s.anchor, "blocks": [_block(b) for b in s.blocks]}
        for s in report.sections
    ]
    return document


def render_json(report: Report) -> str:
    """The report as pretty-printed UTF-8 JSON text (finite numbers only)."""
    return json.dumps(report_document(report), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
