"""The association chooses which reminders go out and by which channels (issue 17); its choice comes
first, then the member's channel, then SMS, e-mail, the call list."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from grappe.core.errors import REFUSED, DomainError
from grappe.events.models import Registration
from grappe.events.tests.factories import EventFactory
from grappe.members.tests.factories import MemberFactory
from grappe.notify import services
from grappe.notify.engine import send_due
from grappe.notify.models import ReminderSetting, SentNotification
from grappe.notify.sms import ConsoleBackend

pytestmark = pytest.mark.django_db


def _all_on(**overrides):
    data = {f"{kind}__{field}": "on" for kind in services.chosen_kinds() for field in ("enabled", "sms", "email", "call")}
    for key, value in overrides.items():
        if value is None:
            data.pop(key)
        else:
            data[key] = value
    return data


@pytest.fixture
def tomorrow_event(world):
    starts = timezone.make_aware(dt.datetime.combine(timezone.localdate() + dt.timedelta(days=1), dt.time(14)))
    event = EventFactory(group=world.group, starts_at=starts)
    member = MemberFactory(association=world.association, group=world.group, phone="0611223344",
                           email="a@example.org", preferred_channel="sms")
    Registration.objects.create(event=event, member=member, status=Registration.Status.CONFIRMED)
    return member


def _run(kind="event_tomorrow"):
    backend = ConsoleBackend(stream=io.StringIO())
    now = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(10)))
    return send_due(now, kinds=[kind], backend=backend)


def test_the_page_lists_every_kind_the_cron_sends(world, client_for):
    page = client_for(world.admin).get(reverse("notify:settings")).content.decode()
    assert 'name="event_tomorrow__enabled"' in page and 'name="receipt__enabled"' not in page


def test_a_kind_switched_off_does_not_go(world, client_for, tomorrow_event):
    response = client_for(world.admin).post(reverse("notify:settings"), _all_on(event_tomorrow__enabled=None))
    assert response.status_code == 302
    assert not ReminderSetting.objects.get(kind="event_tomorrow").enabled
    assert ReminderSetting.objects.count() == 1  # the defaults need no row
    assert _run().counts["off"] == 1
    assert not SentNotification.objects.exists()


def test_the_association_channels_come_before_the_members(world, client_for, tomorrow_event):
    client_for(world.admin).post(reverse("notify:settings"), _all_on(event_tomorrow__sms=None))
    _run()
    row = SentNotification.objects.get()
    assert (row.channel, row.address) == ("email", "a@example.org")


def test_a_kind_sent_by_no_channel_is_refused_with_the_ticks_kept(world, client_for):
    response = client_for(world.admin).post(reverse("notify:settings"), _all_on(
        cycle_open__sms=None, cycle_open__email=None, cycle_open__call=None))
    assert response.status_code == REFUSED
    assert not ReminderSetting.objects.exists()
    assert 'name="event_tomorrow__sms" id="id_event_tomorrow__sms" checked' in response.content.decode()
    assert 'name="cycle_open__sms" id="id_cycle_open__sms">' in response.content.decode()


def test_an_unknown_kind_is_refused(world):
    with pytest.raises(DomainError):
        services.save_reminder_settings(association=world.association, by=world.admin,
                                        choices={"nope": {"enabled": True, "sms": True}})


@pytest.mark.parametrize("who", ["coordinator", "volunteer", "member_user", "outsider"])
def test_only_admins_choose(world, client_for, who):
    client = client_for(getattr(world, who))
    response = client.post(reverse("notify:settings"), _all_on(event_tomorrow__enabled=None))
    if who == "outsider":  # the admin of another association: its own settings, not ours
        assert response.status_code == 302
        assert not ReminderSetting.objects.filter(association=world.association).exists()
    else:
        assert response.status_code == 404
