"""Placing orders: a member's basket changed line by line, online, on their behalf or from a paper form.

Each change takes the cycle's lock (`lock_cycle`) first, so it either commits before the closing or
sees the cycle closed; it keeps the line's increments, in the order of the cycle's sequence, that
the allocation replays at closing (allocation.change_line).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grappe.catalogue.models import GroupSelection
from grappe.core.money import plain_number, to_decimal
from grappe.members.models import Member
from grappe.members.services import may_order

from .. import allocation
from ..models import (
    Channel,
    CyclePrice,
    MemberOrder,
    OrderChange,
    OrderCycle,
    OrderIncrement,
    OrderLine,
    unit_word,
)
from .cycles import lock_cycle
from .errors import CycleNotOpen, MembershipUnpaid, OrderRefused

ZERO = Decimal("0")
Status = OrderCycle.Status


def membership_paid(member, today=None) -> bool:
    """Whether the membership lets the member order: paid for the year, or a first fee deferred to
    the first distribution (members.services.may_order)."""
    return may_order(member, today)


def _check_open(cycle, now=None):
    now = now or timezone.now()
    if cycle.status != Status.OPEN or not (cycle.opens_at <= now < cycle.closes_at):
        raise CycleNotOpen(_("This order cycle is not open: orders can no longer be changed."))


def _check_quantity(price: CyclePrice, quantity: Decimal, tolerance: Decimal):
    if quantity < 0 or tolerance < 0:
        raise OrderRefused(_("%(product)s: a quantity cannot be negative."), product=price.name)
    step = price.order_step
    for value in (quantity, tolerance):
        if value % step != 0:
            raise OrderRefused(_("%(product)s is ordered in steps of %(step)s %(unit)s."), product=price.name,
                               step=plain_number(step), unit=unit_word(price.unit, step))
    if price.max_per_member is not None and quantity + tolerance > price.max_per_member:
        raise OrderRefused(_("%(product)s: at most %(cap)s %(unit)s per member in this cycle."),
                           product=price.name, cap=plain_number(price.max_per_member),
                           unit=unit_word(price.unit, price.max_per_member))


@dataclass
class LineChange:
    product_id: int
    quantity: Decimal
    tolerance: Decimal = ZERO


@transaction.atomic
def place_order(*, cycle, member, lines, by, channel=Channel.ONLINE, now=None) -> MemberOrder:
    """Set several lines of a member's basket at once (all or nothing). `lines`: LineChange list.

    Refused (OrderRefused, message in French) when the cycle is not open, the membership of the
    current year is unpaid, a product is not offered to the member's group, a quantity is negative,
    not a multiple of the product's step, or above the per-member cap.
    """
    cycle = lock_cycle(cycle)
    _check_open(cycle, now)
    if member.association_id != cycle.association_id or not cycle.cycle_groups.filter(group_id=member.group_id).exists():
        raise OrderRefused(_("This member's group is not part of this order cycle."))
    if member.status != Member.Status.ACTIVE:
        raise OrderRefused(_("Only active members can order."))
    today = timezone.localdate(now) if now else None
    if not membership_paid(member, today):
        raise MembershipUnpaid(_("The membership for %(year)s is not paid yet: it must be paid before ordering."),
                               year=(today or timezone.localdate()).year)
    changes = [LineChange(c.product_id, to_decimal(c.quantity), to_decimal(c.tolerance)) for c in lines]
    prices = {p.product_id: p for p in CyclePrice.objects.filter(cycle=cycle, product_id__in=[c.product_id for c in changes])}
    offered = set(GroupSelection.objects.filter(group_id=member.group_id, product_id__in=list(prices))
                  .values_list("product_id", flat=True))
    for change in changes:
        price = prices.get(change.product_id)
        if price is None or change.product_id not in offered:
            raise OrderRefused(_("This product is not offered to your group in this cycle."))
        if not price.pack_size:
            change.tolerance = ZERO  # tolerance only makes sense to complete a pack
        _check_quantity(price, change.quantity, change.tolerance)

    order, _created = MemberOrder.objects.get_or_create(
        cycle=cycle, member=member,
        defaults={"group_id": member.group_id, "stop_id": member.stop_id, "priority": member.is_priority},
    )
    existing = {line.product_id: line for line in OrderLine.objects.filter(order=order, product_id__in=list(prices))}
    increments = defaultdict(list)
    for inc in OrderIncrement.objects.filter(line__order=order, line__product_id__in=list(prices)).select_related("line"):
        increments[inc.line.product_id].append(inc)
    on_behalf = by is None or member.user_id != getattr(by, "pk", None)
    sequence = cycle.next_sequence
    for change in changes:
        price = prices[change.product_id]
        line = existing.get(change.product_id)
        before_q = line.quantity if line else ZERO
        before_t = line.tolerance if line else ZERO
        if before_q == change.quantity and before_t == change.tolerance:
            continue
        if line is None:
            line = OrderLine.objects.create(
                order=order, cycle=cycle, product_id=change.product_id, name=price.name, unit=price.unit,
                unit_price=price.price_for(member.category), vat_rate=price.vat_rate)
        rows = increments.get(change.product_id, [])
        pure = [allocation.Increment(r.pk, r.quantity, r.tolerance, r.sequence) for r in rows]
        after = allocation.change_line(pure, change.quantity, change.tolerance, sequence, member="new")
        kept = {inc.member: inc for inc in after if inc.member != "new"}
        for row in rows:
            if row.pk not in kept:
                row.delete()
            elif (kept[row.pk].quantity, kept[row.pk].tolerance) != (row.quantity, row.tolerance):
                OrderIncrement.objects.filter(pk=row.pk).update(quantity=kept[row.pk].quantity,
                                                                 tolerance=kept[row.pk].tolerance)
        new = [inc for inc in after if inc.member == "new"]
        if new:
            OrderIncrement.objects.create(line=line, cycle=cycle, quantity=new[0].quantity,
                                          tolerance=new[0].tolerance, sequence=sequence)
            sequence += 1
        OrderLine.objects.filter(pk=line.pk).update(quantity=change.quantity, tolerance=change.tolerance)
        OrderChange.objects.create(order=order, product_id=change.product_id, by=by, on_behalf=on_behalf,
                                   channel=channel, quantity_before=before_q, quantity_after=change.quantity,
                                   tolerance_before=before_t, tolerance_after=change.tolerance)
    if sequence != cycle.next_sequence:
        OrderCycle.objects.filter(pk=cycle.pk).update(next_sequence=sequence)
    MemberOrder.objects.filter(pk=order.pk).update(updated_at=timezone.now())
    return order


def set_line(*, cycle, member, product, quantity, tolerance=ZERO, by, channel=Channel.ONLINE) -> MemberOrder:
    """Set one line of a member's basket (see place_order for the refusals)."""
    product_id = product if isinstance(product, int) else product.pk
    return place_order(cycle=cycle, member=member, lines=[LineChange(product_id, quantity, tolerance)], by=by,
                       channel=channel)
