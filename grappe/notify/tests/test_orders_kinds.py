"""Reminders over order cycles, on cycles built with the orders app's own test factory.

Every moment is fixed (a Tuesday in March, away from summer time): nothing depends on the hour the
tests run at. The shop is built at 06:00, the hour at which these tests used to fail (the cycle
opened at 08:00 "today" was not open yet on the real clock).
"""

import datetime as dt
import io
from decimal import Decimal as D

import pytest
from django.utils import timezone

from grappe.network.tests.factories import SiteFactory
from grappe.notify.engine import send_due
from grappe.notify.gsm import fits_one_sms
from grappe.notify.sms import ConsoleBackend
from grappe.orders import services as order_services
from grappe.orders.models import CycleGroup, CycleStop, OrderCycle
from grappe.orders.services import LineChange
from grappe.orders.tests.factories import make_cycle, make_member, pay

DAY = dt.date(2026, 3, 10)


def local(day_offset, hour, minute=0):
    """A Paris local time, day_offset days after DAY."""
    return timezone.make_aware(dt.datetime.combine(DAY + dt.timedelta(days=day_offset), dt.time(hour, minute)))


NOW = local(0, 6)


@pytest.fixture
def backend():
    return ConsoleBackend(stream=io.StringIO())


@pytest.fixture
def shop(world):
    return make_cycle(world, now=NOW)  # opened at 05:00, closes in two days


def member(world, **fields):
    """A member who paid the membership of DAY's year."""
    return pay(make_member(world, paid=False, **fields), year=DAY.year)


def order(shop, member, by, at=None):
    order_services.place_order(cycle=shop.cycle, member=member, by=by, now=at or local(0, 9),
                               lines=[LineChange(product_id=shop.oranges.pk, quantity=D("2"))])


def sent_to(backend):
    return sorted(to for to, _text in backend.sent)


def test_an_opening_is_announced_once_to_every_active_member_of_the_groups(world, shop, backend):
    member(world, group=world.other_group, phone="06 11 11 11 11")
    member(world, phone="06 22 22 22 22", status="left")
    send_due(NOW, kinds=["cycle_open"], backend=backend)
    send_due(NOW + dt.timedelta(hours=1), kinds=["cycle_open"], backend=backend)
    assert sent_to(backend) == ["+33600000000", "+33611111111"]
    assert "commande de votre groupement est ouverte" in backend.sent[0][1]


def test_an_old_opening_is_not_announced(world, shop, backend):
    OrderCycle.objects.filter(pk=shop.cycle.pk).update(opens_at=NOW - dt.timedelta(days=5))
    assert send_due(NOW, kinds=["cycle_open"], backend=backend).counts == {}


def test_the_day_before_closing_only_those_who_have_not_ordered_are_reminded(world, shop, backend):
    other = member(world, phone="06 33 33 33 33")
    order(shop, world.member, world.volunteer)
    OrderCycle.objects.filter(pk=shop.cycle.pk).update(opens_at=local(-1, 8), closes_at=local(1, 20))
    send_due(local(0, 10), kinds=["cycle_closes_tomorrow"], backend=backend)
    assert sent_to(backend) == ["+33633333333"]
    assert backend.sent[0][1] == ("Dernier jour : la commande de votre groupement ferme demain à 20h00. Commandez "
                                  "en ligne, ou appelez votre groupement.")
    assert other.pk


def test_the_day_before_the_distribution_those_who_ordered_get_day_and_place(world, shop, backend):
    member(world, phone="06 44 44 44 44")  # did not order: nothing to collect
    order(shop, world.member, world.volunteer)
    CycleGroup.objects.filter(cycle=shop.cycle, group=world.group).update(distribution_date=local(1, 0).date())
    send_due(local(0, 10), kinds=["distribution_tomorrow"], backend=backend)
    send_due(local(0, 11), kinds=["distribution_tomorrow"], backend=backend)
    assert backend.sent == [("+33600000000", "Rappel : votre panier est distribué demain, Salle des fetes. Apportez "
                                             "vos sacs et contenants.")]


def test_a_van_stop_gets_its_own_date_and_arrival_time(world, shop, backend):
    near = SiteFactory(group=world.group, name="Saint-Julien-en-Quint, place de l'église et du monument aux morts",
                       is_stop=True)
    far = SiteFactory(group=world.group, name="Vassieux", is_stop=True)
    cycle_group = CycleGroup.objects.get(cycle=shop.cycle, group=world.group)
    CycleStop.objects.create(cycle_group=cycle_group, site=near, distribution_date=local(1, 0).date(), time="10h15")
    CycleStop.objects.create(cycle_group=cycle_group, site=far, distribution_date=local(2, 0).date(), time="14h00")
    world.member.stop = near
    world.member.save()
    at_far = member(world, phone="06 55 55 55 55", stop=far)
    order(shop, world.member, world.volunteer)
    order(shop, at_far, world.volunteer)
    send_due(local(0, 10), kinds=["distribution_tomorrow"], backend=backend)
    assert len(backend.sent) == 1
    to, text = backend.sent[0]
    assert to == "+33600000000"
    assert "demain à 10h15" in text and "Saint-Julien" in text
    assert fits_one_sms(text)


def test_every_order_sms_fits_one_sms(world, shop, backend):
    long_place = "Maison des Associations et de la Vie Locale de Saint-Nazaire-en-Royans, salle du fond " * 2
    CycleGroup.objects.filter(cycle=shop.cycle, group=world.group).update(
        distribution_date=local(1, 0).date(), place=long_place)
    OrderCycle.objects.filter(pk=shop.cycle.pk).update(closes_at=local(1, 20), opens_at=local(0, 8))
    member(world, phone="06 66 66 66 66")
    order(shop, world.member, world.volunteer)
    send_due(local(0, 10), kinds=["cycle_open", "cycle_closes_tomorrow", "distribution_tomorrow"], backend=backend)
    assert len(backend.sent) == 4
    for _to, text in backend.sent:
        assert fits_one_sms(text), text


def test_without_a_time_in_the_cycle_the_van_stop_uses_the_tours_planned_arrival(world, shop, backend):
    from grappe.network.tests.factories import CommuneFactory
    from grappe.tours.models import RunDay, RunStop, RunVisit, Scenario, ScenarioRun, Tour

    stop_site = SiteFactory(group=world.group, name="Chamaloc", is_stop=True)
    tomorrow = local(1, 0).date()
    cycle_group = CycleGroup.objects.get(cycle=shop.cycle, group=world.group)
    CycleStop.objects.create(cycle_group=cycle_group, site=stop_site, distribution_date=tomorrow, time="")
    commune = CommuneFactory()
    run = ScenarioRun.objects.create(scenario=Scenario.objects.create(association=world.association,
                                                                      group=world.group, name="Diois",
                                                                      depot=commune))
    run_stop = RunStop.objects.create(run=run, name="Chamaloc", commune=commune, latitude=D("44.8"),
                                      longitude=D("5.4"), frequency="weekly", service_minutes=45, site=stop_site)
    day = RunDay.objects.create(run=run, week=0, weekday=tomorrow.weekday(), km=D("40"), minutes=300)
    RunVisit.objects.create(day=day, stop=run_stop, position=1, arrival=10 * 60 + 45, departure=11 * 60 + 30)
    Tour.objects.create(group=world.group, run=run, period_start=tomorrow - dt.timedelta(days=tomorrow.weekday()))
    world.member.stop = stop_site
    world.member.save()
    order(shop, world.member, world.volunteer)
    send_due(local(0, 10), kinds=["distribution_tomorrow"], backend=backend)
    assert backend.sent == [("+33600000000", "Rappel : votre panier est distribué demain à 10h45, Chamaloc. "
                                             "Apportez vos sacs et contenants.")]
