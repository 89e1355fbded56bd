"""Claims prepared at the same moment on PostgreSQL: no voucher is ever taken by two claims, and the
numbers are consecutive. PostgreSQL only: see grappe/core/tests/concurrency.py."""

import datetime as dt
from decimal import Decimal as D

import pytest

from grappe.accounts import services, vouchers
from grappe.accounts.models import Means, Voucher, VoucherClaim
from grappe.accounts.tests.factories import issuer
from grappe.core.tests.concurrency import errors, postgres_only, run_concurrently

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]

RACERS = 8
NOW = dt.datetime(2026, 11, 20, 18, 0, tzinfo=dt.UTC)


def test_two_claims_at_once_never_take_the_same_voucher(world):
    ccas = issuer(world.association, "CCAS de Romans")
    for day in range(1, 11):
        services.record_payment(member=world.member, amount=D("5"), means=Means.VOUCHER, reference=f"B{day}",
                                issuer=ccas, by=None, now=dt.datetime(2026, 11, day, 17, tzinfo=dt.UTC))

    def claim():
        return vouchers.open_claim(world.association, ccas, dt.date(2026, 11, 1), dt.date(2026, 11, 30), by=None,
                                   now=NOW)

    outcomes = run_concurrently(*[claim] * RACERS)
    assert len(errors(outcomes)) == RACERS - 1  # the others found nothing left to claim
    assert all(isinstance(error, vouchers.VoucherError) for error in errors(outcomes))
    claims = list(VoucherClaim.objects.filter(association=world.association))
    assert [(c.reference, c.count, c.total) for c in claims] == [("BR-2026-001", 10, D("50.00"))]
    assert Voucher.objects.filter(claim=claims[0], status="claimed").count() == 10


def test_claims_for_several_issuers_at_once_get_consecutive_numbers(world):
    issuers = [issuer(world.association, f"CCAS {i}") for i in range(RACERS)]
    for i, one in enumerate(issuers):
        services.record_payment(member=world.member, amount=D("5"), means=Means.VOUCHER, reference=f"B{i}",
                                issuer=one, by=None, now=dt.datetime(2026, 11, 5, 17, tzinfo=dt.UTC))
    outcomes = run_concurrently(*[
        (lambda one=one: vouchers.open_claim(world.association, one, dt.date(2026, 11, 1), dt.date(2026, 11, 30),
                                             by=None, now=NOW)) for one in issuers])
    assert errors(outcomes) == []
    numbers = sorted(VoucherClaim.objects.filter(association=world.association).values_list("sequence", flat=True))
    assert numbers == list(range(1, RACERS + 1))
