"""Render a report as one self-contained HTML page.

The page has no external resources: the style sheet is inline and every
figure is a base64 ``data:`` URI, so the file can be mailed, archived or
opened offline. Jinja2's autoescaping is always on, so scenario names, notes
and any other user text can never inject markup or scripts. A print style
sheet lays the page out on A4 with tables and figures kept whole.
"""

from __future__ import annotations

import base64
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from advisor.report.model import Figure, Formula, KeyValues, Paragraph, Report, Table

TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAME = "report.html.j2"


def _block_kind(block: object) -> str:
    for kind, cls in (("paragraph", Paragraph), ("keyvalues", KeyValues), ("table", Table), ("figure", Figure),
                      ("formula", Formula)):
        if isinstance(block, cls):
            return kind
    raise TypeError(f"a report block must be a Paragraph, KeyValues, Table, Figure or Formula, got {type(block).__name__}")


def _png_base64(figure: Figure) -> str:
    return base64.b64encode(figure.png).decode("ascii")


def _environment() -> Environment:
    # autoescape=True for every template, whatever its file name: the report
    # holds user text and must never carry live markup.
    environment = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
        keep_trailing_newline=True,
    )
    environment.globals.update(block_kind=_block_kind, png_base64=_png_base64)
    return environment


def _table_of_contents(report: Report) -> list[dict]:
    entries: list[dict] = []
    for section in report.sections:
        entry = {"title": section.title, "anchor": section.anchor, "children": []}
        if section.level > 1 and entries:
            entries[-1]["children"].append(entry)
        else:
            entries.append(entry)
    return entries


def render_html(report: Report, *, app_version: str = "") -> str:
    """The report as an HTML document (UTF-8 text).

    Parameters
    ----------
    report
        A built report.
    app_version
        Shown in the header and footer; defaults to the installed version.

    Returns
    -------
    str
        A complete HTML5 document.
    """
    if not app_version:
        from advisor.report.build import application_version

        app_version = application_version()
    template = _environment().get_template(TEMPLATE_NAME)
    return template.render(report=report, toc=_table_of_contents(report), app_version=app_version)
