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
    assert rows[1][2] == "1" and rows[1][8] == "50,00"  # French spreadsheets: decimal commas


def test_purchase_order_csv_is_for_french_spreadsheets_and_never_adds_kilograms_to_litres(world, client_for):
    shop = make_cycle(world)
    services.set_line(cycle=shop.cycle, member=world.member, product=shop.lentils, quantity=D("25"),
                      by=world.member_user)
    services.close_cycle(cycle=shop.cycle, by=world.coordinator, confirm=True)
    po = PurchaseOrder.objects.get()
    PurchaseLine.objects.create(purchase_order=po, product=shop.lentils, name="Huile de tournesol", reference="HT",
                                unit="l", pack_size=D("5"), packs=D("2"), quantity=D("10"),
                                pack_price_excl_vat=D("12.30"), vat_rate=D("5.50"), amount_excl_vat=D("24.60"),
                                amount_vat=D("1.35"))
    response = client_for(world.coordinator).get(reverse("orders:purchase_order_csv", args=[po.pk]))
    assert response.content.startswith("\ufeff".encode())  # Excel reads the accents
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][4:6] == ["Quantité", "Unité"]
    oil = next(row for row in rows if row[0] == "HT")
    assert oil[4:] == ["10", "L", "12,30", "5,50", "24,60", "1,35"]
    numbers = [cell for row in rows[1:] for cell in row[2:] if cell and cell[0].isdigit()]
    assert numbers and not any("." in cell for cell in numbers)  # decimal commas only
    totals = {row[5]: row[4] for row in rows if row[1] == "Total" and row[4]}
    assert totals == {"kg": "25", "L": "10"}  # one total per unit, never 35
