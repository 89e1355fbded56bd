"""The funder report's figures as an XLSX workbook (openpyxl), same figures as the PDF."""

import io

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from grappe.core.tabular import xlsx_row


def _sheet(workbook, title, header, rows, note=""):
    sheet = workbook.create_sheet(title[:31])
    xlsx_row(sheet, header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        xlsx_row(sheet, list(row))
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
