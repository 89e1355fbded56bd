"""The only write path for cycles, orders, closing, receipt and stock.

Locking policy (docs/architecture.md, "Orders: locking"): every order change and every state change
of a cycle first takes `select_for_update()` on the cycle row, inside one transaction; so a change
either commits before the closing (and is counted) or sees the cycle closed (and is refused). State
changes are conditional updates that must touch exactly one row.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from grappe.catalogue.models import GroupSelection, Product
from grappe.core.errors import DomainError
from grappe.core.money import round_cents, to_decimal
from grappe.members.models import Member, Membership
from grappe.network.models import Site

from . import allocation
from .closing import compute_plan
from .models import (
    Channel,
    CycleEvent,
    CycleGroup,
    CyclePrice,
    CycleStop,
    MemberOrder,
    OrderChange,
    OrderCycle,
    OrderIncrement,
    OrderLine,
    ProductOutcome,
    PurchaseLine,
    PurchaseOrder,
    StockItem,
    StockMove,
    unit_word,
)
from .signals import allotment_changed, schedule_changed

ZERO = Decimal("0")
Status = OrderCycle.Status


class OrderRefused(DomainError):
    pass


class CycleNotOpen(OrderRefused):
    pass


class MembershipUnpaid(OrderRefused):
    pass


class CycleStateError(DomainError):
    pass


class CycleSettled(CycleStateError):
    pass


def ensure_not_settled(cycle) -> None:
    """The one guard of every write that touches a cycle's money (charges and their reversals,
    invoices, passed-on costs, explained differences, weighings and baskets, deliveries): a settled
    cycle stays settled until someone reopens its settlement, with a reason (accounts.services).

    `cycle`: an OrderCycle read inside the caller's transaction, after the lock that serialises the
    write with `settle_cycle` (the cycle row; for baskets, their distribution, which is closed
    before a cycle can be settled)."""
    if cycle.status == Status.SETTLED:
        raise CycleSettled(_("This cycle is settled: its figures can no longer change. To correct it, reopen "
                             "the settlement on its settlement page, saying why."))


def record_event(cycle, kind, *, by, now=None, reason="") -> CycleEvent:
    """One line of the cycle's history: who made it change, when, and why when asked."""
    return CycleEvent.objects.create(cycle_id=cycle.pk, kind=kind, by=by, at=now or timezone.now(),
                                     reason=reason)


# --- Cycles ---------------------------------------------------------------------------------------


@dataclass
class GroupPlan:
    group: object
    distribution_date: object
    site: object = None
    place: str = ""
    stops: tuple = ()  # (site, date) pairs for a mobile group


@transaction.atomic
def create_cycle(*, association, name, opens_at, closes_at, groups, by, strategy="fair", rounding="fill",
                 priority_first=None, stock_group=None) -> OrderCycle:
    """A draft cycle covering `groups` (GroupPlan list), each with its date and place (and stops)."""
    if closes_at <= opens_at:
        raise CycleStateError(_("The cycle must close after it opens."))
    if not groups:
        raise CycleStateError(_("Choose at least one group."))
    for plan in groups:
        if plan.group.association_id != association.pk:
            raise CycleStateError(_("This group belongs to another association."))
    cycle = OrderCycle.objects.create(
        association=association, name=name, opens_at=opens_at, closes_at=closes_at, strategy=strategy,
        rounding=rounding, created_by=by, stock_group=stock_group,
        priority_first=association.priority_first_in_shortage if priority_first is None else priority_first,
    )
    for plan in groups:
        cg = CycleGroup.objects.create(cycle=cycle, group=plan.group, distribution_date=plan.distribution_date,
                                       site=plan.site, place=plan.place)
        for site, day in plan.stops:
            CycleStop.objects.create(cycle_group=cg, site=site, distribution_date=day)
    record_event(cycle, CycleEvent.Kind.CREATED, by=by, now=cycle.created_at)
    return cycle


def _locked(cycle) -> OrderCycle:
    return OrderCycle.objects.select_for_update(of=("self",)).get(pk=cycle.pk)


@transaction.atomic
def open_cycle(*, cycle, by, now=None) -> OrderCycle:
    """Draft -> open; freezes each offered product's prices (the catalogue's price at this moment)."""
    from grappe.catalogue.queries import current_prices

    cycle = _locked(cycle)
    now = now or timezone.now()
    if OrderCycle.objects.filter(pk=cycle.pk, status=Status.DRAFT).update(status=Status.OPEN, opened_at=now) != 1:
        raise CycleStateError(_("Only a draft cycle can be opened."))
    record_event(cycle, CycleEvent.Kind.OPENED, by=by, now=now)
    group_ids = list(cycle.cycle_groups.values_list("group_id", flat=True))
    products = list(Product.objects.filter(association=cycle.association, available=True,
                                           selections__group_id__in=group_ids).distinct()
                    .select_related("supplier"))
    ids = [p.pk for p in products]
    cost = current_prices(ids, None, now)
    priority = current_prices(ids, Member.Category.PRIORITY, now)
    solidarity = current_prices(ids, Member.Category.SOLIDARITY, now)
    stock = defaultdict(lambda: ZERO)
    for product_id, quantity in StockItem.objects.filter(group_id__in=group_ids, product_id__in=ids).values_list(
            "product_id", "quantity"):
        stock[product_id] += quantity
    CyclePrice.objects.bulk_create([
        CyclePrice(cycle=cycle, product=p, supplier_id=p.supplier_id, name=p.name, family=p.family, unit=p.unit,
                   order_step=p.order_step, is_bulk=p.is_bulk, pack_size=p.pack_size, minimum_packs=p.minimum_packs,
                   max_per_member=p.max_per_member, pack_price_excl_vat=cost[p.pk].pack_price_excl_vat,
                   vat_rate=cost[p.pk].vat_rate, unit_cost=cost[p.pk].price, price_priority=priority[p.pk].price,
                   price_solidarity=solidarity[p.pk].price, in_stock=max(stock[p.pk], ZERO))
        for p in products
    ])
    cycle.refresh_from_db()
    return cycle


@transaction.atomic
def extend_deadline(*, cycle, closes_at, by, now=None) -> OrderCycle:
    cycle = _locked(cycle)
    if cycle.status != Status.OPEN:
        raise CycleStateError(_("The deadline can only be extended while the cycle is open."))
    if closes_at <= cycle.closes_at:
        raise CycleStateError(_("The new deadline must be later than the current one."))
    OrderCycle.objects.filter(pk=cycle.pk, status=Status.OPEN).update(closes_at=closes_at)
    record_event(cycle, CycleEvent.Kind.DEADLINE, by=by, now=now)
    cycle.closes_at = closes_at
    return cycle


@dataclass
class GroupSchedule:
    """A group's distribution in a cycle: date, time (free text, "14 h - 17 h") and place."""

    cycle_group_id: int
    distribution_date: datetime.date | None
    time: str = ""
    site_id: int | None = None  # one of the group's fixed sites
    place: str = ""  # free text, shown instead of the site when given


@dataclass
class StopSchedule:
    """A stop of a mobile group in a cycle: its date and time."""

    stop_id: int
    distribution_date: datetime.date | None
    time: str = ""


SCHEDULE_FROZEN = (Status.DISTRIBUTED, Status.SETTLED)


@transaction.atomic
def set_distribution_schedule(*, cycle, groups=(), stops=(), by, now=None) -> OrderCycle:
    """Change the distribution date, time and place of a cycle's groups, and the date and time of
    the stops of its mobile groups (GroupSchedule and StopSchedule lists). All or nothing.

    Purchase orders not sent yet take the new first distribution date as their delivery date (as
    when they were made); sent ones keep the date the supplier received.

    Allowed until the cycle is distributed. Refused (CycleStateError, in French): a missing date, a
    date before the closing of orders, a site of another group, a group or stop of another cycle.
    """
    cycle = _locked(cycle)
    if cycle.status in SCHEDULE_FROZEN:
        raise CycleStateError(_("This cycle has been distributed: its distribution dates can no longer be changed."))
    closing_day = timezone.localdate(cycle.closes_at)
    cycle_groups = {cg.pk: cg for cg in CycleGroup.objects.filter(cycle=cycle).select_related("group")}
    cycle_stops = {stop.pk: stop for stop in CycleStop.objects.filter(cycle_group__cycle=cycle).select_related("site")}
    sites = {}
    for entry in groups:
        if entry.cycle_group_id not in cycle_groups:
            raise CycleStateError(_("This group is not part of this cycle."))
        if entry.site_id:
            sites[entry.site_id] = entry.cycle_group_id
    site_groups = dict(Site.objects.filter(pk__in=list(sites)).values_list("pk", "group_id"))

    def check_date(day, where):
        if day is None:
            raise CycleStateError(_("%(place)s: give a distribution date."), place=where)
        if day < closing_day:
            raise CycleStateError(
                _("%(place)s: the distribution (%(date)s) cannot be before the closing of orders (%(closing)s)."),
                place=where, date=date_format(day, "j F Y"), closing=date_format(closing_day, "j F Y"))

    group_rows = []
    for entry in groups:
        cg = cycle_groups[entry.cycle_group_id]
        check_date(entry.distribution_date, cg.group.name)
        if entry.site_id and site_groups.get(entry.site_id) != cg.group_id:
            raise CycleStateError(_("%(place)s: this distribution point belongs to another group."),
                                  place=cg.group.name)
        cg.distribution_date = entry.distribution_date
        cg.time = (entry.time or "").strip()[:40]
        cg.site_id = entry.site_id or None
        cg.place = (entry.place or "").strip()[:200]
        group_rows.append(cg)
    stop_rows = []
    for entry in stops:
        stop = cycle_stops.get(entry.stop_id)
        if stop is None:
            raise CycleStateError(_("This stop is not part of this cycle."))
        check_date(entry.distribution_date, stop.site.name)
        stop.distribution_date = entry.distribution_date
        stop.time = (entry.time or "").strip()[:40]
        stop_rows.append(stop)
    CycleGroup.objects.bulk_update(group_rows, ["distribution_date", "time", "site", "place"])
    CycleStop.objects.bulk_update(stop_rows, ["distribution_date", "time"])
    # purchase orders not sent yet are delivered for the first distribution, as at confirming
    first_date = min((cg.distribution_date for cg in cycle_groups.values()), default=None)
    PurchaseOrder.objects.filter(cycle=cycle, status=PurchaseOrder.Status.DRAFT).update(delivery_date=first_date)
    record_event(cycle, CycleEvent.Kind.SCHEDULE, by=by, now=now)
    schedule_changed.send(sender=OrderCycle, cycle=cycle)  # upcoming distributions follow (distribution app)
    return cycle


# --- Orders ---------------------------------------------------------------------------------------


def membership_paid(member, today=None) -> bool:
    year = (today or timezone.localdate()).year
    return Membership.objects.filter(member=member, year=year, paid_on__isnull=False).exists()


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
                               step=_number(step), unit=unit_word(price.unit, step))
    if price.max_per_member is not None and quantity + tolerance > price.max_per_member:
        raise OrderRefused(_("%(product)s: at most %(cap)s %(unit)s per member in this cycle."),
                           product=price.name, cap=_number(price.max_per_member),
                           unit=unit_word(price.unit, price.max_per_member))


def _number(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text.replace(".", ",")


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
    cycle = _locked(cycle)
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


# --- Closing --------------------------------------------------------------------------------------


@transaction.atomic
def close_cycle(*, cycle, by, confirm=False, packs=None, stock_group=None, now=None) -> OrderCycle:
    """Open -> closed: no more order changes. With `confirm`, the purchase orders too (same transaction).

    Two coordinators at once: the first one closes, the second gets CycleStateError.
    """
    cycle = _locked(cycle)
    now = now or timezone.now()
    if OrderCycle.objects.filter(pk=cycle.pk, status=Status.OPEN).update(
            status=Status.CLOSED, closed_at=now, closed_by=by) != 1:
        raise CycleStateError(_("This cycle has already been closed (perhaps by another coordinator)."))
    cycle.status = Status.CLOSED
    record_event(cycle, CycleEvent.Kind.CLOSED, by=by, now=now)
    if confirm:
        return confirm_cycle(cycle=cycle, by=by, packs=packs, stock_group=stock_group, now=now)
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


def _set_allotted(pairs: list[tuple[int, Decimal]]):
    """order line id -> allotted, in one statement whatever the number of lines."""
    if not pairs:
        return
    table = OrderLine._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # the arrays as literals, built here: psycopg's generic list dumper checks every item
            # for quoting, which costs a second of CPU for 10^5 lines (ids and Decimals need none)
            cursor.execute(
                f"UPDATE {table} AS l SET allotted = v.a FROM "  # noqa: S608 (table name from the model)
                "(SELECT unnest(%s::bigint[]) AS id, unnest(%s::numeric[]) AS a) AS v WHERE l.id = v.id",
                ["{" + ",".join([str(int(p[0])) for p in pairs]) + "}",
                 "{" + ",".join([str(Decimal(p[1])) for p in pairs]) + "}"],
            )
        else:
            cursor.executemany(f"UPDATE {table} SET allotted = %s WHERE id = %s",  # noqa: S608
                               [(str(a), pk) for pk, a in pairs])


def _insert(model, objs):
    """Insert rows whose primary keys are not needed afterwards, in one statement for any number.

    PostgreSQL: INSERT ... SELECT FROM unnest(arrays); SQLite: one executemany (bulk_create would
    split the rows into batches there, and building model instances is slow for 10^5 rows).
    `objs`: model instances or dicts of field name -> value.
    """
    if not objs:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    names = [f.attname for f in fields]
    defaults = {f.attname: f.get_default() for f in fields}
    postgres = connection.vendor == "postgresql"
    adapt = connection.ops.adapt_datetimefield_value

    def value(v):
        if isinstance(v, Decimal):
            return v if postgres else str(v)
        if isinstance(v, datetime.datetime) and not postgres:
            return adapt(v)
        return v

    if isinstance(objs[0], dict):
        rows = [[value(obj.get(name, defaults[name])) for name in names] for obj in objs]
    else:
        rows = [[value(getattr(obj, name)) for name in names] for obj in objs]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        if postgres:
            casts = ", ".join(f"%s::{_array_type(f)}[]" for f in fields)
            cursor.execute(f"INSERT INTO {table} ({columns}) SELECT * FROM unnest({casts})",  # noqa: S608
                           [list(column) for column in zip(*rows, strict=True)])
        else:
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})",  # noqa: S608
                               rows)


def _array_type(field) -> str:
    kind = field.rel_db_type(connection) if field.is_relation else field.db_type(connection)
    return {"bigserial": "bigint", "serial": "integer"}.get(kind, kind)


def _next_number(cycle, supplier) -> str:
    return f"BC-{cycle.pk:04d}-{supplier.pk:03d}"


@transaction.atomic
def confirm_cycle(*, cycle, by, packs=None, stock_group=None, now=None) -> OrderCycle:
    """Closed -> ordered, in one transaction: packs, members' shares, purchase orders, dispatch, stock.

    `packs`: the coordinator's pack counts per product id (the proposal otherwise); `stock_group`:
    where leftovers go (default: per product, the group with the largest demand).
    """
    cycle = _locked(cycle)
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

    _set_allotted([(line_id, plan.allotted.get(line_id, ZERO)) for line_id in plan.lines])

    _insert(ProductOutcome, [
        ProductOutcome(cycle=cycle, product_id=pid, quantity=p.quantity, tolerance=p.tolerance, from_stock=p.from_stock,
                       proposed_packs=p.proposed_packs, packs=p.packs if p.overridden else None, available=p.available,
                       allotted=p.allotted, leftover=p.leftover, stock_group_id=p.stock_group_id)
        for pid, p in plan.products.items() if p.quantity or p.tolerance or p.packs or p.from_stock
    ])

    # purchase orders, one per supplier
    cycle_groups = list(CycleGroup.objects.filter(cycle=cycle).select_related("site"))
    first_date = min((cg.distribution_date for cg in cycle_groups), default=None)
    place = cycle.association.address or cycle.association.name
    by_supplier = defaultdict(list)
    for p in plan.products.values():
        if p.packs > 0:
            by_supplier[p.price.supplier_id].append(p)
    suppliers = {s.pk: s for s in cycle.association.suppliers.filter(pk__in=list(by_supplier))}
    references = dict(Product.objects.filter(pk__in=[p.price.product_id for ps in by_supplier.values() for p in ps])
                      .values_list("pk", "reference"))
    orders, lines = [], []
    for supplier_id, products in sorted(by_supplier.items()):
        supplier = suppliers[supplier_id]
        po = PurchaseOrder(cycle=cycle, supplier=supplier, number=_next_number(cycle, supplier),
                           delivery_date=first_date, delivery_place=place)
        po_lines = []
        for p in sorted(products, key=lambda p: p.price.name):
            price = p.price
            amount = round_cents(p.packs * price.pack_price_excl_vat)
            vat = round_cents(amount * price.vat_rate / 100)
            po_lines.append(PurchaseLine(purchase_order=po, product_id=price.product_id, name=price.name,
                                         reference=references.get(price.product_id, ""),
                                         unit=price.unit, pack_size=price.pack_size, packs=p.packs, quantity=p.bought,
                                         pack_price_excl_vat=price.pack_price_excl_vat, vat_rate=price.vat_rate,
                                         amount_excl_vat=amount, amount_vat=vat))
        po.total_excl_vat = sum((line.amount_excl_vat for line in po_lines), ZERO)
        po.total_vat = sum((line.amount_vat for line in po_lines), ZERO)
        po.total_incl_vat = po.total_excl_vat + po.total_vat
        po.packs = sum((line.packs for line in po_lines if line.pack_size), ZERO)
        po.below_minimum = bool(
            (supplier.minimum_order_amount and po.total_excl_vat < supplier.minimum_order_amount)
            or (supplier.minimum_order_packs and po.packs < supplier.minimum_order_packs))
        po.free_delivery = bool(supplier.free_delivery_threshold and po.total_excl_vat >= supplier.free_delivery_threshold)
        orders.append(po)
        lines.extend(po_lines)
    PurchaseOrder.objects.bulk_create(orders)
    for line in lines:
        line.purchase_order_id = line.purchase_order.pk
    _insert(PurchaseLine, lines)

    # the dispatch plan is not stored: queries.dispatch_plan reads it from the allotted lines
    _write_stock_moves(cycle, plan, by, now)
    return cycle


def apply_stock_moves(moves: list[StockMove]):
    """Append the moves and update each (group, product) balance; two statements for any number.

    The one write path for stock, used by closing, receipts, adjustments and distributions (sales
    from stock). Call it inside the caller's transaction.
    """
    if not moves:
        return
    _insert(StockMove, moves)
    delta = defaultdict(lambda: ZERO)
    cost = {}
    for move in moves:
        delta[(move.group_id, move.product_id)] += move.quantity
        if move.unit_cost:
            cost[(move.group_id, move.product_id)] = move.unit_cost
    current = {}
    from django.db.models import Q

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


def _write_stock_moves(cycle, plan, by, now):
    moves = []
    for group_id, product_id, used in plan.stock_used:
        moves.append(StockMove(group_id=group_id, product_id=product_id, cycle=cycle, kind=StockMove.Kind.USED,
                               quantity=-used, by=by, at=now))
    for pid, p in plan.products.items():
        if p.leftover > 0 and p.stock_group_id:
            moves.append(StockMove(group_id=p.stock_group_id, product_id=pid, cycle=cycle, kind=StockMove.Kind.LEFTOVER,
                                   quantity=p.leftover, unit_cost=p.price.unit_cost, by=by, at=now))
    apply_stock_moves(moves)


# --- Receipt and stock ----------------------------------------------------------------------------


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
    cycle = _locked(purchase_order.cycle)
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
    pairs, moves = [], []
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
    _set_allotted(pairs)
    apply_stock_moves(moves)


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


# --- sending a purchase order ----------------------------------------------------------------------

def purchase_order_mail(po: PurchaseOrder, pdf: bytes) -> EmailMessage:
    association = po.cycle.association
    mail = EmailMessage(
        subject=_("Purchase order %(number)s from %(association)s") % {"number": po.number,
                                                                        "association": association.name},
        body=_("Hello,\n\nPlease find attached our purchase order %(number)s, for delivery on %(date)s.\n\n"
               "Best regards,\n%(association)s") % {"number": po.number, "association": association.name,
                                                     "date": po.delivery_date or ""},
        to=[po.supplier.email], reply_to=[association.email] if association.email else None)
    mail.attach(f"{po.number}.pdf", pdf, "application/pdf")
    return mail


def send_purchase_order(*, purchase_order: PurchaseOrder, pdf: bytes, by, now=None) -> PurchaseOrder:
    """E-mail the purchase order to its supplier, once.

    Marking it sent is a conditional update (`sent_at IS NULL` -> now): of two clicks, only one wins,
    and the other is told it was already sent. The e-mail leaves after the commit
    (`transaction.on_commit`), never for a change that was rolled back; if it cannot leave, the mark
    is taken back (conditionally on this very send) and the caller is told, so it can be tried again.
    """
    now = now or timezone.now()
    po = purchase_order
    email = po.supplier.email
    if not email:
        raise DomainError(_("This supplier has no e-mail address: download the PDF and send it another way."))
    failure: list[Exception] = []

    def deliver():
        try:
            purchase_order_mail(po, pdf).send(fail_silently=False)
        except Exception as error:  # noqa: BLE001 - any SMTP or socket error: the order is not sent
            failure.append(error)
            PurchaseOrder.objects.filter(pk=po.pk, sent_at=now).update(sent_at=None, sent_to="")
            PurchaseOrder.objects.filter(pk=po.pk, sent_at__isnull=True, status=PurchaseOrder.Status.SENT).update(
                status=PurchaseOrder.Status.DRAFT)

    with transaction.atomic():
        won = PurchaseOrder.objects.filter(pk=po.pk, sent_at__isnull=True).update(sent_at=now, sent_to=email)
        if not won:
            sent = PurchaseOrder.objects.get(pk=po.pk)
            raise DomainError(_("This purchase order was already sent to %(email)s on %(when)s."),
                              email=sent.sent_to, when=date_format(timezone.localtime(sent.sent_at),
                                                                   "DATETIME_FORMAT"))
        PurchaseOrder.objects.filter(pk=po.pk, status=PurchaseOrder.Status.DRAFT).update(
            status=PurchaseOrder.Status.SENT)
        transaction.on_commit(deliver)
    if failure:
        raise DomainError(_("The e-mail could not be sent (%(error)s): the purchase order is not marked as sent. "
                            "Try again later, or download the PDF and send it another way."),
                          error=type(failure[0]).__name__)
    po.refresh_from_db()
    return po
