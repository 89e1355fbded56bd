"""The closing plan: from the stored increments to packs, members' shares, dispatch and leftovers.

`compute_plan` reads a closed (or open, for a preview) cycle in a fixed number of queries and applies
the pure rules of allocation.py; it writes nothing. The review screen shows it; `confirm_cycle`
(services.py) writes it in one transaction.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Sum

from . import allocation
from .models import CycleGroup, CyclePrice, OrderCycle, OrderIncrement, OrderLine, StockItem

ZERO = Decimal("0")


@dataclass
class ProductPlan:
    price: CyclePrice
    quantity: Decimal = ZERO
    tolerance: Decimal = ZERO
    stock: Decimal = ZERO  # in the cycle's groups at closing
    from_stock: Decimal = ZERO  # what the cycle takes from that stock
    proposed_packs: Decimal = ZERO
    packs: Decimal = ZERO  # chosen (proposal unless overridden)
    available: Decimal = ZERO
    allotted: Decimal = ZERO
    leftover: Decimal = ZERO
    stock_group_id: int | None = None
    demand_by_group: dict = field(default_factory=dict)

    @property
    def bought(self) -> Decimal:
        """What is bought from the supplier, in member units."""
        size = self.price.pack_size
        return self.packs * size if size else self.packs

    @property
    def overridden(self) -> bool:
        return self.packs != self.proposed_packs

    @property
    def missing_for_next_pack(self) -> Decimal:
        size = self.price.pack_size
        if not size:
            return ZERO
        need = max(self.quantity - self.from_stock, ZERO)
        remainder = need % size
        return size - remainder if remainder else ZERO


@dataclass
class Plan:
    cycle: OrderCycle
    products: dict[int, ProductPlan]
    allotted: dict[int, Decimal]  # order line id -> allotted quantity
    lines: dict[int, tuple]  # order line id -> (product id, group id, stop id, quantity, tolerance)
    stock_used: list[tuple[int, int, Decimal]]  # (group id, product id, quantity taken)

    def dispatch(self) -> dict[tuple[int, int, int | None], Decimal]:
        """(product, group, stop) -> quantity allotted to that group's (stop's) members."""
        out: dict = defaultdict(lambda: ZERO)
        for line_id, amount in self.allotted.items():
            product_id, group_id, stop_id, _q, _t = self.lines[line_id]
            if amount:
                out[(product_id, group_id, stop_id)] += amount
        return out


def _decimal(value) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))  # SQLite hands back REAL: the shortest repr is the stored decimal
    return Decimal(value)


def raw_rows(queryset):
    """The rows of a values_list queryset, without the ORM's per-value converters (fast for 10^5 rows).

    Decimal columns come back as Decimal on PostgreSQL, and as int/float on SQLite: pass them
    through `_decimal`.
    """
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def compute_plan(cycle: OrderCycle, packs: dict[int, Decimal] | None = None,
                 stock_group_id: int | None = None) -> Plan:
    """The closing plan for `cycle`; `packs` overrides the proposed pack count per product id."""
    packs = packs or {}
    stock_group_id = stock_group_id or cycle.stock_group_id
    prices = {p.product_id: p for p in CyclePrice.objects.filter(cycle=cycle)}
    products = {pid: ProductPlan(price=price) for pid, price in prices.items()}

    lines = {}
    for line_id, product_id, group_id, stop_id, quantity, tolerance in raw_rows(
        OrderLine.objects.filter(cycle=cycle)
        .values_list("id", "product_id", "order__group_id", "order__stop_id", "quantity", "tolerance")
    ):
        quantity, tolerance = _decimal(quantity), _decimal(tolerance)
        lines[line_id] = (product_id, group_id, stop_id, quantity, tolerance)
        plan = products.get(product_id)
        if plan is None:
            continue
        plan.quantity += quantity
        plan.tolerance += tolerance
        plan.demand_by_group[group_id] = plan.demand_by_group.get(group_id, ZERO) + quantity

    increments: dict[int, list] = defaultdict(list)
    for line_id, product_id, priority, quantity, tolerance, sequence in raw_rows(
        OrderIncrement.objects.filter(cycle=cycle)
        .values_list("line_id", "line__product_id", "line__order__priority", "quantity", "tolerance", "sequence")
    ):
        increments[product_id].append(
            allocation.Increment(line_id, _decimal(quantity), _decimal(tolerance), sequence, bool(priority)))

    group_ids = list(CycleGroup.objects.filter(cycle=cycle).values_list("group_id", flat=True))
    stock_rows = (StockItem.objects.filter(group_id__in=group_ids, product_id__in=list(prices), quantity__gt=0)
                  .order_by("group_id", "product_id").values_list("group_id", "product_id", "quantity"))
    stock_by_product: dict[int, list] = defaultdict(list)
    for group_id, product_id, quantity in stock_rows:
        stock_by_product[product_id].append((group_id, quantity))

    allotted: dict[int, Decimal] = {}
    stock_used = []
    for product_id, plan in products.items():
        price = plan.price
        plan.stock = sum((q for _g, q in stock_by_product.get(product_id, [])), ZERO)
        plan.from_stock = min(plan.stock, plan.quantity + plan.tolerance)
        need = max(plan.quantity - plan.from_stock, ZERO)
        tolerance_left = plan.tolerance - max(plan.from_stock - plan.quantity, ZERO)
        plan.proposed_packs = allocation.packs_to_order(price.pack_size, need, tolerance_left,
                                                        price.minimum_packs, cycle.rounding)
        chosen = packs.get(product_id)
        plan.packs = plan.proposed_packs if chosen is None else max(Decimal(chosen), ZERO)
        plan.available = plan.bought + plan.from_stock
        result = allocation.allocate(plan.available, increments.get(product_id, []), cycle.strategy,
                                     step=price.order_step, priority_first=cycle.priority_first)
        allotted.update(result)
        plan.allotted = sum(result.values(), ZERO)
        plan.leftover = plan.available - plan.allotted
        if plan.demand_by_group:
            plan.stock_group_id = stock_group_id or max(plan.demand_by_group.items(), key=lambda kv: (kv[1], -kv[0]))[0]
        else:
            plan.stock_group_id = stock_group_id or (group_ids[0] if group_ids else None)
        take = plan.from_stock
        for group_id, quantity in stock_by_product.get(product_id, []):
            if take <= 0:
                break
            used = min(quantity, take)
            stock_used.append((group_id, product_id, used))
            take -= used
    return Plan(cycle=cycle, products=products, allotted=allotted, lines=lines, stock_used=stock_used)


def stock_totals(group_ids, product_ids) -> dict[int, Decimal]:
    rows = (StockItem.objects.filter(group_id__in=group_ids, product_id__in=product_ids)
            .values("product_id").annotate(total=Sum("quantity")))
    return {row["product_id"]: row["total"] or ZERO for row in rows}
