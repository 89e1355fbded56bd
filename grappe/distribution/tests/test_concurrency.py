"""Closing a cycle's last distribution while a delivery is recorded: both take the cycle row first, so
one waits for the other (PostgreSQL; see docs/architecture.md "Orders: locking").

Before, the closing locked its distribution, then stock items, then the cycle; the receipt locked the
cycle, then stock items: each waited for the other and PostgreSQL killed one ("deadlock detected")."""

import threading
from decimal import Decimal as D

import pytest

from grappe.core.errors import DomainError
from grappe.core.tests.concurrency import postgres_only, run_concurrently
from grappe.distribution import services as distribution_services
from grappe.distribution.models import Basket, Distribution
from grappe.orders import services
from grappe.orders.models import PurchaseOrder
from grappe.orders.services import ReceivedLine
from grappe.orders.tests.factories import make_cycle, make_member

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]


def test_closing_the_last_distribution_and_a_receipt_do_not_deadlock(world, monkeypatch):
    shop = make_cycle(world)
    other = make_member(world, group=world.other_group)
    services.set_line(cycle=shop.cycle, member=world.member, product=shop.lentils, quantity=D("10"),
                      tolerance=D("5"), by=None)
    services.set_line(cycle=shop.cycle, member=other, product=shop.lentils, quantity=D("12"), by=None)
    services.close_cycle(cycle=shop.cycle, by=world.coordinator)
    services.confirm_cycle(cycle=shop.cycle, by=world.coordinator, stock_group=world.group)
    distribution_services.create_distributions(cycle=shop.cycle, by=world.coordinator)
    for basket in Basket.objects.all():
        distribution_services.mark_not_collected(basket=basket, by=world.coordinator)
    distribution_services.close_distribution(distribution=Distribution.objects.get(group=world.other_group),
                                             by=world.coordinator, early=True)
    last = Distribution.objects.get(group=world.group)
    purchase_order = PurchaseOrder.objects.get(supplier=shop.farm)
    stock_taken = threading.Event()
    apply_stock_moves = distribution_services.apply_stock_moves

    def apply_then_pause(moves):
        apply_stock_moves(moves)  # the closing now holds the group's stock rows...
        stock_taken.set()
        threading.Event().wait(3)  # ...long enough for the receipt to reach them

    monkeypatch.setattr(distribution_services, "apply_stock_moves", apply_then_pause)

    def close():
        return distribution_services.close_distribution(distribution=last, by=world.coordinator, early=True).status

    def receive():
        assert stock_taken.wait(30)
        lines = [ReceivedLine(line.pk, delivered=line.quantity + 3) for line in purchase_order.lines.all()]
        return services.record_receipt(purchase_order=purchase_order, by=world.coordinator, lines=lines).status

    closed, received = run_concurrently(close, receive)
    assert closed.error is None and closed.result == Distribution.Status.CLOSED
    # the receipt waited for the closing; it was then recorded or refused in French, never killed
    assert received.error is None or isinstance(received.error, DomainError), received.error
