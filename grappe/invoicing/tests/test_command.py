"""An invoice for a structure's baskets of a period, issued from the command line, written as Factur-X."""

import io
import json
from datetime import UTC, date, datetime
from decimal import Decimal as D

import facturx
import pytest
from django.core.management import CommandError, call_command

from grappe.accounts.models import Entry
from grappe.invoicing import services
from grappe.invoicing.models import Invoice
from grappe.members.models import Member
from grappe.members.tests.factories import MemberFactory


@pytest.fixture
def ccas(world):
    return MemberFactory(association=world.association, group=world.group, kind=Member.Kind.STRUCTURE, name="CCAS")


def charge(world, member, amount, day):
    return Entry.objects.create(association=world.association, member=member, kind=Entry.Kind.CHARGE,
                                amount=D(amount), at=datetime(2026, 11, day, 10, tzinfo=UTC))


def test_the_period_baskets_become_lines_without_reversed_charges(world, ccas):
    charge(world, ccas, "-40.00", 4)
    reversed_charge = charge(world, ccas, "-15.00", 11)
    Entry.objects.create(association=world.association, member=ccas, kind=Entry.Kind.CORRECTION, amount=D("15.00"),
                         reverses=reversed_charge, at=datetime(2026, 11, 12, tzinfo=UTC))
    charge(world, ccas, "-22.50", 18)
    charge(world, ccas, "-99.00", 30)  # after the period
    charge(world, world.member, "-7.00", 18)  # someone else's
    lines = services.basket_lines(member=ccas, start=date(2026, 11, 1), end=date(2026, 11, 29))
    assert [(line.description, line.unit_price) for line in lines] == [
        ("Panier du 04/11/2026", D("40.00")), ("Panier du 18/11/2026", D("22.50"))]


def test_the_command_issues_the_invoice_and_writes_factur_x(world, ccas, tmp_path):
    charge(world, ccas, "-40.00", 4)
    out = io.StringIO()
    call_command("issue_invoice", "--association", world.association.slug, "--member", str(ccas.number),
                 "--from", "2026-11-01", "--to", "2026-11-30", "--by", world.coordinator.username,
                 "--siret", "21260281900016", "--service-code", "JEUNESSE", "--out", str(tmp_path / "f.pdf"),
                 stdout=out)
    printed = json.loads(out.getvalue())
    assert printed["lines"] == 1 and printed["total"] == "40.00" and printed["invoice"].endswith("-0001")
    _, xml = facturx.get_xml_from_pdf((tmp_path / "f.pdf").read_bytes(), check_xsd=True)
    assert b"JEUNESSE" in xml and b"21260281900016" in xml
    with pytest.raises(CommandError):  # nothing to invoice in October: no number taken
        call_command("issue_invoice", "--association", world.association.slug, "--member", str(ccas.number),
                     "--from", "2026-10-01", "--to", "2026-10-31", "--by", world.coordinator.username)
    assert Invoice.objects.count() == 1


def test_the_structure_statement_lists_invoices_credit_notes_payments_and_the_balance(world, ccas):
    charge(world, ccas, "-40.00", 4)
    charge(world, ccas, "-60.00", 18)
    invoice = services.issue_invoice(
        association=world.association, member=ccas, buyer=services.buyer_of(ccas), by=world.coordinator,
        lines=services.basket_lines(member=ccas, start=date(2026, 11, 1), end=date(2026, 11, 30)),
        now=datetime(2026, 12, 1, 9, tzinfo=UTC))
    services.issue_credit_note(invoice=invoice, lines=services.basket_lines(
        member=ccas, start=date(2026, 11, 4), end=date(2026, 11, 4)), by=world.coordinator,
        now=datetime(2026, 12, 2, 9, tzinfo=UTC))
    paid = Entry.objects.create(association=world.association, member=ccas, kind=Entry.Kind.PAYMENT,
                                amount=D("50.00"), reference="VIR 123", at=datetime(2026, 12, 10, tzinfo=UTC))
    mistaken = Entry.objects.create(association=world.association, member=ccas, kind=Entry.Kind.PAYMENT,
                                    amount=D("9.00"), at=datetime(2026, 12, 11, tzinfo=UTC))
    Entry.objects.create(association=world.association, member=ccas, kind=Entry.Kind.CORRECTION, amount=D("-9.00"),
                         reverses=mistaken, at=datetime(2026, 12, 12, tzinfo=UTC))
    account = services.statement(member=ccas)
    assert [(line.label, line.debit, line.credit) for line in account.lines] == [
        ("Facture F-2026-0001", D("100.00"), D("0")), ("Avoir F-2026-0002", D("0"), D("40.00")),
        ("Paiement VIR 123", D("0"), paid.amount)]
    assert (account.invoiced, account.credited, account.paid, account.balance) == (
        D("100.00"), D("40.00"), D("50.00"), D("10.00"))
