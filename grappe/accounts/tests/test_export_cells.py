"""Accounting exports: text cells are neutralised, amounts stay as they are; the FEC gets no apostrophe."""

import csv
import datetime
import io
from decimal import Decimal as D
from types import SimpleNamespace

from grappe.accounts import export
from grappe.accounts.models import Entry, Means

EVIL = "=HYPERLINK(\"http://x\";\"clic\")"


def entry(**fields):
    values = {"pk": 7, "at": datetime.datetime(2026, 3, 1, 10, 0, tzinfo=datetime.UTC), "kind": Entry.Kind.CHARGE,
              "means": "", "reference": "+33612345678", "issuer": "@CCAS", "amount": D("-12.50"), "note": "-note",
              "member": SimpleNamespace(number=12, name=EVIL)}
    values.update(fields)
    values["get_kind_display"] = lambda: "Débit\tpanier\n"
    return SimpleNamespace(**values)


def cells(text, delimiter=";"):
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def test_entries_csv_quotes_text_and_keeps_the_charge_as_is():
    [_header, row] = cells(export.entries_csv([entry()]))
    assert row[2] == "'" + EVIL and row[5] == "'+33612345678" and row[6] == "'@CCAS" and row[8] == "'-note"
    assert row[7] == "-12,50" and row[0] == "01/03/2026" and row[1] == "12"


def test_journal_csv_quotes_text_and_keeps_amounts():
    rows = cells(export.journal_csv({Means.CASH: [entry(kind=Entry.Kind.PAYMENT, means=Means.CASH,
                                                        amount=D("-3.00"))]}))
    assert rows[1][3] == "'" + EVIL and rows[1][6] == "-3,00"
    assert rows[2][6] == "-3,00"


def test_the_fec_has_no_apostrophe_and_no_tab_or_line_break_in_its_fields():
    text = export.fec_text([entry(member=SimpleNamespace(number=12, name="Dupont\tJean\n=1+1"))])
    lines = text.split("\r\n")
    assert lines[-1] == ""
    rows = [line.split("\t") for line in lines[:-1]]
    assert all(len(row) == len(export.FEC_COLUMNS) for row in rows)
    assert "'" not in text
    assert rows[1][7] == "Dupont Jean =1+1" and rows[1][10] == "Débit panier 12"
