"""The van's offline tour day: a device prepared for one group's day, and what it sends back.

A `FieldDevice` holds a per-device token (only its sha256 is stored, as core.ApiToken) for one tour
day (a mobile group's distributions on one date). Each `FieldEntry` is one thing a volunteer entered
on the device (a weight, a payment...), kept with the device's own UUID as primary key, so that a
second copy is recognised, and with its outcome: applied, or refused with a reason in French that
waits on the coordinators' list until one of them marks it handled. `FieldBasketStamp` is what the
server last told a device about a basket (docs/field-protocol.md, "Refusals").
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grappe.distribution.models import Basket
from grappe.network.models import Association, BuyingGroup

SEND_ONLY_AFTER = timedelta(hours=36)  # after this, a device gets no new bundle; it may still send


class FieldDevice(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        FINISHED = "finished", _("finished")
        REVOKED = "revoked", _("revoked")

    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(BuyingGroup, verbose_name=_("buying group"), on_delete=models.CASCADE,
                              related_name="field_devices")
    day = models.DateField(_("tour day"))
    label = models.CharField(_("device"), max_length=100)
    prefix = models.CharField(max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    prepared_at = models.DateTimeField(default=timezone.now)
    last_contact_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    finished_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-prepared_at", "-pk"]
        verbose_name = _("field device")
        indexes = [models.Index(fields=["group", "day"])]

    def __str__(self):
        return f"{self.label} · {self.day}"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def new_key() -> str:
        return "fld_" + secrets.token_urlsafe(32)

    @property
    def send_only_after(self):
        return self.prepared_at + SEND_ONLY_AFTER

    def expired(self, now) -> bool:
        """Past its 36 hours: the device may only send what it holds."""
        return now >= self.send_only_after

    def shown_status(self, now) -> str:
        """The status as the coordinators' list says it: an active device past its hours is "expired"."""
        if self.status == self.Status.ACTIVE and self.expired(now):
            return str(_("expired"))
        return str(self.get_status_display())


class FieldEntry(models.Model):
    class Kind(models.TextChoices):
        SERVED = "served", _("weights")
        COLLECTED = "collected", _("collected")
        NOT_COLLECTED = "not_collected", _("not collected")
        STOCK_SALE = "stock_sale", _("sale from the van's stock")
        PAYMENT = "payment", _("payment")
        FEE = "fee", _("membership fee")
        ON_ACCOUNT = "on_account", _("left on account")

    class Status(models.TextChoices):
        APPLIED = "applied", _("applied")
        REFUSED = "refused", _("refused")

    id = models.UUIDField(primary_key=True)  # made on the device: a second copy is the same row
    device = models.ForeignKey(FieldDevice, on_delete=models.CASCADE, related_name="entries")
    basket = models.ForeignKey(Basket, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    payload = models.JSONField(default=dict)
    stamp = models.CharField(max_length=64, blank=True)
    device_at = models.DateTimeField(_("entered at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    result = models.JSONField(default=dict)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["received_at", "device_at"]
        verbose_name = _("entry from the field")
        verbose_name_plural = _("entries from the field")
        indexes = [models.Index(fields=["status", "handled_at"])]
        constraints = [models.CheckConstraint(condition=models.Q(status="refused") | models.Q(reason=""),
                                              name="field_entry_reason_only_when_refused")]

    def __str__(self):
        return f"{self.kind} {self.status} ({self.id})"


class FieldBasketStamp(models.Model):
    """What a device may know of a basket. `known`: the stamps it was given (bundle, results) or that
    its own entries produced, since anyone else last changed the basket; `own`: the basket's stamp
    after this device last saw or changed it. An entry is applied only if the basket is still at
    `own` (nobody else changed it) and the entry's stamp is one of `known`."""

    device = models.ForeignKey(FieldDevice, on_delete=models.CASCADE, related_name="stamps")
    basket = models.ForeignKey(Basket, on_delete=models.CASCADE, related_name="+")
    own = models.CharField(max_length=64)
    known = models.JSONField(default=list)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["device", "basket"], name="field_stamp_unique")]

    def __str__(self):
        return f"{self.device_id} · {self.basket_id} · {self.own[:8]}"
