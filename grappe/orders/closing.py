"""The closing plan: from the stored increments to packs, members' shares, dispatch and leftovers.

`compute_plan` reads a closed (or open, for a preview) cycle in a fixed number of queries and applies
the pure rules of allocation.py; it writes nothing. The review screen shows it; `confirm_cycle`
(the service module orders/services/closing.py, not this one) writes it in one transaction.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection

from grappe.catalogue.models import family_rank
from grappe.core.money import round_cents

from . import allocation
from .models import CycleGroup, CyclePrice, OrderCycle, OrderLine, StockItem

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
    def need(self) -> Decimal:
        """The firm quantity to buy: what members ordered, less what the stock serves."""
        return max(self.quantity - self.from_stock, ZERO)

    @property
    def tolerance_left(self) -> Decimal:
        """The "up to" extras the stock has not already served."""
        return self.tolerance - max(self.from_stock - self.quantity, ZERO)

    @property
    def missing_for_next_pack(self) -> Decimal:
        size = self.price.pack_size
        if not size:
            return ZERO
        remainder = self.need % size
        return size - remainder if remainder else ZERO

    @property
    def progress(self) -> allocation.PackProgress:
        """What the chosen packs give (short, extras used, surplus, missing for the next pack)."""
        return allocation.pack_progress(self.price.pack_size, self.need, self.tolerance_left, self.packs,
                                        self.price.minimum_packs)

    @property
    def amount_excl_vat(self) -> Decimal:
        """This product's line on its supplier's purchase order (excl. VAT)."""
        return round_cents(self.packs * self.price.pack_price_excl_vat)


@dataclass
class Plan:
    cycle: OrderCycle
    products: dict[int, ProductPlan]
    allotted: dict[int, Decimal]  # order line id -> allotted quantity
    lines: dict[int, tuple]  # order line id -> (product id, group id, stop id, quantity, tolerance)
    stock_used: list[tuple[int, int, Decimal]]  # (group id, product id, quantity taken)


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

    # One read of every line with its increments (a line is the sum of its increments; a line
    # without any has nothing left in it): the lines' totals and the allocation queues at once.
    lines: dict[int, tuple] = {}
    increments: dict[int, list] = defaultdict(list)
    convert = _decimal if connection.vendor != "postgresql" else None  # PostgreSQL hands back Decimal
    for line_id, product_id, group_id, stop_id, priority, quantity, tolerance, sequence in raw_rows(
        OrderLine.objects.filter(cycle=cycle).order_by()
        .values_list("id", "product_id", "order__group_id", "order__stop_id", "order__priority",
                     "increments__quantity", "increments__tolerance", "increments__sequence")
    ):
        if sequence is None:  # no increment
            lines.setdefault(line_id, (product_id, group_id, stop_id, ZERO, ZERO))
            continue
        if convert:
            quantity, tolerance = convert(quantity), convert(tolerance)
        increments[product_id].append(allocation.Increment(line_id, quantity, tolerance, sequence, bool(priority)))
        known = lines.get(line_id)
        if known is not None:
            quantity, tolerance = known[3] + quantity, known[4] + tolerance
        lines[line_id] = (product_id, group_id, stop_id, quantity, tolerance)
    for product_id, group_id, _stop_id, quantity, tolerance in lines.values():
        plan = products.get(product_id)
        if plan is None:
            continue
        plan.quantity += quantity
        plan.tolerance += tolerance
        plan.demand_by_group[group_id] = plan.demand_by_group.get(group_id, ZERO) + quantity

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
        plan.proposed_packs = allocation.packs_to_order(price.pack_size, plan.need, plan.tolerance_left,
                                                        price.minimum_packs, cycle.rounding)
        chosen = packs.get(product_id)
        plan.packs = plan.proposed_packs if chosen is None else max(Decimal(chosen), ZERO)
        plan.available = plan.bought + plan.from_stock
        queue = increments.get(product_id, [])
        if plan.available >= plan.quantity + plan.tolerance:
            # enough for everyone's quantity and tolerance: what `allocate` gives, without the queues
            result = {}
            for inc in queue:
                result[inc.member] = result.get(inc.member, ZERO) + inc.quantity + inc.tolerance
        else:
            result = allocation.allocate(plan.available, queue, cycle.strategy,
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



def below_minimum(supplier, amount_excl_vat: Decimal, packs: Decimal) -> bool:
    """Whether an order of `amount_excl_vat` and `packs` stays under the supplier's minimum order."""
    return bool((supplier.minimum_order_amount and amount_excl_vat < supplier.minimum_order_amount)
                or (supplier.minimum_order_packs and packs < supplier.minimum_order_packs))


def free_delivery(supplier, amount_excl_vat: Decimal) -> bool:
    return bool(supplier.free_delivery_threshold and amount_excl_vat >= supplier.free_delivery_threshold)


@dataclass
class SupplierPlan:
    """One supplier's share of a plan: what its purchase order would hold (`write_purchase_orders`
    makes it from the same products, amounts and rules)."""

    supplier: object
    products: list[ProductPlan]  # every product of the supplier in the cycle, ordered or not
    amount_excl_vat: Decimal = ZERO
    packs: Decimal = ZERO

    @property
    def below_minimum(self) -> bool:
        return below_minimum(self.supplier, self.amount_excl_vat, self.packs)

    @property
    def free_delivery(self) -> bool:
        return free_delivery(self.supplier, self.amount_excl_vat)

    @property
    def amount_missing(self) -> Decimal:
        """What the order lacks to reach the minimum amount (0 when reached or none)."""
        minimum = self.supplier.minimum_order_amount
        return max(minimum - self.amount_excl_vat, ZERO) if minimum else ZERO

    @property
    def packs_missing(self) -> Decimal:
        minimum = self.supplier.minimum_order_packs
        return max(Decimal(minimum) - self.packs, ZERO) if minimum else ZERO

    @property
    def free_delivery_missing(self) -> Decimal:
        threshold = self.supplier.free_delivery_threshold
        return max(threshold - self.amount_excl_vat, ZERO) if threshold else ZERO


def supplier_plans(plan: Plan, suppliers) -> list[SupplierPlan]:
    """The plan per supplier (`suppliers`: {id: Supplier}), suppliers by name, products in the
    catalogue's family order then by name. Amounts and packs count what a purchase order would:
    the products bought, packs only for products sold in packs."""
    by_supplier: dict[int, SupplierPlan] = {}
    for p in sorted(plan.products.values(), key=lambda p: (family_rank(p.price.family), p.price.name)):
        entry = by_supplier.get(p.price.supplier_id)
        if entry is None:
            entry = by_supplier[p.price.supplier_id] = SupplierPlan(suppliers[p.price.supplier_id], [])
        entry.products.append(p)
        if p.packs > 0:
            entry.amount_excl_vat += p.amount_excl_vat
            if p.price.pack_size:
                entry.packs += p.packs
    return sorted(by_supplier.values(), key=lambda s: s.supplier.name)
