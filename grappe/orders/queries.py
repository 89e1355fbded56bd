"""Reads of the orders app: those other apps (distribution, accounts, reports) build on, and those
of the orders pages (no view builds an ORM query of its own)."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import quote_plus

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from grappe.catalogue.models import Product, Supplier, family_order
from grappe.core.money import line_total
from grappe.members.models import Member
from grappe.members.queries import members_for
from grappe.network.access import require_write
from grappe.network.models import BuyingGroup, Site

from .models import (
    CycleGroup,
    CyclePrice,
    CycleStop,
    MemberOrder,
    OrderCycle,
    OrderLine,
    ProductOutcome,
    PurchaseOrder,
    StockItem,
    StockMove,
)
from .states import french_hour

ZERO = Decimal("0")


def cycles_for(scope) -> QuerySet[OrderCycle]:
    """The cycles a user may see (the read rule, `Scope.reaches_any`): admins all of their
    association's; coordinators and volunteers those covering at least one of their groups; members
    those covering their group."""
    if scope.association is None:
        return OrderCycle.objects.none()
    cycles = OrderCycle.objects.filter(association=scope.association)
    if scope.is_admin:
        return cycles
    groups = set(scope.group_ids)
    if scope.member is not None:
        groups.add(scope.member.group_id)
    return cycles.filter(Exists(CycleGroup.objects.filter(cycle=OuterRef("pk"), group_id__in=groups)))


def cycle_group_ids(cycle: OrderCycle) -> set[int]:
    return set(CycleGroup.objects.filter(cycle=cycle).values_list("group_id", flat=True))


def cycle_for(scope, pk, *, write: bool = False, staff: bool = False) -> OrderCycle:
    """The one way to a cycle: 404 unless the user reads it (`cycles_for`); `staff`: staff only (not
    members); `write` (open, extend, close, confirm, prepare, settle, record an invoice...): an admin or a
    coordinator of every group it covers (403 for a coordinator who only reads it)."""
    if (staff or write) and not scope.is_staff:
        raise Http404
    try:
        cycle = cycles_for(scope).select_related("association").get(pk=pk)
    except (OrderCycle.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if staff and not scope.is_admin and not (cycle_group_ids(cycle) & scope.group_ids):
        raise Http404  # a member who is also staff elsewhere reads it as a member only
    if write:
        require_write(scope, cycle_group_ids(cycle), role=scope.is_coordinator)
    return cycle


def purchase_orders_for(scope) -> QuerySet[PurchaseOrder]:
    """Purchase orders are coordinators' (admins'): those of the cycles they read."""
    if not scope.is_coordinator:
        return PurchaseOrder.objects.none()
    return PurchaseOrder.objects.filter(cycle__in=cycles_for(scope))


def purchase_order_for(scope, pk, *, write: bool = False) -> PurchaseOrder:
    """A purchase order through its cycle's rule: read with the cycle, changed (sent, received) by
    whoever may change the cycle."""
    try:
        po = (purchase_orders_for(scope).select_related("cycle__association", "supplier").get(pk=pk))
    except (PurchaseOrder.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if write:
        require_write(scope, cycle_group_ids(po.cycle))
    return po


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


def cycle_suppliers(cycle: OrderCycle) -> dict[int, Supplier]:
    """The suppliers of the products of `cycle`, by id (with their minimum order and free delivery)."""
    return Supplier.objects.filter(pk__in=CyclePrice.objects.filter(cycle=cycle).values("supplier_id")).in_bulk()


def offered_prices(cycle: OrderCycle, group) -> QuerySet[CyclePrice]:
    """The products of `cycle` offered in `group` (its catalogue selection), in the catalogue's
    family order (`Family`, not the codes' alphabet), then by name."""
    return (CyclePrice.objects.filter(cycle=cycle, product__selections__group=group)
            .order_by(family_order(), "name"))


def group_stock(group_id, product_ids) -> dict[int, Decimal]:
    """What a group holds in stock of these products (only those above zero): product id -> quantity."""
    return dict(StockItem.objects.filter(group_id=group_id, product_id__in=product_ids, quantity__gt=0)
                .values_list("product_id", "quantity"))


def purchase_orders(cycle: OrderCycle) -> QuerySet[PurchaseOrder]:
    return (PurchaseOrder.objects.filter(cycle=cycle).select_related("supplier")
            .prefetch_related("lines", "sends__by").order_by("supplier__name"))


def cycle_groups(cycle: OrderCycle) -> QuerySet[CycleGroup]:
    return CycleGroup.objects.filter(cycle=cycle).select_related("group", "site").prefetch_related("stops__site")


def open_cycles_for_member(member) -> QuerySet[OrderCycle]:
    return OrderCycle.objects.filter(Q(status=OrderCycle.Status.OPEN), association_id=member.association_id,
                                     cycle_groups__group_id=member.group_id).order_by("closes_at")


# --- the orders pages -----------------------------------------------------------------------------


def past_cycles(member, limit: int = 10):
    """The last cycles (not open) in which `member` ordered: dicts of the cycle's id, name and status."""
    return (OrderLine.objects.filter(order__member=member).exclude(order__cycle__status=OrderCycle.Status.OPEN)
            .values("order__cycle_id", "order__cycle__name", "order__cycle__status").distinct()
            .order_by("-order__cycle_id")[:limit])


def pooled_of(cycle: OrderCycle, product_ids) -> dict[int, Decimal]:
    """What every member of the cycle ordered of these products only (the pack hints of a basket):
    one query grouped by product, read through the (cycle, product) index, so its cost follows the
    lines of these products, not the whole cycle's."""
    product_ids = list(product_ids)
    if not product_ids:
        return {}
    return dict(OrderLine.objects.filter(cycle=cycle, product_id__in=product_ids).order_by()
                .values("product_id").annotate(q=Sum("quantity")).values_list("product_id", "q"))


@dataclass(frozen=True)
class WhenWhere:
    """A distribution as the member reads it: day, hours (`start`, `end` as "16 h 30", or the
    schedule's text in `time` when it is not two hours), place, street and a map link."""

    day: datetime.date
    start: str = ""
    end: str = ""
    time: str = ""
    place: str = ""
    street: str = ""
    map_url: str = ""

    @property
    def day_and_hours(self) -> str:
        """"vendredi 11 décembre, de 16 h 30 à 18 h 30", in the language of the page."""
        day = date_format(self.day, "l j F")
        if self.start and self.end:
            return _("%(day)s, from %(start)s to %(end)s") % {"day": day, "start": self.start, "end": self.end}
        if self.start:
            return _("%(day)s at %(start)s") % {"day": day, "start": self.start}
        return f"{day}, {self.time}" if self.time else day

    @property
    def sentence(self) -> str:
        """Day, hours and place in one line (the home's task, a reminder)."""
        return ", ".join(part for part in (self.day_and_hours, self.place) if part)


_HOUR = r"(\d{1,2})\s*(?:h|:|H)\s*(\d{2})?"
_HOURS = re.compile(rf"^\s*(?:de\s+)?{_HOUR}\s*(?:-|–|à|a|to)?\s*{_HOUR}?\s*$")


def _hours(text: str) -> tuple[str, str, str]:
    """(start, end, text) of a schedule's free-text time: "16:30-18:30", "16h30 à 18h30"..."""
    found = _HOURS.match(text or "")
    if not found:
        return "", "", (text or "").strip()
    start = french_hour(found.group(1), found.group(2))
    end = french_hour(found.group(3), found.group(4)) if found.group(3) else ""
    return start, end, ""


def map_url(site) -> str:
    """An OpenStreetMap link to a site: its point, or a search for its address."""
    if site is None:
        return ""
    if site.latitude is not None and site.longitude is not None:
        return (f"https://www.openstreetmap.org/?mlat={site.latitude}&mlon={site.longitude}"
                f"#map=18/{site.latitude}/{site.longitude}")
    words = " ".join(part for part in (site.address, site.commune.name if site.commune_id else "") if part)
    return f"https://www.openstreetmap.org/search?query={quote_plus(words)}" if words else ""


def when_and_where(cycle: OrderCycle, group_id, stop_id=None) -> WhenWhere | None:
    """When and where a group's (or a van stop's) members collect their baskets in `cycle`, from its
    schedule: the one source of the basket, "My orders", the home's task and the paper form."""
    cg = (CycleGroup.objects.filter(cycle=cycle, group_id=group_id).select_related("site__commune").first())
    if cg is None:
        return None
    stop = None
    if stop_id is not None:
        stop = CycleStop.objects.filter(cycle_group=cg, site_id=stop_id).select_related("site__commune").first()
    return when_where_of(cg, stop)


def when_where_of(cg: CycleGroup, stop=None) -> WhenWhere:
    """WhenWhere of a cycle group read already (with its site), or of one of its stops."""
    site = stop.site if stop is not None else (cg.site if cg.site_id else None)
    start, end, text = _hours(stop.time if stop is not None else cg.time)
    place = site.name if stop is not None else cg.place_label
    street = site.address if site is not None else ""
    if site is not None and site.commune_id and site.commune.name not in street:
        street = f"{street}, {site.commune.name}" if street else site.commune.name
    return WhenWhere(day=stop.distribution_date if stop is not None else cg.distribution_date, start=start, end=end,
                     time=text, place=place, street=street, map_url=map_url(site))


def pooled_quantities(cycle: OrderCycle) -> dict[int, dict]:
    """What every member of the cycle ordered, per product id: {"q": quantities, "t": tolerances}."""
    return {row["product_id"]: row for row in OrderLine.objects.filter(cycle=cycle)
            .values("product_id").annotate(q=Sum("quantity"), t=Sum("tolerance"))}


def covers_group(cycle: OrderCycle, group_id) -> bool:
    return cycle.cycle_groups.filter(group_id=group_id).exists()


def cycle_group_of(cycle: OrderCycle, group_id) -> CycleGroup | None:
    return CycleGroup.objects.filter(cycle=cycle, group_id=group_id).select_related("site").first()


def cycle_group_for(scope, cycle: OrderCycle, group_id) -> CycleGroup:
    """A group of `cycle` among the user's groups, or 404."""
    return get_object_or_404(CycleGroup.objects.select_related("group", "site__commune"), cycle=cycle,
                             group_id=group_id, group__in=scope.groups())


def cycle_list(scope, limit: int = 50):
    return cycles_for(scope).prefetch_related("cycle_groups__group")[:limit]


def cycle_groups_in_scope(scope, cycle: OrderCycle) -> QuerySet[CycleGroup]:
    """The groups of `cycle` that are the user's, with their sites (for the schedule)."""
    return cycle_groups(cycle).filter(group__in=scope.groups()).prefetch_related("group__sites")


def groups_for_new_cycle(scope) -> list[BuyingGroup]:
    return list(scope.groups().filter(status="active").prefetch_related("sites"))


def baskets_per_group(cycle: OrderCycle) -> dict[int, int]:
    """Members with something in their basket, per group id (EXISTS, not a join: 10^5 lines in a
    pooled cycle)."""
    filled = Exists(OrderLine.objects.filter(order=OuterRef("pk"), quantity__gt=0))
    return dict(cycle.orders.filter(filled).order_by().values("group_id").annotate(n=Count("pk"))
                .values_list("group_id", "n"))


SEARCH_LIMIT = 20


def member_search(scope, group_ids, text: str, limit: int = SEARCH_LIMIT) -> tuple[list[Member], bool]:
    """Active members of the user's groups among `group_ids` whose number is `text` or whose name
    holds every word of it; at most `limit`, by number. Returns (members, more_than_limit)."""
    text = " ".join(text.split())
    if not text:
        return [], False
    members = members_for(scope).filter(group_id__in=group_ids, status=Member.Status.ACTIVE).select_related("group")
    found = list(members.matching(text).order_by("number")[:limit + 1])
    return found[:limit], len(found) > limit


def member_by_number(scope, number: str) -> Member | None:
    """The member of the user's groups with this number (None for a text that is not a number)."""
    if not number.isdigit():
        return None
    return members_for(scope).filter(number=number).select_related("group").first()


def cycle_product_ids(cycle: OrderCycle) -> list[int]:
    """The products of a cycle (those of its closing plan), without reading its lines."""
    return list(CyclePrice.objects.filter(cycle=cycle).order_by("product_id").values_list("product_id", flat=True))


def orders_of_lines(line_ids) -> dict[int, MemberOrder]:
    """The member order (with its member) of each of these order lines, by line id."""
    owners = dict(OrderLine.objects.filter(pk__in=line_ids).values_list("pk", "order_id"))
    orders = MemberOrder.objects.select_related("member").in_bulk(set(owners.values()))
    return {line_id: orders[order_id] for line_id, order_id in owners.items()}


def stock_items(groups) -> QuerySet[StockItem]:
    return StockItem.objects.filter(group__in=groups, quantity__gt=0).select_related("group", "product")


def stock_moves(groups, limit: int = 30):
    return StockMove.objects.filter(group__in=groups).select_related("group", "product", "by")[:limit]


def association_products(association) -> QuerySet[Product]:
    return Product.objects.filter(association=association).order_by("name")
