"""Recommendation reports: built once as a format-neutral structure, rendered to many formats.

Typical use::

    from advisor.report import build_report, write_report
    report = build_report([scenario])
    write_report(report, "pdf", "design.pdf", store=store)

or in one step, :func:`export_report`. See ``docs/reports.md`` for the
sections, the formats and the protocol of exports.
"""

from __future__ import annotations

from advisor.report.build import SECTION_KEYS, SECTION_TITLES, build_report
from advisor.report.export import FORMATS, ExportRecordInfo, export_report, render, write_report
from advisor.report.model import Figure, Formula, KeyValue, KeyValues, Paragraph, Report, Section, Table

__all__ = [
    "FORMATS",
    "SECTION_KEYS",
    "SECTION_TITLES",
    "ExportRecordInfo",
    "Figure",
    "Formula",
    "KeyValue",
    "KeyValues",
    "Paragraph",
    "Report",
    "Section",
    "Table",
    "build_report",
    "export_report",
    "render",
    "write_report",
]
