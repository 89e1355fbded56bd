"""Numbered invoices and credit notes. An issued invoice is a legal record: never edited, never deleted,
kept whatever happens to the member (the buyer and the lines are copied onto it when it is issued)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grappe.core.errors import DomainError
from grappe.core.fields import FiniteDecimalField
from grappe.members.models import Member
from grappe.network.models import Association


class InvoiceCounter(models.Model):
    """The last number given per association and year; its row is locked while an invoice is issued, so
    two invoices issued at once get consecutive numbers."""

    association = models.ForeignKey(Association, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["association", "year"], name="invoice_counter_unique")]

    def __str__(self):
        return f"{self.year}: {self.last_number}"


class Invoice(models.Model):
    class Kind(models.TextChoices):
        INVOICE = "invoice", _("invoice")
        CREDIT_NOTE = "credit_note", _("credit note")

    association = models.ForeignKey(Association, on_delete=models.PROTECT, related_name="invoices")
    year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.INVOICE)
    corrects = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="credit_notes")
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.PROTECT, related_name="invoices")
    # The seller and the buyer as they were on the day (legal mentions must not change afterwards).
    seller_name = models.CharField(max_length=200)
    seller_address = models.TextField(blank=True)
    seller_siret = models.CharField(max_length=14, blank=True)
    seller_vat_number = models.CharField(max_length=20, blank=True)
    vat_subject = models.BooleanField(default=False)
    buyer_name = models.CharField(max_length=200)
    buyer_address = models.TextField(blank=True)
    buyer_siret = models.CharField(max_length=14, blank=True)
    buyer_service_code = models.CharField(max_length=100, blank=True)
    buyer_is_professional = models.BooleanField(default=True)
    lines = models.JSONField(default=list)  # [{"description", "quantity", "unit_price", "vat_rate"}] as strings
    total_net = FiniteDecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    total_vat = FiniteDecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    total_gross = FiniteDecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    payment_terms = models.CharField(max_length=300, blank=True)
    due_on = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["association", "year", "number"]
        verbose_name = _("invoice")
        constraints = [models.UniqueConstraint(fields=["association", "year", "number"],
                                               name="invoice_number_unique")]

    def __str__(self):
        return self.reference

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise DomainError(_("An issued invoice cannot be changed: issue a credit note."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise DomainError(_("An issued invoice cannot be deleted: issue a credit note."))

    @property
    def reference(self) -> str:
        """The number printed: year and a zero-padded sequence (F-2026-0007; credit notes share it)."""
        return f"F-{self.year}-{self.number:04d}"
