"""Two admins deactivate each other at the same moment, on PostgreSQL: one of them stays.

PostgreSQL only (SQLite has no row locks): see grappe/core/tests/concurrency.py.
"""

import pytest
from django.contrib.auth import get_user_model

from grappe.core.errors import DomainError
from grappe.core.tests.concurrency import errors, postgres_only, run_concurrently
from grappe.members.tests.personas import person
from grappe.network import services
from grappe.network.models import Role

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]


def test_two_admins_deactivating_each_other_leave_one_active(world):
    association = world.association
    first, second = world.admin, person("second_admin", association, Role.Kind.ADMIN)
    for _ in range(5):
        outcomes = run_concurrently(
            lambda: services.deactivate_person(association=association, user=second, by=first),
            lambda: services.deactivate_person(association=association, user=first, by=second),
        )
        refused = errors(outcomes)
        assert len(refused) == 1 and isinstance(refused[0], DomainError)
        assert get_user_model().objects.filter(pk__in=[first.pk, second.pk], is_active=True).count() == 1
        get_user_model().objects.filter(pk__in=[first.pk, second.pk]).update(is_active=True)
