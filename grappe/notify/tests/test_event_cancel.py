"""Cancelling an event asks first and shows the messages that will leave (issue 17): four SMS were
queued at one click."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from grappe.core.errors import REFUSED
from grappe.events import services as event_services
from grappe.events.models import Event, Registration
from grappe.events.tests.factories import EventFactory
from grappe.members.tests.factories import MemberFactory
from grappe.notify.engine import send_due
from grappe.notify.sms import ConsoleBackend

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(world):
    starts = timezone.make_aware(dt.datetime.combine(timezone.localdate() + dt.timedelta(days=3), dt.time(14, 30)))
    event = EventFactory(group=world.group, title="Atelier soupe", place="Centre social", starts_at=starts,
                         capacity=10)
    households = [
        MemberFactory(association=world.association, group=world.group, name="Sms Un", phone="0611223344",
                      preferred_channel="sms"),
        MemberFactory(association=world.association, group=world.group, name="Mail Deux", phone="",
                      email="deux@example.org", preferred_channel="email"),
        MemberFactory(association=world.association, group=world.group, name="Papier Trois", phone="0475000000",
                      preferred_channel="paper"),
        MemberFactory(association=world.association, group=world.group, name="Muet Quatre", phone="0611223355",
                      reminders_opt_out=True),
    ]
    for member in households:
        Registration.objects.create(event=event, member=member, status=Registration.Status.CONFIRMED)
    return event


def test_the_page_says_how_many_messages_to_whom_and_by_which_channel(world, client, event):
    client.force_login(world.coordinator)
    response = client.get(reverse("notify:event_cancel", args=[event.pk]))
    assert response.status_code == 200
    context = response.context
    assert (context["sms"], context["emails"], context["calls"], context["none"], context["message_count"]) == (1, 1, 1, 1, 3)
    page = response.content.decode()
    for text in ("Sms Un", "06\u00a011\u00a022\u00a033\u00a044", "deux@example.org", "Papier Trois", "Muet Quatre"):
        assert text in page
    assert 'type="checkbox" name="confirm"' in page and "required" in page
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED


def test_without_the_tick_nothing_is_cancelled(world, client, event):
    client.force_login(world.coordinator)
    response = client.post(reverse("notify:event_cancel", args=[event.pk]))
    assert response.status_code == REFUSED
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED


def test_with_the_tick_the_event_is_cancelled_and_the_shown_messages_leave(world, client, event):
    client.force_login(world.coordinator)
    shown = client.get(reverse("notify:event_cancel", args=[event.pk])).context["sms"]
    response = client.post(reverse("notify:event_cancel", args=[event.pk]), {"confirm": "on"})
    assert response.status_code == 302 and response["Location"] == reverse("events:detail", args=[event.pk])
    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED
    backend = ConsoleBackend(stream=__import__("io").StringIO())
    summary = send_due(timezone.now(), kinds=["event_cancelled"], backend=backend)
    assert len(backend.sent) == shown == 1
    assert summary.counts["opted_out"] == 1


def test_a_cancelled_event_goes_back_to_its_page(world, client, event):
    event_services.cancel_event(event=event)
    client.force_login(world.coordinator)
    response = client.get(reverse("notify:event_cancel", args=[event.pk]))
    assert response.status_code == 302


@pytest.mark.parametrize("who", ["member_user", "referrer", "outsider"])
def test_others_get_404(world, client, event, who):
    client.force_login(getattr(world, who))
    assert client.post(reverse("notify:event_cancel", args=[event.pk]), {"confirm": "on"}).status_code == 404
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED


def test_an_event_for_two_groups_reaches_the_registrants_of_both(world, client, event):
    """The event is shared with Die: Die's coordinator may cancel it, and Die's household is told,
    logged under Die (the household's group)."""
    from grappe.members.tests.personas import person
    from grappe.network.models import Role
    from grappe.notify.kinds.events import cancelled_dues

    event.groups.add(world.other_group)
    die = MemberFactory(association=world.association, group=world.other_group, name="Die Cinq",
                        phone="0611223366", preferred_channel="sms")
    Registration.objects.create(event=event, member=die, status=Registration.Status.CONFIRMED)
    client.force_login(person("coord-die", world.association, Role.Kind.COORDINATOR, groups=[world.other_group]))
    response = client.get(reverse("notify:event_cancel", args=[event.pk]))
    assert response.status_code == 200 and response.context["sms"] == 2
    assert "Die Cinq" in response.content.decode()
    event_services.cancel_event(event=event)
    groups = {due.recipient.member.name: due.group for due in cancelled_dues(event)}
    assert (groups["Die Cinq"], groups["Sms Un"]) == (world.other_group, world.group)
