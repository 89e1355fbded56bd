"""Orders API: cycles, basket read and change, closing, purchase orders, receipt; 404 outside."""

from decimal import Decimal as D

import pytest

from grappe.orders.models import OrderLine, PurchaseOrder
from grappe.orders.tests.factories import make_cycle

API_PREFIX = "/orders"
pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(world):
    return make_cycle(world)



def test_a_member_lists_cycles_and_changes_their_basket(world, shop, api):
    assert [c["name"] for c in api(world.member_user, "get", "/cycles").json()] == ["Commande de test"]
    response = api(world.member_user, "put", f"/cycles/{shop.cycle.pk}/basket",
                   {"lines": [{"product_id": shop.lentils.pk, "quantity": "2.5", "tolerance": "1"}]})
    assert response.status_code == 200, response.content
    assert response.json()["total"] == "5.28"
    assert api(world.member_user, "get", f"/cycles/{shop.cycle.pk}/basket").json()["lines"][0]["quantity"] == "2.500"


def test_a_refusal_is_a_400_with_a_message(world, shop, api):
    response = api(world.member_user, "put", f"/cycles/{shop.cycle.pk}/basket",
                   {"lines": [{"product_id": shop.lentils.pk, "quantity": "0.3"}]})
    assert response.status_code == 400 and "0,5" in response.json()["detail"]


def test_a_volunteer_changes_a_members_basket_by_phone(world, shop, api):
    response = api(world.volunteer, "put", f"/cycles/{shop.cycle.pk}/basket?member_id={world.member.pk}",
                   {"lines": [{"product_id": shop.oil.pk, "quantity": "2"}], "channel": "phone"})
    assert response.status_code == 200
    assert OrderLine.objects.get().order.changes.get().channel == "phone"


def test_closing_confirming_purchase_orders_and_receipt(world, shop, api):
    api(world.member_user, "put", f"/cycles/{shop.cycle.pk}/basket",
        {"lines": [{"product_id": shop.lentils.pk, "quantity": "25"}]})
    # the cycle covers Romans and Die: the coordinator of Romans reads it, an admin changes it
    assert api(world.coordinator, "post", f"/cycles/{shop.cycle.pk}/close", {"confirm": True}).status_code == 403
    assert api(world.admin, "post", f"/cycles/{shop.cycle.pk}/close", {"confirm": True}).json()["status"] == "ordered"
    assert api(world.admin, "post", f"/cycles/{shop.cycle.pk}/close", {"confirm": True}).status_code == 409
    orders = api(world.coordinator, "get", f"/cycles/{shop.cycle.pk}/purchase-orders").json()
    assert [(o["supplier"], o["lines"][0]["packs"]) for o in orders] == [("Ferme du Diois", "1.000")]
    line_id = orders[0]["lines"][0]["id"]
    response = api(world.admin, "post", f"/purchase-orders/{orders[0]['id']}/receipt",
                   {"lines": [{"line_id": line_id, "delivered": "20"}]})
    assert response.json()["lines"][0]["outcome"] == "short"
    assert OrderLine.objects.get().allotted == D("20")


def test_outsider_and_member_get_404_where_they_do_not_belong(world, shop, api):
    for path in [f"/cycles/{shop.cycle.pk}", f"/cycles/{shop.cycle.pk}/basket"]:
        assert api(world.outsider, "get", path).status_code == 404
    assert api(world.outsider, "post", f"/cycles/{shop.cycle.pk}/close", {}).status_code == 404
    assert api(world.member_user, "post", f"/cycles/{shop.cycle.pk}/close", {}).status_code == 404
    assert api(world.member_user, "get", f"/cycles/{shop.cycle.pk}/basket?member_id=999999").status_code == 404
    assert not PurchaseOrder.objects.exists()


def test_a_cycle_gives_each_group_its_distribution_time(world, shop, api):
    from grappe.orders.models import CycleGroup

    CycleGroup.objects.filter(cycle=shop.cycle, group=world.group).update(time="14 h - 17 h")
    groups = {g["group"]: g for g in api(world.member_user, "get", f"/cycles/{shop.cycle.pk}").json()["groups"]}
    assert (groups["Romans"]["time"], groups["Romans"]["place"]) == ("14 h - 17 h", "Salle des fêtes")
