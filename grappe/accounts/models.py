"""Member accounts (an append-only ledger), cash counts, supplier invoices and payments, the
costs passed on and the explained differences of a cycle's settlement."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grappe.core.fields import FiniteDecimalField
from grappe.distribution.models import Basket, Distribution
from grappe.members.models import Member, Membership
from grappe.network.models import Association
from grappe.orders.models import OrderCycle, PurchaseOrder

ZERO = Decimal("0.00")
MONEY = {"max_digits": 12, "decimal_places": 2}


class Means(models.TextChoices):
    CASH = "cash", _("cash")
    CHEQUE = "cheque", _("cheque")
    CARD = "card", _("card (terminal)")
    TRANSFER = "transfer", _("transfer")
    VOUCHER = "voucher", _("food voucher")


class AccountSettings(models.Model):
    association = models.OneToOneField(Association, on_delete=models.CASCADE, related_name="account_settings")
    negative_limit = FiniteDecimalField(_("lowest balance allowed (EUR owed)"), default=Decimal("20.00"), **MONEY,
                                         help_text=_("A member may owe up to this amount; 0: no credit."))

    class Meta:
        verbose_name = _("account settings")

    def __str__(self):
        return f"{self.association} · {self.negative_limit}"

    @classmethod
    def for_association(cls, association_id) -> "AccountSettings":
        return cls.objects.filter(association_id=association_id).first() or cls(association_id=association_id)


class Entry(models.Model):
    """One line of a member's account. Append-only: never updated, never deleted.

    Amount: positive credits the member (payment, refund owed...), negative debits (a charge).
    A correction reverses an entry (`reverses`) with the opposite amount.
    """

    class Kind(models.TextChoices):
        CHARGE = "charge", _("basket")
        PAYMENT = "payment", _("payment")
        REFUND = "refund", _("refund")
        CORRECTION = "correction", _("correction")

    association = models.ForeignKey(Association, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="account_entries")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    amount = FiniteDecimalField(_("amount"), **MONEY)
    means = models.CharField(_("means of payment"), max_length=10, choices=Means.choices, blank=True)
    reference = models.CharField(_("number"), max_length=60, blank=True)
    issuer = models.CharField(_("issuer"), max_length=100, blank=True)
    voucher_value = FiniteDecimalField(_("voucher value"), null=True, blank=True, **MONEY)
    cycle = models.ForeignKey(OrderCycle, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    distribution = models.ForeignKey(Distribution, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    basket = models.ForeignKey(Basket, null=True, blank=True, on_delete=models.PROTECT, related_name="entries")
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by")
    idempotency_key = models.UUIDField(null=True, blank=True, unique=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("account entry")
        indexes = [models.Index(fields=["member", "at"]), models.Index(fields=["association", "at"]),
                   models.Index(fields=["cycle", "kind"])]

    def __str__(self):
        return f"{self.member_id} {self.kind} {self.amount}"


class CheckoutFee(models.Model):
    """A membership fee taken at a basket's checkout: the first fee, which the association lets a new
    member pay at her first distribution (`Association.first_fee_at_first_distribution`).

    The money is the membership's (`members.Membership`, paid on the distribution's day by these
    means), never the basket's: no ledger entry, no charge, nothing in the cycle's settlement. This
    row only says at which checkout, how and by whom it was taken: the receipt shows it as its own
    line and the cash count expects it in the till. One per basket (a second submit finds it)."""

    basket = models.OneToOneField(Basket, on_delete=models.PROTECT, related_name="checkout_fee")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    amount = FiniteDecimalField(_("amount"), **MONEY)
    means = models.CharField(_("means of payment"), max_length=10, choices=Means.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("membership fee taken at a checkout")

    def __str__(self):
        return f"{self.basket_id} {self.amount}"

    @property
    def paid_words(self) -> str:
        """"payée en espèces", "payée par chèque" (the fee, feminine in French)."""
        return str(FEE_PAID.get(self.means, self.get_means_display()))


FEE_PAID = {
    Means.CASH: pgettext_lazy("membership fee", "paid in cash"),
    Means.CHEQUE: pgettext_lazy("membership fee", "paid by cheque"),
    Means.CARD: pgettext_lazy("membership fee", "paid by card"),
    Means.TRANSFER: pgettext_lazy("membership fee", "paid by transfer"),
    Means.VOUCHER: pgettext_lazy("membership fee", "paid with a food voucher"),
}


class CashCount(models.Model):
    """At the end of a distribution: per means of payment, what the records expect and what was counted."""

    distribution = models.ForeignKey(Distribution, on_delete=models.CASCADE, related_name="cash_counts")
    means = models.CharField(_("means of payment"), max_length=10, choices=Means.choices)
    expected = FiniteDecimalField(_("expected"), **MONEY)
    counted = FiniteDecimalField(_("counted"), **MONEY)
    reason = models.CharField(_("reason for the difference"), max_length=200, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    # Not stored: set by services.stale_cash_counts on the counts it returns.
    reversed_after: list[Entry]
    expected_now: Decimal

    class Meta:
        ordering = ["distribution", "means"]
        constraints = [models.UniqueConstraint(fields=["distribution", "means"], name="cash_count_unique")]

    def __str__(self):
        return f"{self.distribution_id} {self.means}"

    @property
    def difference(self) -> Decimal:
        return self.counted - self.expected


class SupplierInvoice(models.Model):
    purchase_order = models.ForeignKey(PurchaseOrder, on_delete=models.PROTECT, related_name="invoices")
    number = models.CharField(_("invoice number"), max_length=60)
    date = models.DateField(_("invoice date"))
    amount = FiniteDecimalField(_("amount incl. VAT"), **MONEY)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    reason = models.CharField(_("reason for a difference"), max_length=200, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    reason_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", help_text="who gave the reason (by: who recorded the invoice)")
    reason_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("supplier invoice")
        constraints = [models.UniqueConstraint(fields=["purchase_order", "number"], name="invoice_unique")]

    def __str__(self):
        return self.number


class SupplierPayment(models.Model):
    invoice = models.ForeignKey(SupplierInvoice, on_delete=models.PROTECT, related_name="payments")
    amount = FiniteDecimalField(_("amount"), **MONEY)
    date = models.DateField(_("date"))
    means = models.CharField(_("means of payment"), max_length=10, choices=Means.choices, default=Means.TRANSFER)
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["date", "pk"]

    def __str__(self):
        return f"{self.invoice} {self.amount}"


class PassedOnCost(models.Model):
    """A cost of the cycle the prices pass on to members (transport, packaging...)."""

    cycle = models.ForeignKey(OrderCycle, on_delete=models.PROTECT, related_name="passed_on_costs")
    label = models.CharField(_("label"), max_length=200)
    amount = FiniteDecimalField(_("amount"), **MONEY)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.label


class SettlementDifference(models.Model):
    """A difference of a cycle's settlement explained by a coordinator (label, amount, reason).

    Kind "other": a difference of the margin that no recorded line accounts for (goods spilt...).
    Kind "ledger": the reason why members' accounts were charged another amount than the baskets
    served (a charge reversed...); `amount` is the part of that gap explained, as it stood then.
    """

    class Kind(models.TextChoices):
        OTHER = "other", _("other difference")
        LEDGER = "ledger", _("members' accounts and baskets")

    cycle = models.ForeignKey(OrderCycle, on_delete=models.PROTECT, related_name="settlement_differences")
    label = models.CharField(_("label"), max_length=200)
    amount = FiniteDecimalField(_("amount"), **MONEY)
    reason = models.CharField(_("reason"), max_length=300)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.OTHER)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.label


class VoucherIssuer(models.Model):
    """Who issued the food vouchers an association receives (a CCAS, the Département, a scheme's
    operator): one list per association, chosen at payment. `name_key` is the name folded
    (grappe.core.text.fold), unique per association, so "CCAS Romans" and "ccas  romans" are one."""

    class Kind(models.TextChoices):
        CCAS = "ccas", _("CCAS")
        DEPARTEMENT = "departement", _("Département")
        OPERATOR = "operator", _("scheme operator")
        OTHER = "other", _("other")

    association = models.ForeignKey(Association, on_delete=models.PROTECT, related_name="voucher_issuers")
    name = models.CharField(_("name"), max_length=100)
    name_key = models.CharField(max_length=100, editable=False)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.CCAS)
    address = models.TextField(_("address for the claims"), blank=True)
    contact = models.CharField(_("contact (person, phone)"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail for the claims"), blank=True)
    scheme_reference = models.CharField(_("reference of the scheme or agreement"), max_length=100, blank=True)
    active = models.BooleanField(_("active"), default=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("voucher issuer")
        constraints = [models.UniqueConstraint(fields=["association", "name_key"], name="voucher_issuer_unique")]

    def __str__(self):
        return self.name


class VoucherClaim(models.Model):
    """The vouchers of one issuer and period, sent to it to be paid back ("BR-2026-003": one
    sequence per association and year, `VoucherClaimCounter`). Claimed, then reimbursed; a
    cancelled claim keeps its number (its vouchers went back to "received")."""

    class Status(models.TextChoices):
        CLAIMED = "claimed", _("claimed")
        REIMBURSED = "reimbursed", _("reimbursed")
        CANCELLED = "cancelled", _("cancelled")

    association = models.ForeignKey(Association, on_delete=models.PROTECT, related_name="+")
    issuer = models.ForeignKey(VoucherIssuer, on_delete=models.PROTECT, related_name="claims")
    reference = models.CharField(_("reference"), max_length=20)
    year = models.PositiveIntegerField()
    sequence = models.PositiveIntegerField()
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    total = FiniteDecimalField(_("total"), **MONEY)
    count = models.PositiveIntegerField(_("number of vouchers"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.CLAIMED)
    issued_at = models.DateTimeField(_("claimed on"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    reimbursed_on = models.DateField(_("reimbursed on"), null=True, blank=True)
    reimbursed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")
    bank_reference = models.CharField(_("bank reference"), max_length=60, blank=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("voucher claim")
        constraints = [
            models.UniqueConstraint(fields=["association", "reference"], name="voucher_claim_reference_unique"),
            models.UniqueConstraint(fields=["association", "year", "sequence"], name="voucher_claim_sequence_unique"),
            models.CheckConstraint(condition=models.Q(period_start__lte=models.F("period_end")),
                                   name="voucher_claim_period"),
        ]

    def __str__(self):
        return self.reference


class VoucherClaimCounter(models.Model):
    """The last claim number given per association and year, locked while a claim is numbered."""

    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["association", "year"], name="voucher_claim_counter_unique")]

    def __str__(self):
        return f"{self.association_id} {self.year} {self.last}"


class VoucherClaimEvent(models.Model):
    """Each step of a claim, with who and when: claimed, reimbursed, reopened (back to claimed),
    cancelled (its vouchers back to received)."""

    class Kind(models.TextChoices):
        CLAIMED = "claimed", _("claimed")
        REIMBURSED = "reimbursed", _("marked reimbursed")
        REOPENED = "reopened", _("reimbursement undone")
        CANCELLED = "cancelled", _("cancelled")

    claim = models.ForeignKey(VoucherClaim, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.claim_id} {self.kind}"


class Voucher(models.Model):
    """One food voucher received in payment: the structured side of its ledger entry (which keeps the
    issuer's name, the number and the value as text for old entries and receipts). Created in the
    transaction of the payment (`accounts.services.record_payment`); its status moves, the entry never.

    `number_key`: the number folded without spaces, to flag a number seen twice for one issuer."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("received")
        CLAIMED = "claimed", _("claimed")
        REIMBURSED = "reimbursed", _("reimbursed")

    association = models.ForeignKey(Association, on_delete=models.PROTECT, related_name="+")
    entry = models.OneToOneField(Entry, on_delete=models.PROTECT, related_name="voucher")
    issuer = models.ForeignKey(VoucherIssuer, on_delete=models.PROTECT, related_name="vouchers")
    number = models.CharField(_("number"), max_length=60)
    number_key = models.CharField(max_length=60, editable=False)
    value = FiniteDecimalField(_("value"), **MONEY)
    received_on = models.DateField(_("received on"))
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    distribution = models.ForeignKey(Distribution, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED)
    claim = models.ForeignKey(VoucherClaim, null=True, blank=True, on_delete=models.PROTECT, related_name="vouchers")

    class Meta:
        ordering = ["received_on", "pk"]
        verbose_name = _("food voucher")
        indexes = [models.Index(fields=["issuer", "number_key"]), models.Index(fields=["issuer", "status",
                                                                                       "received_on"])]
        constraints = [models.CheckConstraint(
            condition=(models.Q(status="received", claim__isnull=True)
                       | (~models.Q(status="received") & models.Q(claim__isnull=False))),
            name="voucher_claimed_has_claim")]

    def __str__(self):
        return f"{self.issuer_id} {self.number}"


def new_key() -> uuid.UUID:
    return uuid.uuid4()
