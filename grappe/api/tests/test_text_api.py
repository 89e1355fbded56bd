"""The API refuses the NUL character in any text (a 422 in French, never a 500), and stores nothing.

Schemathesis found it on PostgreSQL, which cannot store U+0000 (a PATCH of a product's origin)."""

import json

import pytest
from django.test import override_settings

from grappe.catalogue.models import Product
from grappe.core.models import ApiToken
from grappe.orders.tests.factories import make_cycle_with_basket

pytestmark = pytest.mark.django_db


def bearer(user):
    _token, key = ApiToken.create_for(user, "test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}", "HTTP_ACCEPT_LANGUAGE": "fr"}


def test_a_nul_in_a_body_is_refused_in_french_and_nothing_changes(world, client):
    product = make_cycle_with_basket(world).lentils
    before = Product.objects.values().get(pk=product.pk)
    response = client.patch(f"/api/v1/catalogue/products/{product.pk}",
                            json.dumps({"origin_country": "C\u0000\u0083", "description": "ok"}),
                            content_type="application/json", **bearer(world.admin))
    assert response.status_code == 422
    assert "caractère nul" in response.json()["detail"]
    assert Product.objects.values().get(pk=product.pk) == before


@override_settings(LANGUAGE_CODE="fr")
def test_a_nul_in_a_query_string_is_refused(world, client):
    response = client.get("/api/v1/catalogue/products", {"q": "a\u0000b"}, **bearer(world.admin))
    assert response.status_code == 422
    assert "caractère nul" in response.json()["detail"]


def test_other_unreadable_bodies_keep_their_400(world, client):
    product = make_cycle_with_basket(world).lentils
    response = client.patch(f"/api/v1/catalogue/products/{product.pk}", "{not json",
                            content_type="application/json", **bearer(world.admin))
    assert response.status_code == 400
