"""Cycles, orders and their refusals, closing, purchase orders, receipt and stock, through the services."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.utils import timezone

from grappe.catalogue import services as catalogue_services
from grappe.catalogue.models import PriceTier
from grappe.members import services as member_services
from grappe.members.models import Member, Membership
from grappe.orders import queries, services
from grappe.orders.models import (
    Channel,
    CyclePrice,
    OrderChange,
    OrderCycle,
    OrderIncrement,
    OrderLine,
    ProductOutcome,
    PurchaseOrder,
    StockItem,
    StockMove,
)
from grappe.orders.services import LineChange, ReceivedLine

from .factories import make_cycle, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(world):
    return make_cycle(world)


def order(shop, member, product, quantity, tolerance="0", by=None, **kw):
    return services.set_line(cycle=shop.cycle, member=member, product=product, quantity=D(quantity),
                             tolerance=D(tolerance), by=by or member.user, **kw)


# --- opening and prices ---------------------------------------------------------------------------


def test_opening_freezes_prices_for_the_cycle(world, shop):
    frozen = CyclePrice.objects.get(cycle=shop.cycle, product=shop.lentils)
    catalogue_services.change_price(by=world.admin, product=shop.lentils, pack_price_excl_vat=D("99.00"))
    order(shop, world.member, shop.lentils, "2")
    line = OrderLine.objects.get(product=shop.lentils)
    assert frozen.pack_price_excl_vat == D("50.00")
    assert line.unit_price == frozen.price_priority == D("2.110000")  # 50 x 1.055 / 25


def test_member_price_follows_the_members_category(world):
    PriceTier.objects.create(association=world.association, category=Member.Category.SOLIDARITY, percent=D("10"))
    shop = make_cycle(world)
    solidaire = make_member(world, category=Member.Category.SOLIDARITY)
    order(shop, solidaire, shop.lentils, "1", by=world.volunteer)
    assert OrderLine.objects.get(order__member=solidaire).unit_price == D("2.321000")


def test_only_a_draft_opens(world, shop):
    with pytest.raises(services.CycleStateError):
        services.open_cycle(cycle=shop.cycle, by=world.coordinator)


def test_deadline_extends_only_later_and_only_while_open(world, shop):
    later = shop.cycle.closes_at + datetime.timedelta(days=1)
    services.extend_deadline(cycle=shop.cycle, closes_at=later, by=world.coordinator)
    assert OrderCycle.objects.get(pk=shop.cycle.pk).closes_at == later
    with pytest.raises(services.CycleStateError):
        services.extend_deadline(cycle=shop.cycle, closes_at=later, by=world.coordinator)


# --- ordering and refusals ------------------------------------------------------------------------


def test_a_line_is_the_sum_of_increments_with_increasing_sequences(world, shop):
    order(shop, world.member, shop.lentils, "2")
    order(shop, world.member, shop.lentils, "3.5", "1")
    incs = list(OrderIncrement.objects.order_by("sequence").values_list("quantity", "tolerance", "sequence"))
    assert incs == [(D("2"), D("0"), 1), (D("1.5"), D("1"), 2)]
    assert OrderLine.objects.get().quantity == D("3.5")


def test_a_decrease_takes_from_the_newest_increment(world, shop):
    order(shop, world.member, shop.lentils, "2")
    order(shop, world.member, shop.lentils, "5")
    order(shop, world.member, shop.lentils, "2.5")
    assert list(OrderIncrement.objects.values_list("quantity", "sequence")) == [(D("2"), 1), (D("0.5"), 2)]


def test_unpaid_membership_is_refused_when_the_association_wants_the_fee_first(world, shop):
    world.association.first_fee_at_first_distribution = False
    world.association.save()
    unpaid = make_member(world, paid=False)
    with pytest.raises(services.MembershipUnpaid) as refused:
        order(shop, unpaid, shop.lentils, "1", by=world.volunteer)
    assert "adhésion" in str(refused.value) or "membership" in str(refused.value)


def test_a_new_member_orders_before_paying_the_first_fee(world, shop):
    newcomer = make_member(world, paid=False)
    order(shop, newcomer, shop.lentils, "1", by=world.volunteer)
    assert OrderLine.objects.get(order__member=newcomer).quantity == D("1")
    assert member_services.first_fee_due(newcomer) == world.association.minimum_fee


def test_a_returning_member_pays_the_year_before_ordering(world, shop):
    returning = make_member(world, paid=False)
    Membership.objects.create(member=returning, year=2000, fee=D("5.00"), paid_on=datetime.date(2000, 1, 1),
                              means=Membership.Means.CASH)
    with pytest.raises(services.MembershipUnpaid):
        order(shop, returning, shop.lentils, "1", by=world.volunteer)
    assert member_services.first_fee_due(returning) is None


@pytest.mark.parametrize("quantity, message", [("0.3", "step"), ("-1", "negative")])
def test_bad_quantities_are_refused(world, shop, quantity, message):
    with pytest.raises(services.OrderRefused):
        order(shop, world.member, shop.lentils, quantity)
    assert not OrderLine.objects.exists()


def test_above_the_per_member_cap_is_refused(world, shop):
    with pytest.raises(services.OrderRefused):
        order(shop, world.member, shop.oil, "3", "2")
    order(shop, world.member, shop.oil, "4")


def test_a_closed_cycle_refuses_changes_and_keeps_the_order(world, shop):
    order(shop, world.member, shop.lentils, "2")
    services.close_cycle(cycle=shop.cycle, by=world.coordinator)
    with pytest.raises(services.CycleNotOpen):
        order(shop, world.member, shop.lentils, "4")
    assert OrderLine.objects.get().quantity == D("2")


def test_a_cycle_past_its_deadline_refuses_orders(world, shop):
    OrderCycle.objects.filter(pk=shop.cycle.pk).update(closes_at=timezone.now() - datetime.timedelta(minutes=1))
    with pytest.raises(services.CycleNotOpen):
        order(shop, world.member, shop.lentils, "1")


def test_an_order_on_behalf_records_who_when_and_the_channel(world, shop):
    order(shop, world.member, shop.lentils, "1", by=world.volunteer, channel=Channel.PHONE)
    change = OrderChange.objects.get()
    assert (change.by, change.on_behalf, change.channel) == (world.volunteer, True, "phone")


def test_a_paper_form_is_all_or_nothing(world, shop):
    with pytest.raises(services.OrderRefused):
        services.place_order(cycle=shop.cycle, member=world.member, by=world.volunteer, channel=Channel.PAPER,
                             lines=[LineChange(shop.lentils.pk, D("2")), LineChange(shop.oil.pk, D("9"))])
    assert not OrderLine.objects.exists()


def test_tolerance_is_ignored_for_products_without_packs(world, shop):
    order(shop, world.member, shop.oranges, "3", "2")
    assert OrderLine.objects.get().tolerance == 0


# --- closing --------------------------------------------------------------------------------------


def fill(world, shop):
    """Lentils: 30 kg + 20 kg tolerance (2 sacks of 25); oil: 5 bottles + 1 tolerance (1 carton of 6)."""
    a = world.member
    b = make_member(world, group=world.other_group)
    c = make_member(world, group=world.other_group, category=Member.Category.SOLIDARITY)
    order(shop, a, shop.lentils, "10", "5")
    order(shop, b, shop.lentils, "12")
    order(shop, c, shop.lentils, "8", "15", by=world.volunteer)
    order(shop, a, shop.oil, "2", "1")
    order(shop, b, shop.oil, "3")
    order(shop, a, shop.oranges, "3")
    return a, b, c


def test_closing_twice_gives_the_second_coordinator_a_message(world, shop):
    services.close_cycle(cycle=shop.cycle, by=world.coordinator)
    with pytest.raises(services.CycleStateError):
        services.close_cycle(cycle=shop.cycle, by=world.admin)


def test_confirming_buys_packs_and_shares_them(world, shop):
    a, b, c = fill(world, shop)
    services.close_cycle(cycle=shop.cycle, by=world.coordinator, confirm=True)
    outcome = ProductOutcome.objects.get(product=shop.lentils)
    assert (outcome.quantity, outcome.tolerance, outcome.proposed_packs) == (D("30"), D("20"), D("2"))
    got = dict(OrderLine.objects.filter(product=shop.lentils).values_list("order__member_id", "allotted"))
    # 50 kg: every quantity (30) then tolerances, priority (a) first: a +5, then c +15
    assert got == {a.pk: D("15"), b.pk: D("12"), c.pk: D("23")}
    oil = dict(OrderLine.objects.filter(product=shop.oil).values_list("order__member_id", "allotted"))
    assert oil == {a.pk: D("3"), b.pk: D("3")}
    assert outcome.leftover == 0
    assert OrderCycle.objects.get(pk=shop.cycle.pk).status == "ordered"


def test_purchase_orders_per_supplier_with_minimum_and_free_delivery(world, shop):
    fill(world, shop)
    services.close_cycle(cycle=shop.cycle, by=world.coordinator, confirm=True)
    farm = PurchaseOrder.objects.get(supplier=shop.farm)
    mill = PurchaseOrder.objects.get(supplier=shop.mill)
    assert list(farm.lines.values_list("name", "packs")) == [("Lentilles vertes", D("2")), ("Oranges", D("3"))]
    assert farm.total_excl_vat == D("106.00") and farm.total_vat == D("5.83")
    assert not farm.below_minimum and not farm.free_delivery
    assert mill.lines.get().packs == 1


def test_leftovers_go_to_the_group_with_the_largest_demand(world, shop):
    fill(world, shop)
    services.close_cycle(cycle=shop.cycle, by=world.coordinator)
    services.confirm_cycle(cycle=shop.cycle, by=world.coordinator, packs={shop.lentils.pk: D("3")})
    stock = StockItem.objects.get(product=shop.lentils)
    assert (stock.group, stock.quantity, stock.value) == (world.other_group, D("25"), D("52.75"))
    to_stock = {(row.product, row.group): row.to_stock for row in queries.dispatch_plan(shop.cycle)}
    assert to_stock[(shop.lentils, world.other_group)] == D("25")


def test_the_coordinator_chooses_packs_and_the_stock_group(world, shop):
    a, b, c = fill(world, shop)
    services.close_cycle(cycle=shop.cycle, by=world.coordinator)
    services.confirm_cycle(cycle=shop.cycle, by=world.coordinator, packs={shop.lentils.pk: D("1")},
                           stock_group=world.group)
    got = dict(OrderLine.objects.filter(product=shop.lentils).values_list("order__member_id", "allotted"))
    # 25 kg, fair in 0.5 kg steps, priority first (a and b): 12.5 each capped by asks: a 10, b 12 -> 22, c 3
    assert got == {a.pk: D("10"), b.pk: D("12"), c.pk: D("3")}
    assert ProductOutcome.objects.get(product=shop.lentils).packs == 1
    assert not StockItem.objects.filter(product=shop.lentils).exists()


def test_rounding_up_puts_the_partial_pack_in_the_chosen_group(world):
    shop = make_cycle(world, rounding="up", stock_group=world.group)
    order(shop, world.member, shop.oil, "1")
    services.close_cycle(cycle=shop.cycle, by=world.coordinator, confirm=True)
    assert StockItem.objects.get(product=shop.oil).group == world.group
    assert StockItem.objects.get(product=shop.oil).quantity == D("5")


def test_dispatch_plan_per_group(world, shop):
    fill(world, shop)
    services.close_cycle(cycle=shop.cycle, by=world.coordinator, confirm=True)
    lentils = {row.group.pk: row.quantity for row in queries.dispatch_plan(shop.cycle) if row.product == shop.lentils}
    assert lentils == {world.group.pk: D("15"), world.other_group.pk: D("35")}
    assert [row.product for row in queries.dispatch_plan(shop.cycle, group=world.group)
            if row.product == shop.lentils] == [shop.lentils]
    assert [(line.name, line.allotted) for line in queries.allotted_lines(shop.cycle, world.group)
            if line.product_id == shop.lentils.pk] == [("Lentilles vertes", D("15"))]


def test_close_cycles_command_closes_due_cycles_once(world, shop):
    OrderCycle.objects.filter(pk=shop.cycle.pk).update(closes_at=timezone.now() - datetime.timedelta(minutes=1))
    call_command("close_cycles")
    call_command("close_cycles")
    assert OrderCycle.objects.get(pk=shop.cycle.pk).status == "closed"


def test_the_second_confirmation_is_refused(world, shop):
    fill(world, shop)
    services.close_cycle(cycle=shop.cycle, by=world.coordinator, confirm=True)
    with pytest.raises(services.CycleStateError):
        services.confirm_cycle(cycle=shop.cycle, by=world.admin)
    assert PurchaseOrder.objects.count() == 2


# --- receipt and stock ----------------------------------------------------------------------------


def test_a_shortage_is_shared_again_priority_first(world, shop):
    a, b, c = fill(world, shop)
    services.close_cycle(cycle=shop.cycle, by=world.coordinator, confirm=True)
    po = PurchaseOrder.objects.get(supplier=shop.farm)
    lentils = po.lines.get(product=shop.lentils)
    oranges = po.lines.get(product=shop.oranges)
    services.record_receipt(purchase_order=po, by=world.coordinator, lines=[
        ReceivedLine(lentils.pk, delivered=D("25"), damaged=D("5")), ReceivedLine(oranges.pk, delivered=D("3"))])
    got = dict(OrderLine.objects.filter(product=shop.lentils).values_list("order__member_id", "allotted"))
    assert got == {a.pk: D("10"), b.pk: D("10"), c.pk: D("0")}
    # the dispatch plan follows the new shares (a in one group; b and c in the other)
    dispatch = {row.group: row.quantity for row in queries.dispatch_plan(shop.cycle) if row.product == shop.lentils}
    assert dispatch == {world.group: D("10"), world.other_group: D("10")}
    lentils.refresh_from_db()
    assert lentils.outcome == "damaged"
    assert not StockItem.objects.filter(product=shop.lentils).exists()
    assert OrderCycle.objects.get(pk=shop.cycle.pk).status == "ordered"  # the oil is still to come


def test_a_surplus_goes_to_stock_and_all_received_marks_the_cycle(world, shop):
    fill(world, shop)
    services.close_cycle(cycle=shop.cycle, by=world.coordinator, confirm=True)
    for po in PurchaseOrder.objects.all():
        services.record_receipt(purchase_order=po, by=world.coordinator, lines=[
            ReceivedLine(line.pk, delivered=line.quantity + (1 if line.product_id == shop.oil.pk else 0))
            for line in po.lines.all()])
    assert StockItem.objects.get(product=shop.oil).quantity == D("1")
    assert OrderCycle.objects.get(pk=shop.cycle.pk).status == "received"


def test_stock_adjustments_need_a_reason_and_are_logged(world, shop):
    with pytest.raises(services.DomainError):
        services.adjust_stock(group=world.group, product=shop.lentils, quantity=D("3"), kind="inventory", reason=" ",
                              by=world.coordinator)
    services.adjust_stock(group=world.group, product=shop.lentils, quantity=D("3"), kind="inventory",
                          reason="inventaire", by=world.coordinator)
    services.adjust_stock(group=world.group, product=shop.lentils, quantity=D("1"), kind="loss", reason="sac percé",
                          by=world.coordinator)
    assert StockItem.objects.get().quantity == D("2")
    assert list(StockMove.objects.order_by("pk").values_list("quantity", flat=True)) == [D("3"), D("-1")]


def test_stock_is_offered_first_in_the_next_cycle(world, shop):
    services.adjust_stock(group=world.group, product=shop.lentils, quantity=D("20"), kind="inventory",
                          reason="inventaire", by=world.coordinator)
    nxt = services.create_cycle(association=world.association, name="Suivante", opens_at=timezone.now(),
                                closes_at=timezone.now() + datetime.timedelta(days=1), by=world.coordinator,
                                groups=[services.GroupPlan(world.group, timezone.localdate())])
    nxt = services.open_cycle(cycle=nxt, by=world.coordinator)
    assert CyclePrice.objects.get(cycle=nxt, product=shop.lentils).in_stock == D("20")
    services.set_line(cycle=nxt, member=world.member, product=shop.lentils, quantity=D("22"), by=world.member_user)
    services.close_cycle(cycle=nxt, by=world.coordinator, confirm=True)
    outcome = ProductOutcome.objects.get(cycle=nxt, product=shop.lentils)
    assert (outcome.from_stock, outcome.proposed_packs) == (D("20"), D("0"))
    assert OrderLine.objects.get(order__cycle=nxt).allotted == D("20")
