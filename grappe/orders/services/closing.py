"""Closing a cycle (open -> closed: no more order changes) and confirming it (closed -> ordered).

Confirming writes, in one transaction, what the closing plan computes (`compute_plan`, in the
module grappe/orders/closing.py, which reads and writes nothing): the packs, the members' shares,
the purchase orders (purchase_orders.py) and the stock used and left over (stock.py).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grappe.members.models import Member

from ..closing import compute_plan
from ..models import CycleEvent, MemberOrder, OrderCycle, ProductOutcome, PurchaseOrder, StockMove
from .cycles import lock_cycle, record_event
from .errors import CycleStateError
from .purchase_orders import write_purchase_orders
from .sql import insert_rows, set_allotted
from .stock import apply_stock_moves

ZERO = Decimal("0")
Status = OrderCycle.Status


@transaction.atomic
def close_cycle(*, cycle, by, confirm=False, packs=None, stock_group=None, now=None) -> OrderCycle:
    """Open -> closed: no more order changes. With `confirm`, the purchase orders too (same transaction).

    Two coordinators at once: the first one closes, the second gets CycleStateError.
    """
    cycle = lock_cycle(cycle)
    now = now or timezone.now()
    if OrderCycle.objects.filter(pk=cycle.pk, status=Status.OPEN).update(
            status=Status.CLOSED, closed_at=now, closed_by=by) != 1:
        raise CycleStateError(_("This cycle has already been closed (perhaps by another coordinator)."))
    cycle.status = Status.CLOSED
    record_event(cycle, CycleEvent.Kind.CLOSED, by=by, now=now)
    if confirm:
        return confirm_cycle(cycle=cycle, by=by, packs=packs, stock_group=stock_group, now=now)
    return cycle


@transaction.atomic
def reopen_orders(*, cycle, by, closes_at=None, now=None) -> OrderCycle:
    """Closed -> open again (the way back from a closing made too early), until purchase orders exist.

    `closes_at`: the new deadline; needed when the first one has passed (the cron would close the
    cycle again at once), else the first deadline stands. Recorded in the cycle's history.
    """
    cycle = lock_cycle(cycle)
    now = now or timezone.now()
    if cycle.status != Status.CLOSED or PurchaseOrder.objects.filter(cycle=cycle).exists():
        if cycle.status == Status.OPEN:
            raise CycleStateError(_("The orders of this cycle are already open."))
        raise CycleStateError(_("The purchase orders are created: the orders of this cycle can no longer be "
                                "reopened."))
    closes_at = closes_at or cycle.closes_at
    if closes_at <= now:
        raise CycleStateError(_("The deadline has passed: give a new deadline to reopen the orders."))
    if closes_at <= cycle.opens_at:
        raise CycleStateError(_("The cycle must close after it opens."))
    if OrderCycle.objects.filter(pk=cycle.pk, status=Status.CLOSED).update(
            status=Status.OPEN, closes_at=closes_at, closed_at=None, closed_by=None) != 1:
        raise CycleStateError(_("This cycle has changed meanwhile (perhaps another coordinator confirmed it)."))
    record_event(cycle, CycleEvent.Kind.ORDERS_REOPENED, by=by, now=now)
    cycle.refresh_from_db()
    return cycle


def close_due_cycles(now=None) -> list[OrderCycle]:
    """For cron: close every open cycle whose deadline has passed. Idempotent."""
    closed = []
    for cycle in OrderCycle.objects.due_to_close(now):
        try:
            closed.append(close_cycle(cycle=cycle, by=None, now=now))
        except CycleStateError:
            continue  # closed meanwhile by someone else
    return closed


@transaction.atomic
def confirm_cycle(*, cycle, by, packs=None, stock_group=None, now=None) -> OrderCycle:
    """Closed -> ordered, in one transaction: packs, members' shares, purchase orders, dispatch, stock.

    `packs`: the coordinator's pack counts per product id (the proposal otherwise); `stock_group`:
    where leftovers go (default: per product, the group with the largest demand).
    """
    cycle = lock_cycle(cycle)
    now = now or timezone.now()
    if cycle.status != Status.CLOSED:
        raise CycleStateError(_("Only a closed cycle can be confirmed (perhaps someone else just did)."))
    if stock_group is not None:
        OrderCycle.objects.filter(pk=cycle.pk).update(stock_group=stock_group)
        cycle.stock_group = stock_group
    # refresh the priority flags: a household's category at closing is what counts
    # (two conditional updates that only write the orders whose household changed category)
    is_priority = Exists(Member.objects.filter(pk=OuterRef("member_id"), category=Member.Category.PRIORITY))
    MemberOrder.objects.filter(cycle=cycle, priority=False).filter(is_priority).update(priority=True)
    MemberOrder.objects.filter(cycle=cycle, priority=True).exclude(is_priority).update(priority=False)
    plan = compute_plan(cycle, packs=packs, stock_group_id=getattr(stock_group, "pk", stock_group))
    if OrderCycle.objects.filter(pk=cycle.pk, status=Status.CLOSED).update(
            status=Status.ORDERED, ordered_at=now, ordered_by=by) != 1:
        raise CycleStateError(_("This cycle has already been confirmed (perhaps by another coordinator)."))
    cycle.status = Status.ORDERED
    record_event(cycle, CycleEvent.Kind.CONFIRMED, by=by, now=now)

    set_allotted([(line_id, plan.allotted.get(line_id, ZERO)) for line_id in plan.lines])

    insert_rows(ProductOutcome, [
        ProductOutcome(cycle=cycle, product_id=pid, quantity=p.quantity, tolerance=p.tolerance, from_stock=p.from_stock,
                       proposed_packs=p.proposed_packs, packs=p.packs if p.overridden else None, available=p.available,
                       allotted=p.allotted, leftover=p.leftover, stock_group_id=p.stock_group_id)
        for pid, p in plan.products.items() if p.quantity or p.tolerance or p.packs or p.from_stock
    ])

    write_purchase_orders(cycle, plan)

    # the dispatch plan is not stored: queries.dispatch_plan reads it from the allotted lines
    _write_stock_moves(cycle, plan, by, now)
    return cycle


def _write_stock_moves(cycle, plan, by, now):
    """What the plan takes from the groups' stock, and its leftovers, to the stock group."""
    moves = []
    for group_id, product_id, used in plan.stock_used:
        moves.append(StockMove(group_id=group_id, product_id=product_id, cycle=cycle, kind=StockMove.Kind.USED,
                               quantity=-used, by=by, at=now))
    for pid, p in plan.products.items():
        if p.leftover > 0 and p.stock_group_id:
            moves.append(StockMove(group_id=p.stock_group_id, product_id=pid, cycle=cycle, kind=StockMove.Kind.LEFTOVER,
                                   quantity=p.leftover, unit_cost=p.price.unit_cost, by=by, at=now))
    apply_stock_moves(moves)
