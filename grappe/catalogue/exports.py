"""The catalogue out: an XLSX file (same columns as the import) and the printable price list."""

import io
from decimal import Decimal

from django.utils.translation import gettext as _

from grappe.core.money import round_cents
from grappe.core.tabular import safe_cell, xlsx_row

__all__ = ["catalogue_xlsx", "labels_of", "safe_cell"]


def labels_of(product) -> str:
    labels = []
    if product.is_organic:
        labels.append(_("organic (AB)"))
    if product.is_fair_trade:
        labels.append(_("fair trade"))
    if product.is_local:
        labels.append(_("local (%(km)s km)") % {"km": product.local_km} if product.local_km else _("local"))
    return ", ".join(str(label) for label in labels)


def catalogue_xlsx(products, prices) -> bytes:
    """`products` with their supplier; `prices`: product id -> MemberPrice (cost price)."""
    from openpyxl import Workbook  # imported late: about 0.15 s to import, and only XLSX files need it
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Catalogue")[:31]
    header = [_("Reference"), _("Name"), _("Family"), _("Supplier"), _("Unit"), _("Pack size"),
              _("Price excl. VAT of the pack"), _("VAT (%)"), _("Cost price per unit incl. VAT"), _("Origin"),
              _("Producer"), _("Labels"), _("Available")]
    sheet.append([str(title) for title in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for product in products:
        price = prices.get(product.pk)
        origin = ", ".join(part for part in (product.origin_place, product.origin_region, product.origin_country)
                           if part)
        row = [product.reference, product.name, product.get_family_display(), product.supplier.name,
               product.get_unit_display(), product.pack_size, product.pack_price_excl_vat, product.vat_rate,
               round_cents(price.cost.total) if price else None, origin, product.producer, labels_of(product),
               _("yes") if product.available else _("no")]
        xlsx_row(sheet, [str(v) if isinstance(v, str) else v for v in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, Decimal):
                cell.number_format = "0.00" if cell.column in (7, 9) else "General"
    widths = [14, 34, 22, 26, 8, 12, 14, 8, 14, 30, 26, 24, 10]
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
