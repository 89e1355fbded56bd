"""The device's API (token in `Authorization: Device …`) and the online pages of the field app."""

import datetime as dt
import json
import uuid

import pytest
from django.utils import timezone

from grappe.distribution.models import Basket
from grappe.field import services
from grappe.field.models import FieldDevice, FieldEntry
from grappe.field.tests.factories import make_tour_day
from grappe.network.models import BuyingGroup, Role, Site

pytestmark = pytest.mark.django_db


@pytest.fixture
def tour(world):
    return make_tour_day(world)


@pytest.fixture
def device(world, tour):
    return services.prepare_device(group=tour.group, day=tour.day, label="Tablette du camion", by=world.volunteer)


def call(client, method, path, key=None, body=None):
    headers = {"HTTP_AUTHORIZATION": f"Device {key}"} if key else {}
    if body is not None:
        return getattr(client, method)(path, data=json.dumps(body), content_type="application/json", **headers)
    return getattr(client, method)(path, **headers)


def entry(row, kind, payload=None):
    return {"id": str(uuid.uuid4()), "kind": kind, "basket": row["id"], "stamp": row["stamp"],
            "at": timezone.now().isoformat(), "payload": payload or {}}


def test_without_a_known_token_the_api_answers_401_in_french(client, device):
    for key in (None, "fld_wrong", "Bearer-like"):
        response = call(client, "get", "/terrain/api/jour/", key)
        assert response.status_code == 401
        assert "inconnu" in response.json()["message"]
    response = client.get("/terrain/api/jour/", HTTP_AUTHORIZATION=f"Bearer {device[1]}")
    assert response.status_code == 401


def test_the_bundle_comes_with_the_token_and_is_never_cached(client, device, tour):
    _device, key = device
    response = call(client, "get", "/terrain/api/jour/", key)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert [s["name"] for s in response.json()["stops"]] == [s.name for s in tour.sites]
    assert FieldDevice.objects.get(pk=device[0].pk).last_contact_at is not None


def test_another_associations_device_sees_only_its_own_day_and_cannot_touch_ours(client, world, tour, device):
    far = BuyingGroup.objects.create(association=world.elsewhere, name="Camion lointain", kind="mobile")
    far_device = FieldDevice.objects.create(association=world.elsewhere, group=far, day=tour.day, label="Loin",
                                            prefix="x", key_hash=FieldDevice.hash_key("fld_far"))
    data = call(client, "get", "/terrain/api/jour/", "fld_far").json()
    assert data["stops"] == [] and data["group"]["name"] == "Camion lointain"
    ours = call(client, "get", "/terrain/api/jour/", device[1]).json()["stops"][0]["baskets"][0]
    response = call(client, "post", "/terrain/api/envoi/", "fld_far", {"entries": [entry(ours, "not_collected")]})
    assert response.status_code == 200 and response.json()["results"][0]["status"] == "refused"
    assert Basket.objects.get(pk=ours["id"]).status == "waiting"
    assert FieldEntry.objects.get().device == far_device


def test_sending_applies_once_and_answers_each_entry(client, device):
    key = device[1]
    row = call(client, "get", "/terrain/api/jour/", key).json()["stops"][0]["baskets"][0]
    body = {"entries": [entry(row, "collected", {"lines": {}}), entry(row, "payment", {"amount": "2.00",
                                                                                      "means": "cash"})]}
    first = call(client, "post", "/terrain/api/envoi/", key, body).json()
    assert [r["status"] for r in first["results"]] == ["applied", "applied"] and first["erase"] is False
    again = call(client, "post", "/terrain/api/envoi/", key, body).json()
    assert [r["status"] for r in again["results"]] == ["duplicate", "duplicate"]
    assert FieldEntry.objects.count() == 2


def test_unreadable_bodies_are_a_400_in_french(client, device):
    key = device[1]
    for raw in ("not json", json.dumps({"entries": "x"}), json.dumps({"entries": [{}] * 501}), json.dumps([1])):
        response = client.post("/terrain/api/envoi/", data=raw, content_type="application/json",
                               HTTP_AUTHORIZATION=f"Device {key}")
        assert response.status_code == 400 and response.json()["message"]


def test_a_revoked_device_is_told_to_erase_and_nothing_it_sends_is_applied(client, world, device):
    found, key = device
    row = call(client, "get", "/terrain/api/jour/", key).json()["stops"][0]["baskets"][0]
    services.revoke_device(device=found, by=world.coordinator)
    response = call(client, "post", "/terrain/api/envoi/", key, {"entries": [entry(row, "not_collected")]})
    assert response.status_code == 410 and response.json()["erase"] is True
    assert call(client, "get", "/terrain/api/jour/", key).status_code == 410
    assert not FieldEntry.objects.exists() and Basket.objects.get(pk=row["id"]).status == "waiting"


def test_after_36_hours_the_device_may_only_send(client, device):
    found, key = device
    row = call(client, "get", "/terrain/api/jour/", key).json()["stops"][0]["baskets"][0]
    FieldDevice.objects.filter(pk=found.pk).update(prepared_at=timezone.now() - dt.timedelta(hours=36, minutes=1))
    response = call(client, "get", "/terrain/api/jour/", key)
    assert response.status_code == 403 and response.json()["send_only"] is True
    sent = call(client, "post", "/terrain/api/envoi/", key, {"entries": [entry(row, "not_collected")]})
    assert sent.status_code == 200 and sent.json()["results"][0]["status"] == "applied"


def test_finishing_the_day_erases_and_stops_the_token(client, device):
    key = device[1]
    response = call(client, "post", "/terrain/api/fin/", key, {})
    assert response.status_code == 200 and response.json() == {"erase": True}
    assert call(client, "get", "/terrain/api/jour/", key).status_code == 410


# --- Pages ----------------------------------------------------------------------------------------

def test_a_volunteer_prepares_the_day_and_the_token_travels_in_the_fragment(client_for, world, tour):
    client = client_for(world.volunteer)
    page = client.get("/terrain/")
    assert page.status_code == 200 and "Préparer pour la route" in page.content.decode()
    response = client.post(f"/terrain/{tour.group.pk}/{tour.day.isoformat()}/preparer/", {"label": "Tablette"})
    assert response.status_code == 302
    path, _hash, key = response["Location"].partition("#")
    assert path == "/terrain/jour/" and key.startswith("fld_")
    assert FieldDevice.objects.get().key_hash == FieldDevice.hash_key(key)


def test_preparing_without_a_name_shows_the_page_again_with_a_422(client_for, world, tour):
    client = client_for(world.volunteer)
    response = client.post(f"/terrain/{tour.group.pk}/{tour.day.isoformat()}/preparer/", {"label": " "})
    assert response.status_code == 422 and "Donnez un nom" in response.content.decode()
    assert not FieldDevice.objects.exists()


def test_preparing_another_groups_day_is_a_404(client_for, world, tour):
    other = BuyingGroup.objects.create(association=world.association, name="Camion 2", kind="mobile")
    Site.objects.create(group=other, name="Place", is_stop=True)
    client = client_for(world.volunteer)
    assert client.post(f"/terrain/{other.pk}/{tour.day.isoformat()}/preparer/", {"label": "T"}).status_code == 404
    assert client.post(f"/terrain/{tour.group.pk}/pas-une-date/preparer/", {"label": "T"}).status_code == 404


def test_the_shell_and_its_worker_are_public_and_hold_no_data(client, tour):
    shell = client.get("/terrain/jour/")
    assert shell.status_code == 200 and "Étienne" not in shell.content.decode()
    worker = client.get("/terrain/sw.js")
    assert worker.status_code == 200
    assert worker["Content-Type"].startswith("text/javascript")
    assert worker["Service-Worker-Allowed"] == "/terrain/" and worker["Cache-Control"] == "no-cache"
    body = worker.content.decode()
    assert "/static/field/app.js" in body and "/static/core/grappe.css" in body


def test_coordinators_see_devices_and_refused_entries_and_act_on_them(client_for, world, tour, device):
    found, key = device
    services.apply_entries(device=found, entries=[{"id": str(uuid.uuid4()), "kind": "payment",
                                                   "basket": tour.baskets[0].pk, "stamp": "stale",
                                                   "payload": {"amount": "3", "means": "cash"}}],
                           now=timezone.now())
    client = client_for(world.coordinator)
    page = client.get("/terrain/appareils/").content.decode()
    assert "Tablette du camion" in page and "Révoquer" in page
    refused = client.get("/terrain/refus/").content.decode()
    assert "Étienne Müller" in refused and "Paiement de 3,00" in refused and "modifié sur le serveur" in refused
    entry = FieldEntry.objects.get()
    assert client.post(f"/terrain/refus/{entry.pk}/traite/", {"note": "Vu avec Étienne"}).status_code == 302
    entry.refresh_from_db()
    assert entry.handled_by == world.coordinator and entry.handled_note == "Vu avec Étienne"
    assert client.post(f"/terrain/appareils/{found.pk}/revoquer/").status_code == 302
    assert FieldDevice.objects.get(pk=found.pk).status == "revoked"
    assert client.post(f"/terrain/appareils/{found.pk}/revoquer/").status_code == 422


def test_volunteers_and_coordinators_of_other_groups_do_not_reach_the_devices(client_for, world, tour, device):
    assert client_for(world.volunteer).get("/terrain/appareils/").status_code == 404
    Role.objects.get(user=world.coordinator).groups.remove(tour.group)
    client = client_for(world.coordinator)
    assert "Tablette du camion" not in client.get("/terrain/appareils/").content.decode()
    assert client.post(f"/terrain/appareils/{device[0].pk}/revoquer/").status_code == 404
