"""Erasing a member also erases the phone and e-mail kept in the reminders sent to them."""

import pytest
from django.urls import reverse

from grappe.members.services import erase_member
from grappe.members.tests.factories import MemberFactory
from grappe.notify.models import SentNotification

Status = SentNotification.Status
PHONE, MOBILE, EMAIL = "06 12 34 56 78", "+33612345678", "jeanne.martin@example.org"


def sent(world, channel, address, status, *, member=None, user=None, key="event:1", error=""):
    recipient = f"member:{member.pk}" if member else f"user:{user.pk}"
    return SentNotification.objects.create(
        association=world.association, group=world.group, member=member, user=user, kind="event_tomorrow", key=key,
        recipient=recipient, channel=channel, address=address, status=status, error=error,
        text="Rappel : Atelier soupe demain à 14h30.")


@pytest.fixture
def jeanne(world):
    """world.member, with a phone and an e-mail, and every kind of trace of them in the log."""
    member = world.member
    member.phone, member.email = PHONE, EMAIL
    member.save()
    sent(world, "call", PHONE, Status.TO_CALL, member=member, key="event:1")
    sent(world, "sms", MOBILE, Status.SENT, member=member, key="event:2")
    sent(world, "email", EMAIL, Status.FAILED, member=member, key="event:3",
         error=f"SMTPRecipientsRefused: {{'{EMAIL}': (550, b'no such user')}}")
    sent(world, "email", EMAIL, Status.SENT, user=world.member_user, key="slot:1")  # reached through the login
    return member


def traces(*values):
    rows = SentNotification.objects.all()
    return [(row.pk, field) for row in rows for field in ("address", "error", "subject", "text")
            for value in values if value in getattr(row, field)]


def test_erasing_a_member_clears_their_phone_and_email_from_the_notification_log(world, jeanne):
    other = MemberFactory(association=world.association, group=world.group, phone="06 99 99 99 99")
    kept = sent(world, "call", "06 99 99 99 99", Status.TO_CALL, member=other, key="event:9")
    assert traces(PHONE, MOBILE, EMAIL)  # the log did hold them
    erase_member(member=jeanne, by=world.coordinator)
    assert traces(PHONE, MOBILE, EMAIL) == []
    # what was sent, when and how stays (the log of what the association did); only the person goes
    assert SentNotification.objects.filter(member=jeanne).count() == 3
    kept.refresh_from_db()
    assert kept.address == "06 99 99 99 99"  # nobody else's log is touched


def test_the_call_list_shows_nothing_of_an_erased_member(world, client_for, jeanne):
    client = client_for(world.volunteer)
    assert PHONE in client.get(reverse("notify:calls")).content.decode()
    erase_member(member=jeanne, by=world.coordinator)
    page = client.get(reverse("notify:calls")).content.decode()
    assert PHONE not in page and MOBILE not in page and EMAIL not in page
    assert "Atelier soupe" not in page  # nobody is left to call
    log = client_for(world.coordinator).get(reverse("notify:log")).content.decode()
    assert PHONE not in log and MOBILE not in log and EMAIL not in log
