"""The van's route sheet counts the baskets each stop hands out on its date (tours reads orders)."""

import datetime
from decimal import Decimal as D

import pytest
from django.utils import timezone

from grappe.network.models import Site
from grappe.orders import services
from grappe.orders.models import CycleGroup, CycleStop
from grappe.orders.tests.factories import make_cycle, make_member
from grappe.tours.queries import baskets_by_stop

pytestmark = pytest.mark.django_db


def test_baskets_are_counted_per_stop_on_the_stop_date(world):
    setup = make_cycle(world)
    square = Site.objects.create(group=world.group, name="Place du village", is_stop=True)
    hall = Site.objects.create(group=world.group, name="Salle des fêtes", is_stop=True)
    day = timezone.localdate() + datetime.timedelta(days=7)
    cycle_group = CycleGroup.objects.get(cycle=setup.cycle, group=world.group)
    CycleStop.objects.create(cycle_group=cycle_group, site=square, distribution_date=day)
    CycleStop.objects.create(cycle_group=cycle_group, site=hall, distribution_date=day + datetime.timedelta(days=1))
    for stop in (square, square, hall):
        member = make_member(world, stop=stop)
        services.set_line(cycle=setup.cycle, member=member, product=setup.oranges, quantity=D("2"),
                          by=world.volunteer)
    make_member(world, stop=square)  # attached to the stop but ordered nothing: no basket
    assert baskets_by_stop([square, hall], day) == {square.pk: 2}
    assert baskets_by_stop([square, hall], day + datetime.timedelta(days=1)) == {hall.pk: 1}
