"""Reads of the accounts app: balances, statements, journals, the settlement of a cycle."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.http import Http404

from grappe.core.money import round_cents, round_unit_price
from grappe.distribution.models import Basket, BasketLine
from grappe.network.access import require_write
from grappe.orders.models import CyclePrice, PurchaseLine, PurchaseOrder, StockMove
from grappe.orders.queries import cycle_group_ids, purchase_orders_for

from . import settlement
from .models import Entry, PassedOnCost, SettlementDifference, SupplierInvoice

ZERO = Decimal("0.00")
ONE = Decimal("1")
HUNDRED = Decimal("100")


@dataclass
class Receipt:
    """What a member took and paid at one distribution, and where their account stands."""

    basket: Basket
    lines: list[BasketLine]
    total: Decimal
    payments: list[Entry]
    paid: Decimal
    balance: Decimal


def balance(member) -> Decimal:
    """The one definition of a member's balance: the sum of their entries, to the cent."""
    total = Entry.objects.filter(member=member).aggregate(s=Sum("amount"))["s"]
    return round_cents(total) if total is not None else ZERO


def receipt(basket) -> Receipt:
    lines = list(basket.lines.all())
    payments = list(Entry.objects.filter(member=basket.member, distribution=basket.distribution,
                                         kind=Entry.Kind.PAYMENT).order_by("at", "pk"))
    return Receipt(basket=basket, lines=lines, total=sum((line.amount for line in lines), ZERO), payments=payments,
                   paid=sum((entry.amount for entry in payments), ZERO), balance=balance(basket.member))


def balances(members) -> dict[int, Decimal]:
    rows = Entry.objects.filter(member__in=members).values("member_id").annotate(s=Sum("amount"))
    return {row["member_id"]: row["s"] for row in rows}


def statement(member, start=None, end=None) -> tuple[Decimal, list[tuple[Entry, Decimal]]]:
    """(opening balance, [(entry, running balance)]) between two dates (inclusive)."""
    entries = Entry.objects.filter(member=member).select_related("distribution", "cycle").order_by("at", "pk")
    opening = ZERO
    if start is not None:
        opening = entries.filter(at__date__lt=start).aggregate(s=Sum("amount"))["s"] or ZERO
        entries = entries.filter(at__date__gte=start)
    if end is not None:
        entries = entries.filter(at__date__lte=end)
    running, rows = opening, []
    for entry in entries:
        running += entry.amount
        rows.append((entry, running))
    return opening, rows


def entries_for_period(association, start, end) -> QuerySet[Entry]:
    return (Entry.objects.filter(association=association, at__date__gte=start, at__date__lte=end)
            .select_related("member").order_by("at", "pk"))


def expected_invoice(line: PurchaseLine) -> Decimal:
    """What a supplier line should be invoiced, incl. VAT, for what was delivered (damaged included)."""
    delivered = line.quantity if line.delivered is None else line.delivered
    size = line.pack_size or ONE
    packs = line.packs if delivered == line.quantity else delivered / size
    amount = round_cents(packs * line.pack_price_excl_vat)
    return amount + round_cents(amount * line.vat_rate / HUNDRED)


def settlement_report(cycle) -> settlement.Report:
    prices = {p.product_id: p for p in CyclePrice.objects.filter(cycle=cycle)}

    charges = [settlement.Charge(quantity=q, unit_price=price, unit_cost=cost)
               for q, price, cost in _served(cycle)]

    purchases, invoices = [], []
    orders = PurchaseOrder.objects.filter(cycle=cycle).prefetch_related("lines", "invoices").order_by("number")
    for po in orders:
        expected = ZERO
        for line in po.lines.all():
            price = prices[line.product_id]
            delivered = line.quantity if line.delivered is None else line.delivered
            size = line.pack_size or ONE
            supplier_unit = round_unit_price(line.pack_price_excl_vat * (ONE + line.vat_rate / HUNDRED) / size)
            amount = expected_invoice(line)
            expected += amount
            purchases.append(settlement.Purchase(quantity=delivered, amount=amount, supplier_unit=supplier_unit,
                                                 passed_on_unit=price.unit_cost - supplier_unit))
        found = list(po.invoices.all())
        label = f"{po.number} · {po.supplier}" + (" · " + ", ".join(i.number for i in found) if found else "")
        invoices.append(settlement.Invoice(label=label, amount=sum((i.amount for i in found), ZERO),
                                           expected=expected, reason="; ".join(i.reason for i in found if i.reason)))

    stock, losses = [], []
    for product_id, kind, quantity in StockMove.objects.filter(cycle=cycle).values_list("product_id", "kind",
                                                                                       "quantity"):
        cost = prices[product_id].unit_cost if product_id in prices else ZERO
        if kind == StockMove.Kind.LOSS:
            losses.append(settlement.StockChange(-quantity, cost))
        else:
            stock.append(settlement.StockChange(quantity, cost))
    for line in PurchaseLine.objects.filter(purchase_order__cycle=cycle, damaged__gt=0):
        losses.append(settlement.StockChange(line.damaged, prices[line.product_id].unit_cost))

    differences = [settlement.Difference(d.label, d.amount, d.reason, key=d.kind)
                   for d in SettlementDifference.objects.filter(cycle=cycle)]
    return settlement.reconcile(charges=charges, purchases=purchases, invoices=invoices,
                                passed_on_costs=list(PassedOnCost.objects.filter(cycle=cycle)
                                                     .values_list("amount", flat=True)),
                                stock=stock, losses=losses, differences=differences, ledger=ledger_charged(cycle))


def ledger_charged(cycle) -> Decimal:
    """What members' accounts were charged for the cycle's baskets: the charges, net of their
    reversals (a basket reopened, a charge corrected). The settlement compares it with the baskets."""
    total = (Entry.objects.filter(cycle=cycle, basket__isnull=False)
             .filter(Q(kind=Entry.Kind.CHARGE) | Q(kind=Entry.Kind.CORRECTION, reverses__kind=Entry.Kind.CHARGE))
             .aggregate(s=Sum("amount"))["s"])
    return -(total or ZERO)


def _served(cycle):
    """(quantity, unit price, unit cost) of every line of every collected basket of the cycle."""
    rows = BasketLine.objects.filter(basket__distribution__cycle=cycle, basket__status=Basket.Status.COLLECTED)
    for allotted, served, price, cost in rows.values_list("allotted", "served", "unit_price", "unit_cost"):
        quantity = allotted if served is None else served
        if quantity:
            yield quantity, price, cost


def invoices_for(scope) -> QuerySet[SupplierInvoice]:
    """Suppliers' invoices through their purchase order's cycle: read with the cycle (coordinators)."""
    return (SupplierInvoice.objects.filter(purchase_order__in=purchase_orders_for(scope))
            .select_related("purchase_order__supplier", "purchase_order__cycle")
            .annotate(paid=Sum("payments__amount")).order_by("-date", "-pk"))


def invoice_for(scope, pk, *, write: bool = False) -> SupplierInvoice:
    """An invoice the user reads; `write` (pay it, explain it): whoever may change its cycle."""
    try:
        invoice = invoices_for(scope).get(pk=pk)
    except (SupplierInvoice.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if write:
        require_write(scope, cycle_group_ids(invoice.purchase_order.cycle))
    return invoice


def journals(association, start, end) -> dict[str, list[Entry]]:
    """Per means of payment, the payments and refunds of the period."""
    out = defaultdict(list)
    for entry in entries_for_period(association, start, end).exclude(means=""):
        out[entry.means].append(entry)
    return dict(out)
