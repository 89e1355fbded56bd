"""The only write path for accounts: charges, payments, refunds, corrections, cash counts,
supplier invoices and payments, passed-on costs, explained differences and `settle_cycle`.

Locking: anything that reads a member's balance to decide takes `select_for_update()` on the
member row first (one account = one member). Entries are only ever inserted.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grappe.core.errors import DomainError
from grappe.core.money import round_cents, to_decimal
from grappe.distribution import services as distribution_services
from grappe.distribution.models import Basket, Distribution
from grappe.members.models import Member
from grappe.orders.models import OrderCycle

from .models import (
    AccountSettings,
    CashCount,
    Entry,
    Means,
    PassedOnCost,
    SettlementDifference,
    SupplierInvoice,
    SupplierPayment,
)

ZERO = Decimal("0.00")


class AccountError(DomainError):
    pass


class BelowLimit(AccountError):
    pass


class UnexplainedDifference(AccountError):
    pass


def balance(member) -> Decimal:
    total = Entry.objects.filter(member=member).aggregate(s=Sum("amount"))["s"]
    return round_cents(total) if total is not None else ZERO


def basket_total(basket) -> Decimal:
    return sum((line.amount for line in basket.lines.all()), ZERO)


def _lock_member(member) -> Member:
    return Member.objects.select_for_update(of=("self",)).get(pk=member.pk)


def _post(**fields) -> Entry:
    return Entry.objects.create(**fields)


# --- The day: collect, charge, pay ----------------------------------------------------------------


@transaction.atomic
def collect_basket(*, basket, by, now=None) -> Entry | None:
    """Mark the basket collected and charge what was served (one charge entry). Returns the charge."""
    basket = distribution_services.mark_collected(basket=basket, by=by, now=now)
    _lock_member(basket.member)
    total = basket_total(Basket.objects.prefetch_related("lines").get(pk=basket.pk))
    if total == ZERO:
        return None
    d = basket.distribution
    return _post(association_id=d.association_id, member_id=basket.member_id, kind=Entry.Kind.CHARGE, amount=-total,
                 cycle_id=d.cycle_id, distribution=d, basket=basket, by=by, at=now or timezone.now())


@transaction.atomic
def reopen_basket(*, basket, by, now=None) -> Basket:
    """Back to waiting: every charge of this basket not yet reversed is reversed."""
    basket = distribution_services.reopen_basket(basket=basket, by=by, now=now)
    _lock_member(basket.member)
    for charge in Entry.objects.filter(basket=basket, kind=Entry.Kind.CHARGE, reversed_by__isnull=True):
        _post(association_id=charge.association_id, member_id=charge.member_id, kind=Entry.Kind.CORRECTION,
              amount=-charge.amount, cycle_id=charge.cycle_id, distribution_id=charge.distribution_id, basket=basket,
              reverses=charge, by=by, note=str(_("basket reopened")), at=now or timezone.now())
    return basket


@transaction.atomic
def record_payment(*, member, amount, means, by, key=None, reference="", issuer="", voucher_value=None,
                   distribution=None, note="", now=None) -> Entry:
    """A payment into the member's account. Idempotent on `key`: a second submit returns the first."""
    if key is not None:
        found = Entry.objects.filter(idempotency_key=key).first()
        if found is not None:
            if found.member_id != member.pk:
                raise AccountError(_("This form was already used for another member."))
            return found
    amount = round_cents(to_decimal(amount))
    if amount <= 0:
        raise AccountError(_("Enter an amount above zero."))
    if means not in Means.values:
        raise AccountError(_("Choose a means of payment."))
    if means == Means.CHEQUE and not reference.strip():
        raise AccountError(_("Enter the cheque number."))
    if means == Means.VOUCHER:
        if not issuer.strip() or not reference.strip():
            raise AccountError(_("Enter the voucher's issuer and number."))
        voucher_value = round_cents(to_decimal(voucher_value if voucher_value not in (None, "") else amount))
        if voucher_value != amount:
            raise AccountError(_("A food voucher is recorded at its value."))
    else:
        voucher_value = None
    member = _lock_member(member)
    try:
        with transaction.atomic():
            return _post(association_id=member.association_id, member=member, kind=Entry.Kind.PAYMENT, amount=amount,
                         means=means, reference=reference.strip(), issuer=issuer.strip(), voucher_value=voucher_value,
                         distribution=distribution, cycle_id=getattr(distribution, "cycle_id", None),
                         idempotency_key=key, note=note, by=by, at=now or timezone.now())
    except IntegrityError:  # the same key committed meanwhile by a concurrent submit
        return Entry.objects.get(idempotency_key=key)


@transaction.atomic
def leave_on_account(*, member, by) -> Decimal:
    """The member pays later: allowed while the balance stays within the association's limit."""
    member = _lock_member(member)
    current = balance(member)
    limit = AccountSettings.for_association(member.association_id).negative_limit
    if current < -limit:
        raise BelowLimit(_("The balance would be %(balance)s, below the limit of -%(limit)s: a payment is needed."),
                         balance=current, limit=limit)
    return current


@transaction.atomic
def refund(*, member, amount, means, by, reference="", note="", key=None) -> Entry:
    """Money given back to the member (from a credit balance)."""
    if key is not None and (found := Entry.objects.filter(idempotency_key=key).first()):
        return found
    amount = round_cents(to_decimal(amount))
    if amount <= 0:
        raise AccountError(_("Enter an amount above zero."))
    member = _lock_member(member)
    if amount > balance(member):
        raise AccountError(_("A refund cannot exceed the member's credit."))
    return _post(association_id=member.association_id, member=member, kind=Entry.Kind.REFUND, amount=-amount,
                 means=means, reference=reference, note=note, idempotency_key=key, by=by)


@transaction.atomic
def reverse_entry(*, entry, by, note="") -> Entry:
    """A correction: the opposite entry. An entry is reversed at most once."""
    _lock_member(entry.member)
    if Entry.objects.filter(reverses=entry).exists() or entry.reverses_id:
        raise AccountError(_("This entry has already been corrected."))
    return _post(association_id=entry.association_id, member_id=entry.member_id, kind=Entry.Kind.CORRECTION,
                 amount=-entry.amount, means=entry.means, cycle_id=entry.cycle_id,
                 distribution_id=entry.distribution_id, basket_id=entry.basket_id, reverses=entry, by=by,
                 note=note or str(_("correction")))


# --- Cash count -----------------------------------------------------------------------------------


def expected_takings(distribution) -> dict[str, Decimal]:
    """Per means of payment, what the day's payments (less refunds and their corrections) add up to."""
    rows = (Entry.objects.filter(distribution=distribution, kind__in=(Entry.Kind.PAYMENT, Entry.Kind.REFUND,
                                                                      Entry.Kind.CORRECTION)).exclude(means="")
            .values("means").annotate(total=Sum("amount")))
    found = {row["means"]: row["total"] for row in rows}
    return {means: found.get(means, ZERO) for means in Means.values}


@transaction.atomic
def record_cash_count(*, distribution, counted: dict, reasons: dict, by) -> list[CashCount]:
    """Counted amounts per means; a difference needs its reason. Recounting replaces the count."""
    Distribution.objects.select_for_update(of=("self",)).get(pk=distribution.pk)
    expected = expected_takings(distribution)
    rows = []
    for means, value in counted.items():
        if means not in Means.values or value in (None, ""):
            continue
        amount = round_cents(to_decimal(value))
        reason = (reasons.get(means) or "").strip()
        if amount != expected[means] and not reason:
            raise AccountError(_("%(means)s: the count differs from the records; say why."),
                               means=Means(means).label)
        row, _created = CashCount.objects.update_or_create(
            distribution=distribution, means=means,
            defaults={"expected": expected[means], "counted": amount, "reason": reason, "by": by,
                      "at": timezone.now()})
        rows.append(row)
    return rows


# --- Suppliers ------------------------------------------------------------------------------------


@transaction.atomic
def record_invoice(*, purchase_order, number, date, amount, due_date=None, reason="", by) -> SupplierInvoice:
    if not number.strip():
        raise AccountError(_("Enter the invoice number."))
    amount = round_cents(to_decimal(amount))
    if amount < 0:
        raise AccountError(_("An invoice amount cannot be negative."))
    if due_date and due_date < date:
        raise AccountError(_("The due date cannot be before the invoice date."))
    if SupplierInvoice.objects.filter(purchase_order=purchase_order, number=number.strip()).exists():
        raise AccountError(_("This invoice is already recorded."))
    return SupplierInvoice.objects.create(purchase_order=purchase_order, number=number.strip(), date=date,
                                          amount=amount, due_date=due_date, reason=reason.strip(), by=by)


@transaction.atomic
def explain_invoice(*, invoice, reason, by) -> SupplierInvoice:
    SupplierInvoice.objects.filter(pk=invoice.pk).update(reason=reason.strip())
    invoice.reason = reason.strip()
    return invoice


@transaction.atomic
def pay_supplier(*, invoice, amount, date, means=Means.TRANSFER, reference="", by) -> SupplierPayment:
    amount = round_cents(to_decimal(amount))
    if amount <= 0:
        raise AccountError(_("Enter an amount above zero."))
    SupplierInvoice.objects.select_for_update(of=("self",)).get(pk=invoice.pk)
    paid = invoice.payments.aggregate(s=Sum("amount"))["s"] or ZERO
    if paid + amount > invoice.amount:
        raise AccountError(_("This payment would pay more than the invoice."))
    return SupplierPayment.objects.create(invoice=invoice, amount=amount, date=date, means=means,
                                          reference=reference, by=by)


@transaction.atomic
def record_passed_on_cost(*, cycle, label, amount, by) -> PassedOnCost:
    if not label.strip():
        raise AccountError(_("Say what the cost is."))
    return PassedOnCost.objects.create(cycle=cycle, label=label.strip(), amount=round_cents(to_decimal(amount)), by=by)


@transaction.atomic
def explain_difference(*, cycle, label, amount, reason, by) -> SettlementDifference:
    if not reason.strip() or not label.strip():
        raise AccountError(_("A difference needs a label and a reason."))
    return SettlementDifference.objects.create(cycle=cycle, label=label.strip(), reason=reason.strip(),
                                               amount=round_cents(to_decimal(amount)), by=by)


# --- Settlement -----------------------------------------------------------------------------------


@transaction.atomic
def settle_cycle(*, cycle, by, now=None) -> OrderCycle:
    """Distributed -> settled, only when the settlement leaves no unexplained difference."""
    from .queries import settlement_report

    cycle = OrderCycle.objects.select_for_update(of=("self",)).get(pk=cycle.pk)
    if cycle.status != OrderCycle.Status.DISTRIBUTED:
        raise AccountError(_("Only a distributed cycle can be settled."))
    report = settlement_report(cycle)
    if not report.balanced:
        raise UnexplainedDifference(_("%(amount)s € remain unexplained: the cycle cannot be settled."),
                                    amount=report.unexplained)
    if OrderCycle.objects.filter(pk=cycle.pk, status=OrderCycle.Status.DISTRIBUTED).update(
            status=OrderCycle.Status.SETTLED) != 1:
        raise AccountError(_("This cycle has already been settled."))
    cycle.status = OrderCycle.Status.SETTLED
    return cycle
