"""The "To do" list of the home page: what each role has to do now, the most pressing first."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from grappe.core.tasks import tasks_for
from grappe.distribution import services as distribution_services
from grappe.distribution.models import Distribution
from grappe.distribution.tests.factories import make_day
from grappe.members.models import Member
from grappe.network.access import scope_for
from grappe.orders import services as order_services
from grappe.orders.models import PurchaseOrder
from grappe.orders.tests.factories import make_cycle, make_member

pytestmark = pytest.mark.django_db


def texts(user, today=None):
    tasks, _total = tasks_for(scope_for(user), today)
    return [(task.text, task.urgent) for task in tasks]


def test_a_member_is_asked_to_fill_their_basket_until_they_order(world):
    shop = make_cycle(world)
    [(text, urgent)] = texts(world.member_user)
    assert text.startswith("Les commandes sont ouvertes jusqu’au") and "remplissez votre panier" in text and not urgent
    order_services.set_line(cycle=shop.cycle, member=world.member, product=shop.oranges, quantity=D("2"),
                            by=world.member_user)
    [(text, urgent)] = texts(world.member_user)  # then when and where the basket is collected
    assert text.startswith("Votre panier sera prêt le") and "Salle des fêtes" in text and not urgent


def test_a_coordinator_sees_a_draft_a_closing_soon_and_an_urgent_closed_cycle(world):
    shop = make_cycle(world)  # closes in two days
    assert [text for text, _ in texts(world.coordinator)] == ["«\u00a0Commande de test\u00a0»\u00a0: les commandes se terminent le "
                                                              + _day(timezone.localdate(shop.cycle.closes_at)) + "."]
    order_services.close_cycle(cycle=shop.cycle, by=world.coordinator)
    [(text, urgent)] = texts(world.coordinator)
    assert "est close" in text and urgent
    assert texts(world.volunteer) == []  # volunteers do not confirm purchase orders


def test_purchase_orders_to_send_then_to_receive_one_line_per_cycle(world):
    day = make_day(world)
    urgent = [text for text, urgent in texts(world.coordinator) if urgent]
    assert urgent == ["Envoyer les 2 bons de commande de «\u00a0Commande de test\u00a0» (Ferme du Diois, Huilerie)."]
    PurchaseOrder.objects.filter(cycle=day.cycle).update(status=PurchaseOrder.Status.SENT,
                                                         delivery_date=timezone.localdate() - dt.timedelta(days=1))
    urgent = [text for text, urgent in texts(world.coordinator) if urgent]
    assert urgent == ["Saisir les 2 livraisons de «\u00a0Commande de test\u00a0» (Ferme du Diois, Huilerie)."]
    PurchaseOrder.objects.filter(cycle=day.cycle, supplier=day.shop.mill).update(status=PurchaseOrder.Status.RECEIVED)
    tasks, _total = tasks_for(scope_for(world.coordinator))
    [task] = [task for task in tasks if task.urgent]
    assert task.text == "Saisir ce qui a été livré pour «\u00a0Commande de test\u00a0» (Ferme du Diois)."
    assert task.url == reverse("orders:receipt", args=[PurchaseOrder.objects.get(supplier=day.shop.farm).pk])


def test_empty_rota_slots_a_volunteers_own_slot_and_a_late_distribution(world):
    day = make_day(world)
    slot = distribution_services.add_slot(distribution=day.day, task="Pesée du vrac", starts_at=dt.time(17, 0),
                                          ends_at=dt.time(19, 0))
    assert any("1 créneau sans bénévole" in text for text, _ in texts(world.coordinator))
    distribution_services.sign_up(slot=slot, by=world.volunteer)
    assert not any("sans bénévole" in text for text, _ in texts(world.coordinator))
    assert any(text.startswith("Vous êtes dans l’équipe\u00a0: Pesée du vrac") and "de 17:00 à 19:00" in text
               for text, _ in texts(world.volunteer))
    Distribution.objects.filter(pk=day.day.pk).update(date=timezone.localdate() - dt.timedelta(days=1))
    late = [text for text, urgent in texts(world.coordinator) if urgent]
    assert any(text.startswith("Clôturer la distribution") for text in late)


def test_a_member_is_told_their_basket_is_waiting(world):
    make_day(world)
    assert any(text.startswith("Votre panier vous attend") for text, _ in texts(world.member_user))


def test_waiting_list_and_situations_to_review_for_coordinators_only(world, client_for):
    make_member(world, status=Member.Status.WAITING, waiting_since=timezone.now())
    late = make_member(world, review_date=timezone.localdate() - dt.timedelta(days=3), name="Revoir Paul")
    make_member(world, review_date=timezone.localdate() + dt.timedelta(days=30), name="Plus Tard Anne")
    found = [text for text, _ in texts(world.coordinator)]
    assert "1 foyer en liste d’attente." in found
    assert "1 foyer dont la situation est à revoir." in found
    assert texts(world.volunteer) == []
    page = client_for(world.coordinator).get(reverse("members:list"), {"revoir": "1"}).content.decode()
    assert late.name in page and "Plus Tard Anne" not in page
    page = client_for(world.volunteer).get(reverse("members:list"), {"revoir": "1"}).content.decode()
    assert "Plus Tard Anne" in page  # the filter is ignored: volunteers never see review dates


def test_the_home_page_shows_the_most_pressing_first_and_says_how_many(world, client_for, monkeypatch):
    make_member(world, status=Member.Status.WAITING, waiting_since=timezone.now())
    shop = make_cycle(world)
    order_services.close_cycle(cycle=shop.cycle, by=world.coordinator)
    text = client_for(world.coordinator).get(reverse("home")).content.decode()
    assert "À faire" in text
    assert text.index("est close") < text.index("foyer en liste d’attente")  # urgent first
    monkeypatch.setattr("grappe.core.tasks.MAX_TASKS", 1)
    text = client_for(world.coordinator).get(reverse("home")).content.decode()
    assert "est close" in text and "liste d’attente" not in text
    assert "2 tâches en tout\u00a0: les plus urgentes sont affichées." in text


def _day(value):
    from django.utils.formats import date_format

    return date_format(value, "l j F")
