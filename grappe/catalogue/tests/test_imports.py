"""Price list imports: the preview, the confirmation, and a corpus of broken files.

Every broken file must give clear French reasons (per row where the row is at fault), never crash,
and write nothing to the catalogue.
"""

import io
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import Workbook, load_workbook

from grappe.catalogue import imports
from grappe.catalogue.models import PriceChange, PriceImport, Product
from grappe.catalogue.tests.factories import SupplierFactory, make_product

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def french():
    with translation.override("fr"):
        yield


@pytest.fixture
def supplier():
    supplier = SupplierFactory()
    make_product(supplier, reference="LV25", name="Lentilles vertes", pack_price_excl_vat=D("52.50"))
    make_product(supplier, reference="PC25", name="Pois chiches", pack_price_excl_vat=D("60.00"))
    return supplier


def csv_bytes(text: str, encoding="utf-8") -> bytes:
    return text.encode(encoding)


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def snapshot():
    return (list(Product.objects.order_by("pk").values_list("reference", "pack_price_excl_vat", "vat_rate")),
            PriceChange.objects.count())


def preview(supplier, data, name="tarif.csv"):
    return imports.preview_import(by=None, supplier=supplier, name=name, data=data)


GOOD = "Référence;Désignation;Prix HT;TVA;Conditionnement\nLV25;Lentilles vertes;55,00;5,5;25\n" \
       "PC25;Pois chiches;60,00;5,5;25\nPS25;Pois cassés;50;5,5;25\n"


def test_a_good_file_shows_new_changed_and_unchanged_rows_and_writes_nothing(supplier):
    before = snapshot()
    price_import = preview(supplier, csv_bytes(GOOD))
    assert [row["status"] for row in price_import.rows] == ["changed", "unchanged", "new"]
    assert price_import.rows[0]["old_price"] == "52.50" and price_import.rows[0]["price"] == "55.00"
    assert price_import.file_errors == []
    assert snapshot() == before


def test_confirming_writes_new_products_and_new_prices_once(supplier):
    price_import = preview(supplier, csv_bytes(GOOD))
    done = imports.apply_import(by=None, price_import=price_import)
    assert done == {"created": 1, "changed": 1, "skipped": 0}
    assert Product.objects.get(reference="LV25").pack_price_excl_vat == D("55.00")
    new = Product.objects.get(reference="PS25")
    assert (new.name, new.pack_size, new.pack_price_excl_vat) == ("Pois cassés", D("25.000"), D("50.00"))
    assert PriceChange.objects.filter(source=PriceChange.Source.IMPORT).count() == 2
    with pytest.raises(imports.NothingToApply):
        imports.apply_import(by=None, price_import=price_import)


def test_an_xlsx_price_list_is_read_like_a_csv(supplier):
    data = xlsx_bytes([["Référence", "Désignation", "Prix HT", "TVA"], ["LV25", "Lentilles", 55.3, 5.5],
                       ["NEW1", "Riz", 40, None]])
    price_import = preview(supplier, data, "tarif.xlsx")
    assert [(r["status"], r["price"]) for r in price_import.rows] == [("changed", "55.30"), ("new", "40.00")]


def test_a_file_with_errors_writes_nothing_unless_only_valid_rows_are_kept(supplier):
    data = csv_bytes("Référence;Désignation;Prix HT\nLV25;Lentilles;56,00\nPC25;Pois chiches;abc\n")
    price_import = preview(supplier, data)
    before = snapshot()
    with pytest.raises(imports.NothingToApply) as refused:
        imports.apply_import(by=None, price_import=price_import)
    assert "Rien n’a été enregistré" in str(refused.value)
    assert snapshot() == before
    price_import.refresh_from_db()
    assert price_import.status == PriceImport.Status.PENDING
    done = imports.apply_import(by=None, price_import=price_import, keep_valid_only=True)
    assert done == {"created": 0, "changed": 1, "skipped": 1}
    assert Product.objects.get(reference="LV25").pack_price_excl_vat == D("56.00")
    assert Product.objects.get(reference="PC25").pack_price_excl_vat == D("60.00")


def test_a_cancelled_import_cannot_be_applied(supplier):
    price_import = preview(supplier, csv_bytes(GOOD))
    assert imports.cancel_import(by=None, price_import=price_import)
    with pytest.raises(imports.NothingToApply):
        imports.apply_import(by=None, price_import=price_import)


# --- The corpus of broken files ---------------------------------------------------------------

def errors_of(price_import):
    return {row["line"]: row["errors"] for row in price_import.rows if row["errors"]}


CORPUS = {
    "missing price column": (
        "Référence;Désignation\nLV25;Lentilles\n", None, "Colonnes manquantes\u00a0: prix HT"),
    "missing reference column": (
        "Désignation;Prix HT\nLentilles;55\n", None, "Colonnes manquantes\u00a0: référence"),
    "extra cells in a row": (
        "Référence;Prix HT\nLV25;55;en trop;encore\n", 2, "cette ligne a 4 cellules mais la première ligne nomme 2 colonnes"),
    "text in a price": ("Référence;Prix HT\nLV25;cinquante\n", 2, "Le prix « cinquante » n'est pas un nombre"),
    "negative price": ("Référence;Prix HT\nLV25;-5\n", 2, "Le prix ne peut pas être négatif"),
    "empty price": ("Référence;Prix HT\nLV25;\n", 2, "Le prix manque"),
    "empty reference": ("Référence;Prix HT\n;55\n", 2, "La référence manque"),
    "price with three decimals": ("Référence;Prix HT\nLV25;55,125\n", 2, "Le prix a plus de 2 décimales"),
    "price too large": ("Référence;Prix HT\nLV25;99999999999\n", 2, "Le prix est trop grand"),
    "not a number at all": ("Référence;Prix HT\nLV25;NaN\n", 2, "n'est pas un nombre"),
    "vat out of range": ("Référence;Prix HT;TVA\nLV25;55;150\n", 2, "Le taux de TVA est trop grand"),
    "zero pack size": ("Référence;Prix HT;Conditionnement\nLV25;55;0\n", 2, "Le conditionnement ne peut pas être nul"),
    "unknown unit": ("Référence;Prix HT;Unité\nLV25;55;tonneau\n", 2, "Unité inconnue « tonneau »"),
    "new reference without a name": ("Référence;Prix HT\nXX1;55\n", 2, "le nom (colonne « Désignation ») est nécessaire"),
    "formula in a price": ("Référence;Prix HT\nLV25;=1+1\n", 2, "commence comme une formule"),
    "formula in a name": ('Référence;Désignation;Prix HT\nLV25;=HYPERLINK("http://x");55\n', 2,
                          "commence comme une formule"),
    "command injection in a reference": ("Référence;Prix HT\n-cmd|' /C calc'!A0;55\n", 2, "commence comme une formule"),
    "at sign in a name": ("Référence;Désignation;Prix HT\nLV25;@SUM(A1);55\n", 2, "commence comme une formule"),
    "header only": ("Référence;Prix HT\n", None, "Le fichier n'a aucune ligne de produit"),
    "empty file": ("", None, "Le fichier est vide"),
    "binary file": ("\x00\x01\x02garbage", None, "n'est pas un fichier texte"),
}


@pytest.mark.parametrize("case", CORPUS)
def test_each_broken_file_gives_a_clear_french_reason_and_writes_nothing(supplier, case):
    text, line, expected = CORPUS[case]
    before = snapshot()
    price_import = preview(supplier, text.encode("utf-8"))
    if line is None:
        messages = " ".join(price_import.file_errors)
        assert price_import.rows == []
    else:
        messages = " ".join(errors_of(price_import).get(line, []))
        assert price_import.rows[line - 2]["status"] == "error"
    assert expected.lower() in messages.lower(), messages
    with pytest.raises(imports.NothingToApply):
        imports.apply_import(by=None, price_import=price_import)
    with pytest.raises(imports.NothingToApply):
        imports.apply_import(by=None, price_import=price_import, keep_valid_only=True)
    assert snapshot() == before


def test_extra_columns_are_ignored_and_said(supplier):
    price_import = preview(supplier, csv_bytes("Référence;Prix HT;Commentaire;Poids\nLV25;55;urgent;25\n"))
    assert price_import.rows[0]["status"] == "changed"
    assert price_import.notices == ["Colonnes ignorées\u00a0: Commentaire, Poids."]


def test_duplicated_references_are_errors_on_every_copy(supplier):
    price_import = preview(supplier, csv_bytes("Référence;Prix HT\nLV25;55\nPC25;61\nLV25;56\n"))
    statuses = [row["status"] for row in price_import.rows]
    assert statuses == ["error", "changed", "error"]
    assert "La référence LV25 apparaît deux fois (lignes 2 et 4)." in price_import.rows[0]["errors"]
    assert "La référence LV25 apparaît deux fois (lignes 2 et 4)." in price_import.rows[2]["errors"]


def test_a_windows_encoded_csv_is_read_and_said(supplier):
    data = "Référence;Désignation;Prix HT\nNEW1;Pâtes complètes;16,00\n".encode("cp1252")
    price_import = preview(supplier, data)
    assert price_import.rows[0]["name"] == "Pâtes complètes"
    assert "Windows (cp1252)" in price_import.notices[0]


def test_a_file_in_an_unreadable_encoding_is_refused_clearly(supplier):
    data = "Référence;Prix HT\nLV25;55\n".encode() + b"\x81\x8d\x8f\x90\x9d"
    price_import = preview(supplier, data)
    assert price_import.rows == []
    assert "CSV UTF-8" in price_import.file_errors[0]


def test_a_comma_separated_file_with_decimal_points_works(supplier):
    price_import = preview(supplier, csv_bytes('Reference,Prix HT,TVA\nLV25,55.00,5.5\n"PC25","60,00",5.5\n'))
    assert [(r["status"], r["price"]) for r in price_import.rows] == [("changed", "55.00"), ("unchanged", "60.00")]


def test_a_formula_cell_in_a_spreadsheet_is_refused(supplier):
    data = xlsx_bytes([["Référence", "Prix HT"], ["LV25", "=10*5.5"]])
    price_import = preview(supplier, data, "tarif.xlsx")
    assert "commence comme une formule" in " ".join(price_import.rows[0]["errors"])


def test_a_broken_spreadsheet_is_refused_clearly(supplier):
    price_import = preview(supplier, b"PK\x03\x04 not really a zip", "tarif.xlsx")
    assert price_import.file_errors == ["Ce tableur ne peut pas être ouvert. Enregistrez-le de nouveau en XLSX ou en CSV."]


def test_a_very_large_file_is_refused_before_any_row_is_checked(supplier, monkeypatch):
    # how long it takes is measured by bench/imports.py (docs/benchmarks.md), not asserted here
    lines = ["Référence;Désignation;Prix HT"] + [f"R{i};Produit {i};{i % 90 + 1},50" for i in range(50_000)]
    data = "\n".join(lines).encode()

    def no_row_checked(*args, **kwargs):
        raise AssertionError("a row was checked")

    monkeypatch.setattr(imports, "_decimal", no_row_checked)
    price_import = preview(supplier, data)
    assert price_import.rows == []
    assert "plus de 5000 lignes" in price_import.file_errors[0]


def test_a_very_large_spreadsheet_is_refused_too(supplier):
    data = xlsx_bytes([["Référence", "Prix HT"]] + [[f"R{i}", i] for i in range(6000)])
    price_import = preview(supplier, data, "tarif.xlsx")
    assert "plus de 5000 lignes" in price_import.file_errors[0]


def test_a_file_over_the_size_limit_is_refused_without_reading_it(supplier):
    price_import = preview(supplier, b"x" * (imports.MAX_BYTES + 1))
    assert "plus de 5 Mo" in price_import.file_errors[0]


def test_the_largest_accepted_file_is_checked_row_by_row(supplier):
    # its time is measured by bench/imports.py (docs/benchmarks.md)
    lines = ["Référence;Désignation;Prix HT"] + [f"R{i};Produit {i};{i % 90 + 1},50" for i in range(imports.MAX_ROWS)]
    price_import = preview(supplier, "\n".join(lines).encode())
    assert len(price_import.rows) == imports.MAX_ROWS
    assert price_import.file_errors == [] and not any(row["errors"] for row in price_import.rows)
    assert price_import.rows[-1]["reference"] == f"R{imports.MAX_ROWS - 1}"


# --- Export -----------------------------------------------------------------------------------

def test_the_export_neutralises_text_that_looks_like_a_formula():
    from grappe.catalogue.exports import catalogue_xlsx
    from grappe.catalogue.queries import current_prices

    product = make_product(name="Lentilles", reference="LV")
    # products are refused such names now; rows stored before that rule must still export safely
    Product.objects.filter(pk=product.pk).update(name="=HYPERLINK(\"http://evil\")", reference="+33")
    product.refresh_from_db()
    data = catalogue_xlsx([product], current_prices([product]))
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet["B2"].value == "'=HYPERLINK(\"http://evil\")"
    assert sheet["A2"].value == "'+33"
    assert sheet["B2"].data_type == "s"


def test_an_import_dated_in_the_future_records_prices_that_wait_for_their_date(supplier):
    from datetime import timedelta

    from django.utils import timezone

    from grappe.catalogue.queries import price_at

    later = timezone.now() + timedelta(days=30)
    price_import = preview(supplier, csv_bytes(GOOD))
    imports.apply_import(by=None, price_import=price_import, valid_from=later)
    lentils = Product.objects.get(reference="LV25")
    assert lentils.pack_price_excl_vat == D("52.50")
    assert price_at(lentils, later) == (D("55.00"), D("5.50"))
    assert Product.objects.get(reference="PS25").pack_price_excl_vat == D("50.00")


def test_an_import_dated_before_the_latest_price_does_not_replace_it(supplier):
    from datetime import timedelta

    from django.utils import timezone

    earlier = timezone.now() - timedelta(days=30)
    price_import = preview(supplier, csv_bytes("Référence;Prix HT\nLV25;51,00\n"))
    imports.apply_import(by=None, price_import=price_import, valid_from=earlier)
    lentils = Product.objects.get(reference="LV25")
    assert lentils.pack_price_excl_vat == D("52.50")
    assert lentils.price_changes.count() == 2


def test_a_family_is_found_whatever_its_case_accents_or_plural_and_an_unknown_one_lists_the_names(supplier):
    text = ("Référence;Désignation;Prix HT;Famille\nF1;Farine T65;20;Farine\nF2;Farine T80;21;FARINES\n"
            "F3;Pois;3;Legumineuse\nF4;Amandes;9;fruit sec\nF5;Sel;1;Épicerie\n")
    rows = preview(supplier, csv_bytes(text)).rows
    assert [row["family"] for row in rows] == ["bakery", "bakery", "pulses", "dried_fruit", None]
    [message] = rows[4]["errors"]
    assert message.startswith("Famille inconnue « Épicerie ». Noms acceptés\u00a0: légumineuses, ")
    assert "farines et boulangerie" in message


SACK = "Référence;Désignation;Prix HT\nLV25;Lentilles vertes;1,10\nPC25;Pois chiches;66,00\n"


def test_a_price_change_beyond_the_threshold_is_flagged_and_needs_the_tick(supplier):
    price_import = preview(supplier, csv_bytes(SACK))  # 52,50 -> 1,10 (-97 %); 60 -> 66 (+10 %)
    assert price_import.rows[0]["jump"] == -97 and "jump" not in price_import.rows[1]
    assert imports.jumps(price_import) == [price_import.rows[0]]
    before = snapshot()
    with pytest.raises(imports.PriceJumpsUnconfirmed) as refused:
        imports.apply_import(by=None, price_import=price_import)
    assert "1 prix change de plus de 30 %\u00a0: rien n’a été enregistré" in str(refused.value)
    assert snapshot() == before
    imports.apply_import(by=None, price_import=price_import, jumps_confirmed=True)
    assert Product.objects.get(reference="LV25").pack_price_excl_vat == D("1.10")


def test_the_threshold_is_the_associations_setting(supplier):
    supplier.association.price_change_alert_percent = 5
    supplier.association.save()
    price_import = preview(supplier, csv_bytes(SACK))
    assert [row.get("jump") for row in price_import.rows] == [-97, 10]
    supplier.association.price_change_alert_percent = 500
    supplier.association.save()
    assert imports.jumps(preview(supplier, csv_bytes(SACK))) == []
