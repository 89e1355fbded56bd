"""Two cron runs at the same moment send one message: the unique row is inserted before sending.

Meaningful on PostgreSQL (run with DATABASE_URL=postgres://...); skipped on SQLite, which
serialises writers anyway.
"""

import datetime as dt
import io
import threading

import pytest
from django.db import connection
from django.utils import timezone

from grappe.events.models import Registration
from grappe.events.tests.factories import EventFactory
from grappe.notify.engine import send_due
from grappe.notify.models import SentNotification
from grappe.notify.sms import ConsoleBackend

pytestmark = pytest.mark.django_db(transaction=True)


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
    if connection.vendor != "postgresql":
        pytest.skip("row-level concurrency is proved on PostgreSQL")
    today = timezone.localdate()
    now = timezone.make_aware(dt.datetime.combine(today, dt.time(10)))
    tomorrow = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=1), dt.time(15)))
    event = EventFactory(group=world.group, starts_at=tomorrow, capacity=None)
    Registration.objects.create(event=event, member=world.member, status=Registration.Status.CONFIRMED)
    barrier = threading.Barrier(2)
    backend = CountingBackend()
    errors = []

    def run():
        try:
            barrier.wait()
            send_due(now, kinds=["event_tomorrow"], backend=backend)
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(backend.sent) == 1
    assert SentNotification.objects.count() == 1
