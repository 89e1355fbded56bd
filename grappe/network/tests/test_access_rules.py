"""The access rules that drifted when they were written in three places (issue 11): one read and one
write helper per kind of object, the same for every page and the API."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from grappe.core.models import ApiToken
from grappe.members.models import Member
from grappe.orders import services as order_services
from grappe.orders.models import OrderCycle
from grappe.orders.services import GroupPlan
from grappe.orders.tests.factories import make_cycle, make_member

pytestmark = pytest.mark.django_db


def _cycle(world, groups, name="Commande de Die"):
    now = timezone.now()
    day = timezone.localdate() + datetime.timedelta(days=7)
    cycle = order_services.create_cycle(
        association=world.association, name=name, opens_at=now - datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(days=2), by=world.admin, groups=[GroupPlan(g, day) for g in groups])
    return order_services.open_cycle(cycle=cycle, by=world.admin)


def _api(client, user):
    _token, key = ApiToken.create_for(user, "test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_the_coordinator_of_romans_cannot_open_nor_settle_a_cycle_covering_only_die(world, client_for):
    """Seen: accounts and distribution filtered cycles by association only, orders by groups."""
    make_cycle(world)  # products, so the Die cycle has prices
    cycle = _cycle(world, [world.other_group])
    client = client_for(world.coordinator)
    for name in ("orders:cycle_detail", "accounts:settlement", "orders:purchase_orders", "orders:review"):
        assert client.get(reverse(name, args=[cycle.pk])).status_code == 404, name
    assert client.get(reverse("distribution:loading", args=[cycle.pk])).status_code == 404
    for name in ("accounts:settlement", "orders:cycle_close"):
        assert client.post(reverse(name, args=[cycle.pk]), {"action": "settle"}).status_code == 404, name
    assert client.post(reverse("distribution:prepare", args=[cycle.pk])).status_code == 404
    cycle.refresh_from_db()
    assert cycle.status == OrderCycle.Status.OPEN
    headers = _api(client, world.coordinator)
    assert client.get(f"/api/v1/orders/cycles/{cycle.pk}", **headers).status_code == 404
    closed = client.post(f"/api/v1/orders/cycles/{cycle.pk}/close", json.dumps({"confirm": True}),
                         content_type="application/json", **headers)
    assert closed.status_code == 404
    # the admin, and a coordinator of Die, do reach it
    assert client_for(world.admin).get(reverse("accounts:settlement", args=[cycle.pk])).status_code == 200


def test_a_cycle_shared_with_another_group_is_read_by_each_coordinator_and_changed_by_one_of_all(
        world, client_for):
    """Read: a cycle covering at least one of the user's groups. Write (close, confirm, settle,
    prepare the distributions...): an admin, or a coordinator of every group it covers."""
    shop = make_cycle(world)  # covers Romans and Die
    client = client_for(world.coordinator)  # coordinator of Romans only
    assert client.get(reverse("orders:cycle_detail", args=[shop.cycle.pk])).status_code == 200
    assert client.get(reverse("accounts:settlement", args=[shop.cycle.pk])).status_code == 200
    assert client.post(reverse("orders:cycle_close", args=[shop.cycle.pk])).status_code == 403
    shop.cycle.refresh_from_db()
    assert shop.cycle.status == OrderCycle.Status.OPEN
    headers = _api(client, world.coordinator)
    closed = client.post(f"/api/v1/orders/cycles/{shop.cycle.pk}/close", json.dumps({}),
                         content_type="application/json", **headers)
    assert closed.status_code == 403

    from grappe.network.models import Role

    Role.objects.get(user=world.coordinator).groups.add(world.other_group)
    client = client_for(world.coordinator)
    response = client.post(reverse("orders:cycle_close", args=[shop.cycle.pk]), {"confirmed": "1"})
    assert response.status_code == 302
    shop.cycle.refresh_from_db()
    assert shop.cycle.status == OrderCycle.Status.CLOSED


def test_volunteers_cannot_list_the_waiting_list(world, client_for):
    """Only solidarity households wait: listing them tells their category, which volunteers never see."""
    waiting = make_member(world, category=Member.Category.SOLIDARITY, name="Attente Lucie",
                          status=Member.Status.WAITING)
    volunteer = client_for(world.volunteer)
    page = volunteer.get(reverse("members:list"), {"statut": "waiting"})
    assert page.status_code == 404
    assert volunteer.get(reverse("members:detail", args=[waiting.pk])).status_code == 404
    headers = _api(volunteer, world.volunteer)
    assert volunteer.get("/api/v1/members", {"status": "waiting"}, **headers).status_code == 404
    assert "Attente Lucie" not in volunteer.get("/api/v1/members", **headers).content.decode()
    coordinator = client_for(world.coordinator)
    assert "Attente Lucie" in coordinator.get(reverse("members:list"), {"statut": "waiting"}).content.decode()


def test_a_coordinator_who_only_reads_a_shared_cycle_is_not_offered_to_close_it(world, client_for):
    shop = make_cycle(world)  # covers Romans and Die
    page = client_for(world.coordinator).get(reverse("orders:cycle_detail", args=[shop.cycle.pk])).content.decode()
    assert "Clôturer les commandes maintenant" not in page and "Repousser la date limite" not in page
    assert "un administrateur ou un coordinateur de tous ses groupements" in page
    page = client_for(world.admin).get(reverse("orders:cycle_detail", args=[shop.cycle.pk])).content.decode()
    assert "Clôturer les commandes maintenant" in page
