"""Receipt: what a supplier delivered for one purchase order; shortages and surpluses shared again.

The members' shares of each product received are computed again from the cycle's increments (as
at confirming, with what can really be handed out); the difference with the earlier leftover goes
to, or comes from, the stock group; prepared baskets follow (orders.signals.allotment_changed).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grappe.core.errors import DomainError
from grappe.core.money import to_decimal

from .. import allocation
from ..models import (
    CycleEvent,
    CyclePrice,
    OrderCycle,
    OrderIncrement,
    ProductOutcome,
    PurchaseLine,
    PurchaseOrder,
    StockMove,
)
from ..signals import allotment_changed
from .cycles import ensure_not_settled, lock_cycle, record_event
from .errors import CycleStateError
from .sql import set_allotted
from .stock import apply_stock_moves

ZERO = Decimal("0")
Status = OrderCycle.Status


@dataclass
class ReceivedLine:
    line_id: int
    delivered: Decimal  # member units actually delivered
    damaged: Decimal = ZERO
    substitute: str = ""
    note: str = ""


@transaction.atomic
def record_receipt(*, purchase_order, lines, by, now=None) -> PurchaseOrder:
    """What arrived for one purchase order; shortages re-shared, surplus to stock, baskets updated.

    For each product, what can be handed out (delivered - damaged, plus what the cycle took from
    stock) is shared again with the cycle's strategy (priority households first when set); the
    difference with the previous leftover goes to (or comes from) the stock group.
    """
    now = now or timezone.now()
    cycle = lock_cycle(purchase_order.cycle)
    ensure_not_settled(cycle)
    if cycle.status not in (Status.ORDERED, Status.RECEIVED):
        raise CycleStateError(_("A receipt is recorded once the purchase orders are confirmed."))
    po = PurchaseOrder.objects.select_for_update(of=("self",)).get(pk=purchase_order.pk)
    by_id = {line.pk: line for line in po.lines.all()}
    changed_products = {}
    for entry in lines:
        line = by_id.get(entry.line_id)
        if line is None:
            raise DomainError(_("This line is not part of this purchase order."))
        delivered, damaged = to_decimal(entry.delivered), to_decimal(entry.damaged)
        if delivered < 0 or damaged < 0 or damaged > delivered:
            raise DomainError(_("%(product)s: delivered and damaged quantities must be positive, damaged at most "
                                "what was delivered."), product=line.name)
        usable = delivered - damaged
        if entry.substitute:
            outcome = PurchaseLine.Outcome.SUBSTITUTED
        elif damaged > 0:
            outcome = PurchaseLine.Outcome.DAMAGED
        elif usable < line.quantity:
            outcome = PurchaseLine.Outcome.SHORT
        elif usable > line.quantity:
            outcome = PurchaseLine.Outcome.SURPLUS
        else:
            outcome = PurchaseLine.Outcome.COMPLETE
        PurchaseLine.objects.filter(pk=line.pk).update(delivered=delivered, damaged=damaged, outcome=outcome,
                                                       substitute=entry.substitute, note=entry.note)
        changed_products[line.product_id] = usable
    _reshare(cycle, changed_products, by, now)
    PurchaseOrder.objects.filter(pk=po.pk).update(status=PurchaseOrder.Status.RECEIVED, received_at=now, received_by=by)
    if not PurchaseOrder.objects.filter(cycle=cycle).exclude(status=PurchaseOrder.Status.RECEIVED).exists() and (
            OrderCycle.objects.filter(pk=cycle.pk, status=Status.ORDERED).update(status=Status.RECEIVED) == 1):
        record_event(cycle, CycleEvent.Kind.RECEIVED, by=by, now=now)
    # prepared baskets follow the new allotted quantities at once (distribution app)
    answers = allotment_changed.send(sender=OrderCycle, cycle=cycle, products=sorted(changed_products))
    po.refresh_from_db()
    po.warnings = [warning for _receiver, found in answers for warning in (found or [])]
    return po


def _reshare(cycle, usable_by_product: dict[int, Decimal], by, now):
    if not usable_by_product:
        return
    outcomes = {o.product_id: o for o in ProductOutcome.objects.filter(cycle=cycle, product_id__in=list(usable_by_product))}
    prices = {p.product_id: p for p in CyclePrice.objects.filter(cycle=cycle, product_id__in=list(usable_by_product))}
    increments = defaultdict(list)
    for line_id, product_id, priority, quantity, tolerance, sequence in OrderIncrement.objects.filter(
            cycle=cycle, line__product_id__in=list(usable_by_product)).values_list(
            "line_id", "line__product_id", "line__order__priority", "quantity", "tolerance", "sequence"):
        increments[product_id].append(allocation.Increment(line_id, quantity, tolerance, sequence, priority))
    pairs: list[tuple[int, Decimal]] = []
    moves: list[StockMove] = []
    for product_id, usable in usable_by_product.items():
        outcome = outcomes[product_id]
        price = prices[product_id]
        available = usable + outcome.from_stock
        result = allocation.allocate(available, increments[product_id], cycle.strategy, step=price.order_step,
                                     priority_first=cycle.priority_first)
        allotted = sum(result.values(), ZERO)
        leftover = available - allotted
        pairs.extend(result.items())
        if leftover != outcome.leftover and outcome.stock_group_id:
            moves.append(StockMove(group_id=outcome.stock_group_id, product_id=product_id, cycle=cycle,
                                   kind=StockMove.Kind.SURPLUS if leftover > outcome.leftover else StockMove.Kind.CORRECTION,
                                   quantity=leftover - outcome.leftover, unit_cost=price.unit_cost, by=by, at=now,
                                   reason=str(_("receipt"))))
        ProductOutcome.objects.filter(pk=outcome.pk).update(available=available, allotted=allotted, leftover=leftover)
    set_allotted(pairs)
    apply_stock_moves(moves)
