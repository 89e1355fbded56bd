"""Food vouchers: issuers, vouchers received with their payment, duplicates, claims and their steps."""

import datetime as dt
import importlib
import uuid
from decimal import Decimal as D

import pytest
from django.apps import apps as django_apps

from grappe.accounts import services, vouchers
from grappe.accounts.models import Entry, Means, Voucher, VoucherClaim, VoucherClaimEvent, VoucherIssuer
from grappe.accounts.tests.factories import issuer
from grappe.members.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 20, 18, 0, tzinfo=dt.UTC)


def at(day: int, month: int = 11, year: int = 2026):
    return dt.datetime(year, month, day, 17, 0, tzinfo=dt.UTC)


def pay(world, number, *, name="CCAS de Romans", value="5.00", member=None, now=None):
    return services.record_payment(member=member or world.member, amount=D(value), means=Means.VOUCHER,
                                   reference=number, issuer=name, by=world.volunteer, key=uuid.uuid4(),
                                   now=now or at(10))


def test_issuer_names_are_unique_per_association_compared_folded(world):
    first = issuer(world.association, "CCAS Romans")
    with pytest.raises(vouchers.VoucherError) as refused:
        vouchers.save_issuer(association=world.association, by=world.admin, name="ccas  romans")
    assert refused.value.field == "name"
    assert vouchers.save_issuer(association=world.elsewhere, by=world.outsider, name="ccas romans").pk != first.pk
    renamed = vouchers.save_issuer(association=world.association, by=world.admin, issuer=first, name="CCAS  Romans",
                                   kind=VoucherIssuer.Kind.CCAS, active=False)
    assert (renamed.name, renamed.active) == ("CCAS Romans", False)
    assert vouchers.find_issuer(world.association.pk, "CCAS Romans") is None  # inactive: not offered


def test_a_voucher_payment_creates_its_voucher_row_in_the_same_transaction(world):
    issuer(world.association, "CCAS de Romans")
    entry = pay(world, " BA-118 ", name="ccas de ROMANS", now=at(12))
    voucher = Voucher.objects.get(entry=entry)
    assert (voucher.number, voucher.number_key, voucher.value, voucher.received_on, voucher.member_id,
            voucher.status) == ("BA-118", "ba118", D("5.00"), dt.date(2026, 11, 12), world.member.pk, "received")
    assert entry.issuer == "CCAS de Romans"
    with pytest.raises(services.AccountError):  # refused: neither the entry nor a voucher
        pay(world, "BA-119", name="Secours populaire")
    assert Voucher.objects.count() == Entry.objects.filter(means=Means.VOUCHER).count() == 1


def test_a_number_seen_twice_for_one_issuer_is_recorded_and_flagged(world):
    issuer(world.association, "CCAS de Romans")
    issuer(world.association, "Département")
    first = pay(world, "BA 118")
    again = pay(world, "ba-118", member=MemberFactory(association=world.association, group=world.group))
    other_issuer = pay(world, "BA118", name="Département")
    pay(world, "BA-200")
    flagged = list(vouchers.duplicate_vouchers(world.association))
    assert {v.entry_id for v in flagged} == {first.pk, again.pk}
    assert [v.entry_id for v in vouchers.same_number(again.voucher)] == [first.pk]
    assert vouchers.same_number(other_issuer.voucher) == []
    services.reverse_entry(entry=again, by=world.admin)  # the payment corrected: no longer a duplicate
    assert list(vouchers.duplicate_vouchers(world.association)) == []


def test_claims_are_numbered_per_association_and_year(world):
    ccas = issuer(world.association, "CCAS de Romans")
    far = vouchers.save_issuer(association=world.elsewhere, by=None, name="CCAS lointain")
    for day in (3, 4, 5):
        pay(world, f"B{day}", now=at(day))
    first = vouchers.open_claim(world.association, ccas, dt.date(2026, 11, 3), dt.date(2026, 11, 3), by=world.admin,
                                now=NOW)
    second = vouchers.open_claim(world.association, ccas, dt.date(2026, 11, 4), dt.date(2026, 11, 4), by=world.admin,
                                 now=NOW)
    vouchers.cancel_claim(second, by=world.admin, reason="période fausse", now=NOW)
    third = vouchers.open_claim(world.association, ccas, dt.date(2026, 11, 1), dt.date(2026, 11, 30), by=world.admin,
                                now=NOW)
    assert [first.reference, second.reference, third.reference] == ["BR-2026-001", "BR-2026-002", "BR-2026-003"]
    elsewhere_member = MemberFactory(association=world.elsewhere, group=world.elsewhere_group)
    services.record_payment(member=elsewhere_member, amount=D("7"), means=Means.VOUCHER, reference="L1",
                            issuer=far, by=None, now=at(6))
    assert vouchers.open_claim(world.elsewhere, far, dt.date(2026, 11, 1), dt.date(2026, 11, 30), by=None,
                               now=NOW).reference == "BR-2026-001"
    pay(world, "B-2027", now=at(4, 1, 2027))
    assert vouchers.open_claim(world.association, ccas, dt.date(2027, 1, 1), dt.date(2027, 1, 31), by=None,
                               now=at(20, 1, 2027)).reference == "BR-2027-001"


def test_a_claim_takes_the_period_s_received_vouchers_once_and_refuses_an_empty_one(world):
    ccas = issuer(world.association, "CCAS de Romans")
    dept = issuer(world.association, "Département")
    inside = [pay(world, "A1", now=at(2)), pay(world, "A2", value="10.00", now=at(15))]
    pay(world, "A3", now=at(2, 12))  # after the period
    pay(world, "D1", name="Département", now=at(3))  # another issuer
    corrected = pay(world, "A4", now=at(16))
    services.reverse_entry(entry=corrected, by=world.admin)
    claim = vouchers.open_claim(world.association, ccas, dt.date(2026, 11, 1), dt.date(2026, 11, 30),
                                by=world.admin, now=NOW)
    assert (claim.count, claim.total, claim.status) == (2, D("15.00"), "claimed")
    assert set(claim.vouchers.values_list("entry_id", flat=True)) == {e.pk for e in inside}
    assert set(Voucher.objects.filter(claim=claim).values_list("status", flat=True)) == {"claimed"}
    with pytest.raises(vouchers.VoucherError) as refused:  # nothing left: taken already
        vouchers.open_claim(world.association, ccas, dt.date(2026, 11, 1), dt.date(2026, 11, 30), by=world.admin,
                            now=NOW)
    assert "CCAS de Romans" in str(refused.value)
    with pytest.raises(vouchers.VoucherError):  # another association's issuer
        vouchers.open_claim(world.elsewhere, dept, dt.date(2026, 11, 1), dt.date(2026, 11, 30), by=None, now=NOW)
    with pytest.raises(vouchers.VoucherError):  # the end before the start
        vouchers.open_claim(world.association, dept, dt.date(2026, 11, 30), dt.date(2026, 11, 1), by=None, now=NOW)
    assert VoucherClaim.objects.count() == 1


def test_reimbursed_then_undone_then_cancelled_each_step_recorded(world):
    ccas = issuer(world.association, "CCAS de Romans")
    entry = pay(world, "A1")
    claim = vouchers.open_claim(world.association, ccas, dt.date(2026, 11, 1), dt.date(2026, 11, 30),
                                by=world.admin, now=NOW)
    with pytest.raises(services.AccountError):  # claimed: the payment is not corrected under the claim
        services.reverse_entry(entry=entry, by=world.admin)
    with pytest.raises(vouchers.VoucherError):  # in the future
        vouchers.mark_reimbursed(claim, on=dt.date(2026, 11, 21), by=world.admin, now=NOW)
    with pytest.raises(vouchers.VoucherError):  # reimbursed: undo it first
        vouchers.reopen_claim(claim, by=world.admin, reason="erreur", now=NOW)
    done = vouchers.mark_reimbursed(claim.pk, on=dt.date(2026, 11, 19), by=world.admin, now=NOW,
                                    bank_reference="VIR CCAS 4411")
    assert (done.status, done.reimbursed_on, done.reimbursed_by, done.bank_reference) == (
        "reimbursed", dt.date(2026, 11, 19), world.admin, "VIR CCAS 4411")
    assert Voucher.objects.get(entry=entry).status == "reimbursed"
    with pytest.raises(vouchers.VoucherError):
        vouchers.mark_reimbursed(claim, on=dt.date(2026, 11, 19), by=world.admin, now=NOW)
    with pytest.raises(vouchers.VoucherError):
        vouchers.cancel_claim(claim, by=world.admin, now=NOW)
    with pytest.raises(vouchers.VoucherError):  # a reason is required
        vouchers.reopen_claim(claim, by=world.admin, reason=" ", now=NOW)
    reopened = vouchers.reopen_claim(claim, by=world.admin, reason="virement d'un autre dispositif", now=NOW)
    assert (reopened.status, reopened.reimbursed_on, reopened.bank_reference) == ("claimed", None, "")
    assert Voucher.objects.get(entry=entry).status == "claimed"
    cancelled = vouchers.cancel_claim(claim, by=world.admin, reason="à refaire", now=NOW)
    assert cancelled.status == "cancelled" and (cancelled.count, cancelled.total) == (1, D("5.00"))
    voucher = Voucher.objects.get(entry=entry)
    assert (voucher.status, voucher.claim_id) == ("received", None)
    assert list(VoucherClaimEvent.objects.filter(claim=claim).values_list("kind", flat=True)) == [
        "claimed", "reimbursed", "reopened", "cancelled"]
    assert "A1" in VoucherClaimEvent.objects.get(claim=claim, kind="cancelled").note
    services.reverse_entry(entry=entry, by=world.admin)  # back to received: the payment may be corrected


def test_claims_awaiting_reimbursement_lists_the_claimed_ones(world):
    ccas = issuer(world.association, "CCAS de Romans")
    pay(world, "A1", now=at(2))
    pay(world, "A2", value="8.50", now=at(9))
    first = vouchers.open_claim(world.association, ccas, dt.date(2026, 11, 1), dt.date(2026, 11, 5), by=None, now=NOW)
    second = vouchers.open_claim(world.association, ccas, dt.date(2026, 11, 6), dt.date(2026, 11, 10), by=None,
                                 now=NOW)
    vouchers.mark_reimbursed(first, on=dt.date(2026, 11, 20), by=None, now=NOW)
    awaiting = vouchers.claims_awaiting_reimbursement(world.association.pk)
    assert [(c.pk, c.reference, c.issuer_name, c.total) for c in awaiting] == [
        (second.pk, "BR-2026-002", "CCAS de Romans", D("8.50"))]
    assert vouchers.claims_awaiting_reimbursement(world.elsewhere.pk) == []


def test_the_migration_makes_issuers_and_vouchers_of_the_old_voucher_entries(world):
    """The data step of 0006 over entries written the old way (free-text issuer, no voucher row)."""
    common = {"association": world.association, "member": world.member, "kind": Entry.Kind.PAYMENT,
              "means": Means.VOUCHER, "at": at(3)}
    old = [Entry.objects.create(amount=D("5.00"), voucher_value=D("5.00"), issuer="CCAS Romans", reference="B1",
                                **common),
           Entry.objects.create(amount=D("5.00"), voucher_value=D("5.00"), issuer="ccas  romans", reference="B1",
                                **common),
           Entry.objects.create(amount=D("10.00"), issuer="Département de la Drôme", reference="D-7", **common)]
    Entry.objects.create(amount=D("3.00"), means=Means.CASH, kind=Entry.Kind.PAYMENT, association=world.association,
                         member=world.member)
    step = importlib.import_module("grappe.accounts.migrations.0006_vouchers_from_entries")
    step.create_issuers_and_vouchers(django_apps, None)
    step.create_issuers_and_vouchers(django_apps, None)  # twice: nothing more
    issuers = {i.name: i.kind for i in VoucherIssuer.objects.filter(association=world.association)}
    assert issuers == {"CCAS Romans": "ccas", "Département de la Drôme": "departement"}
    rows = Voucher.objects.order_by("entry_id")
    assert [(v.entry_id, v.issuer.name, v.number, v.value, v.status) for v in rows] == [
        (old[0].pk, "CCAS Romans", "B1", D("5.00"), "received"), (old[1].pk, "CCAS Romans", "B1", D("5.00"), "received"),
        (old[2].pk, "Département de la Drôme", "D-7", D("10.00"), "received")]
    assert vouchers.duplicate_vouchers(world.association).count() == 2
