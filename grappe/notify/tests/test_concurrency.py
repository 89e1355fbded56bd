"""Two cron runs at the same moment send one message: the unique row is inserted before sending.

PostgreSQL only (SQLite serialises writers anyway): see grappe/core/tests/concurrency.py.
"""

import datetime as dt
import io
import threading

import pytest
from django.utils import timezone

from grappe.core.tests.concurrency import errors, postgres_only, run_concurrently
from grappe.events.models import Registration
from grappe.events.tests.factories import EventFactory
from grappe.notify.engine import send_due
from grappe.notify.models import SentNotification
from grappe.notify.sms import ConsoleBackend

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]


class CountingBackend(ConsoleBackend):
    """Counts what it sends, from several threads."""

    def __init__(self):
        super().__init__(stream=io.StringIO())
        self.lock = threading.Lock()

    def send(self, to, text):
        with self.lock:
            self.sent.append((to, text))
        return True, "x", ""


def test_two_overlapping_runs_send_one_message(world):
    today = timezone.localdate()
    now = timezone.make_aware(dt.datetime.combine(today, dt.time(10)))
    tomorrow = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=1), dt.time(15)))
    event = EventFactory(group=world.group, starts_at=tomorrow, capacity=None)
    Registration.objects.create(event=event, member=world.member, status=Registration.Status.CONFIRMED)
    backend = CountingBackend()
    outcomes = run_concurrently(*[lambda: send_due(now, kinds=["event_tomorrow"], backend=backend)] * 2)
    assert errors(outcomes) == []
    assert len(backend.sent) == 1
    assert SentNotification.objects.count() == 1
