"""The API refuses the numbers that once broke pages (422, never a 500), and stores nothing."""

import json
from decimal import Decimal as D

import pytest

from grappe.core.models import ApiToken
from grappe.orders.models import OrderLine
from grappe.orders.tests.factories import make_cycle_with_basket

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(world):
    return make_cycle_with_basket(world)

SEEN = ["NaN", "Infinity", "-Infinity", "1e30", "2.0000000001", "99999999999999999999", "٣", "３", "-1"]
RAW = ["NaN", "Infinity", "1e30", "2.0000000001", "99999999999999999999", "-1"]  # JSON numbers, not strings




def put_basket(client, user, cycle, body: str, member=None):
    _token, key = ApiToken.create_for(user, "test")
    query = f"?member_id={member.pk}" if member else ""
    return client.put(f"/api/v1/orders/cycles/{cycle.pk}/basket{query}", body, content_type="application/json",
                      HTTP_AUTHORIZATION=f"Bearer {key}")


def stored():
    return sorted(OrderLine.objects.values_list("product_id", "quantity", "tolerance"))


@pytest.mark.parametrize("field", ["quantity", "tolerance"])
def test_the_basket_endpoint_refuses_every_seen_value(world, shop, client, field):
    before = stored()
    bodies = [json.dumps({"lines": [{"product_id": shop.lentils.pk, "quantity": "1", field: value}]})
              for value in SEEN]
    bodies += [f'{{"lines": [{{"product_id": {shop.lentils.pk}, "quantity": 1, "{field}": {value}}}]}}'
               for value in RAW]
    for user, member in ((world.member_user, None), (world.volunteer, world.member)):
        for body in bodies:
            response = put_basket(client, user, shop.cycle, body, member)
            assert response.status_code == 422, (body, response.status_code, response.content)
    assert stored() == before


def test_a_good_basket_still_goes_through(world, shop, client):
    body = json.dumps({"lines": [{"product_id": shop.lentils.pk, "quantity": "2.5", "tolerance": 1}]})
    assert put_basket(client, world.member_user, shop.cycle, body).status_code == 200
    assert OrderLine.objects.get(product=shop.lentils).quantity == D("2.5")


def test_the_schema_states_the_bounds(client):
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    quantity = json.dumps(schema["LineIn"]["properties"]["quantity"])
    assert "99999.999" in quantity and '"minimum": 0' in quantity
