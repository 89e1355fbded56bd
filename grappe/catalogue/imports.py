"""Suppliers' price lists in: read a CSV or XLSX file, check every row, keep the preview.

Reading is bounded (file size, number of rows) and never trusts a cell: a formula or a cell that
a spreadsheet would run as one ("=", "+", "@", tab, carriage return) is refused; prices are Decimal
parsed from text (a decimal comma is fine), never floats. Nothing touches the catalogue here:
`preview_import` stores the checked rows in a `PriceImport`; `apply_import` (after the
coordinator's confirmation) writes them in one transaction.
"""

import csv
import io
import re
from decimal import ROUND_DOWN, Decimal
from zipfile import BadZipFile, ZipFile

from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from grappe.core import numbers, tabular
from grappe.core.text import fold

from .family_names import match_name, name_parts
from .models import Family, PriceChange, PriceImport, Product, Supplier, Unit
from .services import CatalogueError

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_PRICE = Decimal("9999999.99")
MAX_PACK = Decimal("10000")
FORMULA_STARTS = ("=", "+", "@", "\t", "\r")
LOOSE_BOUND = Decimal("1e15")  # read any plain number first; the bounds of each column come after
# An XLSX file is a zip: its parts are read in memory, so what they hold once uncompressed is bounded
# before openpyxl opens it (a 310 KB file once held a 300 MB shared string: 590 MB of memory).
MAX_XLSX_UNCOMPRESSED = 50 * 1024 * 1024
MAX_XLSX_PART = 30 * 1024 * 1024
MAX_XLSX_PARTS = 500
MAX_COLUMNS = 60

NEW, CHANGED, UNCHANGED, ERROR = "new", "changed", "unchanged", "error"

# Column -> accepted headers, normalised (lower case, no accents, letters and digits only).
COLUMNS = {
    "reference": {"reference", "ref", "code", "codearticle", "referencefournisseur", "article"},
    "name": {"designation", "nom", "libelle", "produit", "name", "product"},
    "price": {"prixht", "prixhtduconditionnement", "prixhtconditionnement", "prix", "prixunitaireht",
              "price", "packpriceexclvat", "tarifht", "priceexclvatofthepack"},
    "vat": {"tva", "tauxtva", "tauxdetva", "vat", "vatrate"},
    "pack_size": {"conditionnement", "colisage", "packsize", "taille", "contenance"},
    "unit": {"unite", "unit"},
    "family": {"famille", "family"},
}
REQUIRED = ("reference", "price")
TEXT_COLUMNS = ("reference", "name", "unit", "family")
UNIT_WORDS = {"kg": Unit.KG, "kilo": Unit.KG, "l": Unit.LITRE, "litre": Unit.LITRE, "piece": Unit.PIECE,
              "pc": Unit.PIECE, "unite": Unit.PIECE, "u": Unit.PIECE}


class ImportRefused(CatalogueError):
    pass


def normalise(text: str) -> str:
    """A header or a family as compared: folded (no accents, lower case), letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", fold(str(text)))


def family_names() -> dict[str, list[str]]:
    """Each family's names a price list may use: its code, its label in French and in English, and the
    parts of each label ("farines", "boulangerie")."""
    names: dict[str, list[str]] = {value: [value] for value in Family.values}
    for language in ("fr", "en"):
        with translation.override(language):
            for value, label in Family.choices:
                names[value] += name_parts(str(label))
    return names


def family_from(text: str) -> str | None:
    """The family named by `text`, whatever its case, accents or plural (family_names.match_name)."""
    return match_name(text, family_names())


def accepted_families() -> str:
    """The families' names in the active language, for the message that refuses an unknown one."""
    return ", ".join(str(label) for _value, label in Family.choices)


# --- Reading the file -------------------------------------------------------------------------

def read_table(name: str, data: bytes) -> tuple[list[list[str]], list[str]]:
    """(rows of cell texts, file-level notices). Raises ImportRefused for an unreadable file."""
    if len(data) > MAX_BYTES:
        raise ImportRefused(gettext_lazy("The file is larger than %(mb)s MB. Split it into several files."),
                            mb=MAX_BYTES // (1024 * 1024))
    if not data.strip():
        raise ImportRefused(gettext_lazy("The file is empty."))
    if name.lower().endswith((".xlsx", ".xlsm")) or data[:2] == b"PK":
        return _read_xlsx(data), []
    return _read_csv(data)


def _read_csv(data: bytes) -> tuple[list[list[str]], list[str]]:
    notices = []
    if b"\x00" in data[:4096]:
        raise ImportRefused(gettext_lazy("This file is not a text (CSV) file. Save it as CSV or XLSX."))
    try:
        text, encoding = tabular.decode_text(data)
    except UnicodeDecodeError:
        raise ImportRefused(gettext_lazy(
            "The characters of this file cannot be read. Save it as « CSV UTF-8 » and try again.")) from None
    if encoding == "cp1252":
        notices.append(_("The file was read as Windows (cp1252) text: check the accents in the preview."))
    reader = tabular.csv_reader(text)
    rows = []
    try:
        for row in reader:
            rows.append(row)
            if len(rows) > MAX_ROWS + 1:
                break
    except csv.Error as exc:
        raise ImportRefused(gettext_lazy("The file is not valid CSV (line %(line)s)."), line=reader.line_num) from exc
    return rows, notices


def _check_xlsx_archive(data: bytes) -> None:
    """Refuse a zip whose parts would take too much memory once uncompressed, before anything reads them.

    The sizes come from the zip's directory; Python's zipfile never reads more than the declared size
    of a part, so a lying directory cannot get past this either."""
    try:
        with ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ImportRefused(gettext_lazy("This spreadsheet cannot be opened. Save it again as XLSX or CSV.")) from exc
    if (len(parts) > MAX_XLSX_PARTS or sum(part.file_size for part in parts) > MAX_XLSX_UNCOMPRESSED
            or any(part.file_size > MAX_XLSX_PART for part in parts)):
        raise ImportRefused(gettext_lazy(
            "This spreadsheet holds far more data than a price list (more than %(mb)s MB once opened). "
            "Keep only the price list in it, or save it as CSV."), mb=MAX_XLSX_UNCOMPRESSED // (1024 * 1024))


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook  # imported late: about 0.15 s to import, and only XLSX files need it

    _check_xlsx_archive(data)
    unreadable = gettext_lazy("This spreadsheet cannot be opened. Save it again as XLSX or CSV.")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # noqa: BLE001 - a damaged file raises anything (zip, zlib, XML, KeyError...)
        raise ImportRefused(unreadable) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for values in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):
            rows.append(["" if value is None else _cell_text(value) for value in values])
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    except Exception as exc:  # noqa: BLE001 - a truncated part fails only when it is read
        raise ImportRefused(unreadable) from exc
    finally:
        workbook.close()


def _cell_text(value) -> str:
    if isinstance(value, float):
        # Spreadsheets store numbers as binary floats: 12.3 comes back as 12.3, repr gives the
        # shortest text that reads back the same, which is what the supplier typed.
        text = repr(value)
        return text[:-2] if text.endswith(".0") else text
    return str(value)


# --- Checking the rows ------------------------------------------------------------------------

def _columns(header: list[str]) -> tuple[dict[str, int], list[str]]:
    found, ignored = {}, []
    for index, title in enumerate(header):
        key = normalise(title)
        for column, aliases in COLUMNS.items():
            if key in aliases and column not in found:
                found[column] = index
                break
        else:
            if title.strip():
                ignored.append(title.strip())
    return found, ignored


def _decimal(text: str, what: str, errors: list[str], *, places: int, maximum: Decimal,
             allow_zero: bool = True) -> Decimal | None:
    raw = text.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace("€", "").replace("%", "")
    if not raw:
        errors.append(_("%(what)s is missing.") % {"what": what})
        return None
    try:  # the one reader of typed numbers: digits 0-9, a comma or a point, no exponent, no NaN
        value = numbers.parse_decimal(raw, places=12, max_value=LOOSE_BOUND, min_value=-LOOSE_BOUND)
    except numbers.NumberError:
        errors.append(_("%(what)s « %(text)s » is not a number.") % {"what": what, "text": text.strip()[:40]})
        return None
    if value < 0:
        errors.append(_("%(what)s cannot be negative (%(text)s).") % {"what": what, "text": text.strip()})
        return None
    if value == 0 and not allow_zero:
        errors.append(_("%(what)s cannot be zero.") % {"what": what})
        return None
    if value > maximum:
        errors.append(_("%(what)s is too large (%(text)s).") % {"what": what, "text": text.strip()[:40]})
        return None
    if -value.as_tuple().exponent > places and value != value.quantize(Decimal(1).scaleb(-places)):
        errors.append(_("%(what)s has more than %(places)s decimals (%(text)s).")
                      % {"what": what, "places": places, "text": text.strip()})
        return None
    return value.quantize(Decimal(1).scaleb(-places))


def price_change_percent(old: Decimal, new: Decimal) -> Decimal | None:
    """How much `new` differs from `old`, in % of `old` (+/-), rounded toward zero; None from a zero price."""
    if not old:
        return None
    return ((new - old) * 100 / old).quantize(Decimal(1), rounding=ROUND_DOWN)


def check_rows(rows: list[list[str]], supplier: Supplier) -> tuple[list[dict], list[str]]:
    """(checked rows, file errors). A file error (missing column, too many rows) stops the import.
    A changed price that differs from the current one by more than the association's
    `price_change_alert_percent` carries "jump" (the change in %)."""
    alert_percent = supplier.association.price_change_alert_percent
    rows = [row for row in rows]
    while rows and not any(cell.strip() for cell in rows[0]):
        rows.pop(0)
    if not rows:
        return [], [_("The file is empty.")]
    header, body = rows[0], rows[1:]
    if len(body) > MAX_ROWS:
        return [], [_("The file has more than %(max)s rows: split it into several files of at most %(max)s rows.")
                    % {"max": MAX_ROWS}]
    columns, ignored = _columns(header)
    missing = [column for column in REQUIRED if column not in columns]
    if missing:
        names = {"reference": _("reference"), "price": _("price excl. VAT")}
        return [], [_("Missing column(s): %(columns)s. The first row must name the columns, for example: "
                      "Référence ; Désignation ; Prix HT ; TVA ; Conditionnement.")
                    % {"columns": ", ".join(str(names[m]) for m in missing)}]
    notices = []
    if ignored:
        notices.append(_("Columns ignored: %(columns)s.") % {"columns": ", ".join(ignored[:10])})

    existing = {p.reference: p for p in Product.objects.filter(supplier=supplier)}
    checked, seen = [], {}
    for offset, cells in enumerate(body):
        line = offset + 2
        if not any(str(cell).strip() for cell in cells):
            continue
        errors: list[str] = []
        if len(cells) > len(header) and any(str(c).strip() for c in cells[len(header):]):
            errors.append(_("This row has %(cells)s cells but the first row names %(columns)s columns.")
                          % {"cells": len(cells), "columns": len(header)})

        def cell(column, cells=cells):
            index = columns.get(column)
            return str(cells[index]) if index is not None and index < len(cells) else ""

        for column in COLUMNS:
            starts = FORMULA_STARTS + (("-",) if column in TEXT_COLUMNS else ())
            if cell(column).lstrip(" ").startswith(starts):
                errors.append(_("The cell « %(text)s » starts like a formula (« = », « + », « - », « @ »): refused.")
                              % {"text": cell(column).strip()[:30]})
        reference = cell("reference").strip()
        if not reference:
            errors.append(_("The reference is missing."))
        elif len(reference) > 60:
            errors.append(_("The reference is longer than 60 characters."))
        name = cell("name").strip()[:200]
        price = _decimal(cell("price"), _("The price"), errors, places=2, maximum=MAX_PRICE)
        vat = None
        if "vat" in columns and cell("vat").strip():
            vat = _decimal(cell("vat"), _("The VAT rate"), errors, places=2, maximum=Decimal("100"))
        pack_size = None
        if "pack_size" in columns and cell("pack_size").strip():
            pack_size = _decimal(cell("pack_size"), _("The pack size"), errors, places=3, maximum=MAX_PACK,
                                 allow_zero=False)
        unit = None
        if cell("unit").strip():
            unit = UNIT_WORDS.get(normalise(cell("unit")))
            if unit is None:
                errors.append(_("Unknown unit « %(text)s »: write kg, L or pièce.") % {"text": cell("unit")[:20]})
        family = None
        if cell("family").strip():
            family = family_from(cell("family"))
            if family is None:
                errors.append(_("Unknown family « %(text)s ». Accepted names: %(names)s.")
                              % {"text": cell("family")[:30], "names": accepted_families()})

        row = {"line": line, "reference": reference[:60], "name": name, "price": _text(price), "vat": _text(vat),
               "pack_size": _text(pack_size), "unit": unit, "family": family, "errors": errors,
               "product_id": None, "old_price": None, "old_vat": None, "current_name": None}
        if reference:
            if reference in seen:
                first = seen[reference]
                message = _("The reference %(reference)s appears twice (rows %(first)s and %(line)s).") % {
                    "reference": reference, "first": first["line"], "line": line}
                errors.append(message)
                if message not in first["errors"]:
                    first["errors"].append(message)
                    first["status"] = ERROR
            else:
                seen[reference] = row
        product = existing.get(reference)
        if product is not None:
            row["product_id"] = product.pk
            row["old_price"], row["old_vat"] = _text(product.pack_price_excl_vat), _text(product.vat_rate)
            row["current_name"] = product.name
        elif not name and not errors:
            errors.append(_("New reference: the name (column « Désignation ») is needed."))
        if errors:
            row["status"] = ERROR
        elif product is None:
            row["status"] = NEW
        elif price != product.pack_price_excl_vat or (vat is not None and vat != product.vat_rate):
            row["status"] = CHANGED
            change = price_change_percent(product.pack_price_excl_vat, price)
            if change is not None and abs(change) > alert_percent:
                row["jump"] = int(change)  # flagged in the preview; applied only once ticked
        else:
            row["status"] = UNCHANGED
        checked.append(row)
    if not checked:
        return [], [_("The file has no product rows under its first row.")]
    return checked, notices


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


# --- The import itself ------------------------------------------------------------------------

@transaction.atomic
def preview_import(*, by, supplier: Supplier, name: str, data: bytes) -> PriceImport:
    """Read and check a price list; store the preview. Writes nothing to the catalogue."""
    notices: list[str] = []
    try:
        table, notices = read_table(name, data)
        rows, file_notes = check_rows(table, supplier)
    except ImportRefused as refused:
        rows, file_notes = [], [str(refused)]
    file_errors = file_notes if not rows else []
    notices = notices + (file_notes if rows else [])
    return PriceImport.objects.create(association=supplier.association, supplier=supplier, filename=name[:255],
                                      rows=rows, file_errors=file_errors, notices=notices,
                                      uploaded_by=by)


class NothingToApply(CatalogueError):
    pass


class PriceJumpsUnconfirmed(NothingToApply):
    """Prices changed beyond the association's threshold, and the box confirming them was not ticked."""


def jumps(price_import: PriceImport) -> list[dict]:
    """The rows whose price change is beyond the association's threshold (flagged at checking)."""
    return [row for row in price_import.rows if row.get("jump") is not None and row["status"] == CHANGED]


@transaction.atomic
def apply_import(*, by, price_import: PriceImport, keep_valid_only: bool = False, valid_from=None,
                 jumps_confirmed: bool = False) -> dict:
    """Write the checked rows. With errors in the file, writes nothing unless keep_valid_only; with prices
    changed beyond the association's threshold, writes nothing unless `jumps_confirmed` (the tick)."""
    locked = PriceImport.objects.select_for_update(of=("self",)).get(pk=price_import.pk)
    if locked.status != PriceImport.Status.PENDING:
        raise NothingToApply(gettext_lazy("This import was already applied or cancelled."))
    errors = locked.count(ERROR)
    if errors and not keep_valid_only:
        raise NothingToApply(gettext_lazy(
            "%(count)s row(s) have errors: nothing was saved. Correct the file, or choose to save only the "
            "valid rows."), count=errors)
    if not any(row["status"] in (NEW, CHANGED) for row in locked.rows):
        raise NothingToApply(gettext_lazy("There is nothing to save in this file."))
    flagged = jumps(locked)
    if flagged and not jumps_confirmed:
        raise PriceJumpsUnconfirmed(ngettext(
            "%(count)s price changes by more than %(percent)s %%: nothing was saved. Check it, then tick "
            "the box that confirms it.",
            "%(count)s prices change by more than %(percent)s %%: nothing was saved. Check them, then tick "
            "the box that confirms them.", len(flagged)), count=len(flagged),
            percent=locked.association.price_change_alert_percent)
    supplier = locked.supplier
    now = timezone.now()
    valid_from = valid_from or now
    # Lock the supplier's products (in primary-key order) and write in bulk: a 5,000-row list is
    # a handful of queries, not 5,000 round trips.
    # PostgreSQL refuses FOR UPDATE with GROUP BY: take the locks first, then read with the aggregate.
    list(Product.objects.select_for_update(of=("self",)).filter(supplier=supplier).order_by("pk").values_list("pk", flat=True))
    products = {p.reference: p for p in Product.objects.filter(supplier=supplier)
                .annotate(latest_change=Max("price_changes__valid_from")).order_by("pk")}
    new_products, changes, mirrored = [], [], []
    for row in locked.rows:
        if row["status"] not in (NEW, CHANGED):
            continue
        price = Decimal(row["price"])
        vat = Decimal(row["vat"]) if row["vat"] is not None else None
        product = products.get(row["reference"])
        if product is None:
            product = Product(
                association=supplier.association, supplier=supplier, name=row["name"], reference=row["reference"],
                pack_price_excl_vat=price, vat_rate=vat if vat is not None else Decimal("5.50"),
                pack_size=Decimal(row["pack_size"]) if row["pack_size"] else None, unit=row["unit"] or Unit.KG,
                family=row["family"] or Family.OTHER, created_at=now, updated_at=now)
            products[row["reference"]] = product
            new_products.append(product)
            continue
        vat = product.vat_rate if vat is None else vat
        if price == product.pack_price_excl_vat and vat == product.vat_rate:
            continue
        changes.append(PriceChange(product=product, valid_from=valid_from, pack_price_excl_vat=price, vat_rate=vat,
                                   source=PriceChange.Source.IMPORT, recorded_by=by, recorded_at=now))
        if valid_from <= now and (product.latest_change is None or valid_from >= product.latest_change):
            product.pack_price_excl_vat, product.vat_rate, product.updated_at = price, vat, now
            mirrored.append(product)
    Product.objects.bulk_create(new_products, batch_size=500)
    changes += [PriceChange(product=p, valid_from=now, pack_price_excl_vat=p.pack_price_excl_vat, vat_rate=p.vat_rate,
                            source=PriceChange.Source.IMPORT, recorded_by=by, recorded_at=now) for p in new_products]
    PriceChange.objects.bulk_create(changes, batch_size=500)
    Product.objects.bulk_update(mirrored, ["pack_price_excl_vat", "vat_rate", "updated_at"], batch_size=100)
    created, changed = len(new_products), len(changes) - len(new_products)
    PriceImport.objects.filter(pk=locked.pk, status=PriceImport.Status.PENDING).update(
        status=PriceImport.Status.APPLIED, applied_at=timezone.now())
    return {"created": created, "changed": changed, "skipped": errors}


def cancel_import(*, by, price_import: PriceImport) -> bool:
    return bool(PriceImport.objects.filter(pk=price_import.pk, status=PriceImport.Status.PENDING)
                .update(status=PriceImport.Status.CANCELLED))
