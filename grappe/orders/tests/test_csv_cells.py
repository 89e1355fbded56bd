"""The purchase order as CSV: a product name that looks like a formula is quoted; numbers are not."""

import csv
import io
from decimal import Decimal as D

import pytest
from django.urls import reverse

from grappe.orders import services
from grappe.orders.models import PurchaseLine, PurchaseOrder

from .factories import make_cycle

pytestmark = pytest.mark.django_db


def test_purchase_order_csv_neutralises_text_cells(world, client_for):
    shop = make_cycle(world)
    services.set_line(cycle=shop.cycle, member=world.member, product=shop.lentils, quantity=D("25"),
                      by=world.member_user)
    services.close_cycle(cycle=shop.cycle, by=world.coordinator, confirm=True)
    po = PurchaseOrder.objects.get()
    PurchaseLine.objects.filter(purchase_order=po).update(name="=cmd|' /C calc'!A0", reference="-LV25")
    response = client_for(world.coordinator).get(reverse("orders:purchase_order_csv", args=[po.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][0] == "'-LV25" and rows[1][1] == "'=cmd|' /C calc'!A0"
    assert rows[1][2] == "1.000" and rows[1][5] == "50.00"
