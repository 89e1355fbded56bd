"""Reference prices: what the same product costs in an ordinary shop nearby.

The write path (`record_reference`, `apply_reference_rows`), the read in bulk of the references in
force on a day (a basket is compared with the shop prices of its distribution's day, never with
later ones), and the XLSX/CSV import: all rows are checked first and nothing is saved while one row
is in error (the coordinator fixes the file and sends it again: a half-applied list of shop prices would be
hard to tell from a complete one).
"""

from __future__ import annotations

import datetime
from bisect import bisect_right
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grappe.core.tabular import looks_like_formula

from .imports import ImportRefused, _decimal, normalise, read_table
from .models import Product, ReferencePrice
from .savings import SavingLine, Savings, savings
from .services import FORMULA_REFUSAL, CatalogueError

MAX_REFERENCE = Decimal("10000")
MAX_ROWS = 2000
COLUMNS = {
    "reference": {"reference", "ref", "referencefournisseur"},
    "name": {"designation", "produit", "nom", "libelle"},
    "price": {"prixmagasin", "prixdereference", "prix", "prixunitaire", "prixttc"},
    "shop": {"magasin", "enseigne", "boutique"},
    "observed_on": {"date", "relevele", "datedureleve"},
    "comparison": {"comparaison", "comparelement"},
}


def record_reference(*, by, product: Product, price_per_unit: Decimal, shop: str, observed_on: datetime.date,
                     comparison: str = ReferencePrice.Comparison.SAME, note: str = "", now=None) -> ReferencePrice:
    """A new observation of the product's shop price; it becomes the reference if it is the latest."""
    now = now or timezone.now()
    shop, note = shop.strip(), note.strip()
    if price_per_unit < 0 or price_per_unit > MAX_REFERENCE:
        raise CatalogueError(_("A shop price is between 0 and %(max)s €."), max=MAX_REFERENCE)
    if not shop:
        raise CatalogueError(_("Say in which shop the price was seen."))
    for text in (shop, note):
        if looks_like_formula(text):
            raise CatalogueError(FORMULA_REFUSAL, text=text[:30])
    if observed_on > now.date():
        raise CatalogueError(_("A shop price is seen on a past day or today, not in the future."))
    if comparison not in ReferencePrice.Comparison.values:
        raise CatalogueError(_("Choose how the price was compared."))
    return ReferencePrice.objects.create(product=product, price_per_unit=price_per_unit, shop=shop,
                                         observed_on=observed_on, comparison=comparison, note=note,
                                         recorded_by=by, recorded_at=now)


def references_on(product_ids: Iterable[int], day: datetime.date) -> dict[int, ReferencePrice]:
    """product id -> its reference in force on `day`: the latest observation dated on or before that
    day (by observed date, then by recording), in one query. A product seen only later has none."""
    found: dict[int, ReferencePrice] = {}
    for reference in (ReferencePrice.objects.filter(product_id__in=set(product_ids), observed_on__lte=day)
                      .order_by("product_id", "-observed_on", "-recorded_at", "-pk")):
        found.setdefault(reference.product_id, reference)
    return found


def current_references(product_ids: Iterable[int], today: datetime.date | None = None) -> dict[int, ReferencePrice]:
    """product id -> its reference today (shop prices are never dated in the future: the latest one)."""
    return references_on(product_ids, today or timezone.localdate())


class ReferenceHistory:
    """Every observation of some products, to read the reference in force on any day without a query
    per day (a report covers many distributions; a member's year, many baskets)."""

    def __init__(self, references: Iterable[ReferencePrice]):
        by_product: dict[int, list[ReferencePrice]] = {}
        for reference in sorted(references, key=lambda r: (r.product_id, r.observed_on, r.recorded_at, r.pk)):
            by_product.setdefault(reference.product_id, []).append(reference)
        self._by_product = by_product
        self._days = {pk: [r.observed_on for r in found] for pk, found in by_product.items()}

    def reference(self, product_id: int, day: datetime.date) -> ReferencePrice | None:
        """The latest observation dated on or before `day` (the last recorded among those of one day)."""
        days = self._days.get(product_id)
        if not days:
            return None
        index = bisect_right(days, day)
        return self._by_product[product_id][index - 1] if index else None

    def price(self, product_id: int, day: datetime.date) -> Decimal | None:
        reference = self.reference(product_id, day)
        return reference.price_per_unit if reference is not None else None

    def on(self, day: datetime.date) -> dict[int, ReferencePrice]:
        """product id -> its reference in force on `day` (as `references_on`, without a query)."""
        found = {pk: self.reference(pk, day) for pk in self._by_product}
        return {pk: reference for pk, reference in found.items() if reference is not None}


def reference_history(product_ids: Iterable[int], until: datetime.date | None = None) -> ReferenceHistory:
    """The observations of these products (up to `until`), in one query."""
    rows = ReferencePrice.objects.filter(product_id__in=set(product_ids))
    if until is not None:
        rows = rows.filter(observed_on__lte=until)
    return ReferenceHistory(rows)


# --- The import -------------------------------------------------------------------------------

def _comparison_from(text: str) -> str | None:
    key = normalise(text)
    if not key:
        return ReferencePrice.Comparison.SAME
    for value, label in ReferencePrice.Comparison.choices:
        if key in {normalise(value), normalise(str(label))}:
            return value
    return {"identique": "same", "meme": "same", "similaire": "similar", "converti": "converted"}.get(key)


def _date_from(text: str) -> datetime.date | None:
    text = text.strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%d/%m/%y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a calendar day
        except ValueError:
            continue
    return None


def check_reference_file(*, association, name: str, data: bytes, today: datetime.date) -> tuple[list[dict], list[str]]:
    """(checked rows, file errors). Each row: {"line", "product_id", "product", "price", "shop",
    "observed_on", "comparison", "errors"}; all texts JSON-ready, so the preview can carry them."""
    rows, _notices = read_table(name, data)
    while rows and not any(cell.strip() for cell in rows[0]):
        rows.pop(0)
    if not rows:
        raise ImportRefused(gettext_lazy("The file is empty."))
    found = {}
    for index, title in enumerate(rows[0]):
        for column, aliases in COLUMNS.items():
            if normalise(title) in aliases and column not in found:
                found[column] = index
    missing = [label for column, label in (("price", "Prix magasin"), ("shop", "Magasin"), ("observed_on", "Date"))
               if column not in found]
    if "reference" not in found and "name" not in found:
        missing.insert(0, "Référence / Désignation")
    if missing:
        return [], [_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)}]
    if len(rows) - 1 > MAX_ROWS:
        return [], [_("More than %(max)s rows: split the file.") % {"max": MAX_ROWS}]
    products = list(Product.objects.filter(association=association).only("pk", "name", "reference", "unit"))
    by_reference = {normalise(p.reference): p for p in products if p.reference}
    by_name: dict[str, list[Product]] = {}
    for product in products:
        by_name.setdefault(normalise(product.name), []).append(product)

    def cell(row, column):
        index = found.get(column)
        return row[index].strip() if index is not None and index < len(row) else ""

    checked = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(value.strip() for value in row):
            continue
        errors: list[str] = []
        product = None
        if cell(row, "reference"):
            product = by_reference.get(normalise(cell(row, "reference")))
        if product is None and cell(row, "name"):
            same_name = by_name.get(normalise(cell(row, "name")), [])
            product = same_name[0] if len(same_name) == 1 else None
            if len(same_name) > 1:
                errors.append(_("Several products are called « %(name)s »: give the reference.")
                              % {"name": cell(row, "name")[:60]})
        if product is None and not errors:
            errors.append(_("No product « %(text)s » in the catalogue.")
                          % {"text": (cell(row, "reference") or cell(row, "name"))[:60]})
        price = _decimal(cell(row, "price"), _("The shop price"), errors, places=4, maximum=MAX_REFERENCE)
        shop = cell(row, "shop")
        if not shop:
            errors.append(_("The shop is missing."))
        elif looks_like_formula(shop):
            errors.append(str(FORMULA_REFUSAL) % {"text": shop[:30]})
        observed_on = _date_from(cell(row, "observed_on"))
        if observed_on is None:
            errors.append(_("The date « %(text)s » is not a date (day/month/year).") % {"text": cell(row, "observed_on")[:20]})
        elif observed_on > today:
            errors.append(_("The date %(date)s is in the future.") % {"date": observed_on.strftime("%d/%m/%Y")})
        comparison = _comparison_from(cell(row, "comparison"))
        if comparison is None:
            errors.append(_("How it was compared « %(text)s » is not known: write identique, similaire or converti.")
                          % {"text": cell(row, "comparison")[:40]})
        checked.append({"line": line, "product_id": product.pk if product else None,
                        "product": product.name if product else (cell(row, "name") or cell(row, "reference"))[:200],
                        "unit": product.get_unit_display() if product else "",
                        "price": str(price) if price is not None else "", "shop": shop[:200],
                        "observed_on": observed_on.isoformat() if observed_on else "",
                        "comparison": comparison or "", "errors": errors})
    if not checked:
        return [], [_("The file has no row under its column names.")]
    return checked, []


@transaction.atomic
def apply_reference_rows(*, by, association, rows: list[dict], now=None) -> int:
    """Record every row, or none: a row in error refuses the whole file. Returns the rows recorded."""
    if not rows or any(row["errors"] for row in rows):
        raise CatalogueError(_("The file has rows in error: nothing was saved. Correct the file and send it again."))
    products = Product.objects.filter(association=association).in_bulk({row["product_id"] for row in rows})
    for row in rows:
        product = products.get(row["product_id"])
        if product is None:
            raise CatalogueError(_("A product of the file is no longer in the catalogue: send the file again."))
        record_reference(by=by, product=product, price_per_unit=Decimal(row["price"]), shop=row["shop"],
                         observed_on=datetime.date.fromisoformat(row["observed_on"]),
                         comparison=row["comparison"], now=now)
    return len(rows)


# --- The savings of baskets (the rule itself is savings.py) ------------------------------------

def _day_of(lines) -> datetime.date:
    """The day the lines were handed out: their basket's distribution (BasketLine), else today."""
    for line in lines:
        basket = getattr(line, "basket", None)
        distribution = getattr(basket, "distribution", None)
        if distribution is not None:
            return distribution.date
    return timezone.localdate()


def savings_of(lines, found: dict[int, ReferencePrice] | None = None, *, on: datetime.date | None = None) -> Savings:
    """The savings on basket lines (anything with product_id, quantity, unit_price), against each
    product's reference in force on the day the basket was handed out: `found` (the references of
    that day, e.g. `ReferenceHistory.on`), or one query for those in force on `on` (by default the
    day of the lines' distribution, read from their basket)."""
    lines = list(lines)
    if found is None:
        found = references_on((line.product_id for line in lines), on or _day_of(lines))
    return savings(SavingLine(quantity=line.quantity, paid_per_unit=line.unit_price,
                              reference_per_unit=found[line.product_id].price_per_unit
                              if line.product_id in found else None)
                   for line in lines)
