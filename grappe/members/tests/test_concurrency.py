"""Two coordinators admitting at once cannot both take the last solidarity place (PostgreSQL only)."""

import pytest

from grappe.core.tests.concurrency import errors, postgres_only, run_concurrently
from grappe.members import services
from grappe.members.models import Member
from grappe.members.tests.factories import MemberFactory
from grappe.network.tests.factories import BuyingGroupFactory

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]


def test_concurrent_solidarity_admissions_never_break_the_quota(world):
    group = BuyingGroupFactory(association=world.association)
    for _ in range(14):
        MemberFactory(association=world.association, group=group, category="priority")
    # 14 priority members: room for exactly 6 solidarity members at 70 %.
    outcomes = run_concurrently(*[
        lambda n=n: services.admit_member(group=group, by=world.coordinator, name=f"S{n}", phone="06",
                                          category="solidarity")
        for n in range(12)])
    assert errors(outcomes) == []
    solidarity = Member.objects.filter(group=group, category="solidarity")
    assert solidarity.filter(status="active").count() == 6
    assert solidarity.filter(status="waiting").count() == 6
    numbers = list(Member.objects.filter(association=world.association).values_list("number", flat=True))
    assert len(numbers) == len(set(numbers))
