from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grappe.core.fields import FiniteDecimalField


class Commune(models.Model):
    """A French commune (INSEE code), with its centroid and population (shared/data)."""

    insee = models.CharField(_("INSEE code"), max_length=5, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    latitude = FiniteDecimalField(max_digits=9, decimal_places=6)
    longitude = FiniteDecimalField(max_digits=9, decimal_places=6)
    population = models.PositiveIntegerField(default=0)
    epci = models.CharField(_("intercommunality"), max_length=150, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("commune")

    def __str__(self):
        return self.name


class Association(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(unique=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    address = models.TextField(_("address"), blank=True)
    commune = models.ForeignKey(Commune, verbose_name=_("commune"), null=True, blank=True, on_delete=models.PROTECT)
    priority_threshold = FiniteDecimalField(
        _("minimum share of priority members (%)"), max_digits=5, decimal_places=2, default=Decimal("70.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    minimum_fee = FiniteDecimalField(_("minimum yearly fee (EUR)"), max_digits=12, decimal_places=2,
                                      default=Decimal("1.00"), validators=[MinValueValidator(Decimal("0"))])
    fee_scale = models.CharField(
        _("suggested fee scale (EUR, comma separated)"), max_length=200, default="1, 5, 10, 20",
        help_text=_("Shown to households as suggestions; any amount from the minimum is accepted."),
    )
    first_fee_at_first_distribution = models.BooleanField(
        _("a new member may pay the first fee at the first distribution"), default=True,
        help_text=_("A household that has just joined can order at once; the fee is taken at its first checkout."))
    priority_first_in_shortage = models.BooleanField(_("priority households first in a shortage"), default=True)
    # What an invoice must show (French law): the seller's SIRET, and whether VAT applies.
    siret = models.CharField(_("SIRET"), max_length=14, blank=True,
                             validators=[RegexValidator(r"^\d{14}$", _("A SIRET is 14 digits."))])
    vat_subject = models.BooleanField(
        _("subject to VAT"), default=False,
        help_text=_("Most associations are not: their invoices then say "
                    "\u201cTVA non applicable, art. 293 B du CGI\u201d."))
    vat_number = models.CharField(_("VAT number"), max_length=20, blank=True)
    price_change_alert_percent = models.PositiveSmallIntegerField(
        _("price change flagged in an imported price list (%)"), default=30,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
        help_text=_("A new price that differs from the current one by more than this share is flagged in the "
                    "preview and must be confirmed with a tick."))

    class Meta:
        ordering = ["name"]
        verbose_name = _("association")

    def __str__(self):
        return self.name

    @property
    def fee_suggestions(self) -> list[Decimal]:
        out = []
        for part in self.fee_scale.split(","):
            try:
                out.append(Decimal(part.strip()))
            except ArithmeticError:
                continue
        return [fee for fee in out if fee >= self.minimum_fee]


class Territory(models.Model):
    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="territories")
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("territory")
        verbose_name_plural = _("territories")
        constraints = [models.UniqueConstraint(fields=["association", "name"], name="territory_unique_name")]

    def __str__(self):
        return self.name


class Partner(models.Model):
    class Kind(models.TextChoices):
        SOCIAL_CENTRE = "social_centre", _("social centre")
        CCAS = "ccas", _("CCAS")
        NEIGHBOURHOOD_HOUSE = "neighbourhood_house", _("maison de quartier")
        HEALTH_SOCIAL_SERVICE = "health_social", _("health or social service")
        OTHER = "other", _("other")

    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="partners")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    commune = models.ForeignKey(Commune, verbose_name=_("commune"), null=True, blank=True, on_delete=models.PROTECT)
    address = models.TextField(_("address"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner")

    def __str__(self):
        return self.name


class BuyingGroupQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=BuyingGroup.Status.ACTIVE)


class BuyingGroup(models.Model):
    class Kind(models.TextChoices):
        FIXED = "fixed", _("fixed site")
        MOBILE = "mobile", _("mobile (van)")

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        ACTIVE = "active", _("active")
        CLOSED = "closed", _("closed")

    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="groups")
    territory = models.ForeignKey(Territory, verbose_name=_("territory"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="groups")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.FIXED)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    host = models.ForeignKey(Partner, verbose_name=_("host partner"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="hosted_groups")
    rhythm = models.CharField(_("usual rhythm of distributions"), max_length=200, blank=True,
                              help_text=_("For example: every other Tuesday, 17:00 to 19:00"))
    pause_start = models.DateField(_("seasonal pause from"), null=True, blank=True)
    pause_end = models.DateField(_("seasonal pause until"), null=True, blank=True)

    objects = BuyingGroupQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("buying group")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pause_start__isnull=True) | models.Q(pause_end__isnull=True)
                | models.Q(pause_end__gte=models.F("pause_start")),
                name="group_pause_ordered",
            )
        ]

    def __str__(self):
        return self.name

    def is_paused_on(self, day) -> bool:
        """The pause repeats every year: compare month and day only."""
        if not (self.pause_start and self.pause_end):
            return False
        start = (self.pause_start.month, self.pause_start.day)
        end = (self.pause_end.month, self.pause_end.day)
        current = (day.month, day.day)
        return start <= current <= end if start <= end else current >= start or current <= end


class Site(models.Model):
    """Where baskets are handed out: a room in a social centre, or a van stop."""

    group = models.ForeignKey(BuyingGroup, on_delete=models.CASCADE, related_name="sites")
    name = models.CharField(_("name"), max_length=200)
    address = models.TextField(_("address"), blank=True)
    commune = models.ForeignKey(Commune, verbose_name=_("commune"), null=True, blank=True, on_delete=models.PROTECT)
    latitude = FiniteDecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = FiniteDecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    contact = models.CharField(_("local contact"), max_length=200, blank=True)
    is_stop = models.BooleanField(_("van stop"), default=False)
    position = models.PositiveIntegerField(_("order on the tour"), default=0)
    # A van stop the adopted tour no longer serves: kept for the history (orders, members, events).
    retired_at = models.DateTimeField(_("retired on"), null=True, blank=True)

    class Meta:
        ordering = ["group", "position", "name"]
        verbose_name = _("site")

    def __str__(self):
        return self.name


class Role(models.Model):
    """What a staff user, volunteer or referrer may do, and where."""

    class Kind(models.TextChoices):
        ADMIN = "admin", _("association admin")
        COORDINATOR = "coordinator", _("group coordinator")
        VOLUNTEER = "volunteer", _("volunteer")
        REFERRER = "referrer", _("partner referrer")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles")
    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField(_("role"), max_length=20, choices=Kind.choices)
    groups = models.ManyToManyField(BuyingGroup, verbose_name=_("groups"), blank=True, related_name="roles")
    partner = models.ForeignKey(Partner, verbose_name=_("partner"), null=True, blank=True,
                                on_delete=models.CASCADE, related_name="referrers")

    class Meta:
        verbose_name = _("role")
        constraints = [
            models.UniqueConstraint(fields=["user", "association", "kind"], name="role_unique_kind"),
            models.CheckConstraint(
                condition=~models.Q(kind="referrer") | models.Q(partner__isnull=False), name="referrer_has_partner"
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_kind_display()}"


class PersonContact(models.Model):
    """A team member's phone (the login holds the name and the e-mail): a volunteer without e-mail
    gets reminders by SMS, and a line of the call list with a number to call."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contact")
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    def __str__(self):
        return f"{self.user} · {self.phone}"


class StaffAuditEntry(models.Model):
    """Who added, changed, deactivated or reactivated whom in an association's team. Append-only.

    The detail names the role and its groups or partner; never a password."""

    class Action(models.TextChoices):
        ADDED = "added", _("person added")
        ROLE_ADDED = "role_added", _("role added")
        ROLE_CHANGED = "role_changed", _("role changed")
        ROLE_REMOVED = "role_removed", _("role removed")
        DEACTIVATED = "deactivated", _("deactivated")
        REACTIVATED = "reactivated", _("reactivated")
        PASSWORD_ISSUED = "password_issued", _("temporary password issued")
        CORRECTED = "corrected", _("name, e-mail or phone corrected")

    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    subject = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                related_name="staff_audit_entries")
    action = models.CharField(max_length=20, choices=Action.choices)
    kind = models.CharField(_("role"), max_length=20, choices=Role.Kind.choices, blank=True)
    detail = models.CharField(max_length=300, blank=True, help_text="the role's groups or partner, by name")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("team audit entry")
        verbose_name_plural = _("team audit log")

    def __str__(self):
        return f"{self.get_action_display()} · {self.subject_id} · {self.at:%Y-%m-%d %H:%M}"
