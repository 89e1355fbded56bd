"""Devices sending at the same moment, on PostgreSQL: two devices on one basket charge it once, and one
device sending the same entries twice at once applies them once.

PostgreSQL only (SQLite has no row locks): see grappe/core/tests/concurrency.py.
"""

import uuid

import pytest
from django.utils import timezone

from grappe.accounts.models import Entry
from grappe.core.tests.concurrency import postgres_only, run_concurrently
from grappe.field import services
from grappe.field.models import FieldEntry
from grappe.field.tests.factories import make_tour_day

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]

DEVICES = 4


def entries(bundle, basket):
    row = next(b for stop in bundle["stops"] for b in stop["baskets"] if b["id"] == basket.pk)
    return [{"id": str(uuid.uuid4()), "kind": kind, "basket": basket.pk, "stamp": row["stamp"], "payload": payload}
            for kind, payload in (("collected", {"lines": {}}), ("payment", {"amount": "3.00", "means": "cash"}))]


def test_devices_racing_on_one_basket_charge_and_take_payment_once(world):
    now = timezone.now()
    tour = make_tour_day(world, now=now)
    basket = tour.baskets[0]
    devices = []
    for index in range(DEVICES):
        device, _key = services.prepare_device(group=tour.group, day=tour.day, label=f"Appareil {index}",
                                               by=world.volunteer, now=now)
        devices.append((device, entries(services.hand_bundle(device=device, now=now), basket)))
    outcomes = run_concurrently(*[
        (lambda d=device, e=sent: services.apply_entries(device=d, entries=e, now=now)) for device, sent in devices])
    assert all(o.error is None for o in outcomes), [o.error for o in outcomes]
    statuses = sorted(tuple(r["status"] for r in o.result) for o in outcomes)
    assert statuses == [("applied", "applied")] + [("refused", "refused")] * (DEVICES - 1)
    assert Entry.objects.filter(member=basket.member, kind=Entry.Kind.CHARGE).count() == 1
    assert Entry.objects.filter(member=basket.member, kind=Entry.Kind.PAYMENT).count() == 1
    assert FieldEntry.objects.filter(status="refused").count() == 2 * (DEVICES - 1)


def test_one_device_sending_the_same_entries_twice_at_once_applies_them_once(world):
    now = timezone.now()
    tour = make_tour_day(world, now=now)
    basket = tour.baskets[1]
    device, _key = services.prepare_device(group=tour.group, day=tour.day, label="Tablette", by=world.volunteer,
                                           now=now)
    sent = entries(services.hand_bundle(device=device, now=now), basket)
    outcomes = run_concurrently(*[lambda: services.apply_entries(device=device, entries=sent, now=now)] * 3)
    assert all(o.error is None for o in outcomes), [o.error for o in outcomes]
    for index in range(2):
        assert sorted(o.result[index]["status"] for o in outcomes) == ["applied", "duplicate", "duplicate"]
    assert Entry.objects.filter(member=basket.member, kind=Entry.Kind.CHARGE).count() == 1
    assert Entry.objects.filter(member=basket.member, kind=Entry.Kind.PAYMENT).count() == 1
    assert FieldEntry.objects.count() == 2
