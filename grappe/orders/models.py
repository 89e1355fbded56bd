"""Order cycles, members' orders (as increments), closing results, purchase orders, receipt, stock.

Writes go through services/; reusable reads are in queries.py. Quantities are in the product's
member unit (3 decimals); unit prices keep 6 decimals (catalogue.pricing); amounts 2 decimals.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from grappe.catalogue.models import Product, Supplier, Unit
from grappe.core.fields import FiniteDecimalField
from grappe.core.money import plain_number
from grappe.members.models import Member
from grappe.network.models import Association, BuyingGroup, Site

ZERO = Decimal("0")


def unit_label(unit: str) -> str:
    """The unit's name in the singular ("pièce", "kg", "L"): after a price ("2,10 € / pièce")."""
    try:
        return str(Unit(unit).label)
    except ValueError:
        return unit


def plural_count(quantity) -> int:
    """The integer that chooses a plural form: the integer part of the quantity.

    French counts by the integer part (CLDR: "1,5 pièce", "2 pièces"), and gettext's plural
    formulas only take integers.
    """
    if quantity in (None, ""):
        return 1
    return abs(int(Decimal(str(quantity))))


def unit_word(unit: str, quantity=1) -> str:
    """The unit's name agreeing with `quantity`: "pièce" / "pièces"; kg and L are symbols and never
    change."""
    if unit == Unit.PIECE:
        return ngettext("piece", "pieces", plural_count(quantity))
    return unit_label(unit)


def quantity_label(quantity, unit: str) -> str:
    """A quantity with its unit, in the plural when it takes one: "1 pièce", "4 pièces", "1,5 kg",
    "2 L". A non-breaking space keeps the number and its unit on one line."""
    if quantity in (None, ""):
        return ""
    return f"{plain_number(quantity)}\u00a0{unit_word(unit, quantity)}"


MONEY = {"max_digits": 12, "decimal_places": 2}
QUANTITY = {"max_digits": 12, "decimal_places": 3}
UNIT_PRICE = {"max_digits": 14, "decimal_places": 6}


class Strategy(models.TextChoices):
    FAIR = "fair", _("fair sharing (those who ask little are served in full first)")
    FIFO = "fifo", _("first ordered, first served")


class Rounding(models.TextChoices):
    FILL = "fill", _("complete a pack only with members' tolerances")
    UP = "up", _("always buy the last partial pack (rest to stock)")
    DOWN = "down", _("never buy a partial pack")


class Channel(models.TextChoices):
    ONLINE = "online", _("online")
    PHONE = "phone", _("by phone")
    PAPER = "paper", _("paper form")
    IN_PERSON = "in_person", _("in person")


class OrderCycleQuerySet(models.QuerySet):
    def open_now(self):
        now = timezone.now()
        return self.filter(status=OrderCycle.Status.OPEN, opens_at__lte=now, closes_at__gt=now)

    def due_to_close(self, now=None):
        return self.filter(status=OrderCycle.Status.OPEN, closes_at__lte=now or timezone.now())


class OrderCycle(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")
        ORDERED = "ordered", _("ordered")
        RECEIVED = "received", _("received")
        DISTRIBUTED = "distributed", _("distributed")
        SETTLED = "settled", _("settled")

    association = models.ForeignKey(Association, on_delete=models.PROTECT, related_name="order_cycles")
    name = models.CharField(_("name"), max_length=200)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    strategy = models.CharField(_("sharing rule in a shortage"), max_length=8, choices=Strategy.choices,
                                default=Strategy.FAIR)
    rounding = models.CharField(_("packs"), max_length=8, choices=Rounding.choices, default=Rounding.FILL)
    priority_first = models.BooleanField(_("priority households first in a shortage"), default=True)
    stock_group = models.ForeignKey(BuyingGroup, verbose_name=_("group that keeps what is left over"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+",
                                    help_text=_("Empty: the group with the largest demand for each product."))
    next_sequence = models.PositiveBigIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    ordered_at = models.DateTimeField(null=True, blank=True)
    ordered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    objects = OrderCycleQuerySet.as_manager()

    class Meta:
        ordering = ["-closes_at", "-pk"]
        verbose_name = _("order cycle")
        constraints = [
            models.CheckConstraint(condition=models.Q(closes_at__gt=models.F("opens_at")), name="cycle_closes_after_opening"),
        ]
        indexes = [models.Index(fields=["association", "status"]), models.Index(fields=["status", "closes_at"])]

    def __str__(self):
        return self.name

    @property
    def is_open(self) -> bool:
        now = timezone.now()
        return self.status == self.Status.OPEN and self.opens_at <= now < self.closes_at

    @property
    def state(self):
        """Its state as every page shows it now ("ouvre le lundi 7 décembre à 9 h"): states.cycle_state."""
        from .states import cycle_state

        return cycle_state(self)


class CycleGroup(models.Model):
    """A group covered by a cycle, with its distribution date and place."""

    cycle = models.ForeignKey(OrderCycle, on_delete=models.CASCADE, related_name="cycle_groups")
    group = models.ForeignKey(BuyingGroup, verbose_name=_("buying group"), on_delete=models.PROTECT,
                              related_name="cycle_groups")
    distribution_date = models.DateField(_("distribution date"))
    site = models.ForeignKey(Site, verbose_name=_("distribution point"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    place = models.CharField(_("place"), max_length=200, blank=True)
    time = models.CharField(_("time"), max_length=40, blank=True)

    class Meta:
        ordering = ["cycle", "group__name"]
        verbose_name = _("group of a cycle")
        constraints = [models.UniqueConstraint(fields=["cycle", "group"], name="cycle_group_unique")]

    def __str__(self):
        return f"{self.cycle} · {self.group}"

    @property
    def place_label(self) -> str:
        return self.place or (self.site.name if self.site_id else "")


class CycleStop(models.Model):
    """A stop of a mobile group in a cycle, with its own date."""

    cycle_group = models.ForeignKey(CycleGroup, on_delete=models.CASCADE, related_name="stops")
    site = models.ForeignKey(Site, verbose_name=_("stop"), on_delete=models.PROTECT, related_name="+")
    distribution_date = models.DateField(_("distribution date"))
    time = models.CharField(_("time"), max_length=40, blank=True)

    class Meta:
        ordering = ["cycle_group", "distribution_date", "site__position"]
        verbose_name = _("stop of a cycle")
        constraints = [models.UniqueConstraint(fields=["cycle_group", "site"], name="cycle_stop_unique")]

    def __str__(self):
        return f"{self.site} · {self.distribution_date}"


class CyclePrice(models.Model):
    """A product offered in a cycle, with its prices frozen when the cycle opened."""

    cycle = models.ForeignKey(OrderCycle, on_delete=models.CASCADE, related_name="prices")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="cycle_prices")
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    family = models.CharField(max_length=20, blank=True)
    unit = models.CharField(max_length=10)
    order_step = FiniteDecimalField(**QUANTITY)
    is_bulk = models.BooleanField(default=False)
    pack_size = FiniteDecimalField(null=True, blank=True, **QUANTITY)
    minimum_packs = models.PositiveIntegerField(null=True, blank=True)
    max_per_member = FiniteDecimalField(null=True, blank=True, **QUANTITY)
    pack_price_excl_vat = FiniteDecimalField(**MONEY)
    vat_rate = FiniteDecimalField(max_digits=5, decimal_places=2)
    unit_cost = FiniteDecimalField(**UNIT_PRICE)
    price_priority = FiniteDecimalField(**UNIT_PRICE)
    price_solidarity = FiniteDecimalField(**UNIT_PRICE)
    in_stock = FiniteDecimalField(_("in stock"), default=ZERO, **QUANTITY)

    class Meta:
        ordering = ["cycle", "family", "name"]
        verbose_name = _("price in a cycle")
        constraints = [models.UniqueConstraint(fields=["cycle", "product"], name="cycle_price_unique")]

    def __str__(self):
        return f"{self.cycle} · {self.name}"

    @property
    def unit_label(self) -> str:
        return unit_label(self.unit)

    def price_for(self, category: str) -> Decimal:
        return self.price_priority if category == Member.Category.PRIORITY else self.price_solidarity

    @property
    def pictogram(self) -> str:
        from grappe.catalogue.models import FAMILY_PICTOGRAMS, Family

        return FAMILY_PICTOGRAMS.get(self.family, FAMILY_PICTOGRAMS[Family.OTHER])


class MemberOrder(models.Model):
    """One member's basket for a whole cycle, across all suppliers."""

    cycle = models.ForeignKey(OrderCycle, on_delete=models.CASCADE, related_name="orders")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="orders")
    group = models.ForeignKey(BuyingGroup, on_delete=models.PROTECT, related_name="+")
    stop = models.ForeignKey(Site, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    priority = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["cycle", "member__number"]
        verbose_name = _("member order")
        constraints = [models.UniqueConstraint(fields=["cycle", "member"], name="member_order_unique")]
        indexes = [models.Index(fields=["cycle", "group"])]

    def __str__(self):
        return f"{self.cycle} · {self.member}"


class OrderLine(models.Model):
    """What a member wants of one product: quantity and tolerance (the sum of the increments).

    Snapshot of the price, VAT and name at order time; `allotted` is set at closing (and changed by
    a receipt).
    """

    order = models.ForeignKey(MemberOrder, on_delete=models.CASCADE, related_name="lines")
    cycle = models.ForeignKey(OrderCycle, on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=10)
    unit_price = FiniteDecimalField(**UNIT_PRICE)
    vat_rate = FiniteDecimalField(max_digits=5, decimal_places=2)
    quantity = FiniteDecimalField(default=ZERO, **QUANTITY)
    tolerance = FiniteDecimalField(default=ZERO, **QUANTITY)
    allotted = FiniteDecimalField(null=True, blank=True, **QUANTITY)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("order line")
        constraints = [
            models.UniqueConstraint(fields=["order", "product"], name="order_line_unique"),
            models.CheckConstraint(condition=models.Q(quantity__gte=0, tolerance__gte=0), name="order_line_positive"),
        ]
        indexes = [models.Index(fields=["cycle", "product"])]

    def __str__(self):
        return f"{self.order} · {self.name}"

    @property
    def unit_label(self) -> str:
        return unit_label(self.unit)


class OrderIncrement(models.Model):
    """One increase of a line, replayed by the allocation (allocation.Increment)."""

    line = models.ForeignKey(OrderLine, on_delete=models.CASCADE, related_name="increments")
    cycle = models.ForeignKey(OrderCycle, on_delete=models.CASCADE, related_name="+")
    quantity = FiniteDecimalField(**QUANTITY)
    tolerance = FiniteDecimalField(**QUANTITY)
    sequence = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["sequence"]
        constraints = [models.UniqueConstraint(fields=["cycle", "sequence"], name="increment_sequence_unique")]

    def __str__(self):
        return f"#{self.sequence} +{self.quantity} (+{self.tolerance})"



class OrderChange(models.Model):
    """Who changed a line, when, and through which channel (online, phone, paper, in person)."""

    order = models.ForeignKey(MemberOrder, on_delete=models.CASCADE, related_name="changes")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    on_behalf = models.BooleanField(default=False)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    quantity_before = FiniteDecimalField(**QUANTITY)
    quantity_after = FiniteDecimalField(**QUANTITY)
    tolerance_before = FiniteDecimalField(**QUANTITY)
    tolerance_after = FiniteDecimalField(**QUANTITY)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.order} · {self.quantity_before} -> {self.quantity_after}"



class ProductOutcome(models.Model):
    """Closing, per product: pooled totals, packs (proposed and chosen), what is left over."""

    cycle = models.ForeignKey(OrderCycle, on_delete=models.CASCADE, related_name="outcomes")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    quantity = FiniteDecimalField(default=ZERO, **QUANTITY)
    tolerance = FiniteDecimalField(default=ZERO, **QUANTITY)
    from_stock = FiniteDecimalField(default=ZERO, **QUANTITY)
    proposed_packs = FiniteDecimalField(default=ZERO, **QUANTITY)
    packs = FiniteDecimalField(null=True, blank=True, **QUANTITY,
                                help_text="the coordinator's choice; None: the proposal")
    available = FiniteDecimalField(default=ZERO, **QUANTITY)
    allotted = FiniteDecimalField(default=ZERO, **QUANTITY)
    leftover = FiniteDecimalField(default=ZERO, **QUANTITY)
    stock_group = models.ForeignKey(BuyingGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["cycle", "product__name"]
        constraints = [models.UniqueConstraint(fields=["cycle", "product"], name="outcome_unique")]

    def __str__(self):
        return f"{self.cycle_id} · {self.product_id}"


    @property
    def chosen_packs(self) -> Decimal:
        return self.proposed_packs if self.packs is None else self.packs


class PurchaseOrder(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("to send")
        SENT = "sent", _("sent")
        RECEIVED = "received", _("received")

    class Sending(models.TextChoices):
        """The e-mail on the job queue (jobs.send_purchase_order); blank once sent or never asked. Not shown
        as such: the purchase orders page says it in a sentence."""
        QUEUED = "queued"
        SENDING = "sending"
        FAILED = "failed"

    cycle = models.ForeignKey(OrderCycle, on_delete=models.CASCADE, related_name="purchase_orders")
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="purchase_orders")
    number = models.CharField(_("number"), max_length=40)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    delivery_date = models.DateField(_("delivery date"), null=True, blank=True)
    delivery_place = models.CharField(_("delivery place"), max_length=300, blank=True)
    # Not stored: set by services.record_receipt on the order it returns (handed-out baskets to check).
    warnings: list[str]
    total_excl_vat = FiniteDecimalField(default=ZERO, **MONEY)
    total_vat = FiniteDecimalField(default=ZERO, **MONEY)
    total_incl_vat = FiniteDecimalField(default=ZERO, **MONEY)
    packs = FiniteDecimalField(default=ZERO, **QUANTITY)
    below_minimum = models.BooleanField(_("below the supplier's minimum order"), default=False)
    free_delivery = models.BooleanField(_("free delivery reached"), default=False)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_to = models.EmailField(blank=True)
    sending = models.CharField(max_length=10, choices=Sending.choices, blank=True)
    send_error = models.CharField(max_length=300, blank=True)
    send_requested_at = models.DateTimeField(null=True, blank=True)
    send_requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                          related_name="+")
    received_at = models.DateTimeField(null=True, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["cycle", "supplier__name"]
        verbose_name = _("purchase order")
        constraints = [models.UniqueConstraint(fields=["cycle", "supplier"], name="purchase_order_unique")]

    def __str__(self):
        return self.number


class PurchaseOrderSend(models.Model):
    """One e-mail of a purchase order to its supplier, sent or failed: the log the purchase orders page
    shows (when, to whom, asked by whom). A resend is asked for explicitly and adds a row."""

    purchase_order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="sends")
    at = models.DateTimeField()
    to = models.EmailField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+")
    ok = models.BooleanField()
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["purchase_order", "at", "pk"]

    def __str__(self):
        return f"{self.purchase_order} → {self.to}"


class PurchaseLine(models.Model):
    class Outcome(models.TextChoices):
        PENDING = "pending", _("not received yet")
        COMPLETE = "complete", _("complete")
        SHORT = "short", _("short")
        SURPLUS = "surplus", _("more than ordered")
        DAMAGED = "damaged", _("damaged")
        SUBSTITUTED = "substituted", _("substituted")

    purchase_order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    reference = models.CharField(max_length=60, blank=True)
    unit = models.CharField(max_length=10)
    pack_size = FiniteDecimalField(null=True, blank=True, **QUANTITY)
    packs = FiniteDecimalField(**QUANTITY)
    quantity = FiniteDecimalField(**QUANTITY)
    pack_price_excl_vat = FiniteDecimalField(**MONEY)
    vat_rate = FiniteDecimalField(max_digits=5, decimal_places=2)
    amount_excl_vat = FiniteDecimalField(**MONEY)
    amount_vat = FiniteDecimalField(**MONEY)
    delivered = FiniteDecimalField(null=True, blank=True, **QUANTITY)
    damaged = FiniteDecimalField(default=ZERO, **QUANTITY)
    substitute = models.CharField(max_length=200, blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, default=Outcome.PENDING)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["purchase_order", "name"]

    def __str__(self):
        return self.name

    @property
    def unit_label(self) -> str:
        return unit_label(self.unit)


class StockItem(models.Model):
    """What a group keeps of a product: quantity and value at cost (the sum of its moves)."""

    group = models.ForeignKey(BuyingGroup, on_delete=models.CASCADE, related_name="stock_items")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    quantity = FiniteDecimalField(default=ZERO, **QUANTITY)
    unit_cost = FiniteDecimalField(default=ZERO, **UNIT_PRICE)

    class Meta:
        ordering = ["group", "product__name"]
        constraints = [models.UniqueConstraint(fields=["group", "product"], name="stock_item_unique")]

    def __str__(self):
        return f"{self.group_id} · {self.product_id} · {self.quantity}"


    @property
    def value(self) -> Decimal:
        from grappe.core.money import line_total

        return line_total(self.unit_cost, self.quantity)


class StockMove(models.Model):
    """One change of a group's stock. Append-only."""

    class Kind(models.TextChoices):
        LEFTOVER = "leftover", _("left over after closing")
        SURPLUS = "surplus", _("delivered in surplus")
        USED = "used", _("served in a cycle")
        CORRECTION = "correction", _("correction after a receipt")
        INVENTORY = "inventory", _("inventory")
        LOSS = "loss", _("loss")

    group = models.ForeignKey(BuyingGroup, on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    cycle = models.ForeignKey(OrderCycle, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    quantity = FiniteDecimalField(**QUANTITY)
    unit_cost = FiniteDecimalField(default=ZERO, **UNIT_PRICE)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.kind} {self.quantity}"



class CycleEvent(models.Model):
    """One transition of a cycle (opened, closed, confirmed, received, distributed, settled,
    reopened...), with who did it, when, and why when a reason is asked. Append-only: the history
    of a cycle is its events in order."""

    class Kind(models.TextChoices):
        CREATED = "created", _("created")
        EDITED = "edited", _("draft changed")
        OPENED = "opened", _("opened")
        DEADLINE = "deadline", _("deadline extended")
        SCHEDULE = "schedule", _("distribution dates changed")
        CLOSED = "closed", _("closed")
        ORDERS_REOPENED = "open_again", _("orders reopened")
        CONFIRMED = "confirmed", _("purchase orders confirmed")
        RECEIVED = "received", _("deliveries received")
        PREPARED = "prepared", _("baskets prepared")
        DISTRIBUTED = "distributed", _("distributed")
        SETTLED = "settled", _("settled")
        REOPENED = "reopened", _("settlement reopened")

    cycle = models.ForeignKey(OrderCycle, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("cycle event")
        indexes = [models.Index(fields=["cycle", "kind", "at"])]

    def __str__(self):
        return f"{self.cycle_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"

    @property
    def actor(self) -> str:
        """Who did it, as people read it: their name, or "automatically" (cron, with no user)."""
        if self.by is None:
            return str(_("automatically"))
        return self.by.get_full_name() or self.by.get_username()
