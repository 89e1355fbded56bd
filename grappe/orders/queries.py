"""Reads of the orders app that other apps (distribution, accounts, reports) build on."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet, Sum

from grappe.catalogue.models import Product
from grappe.core.money import line_total
from grappe.network.models import BuyingGroup, Site

from .models import (
    CycleGroup,
    CyclePrice,
    MemberOrder,
    OrderCycle,
    OrderLine,
    ProductOutcome,
    PurchaseOrder,
    StockItem,
)

ZERO = Decimal("0")


def cycles_for(scope) -> QuerySet[OrderCycle]:
    """The cycles a user may see: staff see their association's (filtered to their groups unless
    admin); members those covering their group."""
    if scope.association is None:
        return OrderCycle.objects.none()
    cycles = OrderCycle.objects.filter(association=scope.association)
    if scope.is_admin:
        return cycles
    groups = set(scope.group_ids)
    if scope.member is not None:
        groups.add(scope.member.group_id)
    return cycles.filter(cycle_groups__group_id__in=groups).distinct()


def allotted_lines(cycle: OrderCycle, group) -> QuerySet[OrderLine]:
    """The order lines of `group`'s members in `cycle`, with what each member gets (`allotted`),
    the member and the stop; ordered by member number then product name."""
    return (OrderLine.objects.filter(order__cycle=cycle, order__group=group)
            .select_related("order__member", "order__stop")
            .order_by("order__member__number", "name"))


@dataclass
class DispatchRow:
    """How much of a product goes to a group (and stop): its members' shares, plus what goes to stock."""

    product: Product
    group: BuyingGroup
    stop: Site | None
    quantity: Decimal = ZERO
    to_stock: Decimal = ZERO


def dispatch_plan(cycle: OrderCycle, group=None) -> list[DispatchRow]:
    """The dispatch plan of a confirmed cycle, by group, stop (tour order) and product name.

    Read from the members' allotted quantities and the leftovers of each product (ProductOutcome),
    so it always agrees with them, after a receipt's re-sharing too; nothing is stored twice.
    """
    shares = OrderLine.objects.filter(cycle=cycle, allotted__gt=0)
    leftovers = ProductOutcome.objects.filter(cycle=cycle, leftover__gt=0, stock_group__isnull=False)
    if group is not None:
        shares = shares.filter(order__group=group)
        leftovers = leftovers.filter(stock_group=group)
    rows: dict[tuple, DispatchRow] = {}
    keys = shares.values_list("product_id", "order__group_id", "order__stop_id").annotate(total=Sum("allotted"))
    for product_id, group_id, stop_id, total in keys.order_by():
        rows[(product_id, group_id, stop_id)] = DispatchRow(product_id, group_id, stop_id, quantity=total)
    for product_id, group_id, leftover in leftovers.values_list("product_id", "stock_group_id", "leftover"):
        row = rows.setdefault((product_id, group_id, None), DispatchRow(product_id, group_id, None))
        row.to_stock = leftover
    products = Product.objects.in_bulk({key[0] for key in rows})
    groups = BuyingGroup.objects.in_bulk({key[1] for key in rows})
    stops = Site.objects.in_bulk({key[2] for key in rows if key[2] is not None})
    for row in rows.values():
        row.product, row.group = products[row.product], groups[row.group]
        row.stop = stops[row.stop] if row.stop is not None else None
    return sorted(rows.values(), key=lambda r: (r.group.name, r.group.pk, r.stop is not None,
                                                r.stop.position if r.stop else 0, r.stop.name if r.stop else "",
                                                r.product.name, r.product.pk))


def basket(cycle: OrderCycle, member) -> MemberOrder | None:
    return (MemberOrder.objects.filter(cycle=cycle, member=member)
            .prefetch_related(Prefetch("lines", queryset=OrderLine.objects.order_by("name"))).first())


def basket_total(lines, allotted: bool = False) -> Decimal:
    """The sum of rounded lines at the member's price (ordered quantities, or allotted ones)."""
    return sum((line_total(line.unit_price, (line.allotted or ZERO) if allotted else line.quantity)
                for line in lines), Decimal("0.00"))


def offered_prices(cycle: OrderCycle, group) -> QuerySet[CyclePrice]:
    """The products of `cycle` offered in `group` (its catalogue selection), by family and name."""
    return (CyclePrice.objects.filter(cycle=cycle, product__selections__group=group)
            .order_by("family", "name"))


def group_stock(group_id, product_ids) -> dict[int, Decimal]:
    """What a group holds in stock of these products (only those above zero): product id -> quantity."""
    return dict(StockItem.objects.filter(group_id=group_id, product_id__in=product_ids, quantity__gt=0)
                .values_list("product_id", "quantity"))


def purchase_orders(cycle: OrderCycle) -> QuerySet[PurchaseOrder]:
    return (PurchaseOrder.objects.filter(cycle=cycle).select_related("supplier")
            .prefetch_related("lines").order_by("supplier__name"))


def cycle_groups(cycle: OrderCycle) -> QuerySet[CycleGroup]:
    return CycleGroup.objects.filter(cycle=cycle).select_related("group", "site").prefetch_related("stops__site")


def open_cycles_for_member(member) -> QuerySet[OrderCycle]:
    return OrderCycle.objects.filter(Q(status=OrderCycle.Status.OPEN), association_id=member.association_id,
                                     cycle_groups__group_id=member.group_id).order_by("closes_at")
