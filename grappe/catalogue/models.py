"""Suppliers, products, packs, prices and their history, each group's selection, suggestions.

Prices: `Product.pack_price_excl_vat` and `vat_rate` hold the price in force when it was last
written; the history (`PriceChange`) is the authority for "the price at a date" (queries.price_at,
queries.current_prices). The member's price is computed by the pure module `pricing.py`.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grappe.core.fields import FiniteDecimalField
from grappe.core.money import plain_number
from grappe.members.models import Member
from grappe.network.models import Association, BuyingGroup, Commune

ZERO = Decimal("0")
MONEY = {"max_digits": 12, "decimal_places": 2}
QUANTITY = {"max_digits": 12, "decimal_places": 3}
PERCENT = {"max_digits": 6, "decimal_places": 2}
POSITIVE = [MinValueValidator(ZERO)]


class Supplier(models.Model):
    class Kind(models.TextChoices):
        PRODUCER = "producer", _("producer")
        PRODUCERS_GROUP = "producers_group", _("producers' group")
        COOPERATIVE = "cooperative", _("cooperative")
        SMALL_COMPANY = "small_company", _("small company")
        WHOLESALER = "wholesaler", _("wholesaler")
        FAIR_TRADE_IMPORTER = "fair_trade_importer", _("fair-trade importer")

    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="suppliers")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.PRODUCER)
    address = models.TextField(_("address"), blank=True)
    commune = models.ForeignKey(Commune, verbose_name=_("commune"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    distance_km = FiniteDecimalField(_("distance from the depot (km)"), max_digits=7, decimal_places=1,
                                      null=True, blank=True, validators=POSITIVE)
    labels = models.CharField(_("labels"), max_length=200, blank=True,
                              help_text=_("For example: organic (AB), Nature & Progrès, fair trade"))
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    delivery_days = models.CharField(_("delivery days"), max_length=200, blank=True,
                                     help_text=_("For example: Tuesday and Friday mornings"))
    lead_time_days = models.PositiveSmallIntegerField(_("lead time (days)"), null=True, blank=True)
    minimum_order_amount = FiniteDecimalField(_("minimum order (EUR excl. VAT)"), null=True, blank=True,
                                               validators=POSITIVE, **MONEY)
    minimum_order_packs = models.PositiveIntegerField(_("minimum order (packs)"), null=True, blank=True)
    free_delivery_threshold = FiniteDecimalField(_("free delivery from (EUR excl. VAT)"), null=True,
                                                  blank=True, validators=POSITIVE, **MONEY)
    payment_terms = models.CharField(_("payment terms"), max_length=200, blank=True,
                                     help_text=_("For example: 30 days, by transfer"))
    notes = models.TextField(_("notes"), blank=True)
    transport_cost_per_kg = FiniteDecimalField(
        _("transport passed on (EUR per kg)"), max_digits=8, decimal_places=4, default=ZERO,
        validators=POSITIVE, help_text=_("Delivery costs the association shares out on the goods, per kg."))
    cost_share_percent = FiniteDecimalField(
        _("other costs passed on (% of the value)"), default=ZERO, **PERCENT,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal("100"))],
        help_text=_("Packaging, losses...: a share of the value incl. VAT. 0 for none."))
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("supplier")
        constraints = [
            models.UniqueConstraint(fields=["association", "name"], name="supplier_unique_name"),
            models.CheckConstraint(condition=models.Q(transport_cost_per_kg__gte=0), name="supplier_transport_positive"),
            models.CheckConstraint(condition=models.Q(cost_share_percent__gte=0, cost_share_percent__lte=100),
                                   name="supplier_cost_share_range"),
        ]

    def __str__(self):
        return self.name


class Family(models.TextChoices):
    PULSES = "pulses", _("pulses")
    CEREALS = "cereals", _("cereals and pasta")
    OILS = "oils", _("oils and condiments")
    BREAKFAST = "breakfast", _("breakfast")
    DRIED_FRUIT = "dried_fruit", _("dried fruit and nuts")
    BAKERY = "bakery", _("bakery and flour")
    HYGIENE = "hygiene", _("hygiene and cleaning")
    FRUIT = "fruit", _("fruit")
    OTHER = "other", _("other")


FAMILY_RANKS = {code: rank for rank, code in enumerate(Family.values)}


def family_rank(code: str) -> int:
    """A family's place in the catalogue (the order of `Family`, as its pages list them); an unknown
    code goes with "other", last."""
    return FAMILY_RANKS.get(code, FAMILY_RANKS[Family.OTHER])


def family_order(field: str = "family"):
    """`family_rank` for a queryset's order_by: `.order_by(family_order(), "name")`."""
    return models.Case(*[models.When(**{field: code}, then=models.Value(rank)) for code, rank in FAMILY_RANKS.items()],
                       default=models.Value(FAMILY_RANKS[Family.OTHER]), output_field=models.IntegerField())


FAMILY_PICTOGRAMS = {
    Family.PULSES: "🫘",
    Family.CEREALS: "🌾",
    Family.OILS: "🫒",
    Family.BREAKFAST: "☕",
    Family.DRIED_FRUIT: "🥜",
    Family.BAKERY: "🍞",
    Family.HYGIENE: "🧼",
    Family.FRUIT: "🍊",
    Family.OTHER: "🛒",
}


class Unit(models.TextChoices):
    KG = "kg", _("kg")
    LITRE = "l", _("L")
    PIECE = "piece", _("piece")


class ProductQuerySet(models.QuerySet):
    def available(self):
        return self.filter(available=True)

    def for_group(self, group):
        return self.filter(selections__group=group)


class Product(models.Model):
    """An item offered to members, bought from one supplier in packs (or by weight)."""

    Family = Family
    Unit = Unit

    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="products")
    supplier = models.ForeignKey(Supplier, verbose_name=_("supplier"), on_delete=models.PROTECT,
                                 related_name="products")
    family = models.CharField(_("family"), max_length=20, choices=Family.choices, default=Family.OTHER)
    name = models.CharField(_("name"), max_length=200)
    reference = models.CharField(_("supplier's reference"), max_length=60,
                                 help_text=_("The code in the supplier's price list."))
    description = models.TextField(_("description"), blank=True)
    origin_place = models.CharField(_("origin (place)"), max_length=200, blank=True)
    origin_region = models.CharField(_("origin (region)"), max_length=200, blank=True)
    origin_country = models.CharField(_("origin (country)"), max_length=100, blank=True, default="France")
    producer = models.CharField(_("producer"), max_length=200, blank=True)
    production_conditions = models.TextField(_("how it is produced"), blank=True)
    is_organic = models.BooleanField(_("organic (AB)"), default=False)
    is_fair_trade = models.BooleanField(_("fair trade"), default=False)
    is_local = models.BooleanField(_("local"), default=False)
    local_km = models.PositiveIntegerField(_("local: within (km)"), null=True, blank=True)
    allergens = models.CharField(_("allergens"), max_length=200, blank=True)
    photo = models.ImageField(_("photo"), upload_to="catalogue/products/", blank=True)
    unit = models.CharField(_("member unit"), max_length=10, choices=Unit.choices, default=Unit.KG)
    order_step = FiniteDecimalField(_("order step"), default=Decimal("1"), **QUANTITY,
                                     validators=[MinValueValidator(Decimal("0.001"))],
                                     help_text=_("Members order multiples of this quantity, e.g. 0.5 kg."))
    is_bulk = models.BooleanField(_("bulk (bring a container)"), default=False)
    pack_size = FiniteDecimalField(_("pack size (member units)"), null=True, blank=True, **QUANTITY,
                                    validators=[MinValueValidator(Decimal("0.001")),
                                                MaxValueValidator(Decimal("10000"))],
                                    help_text=_("25 for a 25 kg sack, 12 for a carton of 12. "
                                                "Empty: sold by the unit, without packs."))
    pack_price_excl_vat = FiniteDecimalField(_("pack price excl. VAT (EUR)"), validators=POSITIVE, **MONEY)
    vat_rate = FiniteDecimalField(_("VAT rate (%)"), default=Decimal("5.50"), max_digits=5, decimal_places=2,
                                   validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal("100"))])
    minimum_packs = models.PositiveIntegerField(_("minimum packs per order"), null=True, blank=True)
    max_per_member = FiniteDecimalField(_("maximum per member and cycle"), null=True, blank=True, **QUANTITY,
                                         validators=POSITIVE)
    weight_kg_per_unit = FiniteDecimalField(_("weight of one unit (kg)"), default=Decimal("1"), **QUANTITY,
                                             validators=POSITIVE,
                                             help_text=_("For transport costs and the van's load. 1 for kg."))
    available = models.BooleanField(_("available"), default=True)
    groups = models.ManyToManyField(BuyingGroup, through="GroupSelection", related_name="catalogue_products",
                                    blank=True, verbose_name=_("offered in"))
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["family", "name"]
        verbose_name = _("product")
        constraints = [
            models.UniqueConstraint(fields=["supplier", "reference"], name="product_unique_reference"),
            models.CheckConstraint(condition=models.Q(pack_price_excl_vat__gte=0), name="product_price_positive"),
            models.CheckConstraint(condition=models.Q(vat_rate__gte=0, vat_rate__lte=100), name="product_vat_range"),
            models.CheckConstraint(condition=models.Q(pack_size__isnull=True) | models.Q(pack_size__gt=0),
                                   name="product_pack_size_positive"),
            models.CheckConstraint(condition=models.Q(order_step__gt=0), name="product_order_step_positive"),
        ]
        indexes = [models.Index(fields=["association", "family", "name"])]

    def __str__(self):
        return self.name

    @property
    def pictogram(self) -> str:
        return FAMILY_PICTOGRAMS.get(self.family, FAMILY_PICTOGRAMS[Family.OTHER])

    @property
    def units_per_pack(self) -> Decimal:
        """The pack in member units; a product without packs is bought one unit at a time."""
        return self.pack_size or Decimal("1")

    @property
    def pack_label(self) -> str:
        if self.pack_size is None:
            return str(_("by the %(unit)s") % {"unit": self.get_unit_display()})
        return f"{plain_number(self.pack_size)} {self.get_unit_display()}"


class PriceChange(models.Model):
    """One price of a product from a date on. Every change of price adds a row; none is edited."""

    class Source(models.TextChoices):
        INITIAL = "initial", _("first price")
        MANUAL = "manual", _("entered by hand")
        IMPORT = "import", _("price list import")
        API = "api", _("API")

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="price_changes")
    valid_from = models.DateTimeField(_("valid from"), default=timezone.now)
    pack_price_excl_vat = FiniteDecimalField(_("pack price excl. VAT (EUR)"), validators=POSITIVE, **MONEY)
    vat_rate = FiniteDecimalField(_("VAT rate (%)"), max_digits=5, decimal_places=2)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.MANUAL)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["product", "-valid_from", "-pk"]
        verbose_name = _("price change")
        constraints = [
            models.CheckConstraint(condition=models.Q(pack_price_excl_vat__gte=0), name="price_change_positive"),
        ]
        indexes = [models.Index(fields=["product", "valid_from"])]

    def __str__(self):
        return f"{self.product} · {self.pack_price_excl_vat} · {self.valid_from:%Y-%m-%d}"


class GroupSelection(models.Model):
    """A product offered by one buying group."""

    group = models.ForeignKey(BuyingGroup, on_delete=models.CASCADE, related_name="selections")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="selections")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("product offered by a group")
        constraints = [models.UniqueConstraint(fields=["group", "product"], name="selection_unique")]

    def __str__(self):
        return f"{self.group} · {self.product}"


class PriceTier(models.Model):
    """A percentage added to (or taken off) the cost price for one member category.

    No tier: 0 %, everyone pays the cost price. The difference is booked apart (solidarity fund),
    so the goods are always booked at their cost and the cycle keeps a zero margin.
    """

    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="price_tiers")
    category = models.CharField(_("member category"), max_length=12, choices=Member.Category.choices)
    percent = FiniteDecimalField(_("percentage"), default=ZERO, **PERCENT,
                                  validators=[MinValueValidator(Decimal("-100")), MaxValueValidator(Decimal("100"))],
                                  help_text=_("+15 adds 15 % to the cost price; -50 halves it. 0: cost price."))
    note = models.CharField(_("how it is financed"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("price tier")
        constraints = [
            models.UniqueConstraint(fields=["association", "category"], name="price_tier_unique"),
            models.CheckConstraint(condition=models.Q(percent__gte=-100, percent__lte=100), name="price_tier_range"),
        ]

    def __str__(self):
        return f"{self.get_category_display()} · {self.percent} %"


class Suggestion(models.Model):
    """A product a member would like to see in the catalogue; others vote for it."""

    class Status(models.TextChoices):
        OPEN = "open", _("under discussion")
        ADOPTED = "adopted", _("added to the catalogue")
        DECLINED = "declined", _("not for now")

    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="suggestions")
    group = models.ForeignKey(BuyingGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(_("product"), max_length=200)
    details = models.TextField(_("why, where to find it"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField(_("answer from the coordinators"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("product suggestion")

    def __str__(self):
        return self.name


class SuggestionVote(models.Model):
    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["suggestion", "user"], name="vote_unique")]

    def __str__(self):
        return f"{self.suggestion} · {self.user_id}"


class PriceImport(models.Model):
    """A supplier's price list read and checked, waiting for the coordinator's confirmation.

    `rows` holds the parsed rows as JSON (never the session), so the preview survives a reload and
    works behind several app servers. Nothing touches the catalogue before `apply_import`.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for confirmation")
        APPLIED = "applied", _("applied")
        CANCELLED = "cancelled", _("cancelled")

    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="price_imports")
    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="price_imports")
    filename = models.CharField(max_length=255)
    rows = models.JSONField(default=list)
    file_errors = models.JSONField(default=list)
    notices = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("price list import")

    def __str__(self):
        return f"{self.supplier} · {self.filename}"

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.get("status") == status)


class ReferencePrice(models.Model):
    """What the same product costs in an ordinary shop nearby, per the product's member unit.

    Each observation adds a row, none is edited; the product's reference on a day is its latest
    observation dated on or before that day (by observed date, then by recording): a basket is
    compared with the shop prices of its distribution's day (`references.references_on`). It feeds the savings shown to members and funders
    (the pure rule in `savings.py`).
    """

    class Comparison(models.TextChoices):
        SAME = "same", _("same product, same quality, same unit")
        SIMILAR = "similar", _("similar quality, same unit")
        CONVERTED = "converted", _("similar quality, price converted to our unit")

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="reference_prices")
    price_per_unit = FiniteDecimalField(_("shop price per unit (EUR, incl. VAT)"), max_digits=12, decimal_places=4,
                                        validators=POSITIVE)
    shop = models.CharField(_("shop"), max_length=200)
    observed_on = models.DateField(_("observed on"))
    comparison = models.CharField(_("how it was compared"), max_length=10, choices=Comparison.choices,
                                  default=Comparison.SAME)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["product", "-observed_on", "-recorded_at", "-pk"]
        verbose_name = _("reference price")
        constraints = [
            models.CheckConstraint(condition=models.Q(price_per_unit__gte=0), name="reference_price_positive"),
        ]
        indexes = [models.Index(fields=["product", "observed_on"])]

    def __str__(self):
        return f"{self.product} · {self.price_per_unit} · {self.shop} · {self.observed_on:%Y-%m-%d}"
