"""Distribution dates, times and places of a cycle's groups and van stops: the service and the page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from grappe.core.errors import REFUSED, DomainError
from grappe.network.tests.factories import SiteFactory
from grappe.orders import services
from grappe.orders.models import CycleGroup, CycleStop, OrderCycle
from grappe.orders.services import GroupPlan, GroupSchedule, StopSchedule

from .factories import make_cycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def van(world):
    """A cycle whose second group is a van with two stops; the first group has a fixed site."""
    hall = SiteFactory(group=world.group, name="Maison de quartier")
    other_hall = SiteFactory(group=world.group, name="Salle paroissiale")
    world.other_group.kind = "mobile"
    world.other_group.save()
    square = SiteFactory(group=world.other_group, name="Place du village", is_stop=True, position=1)
    market = SiteFactory(group=world.other_group, name="Marché couvert", is_stop=True, position=2)
    now = timezone.now()
    day = timezone.localdate() + datetime.timedelta(days=7)
    cycle = services.create_cycle(
        association=world.association, name="Tournée de mars", opens_at=now - datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(days=2), by=world.coordinator,
        groups=[GroupPlan(world.group, day, site=hall),
                GroupPlan(world.other_group, day, stops=((square, day), (market, day)))])
    fixed = CycleGroup.objects.get(cycle=cycle, group=world.group)
    mobile = CycleGroup.objects.get(cycle=cycle, group=world.other_group)
    return {"cycle": cycle, "fixed": fixed, "mobile": mobile, "hall": hall, "other_hall": other_hall,
            "square": CycleStop.objects.get(cycle_group=mobile, site=square),
            "market": CycleStop.objects.get(cycle_group=mobile, site=market), "day": day}


def later(days):
    return timezone.localdate() + datetime.timedelta(days=days)


# --- the service -----------------------------------------------------------------------------------


def test_the_coordinator_moves_a_group_and_a_stop_to_another_date_time_and_place(world, van):
    services.set_distribution_schedule(
        cycle=van["cycle"], by=world.coordinator,
        groups=[GroupSchedule(van["fixed"].pk, later(9), time="14 h - 17 h", site_id=van["other_hall"].pk)],
        stops=[StopSchedule(van["market"].pk, later(10), time="10 h 30")])
    fixed = CycleGroup.objects.get(pk=van["fixed"].pk)
    assert (fixed.distribution_date, fixed.time, fixed.site_id, fixed.place) == (
        later(9), "14 h - 17 h", van["other_hall"].pk, "")
    assert fixed.place_label == "Salle paroissiale"
    market = CycleStop.objects.get(pk=van["market"].pk)
    assert (market.distribution_date, market.time) == (later(10), "10 h 30")
    assert CycleStop.objects.get(pk=van["square"].pk).distribution_date == van["day"]  # untouched


def test_a_date_before_the_closing_is_refused_in_french_and_nothing_changes(world, van):
    with pytest.raises(DomainError) as refusal:
        services.set_distribution_schedule(
            cycle=van["cycle"], by=world.coordinator,
            groups=[GroupSchedule(van["fixed"].pk, later(8), time="9 h")],
            stops=[StopSchedule(van["square"].pk, timezone.localdate())])
    assert "ne peut pas avoir lieu avant la clôture des commandes" in str(refusal.value)
    assert "Place du village" in str(refusal.value)
    fixed = CycleGroup.objects.get(pk=van["fixed"].pk)
    assert (fixed.distribution_date, fixed.time) == (van["day"], "")  # all or nothing


def test_the_closing_day_itself_is_allowed(world, van):
    closing_day = timezone.localdate(van["cycle"].closes_at)
    services.set_distribution_schedule(cycle=van["cycle"], by=world.coordinator,
                                       groups=[GroupSchedule(van["fixed"].pk, closing_day)])
    assert CycleGroup.objects.get(pk=van["fixed"].pk).distribution_date == closing_day


def test_a_missing_date_is_refused(world, van):
    with pytest.raises(DomainError, match="indiquez une date de distribution"):
        services.set_distribution_schedule(cycle=van["cycle"], by=world.coordinator,
                                           groups=[GroupSchedule(van["fixed"].pk, None)])


def test_a_site_of_another_group_or_a_stop_of_another_cycle_is_refused(world, van):
    elsewhere = SiteFactory(group=world.other_group, name="Salle de Die")
    with pytest.raises(DomainError, match="appartient à un autre groupement"):
        services.set_distribution_schedule(cycle=van["cycle"], by=world.coordinator,
                                           groups=[GroupSchedule(van["fixed"].pk, later(9), site_id=elsewhere.pk)])
    other = make_cycle(world)
    with pytest.raises(DomainError):
        services.set_distribution_schedule(cycle=other.cycle, by=world.coordinator,
                                           stops=[StopSchedule(van["square"].pk, later(9))])
    with pytest.raises(DomainError):
        services.set_distribution_schedule(cycle=other.cycle, by=world.coordinator,
                                           groups=[GroupSchedule(van["fixed"].pk, later(9))])


@pytest.mark.parametrize("status", ["closed", "ordered", "received"])
def test_dates_can_change_until_the_cycle_is_distributed(world, van, status):
    OrderCycle.objects.filter(pk=van["cycle"].pk).update(status=status)
    services.set_distribution_schedule(cycle=van["cycle"], by=world.coordinator,
                                       groups=[GroupSchedule(van["fixed"].pk, later(12))])
    assert CycleGroup.objects.get(pk=van["fixed"].pk).distribution_date == later(12)


@pytest.mark.parametrize("status", ["distributed", "settled"])
def test_a_distributed_cycle_keeps_its_dates(world, van, status):
    OrderCycle.objects.filter(pk=van["cycle"].pk).update(status=status)
    with pytest.raises(DomainError, match="a été distribuée"):
        services.set_distribution_schedule(cycle=van["cycle"], by=world.coordinator,
                                           groups=[GroupSchedule(van["fixed"].pk, later(12))])


# --- the page --------------------------------------------------------------------------------------


def _form(van, **changes):
    data = {f"date-{van['fixed'].pk}": later(7).isoformat(), f"time-{van['fixed'].pk}": "",
            f"site-{van['fixed'].pk}": str(van["hall"].pk), f"place-{van['fixed'].pk}": "",
            f"date-{van['mobile'].pk}": later(7).isoformat(), f"time-{van['mobile'].pk}": "",
            f"place-{van['mobile'].pk}": "",
            f"stop-date-{van['square'].pk}": later(7).isoformat(), f"stop-time-{van['square'].pk}": "",
            f"stop-date-{van['market'].pk}": later(7).isoformat(), f"stop-time-{van['market'].pk}": ""}
    data.update(changes)
    return data


def test_the_cycle_page_links_to_the_schedule_for_a_coordinator_only(world, van, client_for):
    url = reverse("orders:cycle_schedule", args=[van["cycle"].pk])
    assert url in client_for(world.admin).get(reverse("orders:cycle_detail", args=[van["cycle"].pk])).content.decode()
    assert url not in client_for(world.volunteer).get(
        reverse("orders:cycle_detail", args=[van["cycle"].pk])).content.decode()


def test_the_admin_sees_every_group_and_stop_of_the_cycle(world, van, client_for):
    response = client_for(world.admin).get(reverse("orders:cycle_schedule", args=[van["cycle"].pk]))
    text = response.content.decode()
    assert response.status_code == 200
    assert f'name="stop-time-{van["market"].pk}"' in text and "Marché couvert" in text
    assert f'name="site-{van["fixed"].pk}"' in text and "Salle paroissiale" in text


def test_a_group_coordinator_sees_only_their_groups(world, van, client_for):
    text = client_for(world.coordinator).get(reverse("orders:cycle_schedule", args=[van["cycle"].pk])).content.decode()
    assert f'name="date-{van["fixed"].pk}"' in text
    assert f'name="date-{van["mobile"].pk}"' not in text and "Marché couvert" not in text


def test_the_page_saves_dates_times_and_places(world, van, client_for):
    url = reverse("orders:cycle_schedule", args=[van["cycle"].pk])
    response = client_for(world.admin).post(url, _form(
        van, **{f"date-{van['fixed'].pk}": later(9).isoformat(), f"time-{van['fixed'].pk}": "14 h - 17 h",
                f"place-{van['fixed'].pk}": "Cour de l'école", f"stop-time-{van['market'].pk}": "10 h 30"}))
    assert response.status_code == 302
    fixed = CycleGroup.objects.get(pk=van["fixed"].pk)
    assert (fixed.distribution_date, fixed.time, fixed.place_label) == (later(9), "14 h - 17 h", "Cour de l'école")
    assert CycleStop.objects.get(pk=van["market"].pk).time == "10 h 30"
    detail = client_for(world.admin).get(response["Location"]).content.decode()
    assert "14 h - 17 h" in detail and "10 h 30" in detail


def test_the_page_refuses_a_date_before_the_closing_and_keeps_what_was_typed(world, van, client_for):
    url = reverse("orders:cycle_schedule", args=[van["cycle"].pk])
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = client_for(world.admin).post(url, _form(van, **{f"date-{van['fixed'].pk}": yesterday,
                                                               f"time-{van['fixed'].pk}": "9 h"}))
    text = response.content.decode()
    assert response.status_code == REFUSED
    assert "avant la clôture des commandes" in text
    assert f'value="{yesterday}"' in text and 'value="9 h"' in text
    assert CycleGroup.objects.get(pk=van["fixed"].pk).distribution_date == van["day"]


def test_volunteers_and_outsiders_get_404(world, van, client_for):
    url = reverse("orders:cycle_schedule", args=[van["cycle"].pk])
    assert client_for(world.volunteer).get(url).status_code == 404
    assert client_for(world.outsider).post(url, _form(van)).status_code == 404
    assert CycleGroup.objects.get(pk=van["fixed"].pk).distribution_date == van["day"]


def test_after_ordering_the_page_says_prepared_distributions_follow_at_once(world, van, client_for):
    url = reverse("orders:cycle_schedule", args=[van["cycle"].pk])
    assert "prennent aussitôt" not in client_for(world.admin).get(url).content.decode()
    OrderCycle.objects.filter(pk=van["cycle"].pk).update(status="ordered")
    assert "prennent aussitôt" in client_for(world.admin).get(url).content.decode()


def test_a_distributed_cycle_shows_the_dates_without_a_save_button(world, van, client_for):
    OrderCycle.objects.filter(pk=van["cycle"].pk).update(status="distributed")
    text = client_for(world.admin).get(reverse("orders:cycle_schedule", args=[van["cycle"].pk])).content.decode()
    assert "ne peuvent plus être modifiées" in text and "Enregistrer les dates et lieux" not in text


def test_purchase_orders_not_sent_yet_follow_the_first_distribution_date(world, client_for):
    from decimal import Decimal as D

    from grappe.orders.models import PurchaseOrder

    from .factories import make_member

    shop = make_cycle(world)
    services.set_line(cycle=shop.cycle, member=world.member, product=shop.oil, quantity=D("4"), by=None)
    services.set_line(cycle=shop.cycle, member=make_member(world), product=shop.oil, quantity=D("2"), by=None)
    services.set_line(cycle=shop.cycle, member=world.member, product=shop.oranges, quantity=D("3"), by=None)
    services.close_cycle(cycle=shop.cycle, by=world.coordinator, confirm=True)
    PurchaseOrder.objects.filter(supplier=shop.farm).update(status=PurchaseOrder.Status.SENT)
    sent_date = PurchaseOrder.objects.get(supplier=shop.farm).delivery_date
    groups = [GroupSchedule(cg.pk, later(20 + i)) for i, cg in enumerate(CycleGroup.objects.filter(cycle=shop.cycle))]
    services.set_distribution_schedule(cycle=shop.cycle, by=world.coordinator, groups=groups)
    assert PurchaseOrder.objects.get(supplier=shop.mill).delivery_date == later(20)
    assert PurchaseOrder.objects.get(supplier=shop.farm).delivery_date == sent_date
