"""Every transition of a cycle records who made it and when (issue 11): created, opened, deadline
extended, dates changed, closed, confirmed, received, distributed, settled, reopened."""

import datetime
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest

from grappe.accounts import services as account_services
from grappe.accounts.queries import expected_invoice
from grappe.distribution import services as distribution_services
from grappe.distribution.models import Basket
from grappe.orders import services
from grappe.orders.models import CycleEvent, OrderCycle, PurchaseOrder
from grappe.orders.services import CycleStateError, GroupSchedule, ReceivedLine

from .factories import make_cycle, make_member

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def at(day, hour):
    return datetime.datetime(2026, 11, day, hour, 0, tzinfo=PARIS)


def history(cycle):
    return [(e.kind, e.by, e.at) for e in CycleEvent.objects.filter(cycle=cycle).exclude(kind="created")]


def test_each_transition_of_a_cycle_is_recorded_with_who_and_when(world):
    shop = make_cycle(world, open_=False)
    cycle = shop.cycle
    created = CycleEvent.objects.get(cycle=cycle)
    assert (created.kind, created.by) == (CycleEvent.Kind.CREATED, world.coordinator)
    services.open_cycle(cycle=cycle, by=world.coordinator, now=at(2, 9))
    cycle.refresh_from_db()
    services.extend_deadline(cycle=cycle, closes_at=cycle.closes_at + datetime.timedelta(days=1), by=world.admin,
                             now=at(3, 10))
    other = make_member(world, group=world.other_group)
    for member, product, quantity in [(world.member, shop.lentils, "25"), (world.member, shop.oil, "3"),
                                      (other, shop.oil, "3")]:
        services.set_line(cycle=cycle, member=member, product=product, quantity=D(quantity), by=None)
    services.set_distribution_schedule(
        cycle=cycle, by=world.admin, now=at(4, 11),
        groups=[GroupSchedule(cg.pk, cg.distribution_date, time="14 h", place=cg.place)
                for cg in cycle.cycle_groups.all()])
    services.close_cycle(cycle=cycle, by=world.coordinator, now=at(5, 12))
    services.confirm_cycle(cycle=cycle, by=world.admin, now=at(5, 13))
    orders = list(PurchaseOrder.objects.filter(cycle=cycle).prefetch_related("lines"))
    assert len(orders) == 2
    for hour, po in zip((14, 15), orders, strict=True):
        services.record_receipt(purchase_order=po, by=world.volunteer, now=at(6, hour),
                                lines=[ReceivedLine(line.pk, line.quantity) for line in po.lines.all()])
    distributions = distribution_services.create_distributions(cycle=cycle, by=world.coordinator, now=at(6, 18))
    # closed in the order of their hours (ids vary on PostgreSQL), so the last one closed is the latest
    for d in sorted(distributions, key=lambda d: d.pk % 5):
        for basket in Basket.objects.filter(distribution=d):
            account_services.collect_basket(basket=basket, by=world.volunteer, now=at(7, 9))
        distribution_services.close_distribution(distribution=d, by=world.volunteer, now=at(7, 10 + d.pk % 5),
                                                 early=True)
    last_closed = max(at(7, 10 + d.pk % 5) for d in distributions)
    for po in orders:
        account_services.record_invoice(purchase_order=po, number=f"F-{po.pk}", date=datetime.date(2026, 11, 8),
                                        amount=sum((expected_invoice(line) for line in po.lines.all()), D("0.00")),
                                        by=world.admin, now=at(8, 9))
    account_services.settle_cycle(cycle=cycle, by=world.admin, now=at(9, 16))
    account_services.reopen_settlement(cycle=cycle, reason="avoir reçu", by=world.coordinator, now=at(10, 8))

    assert history(cycle) == [
        (CycleEvent.Kind.OPENED, world.coordinator, at(2, 9)),
        (CycleEvent.Kind.DEADLINE, world.admin, at(3, 10)),
        (CycleEvent.Kind.SCHEDULE, world.admin, at(4, 11)),
        (CycleEvent.Kind.CLOSED, world.coordinator, at(5, 12)),
        (CycleEvent.Kind.CONFIRMED, world.admin, at(5, 13)),
        (CycleEvent.Kind.RECEIVED, world.volunteer, at(6, 15)),  # once, when the last delivery came
        (CycleEvent.Kind.PREPARED, world.coordinator, at(6, 18)),
        (CycleEvent.Kind.DISTRIBUTED, world.volunteer, last_closed),  # when the last distribution closed
        (CycleEvent.Kind.SETTLED, world.admin, at(9, 16)),
        (CycleEvent.Kind.REOPENED, world.coordinator, at(10, 8)),
    ]
    assert CycleEvent.objects.get(cycle=cycle, kind=CycleEvent.Kind.REOPENED).reason == "avoir reçu"


def test_a_refused_transition_records_nothing(world):
    shop = make_cycle(world)
    services.close_cycle(cycle=shop.cycle, by=world.coordinator, now=at(5, 12))
    with pytest.raises(CycleStateError):
        services.close_cycle(cycle=shop.cycle, by=world.admin, now=at(5, 13))
    assert [e.by for e in CycleEvent.objects.filter(cycle=shop.cycle, kind=CycleEvent.Kind.CLOSED)] == [
        world.coordinator]


def test_closing_by_the_deadline_job_is_recorded_as_automatic(world):
    shop = make_cycle(world)
    closes_at = OrderCycle.objects.get(pk=shop.cycle.pk).closes_at
    services.close_due_cycles(now=closes_at + datetime.timedelta(minutes=1))
    event = CycleEvent.objects.get(cycle=shop.cycle, kind=CycleEvent.Kind.CLOSED)
    assert event.by is None and event.actor == "automatiquement"
