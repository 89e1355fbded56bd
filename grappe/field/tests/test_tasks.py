"""The home page's tasks of the field app: refused entries for coordinators, a day to prepare for volunteers."""

import uuid

import pytest
from django.utils import timezone

from grappe.core.tasks import tasks_for
from grappe.field import services
from grappe.field.tests.factories import make_tour_day
from grappe.network.access import scope_for

pytestmark = pytest.mark.django_db


def texts(user, today):
    user.__dict__.pop("_grappe_scope", None)
    return [task.text for task in tasks_for(scope_for(user), today)[0]]


def test_a_volunteer_is_asked_to_prepare_todays_tour_until_a_device_is_prepared(world):
    now = timezone.now()
    tour = make_tour_day(world, now=now)
    wanted = "Préparer pour la route la tournée de VRAC mobile Test"
    assert any(text.startswith(wanted) for text in texts(world.volunteer, tour.day))
    services.prepare_device(group=tour.group, day=tour.day, label="Tablette", by=world.volunteer, now=now)
    assert not any(text.startswith(wanted) for text in texts(world.volunteer, tour.day))


def test_coordinators_are_told_how_many_refused_entries_wait(world):
    now = timezone.now()
    tour = make_tour_day(world, now=now)
    device, _key = services.prepare_device(group=tour.group, day=tour.day, label="T", by=world.volunteer, now=now)
    services.apply_entries(device=device, now=now, entries=[
        {"id": str(uuid.uuid4()), "kind": "not_collected", "basket": basket.pk, "stamp": "old"}
        for basket in tour.baskets[:2]])
    assert "2 saisies refusées à traiter." in texts(world.coordinator, tour.day)
    assert not any("refusée" in text for text in texts(world.volunteer, tour.day))
