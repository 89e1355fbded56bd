"""Reading uploaded CSV files: one decoder and one reader for every import."""

import pytest

from grappe.core import tabular


@pytest.mark.parametrize(("text", "delimiter"), [
    ("reference;nom;prix\nA1;Riz;2,50\n", ";"),
    ("insee,name,poverty_rate\n26001,Albon,\"12,5\"\n", ","),
    ("insee\tname\n26001\tAlbon\n", "\t"),
    ("\n\ncode;prix, HT\n", ";"),  # the first non-blank line decides; the most frequent one wins
    ("code\n26001,5\n", ";"),  # one column: the French default
])
def test_the_delimiter_is_the_one_the_first_line_uses_most(text, delimiter):
    assert tabular.csv_delimiter(text) == delimiter


def test_rows_are_read_without_the_byte_order_mark():
    assert list(tabular.csv_reader("\ufeffcode;prix\nA1;\"2;5\"\n")) == [["code", "prix"], ["A1", "2;5"]]


def test_text_is_utf8_else_windows_1252():
    assert tabular.decode_text("\ufeffPâtes".encode()) == ("Pâtes", "utf-8")
    assert tabular.decode_text("Pâtes".encode("cp1252")) == ("Pâtes", "cp1252")
    with pytest.raises(UnicodeDecodeError):
        tabular.decode_text(b"\xff\x81")
