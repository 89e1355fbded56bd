"""Upcoming distributions follow the cycle's schedule when the baskets are prepared again."""

import datetime as dt

import pytest
from django.utils import timezone

from grappe.distribution import services
from grappe.distribution.models import Distribution
from grappe.orders import services as order_services
from grappe.orders.models import CycleGroup

from .factories import make_day

pytestmark = pytest.mark.django_db


def move(world, day, days, place):
    cg = CycleGroup.objects.get(cycle=day.cycle, group=world.group)
    order_services.set_distribution_schedule(
        cycle=day.cycle, by=world.coordinator,
        groups=[order_services.GroupSchedule(cg.pk, timezone.localdate() + dt.timedelta(days=days), place=place)])


def test_preparing_again_carries_the_new_date_and_place(world):
    day = make_day(world)
    move(world, day, 12, "Gymnase")
    services.create_distributions(cycle=day.cycle, by=world.coordinator)
    moved = Distribution.objects.get(pk=day.day.pk)
    assert (moved.date, moved.place) == (timezone.localdate() + dt.timedelta(days=12), "Gymnase")


def test_a_closed_distribution_keeps_its_date(world):
    day = make_day(world)
    Distribution.objects.filter(pk=day.day.pk).update(status=Distribution.Status.CLOSED)
    before = Distribution.objects.get(pk=day.day.pk).date
    move(world, day, 12, "Gymnase")
    services.create_distributions(cycle=day.cycle, by=world.coordinator)
    assert Distribution.objects.get(pk=day.day.pk).date == before
