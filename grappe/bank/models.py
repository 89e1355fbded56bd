"""The association's bank accounts and the lines of their statements, each imported once."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grappe.accounts.models import Entry, SupplierInvoice, SupplierPayment
from grappe.core.fields import FiniteDecimalField
from grappe.members.models import Member, Membership
from grappe.network.models import Association

MONEY = {"max_digits": 14, "decimal_places": 2}


class BankAccount(models.Model):
    association = models.ForeignKey(Association, on_delete=models.PROTECT, related_name="bank_accounts")
    name = models.CharField(_("name"), max_length=100)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    csv_mapping = models.JSONField(default=dict, blank=True,
                                   help_text="the CSV columns last used (statements.CsvMapping), remembered")

    class Meta:
        ordering = ["name"]
        verbose_name = _("bank account")
        constraints = [models.UniqueConstraint(fields=["association", "name"], name="bank_account_name_unique")]

    def __str__(self):
        return self.name


class StatementImport(models.Model):
    account = models.ForeignKey(BankAccount, on_delete=models.PROTECT, related_name="imports")
    file_name = models.CharField(_("file"), max_length=255)
    format = models.CharField(_("format"), max_length=8)
    transactions = models.PositiveIntegerField(default=0)
    new = models.PositiveIntegerField(default=0)
    already_imported = models.PositiveIntegerField(default=0)
    # the statement's own balances when it gives them (CAMT OPBD/CLBD, CFONB 01/07, OFX LEDGERBAL)
    opening_balance = FiniteDecimalField(null=True, blank=True, **MONEY)
    closing_balance = FiniteDecimalField(null=True, blank=True, **MONEY)
    first_day = models.DateField(null=True, blank=True, help_text="the first booking day of the statement's lines")
    last_day = models.DateField(null=True, blank=True, help_text="the last booking day of the statement's lines")
    proposed = models.PositiveIntegerField(default=0, help_text="the new lines given a proposal at the import")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("statement import")

    def __str__(self):
        return f"{self.file_name} ({self.format})"


class ImportJob(models.Model):
    """A large statement file imported by the job queue (jobs.import_statement): the uploaded bytes and
    the choices made on the import page, kept until the worker has read them; the import page shows its
    status, then its figures (`statement_import`) or its error in French."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting to be imported")
        RUNNING = "running", _("being imported")
        DONE = "done", _("imported")
        FAILED = "failed", _("import failed")

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    account = models.ForeignKey(BankAccount, on_delete=models.CASCADE, related_name="import_jobs")
    file_name = models.CharField(_("file"), max_length=255)
    content = models.BinaryField()
    format = models.CharField(_("format"), max_length=8)
    csv_mapping = models.JSONField(null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    error = models.CharField(_("error"), max_length=500, blank=True)
    statement_import = models.ForeignKey(StatementImport, null=True, blank=True, on_delete=models.SET_NULL,
                                         related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("statement import job")

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"


class BankTransaction(models.Model):
    class Status(models.TextChoices):
        UNMATCHED = "unmatched", _("to handle")
        PROPOSED = "proposed", _("match proposed")
        CONFIRMED = "confirmed", _("matched")
        IGNORED = "ignored", _("ignored")

    account = models.ForeignKey(BankAccount, on_delete=models.PROTECT, related_name="transactions")
    booked_on = models.DateField(_("date"))
    amount = FiniteDecimalField(_("amount"), **MONEY)
    label = models.CharField(_("label"), max_length=500, blank=True)
    counterparty = models.CharField(_("counterparty"), max_length=200, blank=True)
    reference = models.CharField(_("reference"), max_length=500, blank=True)
    bank_ref = models.CharField(max_length=120, blank=True)
    fingerprint = models.CharField(max_length=130, help_text="statements.fingerprints: the same line imported again")
    statement_import = models.ForeignKey(StatementImport, on_delete=models.PROTECT, related_name="lines")
    class Kind(models.TextChoices):  # matching.KINDS
        PAYMENT = "payment", _("member's payment")
        HAND = "hand", _("transfer recorded by hand")
        FEE = "fee", _("membership fee")
        SUPPLIER_PAYMENT = "supplier_payment", _("supplier payment recorded by hand")
        INVOICE = "invoice", _("supplier invoice")
        CLAIM = "claim", _("food-voucher claim")

    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.UNMATCHED)
    proposal_kind = models.CharField(max_length=16, choices=Kind.choices, blank=True)
    proposed_member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    proposed_entry = models.ForeignKey(Entry, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    proposed_supplier_payment = models.ForeignKey(SupplierPayment, null=True, blank=True, on_delete=models.PROTECT,
                                                  related_name="+")
    proposed_invoice = models.ForeignKey(SupplierInvoice, null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="+")
    # a food-voucher claim (grappe.accounts.VoucherClaim, once it exists): its pk, no foreign key yet
    proposed_claim_id = models.PositiveIntegerField(null=True, blank=True)
    proposal_sure = models.BooleanField(default=False)
    match_kind = models.CharField(max_length=16, choices=Kind.choices, blank=True)
    # one bank line per ledger entry: a transfer recorded by hand is matched once, never booked again
    matched_entry = models.OneToOneField(Entry, null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="bank_transaction")
    matched_supplier_payment = models.OneToOneField(SupplierPayment, null=True, blank=True, on_delete=models.PROTECT,
                                                    related_name="bank_transaction")
    matched_membership = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.PROTECT,
                                           related_name="+")
    matched_claim_id = models.PositiveIntegerField(null=True, blank=True)  # see proposed_claim_id
    ignore_reason = models.CharField(_("reason"), max_length=200, blank=True)
    reopened = models.PositiveIntegerField(default=0, help_text="how many times the line was reopened (each "
                                                                 "booking from it then has its own ledger key)")
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["booked_on", "pk"]
        verbose_name = _("bank line")
        constraints = [models.UniqueConstraint(fields=["account", "fingerprint"], name="bank_line_once")]
        indexes = [models.Index(fields=["account", "booked_on"]), models.Index(fields=["account", "status"])]

    def __str__(self):
        return f"{self.booked_on} {self.amount} {self.label}"


class BankLineEvent(models.Model):
    """What a person (or the command) did to a bank line: confirmed, ignored, reopened. Kept."""

    class Action(models.TextChoices):
        CONFIRMED = "confirmed", _("confirmed")
        IGNORED = "ignored", _("ignored")
        REOPENED = "reopened", _("reopened")

    line = models.ForeignKey(BankTransaction, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=10, choices=Action.choices)
    kind = models.CharField(max_length=16, blank=True, help_text="the match confirmed or undone (Kind)")
    note = models.CharField(max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.line_id} {self.action} {self.at:%Y-%m-%d %H:%M}"
