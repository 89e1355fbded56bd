"""Order changes racing the closing, on PostgreSQL: none lost, none counted twice.

PostgreSQL only (SQLite has no row locks): see grappe/core/tests/concurrency.py.
"""

import threading
from decimal import Decimal as D

import pytest

from grappe.core.tests.concurrency import errors, postgres_only, run_concurrently
from grappe.orders import services
from grappe.orders.models import OrderIncrement, OrderLine, ProductOutcome

from .factories import make_cycle, make_member

THREADS = 50

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]


def test_fifty_order_changes_racing_the_closing_are_each_counted_or_refused(world):
    shop = make_cycle(world)
    members = [make_member(world, group=world.group if i % 2 else world.other_group) for i in range(THREADS)]
    accepted = {}  # member pk -> list of quantities accepted, in order
    refused = {}  # member pk -> messages
    lock = threading.Lock()
    some_done = threading.Event()

    def member_changes(member, index):
        for quantity in (D("1") + index % 3, D("2") + index % 3 + D("0.5")):
            try:
                services.set_line(cycle=shop.cycle, member=member, product=shop.lentils, quantity=quantity,
                                  by=world.volunteer)
                with lock:
                    accepted.setdefault(member.pk, []).append(quantity)
                    if sum(len(v) for v in accepted.values()) >= THREADS // 3:
                        some_done.set()
            except services.CycleNotOpen as refusal:
                with lock:
                    refused.setdefault(member.pk, []).append(str(refusal))

    def closing():
        some_done.wait(timeout=60)
        services.close_cycle(cycle=shop.cycle, by=world.coordinator, confirm=True)

    outcomes = run_concurrently(*[lambda m=m, i=i: member_changes(m, i) for i, m in enumerate(members)], closing)
    assert not errors(outcomes), errors(outcomes)

    # every change is either accepted or refused with a message
    for member in members:
        assert len(accepted.get(member.pk, [])) + len(refused.get(member.pk, [])) == 2
        assert all("not open" in m or "fermées" in m for m in refused.get(member.pk, []))
    assert refused, "the closing came too late to refuse anything: the race was not exercised"
    assert accepted, "the closing came too early: the race was not exercised"

    # none lost, none counted twice: each line holds the last accepted quantity, and the closing
    # counted exactly those lines
    lines = dict(OrderLine.objects.filter(cycle=shop.cycle).values_list("order__member_id", "quantity"))
    assert lines == {pk: values[-1] for pk, values in accepted.items()}
    outcome = ProductOutcome.objects.get(cycle=shop.cycle, product=shop.lentils)
    assert outcome.quantity == sum(values[-1] for values in accepted.values())
    for pk, values in accepted.items():
        increments = OrderIncrement.objects.filter(line__order__member_id=pk)
        assert sum(i.quantity for i in increments) == values[-1]
        assert increments.count() == len(values)
    assert OrderLine.objects.filter(cycle=shop.cycle, allotted__isnull=True).count() == 0
