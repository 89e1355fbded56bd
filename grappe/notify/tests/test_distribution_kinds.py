"""The volunteer's slot reminder, on a distribution day built with the distribution app's factory."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.utils import timezone

from grappe.distribution import services as distribution_services
from grappe.distribution.models import Distribution
from grappe.distribution.tests.factories import make_day
from grappe.network.models import PersonContact
from grappe.notify.engine import send_due
from grappe.notify.gsm import fits_one_sms
from grappe.notify.models import SentNotification
from grappe.notify.sms import ConsoleBackend


@pytest.fixture
def backend():
    return ConsoleBackend(stream=io.StringIO())


def test_a_volunteer_is_reminded_of_their_slot_once(world, backend):
    day = make_day(world)
    today = timezone.localdate()
    tomorrow = today + dt.timedelta(days=1)
    Distribution.objects.filter(pk=day.day.pk).update(date=tomorrow, place="Salle polyvalente de Saint-Nazaire-"
                                                                             "en-Royans, derrière la mairie")
    world.volunteer.email = "benevole@example.org"
    world.volunteer.save()
    slot = distribution_services.add_slot(distribution=day.day, task="Pesée du vrac", starts_at=dt.time(17, 0),
                                          ends_at=dt.time(19, 0))
    distribution_services.add_slot(distribution=day.day, task="Caisse", starts_at=dt.time(17, 0))  # nobody yet
    type(slot).objects.filter(pk=slot.pk).update(volunteer=world.volunteer)
    now = timezone.make_aware(dt.datetime.combine(today, dt.time(10)))
    send_due(now, kinds=["volunteer_slot_tomorrow"], backend=backend)
    send_due(now, kinds=["volunteer_slot_tomorrow"], backend=backend)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["benevole@example.org"]
    assert "Pesée du vrac" in mail.outbox[0].body and "à 17h00" in mail.outbox[0].body
    row = SentNotification.objects.get()
    assert (row.user, row.group, row.status) == (world.volunteer, world.group, SentNotification.Status.SENT)


def test_the_volunteer_sms_fits_and_a_volunteer_without_e_mail_gets_an_sms_never_a_call_without_number(
        world, backend):
    from grappe.notify.kinds.distribution import _slot_sms

    text = _slot_sms({"task": "Installation des tables et de la balance " * 3, "time": "16 h 30",
                      "place": "Maison des Associations de Saint-Jean-en-Royans " * 3})
    assert fits_one_sms(text) and text.startswith("Rappel : demain à 16 h 30")
    day = make_day(world)
    today = timezone.localdate()
    Distribution.objects.filter(pk=day.day.pk).update(date=today + dt.timedelta(days=1))
    slot = distribution_services.add_slot(distribution=day.day, task="Caisse")
    type(slot).objects.filter(pk=slot.pk).update(volunteer=world.volunteer)
    now = timezone.make_aware(dt.datetime.combine(today, dt.time(10)))
    # no e-mail, no number: nothing to send, and no line without a number on the call list (issue 17)
    assert send_due(now, kinds=["volunteer_slot_tomorrow"], backend=backend).counts["unreachable"] == 1
    assert not SentNotification.objects.exists()
    PersonContact.objects.create(user=world.volunteer, phone="06 12 34 56 78")
    world.volunteer.refresh_from_db()
    send_due(now, kinds=["volunteer_slot_tomorrow"], backend=backend)
    row = SentNotification.objects.get()
    assert (row.channel, row.address, row.status) == ("sms", "+33612345678", SentNotification.Status.SENT)
    assert backend.sent[0][0] == "+33612345678"
