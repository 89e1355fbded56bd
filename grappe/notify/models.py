"""The log of reminders: one row per (kind, key, recipient), written BEFORE sending.

The unique constraint is the idempotence: a second cron run, or two runs at once, cannot insert the
same reminder again, so it is never sent twice. A row that stays "pending" means the process died
between claiming it and sending: once its claim (`claimed_at`) is older than the engine's
CLAIM_TIMEOUT, a later run may claim it again (a conditional update only one run wins, counted in
`attempts`, at most MAX_ATTEMPTS); a row sent (or handed to the call list) is never claimed again.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grappe.members.models import Member
from grappe.network.models import Association, BuyingGroup


class SentNotification(models.Model):
    Channel = Member.Channel  # the channels a member can prefer are the channels we send by

    class Status(models.TextChoices):
        PENDING = "pending", _("being sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        TO_CALL = "to_call", _("to tell by phone or at the group")
        CALLED = "called", _("told by a volunteer")

    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(BuyingGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(_("reminder"), max_length=40)
    key = models.CharField(max_length=120)
    recipient = models.CharField(max_length=40, help_text="member:<pk> or user:<pk>")
    member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    address = models.CharField(_("sent to"), max_length=254, blank=True)
    subject = models.CharField(max_length=200, blank=True)
    text = models.TextField(_("message"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=1)
    claimed_at = models.DateTimeField(default=timezone.now)  # when a run last took it to send
    provider_id = models.CharField(_("provider reference"), max_length=200, blank=True)
    error = models.CharField(_("error"), max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        constraints = [
            models.UniqueConstraint(fields=["kind", "key", "recipient"], name="notification_once"),
        ]
        indexes = [models.Index(fields=["association", "status", "created_at"])]

    def __str__(self):
        return f"{self.kind} {self.key} → {self.recipient}"


class OneOffMessage(models.Model):
    """A coordinator's message to an audience when plans change ("the van is 40 minutes late").

    Each person of the audience gets it once through the notify engine: a SentNotification row of kind
    "message", key "message:<pk>". The counts are filled in once it has been sent (the log rows are the
    truth: who got it by which channel, who is on the call list). `token` comes from the preview page, so
    that a second press of "Envoyer" finds the message already made instead of making another."""

    class Audience(models.TextChoices):
        GROUP = "group_members", _("the members of a group")
        STOP = "stop_members", _("the members of a stop")
        CYCLE = "cycle_members", _("the members who ordered in a cycle")
        DISTRIBUTION = "distribution_members", _("the members of a distribution")
        VOLUNTEERS = "rota_volunteers", _("the volunteers of a distribution")

    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="+")
    audience = models.CharField(_("audience"), max_length=24, choices=Audience.choices)
    group = models.ForeignKey(BuyingGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    site = models.ForeignKey("network.Site", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    cycle = models.ForeignKey("orders.OrderCycle", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    distribution = models.ForeignKey("distribution.Distribution", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    # the groups a cycle's message was limited to: the coordinator's among the cycle's
    group_ids = models.JSONField(default=list, blank=True)
    about_date = models.DateField(_("about the distribution of"), null=True, blank=True)
    subject = models.CharField(_("subject"), max_length=150, blank=True)
    text = models.TextField(_("message"))
    token = models.UUIDField(unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    send_at = models.DateTimeField(_("to send at"))  # now, or the end of the quiet hours
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    sms = models.PositiveIntegerField(default=0)
    sms_parts = models.PositiveIntegerField(default=0)
    email = models.PositiveIntegerField(default=0)
    to_call = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    skipped_opt_out = models.PositiveIntegerField(default=0)
    skipped_gone = models.PositiveIntegerField(default=0)  # left or erased

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("message")
        indexes = [models.Index(fields=["sent_at", "send_at"])]

    def __str__(self):
        return f"{self.get_audience_display()} · {self.text[:40]}"

    @property
    def key(self) -> str:
        return f"message:{self.pk}"


class ReminderSetting(models.Model):
    """An association's choice for one kind of reminder (grappe.notify.reminders.REGISTRY): whether it
    goes at all, and by which channels. No row: on, every channel (grappe.notify.channels)."""

    association = models.ForeignKey("network.Association", on_delete=models.CASCADE,
                                    related_name="reminder_settings")
    kind = models.CharField(_("kind"), max_length=40)
    enabled = models.BooleanField(_("sent"), default=True)
    by_sms = models.BooleanField(_("by SMS"), default=True)
    by_email = models.BooleanField(_("by e-mail"), default=True)
    by_call = models.BooleanField(_("on the call list"), default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["association", "kind"], name="reminder_setting_unique_kind")]

    def __str__(self):
        return f"{self.association} · {self.kind}"

    @property
    def channels(self) -> frozenset[str]:
        return frozenset(name for name, on in (("sms", self.by_sms), ("email", self.by_email),
                                               ("call", self.by_call)) if on)
