"""API of the orders capability: cycles, a member's basket (read and change), closing, purchase
orders and receipts. The same services as the pages; 404 outside the caller's scope."""

from datetime import date, datetime
from decimal import Decimal

from django.http import Http404
from ninja import Router, Schema
from ninja.errors import HttpError

from grappe.api.types import Quantity, WholePacks
from grappe.core.errors import DomainError
from grappe.core.money import line_total
from grappe.members.models import Member
from grappe.members.queries import member_for
from grappe.network.access import scope_for
from grappe.orders import queries, services
from grappe.orders.models import Channel, OrderCycle, PurchaseOrder

router = Router(tags=["orders"])
ZERO = Decimal("0")


class CycleGroupOut(Schema):
    group_id: int
    group: str
    distribution_date: date
    place: str
    time: str = ""


class CycleOut(Schema):
    id: int
    name: str
    status: str
    state: str  # as the pages show it: "scheduled" (opened, its opening time still ahead), "open", "closed"...
    opens_at: datetime
    closes_at: datetime
    strategy: str
    groups: list[CycleGroupOut]


class OrderBasketLineOut(Schema):
    product_id: int
    name: str
    unit: str
    quantity: Decimal
    tolerance: Decimal
    unit_price: Decimal
    amount: Decimal
    allotted: Decimal | None


class OrderBasketOut(Schema):
    cycle_id: int
    member_id: int
    lines: list[OrderBasketLineOut]
    total: Decimal


class LineIn(Schema):
    product_id: int
    quantity: Quantity
    tolerance: Quantity = ZERO


class BasketIn(Schema):
    lines: list[LineIn]
    channel: str = "online"


class CloseIn(Schema):
    confirm: bool = False
    packs: dict[int, WholePacks] | None = None
    stock_group_id: int | None = None


class PurchaseLineOut(Schema):
    id: int
    product_id: int
    name: str
    reference: str
    packs: Decimal
    pack_size: Decimal | None
    quantity: Decimal
    pack_price_excl_vat: Decimal
    vat_rate: Decimal
    amount_excl_vat: Decimal
    delivered: Decimal | None
    damaged: Decimal
    outcome: str


class PurchaseOrderOut(Schema):
    id: int
    number: str
    supplier: str
    status: str
    delivery_date: date | None
    total_excl_vat: Decimal
    total_vat: Decimal
    total_incl_vat: Decimal
    below_minimum: bool
    free_delivery: bool
    lines: list[PurchaseLineOut]


class ReceivedIn(Schema):
    line_id: int
    delivered: Quantity
    damaged: Quantity = ZERO
    substitute: str = ""
    note: str = ""


class ReceiptIn(Schema):
    lines: list[ReceivedIn]


def _scope(request, *, staff=False, coordinator=False):
    scope = scope_for(request.auth)
    if (coordinator and not scope.is_coordinator) or (staff and not scope.is_staff):
        raise Http404
    return scope


def _cycle(scope, cycle_id, *, write=False) -> OrderCycle:
    return queries.cycle_for(scope, cycle_id, write=write)


def _cycle_out(cycle) -> dict:
    return {"id": cycle.pk, "name": cycle.name, "status": cycle.status, "state": cycle.state.code,
            "opens_at": cycle.opens_at,
            "closes_at": cycle.closes_at, "strategy": cycle.strategy,
            "groups": [{"group_id": cg.group_id, "group": cg.group.name, "distribution_date": cg.distribution_date,
                        "time": cg.time, "place": cg.place_label} for cg in cycle.cycle_groups.all()]}


def _member(scope, cycle, member_id) -> Member:
    """The member whose basket is read or changed: oneself, or (staff) a member of one's groups."""
    if member_id is None:
        if scope.member is None:
            raise Http404
        member = scope.member
    else:
        if not scope.is_staff:
            if scope.member is None or scope.member.pk != member_id:
                raise Http404
            member = scope.member
        else:
            member = member_for(scope, member_id)
    if not cycle.cycle_groups.filter(group_id=member.group_id).exists():
        raise Http404
    return member


def _basket_out(cycle, member) -> dict:
    order = queries.basket(cycle, member)
    lines = list(order.lines.all()) if order else []
    return {"cycle_id": cycle.pk, "member_id": member.pk, "total": queries.basket_total(lines),
            "lines": [{"product_id": line.product_id, "name": line.name, "unit": line.unit, "quantity": line.quantity,
                       "tolerance": line.tolerance, "unit_price": line.unit_price,
                       "amount": line_total(line.unit_price, line.quantity), "allotted": line.allotted}
                      for line in lines]}


def _po_out(po) -> dict:
    return {"id": po.pk, "number": po.number, "supplier": po.supplier.name, "status": po.status,
            "delivery_date": po.delivery_date, "total_excl_vat": po.total_excl_vat, "total_vat": po.total_vat,
            "total_incl_vat": po.total_incl_vat, "below_minimum": po.below_minimum, "free_delivery": po.free_delivery,
            "lines": [{"id": line.pk, "product_id": line.product_id, "name": line.name, "reference": line.reference,
                       "packs": line.packs, "pack_size": line.pack_size, "quantity": line.quantity,
                       "pack_price_excl_vat": line.pack_price_excl_vat, "vat_rate": line.vat_rate,
                       "amount_excl_vat": line.amount_excl_vat, "delivered": line.delivered, "damaged": line.damaged,
                       "outcome": line.outcome} for line in po.lines.all()]}


@router.get("/cycles", response=list[CycleOut])
def list_cycles(request, status: str | None = None):
    cycles = queries.cycles_for(_scope(request)).prefetch_related("cycle_groups__group", "cycle_groups__site")
    if status:
        cycles = cycles.filter(status=status)
    return [_cycle_out(c) for c in cycles[:100]]


@router.get("/cycles/{cycle_id}", response=CycleOut)
def get_cycle(request, cycle_id: int):
    return _cycle_out(_cycle(_scope(request), cycle_id))


@router.get("/cycles/{cycle_id}/basket", response=OrderBasketOut)
def get_basket(request, cycle_id: int, member_id: int | None = None):
    scope = _scope(request)
    cycle = _cycle(scope, cycle_id)
    return _basket_out(cycle, _member(scope, cycle, member_id))


@router.put("/cycles/{cycle_id}/basket", response=OrderBasketOut)
def change_basket(request, cycle_id: int, payload: BasketIn, member_id: int | None = None):
    """Set the given lines (quantity 0 empties a line). Refusals come back as 400 with a French message."""
    scope = _scope(request)
    cycle = _cycle(scope, cycle_id)
    member = _member(scope, cycle, member_id)
    channel = payload.channel if payload.channel in Channel.values else Channel.ONLINE
    try:
        services.place_order(cycle=cycle, member=member, by=request.auth, channel=channel,
                             lines=[services.LineChange(line.product_id, line.quantity, line.tolerance)
                                    for line in payload.lines])
    except DomainError as refusal:
        raise HttpError(400, str(refusal)) from refusal
    return _basket_out(cycle, member)


@router.post("/cycles/{cycle_id}/close", response=CycleOut)
def close(request, cycle_id: int, payload: CloseIn):
    """Close the orders (open cycle) and, with `confirm`, create the purchase orders (or confirm a
    closed cycle). 409 when someone else closed or confirmed it first."""
    scope = _scope(request, coordinator=True)
    cycle = _cycle(scope, cycle_id, write=True)
    stock_group = scope.groups().filter(pk=payload.stock_group_id).first() if payload.stock_group_id else None
    try:
        if cycle.status == OrderCycle.Status.OPEN:
            services.close_cycle(cycle=cycle, by=request.auth, confirm=payload.confirm, packs=payload.packs,
                                 stock_group=stock_group)
        elif payload.confirm:
            services.confirm_cycle(cycle=cycle, by=request.auth, packs=payload.packs, stock_group=stock_group)
        else:
            raise services.CycleStateError("This cycle is not open.")
    except DomainError as refusal:
        raise HttpError(409, str(refusal)) from refusal
    cycle.refresh_from_db()
    return _cycle_out(cycle)


@router.get("/cycles/{cycle_id}/purchase-orders", response=list[PurchaseOrderOut])
def list_purchase_orders(request, cycle_id: int):
    scope = _scope(request, coordinator=True)
    return [_po_out(po) for po in queries.purchase_orders(_cycle(scope, cycle_id))]


@router.post("/purchase-orders/{po_id}/receipt", response=PurchaseOrderOut)
def record_receipt(request, po_id: int, payload: ReceiptIn):
    scope = _scope(request, coordinator=True)
    po = queries.purchase_order_for(scope, po_id, write=True)
    try:
        services.record_receipt(purchase_order=po, by=request.auth, lines=[
            services.ReceivedLine(e.line_id, e.delivered, e.damaged, e.substitute, e.note) for e in payload.lines])
    except DomainError as refusal:
        raise HttpError(400, str(refusal)) from refusal
    return _po_out(PurchaseOrder.objects.select_related("supplier").get(pk=po.pk))
