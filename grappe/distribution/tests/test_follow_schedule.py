"""Upcoming distributions follow the cycle's schedule as soon as it changes; closed ones keep theirs."""

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


def test_a_new_schedule_moves_the_upcoming_distribution_at_once(world):
    day = make_day(world)
    move(world, day, 12, "Gymnase")
    moved = Distribution.objects.get(pk=day.day.pk)
    assert (moved.date, moved.place) == (timezone.localdate() + dt.timedelta(days=12), "Gymnase")


def test_a_closed_distribution_keeps_its_date(world):
    day = make_day(world)
    Distribution.objects.filter(pk=day.day.pk).update(status=Distribution.Status.CLOSED)
    before = Distribution.objects.get(pk=day.day.pk).date
    move(world, day, 12, "Gymnase")
    assert Distribution.objects.get(pk=day.day.pk).date == before
    services.create_distributions(cycle=day.cycle, by=world.coordinator)
    assert Distribution.objects.get(pk=day.day.pk).date == before
