"""Stock quantities are shown with their unit ("6 pièces", not a bare "6")."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from grappe.orders.models import StockItem

from .factories import make_cycle


@pytest.fixture
def shop(world):
    return make_cycle(world)


def test_the_stock_page_shows_units(world, shop, client_for):
    StockItem.objects.create(group=world.group, product=shop.oil, quantity=D("6"), unit_cost=D("10"))
    client = client_for(world.coordinator)
    client.post(reverse("orders:stock"), {"group": world.group.pk, "product": shop.lentils.pk, "kind": "inventory",
                                          "quantity": "4", "reason": "inventaire"})
    page = client.get(reverse("orders:stock"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "6\xa0pièces" in page.replace("&nbsp;", "\xa0") or "6 pièces" in page
    assert "4\xa0kg" in page.replace("&nbsp;", "\xa0") or "4 kg" in page
