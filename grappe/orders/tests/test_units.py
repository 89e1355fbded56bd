"""Units agree with quantities: "1 pièce", "4 pièces", "1,5 kg", "2 L", on screens and documents."""

import io
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import translation

from grappe.orders import services
from grappe.orders.models import PurchaseOrder, quantity_label, unit_word

from .factories import make_cycle, make_member

pytestmark = pytest.mark.django_db
NBSP = "\u00a0"


@pytest.fixture
def shop(world):
    return make_cycle(world)


@pytest.mark.parametrize(("quantity", "unit", "text"), [
    (D("1"), "piece", "1 pièce"), (D("4"), "piece", "4 pièces"), (D("0"), "piece", "0 pièce"),
    (D("1.000"), "piece", "1 pièce"), (D("12.000"), "piece", "12 pièces"),
    (D("1.5"), "kg", "1,5 kg"), (D("25"), "kg", "25 kg"), (D("2"), "l", "2 L"), (D("0.5"), "l", "0,5 L"),
])
def test_a_quantity_takes_the_plural_in_french(quantity, unit, text):
    with translation.override("fr"):
        assert quantity_label(quantity, unit) == text.replace(" ", NBSP)


def test_english_has_its_own_plural():
    with translation.override("en"):
        assert quantity_label(D("4"), "piece") == f"4{NBSP}pieces"
        assert quantity_label(D("1"), "piece") == f"1{NBSP}piece"
        assert unit_word("kg", D("3")) == "kg"


def test_the_basket_words_units_in_the_plural(world, shop, client_for):
    text = client_for(world.member_user).get(reverse("orders:basket", args=[shop.cycle.pk])).content.decode()
    assert "Acheté par 6 pièces, partagé entre adhérents." in text
    assert "4 pièces au maximum par adhérent." in text
    assert "Par 1 pièce." in text
    assert "Quantité (pièces)" in text
    assert "pièce." in text and " piece" not in text


def test_the_on_behalf_screen_words_units_in_the_plural(world, shop, client_for):
    url = reverse("orders:on_behalf", args=[shop.cycle.pk, world.member.pk])
    text = client_for(world.volunteer).get(url).content.decode()
    assert "Acheté par 6 pièces" in text and "4 pièces au maximum" in text


def test_the_paper_entry_screen_names_the_unit_in_the_plural(world, shop, client_for):
    url = reverse("orders:paper_entry", args=[shop.cycle.pk])
    text = client_for(world.volunteer).get(url, {"numero": world.member.number}).content.decode()
    assert "Huile d&#x27;olive 1 L (pièces)" in text
    assert "Lentilles vertes (kg)" in text


def test_a_refusal_above_the_cap_words_the_unit_in_the_plural(world, shop):
    with pytest.raises(services.OrderRefused) as refusal:
        services.set_line(cycle=shop.cycle, member=world.member, product=shop.oil, quantity=D("5"),
                          by=world.member_user)
    assert "4 pièces au maximum par foyer" in str(refusal.value)


def test_the_purchase_order_pdf_and_csv_word_units_in_the_plural(world, shop, client_for):
    from pypdf import PdfReader

    services.set_line(cycle=shop.cycle, member=world.member, product=shop.oil, quantity=D("4"), by=world.member_user)
    services.set_line(cycle=shop.cycle, member=make_member(world), product=shop.oil, quantity=D("2"), by=world.volunteer)
    services.set_line(cycle=shop.cycle, member=world.member, product=shop.oranges, quantity=D("3"),
                      by=world.member_user)
    services.close_cycle(cycle=shop.cycle, by=world.coordinator, confirm=True)
    client = client_for(world.coordinator)
    oil_po = PurchaseOrder.objects.get(supplier=shop.mill)
    pdf = client.get(reverse("orders:purchase_order_pdf", args=[oil_po.pk])).content
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).replace(NBSP, " ")
    assert "6 pièces" in text
    csv_text = client.get(reverse("orders:purchase_order_csv", args=[oil_po.pk])).content.decode("utf-8-sig")
    assert ";6.000;pièces;" in csv_text or ";6;pièces;" in csv_text
    farm_csv = client.get(reverse("orders:purchase_order_csv",
                                  args=[PurchaseOrder.objects.get(supplier=shop.farm).pk])).content.decode("utf-8-sig")
    assert ";kg;" in farm_csv and "piece" not in farm_csv
    page = client.get(reverse("orders:purchase_orders", args=[shop.cycle.pk])).content.decode()
    assert f"1 × 6{NBSP}pièces" in page
