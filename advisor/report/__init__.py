"""Recommendation reports: built once as a format-neutral structure, rendered to many formats.

Typical use::

    from advisor.report import build_report, write_report
    report = build_report([scenario])
    write_report(report, "pdf", "design.pdf", store=store)

or in one step, :func:`export_report`. See ``docs/reports.md`` for the
sections, the formats and the protocol of exports. The names below are loaded on first use
(PEP 562): the command line imports this package for every command, and building reports loads
matplotlib and reportlab, which only reports need.
"""

from __future__ import annotations

from advisor.lazy_exports import lazy_exports

_HOMES = {
    "SECTION_KEYS": "model", "SECTION_TITLES": "model", "FORMATS": "model",
    "build_report": "build",
    "ExportRecordInfo": "export", "export_report": "export", "render": "export", "write_report": "export",
    "Figure": "model", "Formula": "model", "KeyValue": "model", "KeyValues": "model", "Paragraph": "model",
    "Report": "model", "Section": "model", "Table": "model",
}
"""Each public name and the module of this package that holds it."""

__all__ = sorted(_HOMES)


__getattr__, __dir__ = lazy_exports(__name__, _HOMES)
