"""Cells of exported files: text never runs as a formula, numbers are never altered."""

import datetime
import io
import re
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grappe.core import tabular


@pytest.mark.parametrize("text", ["=1+1", "+33 6 12 x", "-x", "@SUM(A1)", "\tcmd", "\rcmd", "  =HYPERLINK(1)",
                                  "-1+cmd|' /C calc'!A0", "-2,25 €+A1", "+1e3"])
def test_text_that_a_spreadsheet_would_run_is_quoted(text):
    assert tabular.safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", [D("-12.50"), -3, datetime.date(2026, 1, 2), tabular.french_amount(D("-12.5")),
                                   "Lentilles", "", None, 12.5, "-12,50", "-2,25\u00a0€", "-1\u202f234,50 €",
                                   "+3 %"])
def test_numbers_dates_amounts_and_plain_text_are_untouched(value):
    assert tabular.safe_cell(value) == value


@pytest.mark.parametrize("text", ["+33612345678", "-3"])
def test_a_number_without_decimals_nor_unit_is_quoted_text(text):
    assert tabular.safe_cell(text) == "'" + text


def test_the_writer_quotes_text_and_keeps_amounts():
    out = io.StringIO()
    tabular.writer(out, delimiter=";").writerow(["=cmd", tabular.french_amount(D("-12.5")), D("-1.000"), "-A"])
    assert out.getvalue() == "'=cmd;-12,50;-1;'-A\r\n"  # a Decimal gets a decimal comma, never a point


@given(st.text())
def test_no_written_text_cell_starts_like_a_formula(text):
    cell = tabular.safe_cell(text)
    formatted_number = re.fullmatch(r"[-+][0-9 \u00a0\u202f]+([.,][0-9]+)?[ \u00a0\u202f]?[€%]?", text) and (
        any(char in text for char in ",.€%"))
    assert not cell.lstrip(" ").startswith(tabular.FORMULA_STARTS) or cell.startswith("'") or formatted_number
    assert cell.removeprefix("'") == text or cell == text


@given(st.text())
def test_fec_cells_keep_no_tab_nor_line_break_and_get_no_apostrophe(text):
    cell = tabular.fec_cell(text)
    assert not any(char in cell for char in "\t\r\n\x0b\x0c\x85\u2028\u2029")
    if not any(char in text for char in "\t\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"):
        assert cell == text


def test_xlsx_cells_are_text_never_formulas():
    from openpyxl import Workbook, load_workbook

    workbook = Workbook()
    tabular.xlsx_row(workbook.active, ["=1+1", D("2.5"), "ok"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).active
    assert [cell.value for cell in sheet[1]] == ["'=1+1", 2.5, "ok"]
    assert sheet["A1"].data_type == "s"


def test_the_excel_writer_starts_with_the_mark_and_writes_french_numbers_and_dates():
    import datetime

    out = io.StringIO()
    tabular.excel_writer(out).writerow([D("12.50"), D("25.000"), D("0.125"), 1.5, 3, datetime.date(2026, 12, 5),
                                        datetime.datetime(2026, 12, 5, 10, 12, tzinfo=datetime.UTC), "Lentilles"])
    assert out.getvalue() == "\ufeff12,50;25;0,125;1,5;3;05/12/2026;05/12/2026 10:12;Lentilles\r\n"


def test_totals_by_unit_never_add_kilograms_to_litres():
    totals = tabular.totals_by_unit([("kg", D("25")), ("l", D("10")), ("kg", D("0.5"))])
    assert totals == {"kg": D("25.5"), "l": D("10")}
