"""The write path for the catalogue: every change with a rule goes through here."""

from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grappe.core.errors import DomainError
from grappe.core.tabular import looks_like_formula

from .models import GroupSelection, PriceChange, Product, Supplier

FORMULA_REFUSAL = _("« %(text)s » starts like a spreadsheet formula (=, +, -, @): write it without that sign.")


class CatalogueError(DomainError):
    pass


PRODUCT_PRICE_FIELDS = ("pack_price_excl_vat", "vat_rate")


def _check_names(fields: dict) -> None:
    """A product's name and reference never start like a spreadsheet formula (as imports check)."""
    for name in ("name", "reference"):
        text = fields.get(name)
        if isinstance(text, str) and looks_like_formula(text):
            raise CatalogueError(FORMULA_REFUSAL, text=text.strip()[:30])


@transaction.atomic
def create_product(*, by, supplier: Supplier, source=PriceChange.Source.INITIAL, **fields) -> Product:
    """A new product of `supplier`, with its first price in the history."""
    _check_names(fields)
    if "association" in fields and fields.pop("association") != supplier.association:
        raise CatalogueError(_("The product and its supplier belong to different associations."))
    if Product.objects.filter(supplier=supplier, reference=fields.get("reference", "")).exists():
        raise CatalogueError(_("This supplier already has a product with the reference %(reference)s."),
                             reference=fields.get("reference", ""))
    product = Product.objects.create(association=supplier.association, supplier=supplier, **fields)
    PriceChange.objects.create(product=product, valid_from=product.created_at,
                               pack_price_excl_vat=product.pack_price_excl_vat, vat_rate=product.vat_rate,
                               source=source, recorded_by=by)
    return product


@transaction.atomic
def update_product(*, product: Product, **fields) -> Product:
    """Change a product's description. Prices change through `change_price` only (history)."""
    for name in PRODUCT_PRICE_FIELDS:
        fields.pop(name, None)
    _check_names(fields)
    for name, value in fields.items():
        setattr(product, name, value)
    product.save()
    return product


@transaction.atomic
def change_price(*, by, product: Product, pack_price_excl_vat: Decimal, vat_rate: Decimal | None = None,
                 valid_from=None, source=PriceChange.Source.MANUAL) -> PriceChange | None:
    """Record a new price from `valid_from` (now by default). None when nothing changes.

    The product's own fields follow when the new price is already in force; a price dated in the
    future is applied by `apply_due_prices` (the `apply_prices` command, run daily).
    """
    now = timezone.now()
    valid_from = valid_from or now
    vat_rate = product.vat_rate if vat_rate is None else vat_rate
    if pack_price_excl_vat < 0:
        raise CatalogueError(_("A price cannot be negative."))
    if not (0 <= vat_rate <= 100):
        raise CatalogueError(_("A VAT rate is between 0 and 100 %."))
    locked = Product.objects.select_for_update().get(pk=product.pk)
    latest = locked.price_changes.filter(valid_from__lte=valid_from).order_by("-valid_from", "-pk").first()
    if latest and latest.pack_price_excl_vat == pack_price_excl_vat and latest.vat_rate == vat_rate:
        return None
    change = PriceChange.objects.create(product=locked, valid_from=valid_from, pack_price_excl_vat=pack_price_excl_vat,
                                        vat_rate=vat_rate, source=source, recorded_by=by)
    if valid_from <= now:
        _sync_product_price(locked, now)
        product.pack_price_excl_vat, product.vat_rate = locked.pack_price_excl_vat, locked.vat_rate
    return change


def _sync_product_price(product: Product, now) -> bool:
    latest = product.price_changes.filter(valid_from__lte=now).order_by("-valid_from", "-pk").first()
    if latest is None:
        return False
    changed = Product.objects.filter(pk=product.pk).exclude(
        pack_price_excl_vat=latest.pack_price_excl_vat, vat_rate=latest.vat_rate
    ).update(pack_price_excl_vat=latest.pack_price_excl_vat, vat_rate=latest.vat_rate, updated_at=now)
    product.pack_price_excl_vat, product.vat_rate = latest.pack_price_excl_vat, latest.vat_rate
    return bool(changed)


@transaction.atomic
def apply_due_prices(*, now=None) -> int:
    """Bring products in line with prices that came into force since they were last written.

    Idempotent (the `apply_prices` command runs it daily); returns how many products changed.
    """
    now = now or timezone.now()
    due = Product.objects.filter(price_changes__valid_from__lte=now,
                                 price_changes__valid_from__gt=F("updated_at")).distinct()
    return sum(_sync_product_price(product, now) for product in due)


@transaction.atomic
def set_selection(*, group, products) -> tuple[int, int]:
    """The products `group` offers become exactly `products`. Returns (added, removed)."""
    wanted = {p.pk for p in products}
    current = set(GroupSelection.objects.filter(group=group).values_list("product_id", flat=True))
    removed, _counts = GroupSelection.objects.filter(group=group, product_id__in=current - wanted).delete()
    GroupSelection.objects.bulk_create([GroupSelection(group=group, product_id=pk) for pk in wanted - current])
    return len(wanted - current), removed
