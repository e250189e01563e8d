"""The format-neutral report: sections of blocks that every renderer understands.

A report is built once by :func:`advisor.report.build.build_report` and then
rendered to HTML, PDF, Markdown, JSON or CSV (Orange's ``report_items`` idea):
the builder decides *what* is said, a renderer only decides *how it looks*.
Blocks are frozen dataclasses holding plain values, so a report can be handed
between threads and compared in tests.

Table cells keep their raw values (numbers stay numbers) together with a
per-column display format: documents show the formatted text, the CSV and
JSON renderers keep the numbers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Union

from advisor.units import amount_text, signed_amount_text, with_minus

SECTION_KEYS: tuple[str, ...] = (
    "verdict", "inputs", "capacity", "plots", "recommendations", "frontier", "compromise", "comparison", "method",
    "protocol",
)
"""Every section a report can have, in document order."""

SECTION_TITLES = {
    "verdict": "Verdict",
    "inputs": "Inputs",
    "capacity": "Capacity per context and question",
    "plots": "Plots",
    "recommendations": "Recommendations: where to spend information",
    "frontier": "Optimiser: the cheapest designs that reach the target",
    "compromise": "Compromise at a fixed budget: raters per item or items",
    "comparison": "Comparison of the scenarios",
    "method": "Method: assumptions, formulas and references",
    "protocol": "Reproducibility protocol",
}

FORMATS: tuple[str, ...] = ("html", "pdf", "md", "json", "csv")
"""The formats a report is rendered to."""


Cell = Union[str, int, float, bool, None]
"""A table cell: text, a number, a yes/no flag, or empty."""

ParagraphStyle = Literal["normal", "verdict", "note", "warning"]


@dataclass(frozen=True)
class Paragraph:
    """Running text.

    Attributes
    ----------
    text
        Plain text; renderers escape it for their format. Blank lines are not
        interpreted: one block is one paragraph.
    style
        ``"verdict"`` (the headline finding, emphasised), ``"note"``
        (secondary, smaller), ``"warning"`` (a caveat the reader must see) or
        ``"normal"``.
    """

    text: str
    style: ParagraphStyle = "normal"


@dataclass(frozen=True)
class KeyValue:
    """One labelled value, e.g. ``KeyValue("capacity per item", "2.31", "bits")``."""

    label: str
    value: str
    unit: str = ""


@dataclass(frozen=True)
class KeyValues:
    """A short list of labelled values (a definition list).

    Attributes
    ----------
    rows
        The label/value/unit rows, in reading order.
    title
        Optional heading shown above the rows.
    """

    rows: tuple[KeyValue, ...]
    title: str = ""


@dataclass(frozen=True)
class Table:
    """A table of raw cell values with display formats.

    Attributes
    ----------
    headers
        Column headings (units in parentheses, e.g. ``"floor (risk)"``).
    rows
        Cell values; every row has ``len(headers)`` cells.
    caption
        Shown under the table; says what the rows are and the units.
    formats
        A ``format()`` spec per column for numeric cells (``".3f"``,
        ``",.0f"``), or :data:`MONEY_FORMAT` / :data:`SIGNED_MONEY_FORMAT` for
        money; an empty spec shows numbers with ``:g``. Missing entries count
        as empty. See :func:`format_cell`.
    key
        A stable identifier for machine-readable output (``"comparison"``).
    """

    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    caption: str = ""
    formats: tuple[str, ...] = ()
    key: str = ""

    def __post_init__(self) -> None:
        width = len(self.headers)
        for index, row in enumerate(self.rows):
            if len(row) != width:
                raise ValueError(f"table row {index} has {len(row)} cells, the table has {width} columns")

    def numeric_columns(self) -> tuple[bool, ...]:
        """True for a column whose non-empty cells are all numbers (right-aligned)."""
        result = []
        for column in range(len(self.headers)):
            values = [row[column] for row in self.rows if row[column] is not None and row[column] != ""]
            result.append(bool(values) and all(is_number(v) for v in values))
        return tuple(result)

    def display(self, row: int, column: int) -> str:
        """The text shown for one cell."""
        spec = self.formats[column] if column < len(self.formats) else ""
        return format_cell(self.rows[row][column], spec)

    def display_rows(self) -> list[list[str]]:
        """Every cell as shown text."""
        return [[self.display(r, c) for c in range(len(self.headers))] for r in range(len(self.rows))]


@dataclass(frozen=True)
class Figure:
    """A rendered plot.

    Attributes
    ----------
    title
        Short heading.
    png
        The image, PNG bytes (rendered off-screen by :mod:`advisor.report.figures`).
    caption
        What the plot shows and how to read it.
    alt_text
        A description for readers who cannot see the image (HTML ``alt``,
        Markdown, JSON).
    width_px, height_px
        Pixel size of the PNG, so renderers can keep its aspect ratio.
    """

    title: str
    png: bytes = field(repr=False)
    caption: str
    alt_text: str
    width_px: int
    height_px: int


@dataclass(frozen=True)
class Formula:
    """A formula in plain Unicode text, with what it means and where it comes from."""

    text: str
    explanation: str = ""
    reference: str = ""


Block = Union[Paragraph, KeyValues, Table, Figure, Formula]


@dataclass(frozen=True)
class Section:
    """A titled run of blocks.

    Attributes
    ----------
    key
        Which kind of section this is (one of
        :data:`advisor.report.model.SECTION_KEYS`, or ``"scenario"`` for the
        heading that opens one scenario's part of a multi-scenario report).
    title
        The heading.
    blocks
        The content, in reading order.
    level
        1 for a top-level heading, 2 for a section inside one scenario's part.
    anchor
        A unique, URL-safe identifier for links and PDF bookmarks.
    """

    key: str
    title: str
    blocks: tuple[Block, ...]
    level: int = 1
    anchor: str = ""


@dataclass(frozen=True)
class Report:
    """A complete report, ready for any renderer.

    Attributes
    ----------
    title
        The document title.
    created
        ISO 8601 time (UTC) at which the report was built.
    sections
        The document, in reading order.
    comparison
        One row per scenario with the key numbers: what the CSV renderer writes.
    data
        The machine-readable payload (evaluations, recommendations, frontier,
        protocol) that the JSON renderer writes; plain JSON values only.
    """

    title: str
    created: str
    sections: tuple[Section, ...]
    comparison: Table
    data: Mapping[str, Any] = field(default_factory=dict, repr=False)

    def figures(self) -> list[Figure]:
        """Every figure, in document order."""
        return [block for section in self.sections for block in section.blocks if isinstance(block, Figure)]


def is_number(value: Any) -> bool:
    """True for an int or float that is not a bool."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


MONEY_FORMAT = "money"
"""A column's format for an amount of money without its currency (the header names it), written as
the window writes it (:func:`advisor.units.amount_text`: whole units from 100 on)."""
SIGNED_MONEY_FORMAT = "+money"
"""A change of money, signed (:func:`advisor.units.signed_amount_text`)."""


def format_cell(value: Cell, spec: str = "") -> str:
    """Show a cell value as text: ``""`` for empty, yes/no for flags, numbers by ``spec`` (a
    ``format()`` spec, :data:`MONEY_FORMAT` or :data:`SIGNED_MONEY_FORMAT`). A number that rounds to
    zero has no sign (``0.000``, not ``−0.000`` or ``+0.000``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            return "∞" if value > 0 else ("−∞" if value < 0 else "n/a")
        if spec == MONEY_FORMAT:
            # amount_text writes a sum that rounds to zero unsigned already.
            return with_minus(amount_text(value))
        if spec == SIGNED_MONEY_FORMAT:
            return signed_amount_text(value)
        text = format(value, spec) if spec else (str(value) if isinstance(value, int) else format(value, "g"))
        zero = format(type(value)(0), spec) if spec else "0"
        if text[:1] in "+-" and text[1:] == zero.lstrip("+-"):
            text = text[1:]
        # A minus sign, not a hyphen, reads correctly in every typeface.
        return with_minus(text)
    return str(value)
