import pytest
from django.urls import reverse

from grappe.members.models import Member
from grappe.notify.models import SentNotification


@pytest.fixture
def to_call(world):
    return SentNotification.objects.create(
        association=world.association, group=world.group, member=world.member, kind="event_tomorrow",
        key="event:1:2026-11-28", recipient=f"member:{world.member.pk}", channel="call", address="06 00 00 00 00",
        text="Rappel : Atelier soupe demain à 14h30.", status=SentNotification.Status.TO_CALL)


def test_member_switches_reminders_off_and_on(world, client_for):
    client = client_for(world.member_user)
    assert "Je ne veux plus de rappels" in client.get(reverse("notify:preferences")).content.decode()
    client.post(reverse("notify:preferences"), {"reminders": "off"})
    assert Member.objects.get(pk=world.member.pk).reminders_opt_out is True
    client.post(reverse("notify:preferences"), {"reminders": "on"})
    assert Member.objects.get(pk=world.member.pk).reminders_opt_out is False


def test_volunteer_sees_the_calls_and_marks_one_done(world, client_for, to_call):
    client = client_for(world.volunteer)
    page = client.get(reverse("notify:calls")).content.decode()
    assert "Martin Jeanne" in page and "Atelier soupe" in page
    client.post(reverse("notify:call_done", args=[to_call.pk]))
    to_call.refresh_from_db()
    assert (to_call.status, to_call.handled_by) == (SentNotification.Status.CALLED, world.volunteer)
    assert "Aucun appel à passer" in client.get(reverse("notify:calls")).content.decode()


def test_coordinator_sees_the_log_of_their_groups_only(world, client_for, to_call):
    SentNotification.objects.create(
        association=world.association, group=world.other_group, kind="event_tomorrow", key="event:2:x",
        recipient="member:999", channel="sms", text="Message pour Die", status=SentNotification.Status.SENT)
    page = client_for(world.coordinator).get(reverse("notify:log")).content.decode()
    assert "Atelier soupe" in page and "Message pour Die" not in page
    page = client_for(world.admin).get(reverse("notify:log") + "?statut=sent").content.decode()
    assert "Message pour Die" in page and "Atelier soupe" not in page


def test_a_volunteer_cannot_read_the_log(world, client_for):
    assert client_for(world.volunteer).get(reverse("notify:log")).status_code == 404


def test_staff_without_a_member_record_have_no_preferences_page(world, client_for):
    assert client_for(world.coordinator).get(reverse("notify:preferences")).status_code == 404


@pytest.mark.parametrize("name, method", [("notify:log", "get"), ("notify:calls", "get"),
                                          ("notify:call_done", "post"), ("notify:preferences", "get")])
def test_outsider_gets_404_or_sees_nothing_of_ours(world, client_for, to_call, name, method):
    args = [to_call.pk] if name == "notify:call_done" else []
    response = getattr(client_for(world.outsider), method)(reverse(name, args=args))
    if name in ("notify:log", "notify:calls"):
        assert response.status_code == 200  # an admin elsewhere: their own (empty) log
        assert "Martin Jeanne" not in response.content.decode()
    else:
        assert response.status_code == 404
    to_call.refresh_from_db()
    assert to_call.status == SentNotification.Status.TO_CALL
