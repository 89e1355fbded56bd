"""Two admins deactivate each other at the same moment, on PostgreSQL: one of them stays.

Run with DATABASE_URL=postgres://postgres@127.0.0.1:5432/grappe_team (SQLite has no row locks).
"""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections

from grappe.core.errors import DomainError
from grappe.network import services
from grappe.network.models import Role
from grappe.network.tests.factories import AssociationFactory, UserFactory, make_role

pytestmark = pytest.mark.django_db(transaction=True)


def race(*actions):
    start = threading.Barrier(len(actions))
    outcomes = [None] * len(actions)

    def run(index, action):
        try:
            start.wait()
            outcomes[index] = (action(), None)
        except Exception as error:  # noqa: BLE001 - returned to the test
            outcomes[index] = (None, error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(outcome is not None for outcome in outcomes), "a thread did not finish"
    return outcomes


def test_two_admins_deactivating_each_other_leave_one_active():
    if connection.vendor != "postgresql":
        pytest.skip("Concurrency proof skipped: it needs PostgreSQL row locks "
                    "(set DATABASE_URL=postgres://postgres@127.0.0.1:5432/grappe_team).")
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
