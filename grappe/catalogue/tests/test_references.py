"""Reference prices: the coordinator's page, the import (all or nothing), who may reach them."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from grappe.catalogue.models import ReferencePrice
from grappe.catalogue.references import current_references, record_reference
from grappe.catalogue.services import CatalogueError
from grappe.catalogue.tests.factories import SupplierFactory, make_product

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture
def products(world):
    supplier = SupplierFactory(association=world.association, name="GAEC des Lentilles")
    return {"lentils": make_product(supplier, name="Lentilles vertes", reference="LV25"),
            "oil": make_product(supplier, name="Huile de colza", reference="HC1", unit="l")}


def xlsx(rows) -> SimpleUploadedFile:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("prix.xlsx", out.getvalue())


def test_the_latest_observation_is_the_reference(world, products):
    lentils = products["lentils"]
    record_reference(by=world.coordinator, product=lentils, price_per_unit=D("3.10"), shop="Leclerc",
                     observed_on=datetime.date(2025, 11, 2))
    record_reference(by=world.coordinator, product=lentils, price_per_unit=D("2.90"), shop="Intermarché",
                     observed_on=datetime.date(2025, 11, 20))
    record_reference(by=world.coordinator, product=lentils, price_per_unit=D("3.50"), shop="Épicerie",
                     observed_on=datetime.date(2025, 10, 1))  # recorded last, seen earlier
    found = current_references([lentils.pk, products["oil"].pk])
    assert found[lentils.pk].price_per_unit == D("2.90") and products["oil"].pk not in found


def test_a_price_seen_in_the_future_or_without_a_shop_is_refused(world, products):
    with pytest.raises(CatalogueError):
        record_reference(by=world.coordinator, product=products["lentils"], price_per_unit=D("1"), shop="X",
                         observed_on=datetime.date(2025, 11, 27),
                         now=datetime.datetime(2025, 11, 25, 12, tzinfo=datetime.UTC))
    with pytest.raises(CatalogueError):
        record_reference(by=world.coordinator, product=products["lentils"], price_per_unit=D("1"), shop="  ",
                         observed_on=datetime.date(2025, 1, 1))
    assert not ReferencePrice.objects.exists()


def test_a_coordinator_records_a_shop_price_and_a_refused_form_keeps_what_was_typed(world, products, client_for):
    client = client_for(world.coordinator)
    url = reverse("catalogue:product_reference", args=[products["lentils"].pk])
    refused = client.post(url, {"price_per_unit": "2,9O", "shop": "Intermarché Romans", "observed_on": "2025-11-20",
                                "comparison": "same"})
    assert refused.status_code == 422
    assert "Intermarché Romans" in refused.content.decode() and "2,9O" in refused.content.decode()
    assert not ReferencePrice.objects.exists()
    response = client.post(url, {"price_per_unit": "2,90", "shop": "Intermarché Romans", "observed_on": "2025-11-20",
                                 "comparison": "similar"})
    assert response.status_code == 302
    reference = ReferencePrice.objects.get()
    assert (reference.price_per_unit, reference.comparison, reference.recorded_by) == (
        D("2.90"), "similar", world.coordinator)
    page = client.get(url).content.decode()
    assert "Intermarché Romans" in page and "2,90" in page


def test_a_member_cannot_reach_the_shop_prices(world, products, client_for):
    client = client_for(world.member_user)
    assert client.get(reverse("catalogue:product_reference", args=[products["lentils"].pk])).status_code == 404
    assert client.get(reverse("catalogue:references_import")).status_code == 404


def test_an_import_with_one_bad_row_saves_nothing_and_says_why_in_french(world, products, client_for):
    client = client_for(world.coordinator)
    upload = xlsx([["Référence", "Désignation", "Prix magasin", "Magasin", "Date"],
                   ["LV25", "", "2,90", "Intermarché", "20/11/2025"],
                   ["", "Pois chiches", "3,10", "Leclerc", "20/11/2025"],
                   ["HC1", "", "abc", "Leclerc", "31/02/2025"]])
    response = client.post(reverse("catalogue:references_import"), {"file": upload})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Aucun produit « Pois chiches » dans le catalogue." in page
    assert "Le prix en magasin « abc » n&#x27;est pas un nombre" in page
    assert "La date « 31/02/2025 » n’est pas une date" in page
    assert "2 lignes ont une erreur" in page
    assert not ReferencePrice.objects.exists()


def test_a_good_import_is_previewed_then_saved_on_confirmation(world, products, client_for):
    client = client_for(world.coordinator)
    upload = xlsx([["Désignation", "Prix magasin", "Magasin", "Date", "Comparaison"],
                   ["Lentilles vertes", 2.9, "Intermarché", datetime.datetime(2025, 11, 20), "similaire"],  # noqa: DTZ001 - a cell
                   ["Huile de colza", "4,15", "Leclerc", "2025-11-18", ""]])
    preview = client.post(reverse("catalogue:references_import"), {"file": upload})
    assert preview.status_code == 200
    assert not ReferencePrice.objects.exists()
    payload = preview.context["confirm"]["payload"].value()
    tampered = client.post(reverse("catalogue:references_import"), {"payload": payload[:-3] + "xyz"})
    assert tampered.status_code == 422 and not ReferencePrice.objects.exists()
    assert client.post(reverse("catalogue:references_import"), {"payload": payload}).status_code == 302
    found = current_references([products["lentils"].pk, products["oil"].pk])
    assert found[products["lentils"].pk].price_per_unit == D("2.9000")
    assert found[products["lentils"].pk].comparison == "similar"
    assert found[products["oil"].pk].price_per_unit == D("4.15") and found[products["oil"].pk].shop == "Leclerc"
    assert found[products["oil"].pk].observed_on == datetime.date(2025, 11, 18)


def test_another_association_cannot_replay_a_preview(world, products, client_for):
    client = client_for(world.coordinator)
    upload = xlsx([["Référence", "Prix magasin", "Magasin", "Date"], ["LV25", "2,90", "Intermarché", "20/11/2025"]])
    payload = client.post(reverse("catalogue:references_import"), {"file": upload}).context["confirm"]["payload"].value()
    outsider = client_for(world.outsider)  # the admin of another association: the signature is per association
    assert outsider.post(reverse("catalogue:references_import"), {"payload": payload}).status_code == 422
    assert not ReferencePrice.objects.exists()


def test_the_reference_of_a_day_is_the_latest_seen_on_or_before_it(world, products):
    from grappe.catalogue.references import reference_history, references_on

    lentils, oil = products["lentils"], products["oil"]
    for price, seen in (("3.10", datetime.date(2026, 3, 1)), ("2.90", datetime.date(2026, 9, 1)),
                        ("2.95", datetime.date(2026, 9, 1))):  # the same day seen twice: the last recorded counts
        record_reference(by=world.coordinator, product=lentils, price_per_unit=D(price), shop="Leclerc",
                         observed_on=seen)
    history = reference_history([lentils.pk, oil.pk])
    for day, expected in ((datetime.date(2026, 2, 28), None), (datetime.date(2026, 3, 1), D("3.10")),
                          (datetime.date(2026, 8, 31), D("3.10")), (datetime.date(2026, 9, 1), D("2.95")),
                          (datetime.date(2026, 11, 30), D("2.95"))):
        found = references_on([lentils.pk, oil.pk], day)
        assert (found[lentils.pk].price_per_unit if lentils.pk in found else None) == expected, day
        assert history.price(lentils.pk, day) == expected, day
        assert {pk: r.pk for pk, r in history.on(day).items()} == {pk: r.pk for pk, r in found.items()}
        assert history.price(oil.pk, day) is None
