import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from grappe.events import services as event_services
from grappe.events.models import Registration
from grappe.events.tests.factories import EventFactory
from grappe.members.tests.factories import MemberFactory
from grappe.notify.engine import send_due
from grappe.notify.gsm import fits_one_sms
from grappe.notify.models import SentNotification
from grappe.notify.sms import ConsoleBackend

Status = SentNotification.Status


def local(day_offset, hour, minute=0):
    today = timezone.localdate()
    return timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=day_offset), dt.time(hour, minute)))


@pytest.fixture
def now():
    return local(0, 10)


@pytest.fixture
def event(world):
    return EventFactory(group=world.group, title="Atelier soupe", place="Centre social Coluche",
                        starts_at=local(1, 14, 30), capacity=10)


@pytest.fixture
def backend():
    return ConsoleBackend(stream=__import__("io").StringIO())


def register(event, member):
    return Registration.objects.create(event=event, member=member, status=Registration.Status.CONFIRMED)


def test_sending_twice_gives_one_message(world, event, now, backend):
    register(event, world.member)
    first = send_due(now, kinds=["event_tomorrow"], backend=backend)
    second = send_due(now, kinds=["event_tomorrow"], backend=backend)
    assert first.counts["sent"] == 1 and second.counts["already"] == 1
    assert len(backend.sent) == 1
    to, text = backend.sent[0]
    assert to == "+33600000000"
    assert text == "Rappel : Atelier soupe demain à 14h30, Centre social Coluche. Si vous ne pouvez pas venir, " \
                   "prévenez votre groupement."
    row = SentNotification.objects.get()
    assert (row.kind, row.status, row.channel, row.provider_id, row.group) == (
        "event_tomorrow", Status.SENT, "sms", "console-1", world.group)


def test_two_overlapping_runs_cannot_insert_the_same_reminder(world, event, now, backend):
    """The second run finds the row the first one inserted before sending (still 'pending')."""
    register(event, world.member)
    SentNotification.objects.create(association=world.association, kind="event_tomorrow",
                                    key=f"event:{event.pk}:{local(1, 0).date().isoformat()}",
                                    recipient=f"member:{world.member.pk}", channel="sms", text="...",
                                    status=Status.PENDING, claimed_at=now)
    summary = send_due(now, kinds=["event_tomorrow"], backend=backend)
    assert summary.counts["already"] == 1 and backend.sent == []


def test_opted_out_members_get_nothing(world, event, now, backend):
    world.member.reminders_opt_out = True
    world.member.save()
    register(event, world.member)
    summary = send_due(now, kinds=["event_tomorrow"], backend=backend)
    assert summary.counts["opted_out"] == 1
    assert backend.sent == [] and not SentNotification.objects.exists()


def test_email_members_get_an_email(world, event, now, backend):
    world.member.preferred_channel, world.member.email = "email", "jeanne@example.org"
    world.member.save()
    register(event, world.member)
    send_due(now, kinds=["event_tomorrow"], backend=backend)
    assert backend.sent == []
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["jeanne@example.org"]
    assert message.subject == "Demain\u00a0: Atelier soupe"
    assert "samedi" in message.body or "demain" in message.body.lower()
    assert SentNotification.objects.get().provider_id == message.extra_headers["Message-ID"]


@pytest.mark.parametrize("first_name, hello", [("Jeanne", "Bonjour Jeanne,\n\n"), ("", "Bonjour Martin Jeanne,\n\n")])
def test_an_email_greets_the_member_by_her_first_name_else_her_whole_name(world, event, now, backend,
                                                                           first_name, hello):
    world.member.preferred_channel, world.member.email = "email", "jeanne@example.org"
    world.member.name, world.member.first_name = "Martin Jeanne", first_name
    world.member.save()
    register(event, world.member)
    send_due(now, kinds=["event_tomorrow"], backend=backend)
    assert mail.outbox[0].body.startswith(hello)


@pytest.mark.parametrize("channel", ["call", "paper"])
def test_call_and_paper_members_go_to_the_list_of_calls(world, event, now, backend, channel):
    world.member.preferred_channel = channel
    world.member.save()
    register(event, world.member)
    send_due(now, kinds=["event_tomorrow"], backend=backend)
    send_due(now, kinds=["event_tomorrow"], backend=backend)
    assert backend.sent == [] and mail.outbox == []
    row = SentNotification.objects.get()
    assert (row.status, row.channel) == (Status.TO_CALL, channel)


def test_sms_member_without_a_usable_phone_falls_back_to_email_then_to_a_call(world, event, now, backend):
    world.member.phone, world.member.email = "pas de portable", "j@example.org"
    world.member.save()
    other = MemberFactory(association=world.association, group=world.group, phone="")
    register(event, world.member)
    register(event, other)
    send_due(now, kinds=["event_tomorrow"], backend=backend)
    channels = dict(SentNotification.objects.values_list("member_id", "channel"))
    assert channels == {world.member.pk: "email", other.pk: "call"}


def test_a_failed_sms_is_retried_by_the_next_run_then_given_up(world, event, now):
    class Broken(ConsoleBackend):
        def send(self, to, text):
            self.sent.append((to, text))
            return False, "", "HTTP 500"

    register(event, world.member)
    broken = Broken()
    for _ in range(5):
        send_due(now, kinds=["event_tomorrow"], backend=broken)
    row = SentNotification.objects.get()
    assert (row.status, row.attempts, row.error) == (Status.FAILED, 3, "HTTP 500")
    assert len(broken.sent) == 3


def test_dry_run_writes_and_sends_nothing(world, event, now, backend):
    register(event, world.member)
    summary = send_due(now, kinds=["event_tomorrow"], dry_run=True, backend=backend)
    assert summary.counts["would_send"] == 1
    assert backend.sent == [] and not SentNotification.objects.exists()


def test_no_reminder_for_events_the_day_after_tomorrow(world, now, backend):
    register(EventFactory(group=world.group, starts_at=local(2, 14)), world.member)
    assert send_due(now, kinds=["event_tomorrow"], backend=backend).counts == {}


def test_a_household_promoted_from_the_waiting_list_is_told_once(world, now, backend):
    event = EventFactory(group=world.group, capacity=1, starts_at=local(3, 18))
    other = MemberFactory(association=world.association, group=world.group)
    first = event_services.register(by=None, event=event, member=other)
    event_services.register(by=None, event=event, member=world.member)
    event_services.unregister(registration=first)
    send_due(now, kinds=["event_place_free"], backend=backend)
    send_due(now, kinds=["event_place_free"], backend=backend)
    assert len(backend.sent) == 1
    assert "une place" in backend.sent[0][1].lower()


def test_registered_households_are_told_of_a_cancellation(world, event, now, backend):
    register(event, world.member)
    event_services.cancel_event(event=event)
    send_due(now, kinds=["event_cancelled", "event_tomorrow"], backend=backend)
    assert len(backend.sent) == 1
    assert "annul" in backend.sent[0][1]


def test_every_event_sms_fits_one_sms_with_very_long_names(world, now, backend):
    long_place = "Salle polyvalente de la Maison des Associations de Saint-Julien-en-Quint-et-Environs"
    event = EventFactory(group=world.group, title="Atelier cuisine des légumineuses et des céréales d'hiver",
                         place=long_place, starts_at=local(1, 14, 30), capacity=1)
    register(event, world.member)
    waiting = MemberFactory(association=world.association, group=world.group)
    Registration.objects.create(event=event, member=waiting, status=Registration.Status.CONFIRMED,
                                promoted_at=timezone.now())
    send_due(now, kinds=["event_tomorrow", "event_place_free"], backend=backend)
    event_services.cancel_event(event=event)
    send_due(now, kinds=["event_cancelled"], backend=backend)
    assert len(backend.sent) == 5
    for _to, text in backend.sent:
        assert fits_one_sms(text), (len(text), text)


def test_the_command_is_idempotent_and_respects_quiet_hours(world, event, settings, capsys):
    register(event, world.member)
    settings.NOTIFY_HOURS = (0, 24)
    call_command("send_reminders", "--kind", "event_tomorrow")
    call_command("send_reminders", "--kind", "event_tomorrow")
    assert SentNotification.objects.filter(status=Status.SENT).count() == 1
    settings.NOTIFY_HOURS = (0, 0)
    call_command("send_reminders")
    assert "nothing sent" in capsys.readouterr().out.lower()
