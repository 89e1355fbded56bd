"""The funder report's figures as an XLSX workbook (openpyxl), same figures as the PDF.

A figure (report.Number) is written as a number with its format, so that a funder can sum and chart
it; text (labels, masked counts "< 5", "—") is written as text, never as a formula."""

import io
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from grappe.core.tabular import xlsx_row


@dataclass(frozen=True)
class Number:
    """A figure as people read it (`text`, in French) and as a spreadsheet keeps it (`value`, a number,
    shown with `format`): pages and PDFs print the text, the XLSX writes the value."""

    value: int | Decimal
    text: str
    format: str

    def __str__(self) -> str:
        return self.text

    def __format__(self, spec: str) -> str:
        return format(self.text, spec)


XLSX_INTEGER = "#,##0"
XLSX_EUROS = '#,##0.00\\ "€"'
XLSX_SIGNED_EUROS = '+#,##0.00\\ "€";"−"#,##0.00\\ "€";#,##0.00\\ "€"'
XLSX_PERCENT = "0.0%"
XLSX_HOURS = '#,##0.0#\\ "h"'


def _row(sheet, values) -> None:
    """A row: each Number as its value with its number format, the rest as text (core.tabular)."""
    xlsx_row(sheet, [value.value if isinstance(value, Number) else value for value in values])
    for cell, value in zip(sheet[sheet.max_row], values, strict=False):
        if isinstance(value, Number):
            cell.number_format = value.format
            cell.alignment = Alignment(horizontal="right")


def _sheet(workbook, title, header, rows, note=""):
    sheet = workbook.create_sheet(title[:31])
    xlsx_row(sheet, header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        _row(sheet, list(row))
    if note:  # how the figures are counted, below a blank row
        xlsx_row(sheet, [])
        xlsx_row(sheet, [note])
    for index, _ in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = 28 if index == 1 else (60 if index == 3 else 16)
    return sheet


def workbook_bytes(tables) -> bytes:
    """tables: [(sheet title, header, rows[, note])], the first one being the summary."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, header, rows, *note in tables:
        _sheet(workbook, title, header, rows, *note)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
