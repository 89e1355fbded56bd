"""Distribution sessions, volunteer rota, baskets and what was actually served.

A distribution is one group (or one van stop) on one date, tied to a cycle's CycleGroup (and
CycleStop). Its baskets are built from the allotted order lines; a volunteer records the quantity
actually served per line (weighed bulk may differ within the association's tolerance). The member
pays what was served: the accounts app charges a basket once it is collected.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext_lazy as _

from grappe.catalogue.models import Product, Unit
from grappe.core.fields import FiniteDecimalField
from grappe.core.money import line_total
from grappe.members.models import Member
from grappe.network.models import Association, BuyingGroup, Site
from grappe.orders.models import CycleGroup, CycleStop, MemberOrder, OrderCycle, OrderLine

ZERO = Decimal("0")
QUANTITY = {"max_digits": 12, "decimal_places": 3}
UNIT_PRICE = {"max_digits": 14, "decimal_places": 6}


class DistributionSettings(models.Model):
    """What each association sets for its distributions."""

    association = models.OneToOneField(Association, on_delete=models.CASCADE, related_name="distribution_settings")
    weighing_tolerance_percent = FiniteDecimalField(
        _("weighing tolerance (%)"), max_digits=5, decimal_places=2, default=Decimal("10"),
        help_text=_("How far a weighed bulk quantity may differ from the quantity allotted."))

    class Meta:
        verbose_name = _("distribution settings")

    def __str__(self):
        return f"{self.association} · {self.weighing_tolerance_percent} %"

    @classmethod
    def for_association(cls, association_id) -> "DistributionSettings":
        found = cls.objects.filter(association_id=association_id).first()
        return found or cls(association_id=association_id)


class Distribution(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("upcoming")
        CLOSED = "closed", _("closed")

    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="+")
    cycle = models.ForeignKey(OrderCycle, on_delete=models.CASCADE, related_name="distributions")
    cycle_group = models.ForeignKey(CycleGroup, on_delete=models.CASCADE, related_name="distributions")
    cycle_stop = models.ForeignKey(CycleStop, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(BuyingGroup, verbose_name=_("buying group"), on_delete=models.PROTECT, related_name="+")
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "group__name", "pk"]
        verbose_name = _("distribution")
        constraints = [
            models.UniqueConstraint(fields=["cycle_group"], condition=models.Q(cycle_stop__isnull=True),
                                    name="distribution_per_group"),
            models.UniqueConstraint(fields=["cycle_stop"], condition=models.Q(cycle_stop__isnull=False),
                                    name="distribution_per_stop"),
        ]
        indexes = [models.Index(fields=["association", "date"])]

    def __str__(self):
        return f"{self.group} · {self.date:%d/%m/%Y}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.PLANNED


class RotaSlot(models.Model):
    """One volunteer's place at a distribution (set-up, weighing, till, tidying...), from a start to an
    end time on the distribution's date. Times are optional only for slots carried over from the old
    free-text field that could not be read; the form asks for both."""

    distribution = models.ForeignKey(Distribution, on_delete=models.CASCADE, related_name="slots")
    task = models.CharField(_("task"), max_length=100)
    starts_at = models.TimeField(_("starts at"), null=True, blank=True)
    ends_at = models.TimeField(_("ends at"), null=True, blank=True)
    volunteer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")

    class Meta:
        ordering = ["distribution", "starts_at", "task", "pk"]
        verbose_name = _("rota slot")
        constraints = [models.CheckConstraint(
            condition=models.Q(ends_at__isnull=True) | (models.Q(starts_at__isnull=False)
                                                        & models.Q(ends_at__gt=models.F("starts_at"))),
            name="rota_slot_ends_after_start")]

    def __str__(self):
        return f"{self.task} {self.time_label}".strip()

    @property
    def minutes(self) -> int | None:
        """Length of the slot in minutes, None when a time is missing."""
        if self.starts_at is None or self.ends_at is None:
            return None
        return slot_minutes(self.starts_at, self.ends_at)

    @property
    def time_label(self) -> str:
        """'17:00 – 19:00', '17:00', or '' (the local time format)."""
        if self.starts_at is None:
            return ""
        start = time_format(self.starts_at)
        return f"{start} – {time_format(self.ends_at)}" if self.ends_at else start


def slot_minutes(starts_at, ends_at) -> int:
    return (ends_at.hour * 60 + ends_at.minute) - (starts_at.hour * 60 + starts_at.minute)


class Basket(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", _("to collect")
        COLLECTED = "collected", _("collected")
        NOT_COLLECTED = "not_collected", _("not collected")

    distribution = models.ForeignKey(Distribution, on_delete=models.CASCADE, related_name="baskets")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="baskets")
    order = models.ForeignKey(MemberOrder, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("status"), max_length=14, choices=Status.choices, default=Status.WAITING)
    changed_at = models.DateTimeField(null=True, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        ordering = ["distribution", "member__number"]
        verbose_name = _("basket")
        constraints = [models.UniqueConstraint(fields=["distribution", "member"], name="basket_unique")]

    def __str__(self):
        return f"{self.distribution} · {self.member}"


class BasketLine(models.Model):
    """A line of a basket: from the member's order (allotted) or an instant sale from stock."""

    basket = models.ForeignKey(Basket, on_delete=models.CASCADE, related_name="lines")
    order_line = models.OneToOneField(OrderLine, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=10)
    is_bulk = models.BooleanField(default=False)
    unit_price = FiniteDecimalField(**UNIT_PRICE)
    unit_cost = FiniteDecimalField(**UNIT_PRICE)
    allotted = FiniteDecimalField(default=ZERO, **QUANTITY)
    served = FiniteDecimalField(null=True, blank=True, **QUANTITY)
    from_stock = models.BooleanField(default=False)
    served_at = models.DateTimeField(null=True, blank=True)
    served_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")

    class Meta:
        ordering = ["basket", "from_stock", "name", "pk"]
        verbose_name = _("basket line")
        constraints = [models.CheckConstraint(condition=models.Q(allotted__gte=0) & (
            models.Q(served__isnull=True) | models.Q(served__gte=0)), name="basket_line_positive")]

    def __str__(self):
        return f"{self.basket_id} · {self.name}"

    @property
    def quantity(self) -> Decimal:
        """What the member takes home: the served quantity once entered, the allotted one until then."""
        return self.allotted if self.served is None else self.served

    @property
    def unit_label(self) -> str:
        return str(Unit(self.unit).label) if self.unit in Unit.values else self.unit

    @property
    def amount(self) -> Decimal:
        return line_total(self.unit_price, self.quantity)


class DocumentJob(models.Model):
    """A distribution's documents prepared by the job queue (jobs.prepare_documents): each is rendered
    into the shared PDF cache, so that the download links then answer at once. The day screen shows
    its progress (`done` of `total`), then the links, or its error in French."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting to be prepared")
        RUNNING = "running", _("being prepared")
        DONE = "done", _("ready")
        FAILED = "failed", _("preparation failed")

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    distribution = models.ForeignKey(Distribution, on_delete=models.CASCADE, related_name="document_jobs")
    kinds = models.JSONField(default=list)  # keys of documents.DOCUMENTS, in order
    language = models.CharField(max_length=10, blank=True)  # the documents' language: that of whoever asked
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveSmallIntegerField(default=0)
    total = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(_("error"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["distribution"], condition=models.Q(status__in=("queued", "running")),
                                    name="one_active_document_job"),
        ]

    def __str__(self):
        return f"{self.distribution} · {self.get_status_display()} ({self.done}/{self.total})"
