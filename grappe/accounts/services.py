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
from grappe.core.money import format_euros, round_cents, to_decimal
from grappe.distribution import services as distribution_services
from grappe.distribution.models import Basket, Distribution
from grappe.members.models import AuditEntry, Member
from grappe.members.services import audit, first_fee_due, record_membership
from grappe.orders.models import CycleEvent, OrderCycle
from grappe.orders.services import ensure_not_settled, record_event

from . import vouchers
from .models import (
    AccountSettings,
    CashCount,
    CheckoutFee,
    Entry,
    Means,
    PassedOnCost,
    SettlementDifference,
    SupplierInvoice,
    SupplierPayment,
)
from .queries import balance, settlement_report

ZERO = Decimal("0.00")


class AccountError(DomainError):
    """`field`: the form field the refusal is about, so that the page shows it beside that box."""

    def __init__(self, message, field=None, **params):
        self.field = field
        super().__init__(message, **params)


class BelowLimit(AccountError):
    pass


class UnexplainedDifference(AccountError):
    pass


def basket_total(basket) -> Decimal:
    return sum((line.amount for line in basket.lines.all()), ZERO)


def _lock_member(member) -> Member:
    return Member.objects.select_for_update(of=("self",)).get(pk=member.pk)


def _post(**fields) -> Entry:
    return Entry.objects.create(**fields)


def _locked_cycle(cycle_id) -> OrderCycle:
    """The cycle row, locked, and refused if settled: a write to the cycle's figures takes it before
    anything else (lock order: cycle, then member), so it serialises with `settle_cycle`."""
    cycle = OrderCycle.objects.select_for_update(of=("self",)).get(pk=cycle_id)
    ensure_not_settled(cycle)
    return cycle


# --- The day: collect, charge, pay ----------------------------------------------------------------


@transaction.atomic
def collect_basket(*, basket, by, served=None, now=None) -> Entry | None:
    """Save the quantities `served` (per line id, if any), mark the basket collected and charge what
    was served (one charge entry), all or nothing. Returns the charge."""
    if served:
        distribution_services.record_served(basket=basket, served=served, by=by, now=now)
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


def amount_due(member) -> Decimal:
    """What the member still has to pay: what they owe on their account, nothing if in credit."""
    return max(-balance(member), ZERO)


@transaction.atomic
def record_payment(*, member, amount, means, by, key=None, reference="", issuer="", voucher_value=None,
                   distribution=None, note="", basket=None, advance=False, now=None) -> Entry:
    """A payment into the member's account. Idempotent on `key`: a second submit returns the first.

    At the checkout of a `basket`, a payment is for what is due: when nothing is due (the basket is
    paid, or was not collected) or the amount is above what is due, it is refused unless `advance`
    says that the volunteer chose to keep the money on the account ("avance sur compte").

    A food voucher: `issuer` is one of the association's active `VoucherIssuer`s, or its name (matched
    folded: the API and the van's devices send names); its `Voucher` row is created with the entry. A
    number already seen for that issuer is recorded all the same (the household is not turned away)
    and flagged (`vouchers.same_number`, `vouchers.duplicate_vouchers`)."""
    if key is not None:
        found = Entry.objects.filter(idempotency_key=key).first()
        if found is not None:
            if found.member_id != member.pk:
                raise AccountError(_("This form was already used for another member."))
            return found
    amount = to_decimal(amount)
    if not amount.is_finite() or amount <= 0:
        raise AccountError(_("Enter an amount above zero."), field="amount")
    amount = round_cents(amount)
    if means not in Means.values:
        raise AccountError(_("Choose a means of payment."), field="means")
    if means == Means.CHEQUE and not reference.strip():
        raise AccountError(_("Enter the cheque number."), field="reference")
    voucher_issuer = None
    if means == Means.VOUCHER:
        if not issuer or not str(issuer).strip():
            raise AccountError(_("Choose the voucher's issuer."), field="issuer")
        voucher_issuer = vouchers.find_issuer(member.association_id, issuer)
        if voucher_issuer is None:
            if not vouchers.active_issuers(member.association_id).exists():
                raise AccountError(_("The association has no voucher issuer in its list yet: an administrator "
                                     "adds them on the page “Food vouchers”."), field="issuer")
            raise AccountError(_("“%(name)s” is not one of the association's voucher issuers: choose one from "
                                 "the list."), field="issuer", name=str(issuer).strip())
        if not reference.strip():
            raise AccountError(_("Enter the voucher's number."), field="reference")
        voucher_value = round_cents(to_decimal(voucher_value if voucher_value not in (None, "") else amount))
        if voucher_value != amount:
            raise AccountError(_("A food voucher is recorded at its value."), field="amount")
    else:
        voucher_value = None
    member = _lock_member(member)
    if basket is not None and not advance:
        due = amount_due(member)
        if basket.status == Basket.Status.NOT_COLLECTED:
            raise AccountError(_("This basket was not collected: there is nothing to pay for it."))
        if due == ZERO:
            raise AccountError(_("This basket is already paid: nothing was recorded."), field="advance")
        if amount > due:
            raise AccountError(_("%(amount)s is more than the %(due)s still to pay. Correct the amount, or tick "
                                 "“advance on account” to keep the difference on the member's account."),
                               field="amount", amount=format_euros(amount), due=format_euros(due))
    try:
        with transaction.atomic():
            entry = _post(association_id=member.association_id, member=member, kind=Entry.Kind.PAYMENT,
                          amount=amount, means=means, reference=reference.strip(),
                          issuer=voucher_issuer.name if voucher_issuer is not None else "",
                          voucher_value=voucher_value, distribution=distribution,
                          cycle_id=getattr(distribution, "cycle_id", None), idempotency_key=key, note=note, by=by,
                          at=now or timezone.now())
            if voucher_issuer is not None:  # the voucher's own row, to be claimed from its issuer
                vouchers.record_voucher(entry=entry, issuer=voucher_issuer, number=reference, value=amount,
                                        member=member, distribution=distribution, now=now)
            return entry
    except IntegrityError:  # the same key committed meanwhile by a concurrent submit
        return Entry.objects.get(idempotency_key=key)


def fee_due_at(basket) -> Decimal | None:
    """The first membership fee to take at this basket's checkout (deferred to the member's first
    distribution), or None: nothing to take, or already taken at this checkout."""
    if CheckoutFee.objects.filter(basket=basket).exists():
        return None
    return first_fee_due(basket.member, basket.distribution.date)


@transaction.atomic
def take_first_fee(*, basket, means, by, now=None) -> CheckoutFee:
    """The first membership fee, taken at the member's checkout: recorded as the membership of the
    distribution's year, paid on the distribution's day by `means` (members.services.record_membership),
    and never as a charge or a payment of the basket (the ledger and the cycle's books do not see it).

    Idempotent: a second submit for the same basket returns the fee already taken. Refused when no fee
    is due (paid already, or the association does not defer the first fee)."""
    if means not in Means.values:
        raise AccountError(_("Choose how the fee is paid."), field="means")
    member = _lock_member(basket.member)
    found = CheckoutFee.objects.filter(basket=basket).select_related("membership").first()
    if found is not None:
        return found
    day = basket.distribution.date
    due = first_fee_due(member, day)
    if due is None:
        raise AccountError(_("The membership fee of %(year)s is already paid: nothing was recorded."),
                           year=day.year)
    membership = record_membership(member=member, by=by, year=day.year, fee=due, paid_on=day, means=means)
    return CheckoutFee.objects.create(basket=basket, membership=membership, amount=due, means=means, by=by,
                                      at=now or timezone.now())


def beyond_limit(member) -> bool:
    """Whether the member owes more than the association's on-account limit."""
    return balance(member) < -AccountSettings.for_association(member.association_id).negative_limit


@transaction.atomic
def leave_on_account(*, member, by, confirmed=False) -> Decimal:
    """The member pays later. Beyond the association's limit only when `confirmed` (the volunteer
    ticked the box saying they know the member owes more than the limit)."""
    member = _lock_member(member)
    current = balance(member)
    limit = AccountSettings.for_association(member.association_id).negative_limit
    if current < -limit and not confirmed:
        raise BelowLimit(_("The balance is %(balance)s, beyond the limit of %(limit)s owed: take a payment, or "
                           "tick the box to confirm that the member pays later."), field="confirm",
                         balance=format_euros(current), limit=format_euros(limit))
    if current < -limit:  # confirmed: who let the member owe more than the limit is kept
        audit(member, by=by, action=AuditEntry.Action.BEYOND_LIMIT, detail=format_euros(current))
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
def reverse_entry(*, entry, by, note="", now=None) -> Entry:
    """A correction: the opposite entry. An entry is reversed at most once.

    A charge belongs to its cycle's settlement: reversing one of a settled cycle is refused (reopen
    the settlement first). A payment is the member's money, not the cycle's: it can be corrected."""
    if entry.kind == Entry.Kind.CHARGE and entry.cycle_id:
        _locked_cycle(entry.cycle_id)
    _lock_member(entry.member)
    if Entry.objects.filter(reverses=entry).exists() or entry.reverses_id:
        raise AccountError(_("This entry has already been corrected."))
    claim = vouchers.claim_of_entry(entry)
    if claim is not None:  # the issuer was asked for this voucher: the claim is withdrawn first
        raise AccountError(_("This voucher is part of claim %(reference)s: cancel the claim (or undo its "
                             "reimbursement) before correcting the payment."), reference=claim.reference)
    return _post(association_id=entry.association_id, member_id=entry.member_id, kind=Entry.Kind.CORRECTION,
                 amount=-entry.amount, means=entry.means, cycle_id=entry.cycle_id,
                 distribution_id=entry.distribution_id, basket_id=entry.basket_id, reverses=entry, by=by,
                 note=note or str(_("correction")), at=now or timezone.now())


# --- Cash count -----------------------------------------------------------------------------------


def expected_takings(distribution) -> dict[str, Decimal]:
    """Per means of payment, what the day's payments (less refunds and their corrections) add up to,
    and the membership fees taken at its checkouts (in the till too, though not in the accounts)."""
    rows = (Entry.objects.filter(distribution=distribution, kind__in=(Entry.Kind.PAYMENT, Entry.Kind.REFUND,
                                                                      Entry.Kind.CORRECTION)).exclude(means="")
            .values("means").annotate(total=Sum("amount")))
    found = {row["means"]: row["total"] for row in rows}
    for row in fees_taken(distribution):
        found[row["means"]] = found.get(row["means"], ZERO) + row["total"]
    return {means: found.get(means, ZERO) for means in Means.values}


def fees_taken(distribution) -> list[dict]:
    """Per means, the membership fees taken at the distribution's checkouts ({"means", "total"})."""
    return list(CheckoutFee.objects.filter(basket__distribution=distribution).values("means")
                .annotate(total=Sum("amount")).order_by("means"))


def stale_cash_counts(distribution) -> list[CashCount]:
    """The counts of `distribution` that no longer match the records: a payment they counted was
    reversed afterwards (`reversed_after`: those corrections), or the expected takings changed."""
    expected = expected_takings(distribution)
    stale = []
    for count in CashCount.objects.filter(distribution=distribution).order_by("means"):
        count.reversed_after = list(
            Entry.objects.filter(distribution=distribution, means=count.means, kind=Entry.Kind.CORRECTION,
                                 reverses__kind=Entry.Kind.PAYMENT, reverses__at__lte=count.at, at__gt=count.at)
            .select_related("reverses__member", "by").order_by("at", "pk"))
        count.expected_now = expected[count.means]
        if count.reversed_after or count.expected_now != count.expected:
            stale.append(count)
    return stale


@transaction.atomic
def record_cash_count(*, distribution, counted: dict, reasons: dict, by, now=None) -> list[CashCount]:
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
                               field=f"reason-{means}", means=Means(means).label)
        row, _created = CashCount.objects.update_or_create(
            distribution=distribution, means=means,
            defaults={"expected": expected[means], "counted": amount, "reason": reason, "by": by,
                      "at": now or timezone.now()})
        rows.append(row)
    return rows


# --- Suppliers ------------------------------------------------------------------------------------


@transaction.atomic
def record_invoice(*, purchase_order, number, date, amount, due_date=None, reason="", by,
                   now=None) -> SupplierInvoice:
    _locked_cycle(purchase_order.cycle_id)
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
                                          amount=amount, due_date=due_date, reason=reason.strip(), by=by,
                                          at=now or timezone.now())


@transaction.atomic
def explain_invoice(*, invoice, reason, by, now=None) -> SupplierInvoice:
    """The reason for an invoice's difference, with who gave it and when (`reason_by`, `reason_at`)."""
    _locked_cycle(SupplierInvoice.objects.values_list("purchase_order__cycle_id", flat=True).get(pk=invoice.pk))
    at = now or timezone.now()
    SupplierInvoice.objects.filter(pk=invoice.pk).update(reason=reason.strip(), reason_by=by, reason_at=at)
    invoice.reason, invoice.reason_by, invoice.reason_at = reason.strip(), by, at
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
def record_passed_on_cost(*, cycle, label, amount, by, now=None) -> PassedOnCost:
    _locked_cycle(cycle.pk)
    if not label.strip():
        raise AccountError(_("Say what the cost is."))
    return PassedOnCost.objects.create(cycle=cycle, label=label.strip(), amount=round_cents(to_decimal(amount)), by=by,
                                       at=now or timezone.now())


@transaction.atomic
def explain_difference(*, cycle, label, amount, reason, by, now=None) -> SettlementDifference:
    _locked_cycle(cycle.pk)
    if not reason.strip() or not label.strip():
        raise AccountError(_("A difference needs a label and a reason."))
    return SettlementDifference.objects.create(cycle=cycle, label=label.strip(), reason=reason.strip(),
                                               amount=round_cents(to_decimal(amount)), by=by,
                                               at=now or timezone.now())


@transaction.atomic
def explain_ledger_gap(*, cycle, reason, by, now=None) -> SettlementDifference:
    """The reason why members' accounts were charged another amount than the baskets served (a
    charge reversed, a basket given away...). It explains the gap as it stands now, which then
    counts as explained in the settlement; if the gap changes later, the rest is to explain."""
    cycle = _locked_cycle(cycle.pk)
    if not reason.strip():
        raise AccountError(_("Say why the accounts differ from the baskets."))
    rest = sum((line.amount for line in settlement_report(cycle).to_explain if line.key == "ledger"), ZERO)
    if rest == ZERO:
        raise AccountError(_("Members' accounts agree with the baskets served: there is nothing to explain."))
    return SettlementDifference.objects.create(
        cycle=cycle, kind=SettlementDifference.Kind.LEDGER, label=str(_("members' accounts differ from the baskets "
                                                                        "served")),
        amount=rest, reason=reason.strip(), by=by, at=now or timezone.now())


# --- Settlement -----------------------------------------------------------------------------------


@transaction.atomic
def settle_cycle(*, cycle, by, now=None) -> OrderCycle:
    """Distributed -> settled, only when the settlement leaves nothing to explain. Recorded (who, when)."""
    cycle = OrderCycle.objects.select_for_update(of=("self",)).get(pk=cycle.pk)
    if cycle.status == OrderCycle.Status.SETTLED:
        raise AccountError(_("This cycle has already been settled."))
    if cycle.status != OrderCycle.Status.DISTRIBUTED:
        raise AccountError(_("Only a distributed cycle can be settled."))
    report = settlement_report(cycle)
    if report.unexplained != ZERO:
        raise UnexplainedDifference(_("%(amount)s remain unexplained: the cycle cannot be settled."),
                                    amount=format_euros(report.unexplained))
    if not report.balanced:
        raise UnexplainedDifference(_("Differences that cancel each other out still need their reasons: the cycle "
                                      "cannot be settled."))
    if OrderCycle.objects.filter(pk=cycle.pk, status=OrderCycle.Status.DISTRIBUTED).update(
            status=OrderCycle.Status.SETTLED) != 1:
        raise AccountError(_("This cycle has already been settled."))
    record_event(cycle, CycleEvent.Kind.SETTLED, by=by, now=now)
    cycle.status = OrderCycle.Status.SETTLED
    return cycle


@transaction.atomic
def reopen_settlement(*, cycle, reason, by, now=None) -> OrderCycle:
    """Settled -> distributed, to correct it: said explicitly, with a reason, recorded (who, when,
    why). Its figures can change again until it is settled anew."""
    cycle = OrderCycle.objects.select_for_update(of=("self",)).get(pk=cycle.pk)
    if not reason.strip():
        raise AccountError(_("Give the reason for reopening the settlement."))
    if OrderCycle.objects.filter(pk=cycle.pk, status=OrderCycle.Status.SETTLED).update(
            status=OrderCycle.Status.DISTRIBUTED) != 1:
        raise AccountError(_("Only a settled cycle can be reopened."))
    record_event(cycle, CycleEvent.Kind.REOPENED, by=by, now=now, reason=reason.strip()[:300])
    cycle.status = OrderCycle.Status.DISTRIBUTED
    return cycle
