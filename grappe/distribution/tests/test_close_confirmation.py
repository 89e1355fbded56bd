"""Closing a distribution cannot be undone (issue 17): the day page asks for a tick box, and before
the distribution's day an explicit second choice; the service refuses an early closing without it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from grappe.core.tests.clock import daytime  # noqa: F401  (a fixture)
from grappe.distribution import services
from grappe.distribution.models import Basket, Distribution

from .factories import make_day

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("daytime")]


def hand_out(day):
    for basket in Basket.objects.filter(distribution=day.day):
        services.mark_not_collected(basket=basket, by=None)


def status(day) -> str:
    return Distribution.objects.get(pk=day.day.pk).status


def test_closing_before_the_day_is_refused_without_the_explicit_choice(world):
    day = make_day(world)
    hand_out(day)
    the_day = datetime.datetime.combine(day.day.date, datetime.time(18), tzinfo=timezone.get_current_timezone())
    with pytest.raises(services.DistributionError, match="avant son jour"):
        services.close_distribution(distribution=day.day, by=world.coordinator, now=the_day - datetime.timedelta(days=1))
    assert status(day) == "planned"
    services.close_distribution(distribution=day.day, by=world.coordinator, now=the_day)  # on its day: no choice asked
    assert status(day) == "closed"


def test_closing_early_with_the_explicit_choice(world):
    day = make_day(world)
    hand_out(day)
    assert day.day.date > timezone.localdate()
    services.close_distribution(distribution=day.day, by=world.coordinator, early=True)
    assert status(day) == "closed"


def test_the_day_page_asks_first_and_refuses_without_the_ticks(world, client_for):
    day = make_day(world)
    hand_out(day)
    client = client_for(world.coordinator)
    page = client.get(reverse("distribution:day", args=[day.day.pk])).content.decode()
    assert 'name="confirmed"' in page and 'name="early"' in page and "ne peut pas être rouverte" in page
    url = reverse("distribution:close", args=[day.day.pk])
    unticked = client.post(url, {"early": "1"})
    assert unticked.status_code == 422 and "Cochez la case pour confirmer la clôture" in unticked.content.decode()
    assert status(day) == "planned"
    not_early = client.post(url, {"confirmed": "1"})
    assert not_early.status_code == 422 and "pour la clôturer avant son jour" in not_early.content.decode()
    assert status(day) == "planned"
    assert client.post(url, {"confirmed": "1", "early": "1"}).status_code == 302
    assert status(day) == "closed"
