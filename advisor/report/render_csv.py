"""Render a report's comparison table as CSV, safe to open in a spreadsheet.

One header row, then one row per scenario (:attr:`Report.comparison`).

Formula injection (OWASP, "CSV Injection"): a spreadsheet runs a cell that
starts with ``=``, ``+``, ``-`` or ``@`` (and, in some programs, a tab or a
carriage return) as a formula, so a scenario named ``=HYPERLINK(...)`` could
act when the file is opened. Every *text* cell that starts with one of those
characters is prefixed with a single quote, which spreadsheets show as text.
*Numeric* cells are written as numbers, unprefixed: a plain ``-0.25`` is
data, not a formula, and quoting it would turn the number into text and break
sorting and sums. Numbers never reach the file as text, so the rule cannot be
bypassed through a numeric column.

Other choices: UTF-8 without a byte-order mark, RFC 4180 line ends
(``\\r\\n``), text cells always in double quotes (``csv.QUOTE_NONNUMERIC``),
numbers in full precision (``repr`` of a float), flags as ``yes``/``no``, empty
cells empty.
"""

from __future__ import annotations

import csv
import io

from advisor.report.model import Cell, Report, Table, is_number

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """Text that a spreadsheet will not run as a formula.

    Parameters
    ----------
    value
        A text cell.

    Returns
    -------
    str
        ``value`` with a leading ``'`` when it starts with ``=``, ``+``, ``-``,
        ``@``, a tab or a carriage return; otherwise unchanged.
    """
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


def _cell(value: Cell) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if is_number(value):
        return value  # type: ignore[return-value]
    return neutralise(str(value))


def render_table_csv(table: Table) -> str:
    """One table as CSV text (header row first)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")
    writer.writerow([neutralise(str(h)) for h in table.headers])
    for row in table.rows:
        writer.writerow([_cell(value) for value in row])
    return buffer.getvalue()


def render_csv(report: Report) -> str:
    """The report's comparison table (one row per scenario) as CSV text."""
    return render_table_csv(report.comparison)
