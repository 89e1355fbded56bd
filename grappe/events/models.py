"""Events of a buying group: a cooking workshop, coffee at a van stop, a tasting; with registration."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grappe.members.models import Member
from grappe.network.models import Association, BuyingGroup, Site


class EventQuerySet(models.QuerySet):
    def upcoming(self, now=None):
        now = now or timezone.now()
        return self.filter(starts_at__gte=now - timezone.timedelta(hours=3))

    def published(self):
        return self.filter(status=Event.Status.PUBLISHED)


class Event(models.Model):
    class Kind(models.TextChoices):
        WORKSHOP = "workshop", _("cooking workshop")
        COFFEE = "coffee", _("coffee at the stop")
        TASTING = "tasting", _("tasting")
        OTHER = "other", _("other get-together")

    class Status(models.TextChoices):
        PUBLISHED = "published", _("published")
        CANCELLED = "cancelled", _("cancelled")

    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="events")
    # The organising ("host") group; `groups` holds every group the event is for, the host included
    # (save() keeps it there). Access and audiences go through `groups`.
    group = models.ForeignKey(BuyingGroup, verbose_name=_("buying group"), on_delete=models.CASCADE,
                              related_name="events")
    groups = models.ManyToManyField(BuyingGroup, verbose_name=_("for the groups"), related_name="shared_events",
                                    blank=True)
    site = models.ForeignKey(Site, verbose_name=_("place"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="events")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.WORKSHOP)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    place = models.CharField(_("other place"), max_length=200, blank=True,
                             help_text=_("Only if the event is not at one of the group's sites or stops."))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("places"), null=True, blank=True, validators=[MinValueValidator(1)],
        help_text=_("Leave empty if there is no limit. When it is full, households go on a waiting list."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("event")
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__isnull=True) | models.Q(ends_at__gt=models.F("starts_at")),
                                   name="event_ends_after_start"),
        ]
        indexes = [models.Index(fields=["group", "starts_at"])]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.groups.add(self.group_id)
        self.__dict__.pop("_group_ids", None)

    @property
    def group_ids(self) -> list[int]:
        """Every group the event is for (the host first), read once per instance."""
        if not hasattr(self, "_group_ids"):
            others = sorted(group.pk for group in self.groups.all() if group.pk != self.group_id)
            self._group_ids = [self.group_id, *others]
        return self._group_ids

    @property
    def where(self) -> str:
        if self.site_id:
            return self.site.name
        return self.place

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("registered")
        WAITING = "waiting", _("on the waiting list")
        CANCELLED = "cancelled", _("cancelled")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="event_registrations")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    created_at = models.DateTimeField(default=timezone.now)
    # When the registration last moved: used to order the waiting list (first come, first served) and
    # as the key of the "a place is free for you" notice.
    changed_at = models.DateTimeField(default=timezone.now)
    promoted_at = models.DateTimeField(null=True, blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                      related_name="+")

    class Meta:
        ordering = ["changed_at", "pk"]
        verbose_name = _("registration")
        constraints = [models.UniqueConstraint(fields=["event", "member"], name="registration_one_per_member")]

    def __str__(self):
        return f"{self.event} · {self.member}"
