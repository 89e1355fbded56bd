"""Cells for files that people open in a spreadsheet (CSV and XLSX exports). Django-free.

A text cell that starts with "=", "+", "-", "@", a tab or a carriage return is run as a formula by
spreadsheets (CSV injection): `safe_cell` quotes it with a leading apostrophe, which spreadsheets
show as text. Numbers, dates and amounts are never altered: pass them as Decimal, int or date, or,
once formatted for French readers ("-12,50"), wrapped in `Verbatim`. The FEC (a legal text format
read by accounting software, not a spreadsheet) takes no apostrophe: `fec_cell` removes tabs and
line breaks, which would break its columns and rows.

Files in: `decode_text` reads the bytes of an uploaded CSV (UTF-8, else Windows-1252 as spreadsheets
on Windows save it) and `csv_reader` reads its rows, with the delimiter its first line uses.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

from .money import french_number

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class Verbatim(str):
    """A cell written exactly as given: a number or a date already formatted by the caller."""

    __slots__ = ()


# A number already formatted for people ("-12,50", "-2,25 €", "+3 %"): shown as is, it runs nothing.
# It has decimals or a unit, so that a phone number or a code ("+33612345678") is still quoted as text.
_FORMATTED_NUMBER = re.compile(
    r"[-+][0-9][0-9 \u00a0\u202f]*(?:[.,][0-9]+(?:[ \u00a0\u202f]?[€%])?|[ \u00a0\u202f]?[€%])")


def looks_like_formula(text: str, starts=FORMULA_STARTS) -> bool:
    return text.lstrip(" ").startswith(starts)


def safe_cell(value):
    """`value` as a spreadsheet will show it and never run it."""
    if (isinstance(value, str) and not isinstance(value, Verbatim) and looks_like_formula(value)
            and not _FORMATTED_NUMBER.fullmatch(value)):
        return "'" + value
    return value


def french_amount(value: Decimal) -> Verbatim:
    """-12.5 -> "-12,50", never quoted."""
    return Verbatim(french_number(value, 2))


class SafeWriter:
    """csv.writer whose text cells go through `safe_cell`."""

    def __init__(self, out, **options):
        self._writer = csv.writer(out, **options)

    def writerow(self, row):
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(out, **options) -> SafeWriter:
    """The only CSV writer of exports: `tabular.writer(out, delimiter=";")`."""
    return SafeWriter(out, **options)


_BREAKS = "\t\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


def fec_cell(value):
    """A FEC field: tabs and line breaks become spaces; nothing else changes (no apostrophe)."""
    if isinstance(value, str) and any(char in value for char in _BREAKS):
        return " ".join(value.split())
    return value


def xlsx_row(sheet, values) -> None:
    """Append `values` to an openpyxl sheet: text is quoted like a CSV cell and stored as text."""
    sheet.append([safe_cell(value) for value in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"  # never a formula, whatever the text


# --- Reading -----------------------------------------------------------------------------------

CSV_DELIMITERS = (";", ",", "\t")


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding) of an uploaded file: UTF-8 (a byte-order mark is dropped), else Windows-1252
    ("cp1252"). UnicodeDecodeError when neither reads it."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252"), "cp1252"


def csv_delimiter(text: str) -> str:
    """Whichever of ";", "," and tab the first non-blank line of `text` holds most (";" on a tie or
    when it holds none: French spreadsheets write ";", since "," is their decimal comma)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {delimiter: first.count(delimiter) for delimiter in CSV_DELIMITERS}
    return max(counts, key=lambda delimiter: counts[delimiter])


def csv_reader(text: str):
    """A csv.reader over the rows of `text` (a leading byte-order mark dropped), with its delimiter."""
    text = text.removeprefix("\ufeff")
    return csv.reader(io.StringIO(text), delimiter=csv_delimiter(text))
