"""Render a report as a paginated A4 PDF with reportlab's platypus.

Layout decisions, each for the reader:

* Text is set in DejaVu Sans, taken from matplotlib's bundled fonts (always
  installed with the app), because the standard PDF fonts cannot show the
  Greek letters, subscripts and operators the formulas use (Δ, ε, ρ, ≤, √, ⁻¹).
* Every table cell is a wrapped paragraph and column widths are computed from
  the content so that a table always fits the frame: columns get the width
  their text needs, and when the page is too narrow the extra space is shared
  in proportion to what each column is missing, never below its longest word
  (words longer than a column, such as hashes, are split). Header rows repeat
  on every page a table spans; numeric columns are right-aligned.
* Figures are scaled to the frame width, kept on one page with their caption.
* Every page carries the title and "page N of M" (a two-pass canvas counts the
  pages); headings become PDF bookmarks so a reader can jump between sections.
* Streams are stored compressed and binary, not also ASCII85-encoded (reportlab's
  default, for 7-bit channels no PDF travels through now): files are a sixth
  smaller and written a quarter faster. reportlab's C accelerators
  (``rl_accel``) do its text measuring and number formatting.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as pdf_canvas
from reportlab.platypus.doctemplate import LayoutError
from reportlab.platypus import (
    ActionFlowable,
    Flowable,
    Image,
    KeepTogether,
    PageBreak,
    Paragraph as PdfParagraph,
    SimpleDocTemplate,
    Spacer,
    Table as PdfTable,
    TableStyle,
)

from advisor.report.model import Figure, Formula, KeyValues, Paragraph, Report, Table

# reportlab reads this setting when it writes each stream; the app's PDFs are its only use of reportlab.
rl_config.useA85 = 0

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_SIDE = 18 * mm
MARGIN_TOP = 20 * mm
MARGIN_BOTTOM = 20 * mm
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN_SIDE
FRAME_HEIGHT = PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
CELL_PADDING = 3.0
MAX_CELL_CHARS = 1200
ACCENT = colors.HexColor("#0b5394")
MUTED = colors.HexColor("#555555")
RULE = colors.HexColor("#c8c8c8")
SHADE = colors.HexColor("#f1f3f5")
WARNING_SHADE = colors.HexColor("#fff3e0")

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_ITALIC = "DejaVuSans-Oblique"


@lru_cache(maxsize=1)
def register_fonts() -> None:
    """Register DejaVu Sans (regular, bold, oblique, bold oblique) with reportlab, once."""
    import matplotlib

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    files = {
        FONT: "DejaVuSans.ttf",
        FONT_BOLD: "DejaVuSans-Bold.ttf",
        FONT_ITALIC: "DejaVuSans-Oblique.ttf",
        "DejaVuSans-BoldOblique": "DejaVuSans-BoldOblique.ttf",
    }
    for name, file_name in files.items():
        pdfmetrics.registerFont(TTFont(name, str(folder / file_name)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC,
                                  boldItalic="DejaVuSans-BoldOblique")


@lru_cache(maxsize=1)
def _styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=13, spaceAfter=5, alignment=TA_LEFT)
    return {
        "title": ParagraphStyle("title", parent=body, fontName=FONT_BOLD, fontSize=17, leading=21, textColor=ACCENT,
                                spaceAfter=2),
        "subtitle": ParagraphStyle("subtitle", parent=body, textColor=MUTED, spaceAfter=10),
        "h1": ParagraphStyle("h1", parent=body, fontName=FONT_BOLD, fontSize=13.5, leading=17, textColor=ACCENT,
                             spaceBefore=12, spaceAfter=6, keepWithNext=1),
        "h2": ParagraphStyle("h2", parent=body, fontName=FONT_BOLD, fontSize=11.5, leading=15, spaceBefore=10,
                             spaceAfter=4, keepWithNext=1),
        "normal": body,
        "verdict": ParagraphStyle("verdict", parent=body, fontName=FONT_BOLD, fontSize=10.5, leading=14.5,
                                  backColor=SHADE, borderColor=ACCENT, borderWidth=0, borderPadding=(5, 6, 5, 6),
                                  spaceBefore=4, spaceAfter=10),
        "note": ParagraphStyle("note", parent=body, fontSize=8.5, leading=11.5, textColor=MUTED),
        "warning": ParagraphStyle("warning", parent=body, backColor=WARNING_SHADE, borderPadding=(4, 6, 4, 6),
                                  spaceBefore=3, spaceAfter=8),
        "caption": ParagraphStyle("caption", parent=body, fontSize=8.5, leading=11.5, textColor=MUTED, spaceBefore=3,
                                  spaceAfter=9),
        "kv_title": ParagraphStyle("kv_title", parent=body, fontName=FONT_BOLD, spaceBefore=6, spaceAfter=3,
                                   keepWithNext=1),
        "formula": ParagraphStyle("formula", parent=body, fontName=FONT, fontSize=9.5, leading=13,
                                  backColor=SHADE, borderPadding=(3, 5, 3, 5), spaceBefore=6, spaceAfter=5),
        "formula_text": ParagraphStyle("formula_text", parent=body, fontSize=9, leading=12, leftIndent=6,
                                       spaceAfter=2),
        "formula_ref": ParagraphStyle("formula_ref", parent=body, fontSize=8, leading=10.5, textColor=MUTED,
                                      leftIndent=6, spaceAfter=6),
    }


def _cell_style(size: float, *, bold: bool = False, right: bool = False) -> ParagraphStyle:
    return ParagraphStyle(
        f"cell-{size}-{bold}-{right}", fontName=FONT_BOLD if bold else FONT, fontSize=size, leading=size * 1.22,
        alignment=TA_RIGHT if right else TA_LEFT, splitLongWords=1,
    )


def text(value: Any) -> str:
    """Text as reportlab paragraph markup: ``&``, ``<`` and ``>`` escaped.

    The combining macron (the bar of C̄) is drawn as a combining overline,
    which DejaVu Sans positions correctly in reportlab; the macron is lost.
    """
    return escape(str(value)).replace("\u0304", "\u0305")


def _fit_cell(value: str) -> str:
    """Cut a cell's text so that its row fits on one page.

    A table row cannot break across pages in reportlab; a cell taller than the
    frame would stop the whole document. Long free text (notes, provenance
    details) is cut and the reader pointed to the formats that keep it whole.
    """
    if len(value) <= MAX_CELL_CHARS:
        return value
    return value[:MAX_CELL_CHARS].rstrip() + f" … (cut at {MAX_CELL_CHARS} of {len(value):,} characters; " \
        "the HTML, Markdown and JSON exports hold the full text)"


def column_widths(columns: list[list[str]], font_names: list[str], size: float, available: float) -> list[float]:
    """Widths (points) for a table's columns that always add up to ``available``.

    Parameters
    ----------
    columns
        The text of each column, header first.
    font_names
        The font of each row (bold header, regular body), same length as a column.
    size
        Font size in points.
    available
        The frame width in points.

    Returns
    -------
    list of float
        Each column gets at least its longest word (capped at a third of the
        page: longer words are split) and the rest in proportion to how much
        its unwrapped text still needs.
    """
    padding = 2 * CELL_PADDING + 1
    natural, minimum = [], []
    for column in columns:
        widths = [pdfmetrics.stringWidth(cell, font, size) for cell, font in zip(column, font_names)]
        words = [pdfmetrics.stringWidth(word, font, size) for cell, font in zip(column, font_names)
                 for word in cell.split()] or [0.0]
        natural.append(max(widths, default=0.0) + padding)
        minimum.append(min(max(words) + padding, available / 3))
    if sum(natural) <= available:
        spare = available - sum(natural)
        return [w + spare * w / sum(natural) for w in natural]
    if sum(minimum) >= available:
        return [w * available / sum(minimum) for w in minimum]
    missing = [n - m for n, m in zip(natural, minimum)]
    spare = available - sum(minimum)
    return [m + spare * miss / sum(missing) for m, miss in zip(minimum, missing)]


MIN_ROWS_APART = 3
"""Fewest body rows a table leaves on either side of a page break: a table of fewer than twice as many
goes whole to the next page. One row and a repeated header overleaf read worse than a gap at the foot of
the page; a ten-row table kept whole left more than half a page empty before it."""


FULL_FRAME_SHARE = 0.95
"""Share of the frame's height above which the space offered is a page of its own (nothing before it)."""


class _RowKeepingTable(PdfTable):
    """A table split across pages only with :data:`MIN_ROWS_APART` body rows or more on each side
    (the header row is repeated overleaf)."""

    def split(self, available_width: float, available_height: float) -> list[Flowable]:  # noqa: D102
        parts = super().split(available_width, available_height)
        if len(parts) != 2 or available_height >= FULL_FRAME_SHARE * FRAME_HEIGHT:
            # On a page of its own, a table taller than the page splits wherever it must (refused,
            # it would be too large for any page and stop the export).
            return parts
        body = len(self._cellvalues) - 1
        before = len(parts[0]._cellvalues) - 1
        if before < MIN_ROWS_APART or body < 2 * MIN_ROWS_APART:
            return []
        if body - before < MIN_ROWS_APART:
            # Break earlier, leaving MIN_ROWS_APART rows for the next page: the height of the header
            # and the rows before them (row heights are known once the table has been split once).
            height = sum(self._rowHeights[:1 + body - MIN_ROWS_APART])
            parts = super().split(available_width, height + 0.5)
            if len(parts) != 2 or len(parts[0]._cellvalues) - 1 < MIN_ROWS_APART:
                return []
        return parts


def _pdf_table(table: Table) -> list[Flowable]:
    numeric = table.numeric_columns()
    shown = [[_fit_cell(cell) for cell in row] for row in table.display_rows()]
    size = 9.0 if len(table.headers) <= 5 else (8.0 if len(table.headers) <= 8 else 7.2)
    columns = [[table.headers[c], *(row[c] for row in shown)] for c in range(len(table.headers))]
    fonts = [FONT_BOLD] + [FONT] * len(shown)
    widths = column_widths(columns, fonts, size, FRAME_WIDTH)
    header_styles = [_cell_style(size, bold=True, right=n) for n in numeric]
    body_styles = [_cell_style(size, right=n) for n in numeric]
    data = [[PdfParagraph(text(h), header_styles[c]) for c, h in enumerate(table.headers)]]
    data.extend([PdfParagraph(text(cell), body_styles[c]) for c, cell in enumerate(row)] for row in shown)
    flowable = _RowKeepingTable(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    flowable.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
        ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]))
    closing = PdfParagraph(text(table.caption), _styles()["caption"]) if table.caption else Spacer(1, 6)
    return [flowable, closing]


def _key_values(block: KeyValues) -> list[Flowable]:
    styles = _styles()
    size = 9.0
    label_style, value_style = _cell_style(size), _cell_style(size)
    label_style.textColor = MUTED
    rows = [(_fit_cell(row.label), _fit_cell(f"{row.value} {row.unit}".strip())) for row in block.rows]
    widths = column_widths([[r[0] for r in rows], [r[1] for r in rows]], [FONT] * len(rows), size, FRAME_WIDTH)
    # Labels take what they need up to 45 % of the width; values the rest.
    label_width = min(widths[0], 0.45 * FRAME_WIDTH)
    flowable = PdfTable(
        [[PdfParagraph(text(label), label_style), PdfParagraph(text(value), value_style)] for label, value in rows],
        colWidths=[label_width, FRAME_WIDTH - label_width], hAlign="LEFT",
    )
    flowable.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    out: list[Flowable] = []
    if block.title:
        out.append(PdfParagraph(text(block.title), styles["kv_title"]))
    out.extend([flowable, Spacer(1, 6)])
    return out


FIGURE_SHRINK_LIMIT = 0.85
"""Least scale a figure may be drawn at to fit the space left on a page (its 9-point labels at 7.7 points);
a figure that needs more goes whole to the next page."""

FIGURE_GAP = 4.0
"""Space above a figure, in points."""

FLOAT_FROM_SHARE = 0.2
"""A figure that does not fit floats to the top of the next page, and what follows it in its section
fills the page, when more than this share of the page's frame would otherwise stay empty."""


class _FittingFigure(Flowable):
    """A figure and its caption, never split, drawn at full size where they fit and shrunk by at most
    :data:`FIGURE_SHRINK_LIMIT` where that makes them fit the space left on the page.

    Two risk plots with their captions take 0.3 % more than a page and the first plot after a
    section's opening paragraph a little more than what is left: at full size each went to the next
    page alone and left up to half a page empty before it."""

    def __init__(self, block: Figure):
        super().__init__()
        width = FRAME_WIDTH
        height = width * block.height_px / block.width_px
        # Never taller than most of a page (tall bar charts for many questions are scaled down whole
        # rather than split).
        limit = 0.78 * FRAME_HEIGHT
        if height > limit:
            width, height = width * limit / height, limit
        self.image_width, self.image_height = width, height
        self.png = block.png
        self.title = block.title
        self.caption = PdfParagraph(f"<b>{text(block.title)}.</b> {text(block.caption)}", _styles()["caption"])
        self.scale = 1.0
        self.floated = False

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:  # noqa: D102
        _, caption_height = self.caption.wrap(available_width, available_height)
        self.caption_height = caption_height
        room = available_height - FIGURE_GAP - caption_height
        self.scale = 1.0 if room >= self.image_height else max(FIGURE_SHRINK_LIMIT, room / self.image_height)
        self.width = available_width
        self.height = FIGURE_GAP + self.scale * self.image_height + caption_height
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:  # noqa: D102
        if not self.floated and available_height > FLOAT_FROM_SHARE * FRAME_HEIGHT:
            self.floated = True
            return [_Float(self)]
        return []

    def draw(self) -> None:  # noqa: D102
        width, height = self.scale * self.image_width, self.scale * self.image_height
        image = Image(io.BytesIO(self.png), width=width, height=height)
        image.drawOn(self.canv, (self.width - width) / 2.0, self.caption_height)
        self.caption.drawOn(self.canv, 0.0, 0.0)


class _Float(ActionFlowable):
    """Hands a figure that does not fit to :class:`_ReportDocument`, which places it at the top of the
    next page (or before the next heading, whichever comes first)."""

    def __init__(self, figure: _FittingFigure):
        super().__init__()
        self.figure = figure

    def apply(self, document: _ReportDocument) -> None:  # noqa: D102
        document.floating.append(self.figure)


def _figure(block: Figure) -> list[Flowable]:
    return [_FittingFigure(block)]


def _formula(block: Formula) -> list[Flowable]:
    styles = _styles()
    parts: list[Flowable] = [PdfParagraph(text(block.text), styles["formula"])]
    if block.explanation:
        parts.append(PdfParagraph(text(block.explanation), styles["formula_text"]))
    if block.reference:
        parts.append(PdfParagraph(text(block.reference), styles["formula_ref"]))
    return [KeepTogether(parts)]


class _Heading(PdfParagraph):
    """A heading paragraph that also becomes a PDF bookmark."""

    def __init__(self, title: str, style: ParagraphStyle, anchor: str, level: int):
        super().__init__(text(title), style)
        self.bookmark_title = title
        self.bookmark_key = anchor or f"h{id(self)}"
        self.bookmark_level = level


class _ReportDocument(SimpleDocTemplate):
    """The report's document: bookmarks for headings, and figures floated past the rest of their
    section to the top of the next page (:class:`_FittingFigure`)."""

    def build(self, flowables: list[Flowable], **options: Any) -> None:  # noqa: D102
        # reportlab takes flowables off the front of this very list; floated figures go back into it.
        self.story = flowables
        self.floating: list[_FittingFigure] = []
        self.space_left: list[float] = []
        """Height left empty at the foot of each page's frame, in points, page by page."""
        self.drawn: list[tuple[str, str, int]] = []
        """Headings and figures in the order they were drawn: ``(kind, title, page)``."""
        super().build(flowables, **options)
        if self.floating:
            raise LayoutError(f"{len(self.floating)} floating figure(s) were never placed")

    def handle_frameEnd(self, resume: int = 0) -> None:  # noqa: D102, N802 (reportlab's name)
        self.space_left.append(max(0.0, self.frame._y - self.frame._y1))
        super().handle_frameEnd(resume)

    def handle_pageBegin(self) -> None:  # noqa: D102, N802 (reportlab's name)
        super().handle_pageBegin()
        self._place_floating()

    def handle_flowable(self, flowables: list[Flowable]) -> None:  # noqa: D102
        if self.floating and _starts_a_section(flowables[0]):
            # A figure stays in its section: it goes before the next heading, on the next page.
            self._place_floating()
        elif self.floating and isinstance(flowables[0], _FittingFigure):
            # Figures keep their order: text may pass a floating figure, another figure queues behind it.
            self.floating.append(flowables.pop(0))
        else:
            super().handle_flowable(flowables)
        if self.floating and not flowables:
            # The story ends here: what still floats goes at its end (reportlab stops at an empty list).
            self._place_floating()

    def _place_floating(self) -> None:
        if self.floating:
            self.story[0:0] = self.floating
            self.floating = []

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 (reportlab's name)
        if isinstance(flowable, _FittingFigure):
            self.drawn.append(("figure", flowable.title, self.page))
        if isinstance(flowable, _Heading):
            self.drawn.append(("heading", flowable.bookmark_title, self.page))
            self.canv.bookmarkPage(flowable.bookmark_key)
            self.canv.addOutlineEntry(flowable.bookmark_title, flowable.bookmark_key, level=flowable.bookmark_level,
                                      closed=False)


def _starts_a_section(flowable: Flowable) -> bool:
    if isinstance(flowable, (PageBreak, _Heading)):
        return True
    content = getattr(flowable, "_content", None) if isinstance(flowable, KeepTogether) else None
    return bool(content) and isinstance(content[0], _Heading)


def _numbered_canvas(title: str, created: str) -> type:
    """A canvas class that draws the running header and "page N of M" footers.

    The total is known only at the end, so each page's state is kept and the
    pages are drawn in :meth:`save` (the usual reportlab two-pass pattern).
    """
    short_title = title if len(title) <= 90 else title[:89] + "…"

    class NumberedCanvas(pdf_canvas.Canvas):
        def __init__(self, *args: Any, **kwargs: Any):
            super().__init__(*args, **kwargs)
            self._page_states: list[dict] = []

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self._page_states.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._page_states)
            for state in self._page_states:
                self.__dict__.update(state)
                self._draw_frame_text(total)
                super().showPage()
            super().save()

        def _draw_frame_text(self, total: int) -> None:
            self.saveState()
            self.setFont(FONT, 7.5)
            self.setFillColor(MUTED)
            self.drawString(MARGIN_SIDE, PAGE_HEIGHT - 12 * mm, short_title)
            self.setStrokeColor(RULE)
            self.setLineWidth(0.4)
            self.line(MARGIN_SIDE, PAGE_HEIGHT - 13.5 * mm, PAGE_WIDTH - MARGIN_SIDE, PAGE_HEIGHT - 13.5 * mm)
            self.line(MARGIN_SIDE, 14.5 * mm, PAGE_WIDTH - MARGIN_SIDE, 14.5 * mm)
            self.drawString(MARGIN_SIDE, 10.5 * mm, f"Annotation Advisor · created {created}")
            self.drawRightString(PAGE_WIDTH - MARGIN_SIDE, 10.5 * mm, f"page {self._pageNumber} of {total}")
            self.restoreState()

    return NumberedCanvas


def _story(report: Report) -> list[Flowable]:
    styles = _styles()
    story: list[Flowable] = [
        PdfParagraph(text(report.title), styles["title"]),
        PdfParagraph(f"Created {text(report.created)}", styles["subtitle"]),
    ]
    for index, section in enumerate(report.sections):
        if section.key == "scenario" and index > 0:
            # Each scenario's part of a comparison starts on a fresh page.
            story.append(PageBreak())
        style = styles["h1"] if section.level == 1 else styles["h2"]
        heading = _Heading(section.title, style, section.anchor, section.level - 1)
        flowables: list[Flowable] = []
        for block in section.blocks:
            if isinstance(block, Paragraph):
                flowables.append(PdfParagraph(text(block.text), styles.get(block.style, styles["normal"])))
            elif isinstance(block, KeyValues):
                flowables.extend(_key_values(block))
            elif isinstance(block, Table):
                flowables.extend(_pdf_table(block))
            elif isinstance(block, Figure):
                flowables.extend(_figure(block))
            elif isinstance(block, Formula):
                flowables.extend(_formula(block))
            else:
                raise TypeError(f"unknown report block {type(block).__name__}")
        # The heading goes with what follows it: its style's keepWithNext does not reach a figure
        # or a table kept together itself, which would leave the heading alone at a page's foot.
        story.append(KeepTogether([heading, flowables.pop(0)]) if flowables else heading)
        story.extend(flowables)
    return story


def render_pdf(report: Report) -> bytes:
    """The report as PDF bytes (A4 portrait).

    Parameters
    ----------
    report
        A built report.

    Returns
    -------
    bytes
        A complete PDF document with bookmarks, title metadata and page numbers.
    """
    return _render(report)[0]


def _render(report: Report) -> tuple[bytes, _ReportDocument]:
    """The PDF's bytes and the document that laid them out."""
    buffer = io.BytesIO()
    document = _ReportDocument(
        buffer, pagesize=A4, leftMargin=MARGIN_SIDE, rightMargin=MARGIN_SIDE, topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM, title=report.title, author="Annotation Advisor",
        subject="Annotation design report", creator="Annotation Advisor",
    )
    document.build(_story(report), canvasmaker=_numbered_canvas(report.title, report.created))
    return buffer.getvalue(), document
