"""Render a report as Markdown (GitHub-flavoured tables).

Figures are not embedded: Markdown viewers differ in what they accept, and
``data:`` URIs are stripped by the common ones. Instead the caller supplies
where each figure's PNG will be written (relative to the Markdown file), and
:func:`advisor.report.export.export_report` writes them into a folder beside
it. Without links, figures appear as their caption and alt text only.

User text is escaped so that a scenario name can neither break a table nor
inject HTML, which many Markdown renderers pass through.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from advisor.report.model import Figure, Formula, KeyValues, Paragraph, Report, Table

# Characters that mean something anywhere in a line. "<" and ">" become
# entities instead, so no tag survives even in renderers that pass HTML through.
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]|~])")
# Markers that matter only at the start of a line and only before a space:
# a list ("- ", "+ ", "1. "), a heading ("# ") or a setext underline ("=").
_LINE_START = re.compile(r"^(?:([#+=-])|(\d+)([.)]))(?=\s|$)")


def escape_markdown(text: str) -> str:
    """Plain text safe inside a Markdown paragraph or table cell.

    ``&``, ``<`` and ``>`` become HTML entities (so no tag or entity of the
    text survives), Markdown punctuation is backslash-escaped, and line
    breaks become spaces so a cell stays on its table row.
    """
    text = " ".join(str(text).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MARKDOWN_SPECIALS.sub(r"\\\1", text)
    # Only punctuation can be backslash-escaped: "1. " becomes "1\. ", not "\1. ".
    return _LINE_START.sub(
        lambda match: "\\" + match.group(1) if match.group(1) else match.group(2) + "\\" + match.group(3), text
    )


def _code(text: str) -> str:
    # A code span cannot contain its own delimiter run; widen it when needed.
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    return f"{fence} {text} {fence}" if text.startswith("`") or text.endswith("`") else f"{fence}{text}{fence}"


def _table(table: Table) -> list[str]:
    numeric = table.numeric_columns()
    lines = [
        "| " + " | ".join(escape_markdown(h) for h in table.headers) + " |",
        "|" + "|".join("---:" if n else ":---" for n in numeric) + "|",
    ]
    lines.extend("| " + " | ".join(escape_markdown(cell) for cell in row) + " |" for row in table.display_rows())
    if table.caption:
        lines.extend(["", f"*{escape_markdown(table.caption)}*"])
    return lines


def _figure(figure: Figure, link: str | None) -> list[str]:
    lines = []
    if link:
        lines.append(f"![{escape_markdown(figure.alt_text)}]({link.replace(' ', '%20').replace(')', '%29')})")
        lines.append("")
    lines.append(f"**Figure: {escape_markdown(figure.title)}.** {escape_markdown(figure.caption)}")
    if not link:
        lines.extend(["", f"*Figure content:* {escape_markdown(figure.alt_text)}"])
    return lines


def render_markdown(report: Report, *, figure_links: Mapping[int, str] | None = None) -> str:
    """The report as Markdown text.

    Parameters
    ----------
    report
        A built report.
    figure_links
        Relative path or URL of the PNG of each figure, by its position in
        :meth:`Report.figures` (0-based). Figures without a link are described
        in words.

    Returns
    -------
    str
        Markdown ending with a newline.
    """
    links = dict(figure_links or {})
    out: list[str] = [f"# {escape_markdown(report.title)}", "", f"*Created {escape_markdown(report.created)}*", ""]
    figure_index = 0
    for section in report.sections:
        out.append(("## " if section.level == 1 else "### ") + escape_markdown(section.title))
        out.append("")
        for block in section.blocks:
            if isinstance(block, Paragraph):
                text = escape_markdown(block.text)
                if block.style == "verdict":
                    text = f"**{text}**"
                elif block.style == "warning":
                    text = f"> **Warning.** {text}"
                elif block.style == "note":
                    text = f"*{text}*"
                out.append(text)
            elif isinstance(block, KeyValues):
                if block.title:
                    out.extend([f"**{escape_markdown(block.title)}**", ""])
                out.extend(
                    f"- {escape_markdown(row.label)}: {escape_markdown(row.value)}"
                    + (f" {escape_markdown(row.unit)}" if row.unit else "")
                    for row in block.rows
                )
            elif isinstance(block, Table):
                out.extend(_table(block))
            elif isinstance(block, Figure):
                out.extend(_figure(block, links.get(figure_index)))
                figure_index += 1
            elif isinstance(block, Formula):
                out.append(_code(block.text))
                if block.explanation:
                    out.extend(["", escape_markdown(block.explanation)])
                if block.reference:
                    out.extend(["", f"*{escape_markdown(block.reference)}*"])
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"
