"""A reminder claimed but never sent (the process was killed between claiming and sending) is sent by a
later run once its claim is older than CLAIM_TIMEOUT; a reminder sent is never sent again."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from grappe.events.models import Registration
from grappe.events.tests.factories import EventFactory
from grappe.notify import engine
from grappe.notify.engine import CLAIM_TIMEOUT, MAX_ATTEMPTS, send_due
from grappe.notify.models import SentNotification
from grappe.notify.sms import ConsoleBackend

Status = SentNotification.Status
PARIS = ZoneInfo("Europe/Paris")
NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=PARIS)  # a Monday morning, whatever the hour the tests run


class Killed(BaseException):
    """What kill -9 does to a run between claiming a reminder and sending it."""


@pytest.fixture
def backend():
    return ConsoleBackend(stream=__import__("io").StringIO())


@pytest.fixture
def registered(world):
    event = EventFactory(group=world.group, title="Atelier soupe", place="Centre social",
                         starts_at=dt.datetime(2026, 3, 3, 14, 30, tzinfo=PARIS), capacity=10)
    Registration.objects.create(event=event, member=world.member, status=Registration.Status.CONFIRMED)
    return event


def killed_run(monkeypatch, backend):
    """A run that claims the reminder (committed) and dies before it leaves."""
    def die(row, backend):
        raise Killed
    with monkeypatch.context() as patch:
        patch.setattr(engine, "_deliver", die)
        with pytest.raises(Killed):
            send_due(NOW, kinds=["event_tomorrow"], backend=backend)
    row = SentNotification.objects.get()
    assert row.status == Status.PENDING and row.claimed_at == NOW and row.attempts == 1
    return row


def test_a_reminder_lost_by_a_killed_run_is_sent_after_the_timeout_once(world, registered, backend, monkeypatch):
    killed_run(monkeypatch, backend)
    early = send_due(NOW + CLAIM_TIMEOUT - dt.timedelta(minutes=1), kinds=["event_tomorrow"], backend=backend)
    assert early.counts["already"] == 1 and backend.sent == []  # the first run may still be sending it
    later = NOW + CLAIM_TIMEOUT + dt.timedelta(minutes=1)
    assert send_due(later, kinds=["event_tomorrow"], backend=backend).counts["sent"] == 1
    row = SentNotification.objects.get()
    assert row.status == Status.SENT and row.attempts == 2 and row.claimed_at == later
    assert send_due(later + dt.timedelta(days=1), kinds=["event_tomorrow"], backend=backend).counts["sent"] == 0
    assert len(backend.sent) == 1


def test_two_runs_after_the_timeout_send_it_once(world, registered, backend, monkeypatch):
    """Both see the stale claim; the conditional update lets only one take it."""
    row = killed_run(monkeypatch, backend)
    later = NOW + CLAIM_TIMEOUT + dt.timedelta(minutes=1)
    first_sees = set(SentNotification.objects.exclude(engine.reclaimable(later)).values_list("pk", flat=True))
    assert row.pk not in first_sees
    due = next(iter(engine.REGISTRY["event_tomorrow"].due(later)))
    route = engine.route_for(due)
    taken = [engine._claim(due, route, "", "x", now=later), engine._claim(due, route, "", "x", now=later)]
    assert taken[0] is not None and taken[1] is None


def test_a_reminder_is_given_up_after_the_last_attempt(world, registered, backend, monkeypatch):
    killed_run(monkeypatch, backend)
    SentNotification.objects.update(attempts=MAX_ATTEMPTS)
    summary = send_due(NOW + dt.timedelta(hours=2), kinds=["event_tomorrow"], backend=backend)
    assert summary.counts["already"] == 1 and backend.sent == []


@pytest.mark.parametrize("status", [Status.SENT, Status.TO_CALL, Status.CALLED])
def test_a_reminder_sent_or_handed_to_the_call_list_is_never_sent_again(world, registered, backend, status):
    send_due(NOW, kinds=["event_tomorrow"], backend=backend)
    SentNotification.objects.update(status=status)
    summary = send_due(NOW + dt.timedelta(days=1), kinds=["event_tomorrow"], backend=backend)
    assert summary.counts["sent"] == 0 and len(backend.sent) == 1
