"""simulate_cycle with its bank step: the transfers paid on the bank account come back through a
generated CAMT.053 statement, each booked once, and the cycle still settles to the cent."""

import datetime
import json
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st

from grappe.accounts.models import Entry, Means
from grappe.accounts.simulation import simulate
from grappe.accounts.tests.test_simulation import assert_settled_to_the_cent
from grappe.bank.camt import camt053
from grappe.bank.models import BankTransaction
from grappe.bank.simulation import bank_step
from grappe.bank.statements import Line, parse
from grappe.network.models import Association

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("simulate_cycle", *args, stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1
    return json.loads(lines[0])


def test_the_command_prints_one_json_object_and_leaves_other_associations_alone(world):
    before = Association.objects.count()
    result = run("--groups", "2", "--households", "10", "--products", "4", "--seed", "7")
    assert set(result["seconds"]) >= {"orders", "close", "receipt", "distribution", "bank", "settlement"}
    assert result["margin"] == "0.00" and result["unexplained"] == "0.00"
    assert Association.objects.count() == before + 1
    assert world.association.order_cycles.count() == 0


def test_transfers_through_the_bank_statement_are_booked_once_and_the_cycle_settles(tmp_path):
    path = tmp_path / "releve.xml"
    result = run("--groups", "2", "--households", "24", "--products", "5", "--seed", "3", "--statement", str(path))
    assert_settled_to_the_cent(result)
    bank = result["bank"]
    assert bank["transfers"] >= 2, bank  # this seed has households paying by transfer: the proof is not empty
    assert bank["every_transfer_booked_once"] is True
    assert bank["hand_recorded_matched"] is True
    assert bank["unmatched_left"] is True
    # every transfer and the fees line are new; all transfers confirmed, the hand-recorded one matched, not booked
    assert bank["new"] == bank["transfers"] + 1 == bank["statement"]["lines"]
    assert bank["confirmed"] == bank["transfers"] and bank["booked"] == bank["transfers"] - 1
    assert bank["reimported"] == {"new": 0, "already_imported": bank["transfers"] + 1, "confirmed": 0}

    # the file written is a real CAMT.053 the import reads back; the ledger agrees
    data = path.read_bytes()
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>') and b"camt.053.001.02" in data
    statement = parse(data)
    assert statement.format == "camt" and len(statement.lines) == bank["transfers"] + 1
    assert statement.closing_balance == statement.opening_balance + sum(line.amount for line in statement.lines)
    association = Association.objects.get(slug=result["association"])
    lines = BankTransaction.objects.filter(account__association=association)
    credits = lines.filter(amount__gt=0)
    assert all(line.status == BankTransaction.Status.CONFIRMED and line.matched_entry_id for line in credits)
    transfers = Entry.objects.filter(association=association, kind=Entry.Kind.PAYMENT, means=Means.TRANSFER)
    assert transfers.count() == credits.count() == bank["transfers"]  # none booked twice, none missing
    assert sum(t.amount for t in transfers) == sum(line.amount for line in credits)
    fees = lines.get(amount__lt=0)
    assert fees.status == BankTransaction.Status.UNMATCHED and fees.amount == D("-4.50")


def test_without_the_bank_the_transfers_are_paid_at_the_till():
    result = run("--groups", "1", "--households", "24", "--products", "4", "--seed", "3", "--no-bank")
    assert "bank" not in result and "bank" not in result["seconds"]
    assert_settled_to_the_cent(result)
    association = Association.objects.get(slug=result["association"])
    assert not association.bank_accounts.exists()


def test_the_same_seed_with_and_without_the_bank_gives_the_same_cycle():
    """The bank changes who pays where, not what was ordered, served and charged."""
    with_bank = simulate(groups=1, households=16, products=4, seed=11, bank_step=bank_step)
    without = simulate(groups=1, households=16, products=4, seed=11)
    for figure in ("charged", "tier_adjustments", "invoices", "margin", "unexplained"):
        assert with_bank[figure] == without[figure]
    assert with_bank["counts"]["payments"] == without["counts"]["payments"] - with_bank["bank"]["transfers"]


@pytest.mark.parametrize("seed", [1, 4])
def test_other_seeds_settle_with_the_bank_step(seed):
    result = simulate(groups=2, households=12, products=3, seed=seed, bank_step=bank_step)
    assert_settled_to_the_cent(result)
    bank = result["bank"]
    assert bank["every_transfer_booked_once"] and bank["unmatched_left"]
    assert bank["hand_recorded_matched"] in (True, None)  # None: no household paid by transfer


_TEXT = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 /-'éèàç&<>", min_size=0, max_size=40).map(str.strip)


@given(st.lists(st.tuples(st.dates(datetime.date(2020, 1, 1), datetime.date(2030, 12, 31)),
                          st.decimals(min_value=D("-9999.99"), max_value=D("9999.99"), places=2).filter(bool),
                          _TEXT, _TEXT, _TEXT), max_size=12))
def test_a_written_statement_reads_back_as_the_same_lines(rows):
    lines = [Line(booked_on=day, amount=amount, label=label, counterparty=party, reference=reference,
                  bank_ref=f"REF{rank}") for rank, (day, amount, label, party, reference) in enumerate(rows)]
    data = camt053(lines, iban="FR7630004000031234567890143", statement_id="T1", opening=D("12.34"),
                   created=datetime.datetime(2026, 12, 1, 6, 0, tzinfo=datetime.UTC))
    statement = parse(data)
    assert statement.format == "camt"
    # a line without a label is labelled by its reference or its party, as banks' statements are read
    assert [(x.booked_on, x.amount, x.counterparty, x.reference, x.bank_ref) for x in statement.lines] == [
        (x.booked_on, x.amount, x.counterparty, x.reference, x.bank_ref) for x in lines]
    assert [x.label for x in statement.lines] == [x.label or x.reference or x.counterparty for x in lines]
    assert statement.opening_balance == D("12.34")
    assert statement.closing_balance == D("12.34") + sum((x.amount for x in lines), D("0.00"))
