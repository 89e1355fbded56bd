"""Reads used by other apps: the price at a date, and members' prices in bulk (no N+1)."""

from collections.abc import Iterable
from decimal import Decimal

from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.utils import timezone

from grappe.core.text import fold, words

from .models import PriceChange, PriceImport, PriceTier, Product, Suggestion, Supplier
from .pricing import MemberPrice, price_for

ZERO = Decimal("0")


def price_at(product: Product, when=None) -> tuple[Decimal, Decimal]:
    """(pack price excl. VAT, VAT rate) in force at `when` (now by default).

    The latest change with valid_from <= when; before the first recorded change, the product's own
    fields (a product always gets a first change when created through the services).
    """
    when = when or timezone.now()
    change = (PriceChange.objects.filter(product=product, valid_from__lte=when)
              .order_by("-valid_from", "-pk").values_list("pack_price_excl_vat", "vat_rate").first())
    if change is None:
        return product.pack_price_excl_vat, product.vat_rate
    return change


def tier_percents(association_ids: Iterable[int], category: str | None) -> dict[int, Decimal]:
    """association id -> tier percentage for that member category (0 when none is set)."""
    ids = set(association_ids)
    found = {}
    if category and ids:
        found = dict(PriceTier.objects.filter(association_id__in=ids, category=category)
                     .values_list("association_id", "percent"))
    return {pk: found.get(pk, ZERO) for pk in ids}


def current_prices(products, category: str | None = None, when=None) -> dict[int, MemberPrice]:
    """product id -> MemberPrice for a member of `category` (None: cost price, no tier), at `when`.

    Two queries whatever the number of products: the products with their supplier and the price in
    force (a correlated subquery on the history), and the tiers.
    """
    when = when or timezone.now()
    ids = [p.pk if isinstance(p, Product) else p for p in products]
    changes = PriceChange.objects.filter(product=OuterRef("pk"), valid_from__lte=when).order_by("-valid_from", "-pk")
    # Plain values, not model instances: a thousand products price in milliseconds.
    rows = list(
        Product.objects.filter(pk__in=ids)
        .annotate(at_price=Subquery(changes.values("pack_price_excl_vat")[:1]),
                  at_vat=Subquery(changes.values("vat_rate")[:1]))
        .values_list("pk", "association_id", "pack_size", "weight_kg_per_unit", "pack_price_excl_vat", "vat_rate",
                     "supplier__transport_cost_per_kg", "supplier__cost_share_percent", "at_price", "at_vat")
    )
    tiers = tier_percents({row[1] for row in rows}, category)
    out = {}
    for pk, association_id, pack_size, weight, own_price, own_vat, transport, share, at_price, at_vat in rows:
        out[pk] = price_for(
            own_price if at_price is None else at_price, own_vat if at_vat is None else at_vat, pack_size,
            transport_per_kg=transport, weight_kg_per_unit=weight, cost_share_percent=share,
            tier_percent=tiers[association_id],
        )
    return out


def visible_products(scope, group=None):
    """The products this user may see: a member sees their group's selection (available ones);
    staff see the association's catalogue, or one of their groups' selection."""
    products = Product.objects.filter(association=scope.association)
    if scope.is_staff:
        return products.for_group(group) if group is not None else products
    if scope.member is not None:
        return products.available().for_group(scope.member.group_id)
    return products.available()


def price_category(scope):
    return scope.member.category if scope.member is not None and not scope.is_staff else None


# --- The one way to catalogue objects (404 outside the user's association). The catalogue is the
# association's, not a group's: staff read all of it, members their group's selection; writing is
# for coordinators and admins (the views' decorators and the API's `write` check).

def _get(queryset, pk):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def supplier_for(scope, pk) -> Supplier:
    if scope.association is None:
        raise Http404
    return _get(Supplier.objects.filter(association=scope.association), pk)


def product_for(scope, pk, queryset=None) -> Product:
    """A product the user may see (`visible_products`), or one of `queryset`."""
    if scope.association is None:
        raise Http404
    products = queryset if queryset is not None else visible_products(scope)
    return _get(products.filter(association=scope.association).select_related("supplier"), pk)


def import_for(scope, pk) -> PriceImport:
    if scope.association is None or not scope.is_staff:
        raise Http404
    return _get(PriceImport.objects.select_related("supplier").filter(association=scope.association), pk)


def suggestion_for(scope, pk) -> Suggestion:
    if scope.association is None:
        raise Http404
    return _get(Suggestion.objects.filter(association=scope.association), pk)


SEARCHED_FIELDS = ("name", "description", "producer", "origin_place")


def search_products(products: Iterable[Product], text: str) -> list[Product]:
    """The products whose name, description, producer or place of origin hold every word of `text`,
    without regard to case or accents ("pates" finds "Pâtes", "cafe" finds "Café"). A group's catalogue
    is short (20 to 40 products, a few hundred at most), so the folding is done here, not in SQL."""
    wanted = words(text)
    found = []
    for product in products:
        haystack = fold(" ".join(str(getattr(product, field) or "") for field in SEARCHED_FIELDS))
        if all(word in haystack for word in wanted):
            found.append(product)
    return found
