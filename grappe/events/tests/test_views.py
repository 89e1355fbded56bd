from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from grappe.events.models import Event, Registration
from grappe.members.tests.factories import MemberFactory

from .factories import EventFactory


@pytest.fixture
def event(world):
    return EventFactory(group=world.group, title="Atelier soupe", capacity=1)


def test_member_sees_the_events_of_their_group_only(world, client_for, event):
    EventFactory(group=world.other_group, title="Dégustation à Die")
    page = client_for(world.member_user).get(reverse("events:list"))
    assert page.status_code == 200
    assert "Atelier soupe" in page.content.decode()
    assert "Dégustation à Die" not in page.content.decode()


def test_member_registers_then_cancels(world, client_for, event):
    client = client_for(world.member_user)
    client.post(reverse("events:register", args=[event.pk]))
    assert Registration.objects.get(member=world.member).status == Registration.Status.CONFIRMED
    client.post(reverse("events:unregister", args=[event.pk]))
    assert Registration.objects.get(member=world.member).status == Registration.Status.CANCELLED


def test_member_lands_on_the_waiting_list_when_full(world, client_for, event):
    other = MemberFactory(association=world.association, group=world.group)
    Registration.objects.create(event=event, member=other, status=Registration.Status.CONFIRMED)
    response = client_for(world.member_user).post(reverse("events:register", args=[event.pk]), follow=True)
    assert Registration.objects.get(member=world.member).status == Registration.Status.WAITING
    assert "liste d" in response.content.decode()


def test_coordinator_creates_an_event(world, client_for):
    starts = (timezone.localtime() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    response = client_for(world.coordinator).post(reverse("events:create"), {
        "group": world.group.pk, "kind": "tasting", "title": "Dégustation d'agrumes", "place": "Place du marché",
        "starts_at": starts, "capacity": "12"})
    event = Event.objects.get()
    assert response.status_code == 302
    assert (event.title, event.capacity, event.group, event.created_by) == (
        "Dégustation d'agrumes", 12, world.group, world.coordinator)


def test_coordinator_cannot_create_for_a_group_not_theirs(world, client_for):
    starts = (timezone.localtime() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    response = client_for(world.coordinator).post(reverse("events:create"), {
        "group": world.other_group.pk, "kind": "tasting", "title": "X", "place": "Y", "starts_at": starts})
    assert response.status_code == 422
    assert not Event.objects.exists()


def test_volunteer_registers_a_household_by_number(world, client_for, event):
    client_for(world.volunteer).post(reverse("events:staff_register", args=[event.pk]),
                                     {"member_number": world.member.number})
    assert Registration.objects.get(member=world.member).status == Registration.Status.CONFIRMED


def test_staff_sees_the_list_of_registered(world, client_for, event):
    Registration.objects.create(event=event, member=world.member, status=Registration.Status.CONFIRMED)
    page = client_for(world.coordinator).get(reverse("events:detail", args=[event.pk])).content.decode()
    assert "Martin Jeanne" in page


def test_member_cannot_see_who_else_registered(world, client_for, event):
    other = MemberFactory(association=world.association, group=world.group, name="Durand Paul")
    Registration.objects.create(event=event, member=other, status=Registration.Status.CONFIRMED)
    page = client_for(world.member_user).get(reverse("events:detail", args=[event.pk])).content.decode()
    assert "Durand Paul" not in page


def test_list_page_query_count_does_not_grow_with_events(world, client_for, django_assert_max_num_queries):
    for _ in range(10):
        EventFactory(group=world.group)
    client = client_for(world.member_user)
    with django_assert_max_num_queries(12):
        client.get(reverse("events:list"))


@pytest.mark.parametrize("name, method", [
    ("events:list", "get"), ("events:create", "get"), ("events:detail", "get"), ("events:edit", "get"),
    ("notify:event_cancel", "post"), ("events:register", "post"), ("events:unregister", "post"),
    ("events:staff_register", "post"), ("events:staff_unregister", "post"),
])
def test_outsider_gets_404(world, client_for, event, name, method):
    registration = Registration.objects.create(event=event, member=world.member,
                                               status=Registration.Status.CONFIRMED)
    args = [] if name in ("events:list", "events:create") else [
        registration.pk if name == "events:staff_unregister" else event.pk]
    client = client_for(world.outsider)
    response = getattr(client, method)(reverse(name, args=args), {"member_number": world.member.number})
    if name in ("events:list", "events:create"):
        # the outsider is an admin elsewhere: these pages exist for them but show nothing of ours
        assert response.status_code == 200
        assert "Atelier soupe" not in response.content.decode()
    else:
        assert response.status_code == 404
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED


@pytest.mark.parametrize("name", ["events:edit", "notify:event_cancel", "events:staff_register"])
def test_a_member_cannot_reach_staff_pages(world, client_for, event, name):
    response = client_for(world.member_user).post(reverse(name, args=[event.pk]), {"member_number": 1})
    assert response.status_code == 404


def test_a_referrer_gets_404_on_events(world, client_for, event):
    assert client_for(world.referrer).get(reverse("events:list")).status_code == 404


def test_staff_find_a_household_by_name_and_register_it(world, client_for, event):
    """Issue 17: register a member by name search (a GET field, no JavaScript), then a button."""
    amina = MemberFactory(association=world.association, group=world.group, name="Benali Amina")
    MemberFactory(association=world.association, group=world.other_group, name="Benali Other")
    client = client_for(world.volunteer)
    response = client.get(reverse("events:detail", args=[event.pk]), {"q": "benali"})
    assert [member.name for member in response.context["found"]] == ["Benali Amina"]
    page = response.content.decode()
    assert f'name="member_number" value="{amina.number}"' in page and "Benali Other" not in page
    client.post(reverse("events:staff_register", args=[event.pk]), {"member_number": amina.number})
    assert Registration.objects.filter(event=event, member=amina, status=Registration.Status.CONFIRMED).exists()


def test_a_member_gets_no_name_search(world, client_for, event):
    MemberFactory(association=world.association, group=world.group, name="Benali Amina")
    response = client_for(world.member_user).get(reverse("events:detail", args=[event.pk]), {"q": "benali"})
    assert response.context["found"] == [] and "Benali" not in response.content.decode()
