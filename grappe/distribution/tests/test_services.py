"""Distribution rules: sessions and baskets, weighing tolerance, instant sales, closing, rota."""

import datetime as dt
import importlib
from decimal import Decimal as D

import pytest

from grappe.distribution import services
from grappe.distribution.models import Basket, BasketLine, Distribution, DistributionSettings, RotaSlot
from grappe.orders.models import OrderCycle, OrderLine, StockItem, StockMove

from .factories import make_day

pytestmark = pytest.mark.django_db


@pytest.fixture
def day(world):
    return make_day(world)


def line(basket, name):
    return BasketLine.objects.get(basket=basket, name__startswith=name)


def test_one_distribution_per_group_with_baskets_from_allotted_lines(world, day):
    assert len(day.distributions) == 2
    assert Basket.objects.filter(distribution=day.day).count() == 2
    lentils = line(day.jeanne_basket, "Lentilles")
    assert lentils.allotted == D("5") and lentils.is_bulk and lentils.served is None
    assert lentils.unit_price == D("2.110000")


def test_preparing_again_creates_nothing_new(world, day):
    services.create_distributions(cycle=day.cycle, by=world.coordinator)
    assert Distribution.objects.filter(cycle=day.cycle).count() == 2
    assert BasketLine.objects.filter(basket__distribution__cycle=day.cycle).count() == 6


def test_baskets_cannot_be_prepared_before_the_purchase_orders(world):
    from grappe.orders.tests.factories import make_cycle

    shop = make_cycle(world)
    with pytest.raises(services.DistributionError):
        services.create_distributions(cycle=shop.cycle, by=world.coordinator)


def test_weighed_bulk_within_tolerance_is_saved(world, day):
    lentils = line(day.jeanne_basket, "Lentilles")
    services.record_served(basket=day.jeanne_basket, served={lentils.pk: D("5.4")}, by=world.volunteer)
    lentils.refresh_from_db()
    assert lentils.served == D("5.400") and lentils.amount == D("11.39")


def test_weighed_bulk_beyond_the_associations_tolerance_is_refused(world, day):
    lentils = line(day.jeanne_basket, "Lentilles")
    with pytest.raises(services.OutOfTolerance):
        services.record_served(basket=day.jeanne_basket, served={lentils.pk: D("5.6")}, by=world.volunteer)
    services.set_tolerance(association=world.association, percent=D("15"))
    services.record_served(basket=day.jeanne_basket, served={lentils.pk: D("5.6")}, by=world.volunteer)
    assert DistributionSettings.objects.get(association=world.association).weighing_tolerance_percent == D("15")


def test_pieces_cannot_exceed_what_was_allotted(world, day):
    oil = line(day.jeanne_basket, "Huile")
    with pytest.raises(services.OutOfTolerance):
        services.record_served(basket=day.jeanne_basket, served={oil.pk: D("3")}, by=world.volunteer)
    services.record_served(basket=day.jeanne_basket, served={oil.pk: D("1")}, by=world.volunteer)


def test_a_collected_basket_cannot_be_weighed_again_nor_collected_twice(world, day):
    services.mark_collected(basket=day.jeanne_basket, by=world.volunteer)
    with pytest.raises(services.DistributionError):
        services.mark_collected(basket=day.jeanne_basket, by=world.volunteer)
    with pytest.raises(services.DistributionError):
        services.record_served(basket=day.jeanne_basket, served={}, by=world.volunteer)


def test_instant_sale_from_stock_at_the_members_price_and_limited_by_stock(world, day):
    StockItem.objects.create(group=world.group, product=day.shop.oranges, quantity=D("2"), unit_cost=D("2.11"))
    sale = services.add_from_stock(basket=day.paul_basket, product_id=day.shop.oranges.pk, quantity=D("2"),
                                   by=world.volunteer)
    assert sale.from_stock and sale.served == D("2") and sale.unit_price > 0
    with pytest.raises(services.DistributionError):
        services.add_from_stock(basket=day.jeanne_basket, product_id=day.shop.oranges.pk, quantity=D("1"),
                                by=world.volunteer)


def test_closing_needs_every_basket_handed_out_then_returns_what_was_not_served(world, day):
    with pytest.raises(services.DistributionError):
        services.close_distribution(distribution=day.day, by=world.coordinator, early=True)
    lentils = line(day.jeanne_basket, "Lentilles")
    services.record_served(basket=day.jeanne_basket, served={lentils.pk: D("4.8")}, by=world.volunteer)
    services.mark_collected(basket=day.jeanne_basket, by=world.volunteer)
    services.mark_not_collected(basket=day.paul_basket, by=world.volunteer)
    services.close_distribution(distribution=day.day, by=world.coordinator, early=True)
    moves = {m.product_id: m.quantity for m in StockMove.objects.filter(cycle=day.cycle, kind="correction",
                                                                         group=world.group)}
    paul_lentils, paul_oil = line(day.paul_basket, "Lentilles"), line(day.paul_basket, "Huile")
    assert moves[day.shop.lentils.pk] == D("0.2") + paul_lentils.allotted  # not served to Jeanne, Paul absent
    assert moves[day.shop.oil.pk] == paul_oil.allotted
    assert OrderCycle.objects.get(pk=day.cycle.pk).status != OrderCycle.Status.DISTRIBUTED  # Die still open
    other = Distribution.objects.get(cycle=day.cycle, group=world.other_group)
    for basket in other.baskets.all():
        services.mark_collected(basket=basket, by=world.admin)
    services.close_distribution(distribution=other, by=world.admin, early=True)
    assert OrderCycle.objects.get(pk=day.cycle.pk).status == OrderCycle.Status.DISTRIBUTED
    with pytest.raises(services.DistributionError):
        services.close_distribution(distribution=other, by=world.admin, early=True)


def test_volunteers_sign_up_to_empty_slots_and_one_wins(world, day):
    slot = services.add_slot(distribution=day.day, task="Pesée", starts_at=dt.time(17), ends_at=dt.time(19))
    services.sign_up(slot=slot, by=world.volunteer)
    with pytest.raises(services.DistributionError):
        services.sign_up(slot=RotaSlot.objects.get(pk=slot.pk), by=world.coordinator)
    services.withdraw(slot=slot, by=world.volunteer)
    assert RotaSlot.objects.get(pk=slot.pk).volunteer is None


def test_a_slot_runs_from_its_start_to_its_end(world, day):
    slot = services.add_slot(distribution=day.day, task=" Caisse ", starts_at=dt.time(16, 30), ends_at=dt.time(19))
    assert (slot.task, slot.minutes) == ("Caisse", 150)  # 16:30 -> 19:00 = 2 h 30
    with pytest.raises(services.DistributionError):
        services.add_slot(distribution=day.day, task="Rangement", starts_at=dt.time(19), ends_at=dt.time(18))
    with pytest.raises(services.DistributionError):
        services.add_slot(distribution=day.day, task="Rangement", ends_at=dt.time(18))
    services.sign_up(slot=slot, by=world.volunteer)
    services.change_slot(slot=slot, task="Caisse", starts_at=dt.time(17), ends_at=dt.time(18, 15))
    slot = RotaSlot.objects.get(pk=slot.pk)
    assert (slot.minutes, slot.volunteer) == (75, world.volunteer)
    assert slot.time_label == "17:00 – 18:15"


@pytest.mark.parametrize("text, start, end, rest", [
    ("17 h", dt.time(17), None, ""),
    ("16 h 30", dt.time(16, 30), None, ""),
    ("16h30-19h", dt.time(16, 30), dt.time(19), ""),
    ("de 17:00 à 19:30", dt.time(17), dt.time(19, 30), ""),
    ("17 h (arriver tôt)", dt.time(17), None, "arriver tôt"),
    ("19h-17h", dt.time(19), None, "17h"),  # an end before the start is not taken, the text is kept
    ("après-midi", None, None, "après-midi"),
])
def test_the_migration_reads_the_old_free_text_times(text, start, end, rest):
    migration = importlib.import_module("grappe.distribution.migrations.0003_slot_times")
    assert migration.parse_slot_time(text) == (start, end, rest)


def test_served_check_is_a_plain_rule():
    bulk = BasketLine(name="Riz", unit="kg", is_bulk=True, allotted=D("10"))
    services.check_served(bulk, D("11"), D("10"))
    with pytest.raises(services.OutOfTolerance):
        services.check_served(bulk, D("11.001"), D("10"))
    with pytest.raises(services.OutOfTolerance):
        services.check_served(bulk, D("-1"), D("10"))


def test_an_empty_basket_is_not_listed_to_collect(world, day):
    """A re-sharing that leaves a member nothing removes their basket still to collect, and preparing
    again does not bring it back; a basket with something in it stays."""
    OrderLine.objects.filter(order__member=day.jeanne, cycle=day.cycle).update(allotted=D("0"))
    services.follow_allotment(cycle=day.cycle)
    services.follow_allotment(cycle=day.cycle)
    assert not Basket.objects.filter(distribution=day.day, member=day.jeanne).exists()
    assert Basket.objects.filter(distribution=day.day, member=day.paul, status=Basket.Status.WAITING).exists()
