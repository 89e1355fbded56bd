"""Beyond members' payments: supplier invoices and payments, membership fees, the claims seam, ignoring
with a reason, reopening; and the reconciliation of a real-shaped month."""

import datetime
from decimal import Decimal as D
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from grappe.accounts import services as accounts
from grappe.accounts.models import Entry, Means, SupplierPayment
from grappe.bank import services
from grappe.bank.models import BankAccount, BankLineEvent, BankTransaction
from grappe.bank.queries import month_reconciliation
from grappe.bank.statements import parse
from grappe.members.models import Membership

from .conftest import members_42_and_977, owe, purchase_order, supplier_invoice

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"
NOW = datetime.datetime(2026, 12, 6, 9, 0, tzinfo=datetime.UTC)
Status, Kind = BankTransaction.Status, BankTransaction.Kind


@pytest.fixture
def december(world):
    """December: Dupont (42) owes 23.50 and has not paid the 2026 fee (15.00); Martin's 18.00 transfer
    was recorded by hand; the Ferme du Diois's invoice F-2026-131 (312.40) is outstanding; a member's
    transfer of 30.00 and a supplier payment of 50.00 by transfer are in the books but not on the statement."""
    dupont, martin = members_42_and_977(world, dupont_paid=False)
    Membership.objects.create(member=dupont, year=2026, fee=D("15.00"))
    owe(dupont, D("23.50"))
    owe(martin, D("18.00"))
    by_hand = accounts.record_payment(member=martin, amount=D("18.00"), means=Means.TRANSFER, by=world.admin,
                                      now=datetime.datetime(2026, 12, 1, 17, 0, tzinfo=datetime.UTC))
    po = purchase_order(world)
    invoice = supplier_invoice(world, po, "F-2026-131", "312.40")
    other = supplier_invoice(world, po, "F-2026-140", "80.00")
    accounts.pay_supplier(invoice=other, amount=D("50.00"), date=datetime.date(2026, 12, 5), by=world.admin)
    accounts.record_payment(member=world.member, amount=D("30.00"), means=Means.TRANSFER, by=world.admin,
                            now=datetime.datetime(2026, 12, 4, 10, 0, tzinfo=datetime.UTC))
    account = BankAccount.objects.create(association=world.association, name="Crédit Coopératif")
    return dupont, martin, by_hand, invoice, account


def import_december(world, account):
    return services.import_statement(account=account, statement=parse((DATA / "camt053_december.xml").read_bytes()),
                                     file_name="camt053_december.xml", by=world.admin, now=NOW)


def line(ref):
    return BankTransaction.objects.get(bank_ref=ref)


def test_the_proposals_of_every_kind(world, december):
    dupont, martin, by_hand, invoice, account = december
    record = import_december(world, account)
    assert (record.transactions, record.new, record.proposed) == (6, 6, 4)
    payment, hand, debit, fee = (line(r) for r in ("2026120100021", "2026120200007", "2026120300012",
                                                    "2026120400003"))
    assert (payment.proposal_kind, payment.proposed_member, payment.proposal_sure) == (Kind.PAYMENT, dupont, True)
    assert (hand.proposal_kind, hand.proposed_entry, hand.proposal_sure) == (Kind.HAND, by_hand, False)
    assert (debit.proposal_kind, debit.proposed_invoice, debit.proposal_sure) == (Kind.INVOICE, invoice, True)
    assert (fee.proposal_kind, fee.proposed_member, fee.proposal_sure) == (Kind.FEE, dupont, True)
    for ref in ("2026120500001", "2026120500002"):  # the bank's fees, a gift
        assert line(ref).status == Status.UNMATCHED and line(ref).proposal_kind == ""


def test_confirming_an_invoice_records_the_supplier_payment_by_transfer_dated_by_the_bank(world, december):
    *_, invoice, account = december
    import_december(world, account)
    confirmed = services.confirm(line=line("2026120300012"), by=world.admin, now=NOW)
    payment = confirmed.matched_supplier_payment
    assert (payment.invoice, payment.amount, payment.date, payment.means) == (
        invoice, D("312.40"), datetime.date(2026, 12, 3), Means.TRANSFER)
    assert confirmed.match_kind == Kind.INVOICE
    # the payment recorded is not offered again, and reopening refuses (no service undoes a supplier payment)
    with pytest.raises(services.BankError):
        services.reopen(line=confirmed, by=world.admin, reason="erreur")
    assert line("2026120300012").status == Status.CONFIRMED


def test_a_supplier_payment_recorded_by_hand_is_matched_not_recorded_again(world, december):
    *_, invoice, account = december
    by_hand = accounts.pay_supplier(invoice=invoice, amount=D("312.40"), date=datetime.date(2026, 12, 2),
                                    by=world.admin)
    import_december(world, account)
    debit = line("2026120300012")
    assert (debit.proposal_kind, debit.proposed_supplier_payment, debit.proposal_sure) == (
        Kind.SUPPLIER_PAYMENT, by_hand, True)
    before = SupplierPayment.objects.count()
    assert services.confirm(line=debit, by=world.admin).matched_supplier_payment == by_hand
    assert SupplierPayment.objects.count() == before


def test_confirming_a_fee_records_the_membership_paid_by_transfer(world, december):
    dupont, *_, account = december
    import_december(world, account)
    services.confirm(line=line("2026120400003"), by=world.admin, now=NOW)
    membership = Membership.objects.get(member=dupont, year=2026)
    assert (membership.paid_on, membership.means, membership.fee) == (datetime.date(2026, 12, 4), "transfer", D("15.00"))
    assert accounts.balance(dupont) == D("-23.50")  # a fee is not a payment of baskets
    reopened = services.reopen(line=line("2026120400003"), by=world.admin, reason="c'était un don")
    membership.refresh_from_db()
    assert membership.paid_on is None and reopened.status == Status.PROPOSED  # proposed again


def test_reopening_a_booked_payment_reverses_it_and_confirming_again_books_a_new_one(world, december):
    dupont, *_, account = december
    import_december(world, account)
    first = services.confirm(line=line("2026120100021"), by=world.admin, now=NOW).matched_entry
    services.reopen(line=line("2026120100021"), by=world.admin, reason="mauvais adhérent", now=NOW)
    assert Entry.objects.filter(reverses=first).exists() and accounts.balance(dupont) == D("-23.50")
    again = services.confirm(line=line("2026120100021"), member=dupont, by=world.admin, now=NOW)
    assert again.matched_entry != first and accounts.balance(dupont) == D("0.00")
    actions = list(BankLineEvent.objects.filter(line=again).values_list("action", flat=True))
    assert actions == ["confirmed", "reopened", "confirmed"]


def test_ignoring_keeps_its_reason_and_reopening_an_ignored_line_asks_why(world, december):
    *_, account = december
    import_december(world, account)
    fees = services.ignore(line=line("2026120500001"), by=world.admin, reason="frais bancaires", now=NOW)
    assert (fees.status, fees.ignore_reason) == (Status.IGNORED, "frais bancaires")
    with pytest.raises(services.BankError):
        services.reopen(line=fees, by=world.admin, reason="  ")
    assert services.reopen(line=fees, by=world.admin, reason="à revoir").status == Status.UNMATCHED


def test_the_command_books_sure_invoices_and_fees_once(world, december):
    dupont, *_ = december

    def run():
        out = StringIO()
        call_command("import_bank_statement", str(DATA / "camt053_december.xml"), "--association",
                     world.association.slug, "--confirm", stdout=out)
        return out.getvalue()

    first = run()
    assert '"matched": 4' in first and '"unmatched": 2' in first
    counts = (Entry.objects.count(), SupplierPayment.objects.count())
    assert Membership.objects.get(member=dupont, year=2026).paid_on == datetime.date(2026, 12, 4)
    assert line("2026120300012").status == Status.CONFIRMED
    assert line("2026120200007").status == Status.PROPOSED  # named, not numbered: a person confirms
    second = run()
    assert '"new": 0' in second and (Entry.objects.count(), SupplierPayment.objects.count()) == counts


def test_a_voucher_claim_reimbursed_through_the_bank(world, december):
    """Vouchers of the CCAS gathered into a claim; the CCAS's transfer naming the claim is proposed as its
    reimbursement (never booked without a person), confirming marks the claim and its vouchers
    reimbursed on the bank's day, and reopening the line undoes it."""
    from grappe.accounts import vouchers
    from grappe.accounts.models import Voucher, VoucherClaim
    from grappe.bank.camt import camt053
    from grappe.bank.statements import Line

    dupont, martin, *_, account = december
    ccas = vouchers.save_issuer(association=world.association, by=world.admin, name="CCAS de Romans")
    for member, number in ((dupont, "A-101"), (martin, "A-102")):
        accounts.record_payment(member=member, amount=D("10.00"), means=Means.VOUCHER, by=world.admin,
                                reference=number, issuer=ccas, now=datetime.datetime(2026, 11, 14, 10, tzinfo=datetime.UTC))
    claim = vouchers.open_claim(world.association, ccas, datetime.date(2026, 11, 1), datetime.date(2026, 11, 30),
                                by=world.admin, now=datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC))
    xml = camt053([Line(datetime.date(2026, 12, 10), D("20.00"), f"VIR CCAS DE ROMANS REMB {claim.reference}",
                        counterparty="CCAS DE ROMANS", reference=claim.reference, bank_ref="2026121000001")],
                  iban="FR7642559100000123456789012", statement_id="2026-12-10", opening=D("0.00"),
                  created=datetime.datetime(2026, 12, 11, 6, tzinfo=datetime.UTC))
    services.import_statement(account=account, statement=parse(xml), file_name="releve.xml", by=world.admin, now=NOW)
    refund = line("2026121000001")
    assert (refund.proposal_kind, refund.proposed_claim_id, refund.proposal_sure) == (Kind.CLAIM, claim.pk, False)
    services.confirm_sure(lines=[refund], by=world.admin, now=NOW)
    assert VoucherClaim.objects.get(pk=claim.pk).status == VoucherClaim.Status.CLAIMED  # a person confirms

    services.confirm(line=refund, by=world.admin, now=datetime.datetime(2026, 12, 11, 9, tzinfo=datetime.UTC))
    claim.refresh_from_db()
    assert (claim.status, claim.reimbursed_on, claim.bank_reference) == (
        VoucherClaim.Status.REIMBURSED, datetime.date(2026, 12, 10), "2026121000001")
    assert set(Voucher.objects.filter(claim=claim).values_list("status", flat=True)) == {Voucher.Status.REIMBURSED}

    services.reopen(line=refund, by=world.admin, reason="mauvais rapprochement",
                    now=datetime.datetime(2026, 12, 11, 10, tzinfo=datetime.UTC))
    claim.refresh_from_db()
    assert claim.status == VoucherClaim.Status.CLAIMED
    assert line("2026121000001").proposed_claim_id == claim.pk  # proposed again, waiting for a person


def test_the_reconciliation_of_a_real_shaped_month(world, december):
    *_, account = december
    import_december(world, account)
    services.confirm_sure(lines=BankTransaction.objects.filter(account=account), by=world.admin, now=NOW)
    services.confirm(line=line("2026120200007"), by=world.admin, now=NOW)  # Martin's hand-recorded transfer
    services.ignore(line=line("2026120500001"), by=world.admin, reason="frais bancaires", now=NOW)
    month = month_reconciliation(account, 2026, 12)
    assert (month.bank_opening, month.bank_closing, month.bank_balance) == (D("1039.10"), D("818.30"), D("818.30"))
    assert month.credits == D("96.50") and month.debits == D("-317.30")
    assert month.matched == D("23.50") + D("18.00") - D("312.40") + D("15.00")
    assert [line.bank_ref for line in month.to_handle] == ["2026120500002"]  # the gift, still to handle
    assert [line.bank_ref for line in month.ignored] == ["2026120500001"]
    assert sorted(item.amount for item in month.book_only) == [D("-50.00"), D("30.00")]
    assert month.book_balance == D("1039.10") + month.matched + D("-20.00") == D("763.20")
    # every difference is listed: bank - books = lines not in the books - transfers not on the statement
    assert month.difference == D("55.10") == month.to_handle_total + month.ignored_total - month.book_only_total
    november = month_reconciliation(account, 2026, 11)
    assert november.lines == [] and november.bank_balance is None


def test_without_a_closing_balance_the_bank_balance_is_the_opening_and_the_lines(world, december):
    *_, account = december
    record = import_december(world, account)
    record.closing_balance = None
    record.save()
    month = month_reconciliation(account, 2026, 12)
    assert (month.bank_opening, month.bank_balance) == (D("1039.10"), D("818.30"))


def test_a_sure_proposal_refused_when_booked_is_left_for_a_person(world, december):
    dupont, *_, account = december
    import_december(world, account)
    Membership.objects.filter(member=dupont, year=2026).update(paid_on=datetime.date(2026, 12, 3), means="cash")
    lines = BankTransaction.objects.filter(account=account)
    assert services.confirm_sure(lines=lines, by=None, now=NOW) == 2  # Dupont's payment and the invoice
    assert line("2026120400003").status == Status.PROPOSED  # the fee was paid in cash meanwhile
