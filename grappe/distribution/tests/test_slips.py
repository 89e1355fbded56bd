"""Slips of the distribution day (issue 11): a refused page shows again what was typed, a delivery
reaches the baskets at once, a basket not collected shows nothing served, over-weighing is said."""

import datetime as dt
import re
from decimal import Decimal as D

import pytest
from django.urls import reverse

from grappe.accounts.models import Entry
from grappe.distribution import services
from grappe.distribution.models import Basket, BasketLine
from grappe.orders import services as order_services
from grappe.orders.models import PurchaseOrder, StockItem

from .factories import make_day

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 20, 17, 30, tzinfo=dt.UTC)


@pytest.fixture
def day(world):
    return make_day(world)


def _lines(basket):
    return {line.name.split()[0]: line for line in BasketLine.objects.filter(basket=basket)}


def _value(page, line) -> str | None:
    found = re.search(rf'name="served-{line.pk}"[^>]*value="([^"]*)"', page) or re.search(
        rf'value="([^"]*)"[^>]*name="served-{line.pk}"', page)
    return found.group(1) if found else None


@pytest.mark.parametrize("target", ["distribution:basket", "accounts:collect"])
def test_one_weight_out_of_tolerance_keeps_every_weight_typed_and_stores_nothing(world, day, client_for, target):
    lines = _lines(day.jeanne_basket)
    typed = {f"served-{lines['Lentilles'].pk}": "9", f"served-{lines['Huile'].pk}": "1",
             f"served-{lines['Oranges'].pk}": "2,5"}
    response = client_for(world.volunteer).post(reverse(target, args=[day.jeanne_basket.pk]), typed)
    assert response.status_code == 422
    page = response.content.decode()
    assert "tolérance" in page
    assert (_value(page, lines["Lentilles"]), _value(page, lines["Huile"]), _value(page, lines["Oranges"])) == (
        "9", "1", "2,5")
    assert not BasketLine.objects.filter(basket=day.jeanne_basket, served__isnull=False).exists()
    assert Basket.objects.get(pk=day.jeanne_basket.pk).status == Basket.Status.WAITING
    assert not Entry.objects.filter(member=day.jeanne).exists()


def test_a_weight_that_is_not_a_number_is_shown_again_with_the_others(world, day, client_for):
    lines = _lines(day.jeanne_basket)
    typed = {f"served-{lines['Lentilles'].pk}": "5,1", f"served-{lines['Oranges'].pk}": "deux"}
    response = client_for(world.volunteer).post(reverse("distribution:basket", args=[day.jeanne_basket.pk]), typed)
    assert response.status_code == 422
    page = response.content.decode()
    assert _value(page, lines["Lentilles"]) == "5,1" and _value(page, lines["Oranges"]) == "deux"
    assert not BasketLine.objects.filter(basket=day.jeanne_basket, served__isnull=False).exists()


def test_a_refused_sale_from_stock_shows_the_quantity_typed(world, day, client_for):
    StockItem.objects.create(group=world.group, product=day.shop.lentils, quantity=D("2"))
    url = reverse("distribution:add_from_stock", args=[day.jeanne_basket.pk])
    response = client_for(world.volunteer).post(url, {"product": day.shop.lentils.pk, "quantity": "3,5"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "stock" in page and 'value="3,5"' in page
    assert not BasketLine.objects.filter(basket=day.jeanne_basket, from_stock=True).exists()


def test_a_refused_button_shows_the_page_again_instead_of_redirecting(world, day, client_for):
    client = client_for(world.volunteer)
    response = client.post(reverse("distribution:close", args=[day.day.pk]), {"confirmed": "1", "early": "1"})
    assert response.status_code == 422 and "attendent encore" in response.content.decode()


def test_a_basket_not_collected_shows_nothing_served_and_no_payment(world, day, client_for):
    services.mark_not_collected(basket=day.jeanne_basket, by=world.volunteer, now=NOW)
    client = client_for(world.volunteer)
    page = client.get(reverse("distribution:basket", args=[day.jeanne_basket.pk])).content.decode()
    assert reverse("accounts:checkout", args=[day.jeanne_basket.pk]) not in page
    assert "Non retiré" in page and "rien n’a été servi" in page
    assert re.search(r'class="serve-total"[^<]*<strong>0,00', page)
    assert "Huile" in page and not re.search(r'class="serve-amount">[^<]*[1-9]', page)
    checkout = client.get(reverse("accounts:checkout", args=[day.jeanne_basket.pk])).content.decode()
    assert reverse("accounts:pay", args=[day.jeanne_basket.pk]) not in checkout
    assert reverse("accounts:on_account", args=[day.jeanne_basket.pk]) not in checkout


def test_a_delivery_short_reaches_every_basket_at_once(world, day):
    lentils_po = PurchaseOrder.objects.get(cycle=day.cycle, supplier=day.shop.farm)
    line = lentils_po.lines.get(product=day.shop.lentils)
    entries = [order_services.ReceivedLine(pl.pk, delivered=pl.quantity, damaged=D("0"))
               for pl in lentils_po.lines.exclude(pk=line.pk)]
    entries.append(order_services.ReceivedLine(line.pk, delivered=D("3"), damaged=D("0")))
    before = _lines(day.jeanne_basket)["Lentilles"].allotted
    po = order_services.record_receipt(purchase_order=lentils_po, lines=entries, by=world.coordinator, now=NOW)
    lentils = BasketLine.objects.filter(basket__distribution__cycle=day.cycle, product=day.shop.lentils)
    assert sum(bl.allotted for bl in lentils) <= D("3") and _lines(day.jeanne_basket)["Lentilles"].allotted != before
    from grappe.orders.models import OrderLine

    for basket_line in BasketLine.objects.filter(basket__distribution__cycle=day.cycle, order_line__isnull=False):
        assert basket_line.allotted == OrderLine.objects.get(pk=basket_line.order_line_id).allotted
    assert getattr(po, "warnings", []) == []


def test_a_delivery_says_which_baskets_handed_out_keep_their_quantities(world, day, client_for):
    from grappe.accounts import services as account_services

    account_services.collect_basket(basket=day.jeanne_basket, by=world.volunteer, now=NOW)
    lentils_po = PurchaseOrder.objects.get(cycle=day.cycle, supplier=day.shop.farm)
    line = lentils_po.lines.get(product=day.shop.lentils)
    data = {f"delivered-{pl.pk}": str(pl.quantity) for pl in lentils_po.lines.all()}
    data[f"delivered-{line.pk}"] = "3"
    response = client_for(world.admin).post(reverse("orders:receipt", args=[lentils_po.pk]), data, follow=True)
    page = response.content.decode()
    assert "déjà remis" in page and "Martin Jeanne" in page
    jeanne = _lines(day.jeanne_basket)["Lentilles"]
    assert jeanne.allotted == D("5")  # handed out: what she took stays what she was charged


def test_weighing_above_the_allotted_says_when_stock_goes_below_zero(world, day, client_for):
    lines = _lines(day.jeanne_basket)
    assert not StockItem.objects.filter(group=world.group, product=day.shop.lentils, quantity__gt=0).exists()
    client = client_for(world.volunteer)
    response = client.post(reverse("distribution:basket", args=[day.jeanne_basket.pk]),
                           {f"served-{lines['Lentilles'].pk}": "5,4"}, follow=True)
    page = response.content.decode()
    assert "sous zéro" in page
    assert BasketLine.objects.get(pk=lines["Lentilles"].pk).served == D("5.4")
    day_page = client.get(reverse("distribution:day", args=[day.day.pk])).content.decode()
    assert "sous zéro" in day_page
    assert services.stock_shortfalls(day.day)[0].quantity == D("-0.4")


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "1e30"])
def test_the_service_refuses_a_weight_that_is_not_a_finite_number(world, day, value):
    line = _lines(day.jeanne_basket)["Lentilles"]
    with pytest.raises(services.DistributionError):
        services.record_served(basket=day.jeanne_basket, served={line.pk: value}, by=world.volunteer, now=NOW)
    assert BasketLine.objects.get(pk=line.pk).served is None
