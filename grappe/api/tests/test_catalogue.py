"""Catalogue API: read for everyone in the association, write for coordinators, 404 outside."""

from decimal import Decimal

import pytest

from grappe.catalogue.models import GroupSelection, PriceChange, Product, Supplier
from grappe.catalogue.tests.factories import SupplierFactory, make_product

D = Decimal
API_PREFIX = "/catalogue"
pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(world):
    supplier = SupplierFactory(association=world.association, name="GAEC des Lentilles")
    lentils = make_product(supplier, name="Lentilles vertes", reference="LV25")
    soap = make_product(supplier, name="Savon", reference="SAV", family="hygiene", vat_rate=D("20"))
    GroupSelection.objects.create(group=world.group, product=lentils)
    return {"supplier": supplier, "lentils": lentils, "soap": soap}



def test_a_member_reads_their_groups_products_with_their_price(world, shop, api):
    response = api(world.member_user, "get", "/products")
    assert response.status_code == 200
    products = response.json()
    assert [p["name"] for p in products] == ["Lentilles vertes"]
    assert D(products[0]["price"]["member_price"]) == D("2.215500")
    assert api(world.member_user, "get", f"/products/{shop['soap'].pk}").status_code == 404


def test_a_member_cannot_write(world, shop, api):
    assert api(world.member_user, "post", f"/products/{shop['lentils'].pk}/prices",
               {"pack_price_excl_vat": "1.00"}).status_code == 404
    assert api(world.member_user, "post", "/suppliers", {"name": "X"}).status_code == 404


def test_a_coordinator_changes_a_price_through_the_api(world, shop, api):
    response = api(world.coordinator, "post", f"/products/{shop['lentils'].pk}/prices",
                   {"pack_price_excl_vat": "55.00"})
    assert response.status_code == 201
    assert PriceChange.objects.filter(product=shop["lentils"], source="api").count() == 1
    history = api(world.member_user, "get", f"/products/{shop['lentils'].pk}/prices").json()
    assert [h["pack_price_excl_vat"] for h in history] == ["55.00", "52.50"]


def test_a_negative_price_is_refused_by_the_api(world, shop, api):
    response = api(world.coordinator, "post", f"/products/{shop['lentils'].pk}/prices",
                   {"pack_price_excl_vat": "-1"})
    assert response.status_code == 422
    assert Product.objects.get(pk=shop["lentils"].pk).pack_price_excl_vat == D("52.50")


def test_a_coordinator_creates_a_supplier_and_a_product(world, api):
    response = api(world.coordinator, "post", "/suppliers", {"name": "Huilerie du Royans", "kind": "producer"})
    assert response.status_code == 201
    supplier = Supplier.objects.get(name="Huilerie du Royans")
    response = api(world.coordinator, "post", "/products", {
        "supplier_id": supplier.pk, "name": "Huile de tournesol", "reference": "HT5", "family": "oils", "unit": "l",
        "pack_size": "5", "pack_price_excl_vat": "26.50", "weight_kg_per_unit": "0.92"})
    assert response.status_code == 201, response.content
    assert response.json()["price"]["cost_price"] == "5.591500"
    assert Product.objects.get(reference="HT5").price_changes.count() == 1


def test_an_outsider_gets_404_on_every_catalogue_endpoint(world, shop, api):
    pk, supplier_pk = shop["lentils"].pk, shop["supplier"].pk
    for method, path, payload in [
        ("get", f"/suppliers/{supplier_pk}", None),
        ("put", f"/suppliers/{supplier_pk}", {"name": "Pris"}),
        ("get", f"/products/{pk}", None),
        ("patch", f"/products/{pk}", {"name": "Pris"}),
        ("get", f"/products/{pk}/prices", None),
        ("post", f"/products/{pk}/prices", {"pack_price_excl_vat": "1.00"}),
        ("post", "/products", {"supplier_id": supplier_pk, "name": "X", "reference": "X",
                               "pack_price_excl_vat": "1.00"}),
    ]:
        assert api(world.outsider, method, path, payload).status_code == 404, path
    assert api(world.outsider, "get", "/products").json() == []
    assert api(world.outsider, "get", "/suppliers").json() == []
    assert Product.objects.get(pk=pk).name == "Lentilles vertes"


def test_without_a_token_the_api_refuses(client, shop):
    assert client.get("/api/v1/catalogue/products").status_code == 401
