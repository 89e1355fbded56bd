"""Two coordinators admitting at once cannot both take the last solidarity place (PostgreSQL only)."""

import threading

import pytest
from django.db import connection

from grappe.members import services
from grappe.members.models import Member
from grappe.members.tests.factories import MemberFactory
from grappe.network.tests.factories import AssociationFactory, BuyingGroupFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are only real on PostgreSQL")
def test_concurrent_solidarity_admissions_never_break_the_quota():
    association = AssociationFactory()
    group = BuyingGroupFactory(association=association)
    coordinator = UserFactory()
    for _ in range(14):
        MemberFactory(association=association, group=group, category="priority")
    # 14 priority members: room for exactly 6 solidarity members at 70 %.
    errors = []

    def admit(n):
        try:
            services.admit_member(group=group, by=coordinator, name=f"S{n}", phone="06", category="solidarity")
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=admit, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    solidarity = Member.objects.filter(group=group, category="solidarity")
    assert solidarity.filter(status="active").count() == 6
    assert solidarity.filter(status="waiting").count() == 6
    numbers = list(Member.objects.filter(association=association).values_list("number", flat=True))
    assert len(numbers) == len(set(numbers))
