"""Two admins deactivate each other at the same moment, on PostgreSQL: one of them stays.

Run with DATABASE_URL=postgres://postgres@127.0.0.1:5432/grappe_team (SQLite has no row locks).
"""


import pytest
from django.contrib.auth import get_user_model

from grappe.core.errors import DomainError
from grappe.core.tests.concurrency import race, require_postgres
from grappe.network import services
from grappe.network.models import Role
from grappe.network.tests.factories import AssociationFactory, UserFactory, make_role

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_admins_deactivating_each_other_leave_one_active():
    require_postgres("grappe_team")
    association = AssociationFactory()
    first, second = UserFactory(username="first"), UserFactory(username="second")
    for user in (first, second):
        make_role(user, association, Role.Kind.ADMIN)
    for _ in range(5):
        outcomes = race(
            lambda: services.deactivate_person(association=association, user=second, by=first),
            lambda: services.deactivate_person(association=association, user=first, by=second),
        )
        errors = [error for _result, error in outcomes if error is not None]
        assert len(errors) == 1 and isinstance(errors[0], DomainError)
        assert get_user_model().objects.filter(pk__in=[first.pk, second.pk], is_active=True).count() == 1
        get_user_model().objects.filter(pk__in=[first.pk, second.pk]).update(is_active=True)
