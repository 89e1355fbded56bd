"""Reads of the accounts app: balances, statements, journals, the settlement of a cycle."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import F, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grappe.catalogue.references import reference_history, savings_of
from grappe.catalogue.savings import NOTHING, Savings
from grappe.core.money import line_total, round_cents, round_unit_price
from grappe.distribution.models import Basket, BasketLine
from grappe.network.access import require_write
from grappe.orders.models import (
    CyclePrice,
    OrderLine,
    ProductOutcome,
    PurchaseLine,
    PurchaseOrder,
    StockMove,
    quantity_label,
)
from grappe.orders.queries import cycle_group_ids, purchase_orders_for

from . import settlement
from .models import CheckoutFee, Entry, Means, PassedOnCost, SettlementDifference, SupplierInvoice

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
    savings: Savings = NOTHING  # against the shop prices nearby, on the products that have one


def balance(member) -> Decimal:
    """The one definition of a member's balance: the sum of their entries, to the cent."""
    total = Entry.objects.filter(member=member).aggregate(s=Sum("amount"))["s"]
    return round_cents(total) if total is not None else ZERO


def receipt(basket) -> Receipt:
    lines = list(basket.lines.all())
    payments = list(Entry.objects.filter(member=basket.member, distribution=basket.distribution,
                                         kind=Entry.Kind.PAYMENT).order_by("at", "pk"))
    return Receipt(basket=basket, lines=lines, total=sum((line.amount for line in lines), ZERO), payments=payments,
                   paid=sum((entry.amount for entry in payments), ZERO), balance=balance(basket.member),
                   savings=savings_of(lines))


def year_savings(member, year: int) -> Savings:
    """What the member saved over the year's collected baskets (one rounding per basket, as each
    receipt says it, so the year is the sum of her receipts), each against the shop prices in force
    on its distribution's day."""
    lines = list(BasketLine.objects.filter(basket__member=member, basket__status=Basket.Status.COLLECTED,
                                      basket__distribution__date__year=year).only(
        "basket_id", "product_id", "allotted", "served", "unit_price").annotate(day=F("basket__distribution__date")))
    by_basket = defaultdict(list)
    for line in lines:
        by_basket[line.basket_id].append(line)
    history = reference_history({line.product_id for line in lines})
    total = NOTHING
    for basket_lines in by_basket.values():
        total = total + savings_of(basket_lines, history.on(basket_lines[0].day))
    return total


# --- One basket's story, from the order to the payment -------------------------------------------

PACKS = {"kg": (gettext_lazy("sack of %(size)s"), gettext_lazy("sacks of %(size)s")),
         "l": (gettext_lazy("can of %(size)s"), gettext_lazy("cans of %(size)s")),
         "piece": (gettext_lazy("carton of %(size)s"), gettext_lazy("cartons of %(size)s"))}


def pack_words(unit: str, size, plural: bool = False) -> str:
    """"sac de 25 kg", "cartons de 6 pièces": the supplier's pack as members say it."""
    one, many = PACKS.get(unit, (gettext_lazy("pack of %(size)s"), gettext_lazy("packs of %(size)s")))
    return str(many if plural else one) % {"size": quantity_label(size, unit)}


@dataclass
class StoryLine:
    """One product of a basket, from what was ordered to what was taken home."""

    name: str
    unit: str
    unit_price: Decimal
    ordered: Decimal | None  # None: not ordered (taken from the group's stock on the day)
    tolerance: Decimal
    allotted: Decimal
    taken: Decimal  # what was handed over: weighed or counted, else the allotted quantity
    weighed: bool  # a quantity was typed at the distribution
    why: str = ""  # why `allotted` differs from `ordered`, in plain words
    handed: str = ""  # how `taken` differs from `allotted`, in plain words

    @property
    def ordered_amount(self) -> Decimal:
        return line_total(self.unit_price, self.ordered or ZERO)

    @property
    def allotted_amount(self) -> Decimal:
        return line_total(self.unit_price, self.allotted)

    @property
    def taken_amount(self) -> Decimal:
        return line_total(self.unit_price, self.taken)


@dataclass
class BasketStory:
    """A member's basket told in order: ordered, allotted (and why it differs), weighed and handed
    over, charged to her account, paid; what remains owed or in advance. The amounts add up: the
    charge is what was handed over (`taken_total`), `rest` is the charge less what was paid."""

    basket: Basket
    lines: list[StoryLine]
    ordered_total: Decimal
    allotted_total: Decimal
    taken_total: Decimal
    collected: bool
    charges: list[Entry]  # the basket's charges and their corrections
    charged: Decimal
    payments: list[Entry]  # at its distribution, with their corrections
    paid: Decimal
    rest: Decimal  # > 0: still owed for this basket; < 0: paid in advance, kept on the account
    fee: CheckoutFee | None
    balance: Decimal  # the account today

    @property
    def rest_owed(self) -> Decimal:
        return max(self.rest, ZERO)

    @property
    def in_advance(self) -> Decimal:
        return max(-self.rest, ZERO)


def _why(line: OrderLine, allotted: Decimal, price, outcome, purchases) -> str:
    """Why a member received another quantity than she ordered, in plain French once translated."""
    ordered, unit = line.quantity, line.unit
    if allotted == ordered:
        return ""
    size = price.pack_size if price is not None else None
    if allotted > ordered:
        values = {"tolerance": quantity_label(line.tolerance, unit), "extra": quantity_label(allotted - ordered, unit)}
        if size:
            values["pack"] = pack_words(unit, size)
            return _("You had accepted up to %(tolerance)s more: you received %(extra)s more, to fill the "
                     "%(pack)s.") % values
        return _("You had accepted up to %(tolerance)s more: you received %(extra)s more.") % values
    missing = {"missing": quantity_label(ordered - allotted, unit)}
    if any(p.delivered is not None and p.delivered - p.damaged < p.quantity for p in purchases):
        return _("Some was missing at the delivery: what arrived was shared between everyone (%(missing)s less "
                 "for you).") % missing
    if size and outcome is not None and outcome.chosen_packs * size < outcome.quantity - outcome.from_stock:
        return _("The %(packs)s were not full: only full ones were bought, then shared between everyone "
                 "(%(missing)s less for you).") % {"packs": pack_words(unit, size, plural=True), **missing}
    return _("There was not enough: what there was was shared between everyone (%(missing)s less for "
             "you).") % missing


def _handed(line: BasketLine) -> str:
    if line.from_stock:
        return _("Taken on the day from the group's stock, besides the order.")
    if line.served is None or line.served == line.allotted:
        return ""
    values = {"served": quantity_label(line.served, line.unit), "allotted": quantity_label(line.allotted, line.unit)}
    if line.is_bulk:
        return _("Weighed: %(served)s instead of %(allotted)s.") % values
    return _("Handed over: %(served)s instead of %(allotted)s.") % values


def basket_story(basket) -> BasketStory:
    """The story of one basket, in a fixed number of queries (whatever the number of lines)."""
    distribution = basket.distribution
    basket_lines = list(BasketLine.objects.filter(basket=basket).order_by("from_stock", "name", "pk"))
    by_order_line = {line.order_line_id: line for line in basket_lines if line.order_line_id}
    order_lines = (list(OrderLine.objects.filter(order_id=basket.order_id).order_by("name", "pk"))
                   if basket.order_id else [])
    products = {line.product_id for line in order_lines}
    prices = {p.product_id: p for p in CyclePrice.objects.filter(cycle_id=distribution.cycle_id,
                                                                  product_id__in=products)}
    outcomes = {o.product_id: o for o in ProductOutcome.objects.filter(cycle_id=distribution.cycle_id,
                                                                        product_id__in=products)}
    purchases = defaultdict(list)
    for purchase in PurchaseLine.objects.filter(purchase_order__cycle_id=distribution.cycle_id,
                                                product_id__in=products):
        purchases[purchase.product_id].append(purchase)

    lines = []
    for order_line in order_lines:
        held = by_order_line.get(order_line.pk)
        if order_line.quantity == 0 and held is None:
            continue
        allotted = held.allotted if held is not None else (order_line.allotted or ZERO)
        taken = held.quantity if held is not None else ZERO
        lines.append(StoryLine(
            name=order_line.name, unit=order_line.unit, unit_price=order_line.unit_price,
            ordered=order_line.quantity, tolerance=order_line.tolerance, allotted=allotted, taken=taken,
            weighed=held is not None and held.served is not None,
            why=_why(order_line, allotted, prices.get(order_line.product_id), outcomes.get(order_line.product_id),
                     purchases[order_line.product_id]) if order_line.allotted is not None else "",
            handed=_handed(held) if held is not None else ""))
    for held in basket_lines:
        if held.order_line_id is None:
            lines.append(StoryLine(name=held.name, unit=held.unit, unit_price=held.unit_price, ordered=None,
                                   tolerance=ZERO, allotted=held.allotted, taken=held.quantity,
                                   weighed=held.served is not None, handed=_handed(held)))

    collected = basket.status == Basket.Status.COLLECTED
    charges = list(Entry.objects.filter(basket=basket).filter(
        Q(kind=Entry.Kind.CHARGE) | Q(kind=Entry.Kind.CORRECTION, reverses__kind=Entry.Kind.CHARGE))
        .select_related("reverses", "basket__distribution", "reverses__basket__distribution").order_by("at", "pk"))
    payments = list(Entry.objects.filter(member_id=basket.member_id, distribution=distribution).filter(
        Q(kind=Entry.Kind.PAYMENT) | Q(kind=Entry.Kind.CORRECTION, reverses__kind=Entry.Kind.PAYMENT))
        .select_related("distribution", "reverses__distribution").order_by("at", "pk"))
    today, notes = timezone.localdate(), _reopen_notes()
    for entry in charges + payments:
        label_entry(entry, today, notes)
    charged = -sum((entry.amount for entry in charges), ZERO)
    paid = sum((entry.amount for entry in payments), ZERO)
    return BasketStory(
        basket=basket, lines=lines,
        ordered_total=sum((line.ordered_amount for line in lines), ZERO),
        allotted_total=sum((line.allotted_amount for line in lines if line.ordered is not None), ZERO),
        taken_total=sum((line.taken_amount for line in lines), ZERO) if collected else ZERO,
        collected=collected, charges=charges, charged=charged, payments=payments, paid=paid, rest=charged - paid,
        fee=CheckoutFee.objects.filter(basket=basket).first(), balance=balance(basket.member))


def link_baskets(member, rows) -> None:
    """Set `entry.story_basket_id` on each statement row: the basket the line is about (a charge and
    its corrections), or the member's basket at the distribution where a payment was taken."""
    at = dict(Basket.objects.filter(member=member).values_list("distribution_id", "pk"))
    for entry, _running in rows:
        entry.story_basket_id = entry.basket_id or at.get(entry.distribution_id)


def member_baskets(member) -> QuerySet[Basket]:
    """A member's baskets, the latest distribution first (the list on "Mon compte")."""
    return (Basket.objects.filter(member=member).select_related("distribution__group")
            .order_by("-distribution__date", "-pk"))


def balances(members) -> dict[int, Decimal]:
    rows = Entry.objects.filter(member__in=members).values("member_id").annotate(s=Sum("amount"))
    return {row["member_id"]: row["s"] for row in rows}


def statement(member, start=None, end=None, today=None) -> tuple[Decimal, list[tuple[Entry, Decimal]]]:
    """(opening balance, [(entry, running balance)]) between two dates (inclusive). Each entry has its
    `label` in plain words, naming its basket and day ("Panier du 11 décembre"), see `label_entry`."""
    entries = (Entry.objects.filter(member=member)
               .select_related("distribution", "cycle", "basket__distribution", "reverses__distribution",
                               "reverses__basket__distribution")
               .order_by("at", "pk"))
    opening = ZERO
    if start is not None:
        opening = entries.filter(at__date__lt=start).aggregate(s=Sum("amount"))["s"] or ZERO
        entries = entries.filter(at__date__gte=start)
    if end is not None:
        entries = entries.filter(at__date__lte=end)
    running, rows = opening, []
    today, notes = today or timezone.localdate(), _reopen_notes()
    for entry in entries:
        running += entry.amount
        label_entry(entry, today, notes)
        rows.append((entry, running))
    return opening, rows


# --- Account lines in plain words ------------------------------------------------------------------

PAYMENT_LABELS = {
    Means.CASH: gettext_lazy("Cash payment of %(day)s"), Means.CHEQUE: gettext_lazy("Cheque payment of %(day)s"),
    Means.CARD: gettext_lazy("Card payment of %(day)s"), Means.TRANSFER: gettext_lazy("Transfer of %(day)s"),
    Means.VOUCHER: gettext_lazy("Food voucher of %(day)s"),
}


def day_label(day, today) -> str:
    """"11 décembre"; with the year when it is not this year's ("11 décembre 2025"). Non-breaking
    spaces: a line never breaks inside a date."""
    return date_format(day, "j F" if day.year == today.year else "j F Y").replace(" ", "\u00a0")


def _reopen_notes() -> set[str]:
    """The note `services.reopen_basket` writes, in every language it may have been written in."""
    notes = {"basket reopened"}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            notes.add(_("basket reopened"))
    return notes


def _entry_day(entry, today) -> str:
    day = entry.distribution.date if entry.distribution_id else timezone.localdate(entry.at)
    return day_label(day, today)


def _plain_label(entry, today) -> str:
    if entry.kind == Entry.Kind.CHARGE:
        if entry.basket_id:
            return _("Basket of %(day)s") % {"day": day_label(entry.basket.distribution.date, today)}
        return _("Basket")
    if entry.kind == Entry.Kind.PAYMENT:
        label = PAYMENT_LABELS.get(entry.means) or gettext_lazy("Payment of %(day)s")
        return str(label) % {"day": _entry_day(entry, today)}
    if entry.kind == Entry.Kind.REFUND:
        return _("Money given back on %(day)s") % {"day": _entry_day(entry, today)}
    return _("Correction")


def label_entry(entry, today=None, reopen_notes=None) -> str:
    """Set and return `entry.label`, the line as a member reads it: "Panier du 11 décembre",
    "Paiement en espèces du 11 décembre", "Correction : panier du 11 décembre rouvert" (no "écriture"
    nor "contre-passation"); `entry.extra_note`: a note that the label does not already say."""
    today = today or timezone.localdate()
    notes = reopen_notes if reopen_notes is not None else _reopen_notes()
    entry.extra_note = entry.note
    if entry.kind == Entry.Kind.CORRECTION and entry.reverses_id:
        reversed_entry = entry.reverses
        if reversed_entry.kind == Entry.Kind.CHARGE and reversed_entry.basket_id:
            day = day_label(reversed_entry.basket.distribution.date, today)
            if entry.note in notes:
                entry.extra_note = ""
                entry.label = _("Correction: basket of %(day)s reopened") % {"day": day}
            else:
                entry.label = _("Correction: basket of %(day)s cancelled") % {"day": day}
        else:
            line = _plain_label(reversed_entry, today)
            entry.label = _("Correction: %(line)s cancelled") % {"line": line[:1].lower() + line[1:]}
        if entry.extra_note in (_("correction"), "correction"):
            entry.extra_note = ""
    else:
        entry.label = _plain_label(entry, today)
    return entry.label


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
