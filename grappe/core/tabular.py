"""Cells for files that people open in a spreadsheet (CSV and XLSX exports). Django-free.

A text cell that starts with "=", "+", "-", "@", a tab or a carriage return is run as a formula by
spreadsheets (CSV injection): `safe_cell` quotes it with a leading apostrophe, which spreadsheets
show as text. Numbers, dates and amounts are never altered: pass them as Decimal, int or date, or,
once formatted for French readers ("-12,50"), wrapped in `Verbatim`. The FEC (a legal text format
read by accounting software, not a spreadsheet) takes no apostrophe: `fec_cell` removes tabs and
line breaks, which would break its columns and rows.

Files out: `excel_writer` is the one way to start a CSV that people open: a UTF-8 byte-order mark (so
that Excel reads the accents), ";" between cells, and numbers and dates written as French spreadsheets
read them ("12,50", "05/12/2026"): a Decimal with a decimal point would be read as text, or as a date.

Files in: `decode_text` reads the bytes of an uploaded CSV (UTF-8, else Windows-1252 as spreadsheets
on Windows save it) and `csv_reader` reads its rows, with the delimiter its first line uses.
"""

from __future__ import annotations

import csv
import datetime
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


BOM = "\ufeff"


def french_cell(value):
    """A number or a date as French spreadsheets read it; anything else unchanged.

    Decimal and float get a decimal comma: money (two decimals) keeps both ("12,50"), other numbers
    lose their trailing zeros ("25,000" kg -> "25", which a French reader would not take for 25 000).
    Dates are dd/mm/yyyy, times of day hh:mm. Booleans and ints are left to csv (no decimal point)."""
    if isinstance(value, bool) or isinstance(value, int) or isinstance(value, Verbatim):
        return value
    if isinstance(value, float):
        value = Decimal(repr(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            return ""
        places = 2 if value.as_tuple().exponent == -2 else None
        return Verbatim(french_number(value, places))
    if isinstance(value, datetime.datetime):
        return Verbatim(f"{value:%d/%m/%Y %H:%M}")
    if isinstance(value, datetime.date):
        return Verbatim(f"{value:%d/%m/%Y}")
    return value


class SafeWriter:
    """csv.writer whose numbers and dates are French (`french_cell`) and text cells safe (`safe_cell`)."""

    def __init__(self, out, **options):
        self._writer = csv.writer(out, **options)

    def writerow(self, row):
        return self._writer.writerow([safe_cell(french_cell(value)) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(out, **options) -> SafeWriter:
    """A CSV writer of exports, ";" unless told otherwise; files for people start with `excel_writer`."""
    options.setdefault("delimiter", ";")
    return SafeWriter(out, **options)


def excel_writer(out) -> SafeWriter:
    """Start a CSV that people open in a French spreadsheet: the byte-order mark, then ";" rows."""
    out.write(BOM)
    return writer(out, delimiter=";", lineterminator="\r\n")


def totals_by_unit(quantities) -> dict[str, Decimal]:
    """(unit, quantity) pairs added up per unit, in the order units first appear: kilograms are never
    added to litres or pieces."""
    totals: dict[str, Decimal] = {}
    for unit, quantity in quantities:
        totals[unit] = totals.get(unit, Decimal(0)) + Decimal(quantity)
    return totals


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
