"""Reads of the distribution app: scoped lookups, search on the day, the documents' contents."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from grappe.catalogue.models import Unit
from grappe.core.money import line_total
from grappe.members.models import search as member_search
from grappe.orders.queries import dispatch_plan

from .models import Basket, BasketLine, Distribution, RotaSlot

ZERO = Decimal("0")


def distributions_for(scope) -> QuerySet[Distribution]:
    if scope.association is None or not scope.is_staff:
        return Distribution.objects.none()
    return (Distribution.objects.filter(association=scope.association, group__in=scope.groups())
            .select_related("group", "cycle", "site"))


def distribution_for(scope, pk, *, write: bool = False) -> Distribution:
    """A distribution of one of the user's groups (staff), or 404. A distribution is one group's:
    its staff run the day (`write` as well: close it, count the cash); adding rota slots is the
    coordinators' (checked by the view's role)."""
    try:
        return distributions_for(scope).get(pk=pk)
    except (Distribution.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def baskets_for(scope, *, own: bool = False) -> QuerySet[Basket]:
    """Staff: the baskets of their groups' distributions. `own`: the member's own baskets as well,
    to read (her receipt, the story of her basket)."""
    baskets = Basket.objects.filter(distribution__in=distributions_for(scope))
    if own and scope.member is not None:
        mine = Basket.objects.filter(member=scope.member, distribution__association_id=scope.member.association_id)
        return (baskets | mine) if scope.is_staff else mine
    return baskets


def basket_for(scope, pk, *, write: bool = False, own: bool = False) -> Basket:
    """A basket of a distribution of one of the user's groups (staff serve, collect and take payments:
    `write` is the same rule), or 404. `own=True` (read only): a member's own basket too, for the pages
    she reads (her receipt, "Mon panier du ..."); a member never changes a basket."""
    if own and write:
        raise ValueError("a member's own basket is read, never written through basket_for")
    try:
        return (baskets_for(scope, own=own).select_related("member", "distribution__group", "distribution__cycle")
                .get(pk=pk))
    except (Basket.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def with_progress(distributions: QuerySet[Distribution]) -> QuerySet[Distribution]:
    return distributions.annotate(
        basket_count=Count("baskets", distinct=True),
        waiting_count=Count("baskets", filter=Q(baskets__status=Basket.Status.WAITING), distinct=True),
        empty_slots=Count("slots", filter=Q(slots__volunteer__isnull=True), distinct=True),
    )


def find_baskets(distribution, query: str) -> QuerySet[Basket]:
    """By member number (exact) or by every word of the name, whatever the accents, in number order."""
    baskets = Basket.objects.filter(distribution=distribution).select_related("member")
    query = (query or "").strip()
    if not query:
        return baskets
    if query.isdigit():
        return baskets.filter(member__number=int(query))
    return baskets.filter(member_search(query, prefix="member__"))


def basket_lines(basket) -> list[BasketLine]:
    return list(basket.lines.all())


@dataclass
class BasketSheet:
    basket: Basket
    lines: list
    total: Decimal
    containers: list = field(default_factory=list)


def basket_sheets(distribution) -> list[BasketSheet]:
    """Every basket of a distribution, with its lines, total and the containers to bring (bulk)."""
    baskets = (Basket.objects.filter(distribution=distribution).select_related("member")
               .prefetch_related(Prefetch("lines", queryset=BasketLine.objects.order_by("name")))
               .order_by("member__number"))
    sheets = []
    for basket in baskets:
        lines = list(basket.lines.all())
        total = sum((line_total(line.unit_price, line.quantity) for line in lines), Decimal("0.00"))
        containers = [line for line in lines if line.is_bulk]
        sheets.append(BasketSheet(basket, lines, total, containers))
    return sheets


@dataclass
class ServingRow:
    name: str
    unit: str
    is_bulk: bool
    total: Decimal
    rows: list  # (number, name, quantity)
    code: str = ""  # the unit's code (kg, l, piece), to word quantities in the plural


def serving_lists(distribution) -> list[ServingRow]:
    """Per product, who gets how much (allotted), in member number order."""
    out: dict[int, ServingRow] = {}
    lines = (BasketLine.objects.filter(basket__distribution=distribution, from_stock=False, allotted__gt=0)
             .values_list("product_id", "name", "unit", "is_bulk", "allotted", "basket__member__number",
                          "basket__member__name")
             .order_by("name", "basket__member__number"))
    for product_id, name, unit, is_bulk, allotted, number, member_name in lines:
        row = out.get(product_id)
        if row is None:
            row = out[product_id] = ServingRow(name, _unit_label(unit), is_bulk, ZERO, [], unit)
        row.total += allotted
        row.rows.append((number, member_name, allotted))
    return sorted(out.values(), key=lambda r: r.name)


def _unit_label(unit: str) -> str:
    return str(Unit(unit).label) if unit in Unit.values else unit


def loading_list(cycle, group=None) -> list[tuple[object, list]]:
    """For a pooled cycle: per group (or for `group` only), what to load (product, quantity, of which
    to stock)."""
    groups = defaultdict(list)
    for line in dispatch_plan(cycle, group=group):
        groups[line.group].append(line)
    return list(groups.items())


def empty_slots(scope) -> QuerySet[RotaSlot]:
    return (RotaSlot.objects.filter(distribution__in=distributions_for(scope), volunteer__isnull=True,
                                    distribution__status=Distribution.Status.PLANNED)
            .select_related("distribution__group").order_by("distribution__date", "starts_at"))
