"""Invoices issued at the same moment on PostgreSQL: numbers never shared, never skipped, even when the
year's counter row does not exist yet. PostgreSQL only: see grappe/core/tests/concurrency.py."""

from datetime import UTC, datetime
from decimal import Decimal as D

import pytest

from grappe.core.tests.concurrency import errors, postgres_only, run_concurrently
from grappe.invoicing import services
from grappe.invoicing.amounts import Line
from grappe.invoicing.models import Invoice
from grappe.members.models import Member
from grappe.members.tests.factories import MemberFactory

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]

ISSUERS = 8
NOW = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)


def test_invoices_issued_at_once_get_consecutive_numbers(world):
    ccas = MemberFactory(association=world.association, group=world.group, kind=Member.Kind.STRUCTURE, name="CCAS")

    def issue():
        return services.issue_invoice(association=world.association, member=ccas, buyer=services.buyer_of(ccas),
                                      lines=[Line("Paniers", D("1"), D("10"))], by=world.coordinator, now=NOW)

    first_round = run_concurrently(*[issue] * ISSUERS)  # the 2026 counter row is created by the race
    second_round = run_concurrently(*[issue] * ISSUERS)
    assert errors(first_round) == [] and errors(second_round) == []
    numbers = sorted(Invoice.objects.filter(association=world.association, year=2026).values_list("number", flat=True))
    assert numbers == list(range(1, 2 * ISSUERS + 1))
