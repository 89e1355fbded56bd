"""Accounting exports: entries as CSV, the French FEC column layout, a journal per means of payment."""

from __future__ import annotations

import csv
import io

from django.utils import timezone

from grappe.core import tabular
from grappe.core.money import ZERO

from .models import Entry, Means

FEC_COLUMNS = ["JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib", "CompAuxNum",
               "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit", "EcritureLet", "DateLet",
               "ValidDate", "Montantdevise", "Idevise"]
# Plan comptable associatif: where each means of payment lands
MEANS_ACCOUNTS = {
    Means.CASH: ("530", "Caisse"), Means.CHEQUE: ("5112", "Chèques à encaisser"),
    Means.CARD: ("5115", "Cartes bancaires à encaisser"), Means.TRANSFER: ("512", "Banque"),
    Means.VOUCHER: ("4687", "Bons alimentaires à encaisser"),
}
SALES = ("707", "Ventes de marchandises")
MEMBERS = ("411", "Adhérents")
JOURNALS = {Entry.Kind.CHARGE: ("VT", "Ventes"), Entry.Kind.PAYMENT: ("CA", "Encaissements"),
            Entry.Kind.REFUND: ("CA", "Encaissements"), Entry.Kind.CORRECTION: ("OD", "Opérations diverses")}


def _amount(value) -> str:
    return tabular.french_amount(value)


def entries_csv(entries) -> str:
    out = io.StringIO()
    writer = tabular.excel_writer(out)
    writer.writerow(["date", "member_number", "member", "kind", "means", "reference", "issuer", "amount", "note"])
    for e in entries:
        writer.writerow([timezone.localtime(e.at).date(), e.member.number, e.member.name, e.kind, e.means, e.reference,
                         e.issuer, _amount(e.amount), e.note])
    return out.getvalue()


def journal_csv(journals: dict) -> str:
    out = io.StringIO()
    writer = tabular.excel_writer(out)
    writer.writerow(["means", "date", "member_number", "member", "reference", "issuer", "amount"])
    for means in Means.values:
        total = ZERO
        for e in journals.get(means, []):
            writer.writerow([means, timezone.localtime(e.at).date(), e.member.number, e.member.name, e.reference, e.issuer,
                             _amount(e.amount)])
            total += e.amount
        writer.writerow([means, "", "", "TOTAL", "", "", _amount(total)])
    return out.getvalue()


def fec_rows(entries):
    """Two balanced rows per entry (FEC: debit = credit for each EcritureNum)."""
    for number, e in enumerate(entries, start=1):
        code, label = JOURNALS[e.kind]
        day = e.at.strftime("%Y%m%d")
        aux = (f"A{e.member.number}", e.member.name)
        piece = e.reference or f"E{e.pk}"
        text = f"{e.get_kind_display()} {e.member.number}"
        if e.means:
            other = MEANS_ACCOUNTS[Means(e.means)]
        else:
            other = SALES
        amount = abs(e.amount)
        # a positive amount credits the member (411) and debits the means; a charge the other way
        member_debit = e.amount < 0
        yield [code, label, str(number), day, MEMBERS[0], MEMBERS[1], aux[0], aux[1], piece, day, text,
               _amount(amount if member_debit else ZERO), _amount(ZERO if member_debit else amount), "", "", day, "", ""]
        yield [code, label, str(number), day, other[0], other[1], "", "", piece, day, text,
               _amount(ZERO if member_debit else amount), _amount(amount if member_debit else ZERO), "", "", day, "", ""]


def fec_text(entries) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\r\n")
    writer.writerow(FEC_COLUMNS)
    for row in fec_rows(entries):
        writer.writerow([tabular.fec_cell(value) for value in row])  # a legal format: no apostrophe
    return out.getvalue()
