"""Importing statements: each line once, proposals, confirming books once, and the command's JSON."""

import datetime
import json
from decimal import Decimal as D
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from grappe.accounts import services as accounts
from grappe.accounts.models import Entry, Means
from grappe.bank import services
from grappe.bank.models import BankAccount, BankTransaction
from grappe.bank.queries import month_reconciliation
from grappe.bank.statements import parse
from grappe.members.models import Member
from grappe.orders.tests.factories import make_member

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"
NOW = datetime.datetime(2026, 11, 10, 9, 0, tzinfo=datetime.UTC)


def owe(member, amount):
    """A basket charged to the member (the ledger row collect_basket would write)."""
    return Entry.objects.create(association=member.association, member=member, kind=Entry.Kind.CHARGE, amount=-amount)


@pytest.fixture
def bank(world):
    # the statements name members 42 and 977: free those numbers of the world's members (the factory's
    # sequence runs on across tests, so one of them may already hold 42)
    for taken in Member.objects.filter(association=world.association, number__in=(42, 977)):
        taken.number = 100_000 + taken.pk
        taken.save(update_fields=["number"])
    dupont = make_member(world, number=42, name="Dupont Marie")
    martin = make_member(world, number=977, name="Martin Karim")
    owe(dupont, D("23.50"))
    owe(martin, D("18.00"))
    # Martin's transfer, seen on the bank's website and recorded by hand the day before the bank books it
    by_hand = accounts.record_payment(member=martin, amount=D("18.00"), means=Means.TRANSFER, by=world.admin,
                                      now=datetime.datetime(2026, 11, 2, 17, 0, tzinfo=datetime.UTC))
    account = BankAccount.objects.create(association=world.association, name="Crédit Coopératif")
    return dupont, martin, by_hand, account


def run(world, name, *extra):
    out = StringIO()
    call_command("import_bank_statement", str(DATA / name), "--association", world.association.slug, *extra,
                 stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1
    return json.loads(lines[0])


def import_file(world, account, name):
    return services.import_statement(account=account, statement=parse((DATA / name).read_bytes()), file_name=name,
                                     by=world.admin, now=NOW)


def test_a_statement_imported_twice_or_overlapping_adds_each_line_once(world, bank):
    *_, account = bank
    first = import_file(world, account, "camt053_november.xml")
    assert (first.transactions, first.new, first.already_imported) == (4, 4, 0)
    again = import_file(world, account, "camt053_november.xml")
    assert (again.transactions, again.new, again.already_imported) == (4, 0, 4)
    overlap = import_file(world, account, "camt053_overlap.xml")
    assert (overlap.transactions, overlap.new, overlap.already_imported) == (2, 1, 1)
    assert BankTransaction.objects.filter(account=account).count() == 5


def test_identical_lines_without_a_bank_reference_stay_two_and_come_once(world, bank):
    *_, account = bank
    import_file(world, account, "cfonb120_november.txt")
    import_file(world, account, "cfonb120_november.txt")
    gifts = BankTransaction.objects.filter(account=account, amount=D("5.00"))
    assert gifts.count() == 2 and len({g.fingerprint for g in gifts}) == 2


def test_proposals_a_member_number_a_hand_recorded_transfer_and_the_rest(world, bank):
    dupont, martin, by_hand, account = bank
    import_file(world, account, "camt053_november.xml")
    lines = {line.bank_ref: line for line in BankTransaction.objects.filter(account=account)}
    sure = lines["2026110200017"]
    assert (sure.status, sure.proposed_member, sure.proposed_entry, sure.proposal_sure) == (
        BankTransaction.Status.PROPOSED, dupont, None, True)
    hand = lines["2026110300004"]
    assert (hand.status, hand.proposed_member, hand.proposed_entry, hand.proposal_sure) == (
        BankTransaction.Status.PROPOSED, martin, by_hand, False)
    for ref in ("2026110300009", "2026110300011"):  # the supplier's invoice, the CCAS's reimbursement
        assert lines[ref].status == BankTransaction.Status.UNMATCHED and lines[ref].proposed_member is None


def test_confirming_books_a_transfer_dated_by_the_bank_once(world, bank):
    dupont, _, _, account = bank
    import_file(world, account, "camt053_november.xml")
    line = BankTransaction.objects.get(bank_ref="2026110200017")
    services.confirm(line=line, by=world.admin, now=NOW)
    services.confirm(line=line, by=world.admin, now=NOW)
    payments = Entry.objects.filter(member=dupont, kind=Entry.Kind.PAYMENT)
    assert payments.count() == 1
    payment = payments.get()
    assert (payment.means, payment.amount, timezone.localdate(payment.at)) == (
        Means.TRANSFER, D("23.50"), datetime.date(2026, 11, 2))
    assert payment.reference == "2026110200017" and accounts.balance(dupont) == D("0.00")
    line.refresh_from_db()
    assert line.status == BankTransaction.Status.CONFIRMED and line.matched_entry == payment


def test_confirming_a_hand_recorded_transfer_adds_no_entry(world, bank):
    _, martin, by_hand, account = bank
    import_file(world, account, "camt053_november.xml")
    before = Entry.objects.count()
    line = services.confirm(line=BankTransaction.objects.get(bank_ref="2026110300004"), by=world.admin, now=NOW)
    assert line.matched_entry == by_hand and Entry.objects.count() == before
    assert accounts.balance(martin) == D("0.00")
    # that entry is no longer offered to another line
    other = BankTransaction.objects.get(bank_ref="2026110300011")
    with pytest.raises(services.BankError):
        services.confirm(line=other, entry=by_hand, by=world.admin)


def test_a_debit_is_not_booked_as_a_payment_and_can_be_ignored(world, bank):
    dupont, *_, account = bank
    import_file(world, account, "camt053_november.xml")
    debit = BankTransaction.objects.get(bank_ref="2026110300009")
    with pytest.raises(services.BankError):
        services.confirm(line=debit, member=dupont, by=world.admin)
    assert services.ignore(line=debit, by=world.admin, now=NOW).status == BankTransaction.Status.IGNORED


def test_a_person_chooses_the_member_of_an_unmatched_credit(world, bank):
    dupont, *_, account = bank
    import_file(world, account, "camt053_november.xml")
    gift = BankTransaction.objects.get(bank_ref="2026110300011")
    services.confirm(line=gift, member=dupont, by=world.admin, now=NOW)
    assert accounts.balance(dupont) == D("60.00") - D("23.50")


def test_the_command_prints_one_json_line_and_books_only_sure_matches_once(world, bank):
    dupont, martin, by_hand, account = bank
    before = Entry.objects.count()
    first = run(world, "camt053_november.xml", "--confirm")
    assert first == {"format": "camt", "transactions": 4, "new": 4, "already_imported": 0, "matched": 2,
                     "unmatched": 2}
    assert Entry.objects.count() == before + 1  # Dupont's payment; Martin's waits for a person
    assert BankTransaction.objects.get(bank_ref="2026110200017").status == BankTransaction.Status.CONFIRMED
    assert BankTransaction.objects.get(bank_ref="2026110300004").status == BankTransaction.Status.PROPOSED
    second = run(world, "camt053_november.xml", "--confirm")
    assert second == {**first, "new": 0, "already_imported": 4}
    assert Entry.objects.count() == before + 1 and accounts.balance(dupont) == D("0.00")


@pytest.mark.parametrize("name, fmt, count", [("ofx_november.ofx", "ofx", 3), ("cfonb120_november.txt", "cfonb", 4),
                                              ("csv_november.csv", "csv", 4)])
def test_the_command_reads_every_format_and_books_the_member_number_payment(world, bank, name, fmt, count):
    dupont, *_ = bank
    result = run(world, name, "--format", fmt, "--confirm")
    assert (result["format"], result["transactions"], result["new"]) == (fmt, count, count)
    assert result["matched"] == 1 and result["matched"] + result["unmatched"] == count
    assert accounts.balance(dupont) == D("0.00")
    assert run(world, name, "--confirm")["new"] == 0


def test_the_command_refuses_what_it_cannot_read(world, bank, tmp_path):
    broken = tmp_path / "broken.xml"
    broken.write_bytes(b"<?xml version='1.0'?><Document><BkToCstmrStmt><Stmt><Ntry><Amt>x</Amt></Ntry></Stmt>"
                       b"</BkToCstmrStmt></Document>")
    with pytest.raises(CommandError):
        run(world, str(broken))
    with pytest.raises(CommandError):
        call_command("import_bank_statement", str(broken), "--association", "nobody", stdout=StringIO())
    BankAccount.objects.create(association=world.association, name="Livret")
    with pytest.raises(CommandError):  # two accounts: which one?
        run(world, "camt053_november.xml")


def test_the_balances_of_the_statement_and_the_csv_columns_are_kept(world, bank):
    *_, account = bank
    record = import_file(world, account, "cfonb120_november.txt")
    assert (record.opening_balance, record.closing_balance, record.last_day) == (
        D("1250.00"), D("971.10"), datetime.date(2026, 11, 4))
    import_file(world, account, "csv_november.csv")
    account.refresh_from_db()
    assert account.csv_mapping["date"] == "Date opération" and account.csv_mapping["credit"] == "Crédit"


def test_a_hand_recorded_transfer_named_by_member_number_is_matched_by_the_command_without_booking(world, bank):
    dupont, *_ = bank
    by_hand = accounts.record_payment(member=dupont, amount=D("23.50"), means=Means.TRANSFER, by=world.admin,
                                      now=datetime.datetime(2026, 11, 1, 17, 0, tzinfo=datetime.UTC))
    before = Entry.objects.count()
    run(world, "camt053_november.xml", "--confirm")
    line = BankTransaction.objects.get(bank_ref="2026110200017")
    assert line.status == BankTransaction.Status.CONFIRMED and line.matched_entry == by_hand
    assert Entry.objects.count() == before


def test_the_month_shows_what_is_left_to_handle(world, bank):
    *_, account = bank
    run(world, "camt053_november.xml", "--confirm")
    run(world, "cfonb120_november.txt", "--account", "Livret")
    month = month_reconciliation(account, 2026, 11)
    assert len(month.lines) == 4 and month.credits == D("101.50") and month.debits == D("-312.40")
    assert month.matched == D("23.50") and month.bank_closing == D("1024.10")
    assert {line.bank_ref for line in month.to_handle} == {"2026110300004", "2026110300009", "2026110300011"}
    assert month_reconciliation(account, 2026, 12).lines == []
    livret = BankAccount.objects.get(name="Livret")
    assert month_reconciliation(livret, 2026, 11).bank_closing == D("971.10")


def test_erasing_a_member_leaves_the_bank_lines_and_their_match(world, bank):
    from grappe.members.services import erase_member

    dupont, *_ = bank
    run(world, "camt053_november.xml", "--confirm")
    erase_member(member=dupont, by=world.admin)
    line = BankTransaction.objects.get(bank_ref="2026110200017")  # legal retention: the bank's words stay
    assert line.status == BankTransaction.Status.CONFIRMED and line.matched_entry.member_id == dupont.pk
    assert "DUPONT" in line.counterparty
    assert run(world, "camt053_november.xml", "--confirm")["new"] == 0


def test_a_hand_recorded_transfer_cancelled_since_is_not_matched(world, bank):
    _, martin, by_hand, account = bank
    import_file(world, account, "camt053_november.xml")
    accounts.reverse_entry(entry=by_hand, by=world.admin)
    line = BankTransaction.objects.get(bank_ref="2026110300004")
    with pytest.raises(services.BankError):
        services.confirm(line=line, by=world.admin)
    services.confirm(line=line, member=martin, by=world.admin, now=NOW)  # a person books it instead
    assert accounts.balance(martin) == D("0.00")
