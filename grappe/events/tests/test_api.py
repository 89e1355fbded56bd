from grappe.events.models import Registration

from .factories import EventFactory


def test_member_lists_registers_and_unregisters_through_the_api(world, api):
    event = EventFactory(group=world.group, title="Atelier soupe", capacity=5)
    assert [e["title"] for e in api(world.member_user, "get", "/events").json()] == ["Atelier soupe"]
    assert api(world.member_user, "post", f"/events/{event.pk}/registration").json()["status"] == "confirmed"
    assert api(world.member_user, "post", f"/events/{event.pk}/registration").status_code == 409
    assert api(world.member_user, "get", f"/events/{event.pk}").json()["registered"] == 1
    assert api(world.member_user, "delete", f"/events/{event.pk}/registration").json()["status"] == "cancelled"
    assert Registration.objects.get().status == Registration.Status.CANCELLED


def test_outsider_gets_404_on_every_event_endpoint(world, api):
    event = EventFactory(group=world.group)
    assert api(world.outsider, "get", "/events").json() == []
    for method, path in [("get", f"/events/{event.pk}"), ("post", f"/events/{event.pk}/registration"),
                         ("delete", f"/events/{event.pk}/registration")]:
        assert api(world.outsider, method, path).status_code == 404, path
    assert not Registration.objects.exists()
