"""A member browses the catalogue on a phone and opens a product sheet (real Chromium, axe-core)."""

from decimal import Decimal

import pytest

from conftest import screenshot
from grappe.catalogue.models import GroupSelection
from grappe.catalogue.tests.factories import SupplierFactory, make_product

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_member_browses_by_family_and_reads_where_their_euro_goes_on_a_phone(world, e2e, phone_page):
    supplier = SupplierFactory(association=world.association, name="GAEC du Serre de Vanige",
                               transport_cost_per_kg=Decimal("0.05"))
    lentils = make_product(supplier, name="Lentilles vertes", reference="LV25", origin_place="Eurre",
                           origin_region="Drôme", producer="Mathieu et Julie Roux", is_organic=True,
                           production_conditions="Cultivées sans irrigation.")
    oranges = make_product(supplier, name="Oranges", reference="OR10", family="fruit", pack_size=Decimal("10"),
                           pack_price_excl_vat=Decimal("17.00"), is_bulk=False)
    for product in (lentils, oranges):
        GroupSelection.objects.create(group=world.group, product=product)

    page = phone_page
    e2e.login(page, e2e.server, "member")
    page.goto(e2e.server.url + "/catalogue/")
    assert page.locator("h1").inner_text() == "Catalogue"
    e2e.axe(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.get_by_role("link", name="Légumineuses").click()
    assert "Oranges" not in page.content()
    page.get_by_role("link", name="Lentilles vertes").click()
    assert page.locator("h1").inner_text().endswith("Lentilles vertes")
    sheet = page.locator("main").inner_text()
    assert "Eurre, Drôme, France" in sheet
    assert "Mathieu et Julie Roux" in sheet
    assert "Où va votre euro" in sheet
    assert "pour le transport" in sheet
    assert "L'association ne garde aucune marge" in sheet
    e2e.axe(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "catalogue-sheet-360")

    page.goto(e2e.server.url + "/catalogue/?q=orange")
    assert page.get_by_role("link", name="Oranges").is_visible()


def test_a_coordinator_records_a_shop_price_on_a_phone(world, e2e, phone_page):
    supplier = SupplierFactory(association=world.association, name="GAEC du Serre de Vanige")
    lentils = make_product(supplier, name="Lentilles vertes", reference="LV25")
    page = phone_page
    e2e.login(page, e2e.server, "coordinator")
    page.goto(e2e.server.url + f"/catalogue/produit/{lentils.pk}/prix-magasin/")
    assert "Prix en magasin" in page.locator("h1").inner_text()
    page.get_by_label("Prix en magasin par unité TTC (EUR)").fill("4,58")
    page.locator("#id_shop").fill("Intermarché Romans-sur-Isère")
    page.locator("#id_observed_on").fill("2025-11-20")
    page.get_by_role("button", name="Enregistrer le prix en magasin").click()
    assert "Prix en magasin enregistré." in page.content()
    assert "4,58" in page.locator("main").inner_text()
    e2e.axe(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "savings-reference-360")
    page.goto(e2e.server.url + "/catalogue/prix-magasin/import/")
    e2e.axe(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
