"""Stock offered first: in an open cycle, a product the member's group holds in stock says so, and
comes first within its family. Read-only: the closing rules do not change."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from grappe.catalogue.models import GroupSelection
from grappe.catalogue.tests.factories import make_product
from grappe.orders import services
from grappe.orders.models import OrderLine, StockItem

from .factories import make_cycle

pytestmark = pytest.mark.django_db
NBSP = "\u00a0"


@pytest.fixture
def shop(world):
    """The test cycle plus apricots, in the same family as oranges and before them by name."""
    shop = make_cycle(world, open_=False)
    shop.apricots = make_product(shop.farm, name="Abricots secs", reference="AB", family="fruit", pack_size=None,
                                 pack_price_excl_vat=D("8.00"), order_step=D("0.5"), is_bulk=False)
    for group in (world.group, world.other_group):
        GroupSelection.objects.create(group=group, product=shop.apricots)
    shop.cycle = services.open_cycle(cycle=shop.cycle, by=world.coordinator)
    return shop


def positions(text, *names):
    return [text.index(name) for name in names]


def test_without_stock_products_keep_their_order_and_no_note(world, shop, client_for):
    text = client_for(world.member_user).get(reverse("orders:basket", args=[shop.cycle.pk])).content.decode()
    abricots, oranges = positions(text, "Abricots secs", "Oranges")
    assert abricots < oranges
    assert "En stock" not in text


def test_a_product_in_the_group_stock_has_a_note_and_comes_first_in_its_family(world, shop, client_for):
    StockItem.objects.create(group=world.group, product=shop.oranges, quantity=D("3"), unit_cost=D("2.11"))
    text = client_for(world.member_user).get(reverse("orders:basket", args=[shop.cycle.pk])).content.decode()
    assert f"En stock{NBSP}: 3{NBSP}kg disponibles tout de suite." in text
    abricots, oranges = positions(text, "Abricots secs", "Oranges")
    assert oranges < abricots
    # families keep the catalogue's order: pulses, then oils, then fruit
    oranges, oil, lentils = positions(text, "Oranges", "Huile d&#x27;olive", "Lentilles vertes")
    assert lentils < oil < oranges


def test_one_piece_in_stock_is_worded_in_the_singular(world, shop, client_for):
    StockItem.objects.create(group=world.group, product=shop.oil, quantity=D("1"), unit_cost=D("10.55"))
    text = client_for(world.member_user).get(reverse("orders:basket", args=[shop.cycle.pk])).content.decode()
    assert f"En stock{NBSP}: 1{NBSP}pièce disponible tout de suite." in text


def test_stock_of_another_group_or_an_empty_stock_is_not_shown(world, shop, client_for):
    StockItem.objects.create(group=world.other_group, product=shop.oranges, quantity=D("5"), unit_cost=D("2.11"))
    StockItem.objects.create(group=world.group, product=shop.apricots, quantity=D("0"), unit_cost=D("8.44"))
    text = client_for(world.member_user).get(reverse("orders:basket", args=[shop.cycle.pk])).content.decode()
    assert "En stock" not in text


def test_the_on_behalf_screen_shows_the_stock_too(world, shop, client_for):
    StockItem.objects.create(group=world.group, product=shop.lentils, quantity=D("12.5"), unit_cost=D("2.11"))
    text = client_for(world.volunteer).get(
        reverse("orders:on_behalf", args=[shop.cycle.pk, world.member.pk])).content.decode()
    assert f"En stock{NBSP}: 12,5{NBSP}kg disponibles tout de suite." in text


def test_the_paper_entry_keeps_the_printed_form_order(world, shop, client_for):
    StockItem.objects.create(group=world.group, product=shop.oranges, quantity=D("3"), unit_cost=D("2.11"))
    text = client_for(world.volunteer).get(reverse("orders:paper_entry", args=[shop.cycle.pk]),
                                           {"numero": world.member.number}).content.decode()
    abricots, oranges = positions(text, "Abricots secs", "Oranges")
    assert abricots < oranges


def test_saving_a_basket_with_stock_first_keeps_every_quantity_in_place(world, shop, client_for):
    StockItem.objects.create(group=world.group, product=shop.oranges, quantity=D("3"), unit_cost=D("2.11"))
    client = client_for(world.member_user)
    client.post(reverse("orders:basket", args=[shop.cycle.pk]),
                {f"q-{shop.oranges.pk}": "2", f"q-{shop.apricots.pk}": "1,5", "save": "1"})
    quantities = {line.product_id: line.quantity
                  for line in OrderLine.objects.filter(order__member=world.member)}
    assert quantities == {shop.oranges.pk: D("2"), shop.apricots.pk: D("1.5")}


def test_only_what_can_be_ordered_in_the_products_step_is_offered(world, shop, client_for):
    # apricots go by 0.5 kg: 2.3 kg left after weighing offer 2 kg; 0.099 kg offer nothing
    stock = StockItem.objects.create(group=world.group, product=shop.apricots, quantity=D("2.3"), unit_cost=D("8.44"))
    url = reverse("orders:basket", args=[shop.cycle.pk])
    assert f"En stock{NBSP}: 2{NBSP}kg disponibles tout de suite." in client_for(world.member_user).get(url).content.decode()
    StockItem.objects.filter(pk=stock.pk).update(quantity=D("0.099"))
    text = client_for(world.member_user).get(url).content.decode()
    assert "En stock" not in text
    abricots, oranges = positions(text, "Abricots secs", "Oranges")
    assert abricots < oranges  # not moved first either
