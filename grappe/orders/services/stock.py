"""The stock ledger: every change of a group's stock is a StockMove, and its balance a StockItem.

Two writers: `apply_stock_moves`, for any number of moves (confirming a cycle, a receipt, closing a
distribution), and `adjust_stock`, a coordinator's inventory or loss of one product.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grappe.core.errors import DomainError
from grappe.core.money import to_decimal

from ..models import StockItem, StockMove
from .sql import insert_rows

ZERO = Decimal("0")


def apply_stock_moves(moves: list[StockMove]):
    """Append the moves and update each (group, product) balance; three statements for any number
    (insert the moves, lock the balances, write them).

    Used by confirm_cycle, record_receipt and distribution.services.close_distribution (what was not
    served, and sales from stock). Call it inside the caller's transaction: it locks the stock items
    it changes, in primary-key order.
    """
    if not moves:
        return
    insert_rows(StockMove, moves)
    delta: defaultdict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    cost = {}
    for move in moves:
        delta[(move.group_id, move.product_id)] += move.quantity
        if move.unit_cost:
            cost[(move.group_id, move.product_id)] = move.unit_cost
    current = {}
    query = Q()
    for group_id, product_id in delta:
        query |= Q(group_id=group_id, product_id=product_id)
    for item in StockItem.objects.filter(query).select_for_update(of=("self",)).order_by("pk"):
        current[(item.group_id, item.product_id)] = item
    items = []
    for key, amount in delta.items():
        item = current.get(key) or StockItem(group_id=key[0], product_id=key[1], quantity=ZERO, unit_cost=ZERO)
        item.quantity += amount
        item.unit_cost = cost.get(key, item.unit_cost)
        items.append(item)
    StockItem.objects.bulk_create(items, update_conflicts=True, unique_fields=["group", "product"],
                                  update_fields=["quantity", "unit_cost"])


@transaction.atomic
def adjust_stock(*, group, product, quantity, kind, reason, by, now=None) -> StockItem:
    """An inventory (`quantity` is the counted total) or a loss (`quantity` is what was lost)."""
    if not reason.strip():
        raise DomainError(_("Say why the stock changes."))
    quantity = to_decimal(quantity)
    if quantity < 0:
        raise DomainError(_("A quantity cannot be negative."))
    item, _created = StockItem.objects.select_for_update(of=("self",)).get_or_create(group=group, product=product)
    if kind == StockMove.Kind.INVENTORY:
        delta = quantity - item.quantity
    elif kind == StockMove.Kind.LOSS:
        if quantity > item.quantity:
            raise DomainError(_("The loss is larger than the stock."))
        delta = -quantity
    else:
        raise DomainError(_("Unknown kind of stock adjustment."))
    StockMove.objects.create(group=group, product=product, kind=kind, quantity=delta, unit_cost=item.unit_cost,
                             reason=reason, by=by, at=now or timezone.now())
    StockItem.objects.filter(pk=item.pk).update(quantity=F("quantity") + delta)
    item.refresh_from_db()
    return item
