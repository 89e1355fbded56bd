from decimal import Decimal

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grappe.core.fields import FiniteDecimalField
from grappe.core.text import fold, words
from grappe.network.models import Association, BuyingGroup, Commune, Partner, Site

from .siret import is_valid_siret


def search(text: str, prefix: str = "") -> models.Q:
    """Members (reached through `prefix`, e.g. "member__") whose number is `text`, or whose name
    holds every word of it whatever the accents and case: "helene" finds "Hélène"."""
    text = " ".join(text.split())
    query = models.Q()
    for word in words(text):
        query &= models.Q(**{f"{prefix}search_name__contains": word})
    if text.isdigit() and len(text) < 10:
        query |= models.Q(**{f"{prefix}number": int(text)})
    return query


def validate_siret(value: str) -> None:
    if value and not is_valid_siret(value):
        raise ValidationError(_("This SIRET is not valid: 14 digits, as on the structure's papers "
                                "(check for a typing error)."), code="siret")


class MemberQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Member.Status.ACTIVE)

    def waiting(self):
        return self.filter(status=Member.Status.WAITING).order_by("waiting_since", "pk")

    def not_erased(self):
        return self.filter(erased_at__isnull=True)

    def matching(self, text: str):
        """Members whose number is `text` or whose name holds every word of it (see `search`)."""
        return self.filter(search(text))

    def bulk_create(self, objs, *args, **kwargs):
        for member in objs:
            member.search_name = fold(member.name)
        return super().bulk_create(objs, *args, **kwargs)


class Member(models.Model):
    """A household or a structure (a partner ordering for its own public)."""

    class Kind(models.TextChoices):
        HOUSEHOLD = "household", _("household")
        STRUCTURE = "structure", _("structure")

    class Category(models.TextChoices):
        PRIORITY = "priority", _("priority (in precarity)")
        SOLIDARITY = "solidarity", _("solidarity (social mix)")

    class PriorityBasis(models.TextChoices):
        REFERRAL = "referral", _("referred by a partner")
        QPV = "qpv", _("lives in a QPV")
        ASSESSMENT = "assessment", _("assessed at admission by a coordinator")

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("e-mail")
        CALL = "call", _("phone call")
        PAPER = "paper", _("paper, through the group")

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        WAITING = "waiting", _("on the waiting list")
        LEFT = "left", _("left")

    association = models.ForeignKey(Association, on_delete=models.PROTECT, related_name="members")
    group = models.ForeignKey(BuyingGroup, verbose_name=_("buying group"), on_delete=models.PROTECT,
                              related_name="members")
    stop = models.ForeignKey(Site, verbose_name=_("distribution point"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="members")
    number = models.PositiveIntegerField(_("member number"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.HOUSEHOLD)
    name = models.CharField(_("name"), max_length=200, help_text=_("Household: family name and first name. "
                                                                   "Structure: its name."))
    first_name = models.CharField(_("first name"), max_length=100, blank=True,
                                  help_text=_("Optional: used to greet the household. The name above keeps "
                                              "family name and first name together."))
    language = models.CharField(_("language"), max_length=10, blank=True,
                                help_text=_("The language of the member's pages, order form, receipt and reminders "
                                            "(one of settings.LANGUAGES); empty: the association's."))
    search_name = models.CharField(max_length=200, blank=True, editable=False,
                                   help_text="the name folded for searching (grappe.core.text.fold), set on save")
    adults = models.PositiveSmallIntegerField(_("adults"), default=1)
    children = models.PositiveSmallIntegerField(_("children"), default=0)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    preferred_channel = models.CharField(_("preferred channel"), max_length=10, choices=Channel.choices,
                                         default=Channel.SMS)
    commune = models.ForeignKey(Commune, verbose_name=_("commune"), null=True, blank=True, on_delete=models.PROTECT)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    priority_basis = models.CharField(_("basis of priority"), max_length=12, choices=PriorityBasis.choices,
                                      blank=True)
    basis_partner = models.ForeignKey(Partner, verbose_name=_("referring partner"), null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")
    basis_date = models.DateField(_("basis date"), null=True, blank=True)
    review_date = models.DateField(_("review date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    waiting_since = models.DateTimeField(_("waiting since"), null=True, blank=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="member")
    reminders_opt_out = models.BooleanField(_("no reminders"), default=False)
    # Invoicing (grappe.invoicing): what an invoice to this member names as its buyer. A structure may be a
    # public body (a CCAS): its invoices then go through Chorus Pro, which reads the SIRET and the service
    # code. A household is invoiced only on request, with its name and billing address, never a SIRET.
    billing_address = models.TextField(_("billing address"), max_length=500, blank=True,
                                       help_text=_("As it must appear on invoices: street, postcode and town."))
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[validate_siret],
                             help_text=_("Structures only: 14 digits."))
    public_body = models.BooleanField(_("public body (Chorus Pro)"), default=False,
                                      help_text=_("A CCAS, a town, a public establishment: its invoices are sent "
                                                  "through Chorus Pro and paid within 30 days."))
    chorus_service_code = models.CharField(_("service code (Chorus Pro)"), max_length=100, blank=True,
                                           help_text=_("If the public body gave one (e.g. its youth service)."))
    erased_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = MemberQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        verbose_name = _("member")
        constraints = [
            models.UniqueConstraint(fields=["association", "number"], name="member_number_unique"),
            models.CheckConstraint(
                condition=~models.Q(category="priority") | ~models.Q(priority_basis=""),
                name="priority_has_basis",
            ),
            models.CheckConstraint(  # a household is invoiced (on request) by name and address only
                condition=models.Q(kind="structure") | models.Q(siret="", public_body=False, chorus_service_code=""),
                name="member_billing_ids_structure_only",
            ),
        ]
        indexes = [models.Index(fields=["group", "status", "category"])]

    def __str__(self):
        return f"{self.number} · {self.name}"

    def save(self, *args, **kwargs):
        self.search_name = fold(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "search_name"}
        super().save(*args, **kwargs)

    @property
    def greeting_name(self) -> str:
        """How pages greet the member: the first name when given, else the whole name."""
        return self.first_name or self.name

    @property
    def persons(self) -> int:
        return self.adults + self.children

    @property
    def is_priority(self) -> bool:
        return self.category == self.Category.PRIORITY


class Membership(models.Model):
    class Means(models.TextChoices):
        CASH = "cash", _("cash")
        CHEQUE = "cheque", _("cheque")
        CARD = "card", _("card")
        TRANSFER = "transfer", _("transfer")
        VOUCHER = "voucher", _("food voucher")

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="memberships")
    year = models.PositiveIntegerField(_("year"))
    fee = FiniteDecimalField(_("fee (EUR)"), max_digits=12, decimal_places=2,
                              validators=[MinValueValidator(Decimal("0"))])
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    means = models.CharField(_("means of payment"), max_length=10, choices=Means.choices, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        ordering = ["-year"]
        verbose_name = _("membership")
        constraints = [models.UniqueConstraint(fields=["member", "year"], name="membership_one_per_year")]

    def __str__(self):
        return f"{self.member} · {self.year}"

    @property
    def is_paid(self) -> bool:
        return self.paid_on is not None


class Referral(models.Model):
    """A household directed to a group by a social or health professional."""

    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="referrals")
    partner = models.ForeignKey(Partner, verbose_name=_("partner"), on_delete=models.PROTECT,
                                related_name="referrals")
    referrer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    group = models.ForeignKey(BuyingGroup, verbose_name=_("buying group"), on_delete=models.PROTECT,
                              related_name="referrals")
    code = models.CharField(_("code"), max_length=12, unique=True)
    household_name = models.CharField(_("name or initials"), max_length=200)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    persons = models.PositiveSmallIntegerField(_("persons"), default=1, validators=[MinValueValidator(1)])
    language = models.CharField(_("language"), max_length=10, default="fr",
                                help_text=_("The language the slip's QR code opens the join page in (one of "
                                            "settings.LANGUAGES), kept as the member's language."))
    created_at = models.DateTimeField(default=timezone.now)
    member = models.OneToOneField(Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="referral")
    joined_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("referral")

    def __str__(self):
        return self.code

    @property
    def has_joined(self) -> bool:
        return self.joined_at is not None


class AuditEntry(models.Model):
    """Who changed a member's category or personal data, and who exported it. Append-only."""

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        CHANGED = "changed", _("changed")
        CATEGORY = "category", _("category changed")
        EXPORTED = "exported", _("data exported")
        ERASED = "erased", _("erased")
        ADMITTED = "admitted", _("admitted from the waiting list")
        ACCESS = "access", _("online access given")
        PASSWORD = "password", _("temporary password given")
        BEYOND_LIMIT = "beyond_limit", _("left owing beyond the account limit")

    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(Member, null=True, on_delete=models.SET_NULL, related_name="audit_entries")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=12, choices=Action.choices)
    fields = models.JSONField(default=list, blank=True, help_text="names of the fields changed, never their values")
    detail = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")

    def __str__(self):
        return f"{self.get_action_display()} · {self.member_id} · {self.at:%Y-%m-%d %H:%M}"

    @property
    def field_labels(self) -> list[str]:
        """The fields changed by their names in the active language ("téléphone", not "phone")."""
        labels = []
        for name in self.fields:
            try:
                labels.append(str(Member._meta.get_field(name).verbose_name))
            except FieldDoesNotExist:
                labels.append(name)
        return labels
