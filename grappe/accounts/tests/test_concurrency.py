"""Two volunteers at the same basket, on PostgreSQL: no double charge, no lost or doubled payment,
the last kilo in stock sold once, and every balance is the sum of its entries.

PostgreSQL only (SQLite has no row locks): see grappe/core/tests/concurrency.py.
"""

import io
import uuid
from decimal import Decimal as D

import pytest
from django.db.models import Sum

from grappe.accounts import services
from grappe.accounts.models import Entry, Means
from grappe.core.errors import DomainError
from grappe.core.tests.concurrency import errors, postgres_only, run_concurrently
from grappe.distribution import services as distribution_services
from grappe.distribution.models import Basket, BasketLine
from grappe.distribution.tests.factories import make_day
from grappe.notify.models import SentNotification
from grappe.notify.services import send_receipt
from grappe.notify.sms import ConsoleBackend
from grappe.orders.models import StockItem

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]

VOLUNTEERS = 8


def refused(outcomes):
    unexpected = [error for error in errors(outcomes) if not isinstance(error, DomainError)]
    assert not unexpected, unexpected
    return errors(outcomes)


def assert_balances_are_sums(*members):
    for member in members:
        total = Entry.objects.filter(member=member).aggregate(s=Sum("amount"))["s"] or D("0")
        assert services.balance(member) == total


def basket_amount(basket) -> D:
    return services.basket_total(Basket.objects.prefetch_related("lines").get(pk=basket.pk))


def test_a_basket_handed_over_by_several_volunteers_at_once_is_charged_once(world):
    day = make_day(world)
    outcomes = run_concurrently(
        *[lambda: services.collect_basket(basket=day.jeanne_basket, by=world.volunteer)] * VOLUNTEERS)
    assert len(refused(outcomes)) == VOLUNTEERS - 1
    charges = Entry.objects.filter(basket=day.jeanne_basket, kind=Entry.Kind.CHARGE)
    assert charges.count() == 1 and charges.get().amount == -basket_amount(day.jeanne_basket)
    assert Basket.objects.get(pk=day.jeanne_basket.pk).status == Basket.Status.COLLECTED
    assert_balances_are_sums(day.jeanne)


def test_one_payment_form_submitted_several_times_at_once_is_recorded_once(world):
    day = make_day(world)
    key = uuid.uuid4()
    outcomes = run_concurrently(*[lambda: services.record_payment(member=day.jeanne, amount=D("12.50"),
                                                                  means=Means.CASH, by=world.volunteer, key=key,
                                                                  distribution=day.day)]
                                * VOLUNTEERS)
    assert not refused(outcomes)
    assert len({entry.pk for entry, _ in outcomes}) == 1
    assert Entry.objects.filter(member=day.jeanne, kind=Entry.Kind.PAYMENT).count() == 1
    assert services.balance(day.jeanne) == D("12.50")


def test_payments_charges_and_reopenings_racing_keep_every_balance_the_sum_of_its_entries(world):
    day = make_day(world)
    amounts = [D("3.10"), D("7.25"), D("0.99"), D("20.00"), D("5.05"), D("1.01")]
    actions = [lambda amount=amount, member=member: services.record_payment(
        member=member, amount=amount, means=Means.CASH, by=world.volunteer, key=uuid.uuid4(), distribution=day.day)
        for amount in amounts for member in (day.jeanne, day.paul)]
    actions += [lambda: services.collect_basket(basket=day.jeanne_basket, by=world.volunteer)] * 3
    actions += [lambda: services.collect_basket(basket=day.paul_basket, by=world.volunteer)] * 3
    outcomes = run_concurrently(*actions)
    assert len(refused(outcomes)) == 4  # two of the three hand-overs of each basket
    # then two volunteers reopen Jeanne's basket at once: her charge is reversed once
    assert len(refused(run_concurrently(
        *[lambda: services.reopen_basket(basket=day.jeanne_basket, by=world.volunteer)] * 2))) == 1
    paid = sum(amounts)
    assert services.balance(day.jeanne) == paid
    assert services.balance(day.paul) == paid - basket_amount(day.paul_basket)
    assert Entry.objects.filter(kind=Entry.Kind.PAYMENT).count() == 2 * len(amounts)
    assert Entry.objects.filter(basket=day.jeanne_basket, kind=Entry.Kind.CORRECTION).count() == 1
    assert_balances_are_sums(day.jeanne, day.paul)


def test_weighing_while_another_volunteer_hands_over_charges_what_was_served(world):
    day = make_day(world)
    lentils = BasketLine.objects.get(basket=day.jeanne_basket, name__startswith="Lentilles")
    outcomes = run_concurrently(
        lambda: distribution_services.record_served(basket=day.jeanne_basket, served={lentils.pk: D("5.2")},
                                                    by=world.volunteer),
        lambda: services.collect_basket(basket=day.jeanne_basket, by=world.volunteer),
    )
    assert len(refused(outcomes)) <= 1  # the weighing is refused if the hand-over came first
    [charge] = Entry.objects.filter(basket=day.jeanne_basket, kind=Entry.Kind.CHARGE)
    assert charge.amount == -basket_amount(day.jeanne_basket)  # whichever came first, the charge matches


def test_the_last_kilo_in_stock_is_sold_once(world):
    day = make_day(world)
    StockItem.objects.create(group=world.group, product=day.shop.oranges, quantity=D("1"), unit_cost=D("2.11"))
    outcomes = run_concurrently(*[lambda basket=basket: distribution_services.add_from_stock(
        basket=basket, product_id=day.shop.oranges.pk, quantity=D("1"), by=world.volunteer)
        for basket in (day.jeanne_basket, day.paul_basket)])
    assert len(refused(outcomes)) == 1
    assert BasketLine.objects.filter(from_stock=True, product=day.shop.oranges).count() == 1


def test_two_volunteers_sending_the_same_receipt_at_once_send_one_message(world):
    day = make_day(world)
    services.collect_basket(basket=day.jeanne_basket, by=world.volunteer)
    backend = ConsoleBackend(stream=io.StringIO())
    outcomes = run_concurrently(
        *[lambda: send_receipt(basket=day.jeanne_basket, by=world.volunteer, backend=backend)] * 4)
    assert len(refused(outcomes)) == 3
    assert len(backend.sent) == 1 and SentNotification.objects.filter(kind="receipt").count() == 1


def test_a_settlement_and_corrections_racing_never_leave_a_settled_cycle_with_changed_figures(world):
    """Issue 11: a charge reversed while a coordinator settles either commits first (and the
    settlement, which reads after the cycle lock, sees the gap between accounts and baskets and
    refuses) or is refused ("settled"); a settled cycle's figures never move. (Before the fix, both
    orders failed: reversals were accepted after settling, and a gap did not block settling.)"""
    import datetime

    from grappe.accounts.queries import expected_invoice, settlement_report
    from grappe.orders.models import OrderCycle, PurchaseOrder

    day = make_day(world)
    for d in day.distributions:
        for basket in Basket.objects.filter(distribution=d):
            services.collect_basket(basket=basket, by=world.volunteer)
        distribution_services.close_distribution(distribution=d, by=world.volunteer, early=True)
    orders = list(PurchaseOrder.objects.filter(cycle=day.cycle).prefetch_related("lines"))
    for po in orders:
        services.record_invoice(purchase_order=po, number=f"F-{po.pk}", date=datetime.date(2026, 11, 1),
                                amount=sum((expected_invoice(line) for line in po.lines.all()), D("0.00")),
                                by=world.admin)
    charges = list(Entry.objects.filter(cycle=day.cycle, kind=Entry.Kind.CHARGE))
    outcomes = run_concurrently(lambda: services.settle_cycle(cycle=day.cycle, by=world.coordinator),
                                *[lambda c=c: services.reverse_entry(entry=c, by=world.admin) for c in charges])
    refused(outcomes)
    cycle = OrderCycle.objects.get(pk=day.cycle.pk)
    report = settlement_report(cycle)
    if cycle.status == OrderCycle.Status.SETTLED:
        # it won the lock: every correction was refused, and the figures are still balanced
        assert all(error is not None for _, error in outcomes[1:])
        assert report.balanced and report.unexplained == D("0.00")
    else:
        # a correction got in first: the settlement saw it and refused
        assert outcomes[0][1] is not None and not report.balanced
